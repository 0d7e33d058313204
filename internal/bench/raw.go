package bench

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Raw is the database's own limit on this machine, measured with the
// store's driver and settings: the ceiling the service is compared with.
type Raw struct {
	Clients   int
	PerCommit float64       // durable single-row INSERT+COMMIT transactions per second, by Clients clients
	P99       time.Duration // of one such transaction
	Batched   float64       // rows per second inserted in one transaction
}

// rawColumns mirror what a submission writes to the rmas table, with the
// line's claim and decision JSON as payload, so a raw row is about the
// size of an RMA's own row and line.
const rawColumns = "org_id, reference, policy_id, kind, state, verdict, route, claim, decision, created, updated, idempotency_key"

func rawSchema(dialect, table string) []string {
	id := "id INTEGER PRIMARY KEY"
	if dialect == "postgres" {
		id = "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
	}
	return []string{
		fmt.Sprintf(`CREATE TABLE %s (%s, org_id BIGINT NOT NULL, reference TEXT NOT NULL, policy_id TEXT NOT NULL,
			kind TEXT NOT NULL, state TEXT NOT NULL, verdict TEXT NOT NULL, route TEXT NOT NULL, claim TEXT, decision TEXT,
			created TEXT NOT NULL, updated TEXT NOT NULL, idempotency_key TEXT, UNIQUE (org_id, idempotency_key))`, table, id),
		// The indexes an RMA's row keeps up to date.
		fmt.Sprintf(`CREATE INDEX %[1]s_created ON %[1]s (created, id)`, table),
		fmt.Sprintf(`CREATE INDEX %[1]s_state ON %[1]s (state, created, id)`, table),
		fmt.Sprintf(`CREATE INDEX %[1]s_org ON %[1]s (org_id, created, id)`, table),
	}
}

const (
	rawClaim    = `{"kind":"defect","requester":{"role":"partner","country":"NL"},"product":{"category":"ssd","part":"device","model":"DX-SSD-1TB","serial":"%s"},"dates":{"purchase":"2025-03-15","reported":"2026-11-22"},"documents":["purchase_receipt"]}`
	rawDecision = `{"policy":"dexxon","version":"1","decision":"accept","route":"warranty","reasons":[{"code":"in_warranty","clause":"warranty-period","text":"in warranty: 2 years from purchase 2025-03-15, last day 2027-03-14","title":"Warranty"}],"warranty":{"start":"2025-03-15","start_source":"purchase","last_day":"2027-03-14","in_warranty":true},"enclose":["purchase_receipt"],"documents_missing":[],"payer":{"inbound":"requester"}}`
)

// RawCommits measures db: for d, clients goroutines each insert one row per
// transaction and commit it (durably, as the store's settings make every
// commit), then one transaction inserts rows for up to d/2 (at most
// 200,000). The table is made for the measurement and dropped after it.
func RawCommits(ctx context.Context, db *sql.DB, dialect string, clients int, d time.Duration) (Raw, error) {
	table := fmt.Sprintf("bench_raw_%d", time.Now().UnixNano()%1_000_000_000)
	for _, stmt := range rawSchema(dialect, table) {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return Raw{}, fmt.Errorf("raw baseline: %w", err)
		}
	}
	defer db.ExecContext(context.WithoutCancel(ctx), "DROP TABLE "+table)
	insert := fmt.Sprintf("INSERT INTO %s (%s) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)", table, rawColumns)
	row := func(tag string) []any {
		now := time.Now().UTC().Format("2006-01-02T15:04:05.000000000Z")
		return []any{int64(1), "BENCH-" + tag, "dexxon", "defect", "submitted", "accept", "warranty",
			fmt.Sprintf(rawClaim, "SN-"+tag), rawDecision, now, now, tag}
	}

	res := Raw{Clients: clients}
	var n atomic.Int64
	var h Histogram
	var firstErr error
	var once sync.Once
	run, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	start := time.Now()
	forEach(clients, func(c int, _ *rand.Rand) {
		for i := 0; run.Err() == nil; i++ {
			t0 := time.Now()
			err := func() error {
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, insert, row(fmt.Sprintf("c%d-%d", c, i))...); err != nil {
					tx.Rollback()
					return err
				}
				return tx.Commit()
			}()
			if err != nil {
				once.Do(func() { firstErr = err })
				return
			}
			h.Record(time.Since(t0))
			n.Add(1)
		}
	})
	if firstErr != nil {
		return res, fmt.Errorf("raw baseline: %w", firstErr)
	}
	res.PerCommit = float64(n.Load()) / time.Since(start).Seconds()
	res.P99 = h.Quantile(0.99)

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("raw baseline: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, insert)
	if err != nil {
		return res, fmt.Errorf("raw baseline: %w", err)
	}
	start = time.Now()
	until := start.Add(d / 2)
	rows := 0
	for ; rows < 200_000 && (rows%1000 != 0 || time.Now().Before(until)); rows++ {
		if _, err := stmt.ExecContext(ctx, row(fmt.Sprintf("b-%d", rows))...); err != nil {
			return res, fmt.Errorf("raw baseline: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("raw baseline: %w", err)
	}
	res.Batched = float64(rows) / time.Since(start).Seconds()
	return res, nil
}

// Summary is the one line a run ends with.
func Summary(rep *Report, raw *Raw) string {
	var b strings.Builder
	switch rep.Workload {
	case "submit", "recall":
		op := rep.Op(OpSubmit)
		fmt.Fprintf(&b, "%s: %.0f/s p99 %s", rep.Workload, rep.Rate(OpSubmit), ms(op.Latency.Quantile(0.99)))
		if rep.Workload == "recall" {
			fmt.Fprintf(&b, " (%d of %d in %s)", rep.Done, rep.Wanted, rep.Elapsed.Round(time.Millisecond))
		}
		if raw != nil && raw.PerCommit > 0 {
			fmt.Fprintf(&b, " raw-ratio %.2f", rep.Rate(OpSubmit)/raw.PerCommit)
		}
		if n := op.Errors.Load(); n > 0 {
			fmt.Fprintf(&b, " errors %d", n)
		}
	default:
		n, h := rep.Total()
		fmt.Fprintf(&b, "%s: %.0f/s p99 %s", rep.Workload, float64(n)/rep.Elapsed.Seconds(), ms(h.Quantile(0.99)))
		for _, name := range []string{OpQueue, OpDetail, OpSubmit} {
			if op := rep.Op(name); op != nil {
				fmt.Fprintf(&b, ", %s p99 %s", name, ms(op.Latency.Quantile(0.99)))
			}
		}
		var errs int64
		for _, o := range rep.Ops {
			errs += o.Errors.Load()
		}
		if errs > 0 {
			fmt.Fprintf(&b, " errors %d", errs)
		}
	}
	return b.String()
}

// ms formats a latency in milliseconds with one decimal (two below 1 ms).
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	if v < 1 {
		return fmt.Sprintf("%.2fms", v)
	}
	return fmt.Sprintf("%.1fms", v)
}

// Table writes the per-operation table of a report.
func Table(rep *Report) string {
	var b strings.Builder
	w := 16
	for _, o := range rep.Ops {
		w = max(w, len(o.Name))
	}
	fmt.Fprintf(&b, "%-*s %9s %9s %9s %9s %9s %9s %9s %7s\n", w, "operation", "count", "per s", "p50", "p90", "p99", "max", "conflict", "errors")
	for _, o := range rep.Ops {
		n := o.OK.Load() + o.Conflicts.Load()
		if n == 0 && o.Errors.Load() == 0 {
			continue
		}
		elapsed := rep.Elapsed
		if o.Elapsed > 0 {
			elapsed = o.Elapsed
		}
		fmt.Fprintf(&b, "%-*s %9d %9.0f %9s %9s %9s %9s %9d %7d\n", w, o.Name, n, float64(n)/elapsed.Seconds(),
			ms(o.Latency.Quantile(0.5)), ms(o.Latency.Quantile(0.9)), ms(o.Latency.Quantile(0.99)), ms(o.Latency.Max()),
			o.Conflicts.Load(), o.Errors.Load())
		if e := o.LastError(); e != "" {
			fmt.Fprintf(&b, "  last error: %s\n", e)
		}
	}
	return b.String()
}
