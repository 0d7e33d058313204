package api

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/whatif"
	"github.com/rmadesk/rmadesk/policies"
)

func init() {
	for route, op := range map[string]rma.Action{
		"GET /api/v1/policies/{id}/versions":                   rma.OpAdminister,
		"GET /api/v1/policies/{id}/diff":                       rma.OpAdminister,
		"POST /api/v1/policies/{id}/drafts":                    rma.OpAdminister,
		"GET /api/v1/policies/{id}/drafts/{draft}":             rma.OpAdminister,
		"PUT /api/v1/policies/{id}/drafts/{draft}":             rma.OpAdminister,
		"POST /api/v1/policies/{id}/drafts/{draft}/publish":    rma.OpAdminister,
		"DELETE /api/v1/policies/{id}/drafts/{draft}":          rma.OpAdminister,
		"POST /api/v1/policies/{id}/versions/{version}/retire": rma.OpAdminister,
	} {
		routeOps[route] = struct {
			op     rma.Action
			ofRMA  bool
			public bool
			user   bool
		}{op: op}
	}
}

// storePacks puts the seed packs in the harness's store and builds the
// service's Set from it, as serve does.
func (h *harness) storePacks() {
	h.t.Helper()
	files, err := policy.ReadPackFiles(policies.FS)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.svc.SeedPacks(h.t.Context(), files, "embedded", nil); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.svc.ReloadPolicies(h.t.Context()); err != nil {
		h.t.Fatal(err)
	}
}

// draftFixture stores the seeds and a draft of dexxon dated in the past,
// so that the access test's publish is refused (422) and its discard,
// the last route, removes it.
func draftFixture(h *harness) int64 {
	h.t.Helper()
	files, err := policy.ReadPackFiles(policies.FS)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.svc.SeedPacks(h.t.Context(), files, "embedded", nil); err != nil {
		h.t.Fatal(err)
	}
	src, err := os.ReadFile("../../policies/dexxon.yaml")
	if err != nil {
		h.t.Fatal(err)
	}
	v, err := h.svc.SaveDraft(h.t.Context(), rma.Actor{Role: rma.RoleAdmin, Name: "test"}, "dexxon",
		rma.DraftInput{Source: string(src), Version: "1-draft", EffectiveFrom: "2021-02-03"})
	if err != nil {
		h.t.Fatal(err)
	}
	return v.ID
}

// pixfraV2 is the Pixfra pack with a thermal camera's warranty cut from
// three years to one; bad adds a key the format does not know.
func pixfraV2(t *testing.T, bad bool) (string, int) {
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
		t.Fatal("pixfra.yaml has changed: no thermal-camera term")
	}
	line := strings.Count(string(src[:i]), "\n") + 3 // the years: line
	s := strings.Replace(string(src), old, repl, 1)
	s = strings.Replace(s, "version: \"1\"", "version: \"2\"", 1)
	return s, line
}

// TestPolicyDraftPublish: a draft with an error is refused naming its line;
// fixed, it is stored; published for a date, a claim reported from that
// date is decided by it, while an RMA decided before keeps its version when
// it is read again and after the desk restarts.
func TestPolicyDraftPublish(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { policyDraftPublish(t, newHarnessOn(t, b)) })
	}
}

func policyDraftPublish(t *testing.T, h *harness) {
	h.storePacks()
	admin := h.keys["admin"]
	vs := h.must(http.StatusOK, "GET", "/api/v1/policies/pixfra/versions", admin, nil)
	if got := fmt.Sprint(vs["versions"]); !strings.Contains(got, "published") || !strings.Contains(got, "in_force:true") {
		t.Fatalf("versions: %s", got)
	}
	// An older claim: invoiced nearly two years ago, within three years.
	sub := pixfraSubmission([]string{"vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"})
	sub["lines"].([]any)[0].(map[string]any)["dates"] = map[string]any{"invoice": "2024-06-01"}
	old := h.submit(h.keys["pixfra"], sub)
	if old["policy_version"] != "1" || old["route"] != "warranty" {
		t.Fatalf("before the new version: %v %v", old["policy_version"], old["route"])
	}

	bad, line := pixfraV2(t, true)
	r := h.do("POST", "/api/v1/policies/pixfra/drafts", admin, bad, "Content-Type", "application/yaml")
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.header.Get("Content-Type"), "problem+json") {
		t.Fatalf("a draft with an unknown key: %d %s", r.status, r.body)
	}
	p := r.json(t)
	f := p["findings"].([]any)[0].(map[string]any)
	if f["line"] != float64(line) || !strings.Contains(fmt.Sprint(f["message"]), "yeers") {
		t.Fatalf("the finding names line %v, want %d: %s", f["line"], line, r.body)
	}
	if list := h.must(http.StatusOK, "GET", "/api/v1/policies/pixfra/versions", admin, nil)["versions"].([]any); len(list) != 1 {
		t.Fatalf("a refused draft was stored: %v", list)
	}

	good, _ := pixfraV2(t, false)
	d := h.must(http.StatusCreated, "POST", "/api/v1/policies/pixfra/drafts", admin, map[string]any{"source": good, "effective_from": "2026-04-01"})
	draft := fmt.Sprintf("/api/v1/policies/pixfra/drafts/%v", d["id"])
	if d["state"] != "draft" || d["version"] != "2" || d["effective_from"] != "2026-04-01" || !strings.Contains(fmt.Sprint(d["translations"]), "version: \"2\"") {
		t.Fatalf("stored draft: %v", d)
	}
	h.must(http.StatusOK, "GET", draft, admin, nil)
	// The same version number again is refused on its line.
	r = h.do("POST", "/api/v1/policies/pixfra/drafts", admin, good, "Content-Type", "application/yaml")
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `"line":4`) {
		t.Fatalf("a taken version: %d %s", r.status, r.body)
	}
	diff := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/policies/pixfra/diff?from=1&to=draft:%v", d["id"]), admin, nil)
	if got := fmt.Sprint(diff["changes"]); !strings.Contains(got, "warranty.terms") || !strings.Contains(got, "warranty-chart") {
		t.Fatalf("diff: %s", got)
	}
	// The stored draft replays the desk's history by its number (whatif.Stored).
	wi := h.must(http.StatusOK, "POST", "/api/v1/policies/pixfra/whatif", admin, map[string]any{"draft": d["id"]})
	if wi["draft_version"] != "2" {
		t.Fatalf("what-if of the stored draft: %v", wi)
	}
	h.must(http.StatusNotFound, "POST", "/api/v1/policies/dexxon/whatif", admin, map[string]any{"draft": d["id"]})
	// Not before today unless asked; then for a date to come.
	h.must(http.StatusUnprocessableEntity, "POST", draft+"/publish", admin, map[string]any{"effective_from": "2026-03-01"})
	pub := h.must(http.StatusOK, "POST", draft+"/publish", admin, map[string]any{"effective_from": "2026-04-01"})
	if pub["state"] != "published" || pub["in_force"] != false {
		t.Fatalf("published: %v", pub)
	}
	h.must(http.StatusNotFound, "GET", draft, admin, nil)
	// The audit log names who uploaded, replayed and published what; the
	// refused draft left no entry.
	entries, _, err := h.db.(audit.Store).AuditLog(t.Context(), audit.Filter{Action: "policy."})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 || entries[0].Action != audit.PolicyPublish || entries[1].Action != whatif.ActionWhatIf || entries[2].Action != audit.PolicyDraft ||
		fmt.Sprint(entries[0].Changes) != "[{version  2} {effective_from  2026-04-01}]" || entries[0].ActorName == "" {
		t.Fatalf("audit log: %+v", entries)
	}
	// A version published for a day to come may be withdrawn before it;
	// one in force may not.
	d3 := h.must(http.StatusCreated, "POST", "/api/v1/policies/pixfra/drafts", admin, map[string]any{"source": good, "version": "3", "effective_from": "2026-05-01"})
	h.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/policies/pixfra/drafts/%v/publish", d3["id"]), admin, nil)
	if h.svc.Policies().Version("pixfra", "3") == nil {
		t.Fatal("version 3 is not in the set once published")
	}
	if r3 := h.must(http.StatusOK, "POST", "/api/v1/policies/pixfra/versions/3/retire", admin, nil); r3["state"] != "retired" || r3["retired_by"] == "" {
		t.Fatalf("retired: %v", r3)
	}
	if h.svc.Policies().Version("pixfra", "3") != nil {
		t.Fatal("a retired version is still in the set")
	}
	h.must(http.StatusConflict, "POST", "/api/v1/policies/pixfra/versions/1/retire", admin, nil)
	h.must(http.StatusConflict, "POST", "/api/v1/policies/pixfra/versions/3/retire", admin, nil)
	// Today the old version still decides; from April 1 the new one.
	if again := h.submit(h.keys["pixfra"], sub); again["policy_version"] != "1" {
		t.Fatalf("before its date the new version decided: %v", again["policy_version"])
	}
	h.clock.advance(31 * 24 * time.Hour)
	after := h.submit(h.keys["pixfra"], sub)
	if after["policy_version"] != "2" || after["decision"] != "reject" {
		t.Fatalf("after its date: version %v, decision %v", after["policy_version"], after["decision"])
	}
	// The older RMA keeps its version and decision, read again and after a
	// restart (the Set is rebuilt from the store).
	h.restart()
	h.storePacks()
	got := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%v", id(old)), h.keys["pixfra"], nil)
	if got["policy_version"] != "1" || got["route"] != "warranty" || got["decision"] != old["decision"] {
		t.Fatalf("the older RMA re-read: %v %v %v", got["policy_version"], got["route"], got["decision"])
	}
	// It is still evaluated by version 1: the desk authorizes it by its policy.
	h.act(h.keys["agent"], id(old), "authorize", map[string]any{"resolution": "repair"})
	if p := h.svc.Policies().Version("pixfra", "1"); p == nil {
		t.Fatal("version 1 left the Set")
	}
}
