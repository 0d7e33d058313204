package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/rmadesk/rmadesk/internal/store"
)

// engine runs the shared store's work on SQLite: reads in read
// transactions on the pool (prepared), writes as ops of the group-commit
// writer (writer.go), single statements pooled and prepared.
type engine struct{ db *DB }

// Read runs fn in a read-only transaction, so that the several queries that
// load one RMA see the same snapshot even while a writer commits. Its
// statements run prepared (prepared.go).
func (e engine) Read(ctx context.Context, op string, fn func(q store.Querier) error) error {
	tx, err := e.db.pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return storeError(op, err)
	}
	defer tx.Rollback()
	if err := fn(readTx{tx: tx, db: e.db}); err != nil {
		return storeError(op, err)
	}
	return nil
}

// Write runs fn as one op of a group-committed batch and returns once the
// batch has committed (or fn failed). fn must leave the caller's values
// alone: the caller applies its results after write returns nil.
func (e engine) Write(ctx context.Context, op string, fn func(q store.Querier) error) error {
	o := newOp(op, fn)
	if err := e.db.w.enqueue(ctx, o); err != nil {
		return storeError(op, err)
	}
	return o.wait(ctx)
}

// WriteEach runs the writes as ops of one batch (with whatever else is
// queued), each in its own savepoint: a bulk load pays one commit.
func (e engine) WriteEach(ctx context.Context, op string, fns []func(q store.Querier) error) []error {
	ops := make([]*writeOp, len(fns))
	for i, fn := range fns {
		ops[i] = newOp(op, fn)
	}
	errs := make([]error, len(ops))
	if len(ops) == 0 {
		return errs
	}
	if err := e.db.w.enqueue(ctx, ops...); err != nil {
		for i, op := range ops {
			errs[i] = storeError(op.name, err)
		}
		return errs
	}
	for i, op := range ops {
		errs[i] = op.wait(ctx)
	}
	return errs
}

func (e engine) Pool() store.Querier { return pooled(e) }

// dialect is what SQLite's SQL and errors have of their own.
type dialect struct{}

func (dialect) Name() string                             { return "sqlite" }
func (dialect) Classify(err error) (code, detail string) { return classify(err) }

// InsertRows runs a statement a table: in the writer's process they cost
// no round trip, and SQLite has no data-modifying CTEs.
func (dialect) InsertRows(ctx context.Context, q store.Querier, sets []store.Rows, got func(set int, id int64, n int)) error {
	return store.InsertEach(ctx, q, sets, got)
}

// SkipLocked is empty: the one writer runs claims one at a time.
func (dialect) SkipLocked() string { return "" }

// WalkByCreated names the index: SQLite's planner, which does not know how
// many RMAs a prefix matches, would otherwise sort them all.
func (dialect) WalkByCreated() string { return "rmas r INDEXED BY rmas_created" }

// UnitWrites: the one writer runs the registry's writes in turn; a load
// gets a page cache that holds its indexes (a million units' is about 60
// MB: with the writer's 8 MB, each insert would read a page back and
// spill another), given back at its end; the driver binds "?" parameters
// without looking their names up.
func (dialect) UnitWrites() store.UnitWrites {
	return store.UnitWrites{
		Begin: []string{fmt.Sprintf("PRAGMA cache_size = -%d", unitsCacheKiB), fmt.Sprintf("PRAGMA temp.cache_size = -%d", unitsCacheKiB)},
		End: []string{"DELETE FROM units_load", fmt.Sprintf("PRAGMA cache_size = -%d", writerCacheKiB),
			fmt.Sprintf("PRAGMA temp.cache_size = -%d", sqliteDefaultCacheKiB)},
		Anonymous: true,
	}
}

// unitsCacheKiB is the most the writer's page caches (of the database and
// of its temporary tables, each) may hold during a write of units: pages
// are taken as they are read, so a small write takes little.
// sqliteDefaultCacheKiB is SQLite's own default, the temporary tables'.
const (
	unitsCacheKiB         = 512 << 10
	sqliteDefaultCacheKiB = 2000
)
