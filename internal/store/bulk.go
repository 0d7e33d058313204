package store

import (
	"context"
	"errors"
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
	// IDs reserves n new values of table's id column.
	IDs(table string, n int) ([]int64, error)
	// Copy writes rows, each in cols' order, into table.
	Copy(table string, cols []string, rows [][]any) error
}

// errBulkShort is a Loader that gave fewer IDs than asked for.
var errBulkShort = errors.New("bulk load: fewer IDs than asked for")

// bulkCreate writes every create in cs with the engine's bulk loader: IDs
// reserved first (the rows name their RMA, and the caller learns its IDs),
// then one COPY a table. Any refusal inside it (an idempotency key or a
// number taken, even by another item of the batch) rolls the whole load
// back: the caller then writes the items one by one, each with its own
// answer. On success every create has its IDs, as insertRMA gives them.
func (st *Store) bulkCreate(ctx context.Context, b Bulk, cs []*create) error {
	type result struct {
		id                 int64
		lineIDs, chargeIDs []int64
		eventIDs           []int64
	}
	var got []result
	err := b.Bulk(ctx, "create rmas", func(l Loader) error {
		var nLines, nCharges, nEvents int
		for _, c := range cs {
			nLines += len(c.w.lines)
			nCharges += len(c.w.charges)
			nEvents += len(c.evw.args)
		}
		ids := map[string][]int64{}
		for table, n := range map[string]int{"rmas": len(cs), "rma_lines": nLines, "charges": nCharges, "events": nEvents} {
			if n == 0 {
				continue
			}
			got, err := l.IDs(table, n)
			if err != nil {
				return err
			}
			if len(got) != n {
				return errBulkShort
			}
			ids[table] = got
		}
		take := func(table string, n int) []int64 {
			out := ids[table][:n:n]
			ids[table] = ids[table][n:]
			return out
		}
		got = make([]result, len(cs))
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
		}
		for _, table := range order {
			if t := tables[table]; len(t.Values) > 0 {
				if err := l.Copy(t.Table, t.Cols, t.Values); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, c := range cs {
		res := got[i]
		c.id, c.lineIDs, c.chargeIDs = res.id, res.lineIDs, res.chargeIDs
		c.evw.last, c.evw.ids, c.evw.seqs = 0, res.eventIDs, make([]int, len(res.eventIDs))
		for j := range c.evw.seqs {
			c.evw.seqs[j] = j + 1
		}
	}
	return nil
}
