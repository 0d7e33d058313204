package sqlite

import (
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestClaimReadsOneIndexEntry: finding the next due job reads the head of
// an index range, never every due job sorted (a backlog of notifications
// after a recall would make each claim slower than the last).
func TestClaimReadsOneIndexEntry(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	for _, q := range []string{
		`SELECT ` + jobColumns + ` FROM jobs WHERE state = 'queued' AND run_at <= $1 ORDER BY run_at, id LIMIT 1`,
		`SELECT ` + jobColumns + ` FROM jobs WHERE state = 'running' AND locked_until <= $1 ORDER BY run_at, id LIMIT 1`,
	} {
		p := explainPlan(t, db, q, "2026-01-01")
		if !strings.Contains(p, "USING INDEX jobs_") || strings.Contains(p, "SCAN jobs") {
			t.Errorf("plan does not read an index range:\n%s", p)
		}
		if strings.Contains(q, "'queued'") && strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("the queued jobs are sorted:\n%s", p)
		}
	}

	// And the claim still takes the earliest of a queued job and a lapsed lease.
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, j := range []*rma.Job{{Kind: "a", RunAt: at.Add(2 * time.Minute)}, {Kind: "b", RunAt: at.Add(time.Minute)}} {
		if err := db.EnqueueJob(ctx, j); err != nil {
			t.Fatal(err, i)
		}
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
}
