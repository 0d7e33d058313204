package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Supplier steps (issue 12, point 1), through the HTTP API on both
// databases: the desk forwards evaluated lines to its supplier, ships them,
// records the supplier's verdicts, and resolves as the policy's supplier
// rules say.

// supplierAddress is a complete address, as a courier needs it.
var supplierAddress = map[string]any{"street": "Hoofdweg 12", "postcode": "2131 BA", "city": "Hoofddorp", "country": "NL", "contact": "RMA desk"}

// mkSupplier adds a supplier as the agent and returns its ID.
func mkSupplier(h *harness, name, pack string) int64 {
	h.t.Helper()
	body := map[string]any{"name": name, "country": "NL", "rma_email": "rma@" + strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".example", "address": supplierAddress}
	if pack != "" {
		body["policy"], body["claim_role"] = pack, "dealer"
	}
	return id(h.must(http.StatusCreated, "POST", "/api/v1/suppliers", h.keys["agent"], body))
}

// evaluatedWebStore4 files a WebStore4 defect with lines units (serials
// prefix-1, prefix-2, ...), and takes it through receipt to a confirmed
// defect on every line.
func evaluatedWebStore4(h *harness, prefix string, lines int) int64 {
	h.t.Helper()
	var ls []any
	var findings []any
	for i := 1; i <= lines; i++ {
		ls = append(ls, line(map[string]any{"category": "router", "model": "WS-R9", "serial": fmt.Sprintf("%s-%d", prefix, i)},
			map[string]any{"delivered": "2025-06-01"}, nil, map[string]any{"fault": "reboots every hour"}))
		findings = append(findings, map[string]any{"line": i, "finding": "defect_confirmed"})
	}
	rmaID := id(h.submit(h.keys["webstore4"], map[string]any{"policy": "webstore4", "lines": ls}))
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "repair"})
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number")})
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	h.act(h.keys["technician"], rmaID, "evaluate", map[string]any{"lines": findings})
	return rmaID
}

// forward makes a supplier RMA of (rma, line) pairs.
func forward(h *harness, supplier int64, pairs ...int64) map[string]any {
	h.t.Helper()
	var lines []any
	for i := 0; i+1 < len(pairs); i += 2 {
		lines = append(lines, map[string]any{"rma": pairs[i], "line": pairs[i+1]})
	}
	return h.must(http.StatusCreated, "POST", "/api/v1/supplier-rmas", h.keys["agent"], map[string]any{"supplier": supplier, "lines": lines})
}

// supplierAct posts to a supplier RMA's step with its current ETag.
func supplierAct(h *harness, sid int64, step string, body any) map[string]any {
	h.t.Helper()
	got := h.do("GET", fmt.Sprintf("/api/v1/supplier-rmas/%d", sid), h.keys["agent"], nil)
	if got.status != http.StatusOK {
		h.t.Fatalf("GET supplier RMA %d: %d %s", sid, got.status, got.body)
	}
	return h.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/supplier-rmas/%d/%s", sid, step), h.keys["agent"], body, "If-Match", got.header.Get("ETag"))
}

func verdict(rmaID int64, lineNo int, verdict, remedy string, extra map[string]any) map[string]any {
	v := map[string]any{"rma": rmaID, "line": lineNo, "verdict": verdict}
	if remedy != "" {
		v["remedy"] = remedy
	}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

func supplierEventActions(h *harness, sid int64) string {
	h.t.Helper()
	m := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/supplier-rmas/%d/events", sid), h.keys["technician"], nil)
	var out []string
	for _, e := range m["events"].([]any) {
		out = append(out, str(e, "action"))
	}
	return strings.Join(out, " ")
}

func supplierWebStore4CoveredRepairedFree(t *testing.T, h *harness) {
	rmaID := evaluatedWebStore4(h, "R9", 1)
	sup := mkSupplier(h, "Netgear Distribution", "plextor")
	// Suppliers are the desk's business.
	h.must(http.StatusForbidden, "GET", "/api/v1/suppliers", h.keys["webstore4"], nil)
	h.must(http.StatusForbidden, "POST", "/api/v1/supplier-rmas", h.keys["webstore4"], map[string]any{"supplier": sup})

	// The engine's guess at the supplier's verdict, by the pack it applies.
	pred := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/suppliers/%d/prediction?rma=%d&line=1", sup, rmaID), h.keys["agent"], nil)
	if pred["policy"] != "plextor" || pred["decision"] == nil || field(pred, "full_decision", "policy") != "plextor" {
		t.Fatalf("prediction: %v", pred)
	}

	sr := forward(h, sup, rmaID, 1)
	sid := id(sr)
	if sr["state"] != "open" || !strings.HasPrefix(str(sr, "number"), "SUP-26-") || sr["due"] != "2026-04-01" ||
		str(sr, "lines", 0, "rma_number") != str(h.get(rmaID), "number") || field(sr, "lines", 0, "predicted", "policy") != "plextor" {
		t.Fatalf("supplier RMA: %v", sr)
	}
	r := h.get(rmaID)
	if r["state"] != "at_supplier" || str(r, "supplier", "lines", 0, "supplier_name") != "Netgear Distribution" {
		t.Fatalf("the RMA waits at the supplier: %v %v", r["state"], r["supplier"])
	}
	// The requester sees that its unit is at the supplier, not which one.
	mine := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d", rmaID), h.keys["webstore4"], nil)
	if mine["state"] != "at_supplier" || field(mine, "supplier", "lines", 0, "line") != float64(1) ||
		strings.Contains(fmt.Sprint(mine["supplier"]), "Netgear") || field(mine, "supplier", "net_cost") != nil {
		t.Fatalf("the requester's view: %v", mine["supplier"])
	}
	// Nothing resolves while the unit is away, and no verdict comes before it left.
	h.must(http.StatusConflict, "POST", fmt.Sprintf("/api/v1/rmas/%d/resolve", rmaID), h.keys["agent"], map[string]any{"outcome": "repaired"}, "If-Match", h.etag(rmaID))
	got := h.do("GET", fmt.Sprintf("/api/v1/supplier-rmas/%d", sid), h.keys["agent"], nil)
	early := h.do("POST", fmt.Sprintf("/api/v1/supplier-rmas/%d/verdicts", sid), h.keys["agent"],
		map[string]any{"lines": []any{verdict(rmaID, 1, "covered", "repaired", nil)}}, "If-Match", got.header.Get("ETag"))
	if early.status != http.StatusConflict {
		t.Fatalf("verdict before the shipment: %d %s", early.status, early.body)
	}

	sr = supplierAct(h, sid, "ship", map[string]any{"carrier": "PostNL", "tracking": "3SNTG0001", "reference": "NG-RMA-5521"})
	if sr["state"] != "shipped" || str(sr, "shipment", "carrier") != "PostNL" || sr["reference"] != "NG-RMA-5521" {
		t.Fatalf("shipped: %v", sr)
	}
	// A verdict without its remedy names the field.
	got = h.do("GET", fmt.Sprintf("/api/v1/supplier-rmas/%d", sid), h.keys["agent"], nil)
	bad := h.do("POST", fmt.Sprintf("/api/v1/supplier-rmas/%d/verdicts", sid), h.keys["agent"],
		map[string]any{"lines": []any{verdict(rmaID, 1, "covered", "", nil)}}, "If-Match", got.header.Get("ETag"))
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.body), "lines[0].remedy") {
		t.Fatalf("covered without a remedy: %d %s", bad.status, bad.body)
	}
	sr = supplierAct(h, sid, "verdicts", map[string]any{"lines": []any{verdict(rmaID, 1, "covered", "repaired", map[string]any{"notes": "new main board"})}})
	if sr["state"] != "answered" || str(sr, "lines", 0, "verdict") != "covered" {
		t.Fatalf("answered: %v", sr)
	}
	r = h.get(rmaID)
	if r["state"] != "in_evaluation" || str(r, "supplier", "lines", 0, "remedy") != "repaired" {
		t.Fatalf("back from the supplier: %v %v", r["state"], r["supplier"])
	}
	// Covered: WebStore4 repairs or replaces free of charge, nothing else.
	ret := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/resolve", rmaID), h.keys["agent"], map[string]any{"outcome": "returned_unrepaired"}, "If-Match", h.etag(rmaID))
	if ret.status != http.StatusUnprocessableEntity || !strings.Contains(string(ret.body), "warranty-free") {
		t.Fatalf("a covered line returned unrepaired: %d %s", ret.status, ret.body)
	}
	r = h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "repaired"})
	if r["state"] != "resolved" || r["outcome"] != "repaired" || len(r["balance"].([]any)) != 0 {
		t.Fatalf("repaired free: %v %v %v", r["state"], r["outcome"], r["balance"])
	}
	expectEvents(t, h, rmaID, "submit->submitted", "authorize->authorized", "receive->received", "start_evaluation->in_evaluation",
		"evaluate->in_evaluation", "forward_to_supplier->at_supplier", "ship_to_supplier->at_supplier",
		"supplier_verdict->at_supplier", "back_from_supplier->in_evaluation", "resolve->resolved")
	// The requester's history has every step, and the verdict, but no
	// supplier's name, number or shipment.
	reqHist := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d/events", rmaID), h.keys["webstore4"], nil)
	text := fmt.Sprint(reqHist)
	if !strings.Contains(text, "forward_to_supplier") || !strings.Contains(text, "1 covered (repaired)") ||
		strings.Contains(text, "Netgear") || strings.Contains(text, "SUP-26") || strings.Contains(text, "3SNTG0001") {
		t.Fatalf("the requester's history: %s", text)
	}
	deskHist := fmt.Sprint(h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d/events", rmaID), h.keys["agent"], nil))
	if !strings.Contains(deskHist, "Netgear") || !strings.Contains(deskHist, "SUP-26") {
		t.Fatalf("the desk's history: %s", deskHist)
	}
	if got := supplierEventActions(h, sid); got != "create ship verdict" {
		t.Fatalf("supplier RMA history: %s", got)
	}
}

func supplierWebStore4NotCoveredContactedAndCharged(t *testing.T, h *harness) {
	rmaID := evaluatedWebStore4(h, "R9X", 1)
	sup := mkSupplier(h, "Router Wholesale", "")
	sid := id(forward(h, sup, rmaID, 1))
	supplierAct(h, sid, "ship", map[string]any{"carrier": "DHL"})
	sr := supplierAct(h, sid, "verdicts", map[string]any{"lines": []any{verdict(rmaID, 1, "not_covered", "",
		map[string]any{"charge": eur("45.00"), "notes": "liquid damage on the board"})}})
	if str(sr, "lines", 0, "remedy") != "returned" || str(sr, "supplier_charges", 0, "amount") != "45.00" {
		t.Fatalf("not covered: %v", sr)
	}
	r := h.get(rmaID)
	if r["state"] != "in_evaluation" || !strings.Contains(str(r, "reason"), "contact you about further processing") {
		t.Fatalf("the customer is to be contacted: %v %q", r["state"], r["reason"])
	}
	evs := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d/events", rmaID), h.keys["agent"], nil)["events"].([]any)
	last := evs[len(evs)-1]
	if str(last, "action") != "back_from_supplier" || !strings.Contains(str(last, "details", "contact_requester"), "WebStore4 will contact you") ||
		str(last, "details", "clause") != "no-warranty" {
		t.Fatalf("the contact is in the history: %v", last)
	}
	// Not covered: a repair is the customer's, once charged; the free
	// outcomes are refused.
	for _, outcome := range []string{"repaired", "replaced"} {
		resp := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/resolve", rmaID), h.keys["agent"], map[string]any{"outcome": outcome}, "If-Match", h.etag(rmaID))
		if resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("%s before a charge: %d %s", outcome, resp.status, resp.body)
		}
	}
	// The customer accepted the quote: the agent records the repair charge.
	r = h.must(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/rmas/%d/charges", rmaID), h.keys["agent"],
		map[string]any{"line": 1, "kind": "repair", "quantity": 1, "unit_price": eur("79.00"), "description": "board replaced, quote accepted by phone"}, "If-Match", h.etag(rmaID))
	if str(r, "charges", 0, "clause") != "no-warranty" || str(r, "charges", 0, "basis") != "quote" {
		t.Fatalf("the repair charge: %v", r["charges"])
	}
	r = h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "repaired"})
	expectBalance(t, r, "79.00 EUR")
	// The desk's net: the customer's 79.00 against the supplier's 45.00.
	if str(r, "supplier", "supplier_charges", 0, "amount") != "45.00" || str(r, "supplier", "net_cost", 0, "amount") != "-34.00" {
		t.Fatalf("supplier charges and net cost: %v", r["supplier"])
	}
	mine := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d", rmaID), h.keys["webstore4"], nil)
	if str(mine, "supplier", "lines", 0, "verdict") != "not_covered" || field(mine, "supplier", "supplier_charges") != nil || field(mine, "supplier", "lines", 0, "charge") != nil {
		t.Fatalf("the requester sees the verdict only: %v", mine["supplier"])
	}
}

func supplierBatchOfThreeRMAsInOneShipment(t *testing.T, h *harness) {
	a, b, c := evaluatedWebStore4(h, "BA", 2), evaluatedWebStore4(h, "BB", 1), evaluatedWebStore4(h, "BC", 1)
	sup := mkSupplier(h, "Batch Supplier", "")
	// A line that is not there, and one listed twice, name their field.
	for _, tc := range []struct {
		lines []any
		want  string
	}{
		{[]any{map[string]any{"rma": a, "line": 9}}, "lines[0].line"},
		{[]any{map[string]any{"rma": a, "line": 1}, map[string]any{"rma": a, "line": 1}}, "lines[1]"},
		{[]any{map[string]any{"rma": 99999, "line": 1}}, "lines[0].rma"},
	} {
		resp := h.do("POST", "/api/v1/supplier-rmas", h.keys["agent"], map[string]any{"supplier": sup, "lines": tc.lines})
		if resp.status != http.StatusUnprocessableEntity || !strings.Contains(string(resp.body), tc.want) {
			t.Fatalf("%v: %d %s", tc.lines, resp.status, resp.body)
		}
	}
	// The batch starts with a's lines; b's and c's join it before it leaves.
	sr := forward(h, sup, a, 1, a, 2)
	sid := id(sr)
	sr = supplierAct(h, sid, "lines", map[string]any{"lines": []any{map[string]any{"rma": b, "line": 1}, map[string]any{"rma": c, "line": 1}}})
	if len(sr["lines"].([]any)) != 4 || str(sr, "lines", 3, "rma_number") != str(h.get(c), "number") {
		t.Fatalf("lines: %v", sr["lines"])
	}
	if h.get(b)["state"] != "at_supplier" || h.get(c)["state"] != "at_supplier" {
		t.Fatal("the added RMAs are not at the supplier")
	}
	// A line already at a supplier cannot go twice.
	again := h.do("POST", "/api/v1/supplier-rmas", h.keys["agent"], map[string]any{"supplier": sup, "lines": []any{map[string]any{"rma": b, "line": 1}}})
	if again.status != http.StatusConflict || !strings.Contains(string(again.body), "lines[0].line") {
		t.Fatalf("forwarded twice: %d %s", again.status, again.body)
	}
	// One shipment for the three RMAs: each records it.
	supplierAct(h, sid, "ship", map[string]any{"carrier": "DHL", "tracking": "JVGL0001"})
	// Once the parcel left, nothing joins it.
	d := evaluatedWebStore4(h, "BD", 1)
	got := h.do("GET", fmt.Sprintf("/api/v1/supplier-rmas/%d", sid), h.keys["agent"], nil)
	late := h.do("POST", fmt.Sprintf("/api/v1/supplier-rmas/%d/lines", sid), h.keys["agent"], map[string]any{"lines": []any{map[string]any{"rma": d, "line": 1}}},
		"If-Match", got.header.Get("ETag"))
	if late.status != http.StatusConflict || h.get(d)["state"] != "in_evaluation" {
		t.Fatalf("a line added after the shipment: %d %s", late.status, late.body)
	}
	for _, r := range []int64{a, b, c} {
		evs := events(h, r)
		if evs[len(evs)-1] != "ship_to_supplier->at_supplier" {
			t.Fatalf("RMA %d: %v", r, evs)
		}
	}
	list := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/supplier-rmas?rma=%d&open=true", b), h.keys["technician"], nil)
	if items := list["items"].([]any); len(items) != 1 || id(items[0].(map[string]any)) != sid {
		t.Fatalf("the supplier RMA holding b's line: %v", list)
	}
	// Part of the answer: a's second line is still away, so a waits; b is back.
	supplierAct(h, sid, "verdicts", map[string]any{"lines": []any{
		verdict(a, 1, "covered", "repaired", nil), verdict(b, 1, "covered", "replaced", map[string]any{"replacement_serial": "BB-NEW-1"})}})
	if h.get(a)["state"] != "at_supplier" || h.get(b)["state"] != "in_evaluation" || h.get(c)["state"] != "at_supplier" {
		t.Fatalf("states after two verdicts: %v %v %v", h.get(a)["state"], h.get(b)["state"], h.get(c)["state"])
	}
	open := h.must(http.StatusOK, "GET", "/api/v1/supplier-rmas?open=true", h.keys["technician"], nil)
	if items := open["items"].([]any); len(items) != 1 || str(items[0], "state") != "shipped" {
		t.Fatalf("open supplier RMAs: %v", open)
	}
	// Past its due day (30 days for this supplier) the answer is overdue.
	if items := h.must(http.StatusOK, "GET", "/api/v1/supplier-rmas?overdue=true", h.keys["agent"], nil)["items"].([]any); len(items) != 0 {
		t.Fatalf("overdue on the first day: %v", items)
	}
	h.clock.advance(31 * 24 * time.Hour)
	if items := h.must(http.StatusOK, "GET", "/api/v1/supplier-rmas?overdue=true", h.keys["agent"], nil)["items"].([]any); len(items) != 1 || field(items[0], "overdue") != true {
		t.Fatalf("overdue after 31 days: %v", items)
	}
	sr = supplierAct(h, sid, "verdicts", map[string]any{"lines": []any{
		verdict(a, 2, "covered", "repaired", nil), verdict(c, 1, "not_covered", "returned", nil)}})
	if sr["state"] != "answered" {
		t.Fatalf("answered: %v", sr["state"])
	}
	for _, r := range []int64{a, b, c} {
		if st := h.get(r)["state"]; st != "in_evaluation" {
			t.Fatalf("RMA %d is %v", r, st)
		}
	}
	// b's replacement is the supplier's unit, passed on.
	rb := h.act(h.keys["agent"], b, "resolve", map[string]any{"outcome": "replaced"})
	if str(rb, "lines", 0, "replacement", "serial") != "BB-NEW-1" || len(rb["balance"].([]any)) != 0 {
		t.Fatalf("replaced free with the supplier's unit: %v", rb["lines"])
	}
	h.act(h.keys["agent"], a, "resolve", map[string]any{"outcome": "repaired"})
	h.act(h.keys["agent"], c, "resolve", map[string]any{"outcome": "returned_unrepaired"})
	if got := supplierEventActions(h, sid); got != "create add_lines ship verdict verdict" {
		t.Fatalf("supplier RMA history: %s", got)
	}
}

func supplierCreditRecoveredAndNetCost(t *testing.T, h *harness) {
	// Dexxon credits its partner at the last invoiced price; its own
	// supplier credits Dexxon part of it.
	rmaID := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "return"})
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number")})
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	h.act(h.keys["technician"], rmaID, "evaluate", map[string]any{"lines": []any{map[string]any{"line": 1, "finding": "defect_confirmed"}}})
	sup := mkSupplier(h, "SSD Maker GmbH", "")
	sid := id(forward(h, sup, rmaID, 1))
	supplierAct(h, sid, "ship", map[string]any{"carrier": "UPS", "tracking": "1Z999"})
	// Credited needs its amount, named by its field.
	got := h.do("GET", fmt.Sprintf("/api/v1/supplier-rmas/%d", sid), h.keys["agent"], nil)
	bad := h.do("POST", fmt.Sprintf("/api/v1/supplier-rmas/%d/verdicts", sid), h.keys["agent"],
		map[string]any{"lines": []any{verdict(rmaID, 1, "covered", "credited", nil)}}, "If-Match", got.header.Get("ETag"))
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.body), "lines[0].credit") {
		t.Fatalf("credited without an amount: %d %s", bad.status, bad.body)
	}
	sr := supplierAct(h, sid, "verdicts", map[string]any{"lines": []any{verdict(rmaID, 1, "covered", "credited",
		map[string]any{"credit": eur("75.00"), "notes": "credit note CN-2026-118"})}})
	if str(sr, "recovered", 0, "amount") != "75.00" {
		t.Fatalf("recovered: %v", sr)
	}
	r := h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "credited"})
	// The customer's ledger is its own; the recovery stands apart.
	expectBalance(t, r, "-89.90 EUR")
	if str(r, "supplier", "recovered", 0, "amount") != "75.00" || str(r, "supplier", "net_cost", 0, "amount") != "14.90" ||
		str(r, "supplier", "net_cost", 0, "currency") != "EUR" || str(r, "supplier", "lines", 0, "credit", "amount") != "75.00" {
		t.Fatalf("recovery and net cost: %v", r["supplier"])
	}
	// The requester sees its credit, never the desk's recovery.
	mine := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d", rmaID), h.keys["dexxon"], nil)
	if strings.Contains(fmt.Sprint(mine["supplier"]), "75.00") || field(mine, "supplier", "recovered") != nil {
		t.Fatalf("the requester sees the recovery: %v", mine["supplier"])
	}
	hist := fmt.Sprint(h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d/events", rmaID), h.keys["dexxon"], nil))
	if strings.Contains(hist, "7500") || strings.Contains(hist, "SSD Maker") {
		t.Fatalf("the requester's history shows the supplier's money: %s", hist)
	}
}

// supplierFixture makes a supplier and a supplier RMA holding a line of a
// WebStore4 RMA, for the access test.
func supplierFixture(h *harness) (supplierID, supplierRMAID int64) {
	h.t.Helper()
	rmaID := evaluatedWebStore4(h, "ACC", 1)
	supplierID = mkSupplier(h, "Access Supplier", "")
	return supplierID, id(forward(h, supplierID, rmaID, 1))
}

// TestSupplierLifecycles runs the supplier steps on each database.
func TestSupplierLifecycles(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	cases := []struct {
		name string
		run  func(*testing.T, *harness)
	}{
		{"webstore4 covered repaired free", supplierWebStore4CoveredRepairedFree},
		{"webstore4 not covered contacted and charged", supplierWebStore4NotCoveredContactedAndCharged},
		{"batch of three RMAs in one shipment", supplierBatchOfThreeRMAsInOneShipment},
		{"credit recovered and net cost", supplierCreditRecoveredAndNetCost},
	}
	for _, b := range backends {
		for _, c := range cases {
			t.Run(b+"/"+c.name, func(t *testing.T) { c.run(t, newHarnessOn(t, b)) })
		}
	}
}

// TestForwardRace: two agents send the same line to suppliers at once:
// one supplier RMA is made, the other call is refused (412 or 409), and
// the line is in exactly one supplier RMA, on each database.
func TestForwardRace(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			h := newHarnessOn(t, b)
			rmaID := evaluatedWebStore4(h, "RACE", 1)
			sups := []int64{mkSupplier(h, "First Supplier", ""), mkSupplier(h, "Second Supplier", "")}
			statuses := make([]int, 2)
			done := make(chan struct{})
			for i := range 2 {
				go func() {
					defer func() { done <- struct{}{} }()
					statuses[i] = h.do("POST", "/api/v1/supplier-rmas", h.keys["agent"], map[string]any{"supplier": sups[i],
						"lines": []any{map[string]any{"rma": rmaID, "line": 1}}}).status
				}()
			}
			<-done
			<-done
			created := 0
			for _, s := range statuses {
				switch s {
				case http.StatusCreated:
					created++
				case http.StatusPreconditionFailed, http.StatusConflict:
				default:
					t.Fatalf("statuses %v", statuses)
				}
			}
			list := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/supplier-rmas?rma=%d", rmaID), h.keys["agent"], nil)
			if created != 1 || len(list["items"].([]any)) != 1 || len(field(h.get(rmaID), "supplier", "lines").([]any)) != 1 {
				t.Fatalf("statuses %v, %d supplier RMAs: %v", statuses, len(list["items"].([]any)), list)
			}
			if n := strings.Count(strings.Join(events(h, rmaID), " "), "forward_to_supplier"); n != 1 {
				t.Fatalf("%d forward events", n)
			}
		})
	}
}
