package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// testJobs: jobs written with a change of state, claimed by one worker at a
// time, retried with their attempts counted, buried when they run out, and
// taken over when a worker's lease lapses.
func testJobs(t *testing.T, open Opener) {
	at := func(min int) time.Time { return minute(min) }
	t.Run("written with the change", func(t *testing.T) {
		s := open(t)
		org := mkOrg(t, s, "Jobs Org")
		r := simpleRMA(t, org.ID, "j1", minute(1))
		r.Jobs = []rma.Job{{Kind: rma.JobDeadlineReminder, RunAt: at(10), Payload: map[string]any{"deadline": "instructions"}}}
		mkRMA(t, s, r)
		if len(r.Jobs) != 0 {
			t.Fatal("CreateRMA did not empty r.Jobs")
		}
		r.Jobs = []rma.Job{{Kind: rma.JobExpireNumber, RunAt: at(20), Payload: map[string]any{"number": "RMA-26-00001-A"}}}
		must(t, s.SaveRMA(t.Context(), r, r.Version, submitEvent(minute(2))))
		// A save refused for its version writes no job.
		r.Jobs = []rma.Job{{Kind: rma.JobNotify, RunAt: at(0)}}
		wantCode(t, s.SaveRMA(t.Context(), r, r.Version-1, submitEvent(minute(3))), rma.EPRECONDITION)
		queued, err := s.Jobs(t.Context(), rma.JobQueued, 10)
		must(t, err)
		if len(queued) != 2 || queued[0].Kind != rma.JobDeadlineReminder || queued[1].Kind != rma.JobExpireNumber ||
			queued[0].RMAID != r.ID || queued[1].Payload["number"] != "RMA-26-00001-A" || queued[0].MaxAttempts != rma.DefaultMaxAttempts {
			t.Fatalf("queued jobs: %+v", queued)
		}
	})
	t.Run("claim, fail, retry, die", func(t *testing.T) {
		s := open(t)
		j := &rma.Job{Kind: rma.JobNotify, RunAt: at(5), MaxAttempts: 2, Payload: map[string]any{"to": "a@example.com"}}
		must(t, s.EnqueueJob(t.Context(), j))
		_, err := s.ClaimJob(t.Context(), "w1", at(4), time.Minute)
		wantCode(t, err, rma.ENOTFOUND) // not due yet
		got, err := s.ClaimJob(t.Context(), "w1", at(5), time.Minute)
		must(t, err)
		if got.ID != j.ID || got.Attempts != 1 || got.State != rma.JobRunning || got.LockedBy != "w1" {
			t.Fatalf("claimed %+v", got)
		}
		_, err = s.ClaimJob(t.Context(), "w2", at(5), time.Minute)
		wantCode(t, err, rma.ENOTFOUND) // held by w1
		wantCode(t, s.CompleteJob(t.Context(), j.ID, "w2"), rma.EPRECONDITION)
		must(t, s.FailJob(t.Context(), j.ID, "w1", "smtp: connection refused", at(7)))
		_, err = s.ClaimJob(t.Context(), "w2", at(6), time.Minute)
		wantCode(t, err, rma.ENOTFOUND) // waiting for the retry time
		got, err = s.ClaimJob(t.Context(), "w2", at(7), time.Minute)
		must(t, err)
		if got.Attempts != 2 || got.LastError != "smtp: connection refused" {
			t.Fatalf("retried %+v", got)
		}
		must(t, s.FailJob(t.Context(), j.ID, "w2", "smtp: still refused", at(9)))
		dead, err := s.Jobs(t.Context(), rma.JobDead, 10)
		must(t, err)
		if len(dead) != 1 || dead[0].LastError != "smtp: still refused" {
			t.Fatalf("dead jobs: %+v", dead)
		}
		_, err = s.ClaimJob(t.Context(), "w3", at(100), time.Minute)
		wantCode(t, err, rma.ENOTFOUND)
	})
	t.Run("a lapsed lease is taken over", func(t *testing.T) {
		s := open(t)
		j := &rma.Job{Kind: rma.JobNotify, RunAt: at(0)}
		must(t, s.EnqueueJob(t.Context(), j))
		_, err := s.ClaimJob(t.Context(), "dies", at(1), time.Minute)
		must(t, err)
		got, err := s.ClaimJob(t.Context(), "w2", at(3), time.Minute)
		must(t, err)
		if got.ID != j.ID || got.LockedBy != "w2" || got.Attempts != 2 {
			t.Fatalf("taken over: %+v", got)
		}
		wantCode(t, s.CompleteJob(t.Context(), j.ID, "dies"), rma.EPRECONDITION)
		must(t, s.CompleteJob(t.Context(), j.ID, "w2"))
		counts, err := s.JobCounts(t.Context())
		must(t, err)
		if counts[rma.JobDone] != 1 || counts[rma.JobQueued] != 0 || counts[rma.JobRunning] != 0 {
			t.Fatalf("counts %v", counts)
		}
	})
	t.Run("each job to one worker", func(t *testing.T) {
		s := open(t)
		const n = 40
		for i := range n {
			must(t, s.EnqueueJob(t.Context(), &rma.Job{Kind: rma.JobNotify, RunAt: at(0), Payload: map[string]any{"i": i}}))
		}
		var mu sync.Mutex
		claimed := map[int64]string{}
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				worker := fmt.Sprintf("w%d", w)
				for {
					j, err := s.ClaimJob(t.Context(), worker, at(1), time.Hour)
					if rma.ErrorCode(err) == rma.ENOTFOUND {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if prev, dup := claimed[j.ID]; dup {
						t.Errorf("job %d claimed by %s and %s", j.ID, prev, worker)
					}
					claimed[j.ID] = worker
					mu.Unlock()
					if err := s.CompleteJob(t.Context(), j.ID, worker); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		if len(claimed) != n {
			t.Fatalf("%d of %d jobs claimed", len(claimed), n)
		}
	})
}
