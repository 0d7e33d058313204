package sqlite_test

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
	"github.com/rmadesk/rmadesk/internal/store/storetest"
)

// TestConformance runs the store's contract on SQLite, each test on a
// copy of a file migrated once (sqlitetest; TestMigrationsApplyOnce
// migrates new files).
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) rma.Store {
		db, err := sqlite.Open(t.Context(), sqlitetest.Path(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
