package store_test

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store"
	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
	"github.com/rmadesk/rmadesk/internal/store/storetest"
)

// The plans the databases choose for the store's queries: index ranges,
// no table scans. go test -run Plans -v prints SQLite's (docs/BENCHMARKS.md).

// SQLite's dialect walks rmas_created for a dense search
// (Dialect.WalkByCreated).
const sqliteWalk = "rmas r INDEXED BY rmas_created"

// recorder is a querier that keeps the statements run through it.
type recorder struct {
	store.Querier
	queries []string
	args    [][]any
}

func (r *recorder) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r.queries, r.args = append(r.queries, q), append(r.args, args)
	return r.Querier.QueryContext(ctx, q, args...)
}

func (r *recorder) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	r.queries, r.args = append(r.queries, q), append(r.args, args)
	return r.Querier.QueryRowContext(ctx, q, args...)
}

// TestQueueAndDetailPlans: the work queue's pages and an RMA's page read
// index ranges only: no table scan, no OFFSET, no sort of more than a page.
func TestQueueAndDetailPlans(t *testing.T) {
	db := openSQLite(t)
	ctx := t.Context()
	org := storetest.Partner(t, db)
	subs := storetest.Submissions(t, db, org, 1, "p")
	must(t, db.CreateRMA(ctx, subs[0].R, subs[0].Ev, ""))
	check := func(t *testing.T, q, plan string) {
		t.Helper()
		t.Logf("%s\n%s", strings.Join(strings.Fields(q), " "), plan)
		// A walk of the created or urgency index stops at the page's limit.
		if strings.Contains(plan, "SCAN ") && !strings.Contains(plan, "SCAN r USING INDEX rmas_created") && !strings.Contains(plan, "SCAN r USING INDEX rmas_urgency") {
			t.Errorf("a table is scanned:\n%s", plan)
		}
		if strings.Contains(strings.ToUpper(q), "OFFSET") {
			t.Errorf("the query pages by OFFSET: %s", q)
		}
	}
	cursor := sqlcodec.EncodeCursor(time.Now(), 1_000_000)
	urgencyCursor := base64.RawURLEncoding.EncodeToString([]byte("u:2026-03-10,1000000"))
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
		// The desk's queue, most urgent first across pages (issue 13).
		{"queue: most urgent first", rma.ListFilter{Order: rma.OrderUrgency, Limit: 100}},
		{"queue: most urgent first, next page", rma.ListFilter{Order: rma.OrderUrgency, Limit: 100, Cursor: urgencyCursor}},
		{"queue: submitted, most urgent first", rma.ListFilter{States: []rma.State{rma.Submitted}, Order: rma.OrderUrgency, Limit: 100}},
		{"queue: mine, most urgent first", rma.ListFilter{Assignee: 7, Order: rma.OrderUrgency, Limit: 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, args, _, err := store.ListQuery(tc.f, "")
			must(t, err)
			plan := explainPlan(t, db, q, args...)
			check(t, q, plan)
			// A sort is allowed only as SQLite's bounded merge of one
			// index range per state (at most a page from each), and for a
			// search, whose matches are sorted: as many as the prefix
			// matches, which a recall makes many (docs/BENCHMARKS.md).
			if strings.Contains(plan, "TEMP B-TREE") && len(tc.f.States) < 2 && tc.f.Query == "" {
				t.Errorf("the page is sorted:\n%s", plan)
			}
			// Two indexes lead with the state; a state's page walks the
			// one of its order (at 1,000,000 RMAs the other sorted them all).
			if len(tc.f.States) > 0 && tc.f.Query == "" {
				want := "rmas_state_created"
				if tc.f.Order == rma.OrderUrgency {
					want = "rmas_state_urgency"
				}
				if !strings.Contains(plan, want) {
					t.Errorf("a page of one state does not walk %s:\n%s", want, plan)
				}
			}
		})
	}
	t.Run("rma detail", func(t *testing.T) {
		rec := &recorder{Querier: db.SQL()}
		if _, err := store.LoadRMA(ctx, rec, subs[0].R.ID); err != nil {
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

// TestDenseSearch: a search matching many RMAs walks the created index
// and answers the same pages, in the same order, as the sorted plan.
func TestDenseSearch(t *testing.T) {
	db := openSQLite(t)
	ctx := t.Context()
	org := storetest.Partner(t, db)
	subs := storetest.Submissions(t, db, org, 30, "dense")
	rs, evs, keys := make([]*rma.RMA, len(subs)), make([]*rma.Event, len(subs)), make([]string, len(subs))
	for i, s := range subs {
		rs[i], evs[i] = s.R, s.Ev
	}
	errs, err := db.CreateRMAs(ctx, rs, evs, keys)
	must(t, err)
	for _, err := range errs {
		must(t, err)
	}
	pages := func(query string) (ids []int64) {
		t.Helper()
		f := rma.ListFilter{Query: query, Limit: 4}
		for {
			page, next, err := db.ListRMAs(ctx, f)
			must(t, err)
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
		old := store.SetDenseAt(2)
		dense, err := store.DenseSearch(ctx, db.SQL(), q)
		walked := pages(q)
		store.SetDenseAt(old)
		must(t, err)
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

	q, args, _, err := store.ListQuery(rma.ListFilter{Query: "dx-ssd", States: []rma.State{rma.Submitted}, Limit: 50}, sqliteWalk)
	must(t, err)
	plan := explainPlan(t, db, q, args...)
	t.Logf("%s\n%s", q, plan)
	if !strings.Contains(plan, "SCAN r USING INDEX rmas_created") || strings.Contains(plan, "TEMP B-TREE") ||
		!strings.Contains(plan, "SEARCH t EXISTS USING COVERING INDEX search_terms_rma") {
		t.Errorf("dense plan:\n%s", plan)
	}
}

// TestQueryPlans checks that the list's search and overdue filters and the
// cursor read indexes, not whole tables, on both databases. PostgreSQL's
// tables are tiny, so sequential scans are switched off to ask the planner
// what it could do, not what is cheapest for ten rows: an index the query
// cannot use (a collation that does not match, say) still shows as a
// sequential scan.
func TestQueryPlans(t *testing.T) {
	cases := []struct {
		name           string
		filter         rma.ListFilter
		sqlite, pgPlan string
	}{
		{"search", rma.ListFilter{Query: "px-2"}, "SEARCH search_terms USING", "search_terms_pkey"},
		{"overdue", rma.ListFilter{Overdue: true, Today: 739000}, "SEARCH d USING COVERING INDEX deadlines_open", "deadlines_open"},
		{"page after a cursor", rma.ListFilter{Cursor: sqlcodec.EncodeCursor(time.Now(), 10)}, "SEARCH r USING", "rmas_created"},
	}
	t.Run("sqlite", func(t *testing.T) {
		db := openSQLite(t)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				query, args, _, err := store.ListQuery(tc.filter, "")
				must(t, err)
				p := explainPlan(t, db, query, args...)
				if !strings.Contains(p, tc.sqlite) {
					t.Errorf("plan lacks %q:\n%s", tc.sqlite, p)
				}
				if strings.Contains(p, "SCAN search_terms") || strings.Contains(p, "SCAN d") {
					t.Errorf("plan scans a table:\n%s", p)
				}
			})
		}
	})
	t.Run("postgres", func(t *testing.T) {
		db := openPostgres(t)
		ctx := t.Context()
		conn, err := db.SQL().Conn(ctx)
		must(t, err)
		defer conn.Close()
		_, err = conn.ExecContext(ctx, "SET enable_seqscan = off")
		must(t, err)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				query, args, _, err := store.ListQuery(tc.filter, "")
				must(t, err)
				rows, err := conn.QueryContext(ctx, "EXPLAIN "+query, args...)
				must(t, err)
				defer rows.Close()
				var plan strings.Builder
				for rows.Next() {
					var line string
					must(t, rows.Scan(&line))
					plan.WriteString(line + "\n")
				}
				must(t, rows.Err())
				if !strings.Contains(plan.String(), tc.pgPlan) {
					t.Errorf("plan does not use %s:\n%s", tc.pgPlan, plan.String())
				}
				if strings.Contains(plan.String(), "Seq Scan on search_terms") || strings.Contains(plan.String(), "Seq Scan on deadlines") {
					t.Errorf("plan scans a table:\n%s", plan.String())
				}
			})
		}
	})
}

// TestShadowPlans: a shadow review's page of changed lines walks
// policy_shadow_lines_review from the keyset (no sort, no scan of the
// run's unchanged lines), and its counts read the run's rows only.
func TestShadowPlans(t *testing.T) {
	db := openSQLite(t)
	for _, tc := range []struct {
		name, q string
		args    []any
		want    string
	}{
		{"changed lines, a page", store.ShadowLinesSQL, []any{1, true, 100, 50}, "SEARCH l USING INDEX policy_shadow_lines_review (shadow_id=? AND listed=? AND id>?)"},
		{"tally", store.ShadowTallySQL, []any{1}, "SEARCH policy_shadow_lines USING INDEX policy_shadow_lines_review (shadow_id=?)"},
		{"a run with its counts", fmt.Sprintf(store.ShadowRunsSQL, "s.id = $1"), []any{1}, "SEARCH l USING COVERING INDEX policy_shadow_lines_review (shadow_id=?)"},
		{"a policy's runs", fmt.Sprintf(store.ShadowRunsSQL, "($1 = '' OR s.policy_id = $1) AND ($2 = FALSE OR s.stopped IS NULL)"), []any{"pixfra", false},
			"SEARCH l USING COVERING INDEX policy_shadow_lines_review (shadow_id=?)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := explainPlan(t, db, tc.q, tc.args...)
			t.Logf("%s\n%s", strings.Join(strings.Fields(tc.q), " "), plan)
			if !strings.Contains(plan, tc.want) {
				t.Errorf("want %q in the plan:\n%s", tc.want, plan)
			}
			if tc.name == "changed lines, a page" && strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("the page is sorted:\n%s", plan)
			}
		})
	}
}
