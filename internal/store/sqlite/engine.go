package sqlite

import (
	"context"

	"github.com/rmadesk/rmadesk/internal/store"
)

// engine runs the shared store's work on SQLite: reads in read
// transactions on the pool (prepared), writes as ops of the group-commit
// writer (writer.go), single statements pooled and prepared.
type engine struct{ db *DB }

func (e engine) Read(ctx context.Context, op string, fn func(q store.Querier) error) error {
	return e.db.read(ctx, op, func(q querier) error { return fn(q) })
}

func (e engine) Write(ctx context.Context, op string, fn func(q store.Querier) error) error {
	return e.db.write(ctx, op, func(q querier) error { return fn(q) })
}

func (e engine) Pool() store.Querier { return pooled{e.db} }

// dialect is what SQLite's SQL and errors have of their own.
type dialect struct{}

func (dialect) Name() string                     { return "sqlite" }
func (dialect) Error(op string, err error) error { return storeError(op, err) }
func (dialect) IsUnique(err error) bool          { return isUnique(err) }
