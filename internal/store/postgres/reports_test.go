package postgres

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/store/storetest"
)

// TestReportsBackfill: migration 25 fills the roll-ups of a desk that
// held RMAs before migration 24 made them.
func TestReportsBackfill(t *testing.T) {
	db := openTemp(t)
	storetest.CheckReportsBackfill(t, db, func() error {
		p, err := db.provider()
		if err != nil {
			return err
		}
		if _, err := p.DownTo(t.Context(), 23); err != nil {
			return err
		}
		_, err = p.Up(t.Context())
		return err
	})
}

// TestReportsCheck: the check finds a cell changed behind the store's back.
func TestReportsCheck(t *testing.T) {
	db := openTemp(t)
	storetest.CheckReportsCheck(t, db, func() error {
		_, err := db.pool.ExecContext(t.Context(), `UPDATE report_model SET n = n + 1 WHERE metric = 'filed' AND month = '2026-01' AND model = 'DX-2'`)
		return err
	})
}
