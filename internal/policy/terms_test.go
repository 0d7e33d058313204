package policy_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// termsPack uses every mechanic of issue 14's terms (terms.go), each in the
// plainest form, so that the table below can walk their edge days.
const termsPack = `id: terms
version: "1"
effective_from: 2020-01-01
title: Terms test pack
vendor:
  name: Terms B.V.
clauses:
  - {id: all, quote: Two years.}
  - {id: eu, quote: EU.}
  - {id: refurb, quote: Refurbished 90 days.}
  - {id: first, quote: The first 30 days.}
  - {id: model, quote: Model X 5 years.}
  - {id: serials, quote: Serials starting with LEGACY 1 year.}
  - {id: old, quote: Bought before 2024 1 year.}
  - {id: reg, quote: Registered within 30 days 10 years.}
  - {id: made, quote: Serial date.}
  - {id: repl, quote: 90 days or the remainder.}
  - {id: doa, quote: DOA within the first 14 days of delivery.}
regions:
  - {id: eu, countries: [DE, NL], clause: eu}
requesters:
  allowed: [consumer]
  clause: all
serial_date:
  pattern: '^[A-Z]{2}(?P<yy>\d{2})(?P<ww>\d{2})'
  clause: made
warranty:
  clause: all
  start:
    - {date: purchase, clause: all}
    - {date: manufactured, clause: made}
  terms:
    - {category: "*", part_numbers: ["*-RF"], days: 90, clause: refurb}
    - {category: "*", part_numbers: ["*-RF1"], days: 30, counting: including_start, clause: first}
    - {category: "*", models: [Model X], years: 5, clause: model}
    - {category: "*", serials: ["LEGACY*"], years: 1, clause: serials}
    - {category: ssd, part_numbers: ["*-EU"], regions: [eu], years: 3, clause: eu}
    - {category: hdd, purchased: {until: 2023-12-31}, years: 1, clause: old}
    - category: psu
      years: 2
      registered: {within_days: 30, after: purchase, years: 10, clause: reg}
      clause: all
    - {category: window, within: [{days: 30, after: shipped, counting: including_start}], clause: first}
    - {category: "*", years: 2, clause: all}
doa:
  within: [{days: 14, after: delivered, counting: including_start}]
  clause: doa
replacement:
  grades: [new]
  warranty: remainder_or_minimum
  minimum_days: 90
  other_model: no
  clause: repl
out_of_warranty: {route: reject, clause: all}
rma_number: {valid_days: 14, on_expiry: reissue, without_number: refused, clause: all}
resolutions:
  - {offer: [replace], chosen_by: vendor, clause: all}
`

func TestTermsDecide(t *testing.T) {
	p, err := policy.Load("terms.yaml", []byte(termsPack))
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		verdict   policy.Verdict
		last      string // the warranty's last day; "" for none
		lastBy    string
		codes     []string
		clauseOf  string // the clause the last reason cites
		windowEnd string // the DOA window's last day, when checked
	}
	cases := []struct {
		name  string
		claim string
		want  want
	}{
		// Replacement: the later of the original's last day (2025-01-09)
		// and replaced+90 (2025-05-02).
		{"replacement day 90", `"product": {"category": "ssd"}, "dates": {"purchase": "2023-01-10", "replaced": "2025-02-01", "reported": "2025-05-02"}`,
			want{verdict: policy.Accept, last: "2025-05-02", lastBy: "replacement", codes: []string{"replacement_warranty", "in_warranty"}, clauseOf: "repl"}},
		{"replacement day 91", `"product": {"category": "ssd"}, "dates": {"purchase": "2023-01-10", "replaced": "2025-02-01", "reported": "2025-05-03"}`,
			want{verdict: policy.Reject, last: "2025-05-02", lastBy: "replacement", codes: []string{"replacement_warranty", "out_of_warranty"}, clauseOf: "repl"}},
		{"replacement 45 days ago, original over", `"product": {"category": "ssd"}, "dates": {"purchase": "2022-06-01", "replaced": "2025-03-01", "reported": "2025-04-15"}`,
			want{verdict: policy.Accept, last: "2025-05-30", lastBy: "replacement", codes: []string{"replacement_warranty", "in_warranty"}, clauseOf: "repl"}},
		{"replacement: the remainder is longer, its last day in", `"product": {"category": "ssd"}, "dates": {"purchase": "2024-01-10", "replaced": "2024-03-01", "reported": "2026-01-09"}`,
			want{verdict: policy.Accept, last: "2026-01-09", lastBy: "remainder", codes: []string{"replacement_warranty", "in_warranty"}, clauseOf: "all"}},
		{"replacement: the remainder is longer, the day after", `"product": {"category": "ssd"}, "dates": {"purchase": "2024-01-10", "replaced": "2024-03-01", "reported": "2026-01-10"}`,
			want{verdict: policy.Reject, last: "2026-01-09", lastBy: "remainder", codes: []string{"replacement_warranty", "out_of_warranty"}, clauseOf: "all"}},
		{"no replacement: the original alone", `"product": {"category": "ssd"}, "dates": {"purchase": "2024-01-10", "reported": "2026-01-10"}`,
			want{verdict: policy.Reject, last: "2026-01-09", codes: []string{"out_of_warranty"}, clauseOf: "all"}},

		// Days, after the start (default): purchase+90 is the last day.
		{"90 days: day 90", `"product": {"category": "ssd", "part_number": "SSD-1T-rf"}, "dates": {"purchase": "2026-01-01", "reported": "2026-04-01"}`,
			want{verdict: policy.Accept, last: "2026-04-01", codes: []string{"in_warranty"}, clauseOf: "refurb"}},
		{"90 days: day 91", `"product": {"category": "ssd", "part_number": "SSD-1T-RF"}, "dates": {"purchase": "2026-01-01", "reported": "2026-04-02"}`,
			want{verdict: policy.Reject, last: "2026-04-01", codes: []string{"out_of_warranty"}, clauseOf: "refurb"}},
		// Days including the start: purchase is day 1, purchase+29 the last.
		{"first 30 days: day 30", `"product": {"category": "ssd", "part_number": "SSD-1T-RF1"}, "dates": {"purchase": "2026-01-01", "reported": "2026-01-30"}`,
			want{verdict: policy.Accept, last: "2026-01-30", codes: []string{"in_warranty"}, clauseOf: "first"}},
		{"first 30 days: day 31", `"product": {"category": "ssd", "part_number": "SSD-1T-RF1"}, "dates": {"purchase": "2026-01-01", "reported": "2026-01-31"}`,
			want{verdict: policy.Reject, last: "2026-01-30", codes: []string{"out_of_warranty"}, clauseOf: "first"}},
		{"window including the start: last day", `"product": {"category": "window"}, "dates": {"shipped": "2026-03-01", "reported": "2026-03-30"}`,
			want{verdict: policy.Accept, last: "2026-03-30", codes: []string{"in_warranty"}, clauseOf: "first"}},
		{"window including the start: the day after", `"product": {"category": "window"}, "dates": {"shipped": "2026-03-01", "reported": "2026-03-31"}`,
			want{verdict: policy.Reject, last: "2026-03-30", codes: []string{"outside_window"}, clauseOf: "first"}},
		{"DOA window including the start: day 14", `"product": {"category": "ssd"}, "dates": {"purchase": "2026-03-01", "delivered": "2026-03-01", "reported": "2026-03-14"}`,
			want{verdict: policy.Accept, last: "2028-02-29", codes: []string{"doa"}, clauseOf: "doa", windowEnd: "2026-03-14"}},
		{"DOA window including the start: day 15", `"product": {"category": "ssd"}, "dates": {"purchase": "2026-03-01", "delivered": "2026-03-01", "reported": "2026-03-15"}`,
			want{verdict: policy.Accept, last: "2028-02-29", codes: []string{"in_warranty"}, clauseOf: "all", windowEnd: "2026-03-14"}},

		// Selectors.
		{"model, case-insensitively", `"product": {"category": "ssd", "model": "MODEL x"}, "dates": {"purchase": "2020-01-10", "reported": "2025-01-09"}`,
			want{verdict: policy.Accept, last: "2025-01-09", codes: []string{"in_warranty"}, clauseOf: "model"}},
		{"serial pattern", `"product": {"category": "ssd", "serial": "legacy-0042"}, "dates": {"purchase": "2025-01-10", "reported": "2026-01-10"}`,
			want{verdict: policy.Reject, last: "2026-01-09", codes: []string{"out_of_warranty"}, clauseOf: "serials"}},
		{"EU suffix in the EU", `"requester": {"role": "consumer", "country": "NL"}, "product": {"category": "ssd", "part_number": "SSD-2T-EU"}, "dates": {"purchase": "2024-02-01", "reported": "2027-01-31"}`,
			want{verdict: policy.Accept, last: "2027-01-31", codes: []string{"in_warranty"}, clauseOf: "eu"}},
		{"EU suffix outside the EU", `"requester": {"role": "consumer", "country": "US"}, "product": {"category": "ssd", "part_number": "SSD-2T-EU"}, "dates": {"purchase": "2024-02-01", "reported": "2027-01-31"}`,
			want{verdict: policy.Reject, last: "2026-01-31", codes: []string{"out_of_warranty"}, clauseOf: "all"}},
		{"EU suffix, no country: asked for, not rejected", `"product": {"category": "ssd", "part_number": "SSD-2T-EU"}, "dates": {"purchase": "2024-02-01", "reported": "2027-01-31"}`,
			want{verdict: policy.NeedsInfo, last: "2026-01-31", codes: []string{"missing_country"}, clauseOf: "eu"}},
		{"EU suffix, no country, in warranty either way", `"product": {"category": "ssd", "part_number": "SSD-2T-EU"}, "dates": {"purchase": "2024-02-01", "reported": "2025-01-31"}`,
			want{verdict: policy.NeedsInfo, last: "2026-01-31", codes: []string{"missing_country", "in_warranty"}, clauseOf: "all"}},
		{"bought on the cut-over's last day", `"product": {"category": "hdd"}, "dates": {"purchase": "2023-12-31", "reported": "2024-12-31"}`,
			want{verdict: policy.Reject, last: "2024-12-30", codes: []string{"out_of_warranty"}, clauseOf: "old"}},
		{"bought the day after the cut-over", `"product": {"category": "hdd"}, "dates": {"purchase": "2024-01-01", "reported": "2024-12-31"}`,
			want{verdict: policy.Accept, last: "2025-12-31", codes: []string{"in_warranty"}, clauseOf: "all"}},

		// Registration: within 30 days after purchase.
		{"registered on day 30", `"product": {"category": "psu"}, "dates": {"purchase": "2024-03-01", "registered": "2024-03-31", "reported": "2030-01-01"}`,
			want{verdict: policy.Accept, last: "2034-02-28", lastBy: "registration", codes: []string{"registration_extended", "in_warranty"}, clauseOf: "all"}},
		{"registered on day 31", `"product": {"category": "psu"}, "dates": {"purchase": "2024-03-01", "registered": "2024-04-01", "reported": "2030-01-01"}`,
			want{verdict: policy.Reject, last: "2026-02-28", codes: []string{"registration_not_extended", "out_of_warranty"}, clauseOf: "all"}},
		{"not registered", `"product": {"category": "psu"}, "dates": {"purchase": "2024-03-01", "reported": "2025-01-01"}`,
			want{verdict: policy.Accept, last: "2026-02-28", codes: []string{"registration_not_extended", "in_warranty"}, clauseOf: "all"}},
		{"registered, no purchase date to count from", `"product": {"category": "psu", "serial": "AB2410X"}, "dates": {"registered": "2024-04-01", "reported": "2025-01-01"}`,
			want{verdict: policy.Accept, last: "2026-03-03", codes: []string{"manufactured_from_serial", "warranty_start_fallback", "registration_not_extended", "in_warranty"}, clauseOf: "all"}},
		{"registered and replaced: the registered term is the remainder", `"product": {"category": "psu"}, "dates": {"purchase": "2024-03-01", "registered": "2024-03-05", "replaced": "2029-01-01", "reported": "2030-01-01"}`,
			want{verdict: policy.Accept, last: "2034-02-28", lastBy: "remainder", codes: []string{"registration_extended", "replacement_warranty", "in_warranty"}, clauseOf: "all"}},

		// The manufacture date from the serial: week 10 of 2024 is 4 March.
		{"serial date: last day", `"product": {"category": "ssd", "serial": "AB2410X"}, "dates": {"reported": "2026-03-03"}`,
			want{verdict: policy.Accept, last: "2026-03-03", codes: []string{"manufactured_from_serial", "warranty_start_fallback", "in_warranty"}, clauseOf: "all"}},
		{"serial date: the day after", `"product": {"category": "ssd", "serial": "AB2410X"}, "dates": {"reported": "2026-03-04"}`,
			want{verdict: policy.Reject, last: "2026-03-03", codes: []string{"manufactured_from_serial", "warranty_start_fallback", "out_of_warranty"}, clauseOf: "all"}},
		{"serial date not used: purchase given", `"product": {"category": "ssd", "serial": "AB2410X"}, "dates": {"purchase": "2024-06-01", "reported": "2026-03-04"}`,
			want{verdict: policy.Accept, last: "2026-05-31", codes: []string{"in_warranty"}, clauseOf: "all"}},
		{"serial not matching: nothing derived", `"product": {"category": "ssd", "serial": "2410-AB"}, "dates": {"reported": "2026-03-04"}`,
			want{verdict: policy.NeedsInfo, codes: []string{"missing_warranty_start"}, clauseOf: "all"}},
		{"serial naming no week: nothing derived", `"product": {"category": "ssd", "serial": "AB2499"}, "dates": {"reported": "2026-03-04"}`,
			want{verdict: policy.NeedsInfo, codes: []string{"missing_warranty_start"}, clauseOf: "all"}},
		{"serial date after the claim: nothing derived", `"product": {"category": "ssd", "serial": "AB3001"}, "dates": {"reported": "2026-03-04"}`,
			want{verdict: policy.NeedsInfo, codes: []string{"missing_warranty_start"}, clauseOf: "all"}},
		{"manufactured given: the serial is not read", `"product": {"category": "ssd", "serial": "AB2410X"}, "dates": {"manufactured": "2025-01-01", "reported": "2026-03-04"}`,
			want{verdict: policy.Accept, last: "2026-12-31", codes: []string{"warranty_start_fallback", "in_warranty"}, clauseOf: "all"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			js := "{" + tc.claim + "}"
			if !strings.Contains(tc.claim, `"requester"`) {
				js = `{"requester": {"role": "consumer"}, ` + tc.claim + "}"
			}
			c, err := policy.ParseClaim([]byte(js))
			if err != nil {
				t.Fatal(err)
			}
			d := p.Evaluate(c)
			var codes []string
			for _, r := range d.Reasons {
				codes = append(codes, r.Code)
				if _, ok := p.ReasonText("nl", r); !ok {
					t.Errorf("reason %s (%s) has no Dutch", r.Code, r.Msg)
				}
			}
			if d.Verdict != tc.want.verdict || !slices.Equal(codes, tc.want.codes) {
				t.Fatalf("got %s %v, want %s %v\n%+v", d.Verdict, codes, tc.want.verdict, tc.want.codes, d.Reasons)
			}
			if got := d.Warranty.LastDay.String(); d.Warranty.LastDay.IsZero() && tc.want.last != "" || !d.Warranty.LastDay.IsZero() && got != tc.want.last {
				t.Errorf("last day %s, want %q", got, tc.want.last)
			}
			if d.Warranty.LastDayBy != tc.want.lastBy {
				t.Errorf("last_day_by %q, want %q", d.Warranty.LastDayBy, tc.want.lastBy)
			}
			if got := d.Reasons[len(d.Reasons)-1].Clause; got != tc.want.clauseOf {
				t.Errorf("the last reason cites %q, want %q", got, tc.want.clauseOf)
			}
			if tc.want.windowEnd != "" && d.Window.LastDay.String() != tc.want.windowEnd {
				t.Errorf("window's last day %s, want %s", d.Window.LastDay, tc.want.windowEnd)
			}
		})
	}
}

// TestTermsReasonTexts: what the new reasons say, in English and Dutch.
func TestTermsReasonTexts(t *testing.T) {
	p, err := policy.Load("terms.yaml", []byte(termsPack))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		claim  string
		en, nl []string
	}{
		{`"product": {"category": "ssd"}, "dates": {"purchase": "2022-06-01", "replaced": "2025-03-01", "reported": "2025-04-15"}`,
			[]string{
				"replacement unit sent 2025-03-01: 90 days from then (last day 2025-05-30) outlast the rest of the original unit's warranty (last day 2024-05-31)",
				"in warranty: 90 days from replaced 2025-03-01, last day 2025-05-30",
			}, []string{
				"vervangend apparaat verzonden op 2025-03-01: 90 dagen vanaf dan (laatste dag 2025-05-30) duren langer dan de rest van de garantie van het oorspronkelijke apparaat (laatste dag 2024-05-31)",
				"in garantie: 90 dagen vanaf de verzenddatum van het vervangende apparaat 2025-03-01, laatste dag 2025-05-30",
			}},
		{`"product": {"category": "psu"}, "dates": {"purchase": "2024-03-01", "registered": "2024-03-31", "reported": "2030-01-01"}`,
			[]string{
				"registered 2024-03-31, 30 days after purchase 2024-03-01 (within 30 days): the term is 10 years",
				"in warranty: 10 years from purchase 2024-03-01, last day 2034-02-28",
			}, []string{
				"geregistreerd op 2024-03-31, 30 dagen na de aankoopdatum 2024-03-01 (binnen 30 dagen): de garantie is 10 jaar",
				"in garantie: 10 jaar vanaf de aankoopdatum 2024-03-01, laatste dag 2034-02-28",
			}},
		{`"product": {"category": "psu"}, "dates": {"purchase": "2024-03-01", "registered": "2024-04-01", "reported": "2025-01-01"}`,
			[]string{
				"registered too late: 2024-04-01 is 31 days after purchase 2024-03-01, more than 30 days: the term is 2 years",
				"in warranty: 2 years from purchase 2024-03-01, last day 2026-02-28",
			}, []string{
				"te laat geregistreerd: 2024-04-01 is 31 dagen na de aankoopdatum 2024-03-01, meer dan 30 dagen: de garantie is 2 jaar",
				"in garantie: 2 jaar vanaf de aankoopdatum 2024-03-01, laatste dag 2026-02-28",
			}},
		{`"product": {"category": "ssd", "part_number": "X-RF1"}, "dates": {"purchase": "2026-01-01", "reported": "2026-01-31"}`,
			[]string{"out of warranty: the first 30 days from purchase 2026-01-01, last day 2026-01-30, reported 2026-01-31"},
			[]string{"buiten de garantie: de eerste 30 dagen vanaf de aankoopdatum 2026-01-01, laatste dag 2026-01-30, gemeld op 2026-01-31"}},
		{`"product": {"category": "window"}, "dates": {"shipped": "2026-03-01", "reported": "2026-03-30"}`,
			[]string{"within the window: the first 30 days from shipped 2026-03-01, last day 2026-03-30"},
			[]string{"binnen de termijn: de eerste 30 dagen vanaf de verzenddatum 2026-03-01, laatste dag 2026-03-30"}},
		{`"product": {"category": "ssd"}, "dates": {"delivered": "2026-03-01", "purchase": "2026-03-01", "reported": "2026-03-14"}`,
			[]string{"dead on arrival: reported within the first 14 days from delivered 2026-03-01 (last day 2026-03-14)"},
			[]string{"defect bij aankomst: gemeld binnen de eerste 14 dagen vanaf de leverdatum 2026-03-01 (laatste dag 2026-03-14)"}},
		{`"product": {"category": "ssd", "serial": "AB2410X"}, "dates": {"reported": "2026-03-03"}`,
			[]string{
				"the serial number AB2410X says the unit was made 2024-03-04: dates.manufactured is taken as 2024-03-04",
				"no dates.purchase: the warranty runs from dates.manufactured 2024-03-04",
				"in warranty: 2 years from manufactured 2024-03-04, last day 2026-03-03",
			}, []string{
				"volgens het serienummer AB2410X is het apparaat gemaakt op 2024-03-04: dat geldt als productiedatum",
				"geen aankoopdatum: de garantie loopt vanaf de productiedatum 2024-03-04",
				"in garantie: 2 jaar vanaf de productiedatum 2024-03-04, laatste dag 2026-03-03",
			}},
	}
	for _, tc := range cases {
		c, err := policy.ParseClaim([]byte(`{"requester": {"role": "consumer"}, ` + tc.claim + "}"))
		if err != nil {
			t.Fatal(err)
		}
		d := p.Evaluate(c)
		var en, nl []string
		for _, r := range d.Reasons {
			en = append(en, r.Text)
			s, _ := p.ReasonText("nl", r)
			nl = append(nl, s)
		}
		if !slices.Equal(en, tc.en) {
			t.Errorf("English:\n  %s\nwant\n  %s", strings.Join(en, "\n  "), strings.Join(tc.en, "\n  "))
		}
		if !slices.Equal(nl, tc.nl) {
			t.Errorf("Dutch:\n  %s\nwant\n  %s", strings.Join(nl, "\n  "), strings.Join(tc.nl, "\n  "))
		}
	}
}

// TestExamplePacksInDutch: every reason the example packs' claims get can
// be said in Dutch, and not as the English.
func TestExamplePacksInDutch(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", "policies", "componentco.yaml"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		p, err := policy.Load(filepath.Base(file), data)
		if err != nil {
			t.Fatal(err)
		}
		claims, _ := filepath.Glob(filepath.Join(strings.TrimSuffix(file, ".yaml"), "*.claim.json"))
		for _, cf := range claims {
			raw, err := os.ReadFile(cf)
			if err != nil {
				t.Fatal(err)
			}
			c, err := policy.ParseClaim(raw)
			if err != nil {
				t.Fatal(err)
			}
			d := p.Evaluate(c)
			for _, r := range d.Reasons {
				if r.Msg == "" {
					continue // the pack's own text, which this example pack does not translate
				}
				s, ok := p.ReasonText("nl", r)
				if !ok || s == r.Text {
					t.Errorf("%s: reason %s (%s) not in Dutch: %q", filepath.Base(cf), r.Code, r.Msg, s)
				}
			}
		}
	}
}

func TestGlob(t *testing.T) {
	cases := []struct {
		glob, s string
		want    bool
	}{
		{"*-EU", "CS-S2-1T-EU", true},
		{"*-EU", "cs-s2-1t-eu", true},
		{"*-EU", "CS-S2-1T-EU2", false},
		{"*-EU", "-EU", true},
		{"WDS*", "WDS100T2B0A", true},
		{"WDS*", "XWDS1", false},
		{"W?S*", "WXS1", true},
		{"W?S*", "WS1", false},
		{"*-*-EU", "A-B-EU", true},
		{"*-*-EU", "AB-EU", false},
		{"A*B*C", "AxxBxxBxxC", true},
		{"A*B*C", "AxxBxxBxxCx", false},
		{"*", "", true},
		{"exact", "EXACT", true},
		{"exact", "exactly", false},
	}
	for _, tc := range cases {
		if got := policy.Glob(tc.glob).Match(tc.s); got != tc.want {
			t.Errorf("Glob(%q).Match(%q) = %v, want %v", tc.glob, tc.s, got, tc.want)
		}
	}
}

func TestSerialDate(t *testing.T) {
	load := func(pattern string) *policy.SerialDate {
		src := strings.Replace(termsPack, `'^[A-Z]{2}(?P<yy>\d{2})(?P<ww>\d{2})'`, "'"+pattern+"'", 1)
		p, err := policy.Load("terms.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return p.SerialDate
	}
	cases := []struct {
		pattern, serial, want string // want "" for nothing derived
	}{
		{`^[A-Z]{2}(?P<yy>\d{2})(?P<ww>\d{2})`, "CC2312A", "2023-03-20"},
		{`^[A-Z]{2}(?P<yy>\d{2})(?P<ww>\d{2})`, "CC2401A", "2024-01-01"},
		{`^[A-Z]{2}(?P<yy>\d{2})(?P<ww>\d{2})`, "CC2501A", "2024-12-30"}, // ISO week 1 of 2025 starts in 2024
		{`^[A-Z]{2}(?P<yy>\d{2})(?P<ww>\d{2})`, "CC2053A", "2020-12-28"}, // 2020 has 53 weeks
		{`^[A-Z]{2}(?P<yy>\d{2})(?P<ww>\d{2})`, "CC2153A", ""},           // 2021 has 52
		{`^[A-Z]{2}(?P<yy>\d{2})(?P<ww>\d{2})`, "CC2300A", ""},
		{`^[A-Z]{2}(?P<yy>\d{2})(?P<ww>\d{2})`, "C2312A", ""},
		{`^SN(?P<yyyy>\d{4})(?P<mm>\d{2})`, "SN202402-77", "2024-02-01"},
		{`^SN(?P<yyyy>\d{4})(?P<mm>\d{2})`, "SN202413-77", ""},
		{`(?P<mm>\d{2})/(?P<yy>\d{2})$`, "X-11/24", "2024-11-01"},
	}
	for _, tc := range cases {
		got, ok := load(tc.pattern).Derive(tc.serial)
		if s := got.String(); ok && s != tc.want || !ok && tc.want != "" {
			t.Errorf("%s on %s = %s %v, want %q", tc.pattern, tc.serial, got, ok, tc.want)
		}
	}
}

// TestTermsLoadErrors: each mistake in issue 14's fields is told with its
// path and line (the minimal policy's terms start on line 20).
func TestTermsLoadErrors(t *testing.T) {
	term := func(yaml string) [2]string {
		return [2]string{"  terms:\n", "  terms:\n" + yaml}
	}
	cases := []struct {
		name    string
		replace [2]string
		append  string
		want    string
	}{
		{name: "days and years", replace: term("    - {category: ssd, years: 1, days: 90, clause: all}\n"),
			want: `p.yaml:21:39: warranty.terms[0].days: a term is either days or years/months, not both`},
		{name: "negative days", replace: term("    - {category: ssd, days: -90, clause: all}\n"),
			want: `p.yaml:21:8: warranty.terms[0].years: a length cannot be negative`},
		{name: "zero length", replace: term("    - {category: ssd, days: 0, counting: including_start, clause: all}\n"),
			want: `p.yaml:21:8: warranty.terms[0].years: a covered term needs a positive length`},
		{name: "unknown counting", replace: term("    - {category: ssd, days: 30, counting: inclusive, clause: all}\n"),
			want: `p.yaml:21:43: warranty.terms[0].counting: must be after_start (the start is day 0) or including_start`},
		{name: "counting on years", replace: term("    - category: ssd\n      years: 1\n      counting: including_start\n      clause: all\n"),
			want: `p.yaml:23:17: warranty.terms[0].counting: only a length in days says how it counts`},
		{name: "window counting", replace: term("    - category: ssd\n      within: [{days: 30, after: shipped, counting: first}]\n      clause: all\n"),
			want: `p.yaml:22:53: warranty.terms[0].within[0].counting: must be after_start`},
		{name: "blank model", replace: term("    - category: ssd\n      models: [\"  \"]\n      years: 3\n      clause: all\n"),
			want: `p.yaml:22:16: warranty.terms[0].models[0]: required: a model name`},
		{name: "bad part number pattern", replace: term("    - category: ssd\n      part_numbers: ['^WDS.*$']\n      years: 3\n      clause: all\n"),
			want: `p.yaml:22:22: warranty.terms[0].part_numbers[0]: bad pattern "^WDS.*$"`},
		{name: "bad serial pattern", replace: term("    - category: ssd\n      serials: ['AB 12*']\n      years: 3\n      clause: all\n"),
			want: `p.yaml:22:17: warranty.terms[0].serials[0]: bad pattern "AB 12*"`},
		{name: "unknown region", replace: term("    - category: ssd\n      regions: [eu]\n      years: 3\n      clause: all\n"),
			want: `p.yaml:22:17: warranty.terms[0].regions[0]: unknown region "eu"`},
		{name: "from after until", replace: term("    - category: ssd\n      purchased: {from: 2024-01-01, until: 2023-12-31}\n      years: 3\n      clause: all\n"),
			want: `p.yaml:22:44: warranty.terms[0].purchased.until: 2023-12-31 is before from: 2024-01-01`},
		{name: "empty range", replace: term("    - category: ssd\n      purchased: {date: invoice}\n      years: 3\n      clause: all\n"),
			want: `p.yaml:22:19: warranty.terms[0].purchased: give from:, until: or both`},
		{name: "range on the claim's day", replace: term("    - category: ssd\n      purchased: {date: reported, from: 2024-01-01}\n      years: 3\n      clause: all\n"),
			want: `p.yaml:22:25: warranty.terms[0].purchased.date: must be one of purchase`},
		{name: "selector on the default term", replace: [2]string{`    - category: "*"` + "\n", `    - category: "*"` + "\n      models: [X]\n"},
			want: `p.yaml:21:7: warranty.terms[0]: the last term must be the default for any category and part (category: "*", no part, no other selector)`},
		{name: "registration without days", replace: term("    - category: psu\n      years: 2\n      registered: {after: purchase, years: 10, clause: all}\n      clause: all\n"),
			want: `p.yaml:23:20: warranty.terms[0].registered.within_days: required`},
		{name: "registration on a window", replace: term("    - category: psu\n      within: [{days: 30, after: shipped}]\n      registered: {within_days: 30, years: 10, clause: all}\n      clause: all\n"),
			want: `p.yaml:23:20: warranty.terms[0].registered: only a covered term with a length`},
		{name: "registration without a length", replace: term("    - category: psu\n      years: 2\n      registered: {within_days: 30, clause: all}\n      clause: all\n"),
			want: `p.yaml:23:20: warranty.terms[0].registered.years: a covered term needs a positive length`},
		{name: "registration after an unknown date", replace: term("    - category: psu\n      years: 2\n      registered: {within_days: 30, after: registered, years: 10, clause: all}\n      clause: all\n"),
			want: `p.yaml:23:44: warranty.terms[0].registered.after: must be one of purchase`},
		{name: "registration without a clause", replace: term("    - category: psu\n      years: 2\n      registered: {within_days: 30, years: 10}\n      clause: all\n"),
			want: `p.yaml:23:20: warranty.terms[0].registered.clause: required`},
		{name: "serial date that does not compile", append: "serial_date:\n  pattern: '^(?P<yy>\\d{2}'\n  clause: all\n",
			want: `p.yaml:37:12: serial_date.pattern: error parsing regexp`},
		{name: "serial date without a year", append: "serial_date:\n  pattern: '^(?P<ww>\\d{2})'\n  clause: all\n",
			want: `p.yaml:37:12: serial_date.pattern: needs a named group for the year`},
		{name: "serial date without week or month", append: "serial_date:\n  pattern: '^(?P<yy>\\d{2})'\n  clause: all\n",
			want: `p.yaml:37:12: serial_date.pattern: needs a named group for the week`},
		{name: "serial date nobody reads", append: "serial_date:\n  pattern: '^(?P<yy>\\d{2})(?P<ww>\\d{2})'\n  clause: all\n",
			want: `p.yaml:37:3: serial_date: no rule reads dates.manufactured`},
		{name: "replacement without its days", append: "replacement:\n  grades: [new]\n  warranty: remainder_or_minimum\n  other_model: no\n  clause: all\n",
			want: `p.yaml:37:3: replacement.minimum_days: required with remainder_or_minimum`},
		{name: "replacement days without remainder_or_minimum", append: "replacement:\n  grades: [new]\n  warranty: fresh\n  minimum_days: 90\n  other_model: no\n  clause: all\n",
			want: `p.yaml:39:17: replacement.minimum_days: only with warranty: remainder_or_minimum`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := minimalPolicy(t)
			if tc.replace[0] != "" {
				if !strings.Contains(src, tc.replace[0]) {
					t.Fatalf("test is stale: %q not in minimal.yaml", tc.replace[0])
				}
				src = strings.Replace(src, tc.replace[0], tc.replace[1], 1)
			}
			src += tc.append
			_, err := policy.Load("p.yaml", []byte(src))
			var le *policy.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a *LoadError", err)
			}
			if got := le.Issues[0].String(); !strings.HasPrefix(got, tc.want) {
				t.Fatalf("first issue:\n  %s\nwant prefix:\n  %s\n(all: %v)", got, tc.want, le.Issues)
			}
		})
	}
}

// TestClaimTermsFields: the claim's new fields decode, are checked against
// the claim's day, and are written back.
func TestClaimTermsFields(t *testing.T) {
	c, err := policy.ParseClaim([]byte(`{"requester": {"role": "consumer"}, "product": {"category": "ssd", "part_number": "CS-1-EU"},
		"dates": {"purchase": "2024-01-01", "registered": "2024-01-05", "replaced": "2025-01-01", "reported": "2025-02-01"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Product.PartNumber != "CS-1-EU" || c.Dates.Registered != calendar.MustParseDate("2024-01-05") || c.Dates.Replaced != calendar.MustParseDate("2025-01-01") {
		t.Fatalf("decoded %+v", c)
	}
	js, err := c.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"part_number":"CS-1-EU"`, `"registered":"2024-01-05"`, `"replaced":"2025-01-01"`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("%s lacks %s", js, want)
		}
	}
	for field, js := range map[string]string{
		"dates.registered": `{"requester": {"role": "consumer"}, "product": {"category": "ssd"}, "dates": {"registered": "2025-03-01", "reported": "2025-02-01"}}`,
		"dates.replaced":   `{"requester": {"role": "consumer"}, "product": {"category": "ssd"}, "dates": {"replaced": "2025-03-01", "reported": "2025-02-01"}}`,
	} {
		_, err := policy.ParseClaim([]byte(js))
		var fe *policy.FieldError
		if !errors.As(err, &fe) || fe.Field != field || !strings.Contains(fe.Msg, "after dates.reported") {
			t.Errorf("%s after reported: got %v", field, err)
		}
	}
}
