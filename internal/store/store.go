// Package store is the desk's one store: every method of rma.Store written
// once, in SQL both databases run, over an Engine that knows how each
// database runs transactions and a Dialect that knows the few places where
// their SQL or their errors differ.
//
// internal/store/sqlite and internal/store/postgres open their database,
// apply its migrations, and provide the two: SQLite's group-commit writer
// (every write an op of one batched transaction, one fsync per batch) and
// PostgreSQL's pooled READ COMMITTED transactions, retried when they fail
// to serialize. A new table is added once here, with one migration per
// database.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pressly/goose/v3"
)

// Querier is what a transaction, or the pool, offers the store's queries.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Engine runs the store's work on one database. Its errors already speak
// the domain's vocabulary (Dialect.Error).
type Engine interface {
	// Read runs fn in a read-only transaction: the queries that load one
	// RMA see one snapshot while writers commit.
	Read(ctx context.Context, op string, fn func(q Querier) error) error
	// Write runs fn in a write transaction and returns once it committed,
	// or with fn's error and nothing written. fn may run more than once (a
	// retried transaction), so it must leave the caller's values alone
	// until Write returns nil.
	Write(ctx context.Context, op string, fn func(q Querier) error) error
	// WriteEach runs many writes together (a bulk load), each as Write
	// would, and returns each one's answer: errs[i] is fns[i]'s refusal,
	// which writes nothing of it and leaves the others. A failure of the
	// whole (the database) is every write's error. SQLite runs them as ops
	// of one batch, each in its own savepoint; PostgreSQL in one
	// transaction, or one by one when one of them is refused.
	WriteEach(ctx context.Context, op string, fns []func(q Querier) error) []error
	// Pool runs one statement outside any transaction: a single read.
	Pool() Querier
}

// Dialect is what differs between the databases' SQL and errors.
type Dialect interface {
	// Name is "sqlite" or "postgres".
	Name() string
	// Error gives a database error the domain's vocabulary: a broken
	// unique constraint is ECONFLICT, a broken foreign key ENOTFOUND (the
	// record referred to does not exist), text the database cannot keep
	// EINVALID; a domain error passes through; anything else is an outage
	// and keeps its cause for the log.
	Error(op string, err error) error
	// IsUnique reports whether err is a broken unique constraint.
	IsUnique(err error) bool
	// InsertRows inserts the rows of several tables, in their order, and
	// calls got for each row a set asked to return (Rows.Returning). SQLite
	// runs one statement a table (InsertEach); PostgreSQL one statement
	// for them all, a data-modifying CTE a table, which spares round trips.
	InsertRows(ctx context.Context, q Querier, sets []Rows, got func(set int, id int64, n int)) error
	// SkipLocked is the locking clause of a claim's SELECT: " FOR UPDATE
	// SKIP LOCKED" where claims run side by side (PostgreSQL), "" where
	// one writer runs them in turn (SQLite).
	SkipLocked() string
	// WalkByCreated is the FROM clause that walks the RMAs newest first by
	// rmas_created, for a search that matches so many RMAs that sorting
	// them would cost more (list.go); "" where the planner chooses well by
	// itself, and the store does not count the matches to choose.
	WalkByCreated() string
}

// Store implements rma.Store on an Engine and a Dialect.
type Store struct {
	e Engine
	d Dialect
}

// New makes the store over e and d.
func New(e Engine, d Dialect) *Store { return &Store{e: e, d: d} }

func (s *Store) read(ctx context.Context, op string, fn func(q Querier) error) error {
	return s.e.Read(ctx, op, fn)
}

func (s *Store) write(ctx context.Context, op string, fn func(q Querier) error) error {
	return s.e.Write(ctx, op, fn)
}

// pool is for one statement outside a transaction.
func (s *Store) pool() Querier { return s.e.Pool() }

// storeError gives an error of a pooled statement the domain's vocabulary.
func (s *Store) storeError(op string, err error) error { return s.d.Error(op, err) }

// isUnique reports whether err is a broken unique constraint.
func (s *Store) isUnique(err error) bool { return err != nil && s.d.IsUnique(err) }

// storable reports whether a database can hold s as text. The desk never
// stores text with a NUL or invalid UTF-8 (its input checks refuse it), so
// a lookup by such a value finds nothing, on either database, without
// asking (PostgreSQL would refuse to compare it).
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// now is the store's clock for timestamps the caller left zero. UTC strips
// the monotonic reading, so the value in memory equals the one read back.
func now() time.Time { return time.Now().UTC() }

// Ready reports whether the database answers and is at the schema this
// binary expects: the migrations provider gives find nothing to apply.
func Ready(ctx context.Context, pool *sql.DB, provider func() (*goose.Provider, error)) error {
	if err := pool.PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	p, err := provider()
	if err != nil {
		return err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	if pending {
		return errors.New("migrations pending: run rmadesk migrate")
	}
	return nil
}
