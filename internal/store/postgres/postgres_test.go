package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/rmadesk/rmadesk/internal/archive"
	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/ops"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store"
	"github.com/rmadesk/rmadesk/internal/store/pgtest"
	"github.com/rmadesk/rmadesk/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The commands use a store through these as well as rma.Store.
var (
	_ archive.DB       = (*DB)(nil)
	_ ops.Readier      = (*DB)(nil)
	_ ops.StateCounter = (*DB)(nil)
)

// migratedURL gives each test a copy of a database migrated once, which
// is several times faster than migrating anew; tests of migrating itself
// use pgtest.URL.
var migratedURL = pgtest.Template(func(ctx context.Context, url string) error {
	db, err := Open(ctx, url)
	if err != nil {
		return err
	}
	return db.Close()
})

// openTemp opens a store on a new database of its own.
func openTemp(t *testing.T) *DB {
	t.Helper()
	return openURL(t, migratedURL(t))
}

func openURL(t *testing.T, url string) *DB {
	t.Helper()
	db, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestConformance runs the suite every store passes; each of its stores is
// a database of its own.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) rma.Store { return openTemp(t) })
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := rma.ErrorCode(err); err == nil || got != want {
		t.Fatalf("got %v (%s), want %s", err, got, want)
	}
}

// appliedVersions reads goose's record of applied migrations.
func appliedVersions(t *testing.T, db *DB) []int64 {
	t.Helper()
	rows, err := db.pool.QueryContext(t.Context(), `SELECT version_id FROM goose_db_version ORDER BY id`)
	must(t, err)
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		must(t, rows.Scan(&v))
		out = append(out, v)
	}
	must(t, rows.Err())
	return out
}

func tables(t *testing.T, db *DB) []string {
	t.Helper()
	rows, err := db.pool.QueryContext(t.Context(),
		`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`)
	must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		must(t, rows.Scan(&name))
		out = append(out, name)
	}
	must(t, rows.Err())
	return out
}

// TestMigrationsConcurrently: two instances starting at once on a new
// database both open it, and the migrations are applied once, because
// goose holds an advisory lock while it migrates.
func TestMigrationsConcurrently(t *testing.T) {
	url := pgtest.URL(t)
	const instances = 2
	dbs := make([]*DB, instances)
	errs := make([]error, instances)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range instances {
		wg.Go(func() {
			<-start
			dbs[i], errs[i] = Open(context.Background(), url)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		defer dbs[i].Close()
	}
	entries, err := migrations.ReadDir("migrations")
	must(t, err)
	// goose records version 0 when it creates its table, then one row per
	// migration: the files and the Go migrations, numbered without gaps.
	want := []int64{0}
	for i := range len(entries) + store.GoMigrations {
		want = append(want, int64(i+1))
	}
	if got := appliedVersions(t, dbs[0]); !slices.Equal(got, want) {
		t.Fatalf("applied %v, want %v", got, want)
	}
	wantTables := []string{"api_keys", "audit_log", "canned_replies", "charges", "deadlines", "desk_clock", "documents", "events", "goose_db_version",
		"idempotency_responses", "invitations", "jobs", "messages", "money_documents", "orgs", "policy_packs", "policy_shadow_lines", "policy_shadows", "report_full",
		"report_model", "report_org", "report_policy", "report_rmas", "rma_lines", "rma_numbers", "rmas", "saved_views", "search_terms", "sequences",
		"service_locations", "sessions", "sign_in_provider", "supplier_events", "supplier_rma_lines", "supplier_rmas", "suppliers", "units", "units_sold_daily", "users",
		"warranty_check_settings", "webhook_attempts", "webhook_deliveries", "webhook_endpoints", "webhook_outbox"}
	if got := tables(t, dbs[1]); !slices.Equal(got, wantTables) {
		t.Fatalf("tables %v, want %v", got, wantTables)
	}
	// And both work.
	for i, db := range dbs {
		must(t, db.CreateOrg(t.Context(), &rma.Org{Name: fmt.Sprint("instance ", i)}))
	}
	// Migrating again finds nothing to do.
	must(t, dbs[0].Migrate(t.Context()))
	if got := appliedVersions(t, dbs[0]); len(got) != len(want) {
		t.Fatalf("migrating again applied %v", got)
	}
}

// TestTextColumnsCompareAsBytes: every TEXT column is COLLATE "C", so
// times, dates and search terms compare as SQLite compares them, whatever
// the database's default collation.
func TestTextColumnsCompareAsBytes(t *testing.T) {
	db := openTemp(t)
	rows, err := db.pool.QueryContext(t.Context(), `SELECT table_name, column_name, COALESCE(collation_name, '')
		FROM information_schema.columns
		WHERE table_schema = 'public' AND data_type = 'text' AND table_name <> 'goose_db_version'
		ORDER BY table_name, column_name`)
	must(t, err)
	defer rows.Close()
	n := 0
	for rows.Next() {
		var table, column, collation string
		must(t, rows.Scan(&table, &column, &collation))
		n++
		if collation != "C" {
			t.Errorf("%s.%s has collation %q, want C", table, column, collation)
		}
	}
	must(t, rows.Err())
	if n < 50 {
		t.Fatalf("only %d text columns found", n)
	}
}

// TestConcurrentCreateSameKey: submissions racing with one idempotency key
// file one RMA; every other gets ECONFLICT naming it, and writes nothing,
// not even the jobs and the event it carried.
func TestConcurrentCreateSameKey(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	org := &rma.Org{Name: "Dexxon"}
	must(t, db.CreateOrg(ctx, org))
	const rounds, writers = 3, 8
	var winners []int64
	for round := range rounds {
		key := fmt.Sprintf("order-%d", round)
		rs := make([]*rma.RMA, writers)
		errs := make([]error, writers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range writers {
			rs[i] = &rma.RMA{OrgID: org.ID, State: rma.Submitted, Reference: fmt.Sprintf("%s/%d", key, i),
				Jobs: []rma.Job{{Kind: rma.JobNotify, Payload: map[string]any{"writer": i}}}}
			wg.Go(func() {
				<-start
				errs[i] = db.CreateRMA(context.Background(), rs[i], &rma.Event{Action: "submit", To: rma.Submitted}, key)
			})
		}
		close(start)
		wg.Wait()
		var winner *rma.RMA
		for i, err := range errs {
			if err == nil {
				if winner != nil {
					t.Fatalf("round %d: writers %s and %s both created an RMA", round, winner.Reference, rs[i].Reference)
				}
				winner = rs[i]
			}
		}
		if winner == nil {
			t.Fatalf("round %d: no writer won: %v", round, errs)
		}
		winners = append(winners, winner.ID)
		for i, err := range errs {
			if err == nil {
				continue
			}
			var de *rma.Error
			if !errors.As(err, &de) || de.Code != rma.ECONFLICT || de.ExistingID != winner.ID {
				t.Fatalf("round %d writer %d: got %v, want ECONFLICT with ExistingID %d", round, i, err, winner.ID)
			}
			if rs[i].ID != 0 || rs[i].Version != 0 || len(rs[i].Jobs) != 1 || rs[i].Jobs[0].ID != 0 {
				t.Fatalf("round %d writer %d: the refused RMA was changed: ID %d, jobs %+v", round, i, rs[i].ID, rs[i].Jobs)
			}
		}
	}
	page, _, err := db.ListRMAs(ctx, rma.ListFilter{})
	must(t, err)
	if len(page) != rounds {
		t.Fatalf("%d RMAs stored, want %d", len(page), rounds)
	}
	counts, err := db.JobCounts(ctx)
	must(t, err)
	if counts[rma.JobQueued] != rounds {
		t.Fatalf("%d jobs queued, want %d (the losers' jobs were written)", counts[rma.JobQueued], rounds)
	}
	for _, id := range winners {
		evs, err := db.Events(ctx, id)
		must(t, err)
		if len(evs) != 1 {
			t.Fatalf("RMA %d has %d events, want 1", id, len(evs))
		}
	}
}

// TestConcurrentClaims: workers of two instances claiming at once each get
// jobs of their own, and between them every job.
func TestConcurrentClaims(t *testing.T) {
	url := migratedURL(t)
	instances := []*DB{openURL(t, url), openURL(t, url)}
	ctx := t.Context()
	const workers, each = 8, 50
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i := range workers * each {
		must(t, instances[0].EnqueueJob(ctx, &rma.Job{Kind: rma.JobNotify, RunAt: at, Payload: map[string]any{"i": i}}))
	}
	var mu sync.Mutex
	holder := map[int64]string{}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		db := instances[w%len(instances)]
		wg.Go(func() {
			<-start
			name := fmt.Sprintf("w%d", w)
			for range each {
				// Claimed, not completed: every job stays held, so a job
				// handed out twice is seen.
				j, err := db.ClaimJob(context.Background(), name, at.Add(time.Minute), time.Hour)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					return
				}
				mu.Lock()
				if prev, dup := holder[j.ID]; dup {
					t.Errorf("job %d claimed by %s and by %s", j.ID, prev, name)
				}
				holder[j.ID] = name
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	if len(holder) != workers*each {
		t.Fatalf("%d distinct jobs claimed, want %d", len(holder), workers*each)
	}
	_, err := instances[1].ClaimJob(ctx, "late", at.Add(time.Minute), time.Hour)
	wantCode(t, err, rma.ENOTFOUND)
	counts, err := instances[1].JobCounts(ctx)
	must(t, err)
	if counts[rma.JobRunning] != workers*each || counts[rma.JobQueued] != 0 {
		t.Fatalf("counts %v", counts)
	}
}

// TestConcurrentEventWriters: documents, messages and saves of one RMA
// written at once each get the next event number; none fails on another's.
func TestConcurrentEventWriters(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	org := &rma.Org{Name: "Dexxon"}
	must(t, db.CreateOrg(ctx, org))
	r := &rma.RMA{OrgID: org.ID, State: rma.Submitted}
	must(t, db.CreateRMA(ctx, r, &rma.Event{Action: "submit"}, ""))
	const writers, each = 8, 5
	errs := make([]error, writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			<-start
			for i := range each {
				ev := &rma.Event{Actor: fmt.Sprint("w", w), Action: "note"}
				var err error
				switch (w + i) % 3 {
				case 0:
					err = db.AddMessage(context.Background(), &rma.Message{RMAID: r.ID, Body: "x"}, ev)
				case 1:
					err = db.AddDocument(context.Background(), &rma.Document{RMAID: r.ID, Filename: "x.pdf"}, ev)
				default:
					// A save at whatever version is current: it may lose to
					// another save (EPRECONDITION), never to a message.
					cur, rerr := db.RMA(context.Background(), r.ID)
					if rerr != nil {
						err = rerr
						break
					}
					err = db.SaveRMA(context.Background(), cur, cur.Version, ev)
					if rma.ErrorCode(err) == rma.EPRECONDITION {
						err = db.AddMessage(context.Background(), &rma.Message{RMAID: r.ID, Body: "instead"}, ev)
					}
				}
				if err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		must(t, err)
	}
	evs, err := db.Events(ctx, r.ID)
	must(t, err)
	if len(evs) != 1+writers*each {
		t.Fatalf("%d events, want %d", len(evs), 1+writers*each)
	}
	for i, ev := range evs {
		if ev.Seq != i+1 {
			t.Fatalf("event %d has seq %d", i, ev.Seq)
		}
	}
}

// TestSynchronousCommitStaysOn: a URL (or server) that turns
// synchronous_commit off does not make the store's commits volatile, and a
// stronger setting is kept.
func TestSynchronousCommitStaysOn(t *testing.T) {
	base := migratedURL(t)
	for _, tc := range []struct{ set, want string }{
		{"", "on"},
		{"off", "on"},
		{"remote_apply", "remote_apply"},
	} {
		t.Run(tc.set, func(t *testing.T) {
			url := base
			if tc.set != "" {
				url += "&options=-c%20synchronous_commit%3D" + tc.set
				// The option itself works: a plain connection has it.
				raw, err := sql.Open("pgx", url)
				must(t, err)
				defer raw.Close()
				var got string
				must(t, raw.QueryRowContext(t.Context(), "SHOW synchronous_commit").Scan(&got))
				if got != tc.set {
					t.Fatalf("a plain connection has synchronous_commit %s, want %s", got, tc.set)
				}
			}
			db := openURL(t, url)
			// Several connections at once, so they are distinct.
			var conns []*sql.Conn
			for range 3 {
				c, err := db.pool.Conn(t.Context())
				must(t, err)
				defer c.Close()
				conns = append(conns, c)
			}
			for i, c := range conns {
				var got string
				must(t, c.QueryRowContext(t.Context(), "SHOW synchronous_commit").Scan(&got))
				if got != tc.want {
					t.Errorf("connection %d: synchronous_commit %s, want %s", i, got, tc.want)
				}
			}
		})
	}
}

// TestWriteRetries: a deadlock or serialization failure runs the
// transaction again; one that keeps failing is EPRECONDITION.
func TestWriteRetries(t *testing.T) {
	db := openTemp(t)
	calls := 0
	err := engine{db}.Write(t.Context(), "test", func(tx store.Querier) error {
		calls++
		if calls < 3 {
			return &pgconn.PgError{Code: deadlockDetected}
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("got %v after %d runs, want success after 3", err, calls)
	}
	calls = 0
	err = engine{db}.Write(t.Context(), "test", func(tx store.Querier) error {
		calls++
		return &pgconn.PgError{Code: serializationFailure}
	})
	wantCode(t, err, rma.EPRECONDITION)
	if calls != writeAttempts {
		t.Fatalf("%d runs, want %d", calls, writeAttempts)
	}
	calls = 0
	err = engine{db}.Write(t.Context(), "test", func(tx store.Querier) error {
		calls++
		return &pgconn.PgError{Code: uniqueViolation}
	})
	wantCode(t, err, rma.ECONFLICT)
	if calls != 1 {
		t.Fatalf("a unique violation was run %d times", calls)
	}
}

// TestTextPostgreSQLCannotStore: PostgreSQL's text holds neither NUL nor
// invalid UTF-8. Writing such text is EINVALID; looking it up finds nothing
// (it could never have been stored), as SQLite would answer.
func TestTextPostgreSQLCannotStore(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	org := &rma.Org{Name: "Dexxon"}
	must(t, db.CreateOrg(ctx, org))
	for _, bad := range []string{"nul\x00inside", "latin1 \xe9t\xe9"} {
		t.Run(fmt.Sprintf("%q", bad), func(t *testing.T) {
			wantCode(t, db.CreateOrg(ctx, &rma.Org{Name: bad}), rma.EINVALID)
			wantCode(t, db.CreateRMA(ctx, &rma.RMA{OrgID: org.ID, State: rma.Submitted, Reference: bad}, nil, ""), rma.EINVALID)
			wantCode(t, db.CreateRMA(ctx, &rma.RMA{OrgID: org.ID, State: rma.Submitted}, nil, bad), rma.EINVALID)

			_, err := db.OrgByName(ctx, bad)
			wantCode(t, err, rma.ENOTFOUND)
			_, err = db.UserByEmail(ctx, bad)
			wantCode(t, err, rma.ENOTFOUND)
			_, _, err = db.APIKeyAndOrg(ctx, bad)
			wantCode(t, err, rma.ENOTFOUND)
			_, err = db.RMAByNumber(ctx, bad)
			wantCode(t, err, rma.ENOTFOUND)
			_, err = db.IdempotentResponse(ctx, org.ID, bad)
			wantCode(t, err, rma.ENOTFOUND)
			hits, err := db.LinesBySerial(ctx, bad)
			if err != nil || len(hits) != 0 {
				t.Fatalf("LinesBySerial: %v, %v", hits, err)
			}
			jobs, err := db.Jobs(ctx, rma.JobState(bad), 10)
			if err != nil || len(jobs) != 0 {
				t.Fatalf("Jobs: %v, %v", jobs, err)
			}
			wantCode(t, db.CompleteJob(ctx, 1, bad), rma.EPRECONDITION)
			for _, f := range []rma.ListFilter{{Query: bad}, {PolicyID: bad}, {States: []rma.State{rma.State(bad)}}} {
				page, _, err := db.ListRMAs(ctx, f)
				if err != nil || len(page) != 0 {
					t.Fatalf("ListRMAs(%+v): %d rows, %v", f, len(page), err)
				}
			}
		})
	}
	page, _, err := db.ListRMAs(ctx, rma.ListFilter{})
	must(t, err)
	if len(page) != 0 {
		t.Fatalf("%d RMAs stored", len(page))
	}
}

// TestOpenErrors: a URL that cannot be used is an error that does not show
// its password.
func TestOpenErrors(t *testing.T) {
	for _, url := range []string{
		"postgres://rmadesk:s3cret@/nosuchdb?host=/nonexistent/dir&connect_timeout=2",
		"postgres://rmadesk:s3cret@[::1:5432/db",
		"not a url = at all",
	} {
		db, err := Open(t.Context(), url)
		if err == nil {
			db.Close()
			t.Fatalf("Open(%q) succeeded", url)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Fatalf("the error shows the password: %v", err)
		}
	}
}

// TestOperations: what the commands need besides rma.Store.
func TestOperations(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	must(t, db.Ready(ctx))
	org := &rma.Org{Name: "Dexxon"}
	must(t, db.CreateOrg(ctx, org))
	for _, st := range []rma.State{rma.Submitted, rma.Submitted, rma.Authorized} {
		must(t, db.CreateRMA(ctx, &rma.RMA{OrgID: org.ID, State: st}, nil, ""))
	}
	counts, err := db.CountRMAsByState(ctx)
	must(t, err)
	if len(counts) != 2 || counts[rma.Submitted] != 2 || counts[rma.Authorized] != 1 {
		t.Fatalf("counts %v", counts)
	}
	if db.Dialect() != "postgres" || db.SQL() == nil {
		t.Fatalf("dialect %q", db.Dialect())
	}

	t.Run("not ready with a migration pending", func(t *testing.T) {
		p, err := db.provider()
		must(t, err)
		_, err = p.Down(ctx)
		must(t, err)
		if err := db.Ready(ctx); err == nil || !strings.Contains(err.Error(), "migrations pending") {
			t.Fatalf("Ready with a migration rolled back: %v", err)
		}
		must(t, db.Migrate(ctx))
		must(t, db.Ready(ctx))
	})
	t.Run("path shows no password", func(t *testing.T) {
		for _, tc := range []struct{ url, want string }{
			{"postgres://desk:s3cret@db.example:5433/rmadesk?sslmode=require", "postgres://desk@db.example:5433/rmadesk"},
			{"host=/run/postgresql user=desk password=s3cret dbname=rmadesk", "postgres://desk@/rmadesk?host=%2Frun%2Fpostgresql&port=5432"},
		} {
			cfg, err := pgx.ParseConfig(tc.url)
			must(t, err)
			if got := where(cfg); got != tc.want {
				t.Errorf("where(%q) = %q, want %q", tc.url, got, tc.want)
			}
		}
		if p := db.Path(); !strings.HasPrefix(p, "postgres://") || !strings.Contains(p, "/"+db.name) {
			t.Errorf("Path() = %q", p)
		}
	})
}

// TestArchiveRoundTrip: a desk exported from PostgreSQL imports into a new
// PostgreSQL database with every row as it was (IDs included, though they
// are GENERATED ALWAYS), and new rows then get new IDs.
func TestArchiveRoundTrip(t *testing.T) {
	ctx := t.Context()
	src := openTemp(t)
	org := &rma.Org{Name: "Dexxon", IsDesk: true}
	must(t, src.CreateOrg(ctx, org))
	r := &rma.RMA{OrgID: org.ID, State: rma.Submitted, Number: "RMA-26-00001-C", NoSubstitute: true,
		Numbers: []rma.NumberRecord{{Number: "RMA-26-00001-C", Current: true}},
		Lines:   []rma.Line{{ReceivedSerial: "SN-1", SerialMismatch: true}},
		Jobs:    []rma.Job{{Kind: rma.JobNotify}}}
	must(t, src.CreateRMA(ctx, r, &rma.Event{Action: "submit"}, "k1"))
	must(t, src.SaveIdempotentResponse(ctx, org.ID, "k2", rma.StoredResponse{Method: "POST", Status: 201, Body: []byte("\x00\xff")}))
	_, err := src.NextSequence(ctx, "rma-2026")
	must(t, err)

	dir := t.TempDir() + "/archive"
	files := func() *filestore.Dir {
		d, err := filestore.Open(t.TempDir())
		must(t, err)
		return d
	}
	exported, err := archive.Export(ctx, src, files(), dir)
	must(t, err)
	dst := openTemp(t)
	imported, err := archive.Import(ctx, dst, files(), dir)
	must(t, err)
	if !exported.Equal(imported) {
		t.Fatalf("imported %+v, exported %+v", imported, exported)
	}
	again, err := archive.Export(ctx, dst, files(), t.TempDir()+"/again")
	must(t, err)
	if !exported.Equal(again) {
		t.Fatalf("re-exported %+v, exported %+v", again, exported)
	}
	got, err := dst.RMAByNumber(ctx, r.Number)
	must(t, err)
	if got.ID != r.ID || !got.NoSubstitute || !got.Lines[0].SerialMismatch {
		t.Fatalf("imported RMA %+v", got)
	}
	other := &rma.Org{Name: "Minicart"}
	must(t, dst.CreateOrg(ctx, other))
	if other.ID <= org.ID {
		t.Fatalf("a new organisation got ID %d, not past the imported %d", other.ID, org.ID)
	}
}
