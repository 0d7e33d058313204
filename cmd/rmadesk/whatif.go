package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/whatif"
)

// runPolicyWhatIf is rmadesk policy whatif: the desk's history of one
// policy replayed under a draft (docs/POLICIES.md, "What if").
func runPolicyWhatIf(e *env, args []string) error {
	fs := newFlags(e, "policy whatif", "policy whatif --policy ID --draft FILE [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--sample N] [--every K] [--seed S] [--detail N] [--json] [--data-dir DIR] [--db URL]\nreplay the claims of past RMAs of a policy under a draft and say what changes")
	var sf storeFlags
	sf.register(fs)
	id := fs.String("policy", "", "the policy `ID` whose history is replayed")
	draftFile := fs.String("draft", "", "the draft policy, a YAML `FILE` with the same id")
	fromS := fs.String("from", "", "the first filing `DAY` replayed (YYYY-MM-DD; default: the first)")
	toS := fs.String("to", "", "the last filing `DAY` replayed (YYYY-MM-DD; default: the last)")
	sample := fs.Int("sample", 0, "also keep a random sample of `N` replayed lines, changed or not")
	every := fs.Int("every", 0, "also keep every `K`-th replayed line")
	seed := fs.Uint64("seed", 1, "the random sample's `SEED`: the same seed picks the same lines")
	detail := fs.Int("detail", 20, "how many changed lines to show (`N`, at most 10000)")
	asJSON := fs.Bool("json", false, "print the full report as JSON")
	dir := fs.String("dir", "", "load the policy packs from `DIR` instead of the embedded ones")
	calendars := fs.String("calendars", "", "the desk's calendar files in `DIR`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInputf("policy whatif: unexpected argument %q", fs.Arg(0))
	}
	q, err := whatifQuery(*id, *fromS, *toS)
	if err != nil {
		return err
	}
	switch {
	case *sample < 0 || *sample > whatif.MaxKept:
		return badInputf("--sample: must be from 0 to %d", whatif.MaxKept)
	case *every < 0:
		return badInputf("--every: must be 0 or more")
	case *detail < 0 || *detail > whatif.MaxKept:
		return badInputf("--detail: must be from 0 to %d", whatif.MaxKept)
	}
	set, err := packsWithCalendars(*dir, *calendars)
	if err != nil {
		return err
	}
	if set.Latest(q.PolicyID) == nil {
		return badInputf("--policy: unknown policy %q (known: %s)", q.PolicyID, strings.Join(set.IDs(), ", "))
	}
	draft, err := loadDraft(*draftFile, *calendars)
	if err != nil {
		return err
	}
	if draft.ID != q.PolicyID {
		return badInputf("--draft: %s is a draft of policy %q, not of %q", *draftFile, draft.ID, q.PolicyID)
	}
	db, err := sf.openExisting(e.ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	h, ok := db.(whatif.History)
	if !ok {
		return errors.New("policy whatif: this database cannot replay history")
	}
	opt := whatif.Options{Detail: *detail, Every: *every, Random: *sample, Seed: *seed}
	if n, err := strconv.Atoi(os.Getenv("RMADESK_WHATIF_READERS")); err == nil { // the benchmark's A/B (docs/BENCHMARKS.md)
		opt.Readers = n
	}
	if *detail == 0 {
		opt.Detail = -1
	}
	if path := os.Getenv("RMADESK_WHATIF_CPUPROFILE"); path != "" { // the benchmark's profile (docs/BENCHMARKS.md)
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// The replay's heap stays small (pages are dropped as they are
	// summed), so at the default GOGC the collector runs every few
	// thousand lines: a fifth of the CPU. Four times the room halves that,
	// still a bounded heap of tens of megabytes.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	start := time.Now()
	rep, err := whatif.Replay(e.ctx, h, q, draft, set, opt)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	writeWhatIf(e.stdout, rep, *draftFile)
	if os.Getenv("RMADESK_WHATIF_TIMING") != "" { // the benchmark's figures (docs/BENCHMARKS.md), kept out of golden output
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(e.stderr, "replayed %d lines in %s (%.0f lines/s), heap in use %d MB, heap obtained %d MB\n",
			rep.Lines, took.Round(time.Millisecond), float64(rep.Lines)/took.Seconds(), ms.HeapInuse>>20, ms.HeapSys>>20)
	}
	return nil
}

// whatifQuery checks the policy and the range.
func whatifQuery(id, from, to string) (whatif.Query, error) {
	q := whatif.Query{PolicyID: strings.TrimSpace(id)}
	if q.PolicyID == "" {
		return q, badInputf("--policy: required: the policy whose history is replayed (dexxon, pixfra...)")
	}
	var err error
	if from != "" {
		if q.From, err = calendar.ParseDate(from); err != nil {
			return q, badInputf("--from: %q is not a day in the form YYYY-MM-DD", from)
		}
	}
	if to != "" {
		if q.To, err = calendar.ParseDate(to); err != nil {
			return q, badInputf("--to: %q is not a day in the form YYYY-MM-DD", to)
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To < q.From {
		return q, badInputf("--to: %s is before --from %s", q.To, q.From)
	}
	return q, nil
}

// loadDraft reads and compiles the draft; a lint error is bad input, named
// by its file and line.
func loadDraft(file, calendars string) (*policy.Policy, error) {
	if file == "" {
		return nil, badInputf("--draft: required: the draft policy's YAML file")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, badInputf("--draft: %v", err)
	}
	p, err := policy.Load(file, data)
	if err != nil {
		return nil, badInputf("--draft: %v", err) // file:line:column: path: message
	}
	if calendars != "" {
		cals, err := deskCalendars(calendars)
		if err != nil {
			return nil, err
		}
		if p, err = p.WithCalendars(cals); err != nil {
			return nil, badInputf("--calendars: %v", err)
		}
	}
	return p, nil
}

// writeWhatIf is the report for people: the counts, how the decisions
// changed, the money, and the changed lines kept.
func writeWhatIf(w io.Writer, r *whatif.Report, draftFile string) {
	span := "every filing day"
	switch {
	case !r.From.IsZero() && !r.To.IsZero():
		span = fmt.Sprintf("filed %s to %s", r.From, r.To)
	case !r.From.IsZero():
		span = fmt.Sprintf("filed from %s", r.From)
	case !r.To.IsZero():
		span = fmt.Sprintf("filed up to %s", r.To)
	}
	fmt.Fprintf(w, "What if: %s draft version %s (%s) over the RMA lines of %s, %s\n\n", r.Policy, r.DraftVersion, draftFile, r.Policy, span)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "lines replayed\t%d\n", r.Lines)
	fmt.Fprintf(tw, "unchanged\t%d\n", r.Unchanged)
	fmt.Fprintf(tw, "changed\t%d\n", r.Changed)
	if r.Unreplayed > 0 {
		fmt.Fprintf(tw, "not replayed (version no longer known)\t%d\n", r.Unreplayed)
	}
	tw.Flush()
	if r.Changed > 0 {
		writeHowChanged(w, r.Verdicts, r.Routes, r.WarrantyLastDay, r.WindowLastDay, r.DocumentsAdded, r.DocumentsRemoved, r.ChargesChanged, r.ReasonsChanged)
	}
	for _, m := range r.Money {
		fmt.Fprintf(w, "\nMoney (%s): as recorded, under the draft (estimated), difference\n", noneIfEmpty(m.Currency))
		tw = tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
		for _, row := range []struct {
			name    string
			b, d, x int64
			units   bool
		}{
			{"credits", m.Baseline.Credits, m.Draft.Credits, m.Difference.Credits, false},
			{"refunds", m.Baseline.Refunds, m.Draft.Refunds, m.Difference.Refunds, false},
			{"replacements (units)", m.Baseline.Replacements, m.Draft.Replacements, m.Difference.Replacements, true},
			{"replacement value", m.Baseline.ReplacementValue, m.Draft.ReplacementValue, m.Difference.ReplacementValue, false},
			{"charges", m.Baseline.Charges, m.Draft.Charges, m.Difference.Charges, false},
			{"net paid out", m.Baseline.Net, m.Draft.Net, m.Difference.Net, false},
		} {
			f := cents
			if row.units {
				f = func(n int64) string { return fmt.Sprint(n) }
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t\n", row.name, f(row.b), f(row.d), signed(f, row.x))
		}
		tw.Flush()
	}
	if len(r.ChangedLines) > 0 {
		fmt.Fprintf(w, "\nChanged lines (the first %d of %d):\n", len(r.ChangedLines), r.Changed)
		for _, c := range r.ChangedLines {
			writeChange(w, &c)
		}
	}
	if len(r.Sample) > 0 {
		fmt.Fprintf(w, "\nSample (%d lines):\n", len(r.Sample))
		for _, c := range r.Sample {
			writeChange(w, &c)
		}
	}
}

// writeHowChanged says how the changed lines changed, in the words the
// what-if and the shadow review share.
func writeHowChanged(w io.Writer, verdicts, routes []whatif.Transition, warranty, window whatif.Shift, added, removed []whatif.Count, charges, reasons int64) {
	fmt.Fprintln(w, "\nHow they changed:")
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for _, t := range verdicts {
		fmt.Fprintf(tw, "  decision\t%s → %s\t%d\n", t.From, t.To, t.Lines)
	}
	for _, t := range routes {
		fmt.Fprintf(tw, "  route\t%s → %s\t%d\n", t.From, t.To, t.Lines)
	}
	for _, s := range []struct {
		name  string
		shift whatif.Shift
	}{{"warranty last day", warranty}, {"window last day", window}} {
		for _, c := range []struct {
			what string
			n    int64
		}{{"earlier", s.shift.Earlier}, {"later", s.shift.Later}, {"new", s.shift.Gained}, {"gone", s.shift.Lost}} {
			if c.n > 0 {
				fmt.Fprintf(tw, "  %s\t%s\t%d\n", s.name, c.what, c.n)
			}
		}
	}
	for _, c := range added {
		fmt.Fprintf(tw, "  now missing\t%s\t%d\n", c.Name, c.Lines)
	}
	for _, c := range removed {
		fmt.Fprintf(tw, "  no longer missing\t%s\t%d\n", c.Name, c.Lines)
	}
	if charges > 0 {
		fmt.Fprintf(tw, "  expected charges\tchanged\t%d\n", charges)
	}
	if reasons > 0 {
		fmt.Fprintf(tw, "  reasons or clauses\tchanged\t%d\n", reasons)
	}
	tw.Flush()
}

func writeChange(w io.Writer, c *whatif.Change) {
	number := c.Number
	if number == "" {
		number = fmt.Sprintf("RMA id %d", c.RMAID)
	}
	change := "unchanged"
	if c.Changed {
		change = strings.Join(c.How, ", ")
	}
	fmt.Fprintf(w, "  %s line %d, %s, filed %s, version %s: %s\n", number, c.LineNo, c.Requester, c.Filed, c.BaselineVersion, change)
	writeDecisions(w, &c.Before, &c.After, func() {
		if c.MoneyBefore != c.MoneyAfter {
			fmt.Fprintf(w, "    net paid out %s → %s %s\n", cents(c.MoneyBefore.Net), cents(c.MoneyAfter.Net), c.Currency)
		}
	})
}

// writeDecisions writes a line's two decisions: verdicts, routes and last
// days, what between (the money), then each side's reasons with clauses.
func writeDecisions(w io.Writer, before, after *whatif.Side, between func()) {
	fmt.Fprintf(w, "    decision %s → %s, route %s → %s", before.Verdict, after.Verdict, before.Route, after.Route)
	if before.WarrantyLastDay != after.WarrantyLastDay {
		fmt.Fprintf(w, ", warranty last day %s → %s", noneIfEmpty(before.WarrantyLastDay.String()), noneIfEmpty(after.WarrantyLastDay.String()))
	}
	fmt.Fprintln(w)
	between()
	for _, side := range []struct {
		name    string
		reasons []policy.Reason
	}{{"before", before.Reasons}, {"after", after.Reasons}} {
		for _, r := range side.reasons {
			fmt.Fprintf(w, "    %-6s [%s] %s\n", side.name, r.Clause, r.Text)
		}
	}
}

func noneIfEmpty(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// cents writes an amount of cents as 1234.50.
func cents(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%02d", sign, n/100, n%100)
}

func signed(f func(int64) string, n int64) string {
	if n > 0 {
		return "+" + f(n)
	}
	return f(n)
}
