package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/storetest"
)

// TestSharedDatabase: two handles on one file, as two instances sharing
// it, see each other's ended sessions and revoked keys at once.
func TestSharedDatabase(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) (rma.Store, rma.Store) {
		path := filepath.Join(t.TempDir(), "rmadesk.db")
		var dbs [2]*DB
		for i := range dbs {
			db, err := Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			dbs[i] = db
		}
		return dbs[0], dbs[1]
	})
}
