package api

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestExports, on both databases, with pages of two RMAs so the keyset
// walk crosses pages: the desk exports every RMA once, oldest first, as CSV
// and as JSON lines (by ?format and by Accept); a requester only its own;
// the lines and the charges come with their RMA's number; the filters
// (state, policy, requester, filed and created dates) cut the rows; a bad
// filter is a problem naming it, before any row is sent.
func TestExports(t *testing.T) {
	old := exportPage
	exportPage = 2
	t.Cleanup(func() { exportPage = old })
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { exports(t, newHarnessOn(t, b)) })
	}
}

func exports(t *testing.T, h *harness) {
	var dexxon []int64
	for range 4 {
		dexxon = append(dexxon, id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90"))))
	}
	other := id(h.submit(h.keys["other"], dexxonSubmission(2, "10.00")))
	authorized := h.act(h.keys["agent"], dexxon[1], "authorize", map[string]any{"resolution": "return"})
	// A WebStore4 router found without fault: 1.5 h at 65.00 charged.
	ws := id(h.submit(h.keys["webstore4"], map[string]any{"policy": "webstore4", "lines": []any{line(
		map[string]any{"category": "router", "model": "WS-R9", "serial": "R9-0002"},
		map[string]any{"delivered": "2025-06-01"}, nil, map[string]any{"fault": "drops Wi-Fi"})}}))
	h.act(h.keys["agent"], ws, "authorize", map[string]any{"resolution": "repair"})
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(ws), "number")})
	h.act(h.keys["technician"], ws, "start_evaluation", nil)
	h.act(h.keys["technician"], ws, "evaluate", map[string]any{"lines": []any{map[string]any{"line": 1, "finding": "no_fault_found",
		"hours": 1.5, "hourly_rate": eur("65.00")}}})

	rows := func(key, path string, headers ...string) [][]string {
		t.Helper()
		r := h.do("GET", path, key, nil, headers...)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%s: %d %s %.300s", path, r.status, r.header.Get("Content-Type"), r.body)
		}
		recs, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v\n%s", path, err, r.body)
		}
		return recs
	}
	ids := func(recs [][]string, col string) string {
		t.Helper()
		at := -1
		for i, c := range recs[0] {
			if c == col {
				at = i
			}
		}
		if at < 0 {
			t.Fatalf("no column %s in %v", col, recs[0])
		}
		var out []string
		for _, r := range recs[1:] {
			out = append(out, r[at])
		}
		return strings.Join(out, ",")
	}
	join := func(ns ...int64) string {
		var out []string
		for _, n := range ns {
			out = append(out, fmt.Sprint(n))
		}
		return strings.Join(out, ",")
	}
	all := join(append(append(append([]int64{}, dexxon...), other), ws)...)
	if got := ids(rows(h.keys["agent"], "/api/v1/exports/rmas"), "id"); got != all {
		t.Fatalf("the desk's export: %s, want %s", got, all)
	}
	if got := ids(rows(h.keys["dexxon"], "/api/v1/exports/rmas"), "id"); got != join(dexxon...) {
		t.Fatalf("the requester's export: %s, want its own %v", got, dexxon)
	}
	if got := ids(rows(h.keys["other"], "/api/v1/exports/rmas?org="+fmt.Sprint(h.orgs["dexxon"].ID)), "id"); got != join(other) {
		t.Fatalf("a requester naming another organisation: %s, want only its own", got)
	}
	recs := rows(h.keys["agent"], "/api/v1/exports/rmas?state=authorized")
	if got := ids(recs, "id"); got != join(dexxon[1]) || ids(recs, "number") != str(authorized, "number") || ids(recs, "requester") != "Org dexxon" {
		t.Fatalf("state=authorized: %v", recs)
	}
	if got := ids(rows(h.keys["admin"], "/api/v1/exports/rmas?policy=webstore4"), "id"); got != join(ws) {
		t.Fatalf("policy=webstore4: %s", got)
	}
	// The engine's words as the API writes them, never a raw code.
	if got := ids(recs, "kind") + " " + ids(recs, "decision") + " " + ids(recs, "route"); got != "defect accept warranty" {
		t.Fatalf("kind, decision, route: %q", got)
	}
	if got := ids(rows(h.keys["admin"], fmt.Sprintf("/api/v1/exports/rmas?org=%d&state=submitted", h.orgs["dexxon"].ID)), "id"); got != join(dexxon[0], dexxon[2], dexxon[3]) {
		t.Fatalf("org and state: %s", got)
	}
	today := str(h.get(ws), "reported")
	if got := ids(rows(h.keys["admin"], "/api/v1/exports/rmas?filed_from="+today+"&filed_to="+today), "id"); got != all {
		t.Fatalf("filed today: %s", got)
	}
	if recs := rows(h.keys["admin"], "/api/v1/exports/rmas?filed_to=2020-01-01"); len(recs) != 1 {
		t.Fatalf("filed before 2020: %v", recs)
	}
	if recs := rows(h.keys["admin"], "/api/v1/exports/rmas?created_from=2999-01-01"); len(recs) != 1 {
		t.Fatalf("created from 2999: %v", recs)
	}
	if got := ids(rows(h.keys["admin"], "/api/v1/exports/rmas?created_from=2000-01-01&created_to=2999-12-31"), "id"); got != all {
		t.Fatalf("created in 2000-2999: %s", got)
	}
	// Newest first, bounded above, across pages: the cursor's bound stands
	// in for the range's after the first page (store/list.go).
	newest := join(ws, other, dexxon[3], dexxon[2], dexxon[1], dexxon[0])
	if got := ids(rows(h.keys["admin"], "/api/v1/exports/rmas?order=newest&created_from=2000-01-01&created_to=2999-12-31"), "id"); got != newest {
		t.Fatalf("newest, created in 2000-2999: %s, want %s", got, newest)
	}
	if recs := rows(h.keys["admin"], "/api/v1/exports/rmas?order=newest&created_to=2000-01-01"); len(recs) != 1 {
		t.Fatalf("newest, created before 2000: %v", recs)
	}

	// Lines: the other requester's RMA has one line of two units.
	lines := rows(h.keys["agent"], "/api/v1/exports/lines", "Accept", "text/csv")
	if len(lines) != 1+6 || ids(lines, "serial") != "DX24031500123,DX24031500123,DX24031500123,DX24031500123,DX24031500123,R9-0002" ||
		ids(lines, "quantity") != "1,1,1,1,2,1" || ids(lines, "decision") != "accept,accept,accept,accept,accept,accept" || ids(lines, "last_invoiced_price") != "89.90,89.90,89.90,89.90,10.00," {
		t.Fatalf("lines: %v", lines)
	}
	charges := rows(h.keys["agent"], "/api/v1/exports/charges")
	if len(charges) != 2 || ids(charges, "rma_id") != join(ws) || ids(charges, "kind") != "no_fault_found" || ids(charges, "amount") != "97.50" ||
		ids(charges, "quantity") != "1.5" || ids(charges, "requester") != "Org webstore4" {
		t.Fatalf("charges: %v", charges)
	}
	if charges := rows(h.keys["dexxon"], "/api/v1/exports/charges"); len(charges) != 1 {
		t.Fatalf("another organisation's charges reach the requester: %v", charges)
	}

	// JSON lines, by ?format and by Accept: one object a line, keyed.
	for _, how := range [][]string{{"?format=jsonl"}, {"", "Accept", "application/x-ndjson"}} {
		r := h.do("GET", "/api/v1/exports/rmas"+how[0], h.keys["agent"], nil, how[1:]...)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("jsonl %v: %d %s", how, r.status, r.header.Get("Content-Type"))
		}
		var got []string
		sc := bufio.NewScanner(bytes.NewReader(r.body))
		for sc.Scan() {
			var row map[string]any
			if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
				t.Fatalf("jsonl %v: %v: %s", how, err, sc.Text())
			}
			got = append(got, fmt.Sprint(row["id"]))
			if row["id"] == float64(dexxon[1]) && (row["state"] != "authorized" || row["lines"] != float64(1) || row["number"] != str(authorized, "number")) {
				t.Fatalf("jsonl row: %v", row)
			}
			if row["id"] == float64(dexxon[0]) && (row["number"] != "" || row["number_expires"] != nil || row["assignee_id"] != nil) {
				t.Fatalf("an unset date or ID is null: %v", row)
			}
		}
		if strings.Join(got, ",") != all {
			t.Fatalf("jsonl %v: %v", how, got)
		}
	}

	// A bad filter: a problem naming it, no rows.
	for _, c := range []struct{ query, field string }{
		{"state=lost", "state"}, {"format=xml", "format"}, {"created_from=2026-13-01", "created_from"}, {"created_to=yesterday", "created_to"},
		{"filed_from=2026-03-01&filed_to=2026-02-01", "filed_to"}, {"org=-1", "org"}, {"policy=%00", "policy"}, {"order=sideways", "order"},
	} {
		for _, kind := range []string{"rmas", "lines", "charges"} {
			r := h.do("GET", "/api/v1/exports/"+kind+"?"+c.query, h.keys["agent"], nil)
			if r.status != http.StatusUnprocessableEntity || r.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(r.body), `"`+c.field+`"`) {
				t.Errorf("%s?%s: %d %s %s", kind, c.query, r.status, r.header.Get("Content-Type"), r.body)
			}
		}
	}

	// A requester's text that a spreadsheet would run is written after an
	// apostrophe in the CSV, and as it came in the JSON lines; a credit's
	// negative amount stays a number.
	formula := `=HYPERLINK("https://evil.example","PO")`
	sub := dexxonSubmission(1, "89.90")
	sub["reference"] = formula
	h.submit(h.keys["dexxon"], sub)
	if got := ids(rows(h.keys["dexxon"], "/api/v1/exports/rmas?order=newest"), "reference"); !strings.HasPrefix(got, "'"+formula+",") {
		t.Fatalf("CSV references, newest first: %s", got)
	}
	r := h.do("GET", "/api/v1/exports/rmas?format=jsonl&order=newest", h.keys["dexxon"], nil)
	if first, _, _ := strings.Cut(string(r.body), "\n"); !strings.Contains(first, `"reference":"=HYPERLINK(`) {
		t.Fatalf("JSON lines: %s", first)
	}
	for in, want := range map[string]string{"-12.50": "-12.50", "+31 20 123": "'+31 20 123", "-2+3": "'-2+3", "@SUM(A1)": "'@SUM(A1)",
		"\t=1": "'\t=1", "PO-42": "PO-42", "": ""} {
		if got := noFormula(in); got != want {
			t.Errorf("noFormula(%q) = %q, want %q", in, got, want)
		}
	}
}
