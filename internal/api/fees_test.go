package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Fees as data (issue 14), through the HTTP API on both databases: a desk
// running the usshop example pack (examples/policies/usshop.yaml) decides
// a consumer's return with its restocking fee expected, and charges it
// when it refunds, net of the refund.

// usshopHarness is a desk running the seeds and the usshop example pack,
// with a consumer organisation in the US ("usshop").
func usshopHarness(t *testing.T, backend string) *harness {
	t.Helper()
	h := newHarnessOn(t, backend)
	h.packs = []string{"usshop"}
	h.restart()
	accounts := auth.NewAccounts(h.db)
	org, err := accounts.CreateOrg(context.Background(), rma.System, auth.NewOrg{Name: "Org usshop", Role: "consumer", Country: "US"})
	if err != nil {
		t.Fatal(err)
	}
	k, _, err := accounts.CreateKey(context.Background(), rma.System, org.ID, rma.RoleRequester, "usshop")
	if err != nil {
		t.Fatal(err)
	}
	h.keys["usshop"], h.orgs["usshop"] = k, org
	return h
}

// usshopReturn files a consumer's return of a speaker delivered ten days
// before the harness's day, priced 129.00 USD, with the claim's conditions.
func usshopReturn(h *harness, conditions []string) int64 {
	h.t.Helper()
	l := line(map[string]any{"category": "electronics", "model": "Bluetooth speaker", "price": map[string]any{"amount": "129.00", "currency": "USD"}},
		map[string]any{"delivered": "2026-02-20"}, nil, nil)
	if conditions != nil {
		l["conditions"] = conditions
	}
	return id(h.submit(h.keys["usshop"], map[string]any{"policy": "usshop", "kind": "withdrawal", "lines": []any{l}}))
}

func feesOpenedRefundedNet(t *testing.T, h *harness) {
	rmaID := usshopReturn(h, []string{"opened"})
	r := h.get(rmaID)
	// The decision expects 25% of 129.00, citing the fee's clause.
	exp := field(r, "lines", 0, "decision", "expected_charges", 0)
	if str(exp, "kind") != "restocking" || str(exp, "basis") != "percentage" || str(exp, "percent") != "25" || str(exp, "why") != "opened" ||
		str(exp, "amount", "amount") != "32.25" || str(exp, "amount", "currency") != "USD" || str(exp, "clause") != "restocking" {
		t.Fatalf("expected charge: %v", exp)
	}
	reasons := fmt.Sprint(field(r, "lines", 0, "decision", "reasons"))
	if !strings.Contains(reasons, "fee_expected") || str(r, "lines", 0, "claim", "product", "price", "amount") != "129.00" {
		t.Fatalf("reasons %s; claim %v", reasons, field(r, "lines", 0, "claim"))
	}
	// The line takes the claim's price; the desk sees the fee it will charge.
	if str(r, "lines", 0, "last_invoiced_price", "amount") != "129.00" || str(r, "expected_fees", 0, "amount", "amount") != "32.25" {
		t.Fatalf("line price %v, expected fees %v", field(r, "lines", 0, "last_invoiced_price"), r["expected_fees"])
	}
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "refund"})
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number"),
		"lines": []any{map[string]any{"line": 1, "intake_condition": "opened", "intake_notes": "seal broken, all parts present"}}})
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	res := h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "refunded"})
	if res["outcome"] != "refunded" || res["expected_fees"] != nil {
		t.Fatalf("resolved: %v %v", res["outcome"], res["expected_fees"])
	}
	charges := res["charges"].([]any)
	if len(charges) != 2 || str(charges[0], "kind") != "refund" || str(charges[0], "amount", "amount") != "-129.00" ||
		str(charges[1], "kind") != "restocking" || str(charges[1], "amount", "amount") != "32.25" || str(charges[1], "clause") != "restocking" ||
		str(charges[1], "basis") != "percentage" || field(charges[1], "deducted") != true || !strings.Contains(str(charges[1], "description"), "25% of 129.00 USD") {
		t.Fatalf("ledger: %v", charges)
	}
	if str(res, "balance", 0, "amount") != "-96.75" {
		t.Fatalf("balance: %v", res["balance"])
	}
	// The credit note is the refund net of the fee; there is no invoice.
	doc := h.do("GET", fmt.Sprintf("/api/v1/rmas/%d/credit-note", rmaID), h.keys["usshop"], nil)
	if doc.status != http.StatusOK || !strings.HasPrefix(string(doc.body), "%PDF") {
		t.Fatalf("credit note: %d %.200s", doc.status, doc.body)
	}
	if inv := h.do("GET", fmt.Sprintf("/api/v1/rmas/%d/invoice", rmaID), h.keys["usshop"], nil); inv.status != http.StatusConflict {
		t.Fatalf("invoice: %d %s", inv.status, inv.body)
	}
	events := fmt.Sprint(h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d/events", rmaID), h.keys["agent"], nil))
	if !strings.Contains(events, "fees_charged:line 1 restocking 32.25 USD [restocking]") {
		t.Fatalf("history: %s", events)
	}
}

func feesOpenedAtIntake(t *testing.T, h *harness) {
	rmaID := usshopReturn(h, nil)
	if got := str(h.get(rmaID), "lines", 0, "decision", "expected_charges", 0, "amount", "amount"); got != "19.35" {
		t.Fatalf("an unopened unit: %s, want 15%% = 19.35", got)
	}
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "refund"})
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number"),
		"lines": []any{map[string]any{"line": 1, "intake_condition": "opened"}}})
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	// Receiving found it opened: the fee the desk will charge is 25%.
	if r := h.get(rmaID); str(r, "expected_fees", 0, "percent") != "25" || str(r, "expected_fees", 0, "amount", "amount") != "32.25" {
		t.Fatalf("after intake: %v", r["expected_fees"])
	}
	res := h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "refunded"})
	if str(res, "charges", 1, "amount", "amount") != "32.25" || str(res, "balance", 0, "amount") != "-96.75" {
		t.Fatalf("ledger: %v", res["charges"])
	}
}

func feesWaived(t *testing.T, h *harness) {
	rmaID := usshopReturn(h, []string{"opened"})
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "refund"})
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number")})
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	// A waiver must name an expected fee and give a reason.
	for _, tc := range []struct {
		waiver map[string]any
		field  string
	}{
		{map[string]any{"line": 1, "kind": "repair", "reason": "goodwill"}, "waive_fees[0].kind"},
		{map[string]any{"line": 1, "kind": "restocking", "reason": " "}, "waive_fees[0].reason"},
	} {
		bad := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/resolve", rmaID), h.keys["agent"],
			map[string]any{"outcome": "refunded", "waive_fees": []any{tc.waiver}}, "If-Match", h.etag(rmaID))
		if bad.status != http.StatusUnprocessableEntity && bad.status != http.StatusBadRequest || !strings.Contains(string(bad.body), tc.field) {
			t.Fatalf("waiver %v: %d %s", tc.waiver, bad.status, bad.body)
		}
	}
	res := h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "refunded",
		"waive_fees": []any{map[string]any{"line": 1, "kind": "restocking", "reason": "the box was damaged in our shipment"}}})
	if charges := res["charges"].([]any); len(charges) != 1 || str(res, "balance", 0, "amount") != "-129.00" {
		t.Fatalf("waived: %v", charges)
	}
	events := fmt.Sprint(h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d/events", rmaID), h.keys["agent"], nil))
	if !strings.Contains(events, "fees_waived:line 1 restocking: the box was damaged in our shipment") {
		t.Fatalf("history: %s", events)
	}
}

func feesBadPrice(t *testing.T, h *harness) {
	for _, tc := range []struct {
		price any
		field string
	}{
		{map[string]any{"amount": "12.345", "currency": "USD"}, "lines[0].product.price.amount"},
		{map[string]any{"amount": "0", "currency": "USD"}, "lines[0].product.price.amount"},
		{map[string]any{"amount": "12.00", "currency": "dollars"}, "lines[0].product.price.currency"},
	} {
		l := line(map[string]any{"category": "electronics", "price": tc.price}, map[string]any{"delivered": "2026-02-20"}, nil, nil)
		r := h.do("POST", "/api/v1/rmas", h.keys["usshop"], map[string]any{"policy": "usshop", "kind": "withdrawal", "lines": []any{l}})
		if r.status/100 != 4 || !strings.Contains(string(r.body), tc.field) || !strings.Contains(r.header.Get("Content-Type"), "problem+json") {
			t.Fatalf("price %v: %d %s", tc.price, r.status, r.body)
		}
	}
}

func TestFeesLifecycle(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	cases := []struct {
		name string
		run  func(*testing.T, *harness)
	}{
		{"opened unit refunded net of 25%", feesOpenedRefundedNet},
		{"opened at intake charges 25%", feesOpenedAtIntake},
		{"waived with a reason", feesWaived},
		{"bad price named", feesBadPrice},
	}
	for _, b := range backends {
		for _, c := range cases {
			t.Run(b+"/"+c.name, func(t *testing.T) { c.run(t, usshopHarness(t, b)) })
		}
	}
}
