package store_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store"
)

// TestClaimReadsOneIndexEntry: finding the next due job reads the head of
// an index range, never every due job sorted (a backlog of notifications
// after a recall would make each claim slower than the last).
func TestClaimReadsOneIndexEntry(t *testing.T) {
	db := openSQLite(t)
	for _, q := range []string{
		`SELECT ` + store.JobColumns + ` FROM jobs WHERE state = 'queued' AND run_at <= $1 ORDER BY run_at, id LIMIT 1`,
		`SELECT ` + store.JobColumns + ` FROM jobs WHERE state = 'running' AND locked_until <= $1 ORDER BY run_at, id LIMIT 1`,
	} {
		p := explainPlan(t, db, q, "2026-01-01")
		if !strings.Contains(p, "USING INDEX jobs_") || strings.Contains(p, "SCAN jobs") {
			t.Errorf("plan does not read an index range:\n%s", p)
		}
		if strings.Contains(q, "'queued'") && strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("the queued jobs are sorted:\n%s", p)
		}
	}
}

// TestClaimTakesTheEarliest: the claim takes the earliest of a queued job
// and a lapsed lease.
func TestClaimTakesTheEarliest(t *testing.T) {
	eachDB(t, func(t *testing.T, db DB) {
		ctx := t.Context()
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		for _, j := range []*rma.Job{{Kind: "a", RunAt: at.Add(2 * time.Minute)}, {Kind: "b", RunAt: at.Add(time.Minute)}} {
			must(t, db.EnqueueJob(ctx, j))
		}
		first, err := db.ClaimJob(ctx, "w1", at.Add(3*time.Minute), time.Minute) // b, lease to +4m
		if err != nil || first.Kind != "b" {
			t.Fatalf("claimed %+v, %v; want b", first, err)
		}
		// At +5m b's lease has lapsed; b (run_at +1m) comes before a (+2m).
		again, err := db.ClaimJob(ctx, "w2", at.Add(5*time.Minute), time.Minute)
		if err != nil || again.ID != first.ID || again.Attempts != 2 {
			t.Fatalf("claimed %+v, %v; want b again, second attempt", again, err)
		}
		next, err := db.ClaimJob(ctx, "w3", at.Add(5*time.Minute), time.Minute)
		if err != nil || next.Kind != "a" {
			t.Fatalf("claimed %+v, %v; want a", next, err)
		}
	})
}

// TestFailureMessageIsMadeStorable: a job's failure message comes from
// anywhere (a remote server's reply); it is stored without its NULs, with
// invalid UTF-8 replaced and cut at a character boundary, on both databases.
func TestFailureMessageIsMadeStorable(t *testing.T) {
	eachDB(t, func(t *testing.T, db DB) {
		ctx := t.Context()
		must(t, db.EnqueueJob(ctx, &rma.Job{Kind: rma.JobNotify}))
		claimed, err := db.ClaimJob(ctx, "w", time.Now().Add(time.Second), time.Minute)
		must(t, err)
		msg := "smtp: \x00bad \xff reply " + strings.Repeat("é", 1500)
		must(t, db.FailJob(ctx, claimed.ID, "w", msg, time.Now()))
		queued, err := db.Jobs(ctx, rma.JobQueued, 10)
		must(t, err)
		got := queued[0].LastError
		if !utf8.ValidString(got) || strings.ContainsRune(got, 0) || len(got) > store.MaxErrorLen || !strings.HasPrefix(got, "smtp: bad \uFFFD reply éé") {
			t.Fatalf("stored %d bytes: %.40q...", len(got), got)
		}
	})
}
