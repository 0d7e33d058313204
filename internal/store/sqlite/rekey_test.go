package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/rmadesk/rmadesk/internal/store/storetest"
)

// TestNameKeysMigration: a desk made before names were keyed by
// rma.NameKey is rekeyed by migration 8 when it is opened.
func TestNameKeysMigration(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "rmadesk.db")
	pool, err := OpenPool(path)
	if err != nil {
		t.Fatal(err)
	}
	old := &DB{pool: pool, path: path}
	p, err := old.provider()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	storetest.PreNameKeyRows(t, func(q string, args ...any) error {
		_, err := pool.ExecContext(ctx, q, args...)
		return err
	})
	pool.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.CheckNameKeysMigrated(t, db)
}
