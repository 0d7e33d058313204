package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/policies"
)

// whatifPixfraDraft is the Pixfra pack with a thermal camera's warranty cut from
// three years to six months.
func whatifPixfraDraft(t *testing.T, years string) string {
	t.Helper()
	b, err := policies.FS.ReadFile("pixfra.yaml")
	if err != nil {
		t.Fatal(err)
	}
	old := "    - category: thermal-camera\n      part: device\n      years: 3\n"
	src := string(b)
	if !strings.Contains(src, old) {
		t.Fatal("the Pixfra pack changed")
	}
	return strings.Replace(src, old, "    - category: thermal-camera\n      part: device\n      "+years+"\n", 1)
}

// TestWhatIfPage: an admin pastes a Pixfra draft with a six-month warranty
// and sees the distributor's camera (invoiced nine months before) turn
// from accept to reject, with the reasons and the money; a draft with a
// lint error is shown again with its finding on its line; an agent gets
// 403, a requester 404; the page speaks Dutch.
func TestWhatIfPage(t *testing.T) {
	p := newPortal(t)
	ctx := context.Background()
	accounts := auth.NewAccounts(p.svc.Store())
	desk, err := p.svc.Store().OrgByName(ctx, "Desk")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.CreateUser(ctx, rma.System, desk.ID, "admin@desk.example", "", rma.RoleAdmin, password); err != nil {
		t.Fatal(err)
	}
	dist := p.signIn("rma@dist.example")
	body, ct := pixfraForm(t, true)
	if resp, out := p.do(dist, "POST", "/rmas/new", body, ct); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("filing: %d %s", resp.StatusCode, out)
	}

	admin := p.signIn("admin@desk.example")
	resp, page := p.do(admin, "GET", "/admin/policies/pixfra/whatif", nil, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="draft_yaml"`) || !strings.Contains(page, `type="file"`) {
		t.Fatalf("form: %d %s", resp.StatusCode, page)
	}

	post := func(c *http.Client, yaml string, fields ...string) (*http.Response, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("draft_yaml", yaml)
		for i := 0; i+1 < len(fields); i += 2 {
			mw.WriteField(fields[i], fields[i+1])
		}
		mw.Close()
		return p.do(c, "POST", "/admin/policies/pixfra/whatif", &buf, mw.FormDataContentType())
	}
	resp, page = post(admin, whatifPixfraDraft(t, "months: 6"), "from", "2026-03-01", "to", "2026-03-31")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("run: %d %s", resp.StatusCode, page)
	}
	for _, want := range []string{"1 lines replayed: 1 changed, 0 unchanged.", "decision accept → reject: 1 lines", `id="whatif-money-0"`, `href="/rmas/1"`, "[warranty-chart]", "Changed lines (first 1 of 1)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}

	// A lint error: the form again, the draft kept, the finding on its line.
	bad := whatifPixfraDraft(t, "years: three")
	line := strings.Count(bad[:strings.Index(bad, "years: three")], "\n") + 1
	resp, page = post(admin, bad)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="findings"`) ||
		!strings.Contains(page, fmt.Sprintf("line %d</strong>: <code>warranty.terms[2].years</code>", line)) || !strings.Contains(page, "years: three") {
		t.Errorf("lint error: %d %s", resp.StatusCode, page)
	}
	// A bad day names its field.
	resp, page = post(admin, whatifPixfraDraft(t, "years: 1"), "from", "2026-02-30")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Filed from") {
		t.Errorf("bad day: %d", resp.StatusCode)
	}

	// Only admins: an agent is refused, a requester finds nothing.
	agent := p.signIn("agent@desk.example")
	if resp, _ := p.do(agent, "GET", "/admin/policies/pixfra/whatif", nil, ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("agent: %d", resp.StatusCode)
	}
	if resp, _ := post(agent, whatifPixfraDraft(t, "months: 6")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("agent's post: %d", resp.StatusCode)
	}
	if resp, _ := p.do(dist, "GET", "/admin/policies/pixfra/whatif", nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("requester: %d", resp.StatusCode)
	}
	if resp, _ := p.do(admin, "GET", "/admin/policies/nobody/whatif", nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown policy: %d", resp.StatusCode)
	}
	// ?draft= names the stored draft the run will replay; one the desk
	// does not have is refused when run.
	if _, page := p.do(admin, "GET", "/admin/policies/pixfra/whatif?draft=3", nil, ""); !strings.Contains(page, `name="draft" value="3"`) {
		t.Errorf("?draft= is not carried into the form: %s", page)
	}

	// In Dutch.
	p.do(admin, "GET", "/lang/nl?"+url.Values{"next": {"/rmas"}}.Encode(), nil, "")
	_, page = post(admin, whatifPixfraDraft(t, "months: 6"))
	if !strings.Contains(page, "regels opnieuw beslist") || !strings.Contains(page, "Geld (") {
		t.Errorf("Dutch page: %s", page)
	}
	// The routes and the engine's reasons in Dutch too, not their codes or
	// English sentences.
	for _, english := range []string{"warranty →", "→ none", "in warranty:", "out of warranty:"} {
		if strings.Contains(page, english) {
			t.Errorf("the Dutch page says %q", english)
		}
	}
}
