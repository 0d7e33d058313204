package sqlite

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/rmadesk/rmadesk/internal/store"
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
	if len(first) != len(entries)+store.GoMigrations+1 || first[0] != 0 {
		t.Fatalf("applied %v for %d migration files and %d in Go", first, len(entries), store.GoMigrations)
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
