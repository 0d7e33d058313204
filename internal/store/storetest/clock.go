package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// testClock: the desk's clock offset starts at zero, only grows, rounds up
// to whole seconds, and two moves at once both count.
func testClock(t *testing.T, open Opener) {
	st, ok := open(t).(rma.ClockStore)
	if !ok {
		t.Fatal("the store does not keep the desk's clock (rma.ClockStore)")
	}
	ctx := t.Context()
	off, err := st.ClockOffset(ctx)
	must(t, err)
	if off != 0 {
		t.Fatalf("a new desk's offset is %s, want 0", off)
	}
	for _, by := range []time.Duration{0, -time.Hour} {
		_, err := st.AdvanceClock(ctx, by)
		wantCode(t, err, rma.EINVALID)
	}
	if off, err = st.AdvanceClock(ctx, 31*24*time.Hour); err != nil || off != 31*24*time.Hour {
		t.Fatalf("after 31 days: %s, %v", off, err)
	}
	if off, err = st.AdvanceClock(ctx, 1500*time.Millisecond); err != nil || off != 31*24*time.Hour+2*time.Second {
		t.Fatalf("1.5 s more is 2 s more: %s, %v", off, err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := st.AdvanceClock(ctx, time.Hour); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	off, err = st.ClockOffset(ctx)
	must(t, err)
	if want := 31*24*time.Hour + 2*time.Second + 8*time.Hour; off != want {
		t.Fatalf("after eight moves at once: %s, want %s", off, want)
	}
}
