package policy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// Issue 16: the desk's records (its serial registry) on a claim, as the
// seed packs read them. A claim without "records" decides as before (the
// packs' own tables); these cases give them.

func TestPixfraRecords(t *testing.T) {
	const docs = `"documents": ["purchase_receipt", "shipping_document", "label_photo", "appearance_photo"`
	claim := func(dates, extraDocs, records string) string {
		return `{"requester": {"role": "distributor", "country": "DE"}, "product": {"category": "thermal-camera", "serial": "PX-1"}, "dates": {` +
			dates + `}, ` + docs + extraDocs + `], "records": ` + records + `}`
	}
	runDecisionCases(t, "pixfra", []decisionCase{
		{name: "no invoice: the term runs from the desk's record of the delivery from manufacturing",
			claim:   claim(`"reported": "2026-01-09"`, "", `{"known": true, "dates": {"delivered": "2023-01-10"}}`),
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_records", "in_warranty"}, basis: "delivered", lastDay: "2026-01-09"},
		{name: "the recorded delivery: the day after the last day is out",
			claim:   claim(`"reported": "2026-01-10"`, "", `{"known": true, "dates": {"delivered": "2023-01-10"}}`),
			verdict: "reject", route: "none", codes: []string{"warranty_start_records", "out_of_warranty"}, lastDay: "2026-01-09"},
		{name: "an invoice without its paper gives way to the recorded delivery",
			claim:   claim(`"invoice": "2023-06-01", "reported": "2026-01-09"`, "", `{"known": true, "dates": {"delivered": "2023-01-10"}}`),
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_records", "in_warranty"}, basis: "delivered"},
		{name: "the desk's record of Pixfra's invoice comes first",
			claim:   claim(`"reported": "2025-06-01"`, "", `{"known": true, "dates": {"invoice": "2023-05-28", "delivered": "2023-01-10"}, "invoice_no": "PX-INV-7"}`),
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_records", "in_warranty"}, basis: "invoice", lastDay: "2026-05-27"},
		{name: "a recorded invoice that differs from the distributor's is noted",
			claim:   claim(`"invoice": "2023-06-01", "reported": "2025-06-01"`, `, "vendor_invoice"`, `{"known": true, "dates": {"invoice": "2023-05-28"}}`),
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_records", "in_warranty", "dates_differ"}, basis: "invoice"},
		{name: "a serial the records do not know: the distributor's papers, and a note",
			claim:   claim(`"invoice": "2023-06-01", "reported": "2025-06-01"`, `, "vendor_invoice"`, `{}`),
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_fallback", "in_warranty", "unknown_serial"}, basis: "invoice"},
		{name: "unknown to the records and no date: the records are named among the starts",
			claim:   claim(`"reported": "2025-06-01"`, "", `{}`),
			verdict: "needs_info", route: "warranty", codes: []string{"missing_warranty_start", "unknown_serial"}, missing: []string{"vendor_invoice"}},
		{name: "sold to another distributor: a person decides",
			claim:   claim(`"reported": "2025-06-01"`, "", `{"known": true, "dates": {"delivered": "2023-01-10"}, "sold_to_other": true}`),
			verdict: "review", route: "warranty", codes: []string{"warranty_start_records", "in_warranty", "sold_to_other"}},
		{name: "claimed again within 90 days: a person decides",
			claim:   claim(`"reported": "2025-06-01"`, "", `{"known": true, "dates": {"delivered": "2023-01-10"}, "last_claim": "2025-03-03", "last_claim_rma": "RMA-25-00012-X"}`),
			verdict: "review", route: "warranty", codes: []string{"warranty_start_records", "in_warranty", "claimed_again"}},
		{name: "claimed 91 days before: not again",
			claim:   claim(`"reported": "2025-06-01"`, "", `{"known": true, "dates": {"delivered": "2023-01-10"}, "last_claim": "2025-03-02", "last_claim_rma": "RMA-25-00012-X"}`),
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_records", "in_warranty"}},
		{name: "a replacement the desk sent carries its warranty end",
			claim:   claim(`"reported": "2026-02-10"`, "", `{"known": true, "dates": {"delivered": "2025-03-01"}, "replaces": "PX-0", "replaced": "2025-03-01", "warranty_end": "2026-02-10"}`),
			verdict: "accept", route: "warranty", codes: []string{"records_warranty_end", "in_warranty"}, basis: "replaced", lastDay: "2026-02-10"},
		{name: "a replacement the day after its carried end is out",
			claim:   claim(`"reported": "2026-02-11"`, "", `{"known": true, "replaces": "PX-0", "replaced": "2025-03-01", "warranty_end": "2026-02-10"}`),
			verdict: "reject", route: "none", codes: []string{"records_warranty_end", "out_of_warranty"}, lastDay: "2026-02-10"},
	})
}

func TestDexxonRecords(t *testing.T) {
	claim := func(dates, records string) string {
		return `{"requester": {"role": "partner", "country": "NL"}, "product": {"category": "ssd", "serial": "DX-9"}, "dates": {` + dates + `}, "records": ` + records + `}`
	}
	runDecisionCases(t, "dexxon", []decisionCase{
		{name: "no receipt: Dexxon's own sale as the desk's records keep it",
			claim:   claim(`"reported": "2026-03-14"`, `{"known": true, "dates": {"invoice": "2024-03-15"}}`),
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_records", "in_warranty"}, basis: "invoice", lastDay: "2026-03-14"},
		{name: "sold to another partner: a person decides",
			claim:   claim(`"reported": "2025-06-01"`, `{"known": true, "dates": {"invoice": "2024-03-15"}, "sold_to_other": true}`),
			verdict: "review", route: "warranty", codes: []string{"warranty_start_records", "in_warranty", "sold_to_other"}},
		{name: "claimed again in another RMA within 90 days",
			claim:   claim(`"reported": "2025-06-01"`, `{"known": true, "dates": {"invoice": "2024-03-15"}, "last_claim": "2025-05-01", "last_claim_rma": "RMA-25-00001-A"}`),
			verdict: "review", route: "warranty", codes: []string{"warranty_start_records", "in_warranty", "claimed_again"}},
		{name: "unknown to the records: the partner's invoice date, and a note",
			claim:   claim(`"invoice": "2024-03-15", "reported": "2025-06-01"`, `{}`),
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_fallback", "in_warranty", "unknown_serial"}, basis: "invoice"},
	})
}

func TestRecordsExplained(t *testing.T) {
	p := pack(t, "pixfra")
	c, err := policy.ParseClaim([]byte(`{"requester": {"role": "distributor", "country": "DE"}, "product": {"category": "thermal-camera", "serial": "PX-1"},
		"dates": {"invoice": "2023-06-01", "manufactured": "2023-01-10", "reported": "2026-01-09"}, "records": {"known": true}}`))
	if err != nil {
		t.Fatal(err)
	}
	d := p.Evaluate(c)
	if d.Warranty.Basis != policy.DateManufactured || d.Warranty.Source != "" {
		t.Fatalf("warranty %+v, want from the claim's manufactured", d.Warranty)
	}
	want := "no invoice in the desk's records, dates.invoice without vendor_invoice, no delivered in the desk's records: the warranty runs from dates.manufactured 2023-01-10"
	if got := d.Reasons[0].Text; got != want {
		t.Errorf("fallback:\n got %s\nwant %s", got, want)
	}
	nl, _ := p.ReasonText("nl", d.Reasons[0])
	if !strings.Contains(nl, "geen leverdatum in de gegevens van de desk") {
		t.Errorf("Dutch fallback %q does not name the desk's records", nl)
	}

	// The same claim without records: the records' entries are not
	// mentioned, as before the registry (the seed table's case).
	c.Records = nil
	d = p.Evaluate(c)
	if got, want := d.Reasons[0].Text, "dates.invoice without vendor_invoice: the warranty runs from dates.manufactured 2023-01-10"; got != want {
		t.Errorf("without records:\n got %s\nwant %s", got, want)
	}

	// From the records: the reason cites the start's clause and says so.
	c.Records = &policy.Records{Known: true}
	c.Records.Dates.Delivered = c.Dates.Manufactured
	c.Dates.Invoice, c.Dates.Manufactured = 0, 0
	d = p.Evaluate(c)
	r := d.Reasons[0]
	if r.Code != policy.CodeWarrantyFromRecords || r.Clause != "warranty-start" || d.Warranty.Source != policy.SourceRecords ||
		r.Text != "no invoice in the desk's records, no dates.invoice: the warranty runs from the desk's records: delivered 2023-01-10 for serial PX-1" {
		t.Errorf("records start: %+v, warranty %+v", r, d.Warranty)
	}
	out, err := json.Marshal(d)
	if err != nil || !strings.Contains(string(out), `"source":"records"`) {
		t.Errorf("decision JSON %s (%v) lacks the source", out, err)
	}
}

func TestRecordsInClaimJSON(t *testing.T) {
	in := `{"requester": {"role": "distributor"}, "product": {"category": "x", "serial": "S1"}, "dates": {"reported": "2026-01-09"},
		"records": {"known": true, "dates": {"delivered": "2023-01-10", "invoice": "2023-01-05"}, "invoice_no": "INV-1", "sold_to_other": true,
		"last_claim": "2025-12-01", "last_claim_rma": "RMA-1", "replaces": "S0", "replaced": "2025-01-01", "warranty_end": "2027-01-01"}}`
	c, err := policy.ParseClaim([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := policy.ParseClaim(out)
	if err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	if *back.Records != *c.Records || c.Records.Dates.Delivered.String() != "2023-01-10" || c.Records.WarrantyEnd.String() != "2027-01-01" {
		t.Errorf("round trip: %+v, want %+v", back.Records, c.Records)
	}

	bad := []struct{ claim, field string }{
		{`"records": {"dates": {"purchase": "2020-01-01"}}`, "records.dates.purchase"},
		{`"records": {"dates": {"delivered": "2020-13-01"}}`, "records.dates.delivered"},
		{`"records": {"dates": {"delivered": "2027-01-01"}}`, "records.dates.delivered"},
		{`"records": {"last_claim": "2027-01-01"}`, "records.last_claim"},
		{`"records": {"warranty_end": "2027-01-01"}`, "records.warranty_end"},
		{`"records": {"replaces": "S0", "warranty_end": "2027-01-01"}`, "records.warranty_end"},
		{`"records": {"replaces": "` + strings.Repeat("x", 201) + `"}`, "records.replaces"},
	}
	for _, b := range bad {
		_, err := policy.ParseClaim([]byte(`{"requester": {"role": "distributor"}, "product": {"category": "x"}, "dates": {"reported": "2026-01-09"}, ` + b.claim + `}`))
		var fe *policy.FieldError
		if !asFieldError(err, &fe) || fe.Field != b.field {
			t.Errorf("%s: error %v, want one on %s", b.claim, err, b.field)
		}
	}
}

func asFieldError(err error, fe **policy.FieldError) bool {
	e, ok := err.(*policy.FieldError)
	if ok {
		*fe = e
	}
	return ok
}

func TestRecordsLoaderRefuses(t *testing.T) {
	base := func(start, records string) string {
		return `id: t
version: "1"
effective_from: 2020-01-01
title: T
vendor: {name: V}
clauses:
  - {id: c, section: S, quote: Q}
requesters: {allowed: [distributor], clause: c}
warranty:
  clause: c
  start:
` + start + `
  terms:
    - {category: "*", years: 1, clause: c}
out_of_warranty: {route: reject, clause: c}
rma_number: {valid_days: 30, on_expiry: reissue, without_number: refused, clause: c}
resolutions:
  - {offer: [repair], chosen_by: vendor, clause: c}
` + records
	}
	cases := []struct{ name, start, records, path string }{
		{"an unknown source", `    - {date: invoice, source: erp, clause: c}`, "", "warranty.start[0].source"},
		{"a date the records do not keep", `    - {date: purchase, source: records, clause: c}`, "", "warranty.start[0].date"},
		{"evidence for the desk's own records", `    - {date: invoice, source: records, evidence: vendor_invoice, clause: c}`, "", "warranty.start[0].evidence"},
		{"an unknown check", `    - {date: invoice, clause: c}`, "records:\n  - {check: stolen, effect: review, clause: c}\n", "records[0].check"},
		{"an unknown effect", `    - {date: invoice, clause: c}`, "records:\n  - {check: sold_to_other, effect: void, clause: c}\n", "records[0].effect"},
		{"claimed again without days", `    - {date: invoice, clause: c}`, "records:\n  - {check: claimed_again, effect: review, clause: c}\n", "records[0].within_days"},
		{"days on another check", `    - {date: invoice, clause: c}`, "records:\n  - {check: unknown_serial, within_days: 3, effect: note, clause: c}\n", "records[0].within_days"},
		{"a check twice", `    - {date: invoice, clause: c}`, "records:\n  - {check: unknown_serial, effect: note, clause: c}\n  - {check: unknown_serial, effect: review, clause: c}\n", "records[1].check"},
		{"no clause", `    - {date: invoice, clause: c}`, "records:\n  - {check: unknown_serial, effect: note}\n", "records[0].clause"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := policy.Load("t.yaml", []byte(base(tc.start, tc.records)))
			if err == nil || !strings.Contains(err.Error(), tc.path+":") {
				t.Errorf("error %v, want one at %s", err, tc.path)
			}
		})
	}
	p, err := policy.Load("t.yaml", []byte(base(`    - {date: delivered, source: records, clause: c}`, "records:\n  - {check: claimed_again, within_days: 30, effect: reject, clause: c}\n")))
	if err != nil {
		t.Fatal(err)
	}
	if !p.ReadsRecords() || !p.Warranty.Start[0].Records || len(p.ClaimDates()) != 0 {
		t.Errorf("reads records %v, start %+v, claim dates %v: a records start is not asked of the requester", p.ReadsRecords(), p.Warranty.Start[0], p.ClaimDates())
	}
}
