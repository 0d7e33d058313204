package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/whatif"
	"github.com/rmadesk/rmadesk/policies"
)

// whatifStore is what a store offers a what-if replay (issue 15).
type whatifStore interface {
	whatif.History
	whatif.Spanner
	SetWhatIfPage(n int)
}

// testWhatIf: the lines of one policy's RMAs filed in a range stream in
// filing order, a page at a time (the page boundaries may split an RMA),
// each with its claim (as JSON), the version it was
// decided by, its requester, and its money summed from the ledger.
func testWhatIf(t *testing.T, open Opener) {
	s, ok := open(t).(whatifStore)
	if !ok {
		t.Skip("this store cannot replay history")
	}
	st := s.(rma.Store)
	a, b := mkOrg(t, st, "Whatif Alpha"), mkOrg(t, st, "Whatif Beta")
	at := func(d int) time.Time { return base.Add(time.Duration(d) * 24 * time.Hour) } // base is 2 March
	var made []*rma.RMA
	for i, spec := range []struct {
		org    int64
		policy string
		day    int
		lines  int
	}{
		{a.ID, "dexxon", 0, 1},  // 2 March: before the range
		{b.ID, "dexxon", 3, 2},  // 5 March
		{a.ID, "pixfra", 4, 1},  // another policy
		{a.ID, "dexxon", 7, 1},  // 9 March: the range's last day
		{b.ID, "dexxon", 8, 1},  // 10 March: after it
		{a.ID, "dexxon", 5, 3},  // 7 March
		{b.ID, "dexxon", 6, 1},  // 8 March, without a claim on its line
		{a.ID, "dexxon", 6, 1},  // 8 March, the same day
		{a.ID, "dexxon", 6, 1},  // and again
		{b.ID, "dexxon", 16, 1}, // 18 March
	} {
		r := simpleRMA(t, spec.org, fmt.Sprintf("WHATIF-%d", i), at(spec.day).Add(time.Duration(i)*time.Second))
		r.PolicyID, r.PolicyVersion = spec.policy, "1"
		r.Lines[0].Decision = policy.Decision{Policy: spec.policy, PolicyVersion: "1", Verdict: policy.Accept, Route: policy.RouteWarranty,
			Reasons: []policy.Reason{{Code: "in_warranty", Clause: "warranty-period", Text: fmt.Sprintf("RMA %d", i)}}}
		r.Lines[0].LastInvoicedPrice = rma.Money{Cents: 10000, Currency: "EUR"}
		for n := 2; n <= spec.lines; n++ {
			l := r.Lines[0]
			l.No, l.Claim = n, unitClaim(t, fmt.Sprintf("SN-%d-%d", i, n), "M")
			r.Lines = append(r.Lines, l)
		}
		if i == 6 {
			r.Lines[0].Claim = policy.Claim{}
		}
		made = append(made, mkRMA(t, st, r))
	}
	// RMA 1 (5 March): line 1 credited with a fee, line 2 refunded and replaced.
	r := reload(t, st, made[1].ID)
	r.State = rma.Resolved
	r.Number = "RMA-26-00001-A"
	r.Lines[1].ReplacementSerial = "NEW-1"
	r.Charges = append(r.Charges,
		rma.Charge{LineNo: 1, Kind: "credit", Basis: "last_invoiced_price", Quantity: 1, Amount: rma.Money{Cents: -10000, Currency: "EUR"}, Created: minute(5)},
		rma.Charge{LineNo: 1, Kind: "transport", Basis: "actual_cost", Quantity: 1, Amount: rma.Money{Cents: 1250, Currency: "EUR"}, Created: minute(5)},
		rma.Charge{LineNo: 2, Kind: "refund", Basis: "last_invoiced_price", Quantity: 1, Amount: rma.Money{Cents: -9000, Currency: "EUR"}, Created: minute(5)},
		rma.Charge{LineNo: 0, Kind: "transport", Basis: "actual_cost", Quantity: 1, Amount: rma.Money{Cents: 500, Currency: "EUR"}, Created: minute(5)})
	must(t, st.SaveRMA(t.Context(), r, r.Version, &rma.Event{At: minute(5), Actor: "agent", Action: string(rma.ActResolve), From: rma.Submitted, To: rma.Resolved}))

	walk := func(t *testing.T, q whatif.Query) (lines []whatif.Line, pages int) {
		t.Helper()
		must(t, s.WalkPolicyLines(t.Context(), q, func(page []whatif.Line) error {
			pages++
			lines = append(lines, page...)
			return nil
		}))
		return lines, pages
	}
	key := func(lines []whatif.Line) (out []string) {
		for _, l := range lines {
			out = append(out, fmt.Sprintf("%d/%d %s %s", l.RMAID, l.LineNo, l.Filed, l.Requester))
		}
		return out
	}
	q := whatif.Query{PolicyID: "dexxon", From: day("2026-03-03"), To: day("2026-03-09")}
	id := func(i int) int64 { return made[i].ID }
	want := []string{
		fmt.Sprintf("%d/1 2026-03-05 Whatif Beta", id(1)), fmt.Sprintf("%d/2 2026-03-05 Whatif Beta", id(1)),
		fmt.Sprintf("%d/1 2026-03-07 Whatif Alpha", id(5)), fmt.Sprintf("%d/2 2026-03-07 Whatif Alpha", id(5)), fmt.Sprintf("%d/3 2026-03-07 Whatif Alpha", id(5)),
		fmt.Sprintf("%d/1 2026-03-08 Whatif Alpha", id(7)), fmt.Sprintf("%d/1 2026-03-08 Whatif Alpha", id(8)),
		fmt.Sprintf("%d/1 2026-03-09 Whatif Alpha", id(3)),
	}
	for _, page := range []int{0, 1, 2, 3} {
		t.Run(fmt.Sprintf("range, page of %d lines", page), func(t *testing.T) {
			s.SetWhatIfPage(page)
			defer s.SetWhatIfPage(0)
			lines, pages := walk(t, q)
			wantSame(t, "lines of dexxon filed 3–9 March, in filing order", want, key(lines))
			// Nine lines in the range, one without a claim: a page of
			// one line each calls fn eight times.
			if page == 1 && pages != 8 {
				t.Errorf("%d pages of one line, want 8", pages)
			}
		})
	}

	t.Run("money, claim and version", func(t *testing.T) {
		lines, _ := walk(t, q)
		wantSame(t, "line 1 money", whatif.Money{Currency: "EUR", Price: 10000, Quantity: 1, Charges: 1250, Credits: 10000}, lines[0].Money)
		wantSame(t, "line 2 money", whatif.Money{Currency: "EUR", Price: 10000, Quantity: 1, Refunds: 9000, Replacements: 1}, lines[1].Money)
		c, err := policy.ParseStoredClaim(lines[1].ClaimJSON)
		must(t, err)
		wantSame(t, "claim", made[1].Lines[1].Claim, c)
		if lines[0].Number != "RMA-26-00001-A" || lines[2].Number != "" {
			t.Errorf("numbers %q %q", lines[0].Number, lines[2].Number)
		}
		if d := lines[0].Decision; d.Policy != "dexxon" || d.PolicyVersion != "1" || d.Reasons != nil {
			t.Errorf("without Decisions the decision is %+v, want only its policy and version", d)
		}
	})
	t.Run("stored decisions when asked", func(t *testing.T) {
		q := q
		q.Decisions = true
		lines, _ := walk(t, q)
		wantSame(t, "stored decision", made[1].Lines[0].Decision, lines[0].Decision)
	})
	t.Run("open range and nothing found", func(t *testing.T) {
		all, _ := walk(t, whatif.Query{PolicyID: "dexxon"})
		if len(all) != 11 {
			t.Errorf("%d dexxon lines with a claim, want 11", len(all))
		}
		none, pages := walk(t, whatif.Query{PolicyID: "nobody"})
		if len(none) != 0 || pages != 0 {
			t.Errorf("%d lines in %d pages for an unknown policy", len(none), pages)
		}
	})
	t.Run("filed span", func(t *testing.T) {
		first, last, err := s.FiledSpan(t.Context(), whatif.Query{PolicyID: "dexxon"})
		must(t, err)
		if first != day("2026-03-02") || last != day("2026-03-18") {
			t.Errorf("dexxon filed %s to %s, want 2026-03-02 to 2026-03-18", first, last)
		}
		first, last, err = s.FiledSpan(t.Context(), q)
		must(t, err)
		if first != day("2026-03-05") || last != day("2026-03-09") {
			t.Errorf("dexxon filed 3–9 March: %s to %s, want 2026-03-05 to 2026-03-09", first, last)
		}
		first, last, err = s.FiledSpan(t.Context(), whatif.Query{PolicyID: "nobody"})
		if err != nil || !first.IsZero() || !last.IsZero() {
			t.Errorf("an unknown policy's span: %s %s %v, want none", first, last, err)
		}
	})
	t.Run("read in parallel ranges as whole", func(t *testing.T) {
		// The replay splits the span into ranges of days read at once:
		// the report is the one read by a single reader.
		s.SetWhatIfPage(1)
		defer s.SetWhatIfPage(0)
		set, err := policy.LoadFS(policies.FS)
		must(t, err)
		draft := set.Latest("dexxon")
		whole, err := whatif.Replay(t.Context(), s, whatif.Query{PolicyID: "dexxon"}, draft, set, whatif.Options{Readers: 1, Random: 4, Seed: 3})
		must(t, err)
		parts, err := whatif.Replay(t.Context(), s, whatif.Query{PolicyID: "dexxon"}, draft, set, whatif.Options{Readers: 3, Random: 4, Seed: 3})
		must(t, err)
		if whole.Lines != 11 {
			t.Errorf("replayed %d lines, want 11", whole.Lines)
		}
		wantSame(t, "report read in parallel ranges", whole, parts)
	})
	t.Run("fn's error stops the walk", func(t *testing.T) {
		s.SetWhatIfPage(1)
		defer s.SetWhatIfPage(0)
		stop := errors.New("stop")
		calls := 0
		err := s.WalkPolicyLines(context.Background(), q, func([]whatif.Line) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("err %v after %d calls", err, calls)
		}
	})
}
