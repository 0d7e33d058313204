package api

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMoneyDocuments, on both databases: a Dexxon RMA filed without a
// price is credited at the last invoiced price the agent enters when
// resolving (refused, with nothing written, without a price or with a bad
// one); its credit note is CN-2026-00001 for both parties, the same on
// every download, with both addresses and the amount, in English and
// Dutch; a WebStore4 unit found without fault is charged 1.5 h at the
// desk's hourly rate and its invoice is INV-2026-00001. A document the
// RMA has nothing for is 409, as is one asked for before the RMA is
// resolved; another organisation's is 404.
func TestMoneyDocuments(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed: scripts/deps.sh installs it")
	}
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { moneyDocuments(t, newHarnessOn(t, b)) })
	}
}

func moneyDocuments(t *testing.T, h *harness) {
	// Both parties' addresses, as an admin sets them.
	deskOrg := h.must(http.StatusOK, "GET", "/api/v1/me", h.keys["admin"], nil)
	deskID := field(deskOrg, "org", "id")
	h.must(http.StatusOK, "PUT", fmt.Sprintf("/api/v1/orgs/%v/address", deskID), h.keys["admin"],
		map[string]any{"street": "Nieuwe Uitleg 1", "postcode": "2514 BP", "city": "Den Haag", "country": "NL"})
	h.must(http.StatusOK, "PUT", fmt.Sprintf("/api/v1/orgs/%d/address", h.orgs["dexxon"].ID), h.keys["admin"],
		map[string]any{"street": "Stationsplein 8", "postcode": "3511 ED", "city": "Utrecht", "country": "NL"})

	sub := dexxonSubmission(1, "0")
	delete(sub["lines"].([]any)[0].(map[string]any), "last_invoiced_price")
	rmaID := id(h.submit(h.keys["dexxon"], sub))
	doc := func(key, kind, lang string) *response {
		t.Helper()
		q := ""
		if lang != "" {
			q = "?lang=" + lang
		}
		return h.do("GET", fmt.Sprintf("/api/v1/rmas/%d/%s%s", rmaID, kind, q), key, nil)
	}
	if r := doc(h.keys["dexxon"], "credit-note", ""); r.status != http.StatusConflict {
		t.Fatalf("a credit note before the RMA is resolved: %d %s", r.status, r.body)
	}
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "return"})
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number")})
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	h.act(h.keys["technician"], rmaID, "evaluate", map[string]any{"lines": []any{map[string]any{"line": 1, "finding": "defect_confirmed"}}})

	// Refusals name the field and write nothing.
	before := h.etag(rmaID)
	for _, c := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no price on file or given", map[string]any{"outcome": "credited"}, "lines[0].last_invoiced_price"},
		{"a price that is no amount", map[string]any{"outcome": "credited", "prices": []any{map[string]any{"line": 1, "last_invoiced_price": eur("12,50")}}}, "prices[0].last_invoiced_price.amount"},
		{"a price of nothing", map[string]any{"outcome": "credited", "prices": []any{map[string]any{"line": 1, "last_invoiced_price": eur("0.00")}}}, "prices[0].last_invoiced_price.amount"},
		{"a line the RMA lacks", map[string]any{"outcome": "credited", "prices": []any{map[string]any{"line": 2, "last_invoiced_price": eur("1.00")}}}, "prices[0].line"},
		{"no price in the entry", map[string]any{"outcome": "credited", "prices": []any{map[string]any{"line": 1}}}, "prices[0].last_invoiced_price"},
	} {
		r := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/resolve", rmaID), h.keys["agent"], c.body, "If-Match", before)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `"`+c.field) {
			t.Fatalf("%s: %d %s, want 422 naming %s", c.name, r.status, r.body, c.field)
		}
	}
	if h.etag(rmaID) != before {
		t.Fatal("a refused resolution changed the RMA")
	}
	r := h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "credited",
		"prices": []any{map[string]any{"line": 1, "last_invoiced_price": eur("121.00")}}})
	if str(r, "lines", 0, "last_invoiced_price", "amount") != "121.00" || str(r, "charges", 0, "kind") != "credit" {
		t.Fatalf("credited at the price entered: %v %v", r["lines"], r["charges"])
	}
	expectBalance(t, r, "-121.00 EUR")

	// Either party gets the credit note; it is numbered once.
	first := doc(h.keys["dexxon"], "credit-note", "")
	if first.status != http.StatusOK || first.header.Get("Content-Type") != "application/pdf" || first.header.Get("X-Document-Number") != "CN-2026-00001" {
		t.Fatalf("the requester's credit note: %d %v %.200s", first.status, first.header, first.body)
	}
	text := pdfText(t, first.body)
	for _, want := range []string{"Credit note", "CN-2026-00001", "Nieuwe Uitleg 1", "2514 BP Den Haag", "Org dexxon", "Stationsplein 8", "3511 ED Utrecht",
		"121.00 EUR", "Total credited", str(r, "number"), "DX24031500123"} {
		if !strings.Contains(text, want) {
			t.Errorf("the credit note lacks %q:\n%s", want, text)
		}
	}
	again := doc(h.keys["agent"], "credit-note", "nl")
	if again.status != http.StatusOK || again.header.Get("X-Document-Number") != "CN-2026-00001" {
		t.Fatalf("the desk's credit note: %d %v", again.status, again.header.Get("X-Document-Number"))
	}
	if nl := pdfText(t, again.body); !strings.Contains(nl, "Creditnota") || !strings.Contains(nl, "121,00 EUR") || !strings.Contains(nl, "CN-2026-00001") {
		t.Errorf("the Dutch credit note:\n%s", nl)
	}
	if r := doc(h.keys["dexxon"], "invoice", ""); r.status != http.StatusConflict {
		t.Fatalf("an invoice of an RMA without charges: %d %s", r.status, r.body)
	}
	if r := doc(h.keys["other"], "credit-note", ""); r.status != http.StatusNotFound {
		t.Fatalf("another organisation's credit note: %d %s", r.status, r.body)
	}
	if r := doc(h.keys["dexxon"], "credit-note", "fr"); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `"lang"`) {
		t.Fatalf("a language the desk does not write: %d %s", r.status, r.body)
	}

	// WebStore4: no fault found, 1.5 h at the desk's rate, on an invoice.
	wsID := id(h.submit(h.keys["webstore4"], map[string]any{"policy": "webstore4", "lines": []any{line(
		map[string]any{"category": "router", "model": "WS-R9", "serial": "R9-0002"},
		map[string]any{"delivered": "2025-06-01"}, nil, map[string]any{"fault": "drops Wi-Fi"})}}))
	h.act(h.keys["agent"], wsID, "authorize", map[string]any{"resolution": "repair"})
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(wsID), "number")})
	h.act(h.keys["technician"], wsID, "start_evaluation", nil)
	h.act(h.keys["technician"], wsID, "evaluate", map[string]any{"lines": []any{map[string]any{"line": 1, "finding": "no_fault_found"}}})
	r = h.must(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/rmas/%d/charges", wsID), h.keys["technician"],
		map[string]any{"line": 1, "kind": "no_fault_found", "quantity": 1.5, "unit_price": eur("70.00")}, "If-Match", h.etag(wsID))
	expectBalance(t, r, "105.00 EUR")
	h.act(h.keys["agent"], wsID, "resolve", map[string]any{"outcome": "no_fault_found"})
	inv := h.do("GET", fmt.Sprintf("/api/v1/rmas/%d/invoice", wsID), h.keys["webstore4"], nil)
	if inv.status != http.StatusOK || inv.header.Get("X-Document-Number") != "INV-2026-00001" {
		t.Fatalf("the invoice: %d %v %.300s", inv.status, inv.header.Get("X-Document-Number"), inv.body)
	}
	text = pdfText(t, inv.body)
	for _, want := range []string{"Invoice", "INV-2026-00001", "Org webstore4", "1.5 h", "70.00 EUR", "105.00 EUR", "Total due", "no fault found"} {
		if !strings.Contains(text, want) {
			t.Errorf("the invoice lacks %q:\n%s", want, text)
		}
	}
	if r := h.do("GET", fmt.Sprintf("/api/v1/rmas/%d/credit-note", wsID), h.keys["webstore4"], nil); r.status != http.StatusConflict {
		t.Fatalf("a credit note of an RMA without credits: %d %s", r.status, r.body)
	}

	// Dexxon's destruction with a credit takes the prices too: two units
	// at 10.00 without a price on file, then the second credit note.
	sub = dexxonSubmission(2, "0")
	delete(sub["lines"].([]any)[0].(map[string]any), "last_invoiced_price")
	dID := id(h.submit(h.keys["dexxon"], sub))
	bad := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/credit_without_return", dID), h.keys["agent"], map[string]any{"note": "destroy"}, "If-Match", h.etag(dID))
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.body), `"lines[0].last_invoiced_price`) {
		t.Fatalf("destruction with a credit and no price: %d %s", bad.status, bad.body)
	}
	r = h.act(h.keys["agent"], dID, "credit_without_return", map[string]any{"note": "destroy",
		"prices": []any{map[string]any{"line": 1, "last_invoiced_price": eur("10.00")}}})
	expectBalance(t, r, "-20.00 EUR")
	if cn := h.do("GET", fmt.Sprintf("/api/v1/rmas/%d/credit-note", dID), h.keys["dexxon"], nil); cn.status != http.StatusOK || cn.header.Get("X-Document-Number") != "CN-2026-00002" {
		t.Fatalf("the destruction's credit note: %d %s", cn.status, cn.header.Get("X-Document-Number"))
	}
}

// pdfText is a PDF's text as pdftotext reads it, in reading order.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
