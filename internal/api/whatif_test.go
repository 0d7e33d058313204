package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/whatif"
	"github.com/rmadesk/rmadesk/policies"
)

// dexxonDraft is the Dexxon pack with edits (pairs of old and new text).
func dexxonDraft(t *testing.T, pairs ...string) string {
	t.Helper()
	b, err := policies.FS.ReadFile("dexxon.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(src, pairs[i]) {
			t.Fatalf("no %q in the pack", pairs[i])
		}
		src = strings.Replace(src, pairs[i], pairs[i+1], 1)
	}
	return src
}

// POST /api/v1/policies/{id}/whatif on both databases: a one-year draft of
// Dexxon's two-year warranty rejects a claim bought a year and a half ago,
// which the desk credited, and the report says so, with the money.
func TestWhatIf(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			h := newHarnessOn(t, backend)
			// Bought 2024-12-01, filed 2026-03-02: in a 2-year warranty, not a 1-year one.
			older := dexxonSubmission(1, "89.90")
			older["lines"].([]any)[0].(map[string]any)["dates"] = map[string]any{"purchase": "2024-12-01"}
			old := id(h.submit(h.keys["dexxon"], older))
			young := dexxonSubmission(2, "10.00")
			young["lines"].([]any)[0].(map[string]any)["dates"] = map[string]any{"purchase": "2026-01-15"}
			id(h.submit(h.keys["dexxon"], young))

			body := map[string]any{"draft_yaml": dexxonDraft(t, "years: 2", "years: 1", `version: "1"`, `version: "2"`), "from": "2026-03-01", "to": "2026-03-31"}
			rep := h.must(http.StatusOK, "POST", "/api/v1/policies/dexxon/whatif", h.keys["agent"], body)
			if field(rep, "lines") != 2.0 || field(rep, "changed") != 2.0 || field(rep, "draft_version") != "2" {
				t.Fatalf("report: %v", rep)
			}
			if v := field(rep, "verdicts", 0); str(v, "from") != "accept" || str(v, "to") != "reject" || field(v, "lines") != 1.0 {
				t.Errorf("verdicts: %v", field(rep, "verdicts"))
			}
			first := field(rep, "changed_lines", 0)
			if field(first, "rma_id") != float64(old) || str(first, "after", "verdict") != "reject" || str(first, "after", "reasons", 0, "clause") == "" {
				t.Errorf("first changed line: %v", first)
			}
			if str(rep, "money", 0, "currency") != "EUR" {
				t.Errorf("money: %v", field(rep, "money"))
			}

			// An admin may too; the run is in the audit log.
			h.must(http.StatusOK, "POST", "/api/v1/policies/dexxon/whatif", h.keys["admin"], map[string]any{"draft_yaml": dexxonDraft(t)})
			entries, _, err := h.db.(audit.Store).AuditLog(t.Context(), audit.Filter{Action: whatif.ActionWhatIf})
			if err != nil || len(entries) != 2 || entries[0].TargetID != "dexxon" {
				t.Errorf("audit log: %d entries, %v", len(entries), err)
			}
		})
	}
}

func TestWhatIfRefuses(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	good := dexxonDraft(t)
	lint := dexxonDraft(t, "years: 2", "years: two")
	for _, tc := range []struct {
		name   string
		key    string
		path   string
		body   any
		status int
		field  string
	}{
		{"a technician", "technician", "dexxon", map[string]any{"draft_yaml": good}, http.StatusForbidden, ""},
		{"a requester", "dexxon", "dexxon", map[string]any{"draft_yaml": good}, http.StatusForbidden, ""},
		{"no key", "", "dexxon", map[string]any{"draft_yaml": good}, http.StatusUnauthorized, ""},
		{"unknown policy", "agent", "nobody", map[string]any{"draft_yaml": good}, http.StatusNotFound, ""},
		{"no draft", "agent", "dexxon", map[string]any{}, http.StatusUnprocessableEntity, "draft_yaml"},
		{"a draft of another policy", "agent", "pixfra", map[string]any{"draft_yaml": good}, http.StatusUnprocessableEntity, "draft"},
		{"a stored draft the desk does not have", "agent", "dexxon", map[string]any{"draft": 3}, http.StatusNotFound, ""},
		{"a bad day", "agent", "dexxon", map[string]any{"draft_yaml": good, "from": "2026-02-30"}, http.StatusUnprocessableEntity, "from"},
		{"a range backwards", "agent", "dexxon", map[string]any{"draft_yaml": good, "from": "2026-03-02", "to": "2026-03-01"}, http.StatusUnprocessableEntity, "to"},
		{"a sample too large", "agent", "dexxon", map[string]any{"draft_yaml": good, "sample": 100000}, http.StatusUnprocessableEntity, "sample"},
		{"an unknown field", "agent", "dexxon", map[string]any{"draft_yaml": good, "yaml": good}, http.StatusUnprocessableEntity, "yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", "/api/v1/policies/"+tc.path+"/whatif", h.keys[tc.key], tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.field != "" && str(r.json(t), "errors", 0, "field") != tc.field {
				t.Errorf("errors name %v, want %s", field(r.json(t), "errors"), tc.field)
			}
		})
	}

	t.Run("a draft with a lint error: 422 with its finding on its line", func(t *testing.T) {
		r := h.do("POST", "/api/v1/policies/dexxon/whatif", h.keys["agent"], map[string]any{"draft_yaml": lint, "draft_name": "dexxon-draft.yaml"})
		if r.status != http.StatusUnprocessableEntity || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("status %d %s: %s", r.status, r.header.Get("Content-Type"), r.body)
		}
		p := r.json(t)
		if f := field(p, "findings", 0); field(f, "line") != 163.0 || !strings.Contains(str(f, "path"), "years") || str(p, "errors", 0, "field") != "draft_yaml" ||
			!strings.HasPrefix(str(p, "errors", 0, "detail"), "dexxon-draft.yaml:163:") {
			t.Errorf("problem: %v", p)
		}
	})
}
