package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
)

func init() {
	for route, op := range map[string]rma.Action{
		"POST /api/v1/policies/{id}/drafts/{draft}/shadow":   rma.OpAdminister,
		"DELETE /api/v1/policies/{id}/drafts/{draft}/shadow": rma.OpAdminister,
		"GET /api/v1/policies/{id}/shadows":                  rma.OpAdminister,
		"GET /api/v1/policies/{id}/shadows/{shadow}":         rma.OpAdminister,
	} {
		routeOps[route] = struct {
			op     rma.Action
			ofRMA  bool
			public bool
			user   bool
		}{op: op}
	}
}

// shadowFixture puts the access test's draft in shadow: its start is then
// answered as already running, its stop stops it, and its review is read.
func shadowFixture(h *harness, draftID int64) int64 {
	h.t.Helper()
	st, err := h.svc.StartShadow(h.t.Context(), rma.Actor{Role: rma.RoleAdmin, Name: "test"}, "dexxon", draftID)
	if err != nil {
		h.t.Fatal(err)
	}
	return st.Run.ID
}

// TestShadow: a draft of Pixfra's pack that cuts the thermal camera's
// warranty from three years to one shadows the desk; of two claims filed
// (a thermal camera invoiced nearly two years ago, a riflescope), both
// are decided by the published version, and the review finds two lines
// compared, one changed from accept to reject with the draft's reason
// and clause. Another draft replaces it; publishing the draft ends its
// shadow, and no later claim is compared.
func TestShadow(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { shadowLifecycle(t, newHarnessOn(t, b)) })
	}
}

func shadowLifecycle(t *testing.T, h *harness) {
	h.storePacks()
	admin := h.keys["admin"]
	good, _ := pixfraV2(t, false)
	d := h.must(http.StatusCreated, "POST", "/api/v1/policies/pixfra/drafts", admin, map[string]any{"source": good, "effective_from": "2026-04-01"})
	draft := fmt.Sprintf("/api/v1/policies/pixfra/drafts/%v", d["id"])
	// Admins only; a draft of another policy is not found.
	h.must(http.StatusForbidden, "POST", draft+"/shadow", h.keys["agent"], nil)
	h.must(http.StatusNotFound, "POST", fmt.Sprintf("/api/v1/policies/dexxon/drafts/%v/shadow", d["id"]), admin, nil)
	h.must(http.StatusNotFound, "DELETE", draft+"/shadow", admin, nil) // not in shadow
	r := h.do("POST", draft+"/shadow", admin, nil)
	if r.status != http.StatusCreated {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	run := r.json(t)
	review := fmt.Sprint(run["review"])
	if run["running"] != true || run["draft_version"] != "2" || run["replaced"] != nil || r.header.Get("Location") != review ||
		!strings.HasPrefix(review, "/api/v1/policies/pixfra/shadows/") {
		t.Fatalf("started: %s", r.body)
	}
	// Again: already, nothing changed.
	if again := h.must(http.StatusOK, "POST", draft+"/shadow", admin, map[string]any{}); again["already"] != true || again["id"] != run["id"] {
		t.Fatalf("started again: %v", again)
	}

	docs := []string{"vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"}
	camera := pixfraSubmission(docs)
	camera["lines"].([]any)[0].(map[string]any)["dates"] = map[string]any{"invoice": "2024-06-01"}
	scope := pixfraSubmission(docs)
	scope["lines"].([]any)[0].(map[string]any)["product"] = map[string]any{"category": "riflescope", "part": "device", "model": "Mile 2", "serial": "PXM21A0001"}
	first, second := h.submit(h.keys["pixfra"], camera), h.submit(h.keys["pixfra"], scope)
	for _, got := range []map[string]any{first, second} {
		if got["policy_version"] != "1" || got["route"] != "warranty" {
			t.Fatalf("the published version decides, the draft only in shadow: %v %v %v", got["policy_version"], got["decision"], got["route"])
		}
	}

	rep := h.must(http.StatusOK, "GET", review, admin, nil)
	if rep["lines"] != float64(2) || rep["changed"] != float64(1) || rep["unchanged"] != float64(1) || rep["failed"] != float64(0) {
		t.Fatalf("review counts: %v", rep)
	}
	if got := fmt.Sprint(rep["verdicts"], rep["routes"], rep["warranty_last_day"]); got != fmt.Sprintf("[map[from:%s lines:1 to:reject]] [map[from:warranty lines:1 to:none]] map[earlier:1 gained:0 later:0 lost:0]", first["decision"]) {
		t.Fatalf("review transitions: %s", got)
	}
	lines := rep["changed_lines"].([]any)
	if len(lines) != 1 || rep["next"] != nil {
		t.Fatalf("changed lines: %v", lines)
	}
	l := lines[0].(map[string]any)
	if l["rma_id"] != first["id"] || l["line"] != float64(1) || l["baseline_version"] != "1" || l["requester"] == "" {
		t.Fatalf("the changed line: %v", l)
	}
	if got := fmt.Sprint(l["how"]); !strings.Contains(got, "verdict") || !strings.Contains(got, "warranty_last_day") {
		t.Fatalf("how: %s", got)
	}
	after := l["after"].(map[string]any)
	reasons := fmt.Sprint(after["reasons"])
	if after["verdict"] != "reject" || !strings.Contains(reasons, "out_of_warranty") || !strings.Contains(reasons, "warranty-chart") {
		t.Fatalf("the draft's decision: %v", after)
	}
	if before := l["before"].(map[string]any); before["verdict"] != first["decision"] || !strings.Contains(fmt.Sprint(before["reasons"]), "in_warranty") {
		t.Fatalf("the published version's decision: %v", before)
	}
	// A page of one ends with the next to ask for; after it, nothing.
	page := h.must(http.StatusOK, "GET", review+"?limit=1", admin, nil)
	if page["next"] == nil || len(page["changed_lines"].([]any)) != 1 {
		t.Fatalf("a page of one: %v", page)
	}
	if rest := h.must(http.StatusOK, "GET", review+"?limit=1&after="+fmt.Sprint(page["next"]), admin, nil); len(rest["changed_lines"].([]any)) != 0 || rest["lines"] != float64(2) {
		t.Fatalf("after the last: %v", rest)
	}
	h.must(http.StatusNotFound, "GET", strings.Replace(review, "/pixfra/", "/dexxon/", 1), admin, nil)

	// Another draft of the pack replaces it; the first goes on being
	// reviewable.
	d3 := h.must(http.StatusCreated, "POST", "/api/v1/policies/pixfra/drafts", admin, map[string]any{"source": good, "version": "3", "effective_from": "2026-05-01"})
	third := h.must(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/policies/pixfra/drafts/%v/shadow", d3["id"]), admin, nil)
	if rep, _ := third["replaced"].(map[string]any); rep == nil || rep["id"] != run["id"] || rep["ended"] != "replaced" || rep["lines"] != float64(2) {
		t.Fatalf("the replaced run: %v", third)
	}
	stopped := h.must(http.StatusOK, "DELETE", fmt.Sprintf("/api/v1/policies/pixfra/drafts/%v/shadow", d3["id"]), admin, nil)
	if stopped["running"] != false || stopped["ended"] != "stopped" || stopped["stopped_by"] == "" {
		t.Fatalf("stopped: %v", stopped)
	}
	// Back to the first draft, then published: publishing ends its shadow.
	back := h.must(http.StatusCreated, "POST", draft+"/shadow", admin, nil)
	h.must(http.StatusOK, "POST", draft+"/publish", admin, map[string]any{"effective_from": "2026-04-01"})
	list := h.must(http.StatusOK, "GET", "/api/v1/policies/pixfra/shadows", admin, nil)["shadows"].([]any)
	if len(list) != 3 || list[0].(map[string]any)["id"] != back["id"] || list[0].(map[string]any)["ended"] != "published" {
		t.Fatalf("the pack's shadows, newest first: %v", list)
	}
	h.submit(h.keys["pixfra"], camera)
	if again := h.must(http.StatusOK, "GET", fmt.Sprint(back["review"]), admin, nil); again["lines"] != float64(0) || again["running"] != false {
		t.Fatalf("a claim after the publication was compared: %v", again)
	}
	if first := h.must(http.StatusOK, "GET", review, admin, nil); first["lines"] != float64(2) || first["ended"] != "replaced" {
		t.Fatalf("the first run, reviewed again: %v", first)
	}
	// The audit log names each start and stop.
	entries, _, err := h.db.(audit.Store).AuditLog(t.Context(), audit.Filter{Action: "policy."})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "policy.shadow_") {
			got = append(got, e.Action+" "+fmt.Sprint(e.Changes))
		}
	}
	want := []string{
		fmt.Sprintf("policy.shadow_start [{draft  draft %v (version 2)}]", d["id"]),
		fmt.Sprintf("policy.shadow_stop [{draft draft %v (version 3) } {compared  0 lines, 0 changed}]", d3["id"]),
		fmt.Sprintf("policy.shadow_start [{draft  draft %v (version 3)} {replaced draft %v (version 2) }]", d3["id"], d["id"]),
		fmt.Sprintf("policy.shadow_start [{draft  draft %v (version 2)}]", d["id"]),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestShadowOnAnotherInstance: a second desk on the same database decides
// in shadow once it has read the packs' generation (serve reads it every
// packsRefresh), and stops when the shadow is stopped through the first.
func TestShadowOnAnotherInstance(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			h := newHarnessOn(t, b)
			h.storePacks()
			other := rma.NewService(h.db, nil, rma.WithClock(h.clock.Now))
			if _, err := other.ReloadPolicies(t.Context()); err != nil {
				t.Fatal(err)
			}
			otherSrv := httptest.NewServer(New(other, Config{}).Handler())
			defer otherSrv.Close()
			viaOther := func(body map[string]any) {
				t.Helper()
				own := h.srv
				h.srv = otherSrv
				defer func() { h.srv = own }()
				h.submit(h.keys["pixfra"], body)
			}
			admin := h.keys["admin"]
			good, _ := pixfraV2(t, false)
			d := h.must(http.StatusCreated, "POST", "/api/v1/policies/pixfra/drafts", admin, map[string]any{"source": good, "effective_from": "2026-04-01"})
			draft := fmt.Sprintf("/api/v1/policies/pixfra/drafts/%v", d["id"])
			run := h.must(http.StatusCreated, "POST", draft+"/shadow", admin, nil)
			claim := pixfraSubmission([]string{"vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"})
			viaOther(claim) // before the other desk has looked: not compared
			if moved, err := other.RefreshPolicies(t.Context()); err != nil || !moved {
				t.Fatalf("the other desk's refresh: moved %v, %v", moved, err)
			}
			viaOther(claim)
			if rep := h.must(http.StatusOK, "GET", fmt.Sprint(run["review"]), admin, nil); rep["lines"] != float64(1) {
				t.Fatalf("after the other desk's refresh: %v lines compared, want 1", rep["lines"])
			}
			h.must(http.StatusOK, "DELETE", draft+"/shadow", admin, nil)
			if moved, _ := other.RefreshPolicies(t.Context()); !moved {
				t.Fatal("stopping did not move the generation")
			}
			viaOther(claim)
			if rep := h.must(http.StatusOK, "GET", fmt.Sprint(run["review"]), admin, nil); rep["lines"] != float64(1) {
				t.Fatalf("after stopping: %v lines compared, want 1", rep["lines"])
			}
		})
	}
}
