package storetest

import (
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// testJobQueue: the admin's queue tells a failed queued job from a pending
// one, and a dead or failed job is sent back to run with its attempts
// counted afresh; a pending, running or done job is not (ECONFLICT), and a
// job that does not exist is ENOTFOUND.
func testJobQueue(t *testing.T, open Opener) {
	s := open(t)
	js, ok := s.(rma.JobQueueStore)
	if !ok {
		t.Fatal("the store keeps no job queue (rma.JobQueueStore)")
	}
	ctx := t.Context()
	at := minute
	dead := &rma.Job{Kind: rma.JobNotify, RunAt: at(0), MaxAttempts: 1}
	failed := &rma.Job{Kind: rma.JobNotify, RunAt: at(1), MaxAttempts: 3}
	pending := &rma.Job{Kind: rma.JobNotify, RunAt: at(50)}
	for _, j := range []*rma.Job{dead, failed, pending} {
		must(t, s.EnqueueJob(ctx, j))
	}
	for _, j := range []*rma.Job{dead, failed} {
		got, err := s.ClaimJob(ctx, "w1", at(2), time.Minute)
		must(t, err)
		if got.ID != j.ID {
			t.Fatalf("claimed %d, want %d", got.ID, j.ID)
		}
		must(t, s.FailJob(ctx, j.ID, "w1", "relay refused", at(30)))
	}
	n, err := js.CountFailedJobs(ctx)
	must(t, err)
	if n != 1 {
		t.Fatalf("CountFailedJobs = %d, want 1", n)
	}
	list := func(failed bool) []int64 {
		t.Helper()
		jobs, err := js.QueuedJobs(ctx, failed, 10)
		must(t, err)
		var ids []int64
		for _, j := range jobs {
			ids = append(ids, j.ID)
		}
		return ids
	}
	if got := list(true); len(got) != 1 || got[0] != failed.ID {
		t.Fatalf("failed jobs %v, want [%d]", got, failed.ID)
	}
	if got := list(false); len(got) != 1 || got[0] != pending.ID {
		t.Fatalf("pending jobs %v, want [%d]", got, pending.ID)
	}

	got, err := js.RetryJob(ctx, dead.ID, at(3))
	must(t, err)
	if got.State != rma.JobQueued || got.Attempts != 0 || !got.RunAt.Equal(at(3)) || got.LastError != "" {
		t.Fatalf("retried dead job: %+v", got)
	}
	got, err = js.RetryJob(ctx, failed.ID, at(3))
	must(t, err)
	if got.State != rma.JobQueued || got.Attempts != 0 || !got.RunAt.Equal(at(3)) {
		t.Fatalf("retried failed job: %+v", got)
	}
	if j, err := js.Job(ctx, dead.ID); err != nil || j.State != rma.JobQueued {
		t.Fatalf("Job after retry: %+v, %v", j, err)
	}
	// Retried, the dead job runs again now and may fail again before it dies.
	claimed, err := s.ClaimJob(ctx, "w2", at(3), time.Minute)
	must(t, err)
	if claimed.ID != dead.ID || claimed.Attempts != 1 {
		t.Fatalf("claimed after retry: %+v", claimed)
	}
	_, err = js.RetryJob(ctx, dead.ID, at(4)) // running now
	wantCode(t, err, rma.ECONFLICT)
	_, err = js.RetryJob(ctx, pending.ID, at(4)) // never failed
	wantCode(t, err, rma.ECONFLICT)
	_, err = js.RetryJob(ctx, 999999, at(4))
	wantCode(t, err, rma.ENOTFOUND)
	_, err = js.Job(ctx, 999999)
	wantCode(t, err, rma.ENOTFOUND)
}
