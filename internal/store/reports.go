package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rmadesk/rmadesk/internal/report"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Reports (issue 16). Every write of an RMA (a submission, a step, a
// supplier's step) brings its roll-ups up to date in its own transaction:
// it reads what the RMA added before (report_rmas), has report.Update say
// what it adds now, and adds the difference to the four cubes, rows a
// table in the statement that writes the RMA's other rows (InsertRows: one
// statement on PostgreSQL). The cubes' rows are upserted in one order
// (report.Spread sorts them), so two transactions meeting on a month's
// rows wait for each other and never deadlock.

// cubeTables are the cubes' tables and the dimension columns each keeps
// besides metric, month and policy.
var cubeTables = map[report.Cube]struct {
	table string
	dims  []string // of org_id, supplier_id, model, in that order
}{
	report.CubePolicy: {"report_policy", nil},
	report.CubeModel:  {"report_model", []string{"model"}},
	report.CubeOrg:    {"report_org", []string{"org_id"}},
	report.CubeFull:   {"report_full", []string{"org_id", "supplier_id", "model"}},
}

// ReportTables are the roll-ups' tables: what the backfill fills.
var ReportTables = []string{"report_rmas", "report_policy", "report_model", "report_org", "report_full"}

// cubeRows are changes to the cubes as rows to upsert, a Rows a cube.
func cubeRows(cells []report.CubeCell) []Rows {
	sets := map[report.Cube]*Rows{}
	var out []Rows
	for _, c := range cells {
		t := cubeTables[c.Cube]
		s := sets[c.Cube]
		if s == nil {
			cols := append(append([]string{"metric", "month", "policy_id"}, t.dims...), "item", "n", "amount")
			key := strings.Join(cols[:len(cols)-2], ", ")
			s = &Rows{Table: t.table, Cols: cols, Shared: true,
				OnConflict: fmt.Sprintf("(%s) DO UPDATE SET n = %s.n + excluded.n, amount = %s.amount + excluded.amount", key, t.table, t.table)}
			sets[c.Cube] = s
		}
		row := []any{string(c.Metric), c.Month.String(), c.Dims.Policy}
		for _, d := range t.dims {
			switch d {
			case "org_id":
				row = append(row, c.Dims.Org)
			case "supplier_id":
				row = append(row, c.Dims.Supplier)
			case "model":
				row = append(row, c.Dims.Model)
			}
		}
		s.Values = append(s.Values, append(row, c.Item, c.N, c.Amount))
	}
	for _, cube := range report.Cubes {
		if s := sets[cube]; s != nil {
			// In the order of their key, which every transaction shares:
			// a roll-up row is locked until commit (Rows.Shared).
			key := len(s.Cols) - 2 // all but n and amount
			slices.SortFunc(s.Values, func(a, b []any) int {
				for i := range key {
					if c := compareCell(a[i], b[i]); c != 0 {
						return c
					}
				}
				return 0
			})
			out = append(out, chunked(*s)...)
		}
	}
	return out
}

// compareCell orders two values of one roll-up column: text or a number.
func compareCell(a, b any) int {
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

// chunkSizes are the row counts of the statements chunked writes: a few
// texts a table, each prepared once (SQLite's writer keeps 256 statements,
// and binds the parameters of a long one in time that grows with their
// square).
var chunkSizes = []int{64, 16, 4, 1}

// chunked splits a set's rows into statements of chunkSizes' row counts.
func chunked(set Rows) []Rows {
	var out []Rows
	rows := set.Values
	for _, size := range chunkSizes {
		for len(rows) >= size {
			part := set
			part.Values = rows[:size:size]
			rows = rows[size:]
			out = append(out, part)
		}
	}
	return out
}

// recordRows writes an RMA's report record over the one it had.
func recordRows(rmaID int64, rec *report.Record) (Rows, error) {
	b, err := rec.Encode()
	if err != nil {
		return Rows{}, err
	}
	return Rows{Table: "report_rmas", Cols: []string{"rma_id", "record"}, Values: [][]any{{rmaID, string(b)}},
		OnConflict: "(rma_id) DO UPDATE SET record = excluded.record"}, nil
}

// loadRecord reads an RMA's report record in the transaction q; nil when
// it has none.
func loadRecord(ctx context.Context, q Querier, rmaID int64) (*report.Record, error) {
	var b string
	err := q.QueryRowContext(ctx, `SELECT record FROM report_rmas WHERE rma_id = $1`, rmaID).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return report.DecodeRecord([]byte(b))
}

// seenSQL counts the lines filed before with a serial, as their unit or as
// a replacement sent: each arm an index lookup.
const seenSQL = `SELECT (SELECT COUNT(*) FROM rma_lines WHERE serial = $1)
	+ (SELECT COUNT(*) FROM rma_lines WHERE replacement_serial = $1 AND replacement_serial <> '')`

// seenIn answers report.Change.Seen in the transaction q.
func seenIn(ctx context.Context, q Querier) func(serial string) (int, error) {
	return func(serial string) (int, error) {
		if !storable(serial) {
			return 0, nil
		}
		var n int
		err := q.QueryRowContext(ctx, seenSQL, serial).Scan(&n)
		return n, err
	}
}

// reportEvents are the events of a write as report.Update reads them.
func reportEvents(w *eventWrite) []report.Event {
	out := make([]report.Event, len(w.events))
	for i, ev := range w.events {
		out[i] = report.Event{At: w.at[i], Action: ev.Action, From: ev.From, To: ev.To}
	}
	return out
}

// reportRows are what a change of RMA rmaID writes to the roll-ups: the
// cubes' changes and its new record. old is its record before.
func reportRows(rmaID int64, old *report.Record, ch report.Change) ([]Rows, error) {
	rec, cells, err := report.Update(old, ch)
	if err != nil {
		return nil, err
	}
	recRow, err := recordRows(rmaID, rec)
	if err != nil {
		return nil, err
	}
	return append(cubeRows(report.Spread(cells)), recRow), nil
}

// ReportCells sums a cube's cells (report.Source).
func (st *Store) ReportCells(ctx context.Context, q report.Query) ([]report.Cell, error) {
	t, ok := cubeTables[q.Cube]
	if !ok {
		return nil, rma.Invalid("cube", "no cube %d", q.Cube)
	}
	org, supplier, model := q.Cube.Keeps()
	if (q.Org != 0 && !org) || (q.Supplier != 0 && !supplier) || ((q.Model != "" || q.ByModel) && !model) {
		return nil, rma.Invalid("cube", "cube %d does not keep what the query filters or groups by", q.Cube)
	}
	if len(q.Metrics) == 0 {
		return nil, nil
	}
	if !storable(q.Model) || !storable(q.Policy) {
		return nil, nil // nothing stored can match
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	ms := make([]string, len(q.Metrics))
	for i, m := range q.Metrics {
		ms[i] = arg(string(m))
	}
	if len(ms) == 1 {
		where = append(where, "metric = "+ms[0])
	} else {
		where = append(where, "metric IN ("+strings.Join(ms, ", ")+")")
	}
	where = append(where, "month >= "+arg(q.From.String()), "month <= "+arg(q.To.String()))
	if q.Policy != "" {
		where = append(where, "policy_id = "+arg(q.Policy))
	}
	if q.Org != 0 {
		where = append(where, "org_id = "+arg(q.Org))
	}
	if q.Supplier != 0 {
		where = append(where, "supplier_id = "+arg(q.Supplier))
	}
	if q.Model != "" {
		where = append(where, "model = "+arg(q.Model))
	}
	// Grouped in the order of the cubes' keys (metric, month, model,
	// item), which both databases then walk without sorting.
	group := []string{"metric"}
	monthCol, modelCol := "''", "''"
	if q.ByMonth {
		monthCol = "month"
		group = append(group, "month")
	}
	if q.ByModel {
		modelCol = "model"
		group = append(group, "model")
	}
	group = append(group, "item")
	query := fmt.Sprintf(`SELECT metric, item, %s, %s, CAST(SUM(n) AS BIGINT), CAST(SUM(amount) AS BIGINT) FROM %s WHERE %s GROUP BY %s`,
		monthCol, modelCol, t.table, strings.Join(where, " AND "), strings.Join(group, ", "))
	rows, err := st.pool().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, st.storeError("report cells", err)
	}
	defer rows.Close()
	var out []report.Cell
	for rows.Next() {
		var c report.Cell
		var metric, month string
		if err := rows.Scan(&metric, &c.Item, &month, &c.Dims.Model, &c.N, &c.Amount); err != nil {
			return nil, st.storeError("report cells", err)
		}
		c.Metric, c.Dims.Policy, c.Dims.Org, c.Dims.Supplier = report.Metric(metric), q.Policy, q.Org, q.Supplier
		if month != "" {
			if c.Month, err = report.ParseMonth(month); err != nil {
				return nil, st.storeError("report cells", err)
			}
		}
		if c.N != 0 || c.Amount != 0 {
			out = append(out, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, st.storeError("report cells", err)
	}
	return out, nil
}
