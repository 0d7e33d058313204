package sqlite

import (
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/storetest"
)

// TestReadsDoNotExhaustThePool: many reads at once, each bringing query
// texts not seen before (deadlines of pages of every length), finish: a
// read transaction never waits for a second connection to prepare a
// statement while every connection is held by such a transaction.
func TestReadsDoNotExhaustThePool(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	org := storetest.Partner(t, db)
	for _, s := range storetest.Submissions(t, db, org, 70, "x") {
		if err := db.CreateRMA(ctx, s.R, s.Ev, s.Key); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error)
	for limit := 1; limit <= 64; limit++ {
		go func() {
			_, _, err := db.ListRMAs(ctx, rma.ListFilter{Limit: limit})
			done <- err
		}()
	}
	timeout := time.After(30 * time.Second)
	for range 64 {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-timeout:
			t.Fatal("reads are stuck: the pool is exhausted")
		}
	}
}
