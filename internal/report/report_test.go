package report

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

func TestParseMonth(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"2026-03", "2026-03", true},
		{"1999-12", "1999-12", true},
		{"2026-13", "", false},
		{"2026-00", "", false},
		{"2026-3", "", false},
		{"2026-03-01", "", false},
		{"0999-01", "", false},
		{"2026/03", "", false},
		{"２０２６-03", "", false},
		{"", "", false},
	} {
		m, err := ParseMonth(tc.in)
		if (err == nil) != tc.ok || (tc.ok && m.String() != tc.want) {
			t.Errorf("ParseMonth(%q) = %s, %v", tc.in, m, err)
		}
	}
	m := MonthOf(2024, time.February)
	if m.First().String() != "2024-02-01" || m.Last().String() != "2024-02-29" || (m+11).String() != "2025-01" {
		t.Errorf("February 2024: %s to %s, +11 %s", m.First(), m.Last(), m+11)
	}
	if MonthOfDate(0) != 0 || MonthOfTime(time.Time{}) != 0 || Month(0).String() != "" {
		t.Error("the zero month")
	}
}

// TestBuckets: the edges rise, each duration falls in the bucket whose
// edges hold it, and a percentile is interpolated inside its bucket.
func TestBuckets(t *testing.T) {
	for i := 1; i < Buckets(); i++ {
		lo, hi := BucketBounds(i - 1)
		if hi <= lo || BucketOf(lo) != i-1 || BucketOf(hi-1) != i-1 || BucketOf(hi) != i {
			t.Fatalf("bucket %d: [%d, %d)", i-1, lo, hi)
		}
	}
	if lo, hi := BucketBounds(Buckets() - 1); hi != -1 || lo != 365*24*hour || BucketOf(10*365*24*hour) != Buckets()-1 {
		t.Fatalf("the last bucket [%d, %d)", lo, hi)
	}
	if BucketOf(-5) != 0 {
		t.Fatal("a negative duration is not in the first bucket")
	}
	h := newHistogram()
	if _, _, ok := h.Percentile(0.5); ok {
		t.Fatal("a percentile of nothing")
	}
	// Four units of 25 hours (bucket 24-30 h) and one of 400 days.
	h.add(BucketOf(25*hour), 4, 4*25*hour)
	h.add(BucketOf(400*24*hour), 1, 400*24*hour)
	for _, tc := range []struct {
		p    float64
		want float64 // hours
	}{
		{0.5, 24 + 6*2.5/4}, // rank 2.5 of 4 in [24, 30)
		{0.8, 30},           // rank 4: the bucket's end
		{0.9, 8760},         // the last bucket: its lower edge
	} {
		got, _, ok := h.Percentile(tc.p)
		if !ok || fmt.Sprintf("%.4f", got/hour) != fmt.Sprintf("%.4f", tc.want) {
			t.Errorf("p%.0f = %.4f h, want %.4f", tc.p*100, got/hour, tc.want)
		}
	}
	if mean, _ := h.Mean(); mean != float64(4*25*hour+400*24*hour)/5 {
		t.Errorf("mean %f", mean)
	}
}

func TestParseFilter(t *testing.T) {
	today := calendar.MustParseDate("2026-03-10")
	for _, tc := range []struct {
		query string
		want  string // the filter's values, or "field: ..." for a refusal
	}{
		{"", "from=2025-04&to=2026-03"},
		{"to=2025-12", "from=2025-01&to=2025-12"},
		{"from=2026-01", "from=2026-01&to=2026-03"},
		{"from=2026-01&to=2026-01&policy=dexxon&requester=7&model=DX-1&supplier=9",
			"from=2026-01&model=DX-1&policy=dexxon&requester=7&supplier=9&to=2026-01"},
		{"from=+2026-01+&model=+DX-1+", "from=2026-01&model=DX-1&to=2026-03"},
		{"from=2026-02&to=2026-01", "from"},
		{"from=2016-03&to=2026-03", "to"},
		{"from=2026-13", "from"},
		{"from=2026-03-01", "from"},
		{"to=march", "to"},
		{"requester=0", "requester"},
		{"requester=-4", "requester"},
		{"requester=x", "requester"},
		{"supplier=99999999999999999999", "supplier"},
		{"model=a%00b", "model"},
		{"model=%FF", "model"},
		{"model=" + strings.Repeat("m", 201), "model"},
		{"policy=" + strings.Repeat("p", 101), "policy"},
		{"from=2026-01&from=2026-02", "from"},
	} {
		v, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		f, err := ParseFilter(v, today)
		got := ""
		if err != nil {
			e, ok := err.(*rma.Error)
			if !ok || e.Code != rma.EINVALID {
				t.Errorf("%q: %v is not an invalid field", tc.query, err)
				continue
			}
			got = e.Field
		} else {
			got = f.Values().Encode()
		}
		if got != tc.want {
			t.Errorf("%q: %s, want %s", tc.query, got, tc.want)
		}
	}
}

// TestUpdate: what an RMA counts, step by step, and the difference each
// step adds; a line sent to a supplier takes what it counted with it.
func TestUpdate(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	r := &rma.RMA{ID: 1, OrgID: 7, PolicyID: "p", State: rma.Submitted, Reported: calendar.MustParseDate("2026-01-30"), Created: at("2026-01-30 10:00"),
		Lines: []rma.Line{
			{No: 1, Quantity: 2, Claim: policy.Claim{Product: policy.Product{Model: "M", Serial: "S1"}, Conditions: policy.ConditionSet(0).With(policy.Opened)},
				Decision:          policy.Decision{Route: policy.RouteDOA, Reasons: []policy.Reason{{Code: "doa"}, {Code: "doa"}, {Code: "in_warranty"}}},
				LastInvoicedPrice: rma.Money{Cents: 1000, Currency: "EUR"}},
			{No: 2, Quantity: 1, Claim: policy.Claim{Product: policy.Product{Model: "N", Serial: "S2"}}, Rejected: true},
		},
		Deadlines: []rma.Deadline{{Name: "answer", Due: calendar.MustParseDate("2026-02-03")}},
	}
	seen := func(serial string) (int, error) {
		if serial == "S2" {
			return 1, nil // returned once before
		}
		return 0, nil
	}
	rec, cells, err := Update(nil, Change{RMA: r, Events: []Event{{At: r.Created, Action: "submit", To: rma.Submitted}}, Seen: seen})
	if err != nil {
		t.Fatal(err)
	}
	wantCells(t, "filed", cells,
		"2026-01 p 7/0 M filed  2 0",
		"2026-01 p 7/0 N filed  1 0",
		"2026-01 p 7/0 M doa  2 0",
		"2026-01 p 7/0 M reason doa 2 0",
		"2026-01 p 7/0 M reason in_warranty 2 0",
		"2026-01 p 7/0 M condition declared:opened 2 0",
		"2026-01 p 7/0 N repeat S2 1 0",
		"2026-02 p 7/0 M deadline answer/open:2026-02-03 1 0")

	// Authorized, received and found defective in February; at the
	// supplier: everything line 1 counted moves under supplier 9.
	r.State = rma.AtSupplier
	r.Lines[0].Finding = rma.DefectConfirmed
	r.Deadlines[0].Met = at("2026-02-04 09:00")
	r.Supplier = []rma.SupplierLine{{SupplierRMAID: 3, SupplierID: 9, LineNo: 1}}
	r.Charges = []rma.Charge{{LineNo: 0, Kind: "transport", Amount: rma.Money{Cents: 500, Currency: "EUR"}, Created: at("2026-02-05 09:00")}}
	rec, cells, err = Update(rec, Change{RMA: r, Events: []Event{
		{At: at("2026-01-31 10:00"), Action: "authorize", From: rma.Submitted, To: rma.Authorized},
		{At: at("2026-02-02 10:00"), Action: "receive", From: rma.Authorized, To: rma.Received},
		{At: at("2026-02-02 10:30"), Action: "start_evaluation", From: rma.Received, To: rma.InEvaluation},
		{At: at("2026-02-03 10:30"), Action: "evaluate", From: rma.InEvaluation, To: rma.InEvaluation},
		{At: at("2026-02-03 11:30"), Action: "forward_to_supplier", From: rma.InEvaluation, To: rma.AtSupplier},
	}, Seen: seen})
	if err != nil {
		t.Fatal(err)
	}
	wantCells(t, "to the supplier", cells,
		"2026-01 p 7/0 M filed  -2 0", "2026-01 p 7/9 M filed  2 0",
		"2026-01 p 7/0 M doa  -2 0", "2026-01 p 7/9 M doa  2 0",
		"2026-01 p 7/0 M reason doa -2 0", "2026-01 p 7/9 M reason doa 2 0",
		"2026-01 p 7/0 M reason in_warranty -2 0", "2026-01 p 7/9 M reason in_warranty 2 0",
		"2026-01 p 7/0 M condition declared:opened -2 0", "2026-01 p 7/9 M condition declared:opened 2 0",
		"2026-02 p 7/0 M deadline answer/open:2026-02-03 -1 0", "2026-02 p 7/9 M deadline answer/late 1 0",
		// The rejected line takes no part in stays; line 1's are under
		// the supplier, the months they ended in.
		"2026-01 p 7/9 M stay submitted/12 2 172800",
		"2026-02 p 7/9 M stay authorized/16 2 345600",
		"2026-02 p 7/9 M stay received/00 2 3600",
		"2026-02 p 7/9 M stay in_evaluation/12 2 180000",
		"2026-02 p 7/9 M finding defect_confirmed 2 0",
		"2026-02 p 7/9 M money charge/EUR 0 500")
	if rec.State != string(rma.AtSupplier) || rec.Since != at("2026-02-03 11:30").Unix() {
		t.Fatalf("state %s since %d", rec.State, rec.Since)
	}

	// The record reads back, and a replay of the whole history at once
	// counts what the steps counted.
	b, err := rec.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	_, none, err := Update(back, Change{RMA: r, Seen: seen})
	if err != nil || len(none) != 0 {
		t.Fatalf("saving again without a step adds %v, %v", none, err)
	}
}

// wantCells compares cells, in any order, with their text.
func wantCells(t *testing.T, what string, cells []Cell, want ...string) {
	t.Helper()
	var got []string
	for _, c := range cells {
		got = append(got, fmt.Sprintf("%s %s %d/%d %s %s %s %d %d", c.Month, c.Dims.Policy, c.Dims.Org, c.Dims.Supplier, c.Dims.Model, c.Metric, c.Item, c.N, c.Amount))
	}
	missing := map[string]int{}
	for _, w := range want {
		missing[w]++
	}
	var extra []string
	for _, g := range got {
		if missing[g] > 0 {
			missing[g]--
			continue
		}
		extra = append(extra, g)
	}
	var lacking []string
	for w, n := range missing {
		for range n {
			lacking = append(lacking, w)
		}
	}
	if len(extra) > 0 || len(lacking) > 0 {
		t.Fatalf("%s: unexpected %q, missing %q", what, extra, lacking)
	}
}

// TestCSV: money as decimals, rates and days to their places, no value
// empty, and text that a spreadsheet would run written after an
// apostrophe.
func TestCSV(t *testing.T) {
	tab := Table{ID: "x", Columns: []Column{{ID: "model", Kind: KindText}, {ID: "n", Kind: KindCount}, {ID: "rate", Kind: KindRate},
		{ID: "days", Kind: KindDays}, {ID: "cost", Kind: KindMoney}},
		Rows: [][]Value{
			{"=HYPERLINK(\"x\")", int64(3), 0.5, 1.25, int64(-1234)},
			{"+1, \"quoted\"", int64(0), nil, nil, int64(5)},
			{"-", int64(1), 1.0 / 3, 0.0, int64(0)},
		}}
	var b bytes.Buffer
	if err := tab.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := "model,n,rate,days,cost\n" +
		"\"'=HYPERLINK(\"\"x\"\")\",3,0.500000,1.25,-12.34\n" +
		"\"'+1, \"\"quoted\"\"\",0,,,0.05\n" +
		"'-,1,0.333333,0.00,0.00\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}
