package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/rmadesk/rmadesk/internal/store"
)

// Bulk runs a bulk load (store.Bulk) in one pgx transaction on a
// connection of the pool: rows go in with COPY, the fastest way
// PostgreSQL takes many rows (a statement per table per batch, no
// parameter limit, binary encoding), after their IDs are reserved from the
// tables' identity sequences. COPY takes the IDs it is given, identity
// columns included.
func (e engine) Bulk(ctx context.Context, op string, fn func(l store.Loader) error) error {
	conn, err := e.db.pool.Conn(ctx)
	if err != nil {
		return storeError(op, err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("bulk load: the driver connection is a %T, not pgx's", dc)
		}
		tx, err := sc.Conn().BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		if err := fn(loader{ctx: ctx, tx: tx}); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return storeError(op, err)
	}
	return nil
}

type loader struct {
	ctx context.Context
	tx  pgx.Tx
}

func (l loader) IDs(counts map[string]int) (map[string][]int64, error) {
	return reserveIDs(l.ctx, l.tx, counts)
}

func (l loader) Copy(table string, cols []string, rows [][]any) error {
	_, err := l.tx.CopyFrom(l.ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
	return err
}

func (l loader) CopyFunc(table string, cols []string, next func() ([]any, error)) error {
	_, err := l.tx.CopyFrom(l.ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(next))
	return err
}

func (l loader) Exec(query string, args ...any) (int64, error) {
	tag, err := l.tx.Exec(l.ctx, query, args...)
	return tag.RowsAffected(), err
}

func (l loader) QueryRow(query string, args ...any) interface{ Scan(dest ...any) error } {
	return noRows{l.tx.QueryRow(l.ctx, query, args...)}
}

func (l loader) Query(query string, each func(scan func(dest ...any) error) error, args ...any) error {
	rows, err := l.tx.Query(l.ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// noRows gives pgx's "no rows" as database/sql's, which the store checks.
type noRows struct{ row pgx.Row }

func (r noRows) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}

// reserveIDs takes counts[table] values from each table's identity
// sequence, in one round trip: a bulk load then names its rows' IDs
// itself. IDs come back ascending a table, as the rows would have drawn
// them.
func reserveIDs(ctx context.Context, tx pgx.Tx, counts map[string]int) (map[string][]int64, error) {
	tables := make([]string, 0, len(counts))
	ns := make([]int64, 0, len(counts))
	for table, n := range counts {
		if n > 0 {
			tables, ns = append(tables, table), append(ns, int64(n))
		}
	}
	out := make(map[string][]int64, len(tables))
	if len(tables) == 0 {
		return out, nil
	}
	rows, err := tx.Query(ctx, `SELECT v.t, nextval(pg_get_serial_sequence(v.t, 'id'))
		FROM unnest($1::text[], $2::bigint[]) AS v(t, n) CROSS JOIN LATERAL generate_series(1, v.n)
		ORDER BY 1, 2`, tables, ns)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var table string
		var id int64
		if err := rows.Scan(&table, &id); err != nil {
			return nil, err
		}
		out[table] = append(out[table], id)
	}
	return out, rows.Err()
}
