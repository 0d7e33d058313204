package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/rmadesk/rmadesk/internal/store"
)

// Group commit.
//
// SQLite runs one write transaction at a time, and with synchronous=FULL
// every commit waits for an fsync of the WAL. A store that gave each
// request its own transaction would make concurrent writers queue on the
// file lock (sleeping in the busy handler, holding pooled connections that
// readers need) and pay one fsync each.
//
// Instead every write of the store is an op queued to one writer goroutine
// that owns one connection. The writer takes every op waiting, runs them
// in ONE transaction, each inside its own SAVEPOINT, and commits once: one
// fsync for the batch. An op that fails (a version conflict, a taken
// idempotency key, a unique number) is rolled back to its savepoint, so it
// writes nothing, and its batch-mates commit all the same. No caller hears
// back before the COMMIT has returned: an answered write is on disk.
//
// While one batch commits, the next one queues: batches grow with the load
// by themselves, and an idle store commits a lone op at once, without a
// savepoint. The writer's statements are prepared once on its connection.

// maxBatch bounds the ops of one transaction, so that the first op of a
// batch does not wait long behind the others. A bulk group (CreateRMAs) is
// never split, whatever its size.
const maxBatch = 512

// maxStatements bounds the writer's prepared statements; a statement built
// at run time beyond them (none is, today) is run unprepared.
const maxStatements = 256

// writerCacheKiB is the writer connection's page cache.
const writerCacheKiB = 8 << 10

// errClosed answers writes queued after Close.
var errClosed = errors.New("the store is closed")

// Op states: a caller may abandon its op (its context ended) only while
// the op waits; once the writer has taken it, the caller waits for the
// commit, so that its answer is the truth.
const (
	opQueued int32 = iota
	opRunning
	opAbandoned
)

// writeOp is one write: fn runs inside the batch's transaction, in its own
// savepoint; err is its answer, given once the batch has committed.
type writeOp struct {
	name  string
	fn    func(q store.Querier) error
	state atomic.Int32
	err   error
	done  chan struct{}
}

func newOp(name string, fn func(q store.Querier) error) *writeOp {
	return &writeOp{name: name, fn: fn, done: make(chan struct{})}
}

// wait returns the op's answer, or ctx's error if the op was still queued
// when ctx ended (then it never runs).
func (op *writeOp) wait(ctx context.Context) error {
	select {
	case <-op.done:
		return op.err
	case <-ctx.Done():
		if op.state.CompareAndSwap(opQueued, opAbandoned) {
			return storeError(op.name, ctx.Err())
		}
		<-op.done
		return op.err
	}
}

// writer runs the ops; only its goroutine touches conn and stmts.
type writer struct {
	conn  *sql.Conn
	ctx   context.Context // the writer's own: a caller's context never interrupts a statement of a batch
	stmts map[string]*sql.Stmt

	mu     sync.RWMutex // held for reading while queueing, for writing by close
	closed bool
	queue  chan []*writeOp
	done   chan struct{}

	batches, ops atomic.Int64 // for tests and the curious
}

func newWriter(ctx context.Context, pool *sql.DB) (*writer, error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	// The writer touches the tables' and indexes' last pages over and
	// over: a larger cache than the readers' (SQLite's default, 2 MB)
	// spares it reading them back from the OS.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", writerCacheKiB)); err != nil {
		conn.Close()
		return nil, err
	}
	w := &writer{conn: conn, ctx: context.Background(), stmts: map[string]*sql.Stmt{},
		queue: make(chan []*writeOp, 4096), done: make(chan struct{})}
	go w.loop()
	return w, nil
}

// enqueue hands ops to the writer as one group: they share a transaction.
func (w *writer) enqueue(ctx context.Context, ops ...*writeOp) error {
	// A caller that has given up already queues nothing: select would pick
	// at random between a free queue slot and the ended context.
	if err := ctx.Err(); err != nil {
		return err
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return errClosed
	}
	select {
	case w.queue <- ops:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close lets the writer finish what is queued, then frees its connection.
func (w *writer) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	<-w.done
}

func (w *writer) loop() {
	defer close(w.done)
	defer func() {
		for _, st := range w.stmts {
			st.Close()
		}
		w.conn.Close()
	}()
	for first := range w.queue {
		batch := append([]*writeOp(nil), first...)
	more:
		for len(batch) < maxBatch {
			select {
			case ops, ok := <-w.queue:
				if !ok {
					break more
				}
				batch = append(batch, ops...)
			default:
				break more
			}
		}
		w.run(batch)
	}
}

// run writes one batch in one transaction and answers its ops.
func (w *writer) run(batch []*writeOp) {
	live := batch[:0]
	for _, op := range batch {
		if op.state.CompareAndSwap(opQueued, opRunning) {
			live = append(live, op)
		}
	}
	defer func() {
		for _, op := range live {
			close(op.done)
		}
	}()
	if len(live) == 0 {
		return
	}
	w.batches.Add(1)
	w.ops.Add(int64(len(live)))
	w.attempt(live)
}

// attempt runs ops in one transaction, each in its own savepoint, and
// commits it.
func (w *writer) attempt(live []*writeOp) {
	// failAll ends the transaction: every op gets err, also one that had
	// failed on its own (its failure may rest on a batch-mate's write, now
	// undone: a key taken by an RMA that was never committed).
	failAll := func(err error) {
		w.exec("ROLLBACK")
		for _, op := range live {
			op.err = storeError(op.name, err)
		}
	}
	if err := w.exec("BEGIN IMMEDIATE"); err != nil {
		failAll(err)
		return
	}
	if len(live) == 1 {
		// Alone in its transaction: no savepoint needed.
		if err := w.call(live[0]); err != nil {
			live[0].err = storeError(live[0].name, err)
			w.exec("ROLLBACK")
		} else if err := w.exec("COMMIT"); err != nil {
			failAll(err)
		}
		return
	}
	for _, op := range live {
		if err := w.exec("SAVEPOINT op"); err != nil {
			failAll(err)
			return
		}
		if err := w.call(op); err != nil {
			op.err = storeError(op.name, err)
			// A failed statement is undone by SQLite itself; the op's
			// earlier statements are undone here. Should SQLite have
			// ended the whole transaction (a full disk, an I/O error),
			// the savepoint is gone and the batch fails.
			if rbErr := w.exec("ROLLBACK TO op"); rbErr != nil {
				failAll(fmt.Errorf("%v; then the batch's transaction was lost: %w", err, rbErr))
				return
			}
		}
		if err := w.exec("RELEASE op"); err != nil {
			failAll(err)
			return
		}
	}
	if err := w.exec("COMMIT"); err != nil {
		failAll(err)
	}
}

// call runs an op's fn; a panic is the op's error, not the writer's end.
func (w *writer) call(op *writeOp) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic in %s: %v", op.name, v)
		}
	}()
	return op.fn(writeTx{w})
}

func (w *writer) exec(query string) error {
	_, err := writeTx{w}.ExecContext(w.ctx, query)
	return err
}

// stmt returns query prepared on the writer's connection, or nil when the
// cache is full.
func (w *writer) stmt(query string) (*sql.Stmt, error) {
	if st, ok := w.stmts[query]; ok {
		return st, nil
	}
	if len(w.stmts) >= maxStatements {
		return nil, nil
	}
	st, err := w.conn.PrepareContext(w.ctx, query)
	if err != nil {
		return nil, err
	}
	w.stmts[query] = st
	return st, nil
}

// writeTx is the batch's transaction as an op sees it. It ignores the
// context it is given: the op's caller may give up, but a statement of a
// batch, once begun, is finished (the writer's context never ends).
type writeTx struct{ w *writer }

func (t writeTx) ExecContext(_ context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.w.stmt(query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return t.w.conn.ExecContext(t.w.ctx, query, args...)
	}
	return st.ExecContext(t.w.ctx, args...)
}

func (t writeTx) QueryContext(_ context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := t.w.stmt(query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return t.w.conn.QueryContext(t.w.ctx, query, args...)
	}
	return st.QueryContext(t.w.ctx, args...)
}

func (t writeTx) QueryRowContext(_ context.Context, query string, args ...any) *sql.Row {
	st, err := t.w.stmt(query)
	if err != nil || st == nil {
		// Unprepared, the query reports its own error through the Row.
		return t.w.conn.QueryRowContext(t.w.ctx, query, args...)
	}
	return st.QueryRowContext(t.w.ctx, args...)
}

// WriteStats counts the writer's transactions and the ops they held since
// Open: ops/batches is the mean batch.
func (db *DB) WriteStats() (batches, ops int64) { return db.w.batches.Load(), db.w.ops.Load() }
