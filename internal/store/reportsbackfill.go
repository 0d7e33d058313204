package store

import (
	"context"
	"database/sql"
	"fmt"
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
		for _, id := range ids {
			r, err := loadRMA(ctx, q, id)
			if err != nil {
				return fmt.Errorf("rma %d: %w", id, err)
			}
			evs, err := reportEventsOf(ctx, q, id)
			if err != nil {
				return fmt.Errorf("rma %d: events: %w", id, err)
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
		sets := append([]Rows{records}, cubeRows(report.Spread(cells))...)
		for _, set := range sets {
			// SQLite takes at most 32,766 parameters a statement.
			for len(set.Values) > 0 {
				part := set
				part.Values = set.Values[:min(len(set.Values), 30000/len(set.Cols))]
				set.Values = set.Values[len(part.Values):]
				if _, err := q.ExecContext(ctx, part.Text(1), part.Args()...); err != nil {
					return err
				}
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

// reportEventsOf is an RMA's history as report.Update reads it.
func reportEventsOf(ctx context.Context, q Querier, rmaID int64) ([]report.Event, error) {
	return collect(ctx, q, func(row scanner) (report.Event, error) {
		var ev report.Event
		var at, from, to string
		if err := row.Scan(&at, &ev.Action, &from, &to); err != nil {
			return ev, err
		}
		t, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			return ev, fmt.Errorf("event at %q: %w", at, err)
		}
		ev.At, ev.From, ev.To = t.UTC(), rma.State(from), rma.State(to)
		return ev, nil
	}, `SELECT at, action, from_state, to_state FROM events WHERE rma_id = $1 ORDER BY seq`, rmaID)
}
