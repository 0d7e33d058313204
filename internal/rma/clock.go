package rma

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// The desk's clock: what "now" is for business dates (submissions,
// deadlines, RMA numbers and their expiry, the jobs' due times, the
// portal's "today"). It is the wall clock plus an offset, and the offset
// is zero except on a demo desk, where an admin may move the desk's date
// forward (like Stripe's test clocks) to watch numbers expire and
// reminders fall due without waiting days. Real time stays real where it
// guards something: sessions, sign-in limits, reset links, leases' wall
// timeouts.
//
// The offset lives in the database (ClockStore), so every instance of a
// desk shares it; each instance reads it when it starts and then every
// few seconds (Watch), and the one that moves it knows at once.

// ClockStore keeps the desk's clock offset.
type ClockStore interface {
	// ClockOffset returns how far the desk's date has been moved forward
	// (zero when it never was).
	ClockOffset(ctx context.Context) (time.Duration, error)
	// AdvanceClock adds by (positive) to the offset, in one statement so
	// that two admins moving it at once both count, and returns the new
	// offset.
	AdvanceClock(ctx context.Context, by time.Duration) (time.Duration, error)
}

// MaxClockAdvance bounds one move of the clock: far enough for any
// policy's period, short of dates no one means.
const MaxClockAdvance = 3660 * 24 * time.Hour

// DeskClock is the desk's clock. Safe for concurrent use.
type DeskClock struct {
	store  ClockStore
	demo   bool
	wall   func() time.Time
	offset atomic.Int64 // nanoseconds

	mu    sync.Mutex
	after []func(ctx context.Context) (int, error)
}

// NewDeskClock makes the clock of a desk; only a demo desk's clock moves.
// wall is the real clock (nil: time.Now).
func NewDeskClock(store ClockStore, demo bool, wall func() time.Time) *DeskClock {
	if wall == nil {
		wall = time.Now
	}
	return &DeskClock{store: store, demo: demo, wall: wall}
}

// Now is the desk's time: rma.WithClock(clock.Now).
func (c *DeskClock) Now() time.Time { return c.wall().Add(c.Offset()) }

// Offset is how far the desk's time is ahead of the wall clock.
func (c *DeskClock) Offset() time.Duration { return time.Duration(c.offset.Load()) }

// Demo reports whether this desk's clock may move.
func (c *DeskClock) Demo() bool { return c.demo }

// Refresh reads the shared offset. A production desk keeps the wall
// clock whatever the database holds (it may have been a demo desk once),
// and reports the offset it ignores.
func (c *DeskClock) Refresh(ctx context.Context) (stored time.Duration, err error) {
	off, err := c.store.ClockOffset(ctx)
	if err != nil {
		return 0, err
	}
	if c.demo {
		c.raise(off)
	}
	return off, nil
}

// raise keeps the larger offset: time only moves forward, and a stale
// read must not undo a move this instance already knows of.
func (c *DeskClock) raise(off time.Duration) {
	for {
		cur := c.offset.Load()
		if int64(off) <= cur || c.offset.CompareAndSwap(cur, int64(off)) {
			return
		}
	}
}

// Watch refreshes the offset every interval until ctx ends, so that a move
// made through another instance reaches this one's jobs and pages.
func (c *DeskClock) Watch(ctx context.Context, every time.Duration) {
	if !c.demo {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, _ = c.Refresh(ctx) // a failed read leaves the last offset: try again next tick
		}
	}
}

// AfterAdvance registers work to run once the clock has moved: the jobs
// runner's due jobs. It returns how many pieces of work it did.
func (c *DeskClock) AfterAdvance(f func(ctx context.Context) (int, error)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.after = append(c.after, f)
}

// ClockState is the desk's clock as the API and the portal show it.
type ClockState struct {
	Now    time.Time
	Offset time.Duration
	Demo   bool
	// JobsRun is how many due jobs ran right after a move.
	JobsRun int
}

// State is the clock now.
func (c *DeskClock) State() ClockState {
	off := c.Offset()
	return ClockState{Now: c.wall().Add(off), Offset: off, Demo: c.demo}
}

// Advance moves a demo desk's date forward by by and then runs the work
// that fell due (AfterAdvance). Only an admin may, only on a demo desk
// (ECONFLICT on any other: its dates are real), and only forward.
func (c *DeskClock) Advance(ctx context.Context, actor Actor, by time.Duration) (ClockState, error) {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return ClockState{}, err
	}
	if !c.demo {
		return ClockState{}, Errorf(ECONFLICT, "this desk's clock is real time: only a desk started with --demo can move its date")
	}
	if by <= 0 {
		return ClockState{}, Invalid("days", "the desk's date only moves forward: give a positive number of days or hours")
	}
	if by > MaxClockAdvance {
		return ClockState{}, Invalid("days", "at most %d days at once", MaxClockAdvance/(24*time.Hour))
	}
	off, err := c.store.AdvanceClock(ctx, by)
	if err != nil {
		return ClockState{}, err
	}
	c.raise(off)
	st := c.State()
	c.mu.Lock()
	after := append([]func(context.Context) (int, error)(nil), c.after...)
	c.mu.Unlock()
	for _, f := range after {
		n, err := f(ctx)
		st.JobsRun += n
		if err != nil {
			// The move is made; the jobs left run on the runner's next poll.
			return st, nil
		}
	}
	return st, nil
}
