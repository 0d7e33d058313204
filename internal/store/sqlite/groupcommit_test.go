package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store"
	"github.com/rmadesk/rmadesk/internal/store/storetest"
)

// TestGroupCommitConcurrentCreates files many RMAs at once, a third of them
// bound to fail (a key used before, a number another RMA holds, an
// organisation that does not exist): each failure is its caller's alone,
// leaves nothing behind, and the others are stored whole, with their event,
// in batches of more than one.
func TestGroupCommitConcurrentCreates(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	org := storetest.Partner(t, db)
	// An RMA holding a number, and keys used before, to collide with.
	taken := storetest.Submissions(t, db, org, 1, "taken")[0]
	taken.R.Number = "RMA-26-00001-C"
	taken.R.Numbers = []rma.NumberRecord{{Number: taken.R.Number, Current: true}}
	if err := db.CreateRMA(ctx, taken.R, taken.Ev, "used-key"); err != nil {
		t.Fatal(err)
	}

	const n = 300
	subs := storetest.Submissions(t, db, org, n, "c")
	want := make([]string, n) // the code each create must get, "" for success
	for i := range subs {
		switch i % 6 {
		case 1:
			subs[i].Key = "used-key"
			want[i] = rma.ECONFLICT
		case 3:
			subs[i].R.Number = taken.R.Number // unique numbers
			subs[i].R.Numbers = []rma.NumberRecord{{Number: taken.R.Number, Current: true}}
			want[i] = rma.ECONFLICT
		case 5:
			subs[i].R.OrgID = 999999 // the foreign key
			want[i] = rma.ENOTFOUND
		}
	}
	batches0, _ := db.WriteStats()
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = db.CreateRMA(ctx, subs[i].R, subs[i].Ev, subs[i].Key)
		}()
	}
	close(start)
	wg.Wait()
	batches1, _ := db.WriteStats()
	if got := batches1 - batches0; got >= n {
		t.Errorf("%d creates took %d transactions: no group commit", n, got)
	}

	for i, s := range subs {
		if want[i] == "" {
			if errs[i] != nil {
				t.Fatalf("create %d: %v", i, errs[i])
			}
			got, err := db.RMA(ctx, s.R.ID)
			if err != nil {
				t.Fatalf("create %d was answered but is not stored: %v", i, err)
			}
			if got.Reference != s.R.Reference || len(got.Lines) != 1 || got.Lines[0].ID != s.R.Lines[0].ID {
				t.Fatalf("create %d stored %+v", i, got)
			}
			evs, err := db.Events(ctx, s.R.ID)
			if err != nil || len(evs) != 1 || evs[0].ID != s.Ev.ID || s.Ev.Seq != 1 {
				t.Fatalf("create %d: events %+v, %v; want its one event", i, evs, err)
			}
			continue
		}
		if code := rma.ErrorCode(errs[i]); code != want[i] {
			t.Fatalf("create %d: got %v (%s), want %s", i, errs[i], code, want[i])
		}
		if s.R.ID != 0 {
			t.Fatalf("create %d failed but its RMA got ID %d", i, s.R.ID)
		}
		// Nothing of it was written: its serial finds nothing, nor its reference.
		hits, err := db.LinesBySerial(ctx, s.R.Lines[0].Claim.Product.Serial)
		if err != nil || len(hits) != 0 {
			t.Fatalf("create %d failed but left lines behind: %v, %v", i, hits, err)
		}
	}
	var rmas, events, lines, jobs int
	for _, q := range []struct {
		sql string
		n   *int
	}{{"SELECT COUNT(*) FROM rmas", &rmas}, {"SELECT COUNT(*) FROM events", &events},
		{"SELECT COUNT(*) FROM rma_lines", &lines}, {"SELECT COUNT(DISTINCT rma_id) FROM jobs", &jobs}} {
		if err := db.pool.QueryRowContext(ctx, q.sql).Scan(q.n); err != nil {
			t.Fatal(err)
		}
	}
	stored := 1 + n - 3*(n/6)
	if rmas != stored || events != stored || lines != stored || jobs != stored {
		t.Fatalf("%d RMAs, %d events, %d lines, RMAs with jobs %d; want %d of each", rmas, events, lines, jobs, stored)
	}
}

// TestGroupCommitFailingOpWritesNothing puts a failing create between two
// good ones in one transaction: the failing one's earlier statements (its
// RMA's row, inserted before its lines failed) are rolled back to its
// savepoint, the others commit.
func TestGroupCommitFailingOpWritesNothing(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	org := storetest.Partner(t, db)
	subs := storetest.Submissions(t, db, org, 3, "f")
	// The middle one inserts its RMA, then fails on its lines: a line's
	// number is unique per RMA, and this one comes twice.
	bad := subs[1].R
	bad.Lines = append(bad.Lines, bad.Lines[0])
	bad.Lines[0].No, bad.Lines[1].No = 1, 1
	rs, evs, keys := make([]*rma.RMA, 3), make([]*rma.Event, 3), make([]string, 3)
	for i, s := range subs {
		rs[i], evs[i], keys[i] = s.R, s.Ev, s.Key
	}
	batches0, ops0 := db.WriteStats()
	errs, err := db.CreateRMAs(ctx, rs, evs, keys)
	if err != nil {
		t.Fatal(err)
	}
	batches1, ops1 := db.WriteStats()
	if batches1-batches0 != 1 || ops1-ops0 != 3 {
		t.Fatalf("%d transactions of %d ops, want one transaction of 3 (each op run once)", batches1-batches0, ops1-ops0)
	}
	if errs[0] != nil || errs[2] != nil {
		t.Fatalf("the good ops failed: %v, %v", errs[0], errs[2])
	}
	if code := rma.ErrorCode(errs[1]); code != rma.ECONFLICT {
		t.Fatalf("the bad op: %v (%s), want %s", errs[1], code, rma.ECONFLICT)
	}
	if bad.ID != 0 {
		t.Fatalf("the bad op's RMA got ID %d", bad.ID)
	}
	for _, i := range []int{0, 2} {
		if _, err := db.RMA(ctx, rs[i].ID); err != nil {
			t.Fatalf("a good op's RMA is not stored: %v", err)
		}
	}
	var n int
	if err := db.pool.QueryRowContext(ctx, `SELECT COUNT(*) FROM rmas WHERE reference = $1`, bad.Reference).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the failed op left %d RMAs behind (%v)", n, err)
	}
	for table, want := range map[string]int{"rmas": 2, "events": 2, "rma_lines": 2} {
		if err := db.pool.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil || n != want {
			t.Fatalf("%d rows in %s, want %d (%v)", n, table, want, err)
		}
	}
}

// TestGroupCommitBulk: CreateRMAs stores a batch with its refusals apart.
func TestGroupCommitBulk(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	org := storetest.Partner(t, db)
	subs := storetest.Submissions(t, db, org, 50, "b")
	rs, evs, keys := make([]*rma.RMA, 50), make([]*rma.Event, 50), make([]string, 50)
	for i, s := range subs {
		rs[i], evs[i], keys[i] = s.R, s.Ev, s.Key
	}
	keys[7] = keys[3] // the second use of a key within one batch
	rs[9] = nil       // refused before the transaction
	errs, err := db.CreateRMAs(ctx, rs, evs, keys)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs {
		switch i {
		case 7:
			var de *rma.Error
			if rma.ErrorCode(e) != rma.ECONFLICT || !errors.As(e, &de) || de.ExistingID != rs[3].ID {
				t.Fatalf("item 7: %v, want ECONFLICT naming RMA %d", e, rs[3].ID)
			}
		case 9:
			if rma.ErrorCode(e) != rma.EINVALID {
				t.Fatalf("item 9: %v, want EINVALID", e)
			}
		default:
			if e != nil || rs[i].ID == 0 {
				t.Fatalf("item %d: %v (ID %d)", i, e, rs[i].ID)
			}
		}
	}
	page, _, err := db.ListRMAs(ctx, rma.ListFilter{Limit: 200})
	if err != nil || len(page) != 48 {
		t.Fatalf("%d RMAs listed (%v), want 48", len(page), err)
	}
}

// TestGroupCommitAbandonedOp: a caller whose context ends while its op
// waits gets the context's error and the op never runs.
func TestGroupCommitAbandonedOp(t *testing.T) {
	db := openTemp(t)
	org := storetest.Partner(t, db)
	// Hold the writer in an op until the second caller has given up.
	started, release := make(chan struct{}), make(chan struct{})
	blocker := newOp("block", func(store.Querier) error { close(started); <-release; return nil })
	if err := db.w.enqueue(t.Context(), blocker); err != nil {
		t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	err := db.CreateOrg(ctx, &rma.Org{Name: "Never", Role: policy.Partner})
	close(release)
	if err == nil || ctx.Err() == nil {
		t.Fatalf("got %v, want the context's error", err)
	}
	if err := blocker.wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OrgByName(t.Context(), "Never"); rma.ErrorCode(err) != rma.ENOTFOUND {
		t.Fatalf("the abandoned op ran: %v", err)
	}
	if _, err := db.OrgByName(t.Context(), org.Name); err != nil {
		t.Fatal(err)
	}
}

// TestGroupCommitCloseFinishesQueued: Close answers every write queued
// before it, and refuses writes after it.
func TestGroupCommitCloseFinishesQueued(t *testing.T) {
	db, err := Open(t.Context(), t.TempDir()+"/close.db")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.CreateOrg(context.Background(), &rma.Org{Name: fmt.Sprintf("Org %d", i), Role: policy.Partner})
		}()
	}
	wg.Wait()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if err := db.CreateOrg(context.Background(), &rma.Org{Name: "Late", Role: policy.Partner}); err == nil {
		t.Fatal("a write after Close succeeded")
	}
}

// BenchmarkCreateRMAs is the writer's cost per RMA: submissions as the
// API files them, written in batches of 1000 (one transaction each).
func BenchmarkCreateRMAs(b *testing.B) {
	db, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	org := storetest.Partner(b, db)
	const batch = 1000
	for b.Loop() {
		b.StopTimer()
		subs := storetest.Submissions(b, db, org, batch, fmt.Sprint(time.Now().UnixNano()))
		rs, evs, keys := make([]*rma.RMA, batch), make([]*rma.Event, batch), make([]string, batch)
		for i, s := range subs {
			rs[i], evs[i], keys[i] = s.R, s.Ev, s.Key
		}
		b.StartTimer()
		errs, err := db.CreateRMAs(b.Context(), rs, evs, keys)
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range errs {
			if e != nil {
				b.Fatal(e)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/rma")
}
