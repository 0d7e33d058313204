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
//
// The files: accounts.go, sessions.go and idempotency.go (organisations,
// users, keys, portal sessions, stored responses); audit.go (the audit
// log, and the entry a change's write appends); rmas.go (creating and
// saving an RMA, encoded before its transaction), load.go (reading one),
// events.go (appending to its history), history.go (events, documents,
// messages, sequences, the serial lookup), list.go (pages and search),
// jobs.go (the durable work queue), rows.go (Rows, what Dialect.InsertRows
// writes), migrate.go (goose over a database's migrations, readiness).
//
// Conventions both databases keep, because they are fixed by the
// conformance suite in internal/store/storetest and by the data:
//
//   - Queries use $1-style parameters, which SQLite reads by number as
//     PostgreSQL does, so one text serves both.
//   - Timestamps are stored as TEXT, RFC 3339 in UTC with nine fixed
//     fractional digits (internal/store/sqlcodec), so they sort as text and
//     keep nanoseconds; dates (calendar.Date) as TEXT "YYYY-MM-DD". Zero
//     times and dates are NULL.
//   - Timestamps the caller leaves zero (Created, Updated, Event.At...) are
//     set from the store's clock; the ones the caller sets are kept.
//   - A line's claim is kept in the claim's JSON contract and its decision as
//     the decision's JSON; both are checked before they are written, so a
//     stored RMA can always be read back.
//   - List cursors are opaque: base64url of the last row's (created, id).
//   - Searching by a prefix of a number, serial or model reads the
//     search_terms table, one lower-cased row per term and RMA.
//   - Text neither database can hold (a NUL, invalid UTF-8) is never
//     looked up (storable): such a lookup finds nothing.
//   - A write's fn may run more than once (PostgreSQL retries) and, on
//     SQLite, runs in the writer's goroutine: it sets its results afresh
//     and leaves the caller's values alone until Write returns nil.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Querier is what a transaction, or the pool, offers the store's queries.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Engine runs the store's work on one database. Its errors already speak
// the domain's vocabulary (DomainError).
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
	// Classify gives a database error its domain code: ECONFLICT for a
	// broken unique constraint (detail names the columns, "table.column"),
	// ENOTFOUND for a broken foreign key (the record referred to does not
	// exist), EINVALID for text the database cannot keep; "" for anything
	// else, an outage (DomainError).
	Classify(err error) (code, detail string)
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
	// UnitWrites is what the database needs around a write of the serial
	// registry (units.go).
	UnitWrites() UnitWrites
}

// UnitWrites is what a database needs around a write of the serial
// registry's units (units.go).
type UnitWrites struct {
	// Begin runs first: PostgreSQL's advisory lock (two writers must not
	// move the sales roll-up from the same old rows; SQLite's one writer
	// runs them in turn) and memory for its joins; SQLite's page cache,
	// large enough to hold a load's indexes.
	Begin []string
	// Staged runs once the units are staged, before they are joined:
	// PostgreSQL's ANALYZE, without which the planner takes a table of a
	// million rows for a small one (autovacuum never sees temporary
	// tables).
	Staged []string
	// End runs last, after a failure too: the staging table emptied, and
	// SQLite's page cache as it was.
	End []string
	// Anonymous: a statement of many parameters is better written with
	// "?" than "$n" (SQLite's driver looks each numbered parameter's name
	// up in a list, so a statement of thousands costs their square).
	Anonymous bool
}

// Store implements rma.Store on an Engine and a Dialect.
type Store struct {
	e Engine
	d Dialect

	creates   createBatcher // submissions written together (batch.go)
	bulkLoads atomic.Int64  // batches CreateRMAs loaded with the engine's Bulk, for tests
	batches   atomic.Int64  // batches of submissions written together, for tests

	whatifPage atomic.Int64 // lines a page of WalkPolicyLines reads; 0: the default (whatif.go)
}

// New makes the store over e and d.
func New(e Engine, d Dialect) *Store { return &Store{e: e, d: d} }

func (s *Store) read(ctx context.Context, op string, fn func(q Querier) error) error {
	return s.e.Read(ctx, op, fn)
}

// write runs fn in a write transaction, with the audit entry ctx carries
// (audit.go).
func (s *Store) write(ctx context.Context, op string, fn func(q Querier) error) error {
	return s.writeAudited(ctx, op, fn)
}

// pool is for one statement outside a transaction.
func (s *Store) pool() Querier { return s.e.Pool() }

// storeError gives an error of a pooled statement the domain's vocabulary.
func (s *Store) storeError(op string, err error) error { return DomainError(s.d, op, err) }

// isUnique reports whether err is a broken unique constraint.
func (s *Store) isUnique(err error) bool {
	if err == nil {
		return false
	}
	code, _ := s.d.Classify(err)
	return code == rma.ECONFLICT
}

// DomainError gives err the domain's vocabulary (Engine's errors speak
// it): a domain error passes through, a database error d classifies is
// that code's *rma.Error, and anything else is an outage, which keeps its
// cause for the log.
func DomainError(d Dialect, op string, err error) error {
	var de *rma.Error
	if errors.As(err, &de) {
		return err
	}
	switch code, detail := d.Classify(err); code {
	case rma.ECONFLICT:
		return rma.Errorf(rma.ECONFLICT, "%s: a unique value is taken (%s)", op, detail)
	case rma.ENOTFOUND:
		return rma.Errorf(rma.ENOTFOUND, "%s: refers to a record that does not exist", op)
	case rma.EINVALID:
		return rma.Errorf(rma.EINVALID, "%s: text with a NUL character or invalid UTF-8 cannot be stored", op)
	}
	return fmt.Errorf("%s: %s: %w", d.Name(), op, err)
}

// storable reports whether a database can hold s as text. The desk never
// stores text with a NUL or invalid UTF-8 (its input checks refuse it), so
// a lookup by such a value finds nothing, on either database, without
// asking (PostgreSQL would refuse to compare it).
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// orNow is t, or the store's clock when the caller left t zero.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return now()
	}
	return t
}

// now is the store's clock for timestamps the caller left zero. UTC strips
// the monotonic reading, so the value in memory equals the one read back.
func now() time.Time { return time.Now().UTC() }
