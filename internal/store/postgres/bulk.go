package postgres

import (
	"context"
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

func (l loader) IDs(table string, n int) ([]int64, error) {
	rows, err := l.tx.Query(l.ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

func (l loader) Copy(table string, cols []string, rows [][]any) error {
	_, err := l.tx.CopyFrom(l.ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
	return err
}
