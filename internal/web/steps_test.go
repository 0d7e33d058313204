package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestRMAPageSteps: the desk's RMA page leads with the step the engine
// suggests, offers no step the policy does not (Pixfra refers nobody to a
// manufacturer and destroys nothing), and sets reject and withdraw apart;
// rejecting takes a confirmation page (without script), a rejection
// without a reason comes back saying so, and only the confirmed form
// rejects.
func TestRMAPageSteps(t *testing.T) {
	p := newPortal(t)
	dist := p.signIn("rma@dist.example")
	form, ct := pixfraForm(t, true)
	if resp, body := p.do(dist, "POST", "/rmas/new", form, ct); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	agent := p.signIn("agent@desk.example")
	_, page := p.do(agent, "GET", "/rmas/1", nil, "")
	steps := regexp.MustCompile(`id="step-([a-z_]+)"`).FindAllStringSubmatch(page, -1)
	var order []string
	for _, s := range steps {
		order = append(order, s[1])
	}
	if top := strings.Index(page, `id="suggested-top"`); top < 0 || top > strings.Index(page, `id="h-lines"`) || !strings.Contains(page, `<a href="#step-authorize">Authorize the return</a>`) {
		t.Fatal("the page does not lead with the suggested step, linked to its form")
	}
	if len(order) == 0 || order[0] != "authorize" || !strings.Contains(page, `class="step suggested" id="step-authorize"`) {
		t.Fatalf("the steps %v do not lead with authorize, the engine's suggestion", order)
	}
	for _, never := range []string{"refer", "credit_without_return", "resolve_remotely"} {
		if strings.Contains(page, `id="step-`+never+`"`) {
			t.Errorf("Pixfra's policy does not offer %s, yet the page does", never)
		}
	}
	danger := strings.Index(page, `id="h-danger"`)
	if danger < 0 || strings.Index(page, `id="step-reject"`) < danger || strings.Index(page, `id="step-cancel"`) < danger {
		t.Fatalf("reject and withdraw are not set apart: %v", order)
	}
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)[1]

	resp, body := p.form(agent, "/rmas/1/act/reject", url.Values{"version": {version}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "a reason is required to reject") || !strings.Contains(body, `id="step-reject"`) {
		t.Fatalf("a rejection without a reason: %d, the RMA page with the message expected", resp.StatusCode)
	}
	resp, body = p.form(agent, "/rmas/1/act/reject", url.Values{"version": {version}, "reason": {"Not a Pixfra unit."}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Reject RMA request 1? The requester is told") || !strings.Contains(body, `name="confirm" value="1"`) {
		t.Fatalf("the reject form's first post: %d, a confirmation page expected:\n%s", resp.StatusCode, body)
	}
	if _, page = p.do(agent, "GET", "/rmas/1", nil, ""); !strings.Contains(page, `class="state s-submitted"`) {
		t.Fatal("the RMA was rejected before the confirmation")
	}
	resp, _ = p.form(agent, "/rmas/1/act/reject", url.Values{"version": {version}, "reason": {"Not a Pixfra unit."}, "confirm": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the confirmed rejection: %d", resp.StatusCode)
	}
	if _, page = p.do(agent, "GET", "/rmas/1", nil, ""); !strings.Contains(page, `class="state s-rejected"`) {
		t.Fatal("the confirmed rejection did not reject")
	}
}
