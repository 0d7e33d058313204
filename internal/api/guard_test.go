package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Issue 10's points 6–11: the desk never does what the policy forbids, and
// says what it did in the words of the policy, with the real number.

// TestNumberFilledEverywhere: once authorized, every text of the API that
// names the RMA number carries it (point 9): Dexxon's instructions and its
// service location's address read "RMA Number <number>" in the policy.
func TestNumberFilledEverywhere(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rmaID := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	r := h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "return"})
	number := str(r, "number")
	for _, key := range []string{"dexxon", "agent"} {
		got := h.get(rmaID)
		if key == "dexxon" {
			got = h.must(200, "GET", "/api/v1/rmas/"+jsonNumber(rmaID), h.keys[key], nil)
		}
		body, _ := json.Marshal(got)
		if strings.Contains(string(body), "<number>") || strings.Contains(string(body), `\u003cnumber\u003e`) {
			t.Errorf("%s sees the placeholder: %s", key, body)
		}
		if !strings.Contains(strings.Join(strs(got["service_location"].(map[string]any)["address"]), "\n"), "RMA Number "+number) {
			t.Errorf("service_location.address lacks the number: %v", got["service_location"])
		}
		found := false
		for _, in := range got["instructions"].([]any) {
			if strings.Contains(str(in, "text"), "RMA Number "+number+",") {
				found = true
			}
		}
		if !found {
			t.Errorf("no instruction names %s: %v", number, got["instructions"])
		}
	}
}

func strs(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestWarrantyFallbackExplained: when a warranty start falls back, the
// decision says so and cites the fallback clause (point 10).
func TestWarrantyFallbackExplained(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cases := []struct {
		key    string
		body   map[string]any
		clause string
		text   string
	}{
		{"dexxon", map[string]any{"policy": "dexxon", "lines": []any{line(
			map[string]any{"category": "ssd", "model": "DX-SSD-1TB", "serial": "DX1"},
			map[string]any{"purchase": "2025-03-15", "invoice": "2025-02-01"}, nil,
			map[string]any{"fault": "dead", "last_invoiced_price": eur("10.00")})}},
			"warranty-fallback", "dates.purchase without purchase_receipt: the warranty runs from dates.invoice 2025-02-01"},
		{"pixfra", map[string]any{"policy": "pixfra", "lines": []any{line(
			map[string]any{"category": "thermal-camera", "model": "PX-1", "serial": "PX1"},
			map[string]any{"manufactured": "2025-01-10"},
			[]string{"label_photo", "appearance_photo", "purchase_receipt", "shipping_document"},
			map[string]any{"fault": "no image", "part_number": "1.0.01.08.00001"})}},
			"warranty-start", "no dates.invoice: the warranty runs from dates.manufactured 2025-01-10"},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			r := h.submit(h.keys[c.key], c.body)
			var found bool
			for _, reason := range field(r, "lines", 0, "decision", "reasons").([]any) {
				if str(reason, "code") == "warranty_start_fallback" {
					found = true
					if str(reason, "clause") != c.clause || str(reason, "text") != c.text {
						t.Errorf("reason %v, want clause %s text %q", reason, c.clause, c.text)
					}
				}
			}
			if !found {
				t.Errorf("no warranty_start_fallback reason: %v", field(r, "lines", 0, "decision"))
			}
		})
	}
}

// toEvaluation takes an RMA from authorization to an evaluated line with
// finding (and condition, for not_covered).
func toEvaluation(h *harness, rmaID int64, resolution, finding, condition string) {
	h.t.Helper()
	body := map[string]any{}
	if resolution != "" {
		body["resolution"] = resolution
	}
	h.act(h.keys["agent"], rmaID, "authorize", body)
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number")})
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	if finding != "" {
		f := map[string]any{"line": 1, "finding": finding}
		if condition != "" {
			f["condition"] = condition
		}
		h.act(h.keys["technician"], rmaID, "evaluate", map[string]any{"lines": []any{f}})
	}
}

// refused posts a step that must be refused with 422 naming field, and
// checks that the RMA did not move.
func refused(t *testing.T, h *harness, rmaID int64, action string, body map[string]any, field, says string) {
	t.Helper()
	before := h.get(rmaID)
	resp := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/%s", rmaID, action), h.keys["agent"], body, "If-Match", h.etag(rmaID))
	if resp.status != http.StatusUnprocessableEntity {
		t.Fatalf("%s %v: %d %s, want 422", action, body, resp.status, resp.body)
	}
	p := resp.json(t)
	if str(p, "errors", 0, "field") != field || !strings.Contains(str(p, "errors", 0, "detail"), says) {
		t.Fatalf("%s %v: problem %v, want field %s saying %q", action, body, p, field, says)
	}
	if after := h.get(rmaID); after["version"] != before["version"] || len(after["charges"].([]any)) != len(before["charges"].([]any)) {
		t.Fatalf("a refused %s changed the RMA: %v", action, after)
	}
}

// overrideShown checks the last event of rmaID records the override reason
// and that the requester (key) sees it.
func overrideShown(t *testing.T, h *harness, rmaID int64, key, reason string) {
	t.Helper()
	m := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d/events", rmaID), h.keys[key], nil)
	evs := m["events"].([]any)
	last := evs[len(evs)-1]
	if str(last, "details", "override_reason") != reason || str(last, "details", "policy_allows") == "" && str(last, "details", "requester_chose") == "" {
		t.Fatalf("the requester does not see the override: %v", last)
	}
}

// TestOutcomeFollowsPolicy: resolve allows only what the policy allows for
// each line's route and finding (point 6); an agent overrides only with a
// written reason, recorded and shown to the requester.
func TestOutcomeFollowsPolicy(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			h := newHarnessOn(t, b)

			// Dexxon: "If it turns out that the products are not defective, they will not be credited."
			dx := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
			toEvaluation(h, dx, "return", "no_fault_found", "")
			refused(t, h, dx, "resolve", map[string]any{"outcome": "credited"}, "outcome", "found without fault")
			refused(t, h, dx, "resolve", map[string]any{"outcome": "replaced", "replacements": []any{map[string]any{"line": 1, "serial": "NEW1"}}}, "outcome", "found without fault")
			r := h.act(h.keys["agent"], dx, "resolve", map[string]any{"outcome": "no_fault_found"})
			if r["outcome"] != "no_fault_found" || len(r["balance"].([]any)) != 0 {
				t.Fatalf("no fault found: %v", r)
			}

			// Mini Cart refunds "after … confirming that it is indeed defective": not after misuse.
			mc := id(h.submit(h.keys["minicart"], map[string]any{"policy": "minicart", "lines": []any{line(
				map[string]any{"category": "tablet", "model": "MC-Tab 10"},
				map[string]any{"shipped": "2026-02-20", "delivered": "2026-02-27"}, []string{"package_photos", "defect_media"},
				map[string]any{"last_invoiced_price": eur("199.00")})}}))
			toEvaluation(h, mc, "refund", "not_covered", "misuse")
			refused(t, h, mc, "resolve", map[string]any{"outcome": "refunded"}, "outcome", "not covered (misuse)")
			// An override needs words, not blanks.
			refused(t, h, mc, "resolve", map[string]any{"outcome": "refunded", "override_reason": "   "}, "outcome", "override_reason")
			r = h.act(h.keys["agent"], mc, "resolve", map[string]any{"outcome": "refunded", "override_reason": "Goodwill: first order, customer of 10 years"})
			expectBalance(t, r, "-199.00 EUR")
			overrideShown(t, h, mc, "minicart", "Goodwill: first order, customer of 10 years")

			// A WebStore4 withdrawal ends in the refund the policy offers, whatever was found.
			ws := id(h.submit(h.keys["webstore4"], map[string]any{"policy": "webstore4", "kind": "withdrawal", "lines": []any{line(
				map[string]any{"category": "smart-camera", "model": "CAM-200"},
				map[string]any{"delivered": "2026-02-25"}, nil, map[string]any{"last_invoiced_price": eur("49.00")})}}))
			toEvaluation(h, ws, "refund", "no_fault_found", "")
			refused(t, h, ws, "resolve", map[string]any{"outcome": "replaced", "replacements": []any{map[string]any{"line": 1, "serial": "CAM9"}}}, "outcome", "withdrawn")
			h.act(h.keys["agent"], ws, "resolve", map[string]any{"outcome": "refunded"})

			// Out of warranty (WebStore4's chargeable route): a charged repair, or back unrepaired.
			oow := id(h.submit(h.keys["webstore4"], map[string]any{"policy": "webstore4", "lines": []any{line(
				map[string]any{"category": "nas", "model": "NAS-4"},
				map[string]any{"delivered": "2023-01-10"}, nil, map[string]any{"fault": "fan noise"})}}))
			if r := h.get(oow); r["route"] != "chargeable" {
				t.Fatalf("an old unit goes the chargeable route: %v", r["route"])
			}
			toEvaluation(h, oow, "repair", "defect_confirmed", "")
			refused(t, h, oow, "resolve", map[string]any{"outcome": "replaced", "replacements": []any{map[string]any{"line": 1, "serial": "NAS9"}}}, "outcome", "a charged repair or its return unrepaired")
			refused(t, h, oow, "resolve", map[string]any{"outcome": "repaired"}, "outcome", "record the repair charge first")
			h.act(h.keys["agent"], oow, "resolve", map[string]any{"outcome": "returned_unrepaired"})
		})
	}
}

// TestReplacementIsAnotherUnit: a replacement's serial is never the
// returned unit's own (Plextor: "the serial number will be different"), nor
// a live unit of another RMA (point 7).
func TestReplacementIsAnotherUnit(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			h := newHarnessOn(t, b)
			plextor := func(serial string) int64 {
				return id(h.submit(h.keys["plextor"], map[string]any{"policy": "plextor", "lines": []any{line(
					map[string]any{"category": "optical-drive", "model": "PX-891SAF", "serial": serial},
					map[string]any{"invoice": "2026-02-20"}, []string{"vendor_invoice"}, nil)}}))
			}
			first := plextor("PX0001")
			open := plextor("PX0002") // still open at the desk: its unit is the customer's
			toEvaluation(h, first, "replace", "defect_confirmed", "")
			for _, serial := range []string{"PX0001", " px0001 "} {
				refused(t, h, first, "resolve", map[string]any{"outcome": "replaced",
					"replacements": []any{map[string]any{"line": 1, "serial": serial, "grade": "new"}}}, "replacements[0].serial", "own unit")
			}
			refused(t, h, first, "resolve", map[string]any{"outcome": "replaced",
				"replacements": []any{map[string]any{"line": 1, "serial": "PX0002", "grade": "new"}}}, "replacements[0].serial", "live unit")
			h.act(h.keys["agent"], first, "resolve", map[string]any{"outcome": "replaced",
				"replacements": []any{map[string]any{"line": 1, "serial": "PX0999", "grade": "new"}}})
			// PX0999 is now at the first customer: it cannot go out again.
			toEvaluation(h, open, "replace", "defect_confirmed", "")
			refused(t, h, open, "resolve", map[string]any{"outcome": "replaced",
				"replacements": []any{map[string]any{"line": 1, "serial": "PX0999", "grade": "new"}}}, "replacements[0].serial", "live unit")
			// The defective PX0001 became Plextor's: serviced, it may replace another.
			h.act(h.keys["agent"], open, "resolve", map[string]any{"outcome": "replaced",
				"replacements": []any{map[string]any{"line": 1, "serial": "PX0001", "grade": "serviced"}}})
		})
	}
}

// TestRequesterPreference: where the policy leaves the choice to the
// requester (Mini Cart: "according to your preferences"), it states it at
// filing and may change it until authorization; the desk authorizes and
// resolves with it unless it overrides with a reason (point 8).
func TestRequesterPreference(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			h := newHarnessOn(t, b)
			body := func(pref string) map[string]any {
				return map[string]any{"policy": "minicart", "preference": pref, "lines": []any{line(
					map[string]any{"category": "tablet", "model": "MC-Tab 10"},
					map[string]any{"shipped": "2026-02-20", "delivered": "2026-02-27"}, []string{"package_photos", "defect_media"},
					map[string]any{"last_invoiced_price": eur("199.00")})}}
			}
			bad := h.do("POST", "/api/v1/rmas", h.keys["minicart"], body("remote_fix"))
			if bad.status != http.StatusUnprocessableEntity || str(bad.json(t), "errors", 0, "field") != "preference" {
				t.Fatalf("a preference that is no choice: %d %s", bad.status, bad.body)
			}
			dx := dexxonSubmission(1, "10.00")
			dx["preference"] = "return"
			if bad := h.do("POST", "/api/v1/rmas", h.keys["dexxon"], dx); bad.status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.body), "leaves the choice of resolution to the vendor") {
				t.Fatalf("a preference where the vendor chooses: %d %s", bad.status, bad.body)
			}
			r := h.submit(h.keys["minicart"], body("replace"))
			rmaID := id(r)
			if r["preference"] != "replace" || fmt.Sprint(r["preference_choices"]) != "[replace refund]" {
				t.Fatalf("preference at filing: %v %v", r["preference"], r["preference_choices"])
			}
			r = h.act(h.keys["minicart"], rmaID, "set_preference", map[string]any{"preference": "refund"})
			if r["preference"] != "refund" || r["state"] != "submitted" {
				t.Fatalf("changed preference: %v", r)
			}
			// The desk sees it, and cannot change it for the requester.
			if got := h.get(rmaID); got["preference"] != "refund" {
				t.Fatalf("the desk sees %v", got["preference"])
			}
			if resp := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/set_preference", rmaID), h.keys["agent"], map[string]any{"preference": "replace"}, "If-Match", h.etag(rmaID)); resp.status != http.StatusForbidden {
				t.Fatalf("an agent set the requester's preference: %d", resp.status)
			}
			refused(t, h, rmaID, "authorize", map[string]any{"resolution": "replace"}, "resolution", "the requester chose refund")
			r = h.act(h.keys["agent"], rmaID, "authorize", map[string]any{})
			if r["resolution"] != "refund" {
				t.Fatalf("authorized with %v, not the requester's refund", r["resolution"])
			}
			if resp := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/set_preference", rmaID), h.keys["minicart"], map[string]any{"preference": "replace"}, "If-Match", h.etag(rmaID)); resp.status != http.StatusConflict {
				t.Fatalf("preference changed after authorization: %d", resp.status)
			}
			h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number")})
			h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
			h.act(h.keys["technician"], rmaID, "evaluate", map[string]any{"lines": []any{map[string]any{"line": 1, "finding": "defect_confirmed"}}})
			refused(t, h, rmaID, "resolve", map[string]any{"outcome": "replaced", "replacements": []any{map[string]any{"line": 1, "serial": "MC9"}}}, "outcome", "refund was chosen")
			r = h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "refunded"})
			expectBalance(t, r, "-199.00 EUR")

			// An override of the choice at authorization carries its reason to the requester.
			other := id(h.submit(h.keys["minicart"], body("replace")))
			h.act(h.keys["agent"], other, "authorize", map[string]any{"resolution": "refund", "override_reason": "Model sold out: no replacement in stock"})
			overrideShown(t, h, other, "minicart", "Model sold out: no replacement in stock")
		})
	}
}

// TestProblemNamesTheFieldPath: a bad member of a line is named with the
// line's index, as the OpenAPI document promises (point 11).
func TestProblemNamesTheFieldPath(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	good := func() map[string]any { return dexxonSubmission(1, "10.00") }
	second := func(extra map[string]any) map[string]any {
		b := good()
		l := line(map[string]any{"category": "ssd", "model": "M", "serial": "S2"}, map[string]any{"invoice": "2025-02-01"}, nil, extra)
		b["lines"] = append(b["lines"].([]any), l)
		return b
	}
	cases := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"unknown member of line 0", func() map[string]any {
			b := good()
			b["lines"].([]any)[0].(map[string]any)["colour"] = "red"
			return b
		}(), "lines[0].colour"},
		{"quantity of line 1 as a string", second(map[string]any{"quantity": "2"}), "lines[1].quantity"},
		{"unknown product member of line 1", second(map[string]any{"product": map[string]any{"category": "ssd", "size": 2}}), "lines[1].product.size"},
		{"top-level unknown", func() map[string]any { b := good(); b["urgent"] = true; return b }(), "urgent"},
		{"price amount as a number", second(map[string]any{"last_invoiced_price": map[string]any{"amount": 10, "currency": "EUR"}}), "lines[1].last_invoiced_price.amount"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := h.do("POST", "/api/v1/rmas", h.keys["dexxon"], c.body)
			if resp.status != http.StatusUnprocessableEntity {
				t.Fatalf("%d %s", resp.status, resp.body)
			}
			if got := str(resp.json(t), "errors", 0, "field"); got != c.field {
				t.Fatalf("field %q, want %q: %s", got, c.field, resp.body)
			}
		})
	}
}
