package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/report"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Column lists are written once and the statements built from them, so an
// INSERT, its UPDATE and its SELECT cannot disagree on the order.

// rmaMutable are the columns SaveRMA rewrites; CreateRMA adds rmaFixed.
var rmaMutable = []string{
	"number", "number_expires", "reference", "policy_id", "policy_version",
	"kind", "state", "verdict", "route", "resolution", "outcome", "reason",
	"referred_to", "location", "no_substitute", "reported", "updated", "preference", "ship_to",
	"urgency",
}

var rmaFixed = []string{"org_id", "version", "created", "idempotency_key"}

var lineCols = []string{
	"line_no", "claim", "serial", "model", "quantity", "fault", "price_cents", "price_currency",
	"decision", "received_serial", "received_model", "serial_mismatch", "missing_accessories",
	"enclosed_documents", "finding", "finding_condition", "evaluation_notes",
	"replacement_serial", "replacement_model", "replacement_grade", "replacement_warranty_end",
	"part_number", "received_part_number", "part_mismatch",
	"rejected", "reject_reason",
	"intake_condition", "intake_notes", "evaluation_hours",
	"advance", // issue 14: advance replacement
}

var numberCols = []string{"position", "number", "issued", "expires", "is_current"}

var deadlineCols = []string{"position", "name", "owner", "due", "met", "clause", "description"}

var chargeCols = []string{"line_no", "kind", "basis", "description", "quantity", "amount_cents", "currency", "clause", "created",
	"deducted"} // fees (issue 14)

var (
	rmaInsertCols = append(append([]string{}, rmaMutable...), rmaFixed...)
	updateRMASQL  = fmt.Sprintf("UPDATE rmas SET %s, version = $%d WHERE id = $%d AND version = $%d",
		setList(rmaMutable), len(rmaMutable)+1, len(rmaMutable)+2, len(rmaMutable)+3)
	lineInsertCols = append([]string{"rma_id"}, lineCols...)
	insertLineSQL  = insertSQL("rma_lines", lineInsertCols) + " RETURNING id"
	updateLineSQL  = fmt.Sprintf("UPDATE rma_lines SET %s WHERE id = $%d AND rma_id = $%d",
		setList(lineCols), len(lineCols)+1, len(lineCols)+2)
	chargeInsertCols = append([]string{"rma_id"}, chargeCols...)
	insertChargeSQL  = insertSQL("charges", chargeInsertCols) + " RETURNING id"
)

// rmaWrite is an RMA encoded into column values before its transaction
// begins: bad input is refused without touching the database, and the
// transaction holds its locks only while it writes.
type rmaWrite struct {
	rma       []any   // rmaMutable
	lines     [][]any // lineCols
	lineNos   []int
	numbers   [][]any
	deadlines [][]any
	charges   [][]any // the charges without an ID, to insert
	chargeAt  []int   // their index in RMA.Charges
	chargeNew []time.Time
	terms     []string
	jobs      [][]any // jobCols
	shadow    [][]any // shadowLineCols (shadows.go)
}

// encodeRMA encodes r with its Updated time; new charges without a Created
// time get chargedAt.
func encodeRMA(r *rma.RMA, updated, chargedAt time.Time) (*rmaWrite, error) {
	var enc encoder
	w := &rmaWrite{}
	var number any
	if r.Number != "" {
		number = r.Number
	}
	w.rma = []any{
		number, enc.Date("number_expires", r.NumberExpires), r.Reference, r.PolicyID, r.PolicyVersion,
		enc.Name("kind", r.Kind), string(r.State), enc.Name("verdict", r.Verdict), enc.Name("route", r.Route), r.Resolution,
		string(r.Outcome), r.Reason, r.ReferredTo, r.Location, r.NoSubstitute,
		enc.Date("reported", r.Reported), enc.Time("updated", updated), r.Preference, encodeShipTo(&enc, r.ShipTo),
		urgency(&enc, r.Deadlines),
	}
	for i := range r.Lines {
		l := &r.Lines[i]
		f := fmt.Sprintf("lines[%d].", i)
		no := l.No
		if no == 0 {
			no = i + 1
		}
		w.lineNos = append(w.lineNos, no)
		w.lines = append(w.lines, []any{
			no, enc.Claim(f+"claim", l.Claim), l.Claim.Product.Serial, l.Claim.Product.Model,
			l.Quantity, l.Fault, l.LastInvoicedPrice.Cents, l.LastInvoicedPrice.Currency,
			enc.Decision(f+"decision", l.Decision), l.ReceivedSerial, l.ReceivedModel, l.SerialMismatch,
			enc.JSON(f+"missing_accessories", l.MissingAccessories, len(l.MissingAccessories) == 0),
			enc.JSON(f+"enclosed_documents", l.EnclosedDocuments, len(l.EnclosedDocuments) == 0),
			string(l.Finding), l.FindingCondition, l.EvaluationNotes,
			l.ReplacementSerial, l.ReplacementModel, l.ReplacementGrade,
			enc.Date(f+"replacement_warranty_end", l.ReplacementWarrantyEnd),
			l.PartNumber, l.ReceivedPartNumber, l.PartMismatch,
			l.Rejected, l.RejectReason,
			l.IntakeCondition, l.IntakeNotes, finiteHours(&enc, f+"evaluation_hours", l.EvaluationHours),
			enc.JSON(f+"advance", l.Advance, l.Advance == nil),
		})
	}
	for i, n := range r.Numbers {
		f := fmt.Sprintf("numbers[%d].", i)
		if n.Number == "" {
			enc.Fail(f+"number", "required")
		}
		w.numbers = append(w.numbers, []any{i, n.Number, enc.Date(f+"issued", n.Issued), enc.Date(f+"expires", n.Expires), n.Current})
	}
	for i, d := range r.Deadlines {
		f := fmt.Sprintf("deadlines[%d].", i)
		w.deadlines = append(w.deadlines, []any{i, d.Name, d.Owner, enc.Date(f+"due", d.Due), enc.Time(f+"met", d.Met), d.Clause, d.Text})
	}
	for i, c := range r.Charges {
		if c.ID != 0 {
			continue // the ledger only grows: stored charges are not rewritten
		}
		f := fmt.Sprintf("charges[%d].", i)
		if math.IsNaN(c.Quantity) || math.IsInf(c.Quantity, 0) {
			enc.Fail(f+"quantity", "must be a finite number")
		}
		at := c.Created
		if at.IsZero() {
			at = chargedAt
		}
		w.charges = append(w.charges, []any{c.LineNo, c.Kind, c.Basis, c.Description, c.Quantity,
			c.Amount.Cents, c.Amount.Currency, c.Clause, enc.Time(f+"created", at), c.Deducted})
		w.chargeAt = append(w.chargeAt, i)
		w.chargeNew = append(w.chargeNew, at.UTC())
	}
	w.terms = searchTerms(r)
	if enc.Err != nil {
		return nil, enc.Err
	}
	var err error
	if w.jobs, err = encodeJobs(r.Jobs); err != nil {
		return nil, err
	}
	w.shadow = encodeShadow(r.Shadow)
	return w, nil
}

// searchTerms are the lower-cased numbers, serials and models a list query
// can find the RMA by. Each number is also kept without its "RMA-" so a
// person can type just the digits.
func searchTerms(r *rma.RMA) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		t := searchKey(s)
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	addNumber := func(n string) {
		add(n)
		if rest, ok := strings.CutPrefix(searchKey(n), "rma-"); ok {
			add(rest)
		}
	}
	addNumber(r.Number)
	for _, n := range r.Numbers {
		addNumber(n.Number)
	}
	for _, l := range r.Lines {
		add(l.Claim.Product.Serial)
		add(l.Claim.Product.Model)
		add(l.ReceivedSerial)
		add(l.ReceivedModel)
		add(l.ReplacementSerial)
		add(l.ReplacementModel)
		add(l.PartNumber)
		if l.Advance != nil { // issue 14: the replacement shipped in advance
			add(l.Advance.Serial)
		}
	}
	return out
}

// searchKey is how terms and queries are compared: trimmed, lower-cased,
// valid UTF-8 (byte order is then code point order, which prefixEnd needs).
func searchKey(s string) string {
	return strings.ToLower(strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD")))
}

// children are an RMA's numbers, deadlines, search terms, jobs and shadow
// lines as rows to insert, what SaveRMA replaces (jobs and shadow lines
// are only added).
func (w *rmaWrite) children(rmaID int64) []Rows {
	terms := make([][]any, len(w.terms))
	for i, t := range w.terms {
		terms[i] = []any{t, rmaID}
	}
	return []Rows{
		{Table: "rma_numbers", Cols: append([]string{"rma_id"}, numberCols...), Values: withRMA(rmaID, w.numbers)},
		{Table: "deadlines", Cols: append([]string{"rma_id"}, deadlineCols...), Values: withRMA(rmaID, w.deadlines)},
		{Table: "search_terms", Cols: []string{"term", "rma_id"}, Values: terms},
		{Table: "jobs", Cols: jobCols, Values: jobRows(rmaID, w.jobs)},
		{Table: "policy_shadow_lines", Cols: append([]string{"rma_id"}, shadowLineCols...), Values: withRMA(rmaID, w.shadow)},
	}
}

// insertCharges writes the new charges one statement each: they are rare,
// and their IDs come back in order.
func insertCharges(ctx context.Context, q Querier, rmaID int64, w *rmaWrite) ([]int64, error) {
	var ids []int64
	for _, args := range w.charges {
		var id int64
		if err := q.QueryRowContext(ctx, insertChargeSQL, append([]any{rmaID}, args...)...).Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (w *rmaWrite) setCharges(r *rma.RMA, ids []int64) {
	for i, at := range w.chargeAt {
		r.Charges[at].ID, r.Charges[at].Created = ids[i], w.chargeNew[i]
	}
}

// CreateRMA stores a new RMA, everything it holds and its first event in
// one transaction. See rma.Store.
func (st *Store) CreateRMA(ctx context.Context, r *rma.RMA, ev *rma.Event, idempotencyKey string) error {
	c, err := newCreate(r, ev, idempotencyKey)
	if err != nil {
		return err
	}
	if bulk, ok := st.e.(Bulk); ok {
		err = st.createBatched(bulk, c) // batch.go
	} else {
		err = st.write(ctx, "create rma", func(q Querier) error { return st.insertRMA(ctx, q, c) })
	}
	if err != nil {
		return err
	}
	c.stored()
	return nil
}

// CreateRMAs stores many new RMAs together, each as CreateRMA would: a
// bulk load (an import, the load tool's seed) pays one commit for the
// batch (Engine.WriteEach). errs[i] is item i's refusal, which stores
// nothing of it and leaves the others; a failure of the database is every
// item's error. err is never set.
func (st *Store) CreateRMAs(ctx context.Context, rs []*rma.RMA, evs []*rma.Event, keys []string) (errs []error, err error) {
	if len(evs) != len(rs) || len(keys) != len(rs) {
		return nil, rma.Invalid("rmas", "%d RMAs, %d events and %d keys: one of each per RMA", len(rs), len(evs), len(keys))
	}
	errs = make([]error, len(rs))
	creates := make([]*create, 0, len(rs))
	fns := make([]func(q Querier) error, 0, len(rs))
	at := make([]int, 0, len(rs))
	for i := range rs {
		c, err := newCreate(rs[i], evs[i], keys[i])
		if err != nil {
			errs[i] = err
			continue
		}
		creates = append(creates, c)
		fns = append(fns, func(q Querier) error { return st.insertRMA(ctx, q, c) })
		at = append(at, i)
	}
	if b, ok := st.e.(Bulk); ok && len(creates) > 1 {
		// PostgreSQL loads the batch with COPY; a refusal anywhere in it
		// stores nothing, and the items are written as below, each with
		// its own answer.
		if st.bulkCreate(ctx, b, creates) == nil {
			st.bulkLoads.Add(1)
			for _, c := range creates {
				c.stored()
			}
			return errs, nil
		}
	}
	for j, err := range st.e.WriteEach(ctx, "create rma", fns) {
		if err != nil {
			errs[at[j]] = err
			continue
		}
		creates[j].stored()
	}
	return errs, nil
}

// create is one new RMA encoded for its transaction, and what the
// transaction gave it. insertRMA may run more than once (a retried
// transaction): it sets its results afresh.
type create struct {
	r                *rma.RMA
	w                *rmaWrite
	evw              *eventWrite
	created, updated time.Time
	createdText      any
	key              any

	id                 int64
	lineIDs, chargeIDs []int64
}

func newCreate(r *rma.RMA, ev *rma.Event, idempotencyKey string) (*create, error) {
	if r == nil {
		return nil, rma.Invalid("rma", "missing")
	}
	c := &create{r: r, created: r.Created, updated: r.Updated}
	if c.created.IsZero() {
		c.created = now()
	}
	if c.updated.IsZero() {
		c.updated = c.created
	}
	var err error
	if c.w, err = encodeRMA(r, c.updated, c.created); err != nil {
		return nil, err
	}
	if c.evw, err = encodeEvents([]*rma.Event{ev}); err != nil {
		return nil, err
	}
	var enc encoder
	c.createdText = enc.Time("created", c.created)
	if enc.Err != nil {
		return nil, enc.Err
	}
	if idempotencyKey != "" {
		c.key = idempotencyKey
	}
	return c, nil
}

// insertRMA writes c in the transaction q: the RMA's row, its charges, then
// its lines, numbers, deadlines, search terms, jobs and first event
// together (Dialect.InsertRows: one statement on PostgreSQL).
func (st *Store) insertRMA(ctx context.Context, q Querier, c *create) error {
	r, w := c.r, c.w
	// A key already used inserts nothing (and returns no id) rather than
	// failing: the transaction stays usable to read the RMA that has it,
	// and, on PostgreSQL, an insert racing the key's holder waits for it
	// to commit. A NULL key never conflicts.
	row := Rows{Table: "rmas", Cols: rmaInsertCols, Values: [][]any{append(append([]any{}, w.rma...), r.OrgID, 1, c.createdText, c.key)},
		Returning: "id, version", OnConflict: "(org_id, idempotency_key) DO NOTHING"}
	c.id = 0
	if err := st.d.InsertRows(ctx, q, []Rows{row}, func(_ int, id int64, _ int) { c.id = id }); err != nil {
		return err
	}
	if c.id == 0 {
		// Only the key can have stopped the insert. Its holder has
		// committed (on PostgreSQL the insert waited for it if it had not,
		// and each statement at READ COMMITTED sees what is committed), or
		// is an earlier write of this SQLite batch.
		var existing int64
		if err := q.QueryRowContext(ctx, `SELECT id FROM rmas WHERE org_id = $1 AND idempotency_key = $2`, r.OrgID, c.key).Scan(&existing); err != nil {
			return err
		}
		return &rma.Error{Code: rma.ECONFLICT, Message: fmt.Sprintf("idempotency key %q was already used for RMA %d", c.key, existing), ExistingID: existing}
	}
	var err error
	if c.chargeIDs, err = insertCharges(ctx, q, c.id, w); err != nil {
		return err
	}
	lineAt := make(map[int]int, len(w.lineNos)) // line_no -> index
	for i, no := range w.lineNos {
		lineAt[no] = i
	}
	c.lineIDs = make([]int64, len(w.lines))
	sets := append([]Rows{{Table: "rma_lines", Cols: lineInsertCols, Values: withRMA(c.id, w.lines), Returning: "id, line_no"}},
		w.children(c.id)...)
	// The roll-ups (reports.go), before the lines are written: a unit's
	// return number counts the lines filed before it, not itself.
	rr := *r
	rr.Created = c.created
	reports, err := reportRows(c.id, nil, report.Change{RMA: &rr, Events: reportEvents(c.evw), Now: c.created, Seen: seenIn(ctx, q)})
	if err != nil {
		return err
	}
	sets = append(sets, reports...)
	// A new RMA has no events yet: its first is number 1.
	return st.insertEvents(ctx, q, c.id, 0, c.evw, sets, func(set int, id int64, n int) {
		if set == 0 {
			c.lineIDs[lineAt[n]] = id
		}
	})
}

// stored gives the RMA and its event what the committed transaction gave them.
func (c *create) stored() {
	r := c.r
	r.ID, r.Version, r.Created, r.Updated = c.id, 1, c.created.UTC(), c.updated.UTC()
	r.Jobs, r.Shadow = nil, nil
	for i := range r.Lines {
		r.Lines[i].ID, r.Lines[i].No = c.lineIDs[i], c.w.lineNos[i]
	}
	c.w.setCharges(r, c.chargeIDs)
	c.evw.setEvents(c.id)
}

// SaveRMA writes r over the stored RMA if that is still expectVersion, and
// appends evs, in one transaction. Lines with an ID are updated (they must
// belong to r); lines without one are added; stored lines r leaves out are
// kept, since lines are never deleted. Numbers and deadlines are
// replaced; charges without an ID are added and stored charges left as
// they are. See rma.Store.
func (st *Store) SaveRMA(ctx context.Context, r *rma.RMA, expectVersion int, evs ...*rma.Event) error {
	sv, err := newSave(r, expectVersion, evs)
	if err != nil {
		return err
	}
	if err := st.write(ctx, "save rma", func(q Querier) error { return st.saveIn(ctx, q, sv) }); err != nil {
		return err
	}
	sv.saved()
	return nil
}

// save is one RMA's SaveRMA encoded for its transaction, and what the
// transaction gave it; a supplier RMA's step saves several in its own
// (suppliers.go). saveIn may run more than once: it sets its results afresh.
type save struct {
	r             *rma.RMA
	expectVersion int
	updated       time.Time
	chargedAt     time.Time // new charges' time (encodeRMA)
	w             *rmaWrite
	evw           *eventWrite
	// supplier are the supplier lines of this RMA a supplier RMA's step
	// writes with it (suppliers.go), for the roll-ups.
	supplier []rma.SupplierLine
	units    [][]any // the registry's rows of the units the change ships (units.go)

	lineIDs, chargeIDs []int64
}

func newSave(r *rma.RMA, expectVersion int, evs []*rma.Event) (*save, error) {
	if r == nil {
		return nil, rma.Invalid("rma", "missing")
	}
	sv := &save{r: r, expectVersion: expectVersion, updated: r.Updated}
	if sv.updated.IsZero() {
		sv.updated = now()
	}
	sv.chargedAt = now()
	var err error
	if sv.w, err = encodeRMA(r, sv.updated, sv.chargedAt); err != nil {
		return nil, err
	}
	if sv.evw, err = encodeEvents(evs); err != nil {
		return nil, err
	}
	if sv.units, err = encodeUnits(r.Units); err != nil {
		return nil, err
	}
	return sv, nil
}

// saveIn writes sv in the transaction q.
func (st *Store) saveIn(ctx context.Context, q Querier, sv *save) error {
	r, w, expectVersion := sv.r, sv.w, sv.expectVersion
	sv.lineIDs = make([]int64, len(r.Lines))
	// On PostgreSQL the UPDATE locks the RMA's row: a second writer of
	// the same version waits here, then finds the version moved and
	// writes nothing. The lock also keeps the events' sequence to one
	// writer. On SQLite the one writer runs one write at a time.
	args := append(append([]any{}, w.rma...), expectVersion+1, r.ID, expectVersion)
	res, err := q.ExecContext(ctx, updateRMASQL, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		var current int
		err := q.QueryRowContext(ctx, `SELECT version FROM rmas WHERE id = $1`, r.ID).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return rma.Errorf(rma.ENOTFOUND, "RMA %d not found", r.ID)
		}
		if err != nil {
			return err
		}
		return rma.Errorf(rma.EPRECONDITION, "RMA %d is at version %d, not %d: it changed since it was read", r.ID, current, expectVersion)
	}
	// The roll-ups (reports.go), read under the RMA's row lock and before
	// new lines are written (a unit's return number counts the lines
	// filed before it).
	old, err := loadRecord(ctx, q, r.ID)
	if err != nil {
		return err
	}
	reports, err := reportRows(r.ID, old, report.Change{RMA: r, Events: reportEvents(sv.evw), Now: sv.chargedAt,
		Supplier: sv.supplier, Seen: seenIn(ctx, q)})
	if err != nil {
		return err
	}
	for i, l := range w.lines {
		id := r.Lines[i].ID
		if id == 0 {
			if err := q.QueryRowContext(ctx, insertLineSQL, append([]any{r.ID}, l...)...).Scan(&id); err != nil {
				return err
			}
		} else {
			res, err := q.ExecContext(ctx, updateLineSQL, append(append([]any{}, l...), id, r.ID)...)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return rma.Invalid(fmt.Sprintf("lines[%d]", i), "line %d is not a line of RMA %d", id, r.ID)
			}
		}
		sv.lineIDs[i] = id
	}
	for _, table := range []string{"rma_numbers", "deadlines", "search_terms"} {
		if _, err := q.ExecContext(ctx, "DELETE FROM "+table+" WHERE rma_id = $1", r.ID); err != nil {
			return err
		}
	}
	if sv.chargeIDs, err = insertCharges(ctx, q, r.ID, w); err != nil {
		return err
	}
	if err := st.putUnits(ctx, q, sv.units); err != nil {
		return err
	}
	return st.appendEvents(ctx, q, r.ID, sv.evw, append(w.children(r.ID), reports...), nil)
}

// saved gives the RMA and its events what the committed transaction gave them.
func (sv *save) saved() {
	r := sv.r
	r.Version, r.Updated = sv.expectVersion+1, sv.updated.UTC()
	r.Jobs, r.Shadow, r.Units = nil, nil, nil
	for i := range r.Lines {
		r.Lines[i].ID, r.Lines[i].No = sv.lineIDs[i], sv.w.lineNos[i]
	}
	sv.w.setCharges(r, sv.chargeIDs)
	sv.evw.setEvents(r.ID)
}

// RMA loads one RMA with everything it holds: one query per table.
func (st *Store) RMA(ctx context.Context, id int64) (*rma.RMA, error) {
	var r *rma.RMA
	err := st.read(ctx, "rma", func(q Querier) error {
		var err error
		r, err = loadRMA(ctx, q, id)
		return err
	})
	return r, err
}

// RMAByNumber finds an RMA by its current or any earlier number.
func (st *Store) RMAByNumber(ctx context.Context, number string) (*rma.RMA, error) {
	if !storable(number) {
		return nil, rma.Errorf(rma.ENOTFOUND, "RMA number %q not found", number)
	}
	var r *rma.RMA
	err := st.read(ctx, "rma by number", func(q Querier) error {
		var id int64
		err := q.QueryRowContext(ctx,
			`SELECT id FROM rmas WHERE number = $1
			 UNION SELECT rma_id FROM rma_numbers WHERE number = $1`, number).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return rma.Errorf(rma.ENOTFOUND, "RMA number %q not found", number)
		}
		if err != nil {
			return err
		}
		r, err = loadRMA(ctx, q, id)
		return err
	})
	return r, err
}
