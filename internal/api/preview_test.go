package api

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreview: a whole RMA decided as POST /rmas would decide it, with
// nothing written: the rows of every table that a submission writes to
// are counted before and after.
func TestPreview(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")) // something in the tables already
	db, err := sql.Open("sqlite", "file:"+filepath.Join(h.dir, "rmadesk.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables := []string{"rmas", "rma_lines", "events", "deadlines", "jobs", "webhook_outbox", "idempotency_responses", "search_terms", "sequences", "rma_numbers"}
	counts := func() string {
		t.Helper()
		var b strings.Builder
		for _, tb := range tables {
			var n int
			if err := db.QueryRow("SELECT COUNT(*) FROM " + tb).Scan(&n); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s=%d ", tb, n)
		}
		return b.String()
	}
	before := counts()

	body := dexxonSubmission(2, "89.90")
	got := h.must(http.StatusOK, "POST", "/api/v1/rmas/preview", h.keys["dexxon"], body, "Idempotency-Key", "preview-1")
	if got["preview"] != true || got["state"] != "submitted" || got["decision"] != "accept" || got["route"] != "warranty" || got["policy_version"] != "1" {
		t.Fatalf("preview: %v", got)
	}
	if _, ok := got["id"]; ok {
		t.Fatalf("a preview has an id: %v", got)
	}
	reasons, _ := field(got, "lines", 0, "decision", "reasons").([]any)
	if len(reasons) == 0 || str(reasons[0], "clause") == "" {
		t.Fatalf("line 1's reasons, clause by clause: %v", field(got, "lines", 0, "decision"))
	}
	// Missing the receipt: it would start in needs_info, saying what is missing.
	noReceipt := dexxonSubmission(1, "89.90")
	noReceipt["lines"].([]any)[0].(map[string]any)["documents"] = []string{}
	delete(noReceipt["lines"].([]any)[0].(map[string]any)["dates"].(map[string]any), "invoice")
	needs := h.must(http.StatusOK, "POST", "/api/v1/rmas/preview", h.keys["dexxon"], noReceipt)
	if needs["state"] != "needs_info" || str(needs, "reason") == "" {
		t.Fatalf("without the receipt: %v", needs)
	}
	// Refused as POST /rmas refuses, naming the field.
	bad := dexxonSubmission(1, "89.90")
	bad["lines"] = append(bad["lines"].([]any), line(map[string]any{"category": "ssd"}, map[string]any{"invoice": "2027-01-01"}, nil, nil))
	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"a date in the future", bad, "lines[1].dates.invoice"},
		{"unknown policy", map[string]any{"policy": "acme", "lines": []any{line(map[string]any{"category": "ssd"}, nil, nil, nil)}}, "policy"},
		{"no lines", map[string]any{"policy": "dexxon", "lines": []any{}}, "lines"},
	} {
		resp := h.do("POST", "/api/v1/rmas/preview", h.keys["dexxon"], tc.body)
		if resp.status != http.StatusUnprocessableEntity || str(resp.json(t), "errors", 0, "field") != tc.field {
			t.Fatalf("%s: %d %s", tc.name, resp.status, resp.body)
		}
		if filed := h.do("POST", "/api/v1/rmas", h.keys["dexxon"], tc.body); filed.status != resp.status || str(filed.json(t), "errors", 0, "field") != tc.field {
			t.Fatalf("%s: POST /rmas says %d %s", tc.name, filed.status, filed.body)
		}
	}
	// The desk files none: nor does it preview one.
	h.must(http.StatusForbidden, "POST", "/api/v1/rmas/preview", h.keys["agent"], body)
	if after := counts(); after != before {
		t.Fatalf("a preview wrote:\nbefore %s\nafter  %s", before, after)
	}

	// Filed, the RMA has the decision the preview showed.
	filed := h.submit(h.keys["dexxon"], body)
	for _, k := range []string{"state", "decision", "route", "policy_version", "lines", "deadlines", "resolutions_offered", "service_location"} {
		a, _ := json.Marshal(got[k])
		b, _ := json.Marshal(filed[k])
		if string(a) != string(b) {
			t.Errorf("%s: previewed %s, filed %s", k, a, b)
		}
	}
}
