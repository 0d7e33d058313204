package store

import (
	"context"
	"errors"

	"github.com/rmadesk/rmadesk/internal/report"
)

// Bulk is an engine that loads many new rows faster than INSERT statements
// can: PostgreSQL's COPY. CreateRMAs tries it first for a batch when the
// engine has it; SQLite's writer, whose statements cost no round trips,
// does not need it.
type Bulk interface {
	// Bulk runs fn in one transaction of its own, on a Loader; an error of
	// fn (or of the commit) stores nothing.
	Bulk(ctx context.Context, op string, fn func(l Loader) error) error
}

// Loader writes new rows in bulk inside a Bulk transaction.
type Loader interface {
	// IDs reserves counts[table] new values of each table's id column,
	// ascending a table.
	IDs(counts map[string]int) (map[string][]int64, error)
	// Copy writes rows, each in cols' order, into table.
	Copy(table string, cols []string, rows [][]any) error
	// CopyFunc writes the rows next gives, each in cols' order, into
	// table, until next gives none (nil) or an error, which is returned.
	CopyFunc(table string, cols []string, next func() ([]any, error)) error
	// Exec runs a statement in the transaction and counts the rows it
	// wrote; QueryRow runs a query of one row; Query one of many, calling
	// each with a row's Scan.
	Exec(query string, args ...any) (int64, error)
	QueryRow(query string, args ...any) interface{ Scan(dest ...any) error }
	Query(query string, each func(scan func(dest ...any) error) error, args ...any) error
}

// errBulkShort is a Loader that gave fewer IDs than asked for.
var errBulkShort = errors.New("bulk load: fewer IDs than asked for")

// bulkResult is what a bulk write gives one create, applied once it has
// committed.
type bulkResult struct {
	id                 int64
	lineIDs, chargeIDs []int64
	eventIDs           []int64
}

// idCounts are the IDs a bulk write of cs needs, by table.
func idCounts(cs []*create) map[string]int {
	n := map[string]int{"rmas": len(cs)}
	for _, c := range cs {
		n["rma_lines"] += len(c.w.lines)
		n["charges"] += len(c.w.charges)
		n["events"] += len(c.evw.args)
	}
	return n
}

// bulkTables lays cs out as rows a table, in an order the foreign keys
// allow, each row with the ID reserved for it (ids, by table; consumed).
func bulkTables(cs []*create, ids map[string][]int64) ([]Rows, []bulkResult, error) {
	for table, n := range idCounts(cs) {
		if len(ids[table]) != n {
			return nil, nil, errBulkShort
		}
	}
	take := func(table string, n int) []int64 {
		out := ids[table][:n:n]
		ids[table] = ids[table][n:]
		return out
	}
	got := make([]bulkResult, len(cs))
	tables := map[string]*Rows{}
	var order []string
	add := func(set Rows, idCol []int64) {
		t := tables[set.Table]
		if t == nil {
			cols := set.Cols
			if idCol != nil {
				cols = append([]string{"id"}, cols...)
			}
			t = &Rows{Table: set.Table, Cols: cols}
			tables[set.Table] = t
			order = append(order, set.Table)
		}
		for i, row := range set.Values {
			if idCol != nil {
				row = append([]any{idCol[i]}, row...)
			}
			t.Values = append(t.Values, row)
		}
	}
	for i, c := range cs {
		r, w := c.r, c.w
		res := &got[i]
		res.id = take("rmas", 1)[0]
		add(Rows{Table: "rmas", Cols: rmaInsertCols,
			Values: [][]any{append(append([]any{}, w.rma...), r.OrgID, 1, c.createdText, c.key)}}, []int64{res.id})
		res.lineIDs = take("rma_lines", len(w.lines))
		add(Rows{Table: "rma_lines", Cols: lineInsertCols, Values: withRMA(res.id, w.lines)}, res.lineIDs)
		res.chargeIDs = take("charges", len(w.charges))
		add(Rows{Table: "charges", Cols: chargeInsertCols, Values: withRMA(res.id, w.charges)}, res.chargeIDs)
		for _, set := range w.children(res.id) {
			add(set, nil)
		}
		res.eventIDs = take("events", len(c.evw.args))
		events := make([][]any, len(c.evw.args))
		for j, args := range c.evw.args {
			events[j] = append([]any{res.id, j + 1}, args...) // a new RMA's first events
		}
		add(Rows{Table: "events", Cols: eventInsertCols, Values: events}, res.eventIDs)
		add(outboxRows(res.id, 0, len(events)), nil)
	}
	out := make([]Rows, 0, len(order))
	for _, table := range order {
		if t := tables[table]; len(t.Values) > 0 {
			out = append(out, *t)
		}
	}
	return out, got, nil
}

// applyBulk gives each create what the committed bulk write gave it.
func applyBulk(cs []*create, got []bulkResult) {
	for i, c := range cs {
		res := got[i]
		c.id, c.lineIDs, c.chargeIDs = res.id, res.lineIDs, res.chargeIDs
		c.evw.last, c.evw.ids, c.evw.seqs = 0, res.eventIDs, make([]int, len(res.eventIDs))
		for j := range c.evw.seqs {
			c.evw.seqs[j] = j + 1
		}
	}
}

// bulkCreate writes every create in cs with the engine's bulk loader: IDs
// reserved first (the rows name their RMA, and the caller learns its IDs),
// then one COPY a table. Any refusal inside it (an idempotency key or a
// number taken, even by another item of the batch) rolls the whole load
// back: the caller then writes the items one by one, each with its own
// answer. On success every create has its IDs, as insertRMA gives them.
func (st *Store) bulkCreate(ctx context.Context, b Bulk, cs []*create) error {
	var got []bulkResult
	err := b.Bulk(ctx, "create rmas", func(l Loader) error {
		ids, err := l.IDs(idCounts(cs))
		if err != nil {
			return err
		}
		tables, res, err := bulkTables(cs, ids)
		if err != nil {
			return err
		}
		got = res
		// The roll-ups are counted before the lines are written (a unit's
		// return number counts the lines filed before it), and written
		// last, so the transaction holds the cubes' rows only while it
		// commits.
		records, cubes, err := bulkReports(l, cs, res)
		if err != nil {
			return err
		}
		for _, t := range append(tables, records) {
			if err := l.Copy(t.Table, t.Cols, t.Values); err != nil {
				return err
			}
		}
		for _, set := range cubes {
			if _, err := l.Exec(set.Text(1), set.Args()...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	applyBulk(cs, got)
	return nil
}

// bulkReports counts what a bulk write of cs (res their IDs) adds to the
// roll-ups: each RMA's record, and the cubes' changes of them all summed.
// A unit's return number counts the lines filed before the batch (one
// query, made before the batch's lines are written) and those of the
// batch before it.
func bulkReports(l Loader, cs []*create, res []bulkResult) (records Rows, cubes []Rows, err error) {
	seen, err := bulkSeen(l, cs)
	if err != nil {
		return Rows{}, nil, err
	}
	var cells []report.Cell
	records = Rows{Table: "report_rmas", Cols: []string{"rma_id", "record"}}
	for i, c := range cs {
		rr := *c.r
		rr.Created = c.created
		rec, delta, err := report.Update(nil, report.Change{RMA: &rr, Events: reportEvents(c.evw), Now: c.created,
			Seen: func(serial string) (int, error) { return seen[serial], nil }})
		if err != nil {
			return Rows{}, nil, err
		}
		for _, l := range c.r.Lines {
			for _, s := range []string{l.Claim.Product.Serial, l.ReplacementSerial} {
				if s != "" {
					seen[s]++
				}
			}
		}
		b, err := rec.Encode()
		if err != nil {
			return Rows{}, nil, err
		}
		records.Values = append(records.Values, []any{res[i].id, string(b)})
		cells = append(cells, delta...)
	}
	return records, cubeRows(report.Spread(cells)), nil
}

// bulkSeen counts, for each serial of cs's lines, the lines filed before
// with it as their unit or as a replacement sent.
func bulkSeen(l Loader, cs []*create) (map[string]int, error) {
	seen := map[string]int{}
	var serials []string
	for _, c := range cs {
		for _, line := range c.r.Lines {
			if s := line.Claim.Product.Serial; s != "" && storable(s) {
				if _, ok := seen[s]; !ok {
					seen[s] = 0
					serials = append(serials, s)
				}
			}
		}
	}
	const chunk = 5000
	for len(serials) > 0 {
		part := serials[:min(len(serials), chunk)]
		serials = serials[len(part):]
		args := make([]any, len(part))
		for i, s := range part {
			args[i] = s
		}
		in := params(1, len(part))
		err := l.Query(`SELECT serial, COUNT(*) FROM rma_lines WHERE serial IN (`+in+`) GROUP BY serial
			UNION ALL SELECT replacement_serial, COUNT(*) FROM rma_lines WHERE replacement_serial IN (`+in+`) GROUP BY replacement_serial`,
			func(scan func(dest ...any) error) error {
				var s string
				var n int
				if err := scan(&s, &n); err != nil {
					return err
				}
				seen[s] += n
				return nil
			}, args...)
		if err != nil {
			return nil, err
		}
	}
	return seen, nil
}
