package postgres

import (
	"context"
	"database/sql"

	"github.com/rmadesk/rmadesk/internal/store"
)

// engine runs the shared store's work on PostgreSQL: reads in REPEATABLE
// READ read-only transactions, writes in READ COMMITTED transactions
// retried when they fail to serialize, single statements on the pool.
type engine struct{ db *DB }

func (e engine) Read(ctx context.Context, op string, fn func(q store.Querier) error) error {
	return e.db.read(ctx, op, func(tx *sql.Tx) error { return fn(tx) })
}

func (e engine) Write(ctx context.Context, op string, fn func(q store.Querier) error) error {
	return e.db.write(ctx, op, func(tx *sql.Tx) error { return fn(tx) })
}

func (e engine) Pool() store.Querier { return e.db.pool }

// dialect is what PostgreSQL's SQL and errors have of their own.
type dialect struct{}

func (dialect) Name() string                     { return "postgres" }
func (dialect) Error(op string, err error) error { return storeError(op, err) }
func (dialect) IsUnique(err error) bool          { return isUnique(err) }
