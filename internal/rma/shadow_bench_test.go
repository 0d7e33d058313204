package rma_test

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/policies"
)

// BenchmarkSubmitShadow measures what shadow mode costs an intake: the
// decide-and-store path (rma.Service.Submit on a real SQLite file, WAL,
// synchronous=FULL, group commit), one Dexxon line a submission: with no
// draft in shadow (off); with a draft that decides every line alike (a
// row of counts a line: the common case); and with Dexxon's two-year
// warranty cut to one in shadow, which changes every line, so each writes
// both decisions whole (the dearest case). Parallel submissions share
// commits as the API's do. docs/BENCHMARKS.md has the figures:
//
//	go test ./internal/rma -run '^$' -bench SubmitShadow -benchtime 4000x -cpu 2
func BenchmarkSubmitShadow(b *testing.B) {
	for _, tc := range []struct {
		name  string
		draft func(string) string // nil: no shadow
	}{
		{"off", nil},
		{"alike", func(s string) string { return s }},
		{"changed", func(s string) string { return strings.ReplaceAll(s, "years: 2", "years: 1") }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			svc, actor := benchDesk(b, tc.draft)
			var n atomic.Int64
			b.SetParallelism(32) // 64 submissions in flight on 2 cores, as the load bench
			b.ReportAllocs()
			cpu0 := processCPU(b)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					if _, _, err := svc.Submit(b.Context(), actor, benchSubmission(i)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			// The CPU the process spent a submission, the machine's other
			// load aside (wall time on a shared machine is not the code's).
			b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
			if tc.draft != nil {
				changed := n.Load()
				if tc.name == "alike" {
					changed = 0
				}
				runs, err := svc.ShadowRuns(b.Context(), rma.System, "dexxon", true)
				if err != nil || len(runs) != 1 || runs[0].Compared != n.Load() || runs[0].Changed != changed {
					b.Fatalf("the shadow compared %+v, want %d lines, %d changed: %v", runs, n.Load(), changed, err)
				}
			}
		})
	}
}

// benchDesk is a desk on a new SQLite file with the seed packs stored and,
// with draft, a draft of Dexxon (draft edits the pack's text) in shadow.
func benchDesk(b *testing.B, draft func(string) string) (*rma.Service, rma.Actor) {
	b.Helper()
	ctx := b.Context()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "shadow.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	svc := rma.NewService(db, nil, rma.WithClock(func() time.Time { return now }))
	files, err := policy.ReadPackFiles(policies.FS)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.SeedPacks(ctx, files, "embedded", nil); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.ReloadPolicies(ctx); err != nil {
		b.Fatal(err)
	}
	org, err := auth.NewAccounts(db).CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Partner", Role: "partner", Country: "NL"})
	if err != nil {
		b.Fatal(err)
	}
	if draft != nil {
		src, err := fs.ReadFile(policies.FS, "dexxon.yaml")
		if err != nil {
			b.Fatal(err)
		}
		admin := rma.Actor{Role: rma.RoleAdmin, Name: "bench"}
		d, err := svc.SaveDraft(ctx, admin, "dexxon", rma.DraftInput{Source: draft(string(src)), Version: "2-draft", EffectiveFrom: "2027-01-01"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.StartShadow(ctx, admin, "dexxon", d.ID); err != nil {
			b.Fatal(err)
		}
	}
	return svc, rma.Actor{OrgID: org.ID, Org: org, Role: rma.RoleRequester, Name: "bench"}
}

// benchSubmission is the load bench's submission: one SSD with its
// receipt, bought within the year.
func benchSubmission(i int64) rma.SubmitRequest {
	var docs policy.DocumentSet
	return rma.SubmitRequest{PolicyID: "dexxon", Kind: policy.Defect, Reference: fmt.Sprint("B-", i), Lines: []rma.LineRequest{{
		Claim: policy.Claim{Product: policy.Product{Category: "ssd", Model: "DX-SSD-1", Serial: fmt.Sprint("DX", i)},
			Dates: policy.Dates{Purchase: calendar.DateOf(2025, 11, 3)}, Documents: docs.With(policy.PurchaseReceipt)},
		Quantity: 1, LastInvoicedPrice: rma.Money{Cents: 8990, Currency: "EUR"}}}}
}

// processCPU is the user and system time this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
