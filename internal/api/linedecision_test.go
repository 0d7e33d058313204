package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// pixfraTwoUnits is a Pixfra claim of two cameras: line 1 in warranty,
// line 2 bought in 2022 and out of its three years.
func pixfraTwoUnits() map[string]any {
	docs := []string{"vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"}
	return map[string]any{"policy": "pixfra", "lines": []any{
		line(map[string]any{"category": "thermal-camera", "part": "device", "model": "Arc A435", "serial": "PXF22A0917"},
			map[string]any{"invoice": "2025-06-01"}, docs, map[string]any{"fault": "no image", "part_number": "1.0.01.08.43501"}),
		line(map[string]any{"category": "thermal-camera", "part": "device", "model": "Arc A435", "serial": "PXF19B0001"},
			map[string]any{"invoice": "2022-06-01"}, docs, map[string]any{"fault": "lens cracked", "part_number": "1.0.01.08.43501"}),
	}}
}

// TestLineDecisions: the desk authorizes one unit of a Pixfra RMA and
// rejects the other with a reason; the rejected line is then refused at
// receiving and evaluation, and the RMA resolves on the other line alone.
// A refusal names the field at fault and writes nothing.
func TestLineDecisions(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			h := newHarnessOn(t, backend)
			rmaID := id(h.submit(h.keys["pixfra"], pixfraTwoUnits()))
			path := fmt.Sprintf("/api/v1/rmas/%d/authorize", rmaID)
			refused := []struct {
				name  string
				lines []any
				field string
				says  string
			}{
				{"a rejection without a reason", []any{map[string]any{"line": 2, "decision": "reject"}}, "lines[0].reason", "a reason is required"},
				{"a line the RMA does not have", []any{map[string]any{"line": 3, "decision": "reject", "reason": "x"}}, "lines[0].line", "no line 3"},
				{"an unknown decision", []any{map[string]any{"line": 2, "decision": "maybe"}}, "lines[0].decision", "unknown decision"},
				{"a line decided twice", []any{map[string]any{"line": 2, "decision": "authorize"}, map[string]any{"line": 2, "decision": "reject", "reason": "x"}}, "lines[1].line", "twice"},
				{"every line rejected", []any{map[string]any{"line": 1, "decision": "reject", "reason": "x"}, map[string]any{"line": 2, "decision": "reject", "reason": "y"}}, "lines", "reject the RMA instead"},
			}
			etag := h.etag(rmaID)
			for _, tc := range refused {
				r := h.do("POST", path, h.keys["agent"], map[string]any{"resolution": "repair", "lines": tc.lines}, "If-Match", etag)
				if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `"field":"`+tc.field+`"`) || !strings.Contains(string(r.body), tc.says) {
					t.Fatalf("%s: %d %s, want 422 naming %s", tc.name, r.status, r.body, tc.field)
				}
			}
			if h.etag(rmaID) != etag || h.get(rmaID)["state"] != "submitted" {
				t.Fatal("a refused authorization changed the RMA")
			}

			r := h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "repair", "lines": []any{
				map[string]any{"line": 1, "decision": "authorize"},
				map[string]any{"line": 2, "decision": "reject", "reason": "out of warranty since 2025-06-01"}}})
			if r["state"] != "authorized" || field(r, "lines", 0, "rejected") != nil || field(r, "lines", 1, "rejected") != true ||
				str(r, "lines", 1, "reject_reason") != "out of warranty since 2025-06-01" {
				t.Fatalf("authorized with line 2 rejected: %v", r["lines"])
			}
			number := str(r, "number")
			// The requester reads which unit was rejected and why.
			mine := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d", rmaID), h.keys["pixfra"], nil)
			if field(mine, "lines", 1, "rejected") != true || str(mine, "lines", 1, "reject_reason") == "" {
				t.Fatalf("the requester's view of line 2: %v", field(mine, "lines", 1))
			}

			bad := h.do("POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": number,
				"lines": []any{map[string]any{"line": 2, "serial": "PXF19B0001"}}})
			if bad.status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.body), `"field":"lines[0].line"`) || !strings.Contains(string(bad.body), "rejected at authorization") {
				t.Fatalf("receiving the rejected line: %d %s", bad.status, bad.body)
			}
			h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": number,
				"lines": []any{map[string]any{"line": 1, "serial": "PXF22A0917", "model": "Arc A435", "part_number": "1.0.01.08.43501"}}})
			h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
			bad = h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/evaluate", rmaID), h.keys["technician"],
				map[string]any{"lines": []any{map[string]any{"line": 2, "finding": "defect_confirmed"}}}, "If-Match", h.etag(rmaID))
			if bad.status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.body), `"field":"lines[0].line"`) {
				t.Fatalf("evaluating the rejected line: %d %s", bad.status, bad.body)
			}
			h.act(h.keys["technician"], rmaID, "evaluate", map[string]any{"lines": []any{map[string]any{"line": 1, "finding": "defect_confirmed"}}})
			// Line 2 has no finding, and needs none: the RMA resolves on line 1.
			r = h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "repaired"})
			if r["state"] != "resolved" || field(r, "lines", 1, "finding") != nil {
				t.Fatalf("resolved on line 1 alone: %v", r)
			}
			expectEvents(t, h, rmaID, "submit->submitted", "authorize->authorized", "receive->received", "start_evaluation->in_evaluation", "evaluate->in_evaluation", "resolve->resolved")
		})
	}
}
