package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
)

// Suppliers and supplier RMAs (issue 12). A supplier is an organisation
// (role supplier) with a row of its own in suppliers; a supplier RMA is
// written in one transaction with the RMAs whose lines it holds, so a line
// is at a supplier exactly when its RMA says so.

// CreateSupplier stores the supplier's organisation and its supplier row
// in one transaction. See rma.SupplierStore.
func (st *Store) CreateSupplier(ctx context.Context, s *rma.Supplier) error {
	if s == nil {
		return rma.Invalid("supplier", "missing")
	}
	if nameKey(s.Name) == "" {
		return rma.Invalid("name", "required")
	}
	created := orNow(s.Created)
	var enc encoder
	createdText := enc.Time("created", created)
	claimRole := enc.Name("claim_role", s.ClaimRole)
	if enc.Err != nil {
		return enc.Err
	}
	org := s.Org
	org.Supplier, org.IsDesk = true, false
	var id int64
	err := st.write(ctx, "create supplier", func(q Querier) error {
		var err error
		if id, err = st.insertOrg(ctx, q, &org, "", createdText); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `INSERT INTO suppliers (org_id, policy_id, claim_role, response_days) VALUES ($1, $2, $3, $4)`,
			id, s.PolicyID, claimRole, s.ResponseDays)
		return err
	})
	if err != nil {
		return err
	}
	s.ID, s.Created, s.Supplier, s.IsDesk = id, created.UTC(), true, false
	return nil
}

var supplierSelect = `SELECT s.policy_id, s.claim_role, s.response_days, ` + sqlcodec.Columns("o", orgColumns) +
	` FROM suppliers s JOIN orgs o ON o.id = s.org_id`

func scanSupplier(row scanner) (*rma.Supplier, error) {
	var s rma.Supplier
	var role string
	o, err := scanOrg(sqlcodec.ScanAfter{Row: row, Dest: []any{&s.PolicyID, &role, &s.ResponseDays}})
	if err != nil {
		return nil, err
	}
	s.Org = *o
	d := decoder{Where: fmt.Sprintf("supplier %d", o.ID)}
	s.ClaimRole = d.Role("claim_role", role)
	return &s, d.Err
}

func (st *Store) Supplier(ctx context.Context, orgID int64) (*rma.Supplier, error) {
	s, err := scanSupplier(st.pool().QueryRowContext(ctx, supplierSelect+` WHERE s.org_id = $1`, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "supplier %d not found", orgID)
	}
	if err != nil {
		return nil, st.storeError("supplier", err)
	}
	return s, nil
}

func (st *Store) Suppliers(ctx context.Context) ([]rma.Supplier, error) {
	out, err := collect(ctx, st.pool(), func(row scanner) (rma.Supplier, error) {
		s, err := scanSupplier(row)
		if err != nil {
			return rma.Supplier{}, err
		}
		return *s, nil
	}, supplierSelect+` ORDER BY s.org_id`)
	if err != nil {
		return nil, st.storeError("suppliers", err)
	}
	return out, nil
}

// supplierWrite is a supplier RMA encoded before its transaction, with the
// RMAs saved in it (in the order of their IDs, so two steps over the same
// RMAs take their row locks in one order and cannot deadlock).
type supplierWrite struct {
	row   []any   // reference, due, carrier, tracking, shipped, note, updated
	lines [][]any // position, rma_id, line_no, then the verdict's columns (insertSupplierLineSQL)
	ids   []int64 // the lines' IDs: 0 for a line to insert
	evs   [][]any // at, actor, action, details
	saves []*save
	// src are the supplier RMA's lines with its supplier, for the RMAs'
	// roll-ups (reports.go).
	src      []rma.SupplierLine
	supplier int64

	id      int64
	lineIDs []int64
	evIDs   []int64
	evSeqs  []int
}

func encodeSupplier(s *rma.SupplierRMA, evs []*rma.SupplierEvent, rmas []rma.RMASave) (*supplierWrite, error) {
	if s == nil {
		return nil, rma.Invalid("supplier_rma", "missing")
	}
	var enc encoder
	w := &supplierWrite{src: slices.Clone(s.Lines), supplier: s.SupplierID}
	updated := orNow(s.Updated)
	w.row = []any{s.Reference, enc.Date("due", s.Due), s.Carrier, s.Tracking, enc.Date("shipped", s.Shipped), s.Note, enc.Time("updated", updated)}
	for i, l := range s.Lines {
		f := fmt.Sprintf("lines[%d].", i)
		w.ids = append(w.ids, l.ID)
		w.lines = append(w.lines, []any{i, l.RMAID, l.LineNo, string(l.Verdict), string(l.Remedy), l.ReplacementSerial,
			l.Credit.Cents, l.Credit.Currency, l.Charge.Cents, l.Charge.Currency, l.Notes, enc.Time(f+"decided", l.Decided)})
	}
	t := now()
	for i, ev := range evs {
		if ev == nil {
			continue
		}
		if ev.At.IsZero() {
			ev.At = t
		}
		f := fmt.Sprintf("events[%d].", i)
		w.evs = append(w.evs, []any{enc.Time(f+"at", ev.At), ev.Actor, ev.Action, enc.JSON(f+"details", ev.Details, ev.Details == nil)})
	}
	if enc.Err != nil {
		return nil, enc.Err
	}
	rmas = slices.Clone(rmas)
	slices.SortFunc(rmas, func(a, b rma.RMASave) int { return int(a.RMA.ID - b.RMA.ID) })
	for _, rs := range rmas {
		sv, err := newSave(rs.RMA, rs.ExpectVersion, rs.Events)
		if err != nil {
			return nil, err
		}
		w.saves = append(w.saves, sv)
	}
	return w, nil
}

const insertSupplierLineSQL = `INSERT INTO supplier_rma_lines (supplier_rma_id, position, rma_id, line_no, verdict, remedy, replacement_serial,
	credit_cents, credit_currency, charge_cents, charge_currency, notes, decided) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`

// CreateSupplierRMA stores a supplier RMA, its lines, its first event and
// the RMAs' steps in one transaction. See rma.SupplierStore.
func (st *Store) CreateSupplierRMA(ctx context.Context, s *rma.SupplierRMA, ev *rma.SupplierEvent, rmas []rma.RMASave) error {
	w, err := encodeSupplier(s, []*rma.SupplierEvent{ev}, rmas)
	if err != nil {
		return err
	}
	created := orNow(s.Created)
	var enc encoder
	createdText := enc.Time("created", created)
	if enc.Err != nil {
		return enc.Err
	}
	err = st.write(ctx, "create supplier rma", func(q Querier) error {
		err := q.QueryRowContext(ctx, `INSERT INTO supplier_rmas (supplier_id, number, reference, due, carrier, tracking, shipped, note, updated, version, created)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10) RETURNING id`,
			append(append([]any{s.SupplierID, s.Number}, w.row...), createdText)...).Scan(&w.id)
		if st.isUnique(err) {
			return rma.Errorf(rma.ECONFLICT, "supplier RMA number %s is taken", s.Number)
		}
		if err != nil {
			return err
		}
		return st.writeSupplierRest(ctx, q, w, 0)
	})
	if err != nil {
		return err
	}
	s.ID, s.Version, s.Created = w.id, 1, created.UTC()
	s.Updated = orNow(s.Updated).UTC()
	w.stored(s, []*rma.SupplierEvent{ev})
	return nil
}

// writeSupplierRest writes a supplier RMA's lines (those without an ID
// are added, the others get their verdicts), its events after event
// number last, and the RMAs.
func (st *Store) writeSupplierRest(ctx context.Context, q Querier, w *supplierWrite, last int) error {
	w.lineIDs = make([]int64, len(w.lines))
	for i, l := range w.lines {
		if w.ids[i] == 0 {
			if err := q.QueryRowContext(ctx, insertSupplierLineSQL, append([]any{w.id}, l...)...).Scan(&w.lineIDs[i]); err != nil {
				return err
			}
			continue
		}
		// position, rma_id and line_no never change: the verdict does.
		if _, err := q.ExecContext(ctx, `UPDATE supplier_rma_lines SET verdict = $1, remedy = $2, replacement_serial = $3,
			credit_cents = $4, credit_currency = $5, charge_cents = $6, charge_currency = $7, notes = $8, decided = $9
			WHERE supplier_rma_id = $10 AND position = $11`, append(append([]any{}, l[3:]...), w.id, l[0])...); err != nil {
			return err
		}
	}
	w.evIDs, w.evSeqs = make([]int64, len(w.evs)), make([]int, len(w.evs))
	for i, e := range w.evs {
		w.evSeqs[i] = last + i + 1
		if err := q.QueryRowContext(ctx, `INSERT INTO supplier_events (supplier_rma_id, seq, at, actor, action, details)
			 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, append([]any{w.id, w.evSeqs[i]}, e...)...).Scan(&w.evIDs[i]); err != nil {
			return err
		}
	}
	for _, sv := range w.saves {
		// The lines this step writes, as the RMA's roll-ups count them:
		// the unit's supplier, and what it credited or charged.
		sv.supplier = sv.supplier[:0]
		for _, l := range w.src {
			if l.RMAID == sv.r.ID {
				l.SupplierRMAID, l.SupplierID = w.id, w.supplier
				sv.supplier = append(sv.supplier, l)
			}
		}
		if err := st.saveIn(ctx, q, sv); err != nil {
			return err
		}
	}
	return nil
}

// stored gives the supplier RMA, its events and the RMAs what the
// committed transaction gave them.
func (w *supplierWrite) stored(s *rma.SupplierRMA, evs []*rma.SupplierEvent) {
	for i := range s.Lines {
		if w.lineIDs[i] != 0 {
			s.Lines[i].ID = w.lineIDs[i]
		}
		s.Lines[i].SupplierRMAID = s.ID
	}
	j := 0
	for _, ev := range evs {
		if ev == nil {
			continue
		}
		ev.ID, ev.SupplierRMAID, ev.Seq = w.evIDs[j], s.ID, w.evSeqs[j]
		ev.At = ev.At.UTC()
		j++
	}
	for _, sv := range w.saves {
		sv.saved()
	}
}

// SaveSupplierRMA writes a supplier RMA's step with the RMAs' steps in one
// transaction, if it is still at expectVersion. See rma.SupplierStore.
func (st *Store) SaveSupplierRMA(ctx context.Context, s *rma.SupplierRMA, expectVersion int, evs []*rma.SupplierEvent, rmas []rma.RMASave) error {
	w, err := encodeSupplier(s, evs, rmas)
	if err != nil {
		return err
	}
	w.id = s.ID
	err = st.write(ctx, "save supplier rma", func(q Querier) error {
		// The UPDATE locks the row on PostgreSQL: a second writer of the
		// same version waits, then finds it moved (as SaveRMA).
		res, err := q.ExecContext(ctx, `UPDATE supplier_rmas SET reference = $1, due = $2, carrier = $3, tracking = $4, shipped = $5,
			note = $6, updated = $7, version = $8 WHERE id = $9 AND version = $10`, append(append([]any{}, w.row...), expectVersion+1, s.ID, expectVersion)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var current int
			err := q.QueryRowContext(ctx, `SELECT version FROM supplier_rmas WHERE id = $1`, s.ID).Scan(&current)
			if errors.Is(err, sql.ErrNoRows) {
				return rma.Errorf(rma.ENOTFOUND, "supplier RMA %d not found", s.ID)
			}
			if err != nil {
				return err
			}
			return rma.Errorf(rma.EPRECONDITION, "supplier RMA %d is at version %d, not %d: it changed since it was read", s.ID, current, expectVersion)
		}
		var last int
		if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM supplier_events WHERE supplier_rma_id = $1`, s.ID).Scan(&last); err != nil {
			return err
		}
		return st.writeSupplierRest(ctx, q, w, last)
	})
	if err != nil {
		return err
	}
	s.Version = expectVersion + 1
	s.Updated = orNow(s.Updated).UTC()
	w.stored(s, evs)
	return nil
}

const supplierRMASelect = `SELECT s.id, s.supplier_id, o.name, s.number, s.reference, s.due, s.carrier, s.tracking, s.shipped,
	s.note, s.version, s.created, s.updated FROM supplier_rmas s JOIN orgs o ON o.id = s.supplier_id`

func scanSupplierRMA(row scanner) (rma.SupplierRMA, error) {
	var s rma.SupplierRMA
	var due, shipped, created, updated sql.NullString
	if err := row.Scan(&s.ID, &s.SupplierID, &s.SupplierName, &s.Number, &s.Reference, &due, &s.Carrier, &s.Tracking, &shipped,
		&s.Note, &s.Version, &created, &updated); err != nil {
		return s, err
	}
	d := decoder{Where: fmt.Sprintf("supplier rma %d", s.ID)}
	s.Due = d.Date("due", due)
	s.Shipped = d.Date("shipped", shipped)
	s.Created = d.Time("created", created)
	s.Updated = d.Time("updated", updated)
	return s, d.Err
}

// supplierLineSelect reads supplier lines with their supplier RMA's number
// and supplier, and their RMA's number.
const supplierLineSelect = `SELECT sl.id, sl.supplier_rma_id, s.number, s.supplier_id, o.name, sl.rma_id, COALESCE(r.number, ''), sl.line_no,
	sl.verdict, sl.remedy, sl.replacement_serial, sl.credit_cents, sl.credit_currency, sl.charge_cents, sl.charge_currency, sl.notes, sl.decided
	FROM supplier_rma_lines sl JOIN supplier_rmas s ON s.id = sl.supplier_rma_id JOIN orgs o ON o.id = s.supplier_id JOIN rmas r ON r.id = sl.rma_id`

func scanSupplierLine(row scanner) (rma.SupplierLine, error) {
	var l rma.SupplierLine
	var verdict, remedy string
	var decided sql.NullString
	if err := row.Scan(&l.ID, &l.SupplierRMAID, &l.SupplierNo, &l.SupplierID, &l.SupplierName, &l.RMAID, &l.RMANumber, &l.LineNo,
		&verdict, &remedy, &l.ReplacementSerial, &l.Credit.Cents, &l.Credit.Currency, &l.Charge.Cents, &l.Charge.Currency, &l.Notes, &decided); err != nil {
		return l, err
	}
	l.Verdict, l.Remedy = rma.SupplierVerdict(verdict), rma.SupplierRemedy(remedy)
	d := decoder{Where: fmt.Sprintf("supplier rma %d line %d", l.SupplierRMAID, l.ID)}
	l.Decided = d.Time("decided", decided)
	return l, d.Err
}

// loadSupplierLines reads every supplier line of an RMA, for loadRMA.
func loadSupplierLines(ctx context.Context, q Querier, rmaID int64) ([]rma.SupplierLine, error) {
	return collect(ctx, q, scanSupplierLine, supplierLineSelect+` WHERE sl.rma_id = $1 ORDER BY sl.id`, rmaID)
}

func (st *Store) SupplierRMA(ctx context.Context, id int64) (*rma.SupplierRMA, error) {
	var s rma.SupplierRMA
	err := st.read(ctx, "supplier rma", func(q Querier) error {
		var err error
		s, err = scanSupplierRMA(q.QueryRowContext(ctx, supplierRMASelect+` WHERE s.id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return rma.Errorf(rma.ENOTFOUND, "supplier RMA %d not found", id)
		}
		if err != nil {
			return err
		}
		s.Lines, err = collect(ctx, q, scanSupplierLine, supplierLineSelect+` WHERE sl.supplier_rma_id = $1 ORDER BY sl.position`, id)
		return err
	})
	if err != nil {
		return nil, DomainError(st.d, "supplier rma", err)
	}
	return &s, nil
}

func (st *Store) SupplierRMAs(ctx context.Context, f rma.SupplierRMAFilter) ([]rma.SupplierRMA, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	where, args := []string{"1 = 1"}, []any{}
	if f.SupplierID != 0 {
		args = append(args, f.SupplierID)
		where = append(where, fmt.Sprintf("s.supplier_id = $%d", len(args)))
	}
	if f.RMAID != 0 {
		args = append(args, f.RMAID)
		where = append(where, fmt.Sprintf("EXISTS (SELECT 1 FROM supplier_rma_lines x WHERE x.supplier_rma_id = s.id AND x.rma_id = $%d)", len(args)))
	}
	if f.Open || f.Overdue {
		where = append(where, "EXISTS (SELECT 1 FROM supplier_rma_lines x WHERE x.supplier_rma_id = s.id AND x.verdict = '')")
	}
	if f.Overdue {
		// Dates are YYYY-MM-DD text: text order is date order.
		var enc encoder
		args = append(args, enc.Date("today", f.Today))
		if enc.Err != nil {
			return nil, enc.Err
		}
		where = append(where, fmt.Sprintf("s.due < $%d", len(args)))
	}
	args = append(args, limit)
	var out []rma.SupplierRMA
	err := st.read(ctx, "supplier rmas", func(q Querier) error {
		var err error
		out, err = collect(ctx, q, scanSupplierRMA, supplierRMASelect+` WHERE `+joinAnd(where)+
			fmt.Sprintf(` ORDER BY s.id DESC LIMIT $%d`, len(args)), args...)
		if err != nil || len(out) == 0 {
			return err
		}
		ids := make([]any, len(out))
		at := map[int64]int{}
		for i, s := range out {
			ids[i], at[s.ID] = s.ID, i
		}
		lines, err := collect(ctx, q, scanSupplierLine, supplierLineSelect+` WHERE sl.supplier_rma_id IN (`+params(1, len(ids))+`) ORDER BY sl.supplier_rma_id, sl.position`, ids...)
		for _, l := range lines {
			out[at[l.SupplierRMAID]].Lines = append(out[at[l.SupplierRMAID]].Lines, l)
		}
		return err
	})
	if err != nil {
		return nil, DomainError(st.d, "supplier rmas", err)
	}
	return out, nil
}

func joinAnd(parts []string) string {
	out := parts[0]
	for _, p := range parts[1:] {
		out += " AND " + p
	}
	return out
}

func (st *Store) SupplierEvents(ctx context.Context, id int64) ([]rma.SupplierEvent, error) {
	out, err := collect(ctx, st.pool(), func(row scanner) (rma.SupplierEvent, error) {
		var e rma.SupplierEvent
		var at, details sql.NullString
		if err := row.Scan(&e.ID, &e.SupplierRMAID, &e.Seq, &at, &e.Actor, &e.Action, &details); err != nil {
			return e, err
		}
		d := decoder{Where: fmt.Sprintf("supplier rma %d event %d", e.SupplierRMAID, e.Seq)}
		e.At = d.Time("at", at)
		e.Details = sqlcodec.JSON[map[string]any](&d, "details", details)
		return e, d.Err
	}, `SELECT id, supplier_rma_id, seq, at, actor, action, details FROM supplier_events WHERE supplier_rma_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, st.storeError("supplier events", err)
	}
	return out, nil
}
