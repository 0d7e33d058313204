package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/rmadesk/rmadesk/internal/store"
)

// insertCTE writes rows into several tables in ONE statement
// (Dialect.InsertRows): each table is a data-modifying CTE (INSERT ...
// VALUES, so every parameter takes its column's type), and the statement
// returns what the sets asked to return, each row tagged with its set's
// index; rows for one table are its INSERT alone. A new RMA's lines,
// numbers, deadlines, search terms, jobs and first event were one round
// trip each; now they are one together, which spares PostgreSQL the
// per-statement work as much as the network.
//
// Every CTE runs to completion whether or not the final SELECT reads it,
// and the foreign-key checks of the rows run at the statement's end, when
// the RMA's row (inserted by an earlier statement of the transaction) is
// there to be found.
func insertCTE(ctx context.Context, q store.Querier, sets []store.Rows, got func(set int, id int64, n int)) error {
	var ctes, selects []string
	var args []any
	var shared []store.Rows // written after, one statement each (store.Rows.Shared)
	single := ""            // the statement when one set has rows: its INSERT alone
	for i, s := range sets {
		if len(s.Values) == 0 {
			continue
		}
		if s.Shared && s.Returning == "" {
			shared = append(shared, s)
			continue
		}
		name := fmt.Sprintf("i%d", i)
		insert := s.Text(len(args) + 1)
		args = append(args, s.Args()...)
		single = insert
		if s.Returning != "" {
			insert += " RETURNING " + s.Returning
			single = insert + fmt.Sprintf(", %d", i)
			selects = append(selects, fmt.Sprintf("SELECT %s, %d FROM %s", s.Returning, i, name))
		}
		ctes = append(ctes, name+" AS ("+insert+")")
	}
	if err := insertTogether(ctx, q, ctes, selects, single, args, got); err != nil {
		return err
	}
	for _, s := range shared {
		if _, err := q.ExecContext(ctx, s.Text(1), s.Args()...); err != nil {
			return err
		}
	}
	return nil
}

// insertTogether runs the sets' inserts as one statement: a WITH of them all,
// or the one alone.
func insertTogether(ctx context.Context, q store.Querier, ctes, selects []string, single string, args []any, got func(set int, id int64, n int)) error {
	query := single
	switch {
	case len(ctes) == 0:
		return nil
	case len(ctes) > 1 && len(selects) == 0:
		query = "WITH " + strings.Join(ctes, ", ") + " SELECT"
	case len(ctes) > 1:
		query = "WITH " + strings.Join(ctes, ", ") + " " + strings.Join(selects, " UNION ALL ")
	}
	if len(selects) == 0 {
		_, err := q.ExecContext(ctx, query, args...)
		return err
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n, set int
		if err := rows.Scan(&id, &n, &set); err != nil {
			return err
		}
		got(set, id, n)
	}
	return rows.Err()
}
