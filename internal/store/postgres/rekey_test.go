package postgres

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/store/pgtest"
	"github.com/rmadesk/rmadesk/internal/store/storetest"
)

// TestNameKeysMigration: a desk made before names were keyed by
// rma.NameKey is rekeyed by migration 7 when it is opened.
func TestNameKeysMigration(t *testing.T) {
	ctx := t.Context()
	url := pgtest.URL(t)
	pool, cfg, err := openPool(url)
	if err != nil {
		t.Fatal(err)
	}
	old := &DB{pool: pool, name: cfg.Database}
	p, err := old.provider()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	storetest.PreNameKeyRows(t, func(q string, args ...any) error {
		_, err := pool.ExecContext(ctx, q, args...)
		return err
	})
	pool.Close()
	storetest.CheckNameKeysMigrated(t, openURL(t, url))
}
