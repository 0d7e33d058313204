package report

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// What an RMA adds to the roll-ups. Every change the store writes (a
// submission, a step, a supplier's verdict) calls Update with the RMA as
// the change leaves it and the change's events, and adds the difference
// Update returns to the cubes in the same transaction. The store keeps the
// Record beside the RMA: what it added last time, so the difference needs
// no second read of the RMA, and the times of its states, which the RMA
// does not hold. A record built from an RMA and all its events at once (a
// backfill) equals the one built step by step.
//
// Every figure counts in the month it happened: a unit filed in the month
// its RMA was reported, a finding in the month it was recorded, a
// resolution in the month resolved, a stay in the month the RMA left the
// state, money in the month it was booked, a deadline in the month it was
// due. A unit counts under the model it was claimed as and the supplier it
// last went to: when a line goes to a supplier, everything it counted
// before moves under that supplier. What belongs to the whole RMA (its
// deadlines, charges on no line) counts under its first line in play.
// Units are a line's quantity; a line the desk rejected at authorization
// counts as filed (its model, reasons, conditions), and in nothing after.

// Record is what an RMA added to the roll-ups, and what later changes need
// to know of its past. It is stored as JSON, with short keys: there is one
// for every RMA.
type Record struct {
	Policy string       `json:"p"`
	Org    int64        `json:"o"`
	Lines  []RecordLine `json:"l"`
	// State is the state the RMA is in, and Since when it entered it (Unix
	// seconds): the start of the stay its next step ends.
	State string `json:"s,omitempty"`
	Since int64  `json:"t,omitempty"`
	// Resolved: its turnaround was counted (it is counted once).
	Resolved bool   `json:"r,omitempty"`
	Facts    []Fact `json:"f"`
}

// RecordLine is one line's dimensions as its facts were counted, and what
// is remembered of its past.
type RecordLine struct {
	Model    string `json:"m"`
	Supplier int64  `json:"s,omitempty"`
	Qty      int64  `json:"q"`
	Out      bool   `json:"x,omitempty"` // rejected at authorization
	// Repeat is the unit's return number, counted when the line was
	// filed: 1 for its first return, 2 and more for a repeat.
	Repeat int `json:"n,omitempty"`
	// Finding as counted, and the month it was recorded in.
	Finding string `json:"f,omitempty"`
	FoundIn int32  `json:"fm,omitempty"`
	// ReplacedIn is the month a replacement unit was recorded.
	ReplacedIn int32 `json:"rm,omitempty"`
}

// Fact is one count an RMA adds: to the cell of its metric, item and
// month under its line's dimensions (Line -1: under every line in play,
// times each one's quantity).
type Fact struct {
	Metric Metric `json:"k"`
	Item   string `json:"i,omitempty"`
	Month  int32  `json:"m"`
	Line   int    `json:"l"`
	N      int64  `json:"n,omitempty"`
	Amount int64  `json:"a,omitempty"`
}

// allLines is Fact.Line for a fact of every line in play.
const allLines = -1

// Event is a change's event as the store writes it: its time set.
type Event struct {
	At     time.Time
	Action string
	From   rma.State
	To     rma.State
}

// Change is one write of an RMA, as Update needs it.
type Change struct {
	RMA    *rma.RMA
	Events []Event
	// Now is the time the change gives what it adds without a time of its
	// own (charges): the store's.
	Now time.Time
	// Supplier are the supplier lines a supplier RMA's step writes with the
	// change: they replace the RMA's copies (same supplier RMA and line)
	// or come after them.
	Supplier []rma.SupplierLine
	// Seen tells how many lines filed before have serial, as their unit or
	// as a replacement sent: asked once for each new line with a serial.
	Seen func(serial string) (int, error)
}

// DecodeRecord reads a stored record.
func DecodeRecord(b []byte) (*Record, error) {
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("report record: %w", err)
	}
	return &r, nil
}

// Encode is the record as stored.
func (rec *Record) Encode() ([]byte, error) { return json.Marshal(rec) }

// Update is the record of ch's RMA after ch, from its record before (nil
// for a new RMA, or one whose history is replayed at once), and the cells
// to add to the roll-ups: what the RMA adds now less what it added before.
func Update(old *Record, ch Change) (*Record, []Cell, error) {
	r := ch.RMA
	if r == nil {
		return nil, nil, fmt.Errorf("report: no RMA")
	}
	rec := &Record{Policy: r.PolicyID, Org: r.OrgID}
	if old != nil {
		rec.State, rec.Since, rec.Resolved = old.State, old.Since, old.Resolved
	}
	supplier := mergeSupplier(r.Supplier, ch.Supplier)
	if err := rec.lines(old, ch, supplier); err != nil {
		return nil, nil, err
	}
	// The past: stays and turnaround, kept; then this change's steps.
	if old != nil {
		for _, f := range old.Facts {
			if f.Metric == MetricStay || f.Metric == MetricTurnaround {
				rec.Facts = append(rec.Facts, f)
			}
		}
	}
	rec.steps(ch)
	rec.present(ch, supplier)
	return rec, delta(old, rec), nil
}

// lines sets the lines' dimensions, and remembers when their finding and
// replacement were first recorded and which return of their unit they are.
func (rec *Record) lines(old *Record, ch Change, supplier []rma.SupplierLine) error {
	r := ch.RMA
	inRMA := map[string]int{} // serials of this RMA's new lines, so far
	for i := range r.Lines {
		l := &r.Lines[i]
		rl := RecordLine{Model: l.Claim.Product.Model, Qty: int64(max(l.Quantity, 1)), Out: l.Rejected}
		if sl := latestSupplier(supplier, l.No); sl != nil {
			rl.Supplier = sl.SupplierID
		}
		if old != nil && i < len(old.Lines) {
			o := old.Lines[i]
			rl.Repeat, rl.Finding, rl.FoundIn, rl.ReplacedIn = o.Repeat, o.Finding, o.FoundIn, o.ReplacedIn
		} else if serial := l.Claim.Product.Serial; serial != "" {
			n := 0
			if ch.Seen != nil {
				var err error
				if n, err = ch.Seen(serial); err != nil {
					return err
				}
			}
			rl.Repeat = n + inRMA[serial] + 1
			inRMA[serial]++
		}
		switch {
		case l.Finding == "":
			rl.Finding, rl.FoundIn = "", 0
		case string(l.Finding) != rl.Finding || rl.FoundIn == 0:
			rl.Finding, rl.FoundIn = string(l.Finding), int32(ch.monthOf(string(rma.ActEvaluate)))
		}
		switch {
		case l.ReplacementSerial == "":
			rl.ReplacedIn = 0
		case rl.ReplacedIn == 0:
			rl.ReplacedIn = int32(ch.monthOf(string(rma.ActResolve)))
		}
		rec.Lines = append(rec.Lines, rl)
	}
	return nil
}

// monthOf is the month of the change's latest event with action, else of
// its latest event, else of the RMA's last update.
func (ch Change) monthOf(action string) Month {
	for i := len(ch.Events) - 1; i >= 0; i-- {
		if ch.Events[i].Action == action {
			return MonthOfTime(ch.Events[i].At)
		}
	}
	if n := len(ch.Events); n > 0 {
		return MonthOfTime(ch.Events[n-1].At)
	}
	if !ch.RMA.Updated.IsZero() {
		return MonthOfTime(ch.RMA.Updated)
	}
	return MonthOfTime(ch.Now)
}

// steps counts the stays the change's events end, and the turnaround of
// the RMA's resolution.
func (rec *Record) steps(ch Change) {
	r := ch.RMA
	for _, ev := range ch.Events {
		if ev.To == "" || string(ev.To) == rec.State {
			continue // a note, a document, a step within a state
		}
		at := ev.At.Unix()
		if rec.State != "" && rec.Since != 0 {
			secs := max(at-rec.Since, 0)
			b := BucketOf(secs)
			rec.Facts = append(rec.Facts, Fact{Metric: MetricStay, Item: rec.State + "/" + bucketItem(b),
				Month: int32(MonthOfTime(ev.At)), Line: allLines, N: 1, Amount: secs})
		}
		rec.State, rec.Since = string(ev.To), at
		if !rec.Resolved && (ev.To == rma.Resolved || ev.To == rma.CreditedWithoutReturn) {
			rec.Resolved = true
			if r.Outcome != rma.Withdrawn && !r.Created.IsZero() {
				secs := max(at-r.Created.Unix(), 0)
				rec.Facts = append(rec.Facts, Fact{Metric: MetricTurnaround, Item: bucketItem(BucketOf(secs)),
					Month: int32(MonthOfTime(ev.At)), Line: allLines, N: 1, Amount: secs})
			}
		}
	}
	if rec.State == "" { // no event: the RMA as it stands
		rec.State = string(r.State)
		if !r.Created.IsZero() {
			rec.Since = r.Created.Unix()
		}
	}
}

// present counts what the RMA holds now: its units and their reasons,
// conditions, findings, money and deadlines.
func (rec *Record) present(ch Change, supplier []rma.SupplierLine) {
	r := ch.RMA
	filed := MonthOfDate(r.Reported)
	if filed == 0 {
		filed = MonthOfTime(r.Created)
	}
	add := func(metric Metric, item string, m Month, line int, n, amount int64) {
		if m == 0 {
			return
		}
		rec.Facts = append(rec.Facts, Fact{Metric: metric, Item: item, Month: int32(m), Line: line, N: n, Amount: amount})
	}
	for i := range r.Lines {
		l := &r.Lines[i]
		rl := &rec.Lines[i]
		add(MetricFiled, "", filed, i, rl.Qty, 0)
		if l.Decision.Route == policy.RouteDOA {
			add(MetricDOA, "", filed, i, rl.Qty, 0)
		}
		var codes []string
		for _, rs := range l.Decision.Reasons {
			if rs.Code != "" && !slices.Contains(codes, rs.Code) {
				codes = append(codes, rs.Code)
				add(MetricReason, rs.Code, filed, i, rl.Qty, 0)
			}
		}
		for _, c := range declaredConditions(&l.Claim) {
			add(MetricCondition, "declared:"+c, filed, i, rl.Qty, 0)
		}
		if rl.Repeat >= 2 {
			add(MetricRepeat, l.Claim.Product.Serial, filed, i, 1, 0)
		}
		if rl.Out {
			continue
		}
		if rl.Finding != "" {
			add(MetricFinding, rl.Finding, Month(rl.FoundIn), i, rl.Qty, 0)
			if c := strings.TrimSpace(l.FindingCondition); c != "" {
				add(MetricCondition, "found:"+c, Month(rl.FoundIn), i, rl.Qty, 0)
			}
		}
		if rl.ReplacedIn != 0 {
			p := l.LastInvoicedPrice
			add(MetricMoney, MoneyReplacement+"/"+p.Currency, Month(rl.ReplacedIn), i, rl.Qty, p.Cents*rl.Qty)
		}
	}
	primary := rec.primary()
	lineAt := func(no int) int {
		for i := range r.Lines {
			if r.Lines[i].No == no {
				return i
			}
		}
		return primary
	}
	for _, c := range r.Charges {
		kind, amount := MoneyKindOf(c.Kind, c.Amount.Cents)
		if kind == "" {
			continue
		}
		at := c.Created
		if at.IsZero() {
			at = ch.Now
		}
		line := primary
		if c.LineNo > 0 {
			line = lineAt(c.LineNo)
		}
		add(MetricMoney, kind+"/"+c.Amount.Currency, MonthOfTime(at), line, 0, amount)
	}
	for _, sl := range supplier {
		if sl.Verdict == "" {
			continue
		}
		m := MonthOfTime(sl.Decided)
		if sl.Credit.Cents != 0 {
			add(MetricMoney, MoneyRecovery+"/"+sl.Credit.Currency, m, lineAt(sl.LineNo), 0, sl.Credit.Cents)
		}
		if sl.Charge.Cents != 0 {
			add(MetricMoney, MoneySupplierCharge+"/"+sl.Charge.Currency, m, lineAt(sl.LineNo), 0, sl.Charge.Cents)
		}
	}
	for _, d := range r.Deadlines {
		if d.Due.IsZero() {
			continue
		}
		status := "open:" + d.Due.String()
		if !d.Met.IsZero() {
			y, mo, dd := d.Met.UTC().Date()
			status = DeadlineOnTime
			if calendar.DateOf(y, mo, dd) > d.Due {
				status = DeadlineLate
			}
		}
		add(MetricDeadline, d.Name+"/"+status, MonthOfDate(d.Due), primary, 1, 0)
	}
}

// primary is the line what belongs to the whole RMA counts under: its
// first line in play, else its first.
func (rec *Record) primary() int {
	for i, l := range rec.Lines {
		if !l.Out {
			return i
		}
	}
	return 0
}

// declaredConditions are the conditions a claim declares: the format's and
// a pack's own, by name.
func declaredConditions(c *policy.Claim) []string {
	var out []string
	for _, cond := range c.Conditions.Conditions() {
		out = append(out, cond.String())
	}
	for _, name := range c.OtherConditions {
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// mergeSupplier is the RMA's supplier lines with those a step writes: a
// written line replaces the RMA's copy of it, or follows them.
func mergeSupplier(own, written []rma.SupplierLine) []rma.SupplierLine {
	if len(written) == 0 {
		return own
	}
	out := slices.Clone(own)
	for _, w := range written {
		at := -1
		if w.SupplierRMAID != 0 {
			at = slices.IndexFunc(out, func(o rma.SupplierLine) bool {
				return o.SupplierRMAID == w.SupplierRMAID && o.LineNo == w.LineNo
			})
		}
		if at >= 0 {
			out[at] = w
		} else {
			out = append(out, w)
		}
	}
	return out
}

// latestSupplier is the last supplier line of line no, or nil.
func latestSupplier(lines []rma.SupplierLine, no int) *rma.SupplierLine {
	for i := len(lines) - 1; i >= 0; i-- {
		if lines[i].LineNo == no {
			return &lines[i]
		}
	}
	return nil
}

// cells are the record's facts as cells, each count times sign.
func (rec *Record) cells(sign int64, add func(Cell)) {
	dims := func(i int) Dims {
		l := rec.Lines[i]
		return Dims{Policy: rec.Policy, Org: rec.Org, Supplier: l.Supplier, Model: l.Model}
	}
	for _, f := range rec.Facts {
		if f.Line == allLines {
			for i, l := range rec.Lines {
				if !l.Out {
					add(Cell{Month: Month(f.Month), Dims: dims(i), Metric: f.Metric, Item: f.Item,
						N: sign * f.N * l.Qty, Amount: sign * f.Amount * l.Qty})
				}
			}
			continue
		}
		if f.Line < 0 || f.Line >= len(rec.Lines) {
			continue // a record from a newer desk: nothing to count it under
		}
		add(Cell{Month: Month(f.Month), Dims: dims(f.Line), Metric: f.Metric, Item: f.Item, N: sign * f.N, Amount: sign * f.Amount})
	}
}

// delta is what rec adds less what old added, summed by cell, without
// cells that come to nothing.
func delta(old, rec *Record) []Cell {
	sums := map[cellKey]*Cell{}
	var order []cellKey
	add := func(c Cell) {
		k := cellKey{c.Month, c.Dims, c.Metric, c.Item}
		s := sums[k]
		if s == nil {
			s = &Cell{Month: c.Month, Dims: c.Dims, Metric: c.Metric, Item: c.Item}
			sums[k] = s
			order = append(order, k)
		}
		s.N += c.N
		s.Amount += c.Amount
	}
	if old != nil {
		old.cells(-1, add)
	}
	rec.cells(1, add)
	var out []Cell
	for _, k := range order {
		if c := sums[k]; c.N != 0 || c.Amount != 0 {
			out = append(out, *c)
		}
	}
	return out
}
