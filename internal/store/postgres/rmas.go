package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Column lists are written once and the statements built from them, so an
// INSERT, its UPDATE and its SELECT cannot disagree on the order.

// rmaMutable are the columns SaveRMA rewrites; CreateRMA adds rmaFixed.
var rmaMutable = []string{
	"number", "number_expires", "reference", "policy_id", "policy_version",
	"kind", "state", "verdict", "route", "resolution", "outcome", "reason",
	"referred_to", "location", "no_substitute", "reported", "updated", "preference",
}

var rmaFixed = []string{"org_id", "version", "created", "idempotency_key"}

var lineCols = []string{
	"line_no", "claim", "serial", "model", "quantity", "fault", "price_cents", "price_currency",
	"decision", "received_serial", "received_model", "serial_mismatch", "missing_accessories",
	"enclosed_documents", "finding", "finding_condition", "evaluation_notes",
	"replacement_serial", "replacement_model", "replacement_grade", "replacement_warranty_end",
}

var numberCols = []string{"position", "number", "issued", "expires", "is_current"}

var deadlineCols = []string{"position", "name", "owner", "due", "met", "clause", "description"}

var chargeCols = []string{"line_no", "kind", "basis", "description", "quantity", "amount_cents", "currency", "clause", "created"}

var eventCols = []string{"seq", "at", "actor", "action", "from_state", "to_state", "details"}

var (
	// A key already used inserts nothing (and returns no id) rather than
	// failing: the transaction stays usable to read the RMA that has it.
	insertRMASQL = insertSQL("rmas", append(append([]string{}, rmaMutable...), rmaFixed...)) +
		" ON CONFLICT (org_id, idempotency_key) DO NOTHING RETURNING id"
	updateRMASQL = fmt.Sprintf("UPDATE rmas SET %s, version = $%d WHERE id = $%d AND version = $%d",
		setList(rmaMutable), len(rmaMutable)+1, len(rmaMutable)+2, len(rmaMutable)+3)
	insertLineSQL = insertSQL("rma_lines", append([]string{"rma_id"}, lineCols...)) + " RETURNING id"
	updateLineSQL = fmt.Sprintf("UPDATE rma_lines SET %s WHERE id = $%d AND rma_id = $%d",
		setList(lineCols), len(lineCols)+1, len(lineCols)+2)
	insertNumberSQL   = insertSQL("rma_numbers", append([]string{"rma_id"}, numberCols...))
	insertDeadlineSQL = insertSQL("deadlines", append([]string{"rma_id"}, deadlineCols...))
	insertChargeSQL   = insertSQL("charges", append([]string{"rma_id"}, chargeCols...)) + " RETURNING id"
	insertEventSQL    = insertSQL("events", append([]string{"rma_id"}, eventCols...)) + " RETURNING id"
)

// insertSQL is "INSERT INTO table (a, b) VALUES ($1, $2)".
func insertSQL(table string, cols []string) string {
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, strings.Join(cols, ", "), params(1, len(cols)))
}

// setList is "a = $1, b = $2".
func setList(cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%s = $%d", c, i+1)
	}
	return strings.Join(parts, ", ")
}

// params is "$from, ..., $(from+n-1)".
func params(from, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(parts, ", ")
}

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
		enc.Date("reported", r.Reported), enc.Time("updated", updated), r.Preference,
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
			c.Amount.Cents, c.Amount.Currency, c.Clause, enc.Time(f+"created", at)})
		w.chargeAt = append(w.chargeAt, i)
		w.chargeNew = append(w.chargeNew, at.UTC())
	}
	w.terms = searchTerms(r)
	if enc.Err != nil {
		return nil, enc.Err
	}
	return w, nil
}

// eventWrite is a batch of events encoded for appending.
type eventWrite struct {
	events []*rma.Event
	args   [][]any // eventCols without seq, which is known only in the transaction
	at     []time.Time
}

// encodeEvents skips nil events: "no event" is not an error.
func encodeEvents(evs []*rma.Event) (*eventWrite, error) {
	var enc encoder
	w := &eventWrite{}
	t := now()
	for i, ev := range evs {
		if ev == nil {
			continue
		}
		f := fmt.Sprintf("events[%d].", i)
		at := ev.At
		if at.IsZero() {
			at = t
		}
		w.events = append(w.events, ev)
		w.at = append(w.at, at.UTC())
		w.args = append(w.args, []any{enc.Time(f+"at", at), ev.Actor, ev.Action, string(ev.From), string(ev.To),
			enc.JSON(f+"details", ev.Details, ev.Details == nil)})
	}
	return w, enc.Err
}

// appendEvents writes the events after the RMA's last one and returns
// their IDs and sequence numbers. The caller holds the RMA's row lock
// (SaveRMA's UPDATE, touchRMA) or has just created the RMA: otherwise two
// writers could read the same last seq, and one would fail on (rma_id, seq).
func appendEvents(ctx context.Context, tx *sql.Tx, rmaID int64, w *eventWrite) (ids []int64, seqs []int, err error) {
	if len(w.events) == 0 {
		return nil, nil, nil
	}
	var last int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events WHERE rma_id = $1`, rmaID).Scan(&last); err != nil {
		return nil, nil, err
	}
	return appendEventsAfter(ctx, tx, rmaID, last, w)
}

// appendEventsAfter writes the events after event number last.
func appendEventsAfter(ctx context.Context, tx *sql.Tx, rmaID int64, last int, w *eventWrite) (ids []int64, seqs []int, err error) {
	if len(w.events) == 0 {
		return nil, nil, nil
	}
	for i, args := range w.args {
		seq := last + i + 1
		var id int64
		row := append([]any{rmaID, seq}, args...)
		if err := tx.QueryRowContext(ctx, insertEventSQL, row...).Scan(&id); err != nil {
			return nil, nil, err
		}
		ids, seqs = append(ids, id), append(seqs, seq)
	}
	return ids, seqs, nil
}

// Where the events' states sit in eventWrite.args (eventCols without seq).
var (
	eventFromArg = slices.Index(eventCols, "from_state") - 1
	eventToArg   = slices.Index(eventCols, "to_state") - 1
)

// inState makes the events record state as both their start and their end:
// they are events that do not move the RMA (a document, a message), written
// in the state the RMA is in within the writing transaction, whatever state
// the caller saw when it read the RMA.
func (w *eventWrite) inState(state rma.State) {
	for _, a := range w.args {
		a[eventFromArg], a[eventToArg] = string(state), string(state)
	}
}

// setState gives the caller's events the state they were written in, once
// committed.
func (w *eventWrite) setState(state rma.State) {
	for _, ev := range w.events {
		ev.From, ev.To = state, state
	}
}

// setEvents records what the store gave the events, once committed.
func (w *eventWrite) setEvents(rmaID int64, ids []int64, seqs []int) {
	for i, ev := range w.events {
		ev.ID, ev.RMAID, ev.Seq, ev.At = ids[i], rmaID, seqs[i], w.at[i]
	}
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
	}
	return out
}

// searchKey is how terms and queries are compared: trimmed, lower-cased,
// valid UTF-8 (byte order is then code point order, which prefixEnd needs).
func searchKey(s string) string {
	return strings.ToLower(strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD")))
}

// writeChildren writes an RMA's numbers, deadlines, new charges and search
// terms, replacing what SaveRMA replaces; lines are written by the caller.
func writeChildren(ctx context.Context, tx *sql.Tx, rmaID int64, w *rmaWrite, replace bool) (chargeIDs []int64, err error) {
	if replace {
		for _, table := range []string{"rma_numbers", "deadlines", "search_terms"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE rma_id = $1", rmaID); err != nil {
				return nil, err
			}
		}
	}
	for _, args := range w.numbers {
		if _, err := tx.ExecContext(ctx, insertNumberSQL, append([]any{rmaID}, args...)...); err != nil {
			return nil, err
		}
	}
	for _, args := range w.deadlines {
		if _, err := tx.ExecContext(ctx, insertDeadlineSQL, append([]any{rmaID}, args...)...); err != nil {
			return nil, err
		}
	}
	for _, args := range w.charges {
		var id int64
		if err := tx.QueryRowContext(ctx, insertChargeSQL, append([]any{rmaID}, args...)...).Scan(&id); err != nil {
			return nil, err
		}
		chargeIDs = append(chargeIDs, id)
	}
	terms := make([][]any, len(w.terms))
	for i, t := range w.terms {
		terms[i] = []any{t, rmaID}
	}
	if err := insertRows(ctx, tx, "search_terms", []string{"term", "rma_id"}, terms); err != nil {
		return nil, err
	}
	return chargeIDs, nil
}

// insertRows inserts rows into table in one statement: one round trip.
func insertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
	args := make([]any, 0, len(rows)*len(cols))
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(" + params(1+i*len(cols), len(cols)) + ")")
		args = append(args, r...)
	}
	_, err := tx.ExecContext(ctx, b.String(), args...)
	return err
}

// CreateRMA stores a new RMA, everything it holds and its first event in
// one transaction. See rma.Store.
func (db *DB) CreateRMA(ctx context.Context, r *rma.RMA, ev *rma.Event, idempotencyKey string) error {
	c, err := newCreate(r, ev, idempotencyKey)
	if err != nil {
		return err
	}
	if err := db.write(ctx, "create rma", func(tx *sql.Tx) error { return c.write(ctx, tx) }); err != nil {
		return err
	}
	c.stored()
	return nil
}

// CreateRMAs stores many new RMAs in one transaction, each as CreateRMA
// would: a bulk load (an import, the load tool's seed) pays one commit for
// the batch. errs[i] is item i's refusal, which stores nothing of it and
// leaves the others. The batch is written at once; should an item be
// refused inside the transaction (a key or a number taken), the
// transaction is rolled back and the items are written one by one, each in
// its own transaction, so each gets its own answer. err is a failure of
// the whole (the database), which stores nothing.
func (db *DB) CreateRMAs(ctx context.Context, rs []*rma.RMA, evs []*rma.Event, keys []string) (errs []error, err error) {
	if len(evs) != len(rs) || len(keys) != len(rs) {
		return nil, rma.Invalid("rmas", "%d RMAs, %d events and %d keys: one of each per RMA", len(rs), len(evs), len(keys))
	}
	errs = make([]error, len(rs))
	var creates []*create
	for i := range rs {
		c, err := newCreate(rs[i], evs[i], keys[i])
		if err != nil {
			errs[i] = err
			continue
		}
		c.index = i
		creates = append(creates, c)
	}
	var refused error
	err = db.write(ctx, "create rmas", func(tx *sql.Tx) error {
		refused = nil
		for _, c := range creates {
			if err := c.write(ctx, tx); err != nil {
				if code := rma.ErrorCode(storeError("create rma", err)); code != rma.EINTERNAL {
					refused = err
				}
				return err
			}
		}
		return nil
	})
	switch {
	case err == nil:
		for _, c := range creates {
			c.stored()
		}
		return errs, nil
	case refused == nil:
		return nil, err
	}
	// One item was refused: each on its own, to find its answer.
	for _, c := range creates {
		if err := db.write(ctx, "create rma", func(tx *sql.Tx) error { return c.write(ctx, tx) }); err != nil {
			if rma.ErrorCode(err) == rma.EINTERNAL {
				return nil, err
			}
			errs[c.index] = err
			continue
		}
		c.stored()
	}
	return errs, nil
}

// create is one new RMA encoded for its transaction, and what the
// transaction gave it. write may run more than once (write retries a
// transaction that failed to serialize): it sets its results afresh.
type create struct {
	r                *rma.RMA
	w                *rmaWrite
	evw              *eventWrite
	jobs             []*jobWrite
	created, updated time.Time
	createdText      any
	key              any
	index            int // in a CreateRMAs batch

	id                           int64
	lineIDs, chargeIDs, eventIDs []int64
	seqs                         []int
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
	if c.jobs, err = encodeJobs(r.Jobs); err != nil {
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

func (c *create) write(ctx context.Context, tx *sql.Tx) error {
	r, w := c.r, c.w
	c.lineIDs = make([]int64, len(w.lines))
	args := append(append([]any{}, w.rma...), r.OrgID, 1, c.createdText, c.key)
	err := tx.QueryRowContext(ctx, insertRMASQL, args...).Scan(&c.id)
	if errors.Is(err, sql.ErrNoRows) {
		// Only the key can have stopped the insert. Its holder has
		// committed (the insert waited for it if it had not), and each
		// statement at READ COMMITTED sees what is committed.
		var existing int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM rmas WHERE org_id = $1 AND idempotency_key = $2`, r.OrgID, c.key).Scan(&existing); err != nil {
			return err
		}
		return &rma.Error{Code: rma.ECONFLICT, Message: fmt.Sprintf("idempotency key %q was already used for RMA %d", c.key, existing), ExistingID: existing}
	}
	if err != nil {
		return err
	}
	// Charges are rare on a new RMA and need their IDs back in order: one
	// statement each, as SaveRMA writes them.
	for _, args := range w.charges {
		var id int64
		if err := tx.QueryRowContext(ctx, insertChargeSQL, append([]any{c.id}, args...)...).Scan(&id); err != nil {
			return err
		}
		c.chargeIDs = append(c.chargeIDs, id)
	}
	// Everything else in one statement (multiinsert.go).
	var m multiInsert
	m.add("rma_lines", append([]string{"rma_id"}, lineCols...), withRMA(c.id, w.lines), "line", "id, line_no")
	m.add("rma_numbers", append([]string{"rma_id"}, numberCols...), withRMA(c.id, w.numbers), "", "")
	m.add("deadlines", append([]string{"rma_id"}, deadlineCols...), withRMA(c.id, w.deadlines), "", "")
	terms := make([][]any, len(w.terms))
	for i, t := range w.terms {
		terms[i] = []any{t, c.id}
	}
	m.add("search_terms", []string{"term", "rma_id"}, terms, "", "")
	m.add("jobs", newJobCols, newJobRows(c.id, c.jobs), "", "")
	// A new RMA has no events yet: its first is number 1.
	events := make([][]any, len(c.evw.args))
	for i, args := range c.evw.args {
		events[i] = append([]any{c.id, i + 1}, args...)
	}
	m.add("events", append([]string{"rma_id"}, eventCols...), events, "event", "id, seq")
	lineAt := map[int]int{} // line_no -> index
	for i, no := range w.lineNos {
		lineAt[no] = i
	}
	c.eventIDs, c.seqs = make([]int64, len(events)), make([]int, len(events))
	return m.run(ctx, tx, func(tag string, id int64, n int) {
		switch tag {
		case "line":
			c.lineIDs[lineAt[n]] = id
		case "event":
			c.eventIDs[n-1], c.seqs[n-1] = id, n
		}
	})
}

// withRMA prefixes each row with the RMA's ID.
func withRMA(id int64, rows [][]any) [][]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = append([]any{id}, r...)
	}
	return out
}

// stored gives the RMA, its jobs and its event what the committed
// transaction gave them.
func (c *create) stored() {
	r := c.r
	r.ID, r.Version, r.Created, r.Updated = c.id, 1, c.created.UTC(), c.updated.UTC()
	setJobs(c.jobs, nil, c.id)
	r.Jobs = nil
	for i := range r.Lines {
		r.Lines[i].ID, r.Lines[i].No = c.lineIDs[i], c.w.lineNos[i]
	}
	c.w.setCharges(r, c.chargeIDs)
	c.evw.setEvents(c.id, c.eventIDs, c.seqs)
}

func (w *rmaWrite) setCharges(r *rma.RMA, ids []int64) {
	for i, at := range w.chargeAt {
		r.Charges[at].ID, r.Charges[at].Created = ids[i], w.chargeNew[i]
	}
}

// SaveRMA writes r over the stored RMA if that is still expectVersion, and
// appends evs, in one transaction. Lines with an ID are updated (they must
// belong to r); lines without one are added; stored lines r leaves out are
// kept, since lines are never deleted. Numbers and deadlines are
// replaced; charges without an ID are added and stored charges left as
// they are. See rma.Store.
func (db *DB) SaveRMA(ctx context.Context, r *rma.RMA, expectVersion int, evs ...*rma.Event) error {
	if r == nil {
		return rma.Invalid("rma", "missing")
	}
	updated := r.Updated
	if updated.IsZero() {
		updated = now()
	}
	w, err := encodeRMA(r, updated, now())
	if err != nil {
		return err
	}
	evw, err := encodeEvents(evs)
	if err != nil {
		return err
	}
	jobs, err := encodeJobs(r.Jobs)
	if err != nil {
		return err
	}

	lineIDs := make([]int64, len(r.Lines))
	var chargeIDs, jobIDs, eventIDs []int64
	var seqs []int
	err = db.write(ctx, "save rma", func(tx *sql.Tx) error {
		// The UPDATE locks the RMA's row: a second writer of the same
		// version waits here, then finds the version moved and writes
		// nothing. The lock also keeps the events' sequence to one writer.
		args := append(append([]any{}, w.rma...), expectVersion+1, r.ID, expectVersion)
		res, err := tx.ExecContext(ctx, updateRMASQL, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var current int
			err := tx.QueryRowContext(ctx, `SELECT version FROM rmas WHERE id = $1`, r.ID).Scan(&current)
			if errors.Is(err, sql.ErrNoRows) {
				return rma.Errorf(rma.ENOTFOUND, "RMA %d not found", r.ID)
			}
			if err != nil {
				return err
			}
			return rma.Errorf(rma.EPRECONDITION, "RMA %d is at version %d, not %d: it changed since it was read", r.ID, current, expectVersion)
		}
		for i, l := range w.lines {
			id := r.Lines[i].ID
			if id == 0 {
				if err := tx.QueryRowContext(ctx, insertLineSQL, append([]any{r.ID}, l...)...).Scan(&id); err != nil {
					return err
				}
			} else {
				res, err := tx.ExecContext(ctx, updateLineSQL, append(append([]any{}, l...), id, r.ID)...)
				if err != nil {
					return err
				}
				if n, err := res.RowsAffected(); err != nil {
					return err
				} else if n == 0 {
					return rma.Invalid(fmt.Sprintf("lines[%d]", i), "line %d is not a line of RMA %d", id, r.ID)
				}
			}
			lineIDs[i] = id
		}
		if chargeIDs, err = writeChildren(ctx, tx, r.ID, w, true); err != nil {
			return err
		}
		if jobIDs, err = insertJobs(ctx, tx, r.ID, jobs); err != nil {
			return err
		}
		eventIDs, seqs, err = appendEvents(ctx, tx, r.ID, evw)
		return err
	})
	if err != nil {
		return err
	}
	r.Version, r.Updated = expectVersion+1, updated.UTC()
	setJobs(jobs, jobIDs, r.ID)
	r.Jobs = nil
	for i := range r.Lines {
		r.Lines[i].ID, r.Lines[i].No = lineIDs[i], w.lineNos[i]
	}
	w.setCharges(r, chargeIDs)
	evw.setEvents(r.ID, eventIDs, seqs)
	return nil
}

// RMA loads one RMA with everything it holds: one query per table.
func (db *DB) RMA(ctx context.Context, id int64) (*rma.RMA, error) {
	var r *rma.RMA
	err := db.read(ctx, "rma", func(tx *sql.Tx) error {
		var err error
		r, err = loadRMA(ctx, tx, id)
		return err
	})
	return r, err
}

// RMAByNumber finds an RMA by its current or any earlier number.
func (db *DB) RMAByNumber(ctx context.Context, number string) (*rma.RMA, error) {
	if !storable(number) {
		return nil, rma.Errorf(rma.ENOTFOUND, "RMA number %q not found", number)
	}
	var r *rma.RMA
	err := db.read(ctx, "rma by number", func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx,
			`SELECT id FROM rmas WHERE number = $1
			 UNION SELECT rma_id FROM rma_numbers WHERE number = $1`, number).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return rma.Errorf(rma.ENOTFOUND, "RMA number %q not found", number)
		}
		if err != nil {
			return err
		}
		r, err = loadRMA(ctx, tx, id)
		return err
	})
	return r, err
}

func loadRMA(ctx context.Context, q querier, id int64) (*rma.RMA, error) {
	r, err := scanRMA(q.QueryRowContext(ctx, `SELECT `+rmaColumns+` FROM rmas r WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "RMA %d not found", id)
	}
	if err != nil {
		return nil, err
	}
	if r.Lines, err = loadLines(ctx, q, id); err != nil {
		return nil, err
	}
	if r.Numbers, err = loadNumbers(ctx, q, id); err != nil {
		return nil, err
	}
	deadlines, err := loadDeadlines(ctx, q, []int64{id})
	if err != nil {
		return nil, err
	}
	r.Deadlines = deadlines[id]
	if r.Charges, err = loadCharges(ctx, q, id); err != nil {
		return nil, err
	}
	return r, nil
}

const rmaColumns = `r.id, r.number, r.number_expires, r.org_id, r.reference, r.policy_id, r.policy_version,
	r.kind, r.state, r.verdict, r.route, r.resolution, r.outcome, r.reason, r.referred_to, r.location,
	r.no_substitute, r.reported, r.version, r.created, r.updated, r.preference`

type scanner interface{ Scan(...any) error }

func scanRMA(row scanner) (*rma.RMA, error) {
	var r rma.RMA
	var number, expires, reported, created, updated sql.NullString
	var kind, state, verdict, route, outcome string
	err := row.Scan(&r.ID, &number, &expires, &r.OrgID, &r.Reference, &r.PolicyID, &r.PolicyVersion,
		&kind, &state, &verdict, &route, &r.Resolution, &outcome, &r.Reason, &r.ReferredTo, &r.Location,
		&r.NoSubstitute, &reported, &r.Version, &created, &updated, &r.Preference)
	if err != nil {
		return nil, err
	}
	d := decoder{Where: fmt.Sprintf("rma %d", r.ID)}
	r.Number = number.String
	r.NumberExpires = d.Date("number_expires", expires)
	d.Text("kind", kind, &r.Kind)
	r.State = rma.State(state)
	d.Text("verdict", verdict, &r.Verdict)
	d.Text("route", route, &r.Route)
	r.Outcome = rma.Outcome(outcome)
	r.Reported = d.Date("reported", reported)
	r.Created = d.Time("created", created)
	r.Updated = d.Time("updated", updated)
	return &r, d.Err
}

const lineColumns = `l.id, l.rma_id, l.line_no, l.claim, l.quantity, l.fault, l.price_cents, l.price_currency,
	l.decision, l.received_serial, l.received_model, l.serial_mismatch, l.missing_accessories,
	l.enclosed_documents, l.finding, l.finding_condition, l.evaluation_notes,
	l.replacement_serial, l.replacement_model, l.replacement_grade, l.replacement_warranty_end`

// scanLine reads lineColumns.
func scanLine(row scanner) (rma.Line, error) { return scanLineAfter(row, nil) }

// scanLineAfter reads the columns before, then lineColumns, then after, for
// queries that select a line with more.
func scanLineAfter(row scanner, before []any, after ...any) (rma.Line, error) {
	var l rma.Line
	var rmaID int64
	var claim, accessories, enclosed, warrantyEnd sql.NullString
	var decision, finding string
	dest := []any{&l.ID, &rmaID, &l.No, &claim, &l.Quantity, &l.Fault, &l.LastInvoicedPrice.Cents, &l.LastInvoicedPrice.Currency,
		&decision, &l.ReceivedSerial, &l.ReceivedModel, &l.SerialMismatch, &accessories,
		&enclosed, &finding, &l.FindingCondition, &l.EvaluationNotes,
		&l.ReplacementSerial, &l.ReplacementModel, &l.ReplacementGrade, &warrantyEnd}
	dest = append(append(before, dest...), after...)
	if err := row.Scan(dest...); err != nil {
		return l, err
	}
	d := decoder{Where: fmt.Sprintf("rma %d line %d", rmaID, l.No)}
	l.Claim = d.Claim("claim", claim)
	l.Decision = d.Decision("decision", decision)
	l.MissingAccessories = d.Strings("missing_accessories", accessories)
	l.EnclosedDocuments = d.Documents("enclosed_documents", enclosed)
	l.Finding = rma.Finding(finding)
	l.ReplacementWarrantyEnd = d.Date("replacement_warranty_end", warrantyEnd)
	return l, d.Err
}

func loadLines(ctx context.Context, q querier, rmaID int64) ([]rma.Line, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+lineColumns+` FROM rma_lines l WHERE l.rma_id = $1 ORDER BY l.line_no`, rmaID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rma.Line
	for rows.Next() {
		l, err := scanLine(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func loadNumbers(ctx context.Context, q querier, rmaID int64) ([]rma.NumberRecord, error) {
	rows, err := q.QueryContext(ctx,
		`SELECT number, issued, expires, is_current FROM rma_numbers WHERE rma_id = $1 ORDER BY position`, rmaID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rma.NumberRecord
	d := decoder{Where: fmt.Sprintf("rma %d", rmaID)}
	for rows.Next() {
		var n rma.NumberRecord
		var issued, expires sql.NullString
		if err := rows.Scan(&n.Number, &issued, &expires, &n.Current); err != nil {
			return nil, err
		}
		n.Issued = d.Date("number issued", issued)
		n.Expires = d.Date("number expires", expires)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, d.Err
}

// loadDeadlines loads the deadlines of several RMAs in one query, so a page
// of a list costs two queries however long it is.
func loadDeadlines(ctx context.Context, q querier, rmaIDs []int64) (map[int64][]rma.Deadline, error) {
	out := map[int64][]rma.Deadline{}
	if len(rmaIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(rmaIDs))
	for i, id := range rmaIDs {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx,
		`SELECT rma_id, name, owner, due, met, clause, description FROM deadlines
		 WHERE rma_id IN (`+params(1, len(args))+`) ORDER BY rma_id, position`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var dl rma.Deadline
		var due, met sql.NullString
		if err := rows.Scan(&id, &dl.Name, &dl.Owner, &due, &met, &dl.Clause, &dl.Text); err != nil {
			return nil, err
		}
		d := decoder{Where: fmt.Sprintf("rma %d deadline %q", id, dl.Name)}
		dl.Due = d.Date("due", due)
		dl.Met = d.Time("met", met)
		if d.Err != nil {
			return nil, d.Err
		}
		out[id] = append(out[id], dl)
	}
	return out, rows.Err()
}

func loadCharges(ctx context.Context, q querier, rmaID int64) ([]rma.Charge, error) {
	rows, err := q.QueryContext(ctx,
		`SELECT id, line_no, kind, basis, description, quantity, amount_cents, currency, clause, created
		 FROM charges WHERE rma_id = $1 ORDER BY id`, rmaID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rma.Charge
	d := decoder{Where: fmt.Sprintf("rma %d charges", rmaID)}
	for rows.Next() {
		var c rma.Charge
		var created sql.NullString
		if err := rows.Scan(&c.ID, &c.LineNo, &c.Kind, &c.Basis, &c.Description, &c.Quantity,
			&c.Amount.Cents, &c.Amount.Currency, &c.Clause, &created); err != nil {
			return nil, err
		}
		c.Created = d.Time("created", created)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, d.Err
}
