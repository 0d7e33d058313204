package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/report"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// BackfillReports is a migration of both stores (SQLite 28, PostgreSQL
// 27, in Go because the roll-ups are what report.Update counts, which no
// SQL says): it fills the roll-ups from the RMAs a desk already holds,
// each RMA replayed with all its events at once, which counts what the
// steps one by one would have. RMAs are read in the order they were filed,
// so that a unit's return number counts the units before it. Rows already
// in the roll-ups are replaced, so it may run again.
func BackfillReports(ctx context.Context, tx *sql.Tx) error {
	return rebuildReports(ctx, tx, func(int) {})
}

// RebuildReports fills the roll-ups again from every RMA and its events,
// in one transaction: what the migration does, for a desk that wants its
// roll-ups checked against its records.
func (st *Store) RebuildReports(ctx context.Context) error {
	return st.write(ctx, "rebuild reports", func(q Querier) error { return rebuildReports(ctx, q, func(int) {}) })
}

// rebuildReports empties the roll-ups and fills them again from every
// RMA, in pages, calling progress with the RMAs done.
func rebuildReports(ctx context.Context, q Querier, progress func(done int)) error {
	for _, t := range ReportTables {
		if _, err := q.ExecContext(ctx, "DELETE FROM "+t); err != nil {
			return err
		}
	}
	const page = 500
	seen := map[string]int{}
	afterCreated, afterID, done := "", int64(0), 0
	for {
		ids, last, lastID, err := pageOfRMAs(ctx, q, afterCreated, afterID, page)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		afterCreated, afterID = last, lastID
		var cells []report.Cell
		records := Rows{Table: "report_rmas", Cols: []string{"rma_id", "record"}}
		rmas, events, err := loadReportPage(ctx, q, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			r, evs := rmas[id], events[id]
			if r == nil {
				return fmt.Errorf("rma %d: not found", id)
			}
			rec, delta, err := report.Update(nil, report.Change{RMA: r, Events: evs, Now: r.Updated,
				Seen: func(serial string) (int, error) { return seen[serial], nil }})
			if err != nil {
				return fmt.Errorf("rma %d: %w", id, err)
			}
			for _, l := range r.Lines {
				for _, s := range []string{l.Claim.Product.Serial, l.ReplacementSerial} {
					if s != "" {
						seen[s]++
					}
				}
			}
			b, err := rec.Encode()
			if err != nil {
				return err
			}
			records.Values = append(records.Values, []any{id, string(b)})
			cells = append(cells, delta...)
		}
		for _, set := range append(chunked(records), cubeRows(report.Spread(cells))...) {
			if _, err := q.ExecContext(ctx, set.Text(1), set.Args()...); err != nil {
				return err
			}
		}
		done += len(ids)
		progress(done)
	}
}

// pageOfRMAs is the IDs of up to n RMAs filed after (created, id), in
// filing order, and the last one's keyset.
func pageOfRMAs(ctx context.Context, q Querier, afterCreated string, afterID int64, n int) (ids []int64, created string, id int64, err error) {
	rows, err := q.QueryContext(ctx, `SELECT id, created FROM rmas WHERE created > $1 OR (created = $1 AND id > $2)
		ORDER BY created, id LIMIT $3`, afterCreated, afterID, n)
	if err != nil {
		return nil, "", 0, err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(&id, &created); err != nil {
			return nil, "", 0, err
		}
		ids = append(ids, id)
	}
	return ids, created, id, rows.Err()
}

// loadReportPage reads what report.Update counts of the RMAs ids, and
// their histories: a query a table for the whole page, where loading each
// RMA would be eight.
func loadReportPage(ctx context.Context, q Querier, ids []int64) (map[int64]*rma.RMA, map[int64][]report.Event, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	in := "(" + params(1, len(ids)) + ")"
	rmas := map[int64]*rma.RMA{}
	list, err := collect(ctx, q, scanRMA, `SELECT `+rmaColumns+` FROM rmas r WHERE r.id IN `+in, args...)
	if err != nil {
		return nil, nil, err
	}
	for i := range list {
		rmas[list[i].ID] = &list[i]
	}
	owned := func(id int64) (*rma.RMA, error) {
		if r := rmas[id]; r != nil {
			return r, nil
		}
		return nil, fmt.Errorf("rma %d: a row of an RMA not read", id)
	}
	type ownedLine struct {
		rmaID int64
		rma.Line
	}
	lines, err := collect(ctx, q, func(row scanner) (ownedLine, error) {
		var o ownedLine
		l, err := scanLineAfter(row, []any{&o.rmaID})
		o.Line = l
		return o, err
	}, `SELECT l.rma_id, `+lineColumns+` FROM rma_lines l WHERE l.rma_id IN `+in+` ORDER BY l.rma_id, l.line_no`, args...)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range lines {
		r, err := owned(l.rmaID)
		if err != nil {
			return nil, nil, err
		}
		r.Lines = append(r.Lines, l.Line)
	}
	deadlines, err := loadDeadlines(ctx, q, ids)
	if err != nil {
		return nil, nil, err
	}
	for id, ds := range deadlines {
		r, err := owned(id)
		if err != nil {
			return nil, nil, err
		}
		r.Deadlines = ds
	}
	type ownedCharge struct {
		rmaID int64
		rma.Charge
	}
	var d decoder
	charges, err := collect(ctx, q, func(row scanner) (c ownedCharge, err error) {
		var created sql.NullString
		err = row.Scan(&c.rmaID, &c.LineNo, &c.Kind, &c.Amount.Cents, &c.Amount.Currency, &created)
		c.Created = d.Time("created", created)
		return c, err
	}, `SELECT rma_id, line_no, kind, amount_cents, currency, created FROM charges WHERE rma_id IN `+in+` ORDER BY rma_id, id`, args...)
	if err = errors.Join(err, d.Err); err != nil {
		return nil, nil, err
	}
	for _, c := range charges {
		r, err := owned(c.rmaID)
		if err != nil {
			return nil, nil, err
		}
		r.Charges = append(r.Charges, c.Charge)
	}
	sup, err := collect(ctx, q, scanSupplierLine, supplierLineSelect+` WHERE sl.rma_id IN `+in+` ORDER BY sl.id`, args...)
	if err != nil {
		return nil, nil, err
	}
	for _, sl := range sup {
		r, err := owned(sl.RMAID)
		if err != nil {
			return nil, nil, err
		}
		r.Supplier = append(r.Supplier, sl)
	}
	events := map[int64][]report.Event{}
	type ownedEvent struct {
		rmaID int64
		report.Event
	}
	evs, err := collect(ctx, q, func(row scanner) (ownedEvent, error) {
		var ev ownedEvent
		var at, from, to string
		if err := row.Scan(&ev.rmaID, &at, &ev.Action, &from, &to); err != nil {
			return ev, err
		}
		t, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			return ev, fmt.Errorf("rma %d: event at %q: %w", ev.rmaID, at, err)
		}
		ev.At, ev.From, ev.To = t.UTC(), rma.State(from), rma.State(to)
		return ev, nil
	}, `SELECT rma_id, at, action, from_state, to_state FROM events WHERE rma_id IN `+in+` ORDER BY rma_id, seq`, args...)
	if err != nil {
		return nil, nil, err
	}
	for _, ev := range evs {
		events[ev.rmaID] = append(events[ev.rmaID], ev.Event)
	}
	return rmas, events, nil
}

// errCheckDone rolls back CheckReports' rebuild.
var errCheckDone = errors.New("check done")

// CheckReports counts the roll-ups again from every RMA, in a transaction
// it rolls back, and lists the cells the kept roll-ups have otherwise
// (at most max of them) and how many cells there are: nothing listed
// means the roll-ups are the records' sum.
func (st *Store) CheckReports(ctx context.Context, max int) (diffs []string, cells int, err error) {
	err = st.write(ctx, "check reports", func(q Querier) error {
		diffs, cells = nil, 0
		kept, err := cubeSnapshot(ctx, q)
		if err != nil {
			return err
		}
		if err := rebuildReports(ctx, q, func(int) {}); err != nil {
			return err
		}
		counted, err := cubeSnapshot(ctx, q)
		if err != nil {
			return err
		}
		cells = len(counted)
		var keys []string
		for k, v := range counted {
			if kept[k] != v {
				keys = append(keys, k)
			}
		}
		for k := range kept {
			if _, ok := counted[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys[:min(len(keys), max)] {
			diffs = append(diffs, fmt.Sprintf("%s: kept %s, counted %s", k, orNone(kept, k), orNone(counted, k)))
		}
		if len(keys) > max {
			diffs = append(diffs, fmt.Sprintf("and %d more", len(keys)-max))
		}
		return errCheckDone
	})
	if errors.Is(err, errCheckDone) {
		err = nil
	}
	return diffs, cells, err
}

func orNone(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return "nothing"
}

// cubeSnapshot reads every cube's cells that count something, as text.
func cubeSnapshot(ctx context.Context, q Querier) (map[string]string, error) {
	out := map[string]string{}
	for _, cube := range report.Cubes {
		t := cubeTables[cube]
		cols := append(append([]string{"metric", "month", "policy_id"}, t.dims...), "item")
		rows, err := q.QueryContext(ctx, "SELECT "+strings.Join(cols, " || '|' || ")+", n, amount FROM "+t.table+" WHERE n <> 0 OR amount <> 0")
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var key string
			var n, amount int64
			if err := rows.Scan(&key, &n, &amount); err != nil {
				rows.Close()
				return nil, err
			}
			out[t.table+" "+key] = fmt.Sprintf("%d/%d", n, amount)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
