package sqlite

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
	"github.com/rmadesk/rmadesk/internal/store/storetest"
)

// openTemp opens a new database file in the test's temporary directory.
func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "rmadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) rma.Store { return openTemp(t) })
}

func TestReopenKeepsData(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "desk.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	org := &rma.Org{Name: "Dexxon"}
	if err := db.CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	r := &rma.RMA{OrgID: org.ID, State: rma.Submitted, Reference: "PO-1", Number: "RMA-26-00001-C",
		Numbers: []rma.NumberRecord{{Number: "RMA-26-00001-C", Current: true}}}
	if err := db.CreateRMA(ctx, r, &rma.Event{Action: "submit", To: rma.Submitted}, "k1"); err != nil {
		t.Fatal(err)
	}
	seq, err := db.NextSequence(ctx, "rma-2026")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Path() != path {
		t.Fatalf("Path() = %q, want %q", db.Path(), path)
	}
	got, err := db.RMAByNumber(ctx, r.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != r.ID || got.Reference != "PO-1" || got.Version != 1 || !got.Created.Equal(r.Created) {
		t.Fatalf("after reopening: %+v", got)
	}
	var de *rma.Error
	err = db.CreateRMA(ctx, &rma.RMA{OrgID: org.ID, State: rma.Submitted}, nil, "k1")
	if rma.ErrorCode(err) != rma.ECONFLICT || !errors.As(err, &de) || de.ExistingID != r.ID {
		t.Fatalf("the idempotency key did not survive: %v", err)
	}
	if next, err := db.NextSequence(ctx, "rma-2026"); err != nil || next <= seq {
		t.Fatalf("sequence after reopening: %d, %v; want more than %d", next, err, seq)
	}
}

// appliedVersions reads goose's record of applied migrations.
func appliedVersions(t *testing.T, db *DB) []int64 {
	t.Helper()
	rows, err := db.pool.QueryContext(t.Context(), `SELECT version_id FROM goose_db_version ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestMigrationsApplyOnce(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "desk.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	first := appliedVersions(t, db)
	entries, err := migrations.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	// goose records version 0 when it creates its table, then one row per
	// migration: the files and the Go migrations.
	if len(first) != len(entries)+len(goMigrations())+1 || first[0] != 0 {
		t.Fatalf("applied %v for %d migration files and %d in Go", first, len(entries), len(goMigrations()))
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if again := appliedVersions(t, db); len(again) != len(first) {
		t.Fatalf("reopening applied migrations again: %v, then %v", first, again)
	}
}

// TestPragmasOnEveryConnection holds several pooled connections at once,
// so they are distinct, and checks each has the DSN's settings.
func TestPragmasOnEveryConnection(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	var conns []*sql.Conn
	for range 4 {
		c, err := db.pool.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	for i, c := range conns {
		for _, tc := range []struct{ pragma, want string }{
			{"foreign_keys", "1"},
			{"journal_mode", "wal"},
			{"synchronous", "2"}, // FULL
			{"busy_timeout", "10000"},
		} {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("connection %d: PRAGMA %s = %s, want %s", i, tc.pragma, got, tc.want)
			}
		}
	}
}

// TestWritesBeginImmediate: a write transaction holds the write lock from
// its BEGIN, so a second writer waits for it instead of both reading and
// then one failing to upgrade.
func TestWritesBeginImmediate(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	tx, err := db.pool.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	other, err := db.pool.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		t.Fatal(err)
	}
	// With the first transaction not having read or written anything, a
	// deferred BEGIN would hold no lock yet and this would succeed.
	if _, err := other.ExecContext(ctx, "BEGIN IMMEDIATE"); err == nil {
		other.ExecContext(ctx, "ROLLBACK")
		t.Fatal("a second writer got the write lock while a write transaction was open")
	}
}

func TestOpenPaths(t *testing.T) {
	dir := t.TempDir()
	t.Run("URI characters in the name", func(t *testing.T) {
		path := filepath.Join(dir, "odd ?name#1%20.db")
		db, err := Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("the file is not where it was asked for: %v", err)
		}
	})
	for _, tc := range []struct{ name, path string }{
		{"empty", ""},
		{"memory", ":memory:"},
		{"URI", "file:x.db?mode=memory"},
		{"missing directory", filepath.Join(dir, "no", "such", "dir", "x.db")},
		{"a directory", dir},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			db, err := Open(t.Context(), tc.path)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded", tc.path)
			}
		})
	}
}

// TestQueryPlans checks that the list's search and overdue filters and the
// serial lookup read indexes, not whole tables.
func TestQueryPlans(t *testing.T) {
	db := openTemp(t)
	plan := func(query string, args ...any) string { return explainPlan(t, db, query, args...) }
	for _, tc := range []struct {
		name   string
		filter rma.ListFilter
		want   []string
	}{
		{"search", rma.ListFilter{Query: "px-2"}, []string{"SEARCH search_terms USING"}},
		{"overdue", rma.ListFilter{Overdue: true, Today: 739000}, []string{"SEARCH d USING COVERING INDEX deadlines_open"}},
		{"page after a cursor", rma.ListFilter{Cursor: sqlcodec.EncodeCursor(time.Now(), 10)}, []string{"SEARCH r USING"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			query, args, _, err := listQuery(tc.filter, false)
			if err != nil {
				t.Fatal(err)
			}
			p := plan(query, args...)
			for _, w := range tc.want {
				if !strings.Contains(p, w) {
					t.Errorf("plan lacks %q:\n%s", w, p)
				}
			}
			if strings.Contains(p, "SCAN search_terms") || strings.Contains(p, "SCAN d") {
				t.Errorf("plan scans a table:\n%s", p)
			}
		})
	}
}

// TestDamagedRowsAreErrors: a row that no longer decodes (edited by hand,
// or written by a buggy version) is an error for that read, not a panic.
func TestDamagedRowsAreErrors(t *testing.T) {
	for _, tc := range []struct{ name, update string }{
		{"decision", `UPDATE rma_lines SET decision = '{"decision": "maybe"}'`},
		{"decision not JSON", `UPDATE rma_lines SET decision = 'nope'`},
		{"claim", `UPDATE rma_lines SET claim = '{"kind": 7}'`},
		{"enclosed documents", `UPDATE rma_lines SET enclosed_documents = '["passport"]'`},
		{"date", `UPDATE rmas SET reported = '2026-02-30'`},
		{"time", `UPDATE rmas SET created = 'yesterday'`},
		{"kind", `UPDATE rmas SET kind = 'barter'`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openTemp(t)
			ctx := t.Context()
			org := &rma.Org{Name: "Dexxon"}
			if err := db.CreateOrg(ctx, org); err != nil {
				t.Fatal(err)
			}
			r := &rma.RMA{OrgID: org.ID, State: rma.Submitted, Lines: []rma.Line{{Quantity: 1}}}
			if err := db.CreateRMA(ctx, r, nil, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := db.pool.ExecContext(ctx, tc.update); err != nil {
				t.Fatal(err)
			}
			_, err := db.RMA(ctx, r.ID)
			if err == nil {
				t.Fatal("a damaged row read without error")
			}
			if code := rma.ErrorCode(err); code != rma.EINTERNAL {
				t.Fatalf("code %s, want %s: %v", code, rma.EINTERNAL, err)
			}
		})
	}
}

// TestOutOfRangeEnumsAreRefused: policy's enums panic when asked for the
// name of a value they do not have; the store refuses such a value as bad
// input instead of letting the panic end the server.
func TestOutOfRangeEnumsAreRefused(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	wantInvalid := func(t *testing.T, err error) {
		t.Helper()
		if rma.ErrorCode(err) != rma.EINVALID {
			t.Fatalf("got %v, want %s", err, rma.EINVALID)
		}
	}
	t.Run("org role", func(t *testing.T) {
		wantInvalid(t, db.CreateOrg(ctx, &rma.Org{Name: "x", Role: policy.Role(200)}))
	})
	org := &rma.Org{Name: "Dexxon"}
	if err := db.CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		change func(r *rma.RMA)
	}{
		{"kind", func(r *rma.RMA) { r.Kind = policy.Kind(9) }},
		{"verdict", func(r *rma.RMA) { r.Verdict = policy.Verdict(42) }},
		{"route", func(r *rma.RMA) { r.Route = policy.Route(77) }},
		{"decision verdict", func(r *rma.RMA) { r.Lines[0].Decision.Verdict = policy.Verdict(42) }},
		{"enclosed document", func(r *rma.RMA) { r.Lines[0].EnclosedDocuments = []policy.Document{policy.Document(99)} }},
		{"claim role", func(r *rma.RMA) {
			r.Lines[0].Claim.Requester.Role = policy.Role(99)
			r.Lines[0].Claim.Dates.Reported = calendar.MustParseDate("2026-03-02")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &rma.RMA{OrgID: org.ID, State: rma.Submitted, Lines: []rma.Line{{Quantity: 1}}}
			tc.change(r)
			wantInvalid(t, db.CreateRMA(ctx, r, nil, ""))
		})
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, tc := range []struct {
		prefix, end string
		ok          bool
	}{
		{"px-2", "px-3", true},
		{"a\U0010FFFF", "b", true},
		{"\U0010FFFF", "", false},
		{"\uD7FF", "\uE000", true},
		{"über", "übes", true},
	} {
		end, ok := prefixEnd(tc.prefix)
		if end != tc.end || ok != tc.ok {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q, %v", tc.prefix, end, ok, tc.end, tc.ok)
		}
	}
}

// FuzzPrefixRange: a term starts with the query exactly when it lies in the
// range [query, prefixEnd(query)) the list searches.
func FuzzPrefixRange(f *testing.F) {
	f.Add("px-2", "px-200")
	f.Add("px-2", "px-3")
	f.Add("\U0010FFFF", "\U0010FFFFa")
	f.Add("\uD7FF", "\uE000")
	f.Add("ü", "üb")
	f.Fuzz(func(t *testing.T, prefix, term string) {
		prefix, term = searchKey(prefix), searchKey(term)
		if prefix == "" {
			return
		}
		end, ok := prefixEnd(prefix)
		inRange := term >= prefix && (!ok || term < end)
		if inRange != strings.HasPrefix(term, prefix) {
			t.Fatalf("term %q, prefix %q, end %q (%v): in range %v", term, prefix, end, ok, inRange)
		}
	})
}

// FuzzCursor: any cursor text is refused or accepted without panicking, and
// a cursor the store made decodes to what it encoded.
func FuzzCursor(f *testing.F) {
	f.Add("", int64(1))
	f.Add("MjAyNi0wMy0wMlQwOTozMDowMC4xMjM0NTYwMDBaLDQy", int64(42))
	f.Add("!!!", int64(-3))
	f.Fuzz(func(t *testing.T, s string, id int64) {
		if _, _, err := sqlcodec.DecodeCursor(s); err != nil && rma.ErrorCode(err) != rma.EINVALID {
			t.Fatalf("sqlcodec.DecodeCursor(%q): %v", s, err)
		}
		if id <= 0 {
			return
		}
		at := time.Unix(0, id).UTC()
		created, gotID, err := sqlcodec.DecodeCursor(sqlcodec.EncodeCursor(at, id))
		if err != nil || gotID != id || created != at.Format(sqlcodec.TimeLayout) {
			t.Fatalf("round trip of (%s, %d): %q, %d, %v", at, id, created, gotID, err)
		}
	})
}
