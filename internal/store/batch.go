package store

import (
	"context"
	"sync"
)

// Group commit of submissions, where the engine loads in bulk.
//
// On PostgreSQL a submission alone costs a transaction of its own: BEGIN,
// the RMA's row, its other rows, COMMIT, each a round trip and a piece of
// server work, and a WAL flush to wait for. Submissions that arrive while
// others are being written wait, and are then written together: one
// transaction, their IDs reserved in one round trip and their rows copied
// in a statement a table (bulk.go), one flush, as SQLite's writer does for
// every write. Up to maxCreateFlushers such transactions
// run at once, so the server's cores stay busy; an idle desk writes a lone
// submission at once. Should a batch be refused as a whole (an idempotency
// key taken, even by another item of it), its items are written one by
// one, each with its own answer. Nobody is answered before their batch
// has committed.

const (
	maxCreateFlushers = 4
	maxCreateParams   = 60000 // PostgreSQL takes at most 65,535 parameters a statement
)

type createBatcher struct {
	mu      sync.Mutex
	pending []*pendingCreate
	running int
}

type pendingCreate struct {
	c    *create
	done chan error
}

// createBatched writes c with the submissions arriving with it; on nil, c
// has what the transaction gave it.
func (st *Store) createBatched(bulk Bulk, c *create) error {
	p := &pendingCreate{c: c, done: make(chan error, 1)}
	b := &st.creates
	b.mu.Lock()
	b.pending = append(b.pending, p)
	if b.running < maxCreateFlushers {
		b.running++
		go st.flushCreates(bulk)
	}
	b.mu.Unlock()
	// Once queued, a submission is written whatever its caller does: the
	// answer it gets is the truth.
	return <-p.done
}

// flushCreates writes what is pending, batch after batch, until nothing is.
func (st *Store) flushCreates(bulk Bulk) {
	b := &st.creates
	for {
		b.mu.Lock()
		n, params := 0, 0
		for n < len(b.pending) {
			params += b.pending[n].c.params()
			if n > 0 && params > maxCreateParams {
				break
			}
			n++
		}
		if n == 0 {
			b.running--
			b.mu.Unlock()
			return
		}
		batch := b.pending[:n:n]
		b.pending = b.pending[n:]
		b.mu.Unlock()
		st.writeCreates(bulk, batch)
	}
}

func (st *Store) writeCreates(bulk Bulk, batch []*pendingCreate) {
	ctx := context.Background()
	if len(batch) > 1 {
		cs := make([]*create, len(batch))
		for i, p := range batch {
			cs[i] = p.c
		}
		if st.bulkCreate(ctx, bulk, cs) == nil {
			for _, p := range batch {
				p.done <- nil
			}
			st.batches.Add(1)
			return
		}
	}
	// Each on its own, side by side, so each gets its own answer.
	var wg sync.WaitGroup
	for _, p := range batch {
		wg.Go(func() {
			p.done <- st.write(ctx, "create rma", func(q Querier) error { return st.insertRMA(ctx, q, p.c) })
		})
	}
	wg.Wait()
}

// params counts the statement parameters c's rows take in a batch.
func (c *create) params() int {
	w := c.w
	n := len(rmaInsertCols) + 1 + len(w.lines)*(len(lineInsertCols)+1) + len(w.charges)*(len(chargeInsertCols)+1) +
		len(w.numbers)*(len(numberCols)+1) + len(w.deadlines)*(len(deadlineCols)+1) + len(w.terms)*2 +
		len(w.jobs)*len(jobCols) + len(c.evw.args)*(len(eventInsertCols)+1) + len(w.shadow)*(len(shadowLineCols)+1)
	return n
}
