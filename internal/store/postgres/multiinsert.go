package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/rmadesk/rmadesk/internal/store"
	"strings"
)

// multiInsert writes rows into several tables in ONE statement: each table
// is a data-modifying CTE (INSERT ... VALUES, so every parameter takes its
// column's type), and the statement returns what the tables asked to
// return. A new RMA's lines, numbers, deadlines, search terms, jobs and
// first event were one round trip each; now they are one together, which
// spares PostgreSQL the per-statement work as much as the network.
//
// Every CTE runs to completion whether or not the final SELECT reads it,
// and the foreign-key checks of the rows run at the statement's end, when
// the RMA's row (inserted by an earlier statement of the transaction) is
// there to be found.
type multiInsert struct {
	parts     []string
	args      []any
	returning []string // SELECT tag, id, n FROM cteN, for the parts that return
}

// add queues rows for table. With ret ("id, line_no"), the statement
// returns (tag, first column, second column) for each row.
func (m *multiInsert) add(table string, cols []string, rows [][]any, tag, ret string) {
	if len(rows) == 0 {
		return
	}
	name := fmt.Sprintf("i%d", len(m.parts))
	var b strings.Builder
	fmt.Fprintf(&b, "%s AS (INSERT INTO %s (%s) VALUES ", name, table, strings.Join(cols, ", "))
	for i, r := range rows {
		if len(r) != len(cols) {
			panic(fmt.Sprintf("multiInsert: %s row %d has %d values for %d columns", table, i, len(r), len(cols)))
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(" + params(len(m.args)+1, len(cols)) + ")")
		m.args = append(m.args, r...)
	}
	if ret != "" {
		fmt.Fprintf(&b, " RETURNING %s", ret)
		m.returning = append(m.returning, fmt.Sprintf("SELECT '%s'::text, %s FROM %s", tag, ret, name))
	}
	b.WriteString(")")
	m.parts = append(m.parts, b.String())
}

// run executes the statement and calls got for each returned row.
func (m *multiInsert) run(ctx context.Context, tx *sql.Tx, got func(tag string, id int64, n int)) error {
	if len(m.parts) == 0 {
		return nil
	}
	final := "SELECT NULL::text, NULL::bigint, NULL::int WHERE false"
	if len(m.returning) > 0 {
		final = strings.Join(m.returning, " UNION ALL ")
	}
	rows, err := tx.QueryContext(ctx, "WITH "+strings.Join(m.parts, ", ")+" "+final, m.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var tag string
		var id int64
		var n int
		if err := rows.Scan(&tag, &id, &n); err != nil {
			return err
		}
		got(tag, id, n)
	}
	return rows.Err()
}

// insertCTE writes sets in ONE statement, as multiInsert does: each table
// a data-modifying CTE, and the statement returns, tagged with the set's
// index, what the sets asked to return (Dialect.InsertRows).
func insertCTE(ctx context.Context, q store.Querier, sets []store.Rows, got func(set int, id int64, n int)) error {
	var parts, returning []string
	var args []any
	for i, s := range sets {
		if len(s.Values) == 0 {
			continue
		}
		name := fmt.Sprintf("i%d", i)
		part := fmt.Sprintf("%s AS (INSERT INTO %s (%s) VALUES %s", name, s.Table, strings.Join(s.Cols, ", "), s.Placeholders(len(args)+1))
		args = append(args, s.Args()...)
		if s.Returning != "" {
			part += " RETURNING " + s.Returning
			returning = append(returning, fmt.Sprintf("SELECT %d, %s FROM %s", i, s.Returning, name))
		}
		parts = append(parts, part+")")
	}
	if len(parts) == 0 {
		return nil
	}
	if len(returning) == 0 {
		_, err := q.ExecContext(ctx, "WITH "+strings.Join(parts, ", ")+" SELECT", args...)
		return err
	}
	rows, err := q.QueryContext(ctx, "WITH "+strings.Join(parts, ", ")+" "+strings.Join(returning, " UNION ALL "), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var set int
		var id int64
		var n int
		if err := rows.Scan(&set, &id, &n); err != nil {
			return err
		}
		got(set, id, n)
	}
	return rows.Err()
}
