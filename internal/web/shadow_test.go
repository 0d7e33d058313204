package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestShadowPages: an admin puts a draft of Pixfra's pack (a thermal
// camera's warranty cut to a year) in shadow from its page; a distributor
// files a thermal camera through the portal's form, decided by the
// published version; the review, reached from the draft's page and the
// policies page, says the line's warranty ends earlier under the draft,
// links the RMA and gives both decisions' reasons with their clauses, in
// English and Dutch. Only admins see it; stopping keeps the review.
func TestShadowPages(t *testing.T) {
	p := policyAdminPortal(t)
	admin := p.signIn("admin@desk.example")
	good, _ := pixfraDraft(t, false)
	b, ct := draftBody(t, map[string]string{"source": good, "effective_from": "2026-04-01"})
	resp, body := p.do(admin, "POST", "/admin/policies/pixfra/drafts", b, ct)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d %s", resp.StatusCode, body)
	}
	draft := resp.Header.Get("Location")
	if _, body = p.do(admin, "GET", draft, nil, ""); !strings.Contains(body, `action="`+draft+`/shadow"`) || !strings.Contains(body, "Put this draft in shadow") {
		t.Fatalf("the draft's page offers no shadow: %s", body)
	}
	resp, _ = p.form(admin, draft+"/shadow", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != draft {
		t.Fatalf("start: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = p.do(admin, "GET", draft, nil, "")
	for _, want := range []string{"Draft 2 is in shadow: from now on each new claim of pixfra is also decided by it", "In shadow since",
		`href="/admin/policies/pixfra/shadows/1" id="shadow-review"`, `action="` + draft + `/shadow/stop"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("the draft's page lacks %q: %s", want, body)
		}
	}
	if _, body = p.do(admin, "GET", "/admin/policies", nil, ""); !strings.Contains(body, `<a href="/admin/policies/pixfra/shadows/1">draft 2</a>`) {
		t.Fatalf("the policies page does not link the shadow: %s", body)
	}

	// A thermal camera filed through the portal, invoiced 2025-06-01.
	dist := p.signIn("rma@dist.example")
	form, fct := pixfraForm(t, true)
	if resp, body := p.do(dist, "POST", "/rmas/new", form, fct); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	review := "/admin/policies/pixfra/shadows/1"
	resp, body = p.do(admin, "GET", review, nil, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("review: %d %s", resp.StatusCode, body)
	}
	for _, want := range []string{"1 lines compared: 1 changed, 0 unchanged.", "warranty ends earlier: 1 lines", `href="/rmas/1"`,
		"in warranty: 3 years from invoice 2025-06-01", "in warranty: 1 year from invoice 2025-06-01", "[warranty-chart]", "warranty last day"} {
		if !strings.Contains(body, want) {
			t.Fatalf("the review lacks %q: %s", want, body)
		}
	}
	// Only admins.
	if resp, _ := p.do(p.signIn("agent@desk.example"), "GET", review, nil, ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("agent: %d", resp.StatusCode)
	}
	if resp, _ := p.do(dist, "GET", review, nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("requester: %d", resp.StatusCode)
	}
	if resp, _ := p.do(admin, "GET", "/admin/policies/dexxon/shadows/1", nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another policy's shadow: %d", resp.StatusCode)
	}
	// In Dutch, in the what-if's words.
	p.do(admin, "GET", "/lang/nl?next=/admin/policies", nil, "")
	_, body = p.do(admin, "GET", review, nil, "")
	for _, want := range []string{"1 regels vergeleken: 1 anders, 0 gelijk.", "garantie eindigt eerder: 1 regels", "Schaduw van concept 2 van pixfra"} {
		if !strings.Contains(body, want) {
			t.Fatalf("the Dutch review lacks %q: %s", want, body)
		}
	}
	p.do(admin, "GET", "/lang/en?next=/admin/policies", nil, "")
	// Stopped: the review stays, and says so.
	resp, _ = p.form(admin, draft+"/shadow/stop", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != review {
		t.Fatalf("stop: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = p.do(admin, "GET", review, nil, "")
	if !strings.Contains(body, "Draft 2 is no longer in shadow") || !strings.Contains(body, "stopped") || strings.Contains(body, `id="shadow-stop"`) {
		t.Fatalf("after stopping: %s", body)
	}
	if _, body = p.do(admin, "GET", "/admin/policies/pixfra", nil, ""); !strings.Contains(body, `id="shadows"`) || !strings.Contains(body, "1 compared, 1 changed") {
		t.Fatalf("the policy's page lists no shadows: %s", body)
	}
	// Stopping again: there is nothing in shadow.
	if resp, _ = p.form(admin, draft+"/shadow/stop", url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("stop again: %d", resp.StatusCode)
	}
}
