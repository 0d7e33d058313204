package postgres

import (
	"context"
	"fmt"
	"github.com/rmadesk/rmadesk/internal/store"
	"strings"
)

// insertCTE writes rows into several tables in ONE statement
// (Dialect.InsertRows): each table is a data-modifying CTE (INSERT ...
// VALUES, so every parameter takes its column's type), and the statement
// returns, tagged with the set's index, what the sets asked to return. A
// new RMA's lines, numbers, deadlines, search terms, jobs and first event
// were one round trip each; now they are one together, which spares
// PostgreSQL the per-statement work as much as the network.
//
// Every CTE runs to completion whether or not the final SELECT reads it,
// and the foreign-key checks of the rows run at the statement's end, when
// the RMA's row (inserted by an earlier statement of the transaction) is
// there to be found.
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
