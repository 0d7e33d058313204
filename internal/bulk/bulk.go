// Package bulk files many RMAs at once (a CSV import, the load tool's seed)
// through the same rma.Service.Submit the API calls, so every line is
// decided by the policy engine and gets the deadlines and jobs of any
// submission, and writes them in large transactions instead of one
// transaction, and one fsync, per RMA.
//
// How: the Loader's service runs over a store that keeps CreateRMA's
// arguments instead of writing them; the Loader hands them to the real
// store in batches (Creator.CreateRMAs, one transaction per batch), while
// the next batch is being decided. A submission the service refuses is
// reported at once; one the store refuses (an idempotency key already
// used, a number taken) is reported when its batch is written, and its
// batch-mates are written all the same.
package bulk

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Creator is a store that writes many new RMAs in one transaction (both
// stores are). Item i is stored as CreateRMA(rs[i], evs[i], keys[i]) would
// store it; errs[i] is its own refusal, which stores nothing of it and
// leaves the others; err is a failure of the whole, which stores nothing.
type Creator interface {
	CreateRMAs(ctx context.Context, rs []*rma.RMA, evs []*rma.Event, keys []string) (errs []error, err error)
}

// Options tune a Loader.
type Options struct {
	// BatchSize is the number of RMAs per transaction; default 1000
	// (5000 took as long and held three times the memory: 510 MB for a
	// 100,000-line import, against 177 MB).
	BatchSize int
	// Now is the clock submissions are filed by (their created time and
	// "today" for the policy); default time.Now.
	Now func() time.Time
	// DropJobs files the RMAs without their jobs (notifications, deadline
	// reminders): for seeding a benchmark with RMAs filed long ago, whose
	// work is long done.
	DropJobs bool
	// Writers is how many batches are handed to the store at once; default
	// 2, so that one batch is encoded while the store writes the other
	// (SQLite writes them one after the other all the same; PostgreSQL in
	// parallel transactions).
	Writers int
	// Shadows are the drafts in shadow (rma.Service.Shadows): each
	// submission's lines are decided by them too and the comparisons
	// written with its RMA, as a submission through the API is. Nil: none.
	Shadows *rma.Shadows
}

// Result counts what a load did.
type Result struct {
	Filed    int       // RMAs written
	Lines    int       // their lines
	Existing int       // submissions whose idempotency key was already used: filed before
	Failed   []Failure // submissions refused, in the order they were refused
}

// Failure is a refused submission and why.
type Failure struct {
	Source string // where it came from, as the caller named it ("lines 12-14")
	Err    error
}

func (f Failure) String() string { return f.Source + ": " + f.Err.Error() }

// Loader files submissions in batches. Submit may be called from several
// goroutines; Close writes what is left and reports.
type Loader struct {
	store rma.Store
	svc   *rma.Service
	opts  Options

	mu      sync.Mutex
	pending []*item
	res     Result
	err     error // a batch that failed as a whole: the load stops

	batches chan []*item
	done    chan struct{}
}

// item is one submission decided and waiting for its batch.
type item struct {
	source string
	r      *rma.RMA
	ev     *rma.Event
	key    string
}

// New makes a Loader that files into store with the policies of set.
func New(store rma.Store, set *policy.Set, opts Options) *Loader {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 1000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Writers <= 0 {
		opts.Writers = 2
	}
	l := &Loader{store: store, opts: opts, batches: make(chan []*item, 1), done: make(chan struct{})}
	l.svc = rma.NewService(&deferred{Store: store, dropJobs: opts.DropJobs}, set, rma.WithClock(opts.Now), rma.WithShadows(opts.Shadows))
	var wg sync.WaitGroup
	for range opts.Writers {
		wg.Add(1)
		go func() { defer wg.Done(); l.write() }()
	}
	go func() { wg.Wait(); close(l.done) }()
	return l
}

// slotKey carries the item being decided from Submit to deferred.CreateRMA.
type slotKey struct{}

// Submit decides one submission and queues it for its batch. A refusal by
// the service (an unknown policy, a date in the future) is recorded as a
// failure of source, for Close to report, and the load goes on. The error
// is the load's end: a batch the database failed, or ctx.
func (l *Loader) Submit(ctx context.Context, actor rma.Actor, req rma.SubmitRequest, source string) error {
	if err := l.failed(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	it := &item{source: source, key: req.IdempotencyKey}
	if _, _, err := l.svc.Submit(context.WithValue(ctx, slotKey{}, it), actor, req); err != nil {
		if rma.ErrorCode(err) == rma.EINTERNAL {
			return err // the database, not the submission
		}
		l.Refuse(source, err)
		return nil
	}
	l.mu.Lock()
	l.pending = append(l.pending, it)
	var full []*item
	if len(l.pending) >= l.opts.BatchSize {
		full, l.pending = l.pending, nil
	}
	l.mu.Unlock()
	if full != nil {
		select {
		case l.batches <- full: // waits while the writer is a batch behind
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Refuse records a submission refused before it reached the Loader (a
// bad value in a file), so that Close reports it with the others.
func (l *Loader) Refuse(source string, err error) {
	l.mu.Lock()
	l.res.Failed = append(l.res.Failed, Failure{Source: source, Err: err})
	l.mu.Unlock()
}

func (l *Loader) failed() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Close writes the last batch, waits for the writer and returns what was
// done. The error is a failure of a whole batch (the database), after
// which the load stopped; refusals of single submissions are in Failed.
func (l *Loader) Close(ctx context.Context) (Result, error) {
	l.mu.Lock()
	last := l.pending
	l.pending = nil
	l.mu.Unlock()
	if len(last) > 0 {
		select {
		case l.batches <- last:
		case <-ctx.Done():
		}
	}
	close(l.batches)
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil && ctx.Err() != nil {
		l.err = ctx.Err()
	}
	return l.res, l.err
}

// write stores batches as they come.
func (l *Loader) write() {
	for batch := range l.batches {
		if l.failed() != nil {
			continue // drain: Submit sees the error
		}
		errs, err := l.store1(batch)
		l.mu.Lock()
		if err != nil {
			l.err = fmt.Errorf("writing a batch of %d RMAs (%s to %s): %w", len(batch), batch[0].source, batch[len(batch)-1].source, err)
		} else {
			for i, it := range batch {
				var de *rma.Error
				switch {
				case errs[i] == nil:
					l.res.Filed++
					l.res.Lines += len(it.r.Lines)
				case errors.As(errs[i], &de) && de.ExistingID != 0:
					l.res.Existing++
				case rma.ErrorCode(errs[i]) == rma.EINTERNAL:
					// The database, not the submission (a full disk fails
					// the whole transaction): the load stops here rather
					// than report every later RMA refused for it.
					if l.err == nil {
						l.err = fmt.Errorf("writing %s: %w", it.source, errs[i])
					}
				default:
					l.res.Failed = append(l.res.Failed, Failure{Source: it.source, Err: errs[i]})
				}
			}
		}
		l.mu.Unlock()
	}
}

// store1 writes one batch: in one transaction when the store can, else
// one RMA at a time.
func (l *Loader) store1(batch []*item) ([]error, error) {
	ctx := context.Background() // a batch once begun is finished; Close waits for it
	rs := make([]*rma.RMA, len(batch))
	evs := make([]*rma.Event, len(batch))
	keys := make([]string, len(batch))
	for i, it := range batch {
		rs[i], evs[i], keys[i] = it.r, it.ev, it.key
	}
	if c, ok := l.store.(Creator); ok {
		return c.CreateRMAs(ctx, rs, evs, keys)
	}
	errs := make([]error, len(batch))
	for i := range batch {
		errs[i] = l.store.CreateRMA(ctx, rs[i], evs[i], keys[i])
	}
	return errs, nil
}

// deferred is the store the Loader's service sees: reads go to the real
// store (organisations are read once), CreateRMA only keeps its arguments
// for the batch.
type deferred struct {
	rma.Store
	dropJobs bool
	orgs     sync.Map // int64 -> *rma.Org

	// The serial registry (rma.UnitReader), read from the real store:
	// whether it holds units is asked once a load, not once a submission.
	keepsOnce sync.Once
	keeps     bool
	keepsErr  error
}

// Unit reads the registry of the real store, which the service reads at
// intake (rma.FillRecords). The load's own RMAs are not yet in the store:
// a serial claimed twice within one import is not seen as claimed again.
func (d *deferred) Unit(ctx context.Context, serial string) (*rma.Unit, error) {
	ur, ok := d.Store.(rma.UnitReader)
	if !ok {
		return nil, rma.Errorf(rma.ENOTFOUND, "serial %q is not in the registry", serial)
	}
	return ur.Unit(ctx, serial)
}

// KeepsUnits asks the real store once a load.
func (d *deferred) KeepsUnits(ctx context.Context) (bool, error) {
	d.keepsOnce.Do(func() {
		if ur, ok := d.Store.(rma.UnitReader); ok {
			d.keeps, d.keepsErr = ur.KeepsUnits(ctx)
		}
	})
	return d.keeps, d.keepsErr
}

func (d *deferred) Org(ctx context.Context, id int64) (*rma.Org, error) {
	if o, ok := d.orgs.Load(id); ok {
		c := *o.(*rma.Org)
		return &c, nil
	}
	o, err := d.Store.Org(ctx, id)
	if err != nil {
		return nil, err
	}
	c := *o
	d.orgs.Store(id, &c)
	return o, nil
}

func (d *deferred) CreateRMA(ctx context.Context, r *rma.RMA, ev *rma.Event, key string) error {
	it, ok := ctx.Value(slotKey{}).(*item)
	if !ok {
		return errors.New("bulk: CreateRMA outside a Loader's Submit")
	}
	if d.dropJobs {
		r.Jobs = nil
	}
	it.r, it.ev, it.key = r, ev, key
	return nil
}
