package sqlite_test

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
	"github.com/rmadesk/rmadesk/internal/store/storetest"
)

// TestConformance runs the store's contract on SQLite, each test on a
// copy of a file migrated once (sqlitetest; TestMigrationsApplyOnce
// migrates new files).
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) rma.Store {
		db := sqlitetest.Open(t)
		return db
	})
}
