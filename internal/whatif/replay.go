package whatif

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// Options bound what a replay keeps.
type Options struct {
	// Detail is how many changed lines are kept whole, the first ones in
	// the history's order; 0 takes DefaultDetail, a negative number none.
	Detail int
	// Every keeps every k-th replayed line whole (changed or not) as a
	// sample; 0 keeps none.
	Every int
	// Random keeps a sample of this many replayed lines chosen by Seed:
	// the same seed over the same history chooses the same lines.
	Random int
	Seed   uint64
	// Workers decide in parallel; 0 takes GOMAXPROCS.
	Workers int
}

// DefaultDetail is how many changed lines a report keeps when not told.
const DefaultDetail = 100

// MaxKept bounds Detail, Every's sample and Random, so no request can make
// a report hold the whole history.
const MaxKept = 10000

// Report is what a replay found.
type Report struct {
	Policy       string        `json:"policy"`
	DraftVersion string        `json:"draft_version"`
	From         calendar.Date `json:"from,omitzero"`
	To           calendar.Date `json:"to,omitzero"`

	Lines     int64 `json:"lines"`     // replayed
	Unchanged int64 `json:"unchanged"` // decided alike by the draft and the baseline
	Changed   int64 `json:"changed"`
	// Unreplayed lines name a version the baseline set does not hold and
	// carry no stored decision to compare with: counted, not compared.
	Unreplayed int64 `json:"unreplayed"`

	// How the changed lines changed; one line may count in several.
	Verdicts         []Transition `json:"verdicts"`          // accept→reject...
	Routes           []Transition `json:"routes"`            // warranty→chargeable...
	WarrantyLastDay  Shift        `json:"warranty_last_day"` // the warranty ends earlier or later
	WindowLastDay    Shift        `json:"window_last_day"`   // a DOA or withdrawal window
	DocumentsAdded   []Count      `json:"documents_added"`   // now missing
	DocumentsRemoved []Count      `json:"documents_removed"` // no longer missing
	ChargesChanged   int64        `json:"expected_charges_changed"`
	ReasonsChanged   int64        `json:"reasons_changed"` // a reason's code or clause

	// Money per currency, over every replayed line: as recorded under the
	// baseline, as estimated under the draft (Estimate), and the difference.
	Money []MoneyTotals `json:"money"`

	ChangedLines []Change `json:"changed_lines"` // the first Detail changed lines
	Sample       []Change `json:"sample,omitempty"`
}

// Transition counts lines that went from one value to another.
type Transition struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Lines int64  `json:"lines"`
}

// Shift counts last days that moved.
type Shift struct {
	Earlier int64 `json:"earlier"`
	Later   int64 `json:"later"`
	Gained  int64 `json:"gained"` // a last day where the baseline had none
	Lost    int64 `json:"lost"`
}

// Count is a name with a number of lines.
type Count struct {
	Name  string `json:"name"`
	Lines int64  `json:"lines"`
}

// Sums is money in one currency, in cents (replacements in units too).
type Sums struct {
	Credits          int64 `json:"credits"`
	Refunds          int64 `json:"refunds"`
	Replacements     int64 `json:"replacements"`      // units
	ReplacementValue int64 `json:"replacement_value"` // units at the line's price
	Charges          int64 `json:"charges"`
	// Net is what the desk gives minus what it charges: credits, refunds
	// and replacement value, less charges.
	Net int64 `json:"net"`
}

func (s *Sums) add(o Sums) {
	s.Credits += o.Credits
	s.Refunds += o.Refunds
	s.Replacements += o.Replacements
	s.ReplacementValue += o.ReplacementValue
	s.Charges += o.Charges
	s.Net += o.Net
}

func (s Sums) minus(o Sums) Sums {
	return Sums{s.Credits - o.Credits, s.Refunds - o.Refunds, s.Replacements - o.Replacements,
		s.ReplacementValue - o.ReplacementValue, s.Charges - o.Charges, s.Net - o.Net}
}

func (s *Sums) net() { s.Net = s.Credits + s.Refunds + s.ReplacementValue - s.Charges }

// MoneyTotals is one currency's money under the baseline and the draft.
type MoneyTotals struct {
	Currency   string `json:"currency"`
	Baseline   Sums   `json:"baseline"`
	Draft      Sums   `json:"draft"`
	Difference Sums   `json:"difference"` // draft minus baseline
}

// Change is one line replayed, kept whole.
type Change struct {
	RMAID           int64         `json:"rma_id"`
	Number          string        `json:"number"`
	LineNo          int           `json:"line"`
	Requester       string        `json:"requester"`
	Filed           calendar.Date `json:"filed"`
	BaselineVersion string        `json:"baseline_version"`
	Changed         bool          `json:"changed"`
	How             []string      `json:"how"` // verdict, route, warranty_last_day, ...
	Before          Side          `json:"before"`
	After           Side          `json:"after"`
	Currency        string        `json:"currency"`
	MoneyBefore     Sums          `json:"money_before"`
	MoneyAfter      Sums          `json:"money_after"`

	seq int64 // the line's place in the history, for keeping the first
}

// Side is a decision as the report shows it.
type Side struct {
	Verdict          string          `json:"verdict"`
	Route            string          `json:"route"`
	WarrantyLastDay  calendar.Date   `json:"warranty_last_day,omitzero"`
	WindowLastDay    calendar.Date   `json:"window_last_day,omitzero"`
	MissingDocuments []string        `json:"missing_documents"`
	ExpectedCharges  []ChargeSummary `json:"expected_charges"`
	Reasons          []policy.Reason `json:"reasons"`
}

// ChargeSummary is an expected charge: its fee kind and amount a unit.
type ChargeSummary struct {
	Kind   string        `json:"kind"`
	Amount policy.Amount `json:"amount,omitzero"`
	Clause string        `json:"clause"`
}

// Aspects a line can change in, as Change.How names them.
const (
	HowVerdict   = "verdict"
	HowRoute     = "route"
	HowWarranty  = "warranty_last_day"
	HowWindow    = "window_last_day"
	HowDocuments = "missing_documents"
	HowCharges   = "expected_charges"
	HowReasons   = "reasons"
)

// ErrDraftPolicy is returned when the draft is for another policy than the
// history's.
var ErrDraftPolicy = errors.New("whatif: the draft is for another policy")

// Replay decides each line of h matching q by draft and by the version of
// baseline it was decided by (the stored decision's version; the stored
// decision itself when the set no longer holds that version and the query
// decoded it), and reports the differences.
func Replay(ctx context.Context, h History, q Query, draft *policy.Policy, baseline *policy.Set, opt Options) (*Report, error) {
	if draft == nil {
		return nil, errors.New("whatif: no draft")
	}
	if draft.ID != q.PolicyID {
		return nil, fmt.Errorf("%w: draft %s, history of %s", ErrDraftPolicy, draft.ID, q.PolicyID)
	}
	opt = opt.bounded()
	// The draft decides every claim as if it had been in force when the
	// claim was reported: its effective_from says from when it decides,
	// not how, and a past claim reported before it would only be
	// policy_not_in_force, a change on every line that is not the draft's.
	draft = draft.Backdated()
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	r := &replayer{draft: draft, baseline: baseline, opt: opt}
	type page struct {
		base  int64
		lines []Line
	}
	pages := make(chan page, workers*2)
	accs := make([]*acc, workers)
	// A worker that fails (a claim that does not read) cancels the walk;
	// the others drain the pages already sent.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for i := range accs {
		a := newAcc()
		accs[i] = a
		wg.Go(func() {
			for p := range pages {
				if ctx.Err() != nil {
					continue
				}
				for j := range p.lines {
					if err := r.line(a, p.base+int64(j), &p.lines[j]); err != nil {
						cancel(err)
						break
					}
				}
			}
		})
	}
	var n int64
	err := h.WalkPolicyLines(ctx, q, func(lines []Line) error {
		select {
		case pages <- page{n, lines}:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		n += int64(len(lines))
		return nil
	})
	close(pages)
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil {
		return nil, cause
	}
	if err != nil {
		return nil, err
	}
	total := newAcc()
	for _, a := range accs {
		total.merge(a)
	}
	return total.report(r, q), nil
}

func (o Options) bounded() Options {
	if o.Detail == 0 {
		o.Detail = DefaultDetail
	}
	o.Detail = min(max(o.Detail, 0), MaxKept)
	o.Random = min(max(o.Random, 0), MaxKept)
	o.Every = max(o.Every, 0)
	return o
}

type replayer struct {
	draft    *policy.Policy
	baseline *policy.Set
	opt      Options
}

// pick is a line's place in the random sample: the lines with the
// smallest picks are kept (bottom-k sampling), which gives the same
// sample whatever order the workers see the lines in.
func (r *replayer) pick(seq int64) uint64 {
	x := uint64(seq) ^ r.opt.Seed*0x9e3779b97f4a7c15
	// splitmix64: a well-mixed, seedable, stable hash of the place.
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// line replays one line into a.
func (r *replayer) line(a *acc, seq int64, l *Line) error {
	if l.ClaimJSON != nil {
		c, err := policy.ParseStoredClaim(l.ClaimJSON)
		if err != nil {
			return fmt.Errorf("rma %d line %d: claim: %w", l.RMAID, l.LineNo, err)
		}
		l.Claim, l.ClaimJSON = c, nil
	}
	if l.Money.Currency == "" { // no invoiced price: the claim's
		l.Money.Currency = l.Claim.Product.Price.Currency
		if l.Money.Price == 0 {
			l.Money.Price = l.Claim.Product.Price.Cents
		}
	}
	a.lines++
	version := l.Decision.PolicyVersion
	var before policy.Decision
	if p := r.baseline.Version(r.draft.ID, version); p != nil {
		before = p.Evaluate(l.Claim)
	} else if l.Decision.Policy != "" && len(l.Decision.Reasons) > 0 {
		before = l.Decision // decoded from the store: the set lost the version
	} else {
		a.unreplayed++
		return nil
	}
	after := r.draft.Evaluate(l.Claim)
	how := compare(&before, &after)
	moneyBefore, moneyAfter := recorded(l), estimate(l, &before, &after)
	cur := l.Money.Currency
	a.money(cur).Baseline.add(moneyBefore)
	a.money(cur).Draft.add(moneyAfter)
	if len(how) == 0 {
		a.unchanged++
	} else {
		a.changed++
		a.count(how, &before, &after)
	}
	keepDetail := len(how) > 0 && r.opt.Detail > 0 && (len(a.detail) < r.opt.Detail || seq < a.detail[len(a.detail)-1].seq)
	keepEvery := r.opt.Every > 0 && seq%int64(r.opt.Every) == 0 && len(a.every) < MaxKept
	keepRandom := r.opt.Random > 0 && a.wantsRandom(r.pick(seq), r.opt.Random)
	if !keepDetail && !keepEvery && !keepRandom {
		return nil
	}
	c := Change{RMAID: l.RMAID, Number: l.Number, LineNo: l.LineNo, Requester: l.Requester, Filed: l.Filed,
		BaselineVersion: before.PolicyVersion, Changed: len(how) > 0, How: how,
		Before: side(&before), After: side(&after), Currency: cur, MoneyBefore: moneyBefore, MoneyAfter: moneyAfter, seq: seq}
	if keepDetail {
		a.detail = keepFirst(a.detail, c, r.opt.Detail)
	}
	if keepEvery {
		a.every = append(a.every, c)
	}
	if keepRandom {
		a.random = keepSmallest(a.random, pickedChange{r.pick(seq), c}, r.opt.Random)
	}
	return nil
}

// compare names the aspects in which two decisions of one claim differ.
func compare(b, a *policy.Decision) []string {
	var how []string
	if b.Verdict != a.Verdict {
		how = append(how, HowVerdict)
	}
	if b.Route != a.Route {
		how = append(how, HowRoute)
	}
	if b.Warranty.LastDay != a.Warranty.LastDay {
		how = append(how, HowWarranty)
	}
	if b.Window.LastDay != a.Window.LastDay || b.Window.Name != a.Window.Name {
		how = append(how, HowWindow)
	}
	if !slices.Equal(b.MissingDocuments, a.MissingDocuments) || !slices.Equal(b.MissingDeclared, a.MissingDeclared) {
		how = append(how, HowDocuments)
	}
	if !sameCharges(b.ExpectedCharges, a.ExpectedCharges) {
		how = append(how, HowCharges)
	}
	if !sameReasons(b.Reasons, a.Reasons) {
		how = append(how, HowReasons)
	}
	return how
}

func sameCharges(b, a []policy.ExpectedCharge) bool {
	return slices.EqualFunc(b, a, func(x, y policy.ExpectedCharge) bool {
		return x.Kind == y.Kind && x.Amount == y.Amount && x.Basis == y.Basis && x.Percent == y.Percent
	})
}

// sameReasons compares what the reasons say and where the policy says it;
// their wording follows from those.
func sameReasons(b, a []policy.Reason) bool {
	return slices.EqualFunc(b, a, func(x, y policy.Reason) bool { return x.Code == y.Code && x.Clause == y.Clause })
}

func side(d *policy.Decision) Side {
	s := Side{Verdict: d.Verdict.String(), Route: d.Route.String(), WarrantyLastDay: d.Warranty.LastDay,
		WindowLastDay: d.Window.LastDay, Reasons: d.Reasons, MissingDocuments: missing(d), ExpectedCharges: []ChargeSummary{}}
	if s.Reasons == nil {
		s.Reasons = []policy.Reason{}
	}
	for _, e := range d.ExpectedCharges {
		s.ExpectedCharges = append(s.ExpectedCharges, ChargeSummary{Kind: e.Kind, Amount: e.Amount, Clause: e.Clause})
	}
	return s
}

func missing(d *policy.Decision) []string {
	out := make([]string, 0, len(d.MissingDocuments)+len(d.MissingDeclared))
	for _, doc := range d.MissingDocuments {
		out = append(out, doc.String())
	}
	return append(out, d.MissingDeclared...)
}

// recorded is the line's money as the desk recorded it.
func recorded(l *Line) Sums {
	m := &l.Money
	s := Sums{Credits: m.Credits, Refunds: m.Refunds, Replacements: int64(m.Replacements),
		ReplacementValue: int64(m.Replacements) * m.Price, Charges: m.Charges}
	s.net()
	return s
}

// estimate is the line's money had the draft decided it (Estimate in
// docs/POLICIES.md says the same in words):
//   - a line the draft rejects is paid nothing back, replaced by nothing
//     and charged nothing: a rejected line takes no further part;
//   - a line the baseline rejected (or the desk did) and the draft does
//     not is paid back by the first of the draft's resolutions that pays:
//     a credit or refund at the line's price times its quantity, or a
//     replacement of its quantity; one the draft only repairs gets none;
//   - any other line keeps what was recorded;
//   - charges: what was recorded, plus the draft's expected charges
//     (issue 14's fees known at decision, a unit's amount times the
//     quantity) less the baseline's, never below zero.
func estimate(l *Line, before, after *policy.Decision) Sums {
	if after.Verdict == policy.Reject {
		return Sums{}
	}
	s := recorded(l)
	m := &l.Money
	qty := int64(max(m.Quantity, 1))
	if before.Verdict == policy.Reject || m.Rejected {
		s = Sums{Charges: m.Charges}
	payBack:
		for _, res := range after.Resolutions {
			switch res {
			case "credit", "destroy_and_credit":
				s.Credits = m.Price * qty
				break payBack
			case "refund":
				s.Refunds = m.Price * qty
				break payBack
			case "replace":
				s.Replacements, s.ReplacementValue = qty, m.Price*qty
				break payBack
			}
		}
	}
	s.Charges = max(0, s.Charges+expected(after, m.Currency)*qty-expected(before, m.Currency)*qty)
	s.net()
	return s
}

// expected sums a decision's expected charges in currency (or with no
// currency known), a unit's worth.
func expected(d *policy.Decision, currency string) int64 {
	var sum int64
	for _, e := range d.ExpectedCharges {
		if e.Amount.Currency == currency || currency == "" {
			sum += e.Amount.Cents
		}
	}
	return sum
}

// acc accumulates one worker's share; merged at the end.
type acc struct {
	lines, unchanged, changed, unreplayed int64
	verdicts, routes                      map[[2]string]int64
	warranty, window                      Shift
	added, removed                        map[string]int64
	charges, reasons                      int64
	byCurrency                            map[string]*MoneyTotals
	detail, every                         []Change
	random                                []pickedChange
}

type pickedChange struct {
	pick uint64
	c    Change
}

func newAcc() *acc {
	return &acc{verdicts: map[[2]string]int64{}, routes: map[[2]string]int64{}, added: map[string]int64{},
		removed: map[string]int64{}, byCurrency: map[string]*MoneyTotals{}}
}

func (a *acc) money(cur string) *MoneyTotals {
	m := a.byCurrency[cur]
	if m == nil {
		m = &MoneyTotals{Currency: cur}
		a.byCurrency[cur] = m
	}
	return m
}

func (a *acc) wantsRandom(pick uint64, n int) bool {
	return len(a.random) < n || pick < a.random[len(a.random)-1].pick
}

func (a *acc) count(how []string, b, d *policy.Decision) {
	for _, h := range how {
		switch h {
		case HowVerdict:
			a.verdicts[[2]string{b.Verdict.String(), d.Verdict.String()}]++
		case HowRoute:
			a.routes[[2]string{b.Route.String(), d.Route.String()}]++
		case HowWarranty:
			shift(&a.warranty, b.Warranty.LastDay, d.Warranty.LastDay)
		case HowWindow:
			shift(&a.window, b.Window.LastDay, d.Window.LastDay)
		case HowDocuments:
			was, now := missing(b), missing(d)
			for _, doc := range now {
				if !slices.Contains(was, doc) {
					a.added[doc]++
				}
			}
			for _, doc := range was {
				if !slices.Contains(now, doc) {
					a.removed[doc]++
				}
			}
		case HowCharges:
			a.charges++
		case HowReasons:
			a.reasons++
		}
	}
}

func shift(s *Shift, before, after calendar.Date) {
	switch {
	case before.IsZero():
		s.Gained++
	case after.IsZero():
		s.Lost++
	case after < before:
		s.Earlier++
	default:
		s.Later++
	}
}

// keepFirst inserts c into the sorted list of the n first changes.
func keepFirst(list []Change, c Change, n int) []Change {
	i, _ := slices.BinarySearchFunc(list, c.seq, func(x Change, seq int64) int { return cmp.Compare(x.seq, seq) })
	list = slices.Insert(list, i, c)
	if len(list) > n {
		list = list[:n]
	}
	return list
}

func keepSmallest(list []pickedChange, c pickedChange, n int) []pickedChange {
	i, _ := slices.BinarySearchFunc(list, c.pick, func(x pickedChange, p uint64) int { return cmp.Compare(x.pick, p) })
	list = slices.Insert(list, i, c)
	if len(list) > n {
		list = list[:n]
	}
	return list
}

func (a *acc) merge(o *acc) {
	a.lines += o.lines
	a.unchanged += o.unchanged
	a.changed += o.changed
	a.unreplayed += o.unreplayed
	for k, v := range o.verdicts {
		a.verdicts[k] += v
	}
	for k, v := range o.routes {
		a.routes[k] += v
	}
	for _, s := range []struct{ to, from *Shift }{{&a.warranty, &o.warranty}, {&a.window, &o.window}} {
		s.to.Earlier += s.from.Earlier
		s.to.Later += s.from.Later
		s.to.Gained += s.from.Gained
		s.to.Lost += s.from.Lost
	}
	for k, v := range o.added {
		a.added[k] += v
	}
	for k, v := range o.removed {
		a.removed[k] += v
	}
	a.charges += o.charges
	a.reasons += o.reasons
	for cur, m := range o.byCurrency {
		t := a.money(cur)
		t.Baseline.add(m.Baseline)
		t.Draft.add(m.Draft)
	}
	a.detail = append(a.detail, o.detail...)
	a.every = append(a.every, o.every...)
	a.random = append(a.random, o.random...)
}

func (a *acc) report(r *replayer, q Query) *Report {
	rep := &Report{Policy: r.draft.ID, DraftVersion: r.draft.Version, From: q.From, To: q.To,
		Lines: a.lines, Unchanged: a.unchanged, Changed: a.changed, Unreplayed: a.unreplayed,
		Verdicts: transitions(a.verdicts), Routes: transitions(a.routes), WarrantyLastDay: a.warranty, WindowLastDay: a.window,
		DocumentsAdded: counts(a.added), DocumentsRemoved: counts(a.removed), ChargesChanged: a.charges, ReasonsChanged: a.reasons,
		Money: []MoneyTotals{}}
	for _, m := range a.byCurrency {
		m.Difference = m.Draft.minus(m.Baseline)
		rep.Money = append(rep.Money, *m)
	}
	slices.SortFunc(rep.Money, func(x, y MoneyTotals) int { return cmp.Compare(x.Currency, y.Currency) })
	bySeq := func(x, y Change) int { return cmp.Compare(x.seq, y.seq) }
	slices.SortFunc(a.detail, bySeq)
	rep.ChangedLines = a.detail[:min(len(a.detail), r.opt.Detail)]
	if rep.ChangedLines == nil {
		rep.ChangedLines = []Change{}
	}
	slices.SortFunc(a.every, bySeq)
	rep.Sample = a.every[:min(len(a.every), MaxKept)]
	if len(a.random) > 0 {
		slices.SortFunc(a.random, func(x, y pickedChange) int { return cmp.Compare(x.pick, y.pick) })
		picked := a.random[:min(len(a.random), r.opt.Random)]
		for _, p := range picked {
			rep.Sample = append(rep.Sample, p.c)
		}
		slices.SortFunc(rep.Sample, bySeq)
		rep.Sample = slices.CompactFunc(rep.Sample, func(x, y Change) bool { return x.seq == y.seq })
	}
	return rep
}

func transitions(m map[[2]string]int64) []Transition {
	out := []Transition{}
	for k, v := range m {
		out = append(out, Transition{From: k[0], To: k[1], Lines: v})
	}
	slices.SortFunc(out, func(x, y Transition) int {
		return cmp.Or(cmp.Compare(y.Lines, x.Lines), cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To))
	})
	return out
}

func counts(m map[string]int64) []Count {
	out := []Count{}
	for k, v := range m {
		out = append(out, Count{Name: k, Lines: v})
	}
	slices.SortFunc(out, func(x, y Count) int { return cmp.Or(cmp.Compare(y.Lines, x.Lines), cmp.Compare(x.Name, y.Name)) })
	return out
}
