// Package sqlitetest gives tests new SQLite database files with the
// store's schema, without migrating each one: the migrations run once per
// test binary, on a file of its own, and every test gets a copy of that
// file. Migrating a new file took 0.1-0.2 s, and 2-3 s under the race
// detector (the driver is C translated to Go, and every memory access is
// checked), and the API's and the store's tests make hundreds of them.
//
// The copy is the file as the store's own Open left it; what a migration
// does to a new file is tested by the sqlite package (TestMigrationsApplyOnce).
package sqlitetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rmadesk/rmadesk/internal/store/sqlite"
)

var (
	once     sync.Once
	template []byte
	failed   error
)

// Prepare writes a migrated database file at path, which must not exist
// yet; sqlite.Open then finds nothing to apply.
func Prepare(t testing.TB, path string) {
	t.Helper()
	once.Do(func() { template, failed = migrate() })
	if failed != nil {
		t.Fatalf("sqlitetest: migrate a template: %v", failed)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatalf("sqlitetest: %v", err)
	}
	if _, err := f.Write(template); err != nil {
		f.Close()
		t.Fatalf("sqlitetest: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("sqlitetest: %v", err)
	}
}

// Path is a new migrated database file in a temporary directory of t's.
func Path(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rmadesk.db")
	Prepare(t, path)
	return path
}

// Open is the store on a new migrated file of t's, closed when t ends.
func Open(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), Path(t))
	if err != nil {
		t.Fatalf("sqlitetest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// migrate opens a new file with the store, closes it and reads it back.
func migrate() ([]byte, error) {
	dir, err := os.MkdirTemp("", "sqlitetest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	// SQLite folds the WAL into the file when its last connection closes
	// and removes it; a WAL left behind would hold part of the schema.
	for _, side := range []string{"-wal", "-journal"} {
		if fi, err := os.Stat(path + side); err == nil && fi.Size() > 0 {
			return nil, fmt.Errorf("%s%s left behind after close (%d bytes)", path, side, fi.Size())
		}
	}
	return os.ReadFile(path)
}
