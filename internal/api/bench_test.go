package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestBench: the technician's bench through the API, on each database
// (issue 13, point 3). Receiving records a serial other than the reserved
// one as a mismatch (not as a condition), the state the unit arrived in,
// and the accessories missing from it, charged by Mini Cart's
// missing_accessory fee at the price quoted (one without a price is
// recorded, not charged); evaluation records its hours, and WebStore4's
// hourly no-fault-found fee charges them at the desk's rate, which is
// asked for because the pack sets none. Bad input names its field and
// writes nothing.
func TestBench(t *testing.T) {
	for _, b := range backends {
		t.Run(b+"/minicart receiving", func(t *testing.T) { benchMiniCartReceiving(t, newHarnessOn(t, b)) })
		t.Run(b+"/webstore4 hours", func(t *testing.T) { benchWebStore4Hours(t, newHarnessOn(t, b)) })
	}
}

func benchMiniCartReceiving(t *testing.T, h *harness) {
	rmaID := id(h.submit(h.keys["minicart"], map[string]any{"policy": "minicart", "lines": []any{line(
		map[string]any{"category": "tablet", "model": "MC-Tab 10", "serial": "MCT-0001"},
		map[string]any{"shipped": "2026-02-20", "delivered": "2026-02-27"}, []string{"package_photos", "defect_media"},
		map[string]any{"fault": "screen stays black"})}}))
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "refund"})
	number := str(h.get(rmaID), "number")
	receiving := func(l map[string]any) *response {
		l["line"] = 1
		return h.do("POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": number, "lines": []any{l}})
	}
	for _, bad := range []struct {
		line  map[string]any
		field string
	}{
		{map[string]any{"intake_condition": "scratched"}, "lines[0].intake_condition"},
		{map[string]any{"missing_accessories": []any{map[string]any{"name": "charger"}, map[string]any{"name": "charger"}}}, "lines[0].missing_accessories[1].name"},
		{map[string]any{"missing_accessories": []any{map[string]any{"name": " "}}}, "lines[0].missing_accessories[0].name"},
	} {
		res := receiving(bad.line)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(string(res.body), bad.field) {
			t.Fatalf("%v: %d %s, want 422 naming %s", bad.line, res.status, res.body, bad.field)
		}
	}
	if r := h.get(rmaID); r["state"] != "authorized" || len(r["charges"].([]any)) != 0 {
		t.Fatalf("a refused receipt wrote: %v %v", r["state"], r["charges"])
	}
	res := receiving(map[string]any{"serial": "MCT-0002", "intake_condition": "damaged_in_transit", "intake_notes": "box crushed",
		"missing_accessories": []any{map[string]any{"name": "charger", "price": eur("15.00")}, map[string]any{"name": "battery"}}})
	if res.status != http.StatusOK {
		t.Fatalf("receiving: %d %s", res.status, res.body)
	}
	r := h.get(rmaID)
	rec := field(r, "lines", 0, "received").(map[string]any)
	if rec["serial_mismatch"] != true || rec["intake_condition"] != "damaged_in_transit" || rec["intake_notes"] != "box crushed" ||
		fmt.Sprint(rec["missing_accessories"]) != "[charger battery]" {
		t.Fatalf("received: %v", rec)
	}
	if str(r, "lines", 0, "finding_condition") != "" {
		t.Fatalf("a serial mismatch became a condition: %v", r["lines"])
	}
	charges := r["charges"].([]any)
	if len(charges) != 1 || str(r, "charges", 0, "kind") != "missing_accessory" || str(r, "charges", 0, "amount", "amount") != "15.00" ||
		str(r, "charges", 0, "clause") != "doa-accessories" || !strings.Contains(str(r, "charges", 0, "description"), "charger") {
		t.Fatalf("charges: %v", charges)
	}
}

func benchWebStore4Hours(t *testing.T, h *harness) {
	rmaID := id(h.submit(h.keys["webstore4"], map[string]any{"policy": "webstore4", "lines": []any{line(
		map[string]any{"category": "router", "model": "WS-R9", "serial": "R9-0002"},
		map[string]any{"delivered": "2025-06-01"}, nil, map[string]any{"fault": "drops Wi-Fi"})}}))
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "repair"})
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number")})
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	evaluate := func(l map[string]any) *response {
		l["line"], l["finding"] = 1, "no_fault_found"
		return h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/evaluate", rmaID), h.keys["technician"], map[string]any{"lines": []any{l}}, "If-Match", h.etag(rmaID))
	}
	for _, bad := range []struct {
		line  map[string]any
		field string
	}{
		{map[string]any{"hours": 1.5}, "lines[0].hourly_rate"}, // WebStore4 names no rate
		{map[string]any{"hours": -1}, "lines[0].hours"},
		{map[string]any{"hours": 1500, "hourly_rate": eur("65.00")}, "lines[0].hours"},
		{map[string]any{"hours": 1.5, "hourly_rate": map[string]any{"amount": "sixty", "currency": "EUR"}}, "lines[0].hourly_rate.amount"},
	} {
		res := evaluate(bad.line)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(string(res.body), bad.field) {
			t.Fatalf("%v: %d %s, want 422 naming %s", bad.line, res.status, res.body, bad.field)
		}
	}
	if r := h.get(rmaID); r["state"] != "in_evaluation" || len(r["charges"].([]any)) != 0 || str(r, "lines", 0, "finding") != "" {
		t.Fatalf("a refused evaluation wrote: %v", r)
	}
	res := evaluate(map[string]any{"hours": 1.5, "hourly_rate": eur("65.00"), "notes": "ran 24 h, no drop"})
	if res.status != http.StatusOK {
		t.Fatalf("evaluate: %d %s", res.status, res.body)
	}
	r := h.get(rmaID)
	if field(r, "lines", 0, "evaluation_hours") != 1.5 || str(r, "charges", 0, "kind") != "no_fault_found" || str(r, "charges", 0, "basis") != "hourly" ||
		field(r, "charges", 0, "quantity") != 1.5 || str(r, "charges", 0, "clause") != "no-fault-found" || len(r["charges"].([]any)) != 1 {
		t.Fatalf("the hours and their charge: %v %v", r["lines"], r["charges"])
	}
	expectBalance(t, r, "97.50 EUR")
}
