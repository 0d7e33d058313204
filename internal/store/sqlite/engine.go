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
	return e.db.read(ctx, op, fn)
}

func (e engine) Write(ctx context.Context, op string, fn func(q store.Querier) error) error {
	return e.db.write(ctx, op, fn)
}

// WriteEach runs the writes as ops of one batch (with whatever else is
// queued), each in its own savepoint: a bulk load pays one commit.
func (e engine) WriteEach(ctx context.Context, op string, fns []func(q store.Querier) error) []error {
	ops := make([]*writeOp, len(fns))
	for i, fn := range fns {
		ops[i] = newOp(op, fn)
	}
	return e.db.writeAll(ctx, ops)
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
