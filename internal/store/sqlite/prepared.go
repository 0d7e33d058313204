package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// Reads run their statements prepared. SQLite compiles a statement's text
// into a program before it runs; for the desk's queries that costs as much
// as running them. database/sql keeps a statement prepared on the pool
// (*sql.Stmt) prepared on each connection it has run on, so the store keeps
// one per query text and reuses it, in transactions too (Tx.StmtContext
// prepares it on the transaction's connection once, then finds it there).
//
// A text seen for the first time runs unprepared, and is prepared in the
// background for the next time: DB.PrepareContext takes a connection of its
// own, and a read transaction that waited for one while holding its own
// could wait forever once every connection is held by such a transaction.

// maxPrepared bounds the statements kept: list queries are built from
// filters, and an IN list with a new length is a new text. Beyond the
// bound a query runs unprepared, as before.
const maxPrepared = 512

type prepared struct {
	mu      sync.Mutex
	stmts   map[string]*sql.Stmt // nil while being prepared, or when it could not be
	pending sync.WaitGroup
	closed  bool
}

// stmt returns query prepared on the pool, or nil: then the caller runs
// it unprepared, and it is being prepared for next time.
func (db *DB) stmt(query string) *sql.Stmt {
	p := &db.prep
	p.mu.Lock()
	defer p.mu.Unlock()
	st, seen := p.stmts[query]
	if seen || p.closed || len(p.stmts) >= maxPrepared {
		return st
	}
	if p.stmts == nil {
		p.stmts = map[string]*sql.Stmt{}
	}
	p.stmts[query] = nil
	p.pending.Add(1)
	go func() {
		defer p.pending.Done()
		st, err := db.pool.PrepareContext(context.Background(), query)
		p.mu.Lock()
		defer p.mu.Unlock()
		switch {
		case err != nil:
			// Left nil: the text runs unprepared and reports its error.
		case p.closed:
			st.Close()
		default:
			p.stmts[query] = st
		}
	}()
	return nil
}

// closePrepared closes the statements; Close calls it.
func (db *DB) closePrepared() {
	p := &db.prep
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.pending.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, st := range p.stmts {
		if st != nil {
			st.Close()
		}
	}
	p.stmts = nil
}

// pooled runs queries on the pool, prepared.
type pooled struct{ db *DB }

func (p pooled) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.db.stmt(query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.pool.QueryContext(ctx, query, args...)
}

func (p pooled) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.db.stmt(query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.pool.QueryRowContext(ctx, query, args...)
}

func (p pooled) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.db.pool.ExecContext(ctx, query, args...) // writes go through the writer; this is for tests
}

// readTx runs queries in a read transaction, prepared.
type readTx struct {
	tx *sql.Tx
	db *DB
}

func (r readTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.db.stmt(query); st != nil {
		return r.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return r.tx.QueryContext(ctx, query, args...)
}

func (r readTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.db.stmt(query); st != nil {
		return r.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return r.tx.QueryRowContext(ctx, query, args...)
}

func (r readTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.tx.ExecContext(ctx, query, args...)
}
