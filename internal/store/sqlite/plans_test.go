package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
)

// recorder is a querier that keeps the statements run through it.
type recorder struct {
	querier
	queries []string
	args    [][]any
}

func (r *recorder) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r.queries, r.args = append(r.queries, q), append(r.args, args)
	return r.querier.QueryContext(ctx, q, args...)
}

func (r *recorder) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	r.queries, r.args = append(r.queries, q), append(r.args, args)
	return r.querier.QueryRowContext(ctx, q, args...)
}

// explainPlan returns SQLite's plan for q, one detail a line.
func explainPlan(t testing.TB, db *DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.pool.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestQueueAndDetailPlans: the work queue's pages and an RMA's page read
// index ranges only: no table scan, no OFFSET, no sort of more than a page.
// go test -run TestQueueAndDetailPlans -v prints the plans (docs/BENCHMARKS.md).
func TestQueueAndDetailPlans(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	org := partner(t, db)
	subs := submissions(t, db, org, 1, "p")
	if err := db.CreateRMA(ctx, subs[0].r, subs[0].ev, ""); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, q, plan string) {
		t.Helper()
		t.Logf("%s\n%s", strings.Join(strings.Fields(q), " "), plan)
		if strings.Contains(plan, "SCAN ") && !strings.Contains(plan, "SCAN r USING INDEX rmas_created") {
			t.Errorf("a table is scanned:\n%s", plan)
		}
		if strings.Contains(strings.ToUpper(q), "OFFSET") {
			t.Errorf("the query pages by OFFSET: %s", q)
		}
	}
	cursor := sqlcodec.EncodeCursor(time.Now(), 1_000_000)
	for _, tc := range []struct {
		name string
		f    rma.ListFilter
	}{
		{"queue: submitted, first page", rma.ListFilter{States: []rma.State{rma.Submitted}, Limit: 50}},
		{"queue: submitted, next page", rma.ListFilter{States: []rma.State{rma.Submitted}, Limit: 50, Cursor: cursor}},
		{"queue: two states and a policy", rma.ListFilter{States: []rma.State{rma.Submitted, rma.NeedsInfo}, PolicyID: "dexxon", Limit: 50}},
		{"queue: everything, newest first", rma.ListFilter{Limit: 50}},
		{"queue: one requester", rma.ListFilter{OrgID: org.ID, Limit: 50}},
		{"queue: search by model prefix", rma.ListFilter{Query: "dx-ssd", Limit: 50}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, args, _, err := listQuery(tc.f, false)
			if err != nil {
				t.Fatal(err)
			}
			plan := explainPlan(t, db, q, args...)
			check(t, q, plan)
			// A sort is allowed only as SQLite's bounded merge of one
			// index range per state (at most a page from each), and for a
			// search, whose matches are sorted: as many as the prefix
			// matches, which a recall makes many (docs/BENCHMARKS.md).
			if strings.Contains(plan, "TEMP B-TREE") && len(tc.f.States) < 2 && tc.f.Query == "" {
				t.Errorf("the page is sorted:\n%s", plan)
			}
		})
	}
	t.Run("rma detail", func(t *testing.T) {
		rec := &recorder{querier: pooled{db}}
		if _, err := loadRMA(ctx, rec, subs[0].r.ID); err != nil {
			t.Fatal(err)
		}
		if len(rec.queries) < 5 {
			t.Fatalf("recorded %d queries", len(rec.queries))
		}
		for i, q := range rec.queries {
			plan := explainPlan(t, db, q, rec.args[i]...)
			check(t, q, plan)
			if !strings.Contains(plan, "SEARCH") {
				t.Errorf("not an index lookup:\n%s", plan)
			}
		}
	})
}

// TestReadsDoNotExhaustThePool: many reads at once, each bringing query
// texts not seen before (deadlines of pages of every length), finish: a
// read transaction never waits for a second connection to prepare a
// statement while every connection is held by such a transaction.
func TestReadsDoNotExhaustThePool(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	org := partner(t, db)
	for _, s := range submissions(t, db, org, 70, "x") {
		if err := db.CreateRMA(ctx, s.r, s.ev, s.key); err != nil {
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

// TestDenseSearch: a search matching many RMAs walks the created index
// and answers the same pages, in the same order, as the sorted plan.
func TestDenseSearch(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	org := partner(t, db)
	subs := submissions(t, db, org, 30, "dense")
	rs, evs, keys := make([]*rma.RMA, len(subs)), make([]*rma.Event, len(subs)), make([]string, len(subs))
	for i, s := range subs {
		rs[i], evs[i] = s.r, s.ev
	}
	if errs, err := db.CreateRMAs(ctx, rs, evs, keys); err != nil {
		t.Fatal(err)
	} else {
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	pages := func(query string) (ids []int64) {
		t.Helper()
		f := rma.ListFilter{Query: query, Limit: 4}
		for {
			page, next, err := db.ListRMAs(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page {
				ids = append(ids, r.ID)
			}
			if next == "" {
				return ids
			}
			f.Cursor = next
		}
	}
	for _, q := range []string{"dx-ssd", "dense-sn1", "dense-sn29", "nothing"} {
		sorted := pages(q)
		old := denseAt
		denseAt = 2
		dense, err := denseSearch(ctx, pooled{db}, q)
		walked := pages(q)
		denseAt = old
		if err != nil {
			t.Fatal(err)
		}
		if want := len(sorted) >= 2; dense != want {
			t.Errorf("%q: dense %v with %d matches", q, dense, len(sorted))
		}
		if fmt.Sprint(walked) != fmt.Sprint(sorted) {
			t.Errorf("%q: walked %v, sorted %v", q, walked, sorted)
		}
	}
	// dx-ssd matches all 30, dense-sn1 matches 1 and 10-19.
	if n := len(pages("dx-ssd")); n != 30 {
		t.Errorf("dx-ssd: %d RMAs, want 30", n)
	}
	if n := len(pages("dense-sn1")); n != 11 {
		t.Errorf("dense-sn1: %d RMAs, want 11", n)
	}

	q, args, _, err := listQuery(rma.ListFilter{Query: "dx-ssd", States: []rma.State{rma.Submitted}, Limit: 50}, true)
	if err != nil {
		t.Fatal(err)
	}
	plan := explainPlan(t, db, q, args...)
	t.Logf("%s\n%s", q, plan)
	if !strings.Contains(plan, "SCAN r USING INDEX rmas_created") || strings.Contains(plan, "TEMP B-TREE") ||
		!strings.Contains(plan, "SEARCH t EXISTS USING COVERING INDEX search_terms_rma") {
		t.Errorf("dense plan:\n%s", plan)
	}
}
