package whatif_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/whatif"
	"github.com/rmadesk/rmadesk/policies"
)

// memHistory is a History over lines in memory, paged by pageSize.
type memHistory struct {
	lines    []whatif.Line
	pageSize int
}

func (h memHistory) WalkPolicyLines(ctx context.Context, q whatif.Query, fn func([]whatif.Line) error) error {
	var page []whatif.Line
	for _, l := range h.lines {
		if l.Decision.Policy != q.PolicyID || (!q.From.IsZero() && l.Filed < q.From) || (!q.To.IsZero() && l.Filed > q.To) {
			continue
		}
		page = append(page, l)
		if len(page) == h.pageSize {
			if err := fn(page); err != nil {
				return err
			}
			page = nil
		}
	}
	if len(page) > 0 {
		return fn(page)
	}
	return nil
}

func day(s string) calendar.Date { return calendar.MustParseDate(s) }

func dexxonSource(t testing.TB) string {
	t.Helper()
	b, err := policies.FS.ReadFile("dexxon.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// draftOf edits the Dexxon pack into a draft: each pair replaces text.
func draftOf(t testing.TB, pairs ...string) *policy.Policy {
	t.Helper()
	src := dexxonSource(t)
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(src, pairs[i]) {
			t.Fatalf("the Dexxon pack has no %q", pairs[i])
		}
		src = strings.Replace(src, pairs[i], pairs[i+1], 1)
	}
	p, err := policy.Load("draft.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// history files n Dexxon claims, reported on 2026-03-14 and bought
// 100·i days before (so the older ones fall outside a shorter warranty),
// decided by the pack and priced at 100.00 EUR; every third was credited.
func history(t testing.TB, set *policy.Set, n int) []whatif.Line {
	t.Helper()
	var out []whatif.Line
	reported := day("2026-03-14")
	for i := range n {
		c := policy.Claim{Requester: policy.Requester{Role: policy.Partner, Country: "NL"},
			Product: policy.Product{Category: "ssd", Part: "device", Model: "DX-SSD-1TB", Serial: fmt.Sprintf("S%d", i)}}
		c.Dates.Reported = reported
		c.Dates.Purchase = reported.AddDays(-100 * i)
		c.Documents = c.Documents.With(policy.PurchaseReceipt)
		d := set.InForce("dexxon", reported).Evaluate(c)
		m := whatif.Money{Currency: "EUR", Price: 10000, Quantity: 1}
		if i%3 == 0 && d.Verdict == policy.Accept {
			m.Credits = 10000
		}
		out = append(out, whatif.Line{RMAID: int64(i + 1), Number: fmt.Sprintf("RMA-%d", i+1), LineNo: 1, Requester: "Partner",
			Filed: reported, Claim: c, Decision: policy.Decision{Policy: "dexxon", PolicyVersion: d.PolicyVersion}, Money: m})
	}
	return out
}

func TestReplay(t *testing.T) {
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	lines := history(t, set, 10) // bought 0..900 days before: 0..7 in the 2-year warranty
	cases := []struct {
		name  string
		draft *policy.Policy
		opt   whatif.Options
		check func(t *testing.T, r *whatif.Report)
	}{
		{"the same policy changes nothing", draftOf(t), whatif.Options{}, func(t *testing.T, r *whatif.Report) {
			if r.Lines != 10 || r.Unchanged != 10 || r.Changed != 0 || len(r.ChangedLines) != 0 {
				t.Errorf("lines %d unchanged %d changed %d kept %d, want 10 10 0 0", r.Lines, r.Unchanged, r.Changed, len(r.ChangedLines))
			}
			if d := r.Money[0].Difference; d != (whatif.Sums{}) {
				t.Errorf("money difference %+v, want none", d)
			}
		}},
		{"a one-year warranty rejects the older claims", draftOf(t, "years: 2", "years: 1"), whatif.Options{}, func(t *testing.T, r *whatif.Report) {
			// In warranty under 2 years: bought 0..700 days before (8
			// lines); under 1 year only 0..300 days (4 lines). Every
			// line's warranty ends a year earlier.
			if r.Lines != 10 || r.Changed != 10 || r.Unchanged != 0 {
				t.Fatalf("lines %d changed %d unchanged %d, want 10 10 0", r.Lines, r.Changed, r.Unchanged)
			}
			if len(r.Verdicts) != 1 || r.Verdicts[0] != (whatif.Transition{From: "accept", To: "reject", Lines: 4}) {
				t.Errorf("verdicts %+v, want accept→reject ×4", r.Verdicts)
			}
			if r.WarrantyLastDay != (whatif.Shift{Earlier: 10}) {
				t.Errorf("warranty last day %+v", r.WarrantyLastDay)
			}
			c := r.ChangedLines[4]
			if c.Number != "RMA-5" || c.Before.Verdict != "accept" || c.After.Verdict != "reject" {
				t.Errorf("first changed line %s %s→%s, want RMA-5 accept→reject", c.Number, c.Before.Verdict, c.After.Verdict)
			}
			if len(c.After.Reasons) == 0 || c.After.Reasons[0].Clause == "" {
				t.Errorf("the draft's reasons carry no clause: %+v", c.After.Reasons)
			}
			// RMA-7 (i=6) was credited 100.00 EUR: the draft rejects it.
			m := r.Money[0]
			if m.Baseline.Credits != 3*10000 || m.Draft.Credits != 2*10000 || m.Difference.Credits != -10000 {
				t.Errorf("credits %+v → %+v (%+v)", m.Baseline, m.Draft, m.Difference)
			}
		}},
		{"a draft taking effect after the history is asked as if in force", draftOf(t, `version: "1"`, `version: "2"`, "effective_from: 2020-01-01", "effective_from: 2026-12-01"),
			whatif.Options{}, func(t *testing.T, r *whatif.Report) {
				// Every claim was reported before 2026-12-01: the draft
				// decides it by its rules, not as policy_not_in_force.
				if r.Lines != 10 || r.Unchanged != 10 || r.Changed != 0 || r.DraftVersion != "2" {
					t.Errorf("lines %d unchanged %d changed %d (draft %s), want 10 10 0", r.Lines, r.Unchanged, r.Changed, r.DraftVersion)
					for _, c := range r.ChangedLines[:min(len(r.ChangedLines), 2)] {
						t.Errorf("%s: %s → %s, reasons after %+v", c.Number, c.Before.Verdict, c.After.Verdict, c.After.Reasons)
					}
				}
			}},
		{"a fee changes the money", draftOf(t, "fees:\n", "fees:\n  - kind: restocking\n    basis: fixed\n    amount: \"15.00\"\n    currency: EUR\n    routes: [warranty]\n    clause: options\n"),
			whatif.Options{Detail: 2}, func(t *testing.T, r *whatif.Report) {
				if r.Changed != 8 || r.ChargesChanged != 8 || r.Unchanged != 2 {
					t.Errorf("changed %d, charges changed %d, unchanged %d; want 8 and 8 (the lines in warranty), 2", r.Changed, r.ChargesChanged, r.Unchanged)
				}
				if m := r.Money[0]; m.Difference.Charges != 8*1500 || m.Difference.Net != -8*1500 {
					t.Errorf("difference %+v, want 120.00 EUR more charged", m.Difference)
				}
				if len(r.ChangedLines) != 2 || r.ChangedLines[0].Number != "RMA-1" || r.ChangedLines[1].Number != "RMA-2" {
					t.Errorf("kept %d changed lines, want the first 2", len(r.ChangedLines))
				}
				if c := r.ChangedLines[0]; len(c.After.ExpectedCharges) != 1 || c.MoneyAfter.Charges != 1500 {
					t.Errorf("after %+v money %+v", c.After.ExpectedCharges, c.MoneyAfter)
				}
			}},
		{"a longer warranty accepts and credits", draftOf(t, "years: 2", "years: 3"), whatif.Options{Every: 5}, func(t *testing.T, r *whatif.Report) {
			if r.Changed != 10 || len(r.Verdicts) != 1 || r.Verdicts[0].Lines != 2 || r.Verdicts[0].From != "reject" {
				t.Errorf("changed %d verdicts %+v", r.Changed, r.Verdicts)
			}
			if m := r.Money[0]; m.Difference.Credits != 2*10000 {
				t.Errorf("difference %+v, want two credits of 100.00", m.Difference)
			}
			if len(r.Sample) != 2 || r.Sample[0].Number != "RMA-1" || r.Sample[1].Number != "RMA-6" {
				t.Errorf("sample %d lines, want every 5th", len(r.Sample))
			}
		}},
		{"a random sample is the seed's", draftOf(t), whatif.Options{Random: 3, Seed: 7}, func(t *testing.T, r *whatif.Report) {
			again, err := whatif.Replay(context.Background(), memHistory{lines, 1}, whatif.Query{PolicyID: "dexxon"}, draftOf(t), set, whatif.Options{Random: 3, Seed: 7, Workers: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Sample) != 3 || fmt.Sprint(numbers(r.Sample)) != fmt.Sprint(numbers(again.Sample)) {
				t.Errorf("samples %v and %v", numbers(r.Sample), numbers(again.Sample))
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := whatif.Replay(context.Background(), memHistory{lines, 4}, whatif.Query{PolicyID: "dexxon"}, tc.draft, set, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, r)
		})
	}
}

func numbers(cs []whatif.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Number)
	}
	return out
}

func TestReplayRange(t *testing.T) {
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	lines := history(t, set, 4)
	lines[0].Filed, lines[1].Filed = day("2026-01-10"), day("2026-02-10")
	r, err := whatif.Replay(context.Background(), memHistory{lines, 100}, whatif.Query{PolicyID: "dexxon", From: day("2026-02-01"), To: day("2026-02-28")}, draftOf(t), set, whatif.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Lines != 1 {
		t.Errorf("replayed %d lines, want the one filed in February", r.Lines)
	}
}

func TestReplayUnknownVersion(t *testing.T) {
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	lines := history(t, set, 2)
	lines[0].Decision.PolicyVersion = "0.9"
	r, err := whatif.Replay(context.Background(), memHistory{lines, 100}, whatif.Query{PolicyID: "dexxon"}, draftOf(t), set, whatif.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Lines != 2 || r.Unreplayed != 1 || r.Unchanged != 1 {
		t.Errorf("lines %d unreplayed %d unchanged %d, want 2 1 1", r.Lines, r.Unreplayed, r.Unchanged)
	}
}

func TestReplayOtherPolicy(t *testing.T) {
	set, _ := policy.LoadFS(policies.FS)
	_, err := whatif.Replay(context.Background(), memHistory{}, whatif.Query{PolicyID: "pixfra"}, draftOf(t), set, whatif.Options{})
	if err == nil {
		t.Fatal("a Dexxon draft replayed Pixfra's history")
	}
}

// spanHistory is a memHistory that says its span, so a replay reads it
// in ranges of days on several readers at once.
type spanHistory struct{ memHistory }

func (h spanHistory) FiledSpan(_ context.Context, q whatif.Query) (first, last calendar.Date, err error) {
	for _, l := range h.lines {
		if l.Decision.Policy != q.PolicyID || (!q.From.IsZero() && l.Filed < q.From) || (!q.To.IsZero() && l.Filed > q.To) {
			continue
		}
		if first.IsZero() || l.Filed < first {
			first = l.Filed
		}
		last = max(last, l.Filed)
	}
	return first, last, nil
}

// TestReplayInParts: read in ranges of days by several readers, a history
// gives the report it gives read whole: the same counts, money, and the
// first changed lines in filing order.
func TestReplayInParts(t *testing.T) {
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	lines := history(t, set, 40)
	for i := range lines { // filed one a day, three days apart
		lines[i].Filed = day("2026-01-01").AddDays(3 * i)
	}
	draft := draftOf(t, "years: 2", "years: 1")
	for _, q := range []whatif.Query{{PolicyID: "dexxon"}, {PolicyID: "dexxon", From: day("2026-01-20"), To: day("2026-03-30")}} {
		whole, err := whatif.Replay(context.Background(), spanHistory{memHistory{lines, 3}}, q, draft, set, whatif.Options{Detail: 7, Random: 5, Seed: 11, Readers: 1})
		if err != nil {
			t.Fatal(err)
		}
		parts, err := whatif.Replay(context.Background(), spanHistory{memHistory{lines, 3}}, q, draft, set, whatif.Options{Detail: 7, Random: 5, Seed: 11, Readers: 4, Workers: 3})
		if err != nil {
			t.Fatal(err)
		}
		if whole.Lines == 0 || whole.Changed == 0 || len(whole.ChangedLines) != 7 {
			t.Fatalf("%s..%s: %d lines, %d changed, %d kept: the test needs changes to compare", q.From, q.To, whole.Lines, whole.Changed, len(whole.ChangedLines))
		}
		a, _ := json.Marshal(whole)
		b, _ := json.Marshal(parts)
		if string(a) != string(b) {
			t.Errorf("%s..%s read in parts:\n%s\nread whole:\n%s", q.From, q.To, b, a)
		}
	}
}
