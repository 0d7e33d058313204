package postgres

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store"
)

// engine runs the shared store's work on PostgreSQL: reads in REPEATABLE
// READ read-only transactions, writes in READ COMMITTED transactions
// retried when they fail to serialize, single statements on the pool.
type engine struct{ db *DB }

// Write runs fn in one READ COMMITTED transaction and commits it, or rolls
// it back if fn or the commit fails. A deadlock or serialization failure
// runs fn again in a new transaction, so fn must set its results rather
// than add to them, and leave the caller's values alone until write has
// returned.
func (e engine) Write(ctx context.Context, op string, fn func(q store.Querier) error) error {
	for attempt := 1; ; attempt++ {
		err := e.writeOnce(ctx, fn)
		if err == nil {
			return nil
		}
		if !retryable(err) {
			return storeError(op, err)
		}
		if pgCode(err) == deadlockDetected {
			e.db.deadlocks.Add(1)
		}
		if attempt == writeAttempts {
			return rma.Errorf(rma.EPRECONDITION, "%s: the records changed concurrently %d times in a row; try again", op, attempt)
		}
		// A short random pause, growing with each attempt, so that the
		// transactions that collided do not collide again in step.
		pause := time.Duration(attempt) * time.Duration(5+rand.IntN(20)) * time.Millisecond
		select {
		case <-ctx.Done():
			return storeError(op, ctx.Err())
		case <-time.After(pause):
		}
	}
}

func (e engine) writeOnce(ctx context.Context, fn func(store.Querier) error) error {
	// The isolation level is explicit: with a server default of
	// SERIALIZABLE, a stale SaveRMA would fail to serialize instead of
	// finding the version moved.
	tx, err := e.db.pool.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Read runs fn in a read-only REPEATABLE READ transaction, so that the
// several queries that load one RMA see the same snapshot even while a
// writer commits. A read-only transaction never fails to serialize.
func (e engine) Read(ctx context.Context, op string, fn func(q store.Querier) error) error {
	tx, err := e.db.pool.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return storeError(op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return storeError(op, err)
	}
	return nil
}

// WriteEach runs the writes in one transaction: a bulk load pays one
// commit. Should one be refused inside it (a key or a number taken), the
// transaction is rolled back and the writes are run one by one, each in
// its own transaction, so each gets its own answer; after a failure of the
// database, the rest are not tried and get its error.
func (e engine) WriteEach(ctx context.Context, op string, fns []func(q store.Querier) error) []error {
	errs := make([]error, len(fns))
	if len(fns) == 0 {
		return errs
	}
	refused := false
	err := e.Write(ctx, op, func(tx store.Querier) error {
		refused = false
		for _, fn := range fns {
			if err := fn(tx); err != nil {
				refused = rma.ErrorCode(storeError(op, err)) != rma.EINTERNAL
				return err
			}
		}
		return nil
	})
	if err == nil {
		return errs
	}
	for i, fn := range fns {
		if !refused {
			errs[i] = err // the database failed: the rest would too
			continue
		}
		errs[i] = e.Write(ctx, op, fn)
		if errs[i] != nil && rma.ErrorCode(errs[i]) == rma.EINTERNAL {
			refused, err = false, errs[i]
		}
	}
	return errs
}

func (e engine) Pool() store.Querier { return e.db.pool }

// dialect is what PostgreSQL's SQL and errors have of their own.
type dialect struct{}

func (dialect) Name() string                             { return "postgres" }
func (dialect) Classify(err error) (code, detail string) { return classify(err) }

// InsertRows writes every table's rows in one statement (multiinsert.go).
func (dialect) InsertRows(ctx context.Context, q store.Querier, sets []store.Rows, got func(set int, id int64, n int)) error {
	return insertCTE(ctx, q, sets, got)
}

// SkipLocked lets claims of several workers and instances run side by
// side, each locking the job it takes and passing over the others'.
func (dialect) SkipLocked() string { return " FOR UPDATE SKIP LOCKED" }

// WalkByCreated is empty: PostgreSQL's planner estimates from its
// statistics how many RMAs a prefix matches, so the store neither counts
// them first (a round trip) nor forces a plan.
func (dialect) WalkByCreated() string { return "" }

// UnitWrites: the registry's writers take turns (each moves the sales
// roll-up from the rows it reads, which a writer committing meanwhile
// would have changed; the key is the registry's own, and the lock ends
// with the transaction), and a load's joins of a million rows get the
// memory to hash them (SET LOCAL: this transaction only).
func (dialect) UnitWrites() store.UnitWrites {
	return store.UnitWrites{
		Begin:  []string{"SELECT pg_advisory_xact_lock(1600016)", "SET LOCAL work_mem = '256MB'"},
		Staged: []string{"ANALYZE units_load (serial_key)"},
		End:    []string{"TRUNCATE units_load"},
	}
}
