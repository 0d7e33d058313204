package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/policies"
)

// adminPortal is a portal whose packs are in its store, with an admin.
func policyAdminPortal(t *testing.T) *portal {
	t.Helper()
	p := newPortal(t)
	files, err := policy.ReadPackFiles(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.SeedPacks(t.Context(), files, "embedded", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.ReloadPolicies(t.Context()); err != nil {
		t.Fatal(err)
	}
	accounts := auth.NewAccounts(p.svc.Store())
	desk, err := p.svc.Store().OrgByName(t.Context(), "Desk")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.CreateUser(t.Context(), rma.System, desk.ID, "admin@desk.example", "", rma.RoleAdmin, password); err != nil {
		t.Fatal(err)
	}
	return p
}

// draftBody is the draft form as a browser sends it (multipart).
func draftBody(t *testing.T, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}

// pixfraDraft is Pixfra's pack as version 2, a thermal camera's warranty
// one year; bad misspells the key, which the loader reports on its line.
func pixfraDraft(t *testing.T, bad bool) (string, int) {
	t.Helper()
	src, err := os.ReadFile("../../policies/pixfra.yaml")
	if err != nil {
		t.Fatal(err)
	}
	old := "    - category: thermal-camera\n      part: device\n      years: 3\n"
	repl := "    - category: thermal-camera\n      part: device\n      years: 1\n"
	if bad {
		repl = "    - category: thermal-camera\n      part: device\n      yeers: 1\n"
	}
	i := strings.Index(string(src), old)
	if i < 0 {
		t.Fatal("pixfra.yaml has no thermal-camera term")
	}
	return strings.Replace(strings.Replace(string(src), old, repl, 1), "version: \"1\"", "version: \"2\"", 1), strings.Count(string(src[:i]), "\n") + 3
}

func TestPolicyPages(t *testing.T) {
	p := policyAdminPortal(t)
	admin := p.signIn("admin@desk.example")
	// Only admins: agents are refused, requesters told there is no page.
	if resp, _ := p.do(p.signIn("agent@desk.example"), "GET", "/admin/policies", nil, ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("agent: %d", resp.StatusCode)
	}
	if resp, _ := p.do(p.signIn("rma@dist.example"), "GET", "/admin/policies/pixfra", nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("requester: %d", resp.StatusCode)
	}
	resp, body := p.do(admin, "GET", "/admin/policies", nil, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="/admin/policies/pixfra"`) || !strings.Contains(body, "version 1") {
		t.Fatalf("policies: %d %s", resp.StatusCode, body)
	}
	resp, body = p.do(admin, "GET", "/admin/policies/pixfra/versions/1", nil, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="clause-warranty-chart"`) || !strings.Contains(body, "category thermal-camera, part device") {
		t.Fatalf("version page: %d %s", resp.StatusCode, body)
	}

	// A draft with an error: refused, the finding beside its line.
	bad, line := pixfraDraft(t, true)
	b, ct := draftBody(t, map[string]string{"source": bad, "effective_from": "2026-04-01"})
	resp, body = p.do(admin, "POST", "/admin/policies/pixfra/drafts", b, ct)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad draft: %d %s", resp.StatusCode, body)
	}
	row := regexp.MustCompile(`<tr id="L` + fmt.Sprint(line) + `" class="finding">.*?</tr>`).FindString(body)
	if !strings.Contains(row, "yeers") || !strings.Contains(row, fmt.Sprintf("line %d, column", line)) {
		t.Fatalf("the finding is not beside line %d: %q", line, row)
	}
	if !strings.Contains(body, "yeers: 1</textarea>") && !strings.Contains(body, "yeers: 1\n") {
		t.Fatal("the form is not filled again with the YAML sent")
	}
	// Fixed: stored as a draft, shown with the what-if link.
	good, _ := pixfraDraft(t, false)
	b, ct = draftBody(t, map[string]string{"source": good, "effective_from": "2026-04-01"})
	resp, body = p.do(admin, "POST", "/admin/policies/pixfra/drafts", b, ct)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/policies/pixfra/drafts/") {
		t.Fatalf("good draft: %d %s", resp.StatusCode, body)
	}
	draft := resp.Header.Get("Location")
	draftID := strings.TrimPrefix(draft, "/admin/policies/pixfra/drafts/")
	resp, body = p.do(admin, "GET", draft, nil, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="/admin/policies/pixfra/whatif?draft=`+draftID+`"`) || !strings.Contains(body, `value="2026-04-01"`) {
		t.Fatalf("draft page: %d %s", resp.StatusCode, body)
	}
	// The what-if page says which draft it replays, and links it.
	if _, body = p.do(admin, "GET", "/admin/policies/pixfra/whatif?draft="+draftID, nil, ""); !strings.Contains(body, "Replays the draft of version 2, saved by admin@desk.example on 2026-03-02.") ||
		!strings.Contains(body, `<a href="`+draft+`">Open the draft</a>`) {
		t.Errorf("the what-if page of the draft: %s", body)
	}
	// The diff names the term and its clause, and shows the lines.
	resp, body = p.do(admin, "GET", "/admin/policies/pixfra/diff?from=1&to=draft:"+draftID, nil, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "warranty.terms") || !strings.Contains(body, "<code>warranty-chart</code>") ||
		!strings.Contains(body, "<del>3</del>") || !strings.Contains(body, "<ins>1</ins>") || !strings.Contains(body, "&#43;       years: 1") {
		t.Fatalf("diff: %d %s", resp.StatusCode, body)
	}
	// Publishing before today is refused with the form; for a day to come it is done.
	resp, body = p.form(admin, draft+"/publish", url.Values{"effective_from": {"2026-03-01"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "before today") {
		t.Fatalf("publish in the past: %d %s", resp.StatusCode, body)
	}
	resp, body = p.form(admin, draft+"/publish", url.Values{"effective_from": {"2026-04-01"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", resp.StatusCode, body)
	}
	if v := p.svc.Policies().InForce("pixfra", 0); v == nil || p.svc.Policies().Version("pixfra", "2") == nil {
		t.Fatal("version 2 is not in the desk's set")
	}
	_, body = p.do(admin, "GET", "/admin/policies/pixfra", nil, "")
	if !strings.Contains(body, "published, takes effect later") {
		t.Fatalf("policy page after publishing: %s", body)
	}
	// Version 2 takes effect later: it may be withdrawn until then.
	_, body = p.do(admin, "GET", "/admin/policies/pixfra/versions/2", nil, "")
	if !strings.Contains(body, `action="/admin/policies/pixfra/versions/2/retire"`) {
		t.Fatalf("no withdraw form on a version to come: %s", body)
	}
	if _, body = p.do(admin, "GET", "/admin/policies/pixfra/versions/1", nil, ""); strings.Contains(body, "/retire") {
		t.Fatal("the version in force offers to be withdrawn")
	}
	if resp, _ = p.form(admin, "/admin/policies/pixfra/versions/1/retire", url.Values{}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("withdrawing the version in force: %d", resp.StatusCode)
	}
	if resp, _ = p.form(admin, "/admin/policies/pixfra/versions/2/retire", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	if p.svc.Policies().Version("pixfra", "2") != nil {
		t.Fatal("a withdrawn version is in the set")
	}
	if _, body = p.do(admin, "GET", "/admin/policies/pixfra", nil, ""); !strings.Contains(body, "withdrawn before it took effect") {
		t.Fatalf("policy page after withdrawing: %s", body)
	}
	// A second draft is discarded.
	b, ct = draftBody(t, map[string]string{"source": good, "version": "3", "effective_from": "2026-05-01"})
	resp, _ = p.do(admin, "POST", "/admin/policies/pixfra/drafts", b, ct)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second draft: %d", resp.StatusCode)
	}
	third := resp.Header.Get("Location")
	if resp, _ = p.form(admin, third+"/discard", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("discard: %d", resp.StatusCode)
	}
	if resp, _ = p.do(admin, "GET", third, nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("discarded draft: %d", resp.StatusCode)
	}
	// The pages in Dutch.
	p.do(admin, "GET", "/lang/nl?next=/admin/policies", nil, "")
	_, body = p.do(admin, "GET", "/admin/policies/pixfra", nil, "")
	if !strings.Contains(body, "Een concept uploaden") {
		t.Fatalf("Dutch: %s", body)
	}
}

func TestLineDiff(t *testing.T) {
	got := lineDiff(strings.Split("a\nb\nc\nd\ne\nf\ng\nh", "\n"), strings.Split("a\nb\nc\nD\ne\nf\ng\nh\ni", "\n"))
	gap := lineDiff(strings.Split("1\n2\n3\n4\n5\n6\n7\n8\n9", "\n"), strings.Split("0\n2\n3\n4\n5\n6\n7\n8\nX", "\n"))
	if len(gap) != 9 || !gap[4].Gap {
		t.Fatalf("hunks apart are not separated by a gap: %+v", gap)
	}
	var s []string
	for _, l := range got {
		if l.Gap {
			s = append(s, "…")
			continue
		}
		s = append(s, l.Kind+l.Text)
	}
	if want := " b, c,-d,+D, e, f, g, h,+i"; strings.Join(s, ",") != want {
		t.Fatalf("lineDiff = %q, want %q", strings.Join(s, ","), want)
	}
}

// TestAdminHomeDrafts: the admin home counts the policy drafts not yet
// published and links each; one published or discarded leaves the list,
// and with none left the item is gone. In Dutch too.
func TestAdminHomeDrafts(t *testing.T) {
	p := policyAdminPortal(t)
	admin := p.signIn("admin@desk.example")
	if home := p.get(admin, "/admin", http.StatusOK); strings.Contains(home, "Policy drafts") {
		t.Fatalf("drafts called for before there are any: %s", home)
	}
	good, _ := pixfraDraft(t, false)
	var drafts []string
	for _, version := range []string{"2", "3"} {
		b, ct := draftBody(t, map[string]string{"source": good, "version": version, "effective_from": "2026-04-01"})
		resp, body := p.do(admin, "POST", "/admin/policies/pixfra/drafts", b, ct)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("draft %s: %d %s", version, resp.StatusCode, body)
		}
		drafts = append(drafts, resp.Header.Get("Location"))
	}
	attention := func(lang string) string {
		t.Helper()
		home := p.get(admin, "/admin", http.StatusOK)
		m := regexp.MustCompile(`(?s)<ul class="attention" id="attention">.*?</ul>\s*</li>`).FindString(home)
		if m == "" && lang != "" {
			t.Fatalf("no attention list:\n%s", home)
		}
		return m
	}
	list := attention("en")
	for i, want := range []string{
		`<a href="/admin/policies">Policy drafts not yet published: 2.`,
		`<li><a href="` + drafts[0] + `">pixfra version 2, saved by admin@desk.example on 2026-03-02</a></li>`,
		`<li><a href="` + drafts[1] + `">pixfra version 3, saved by admin@desk.example on 2026-03-02</a></li>`,
	} {
		if !strings.Contains(list, want) {
			t.Errorf("the home's attention list lacks item %d %q:\n%s", i, want, list)
		}
	}
	p.do(admin, "GET", "/lang/nl?next=/admin", nil, "")
	if list := attention("nl"); !strings.Contains(list, "Beleidsconcepten die nog niet zijn gepubliceerd: 2.") ||
		!strings.Contains(list, "pixfra versie 2, opgeslagen door admin@desk.example op 2026-03-02") {
		t.Errorf("the Dutch attention list:\n%s", list)
	}
	p.do(admin, "GET", "/lang/en?next=/admin", nil, "")
	if resp, body := p.form(admin, drafts[0]+"/publish", url.Values{"effective_from": {"2026-04-01"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", resp.StatusCode, body)
	}
	if list := attention("en"); !strings.Contains(list, "Policy drafts not yet published: 1.") || strings.Contains(list, drafts[0]) || !strings.Contains(list, drafts[1]) {
		t.Errorf("after publishing version 2:\n%s", list)
	}
	if resp, _ := p.form(admin, drafts[1]+"/discard", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("discard: %d", resp.StatusCode)
	}
	if home := p.get(admin, "/admin", http.StatusOK); strings.Contains(home, "Policy drafts") || strings.Contains(home, "/drafts/") {
		t.Errorf("a draft is called for after the last was discarded: %s", home)
	}
}
