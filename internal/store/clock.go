package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// The desk's clock offset (rma.ClockStore): one row of desk_clock, in
// whole seconds, which is finer than any business date needs.

// ClockOffset returns how far the desk's date has been moved forward.
func (st *Store) ClockOffset(ctx context.Context) (time.Duration, error) {
	var seconds int64
	err := st.pool().QueryRowContext(ctx, `SELECT offset_seconds FROM desk_clock WHERE id = 1`).Scan(&seconds)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, st.storeError("clock offset", err)
	}
	return time.Duration(seconds) * time.Second, nil
}

// AdvanceClock adds by, rounded up to a whole second, to the offset in one
// statement (two moves at once both count) and returns the new offset.
func (st *Store) AdvanceClock(ctx context.Context, by time.Duration) (time.Duration, error) {
	if by <= 0 {
		return 0, rma.Invalid("days", "the desk's date only moves forward")
	}
	seconds := int64((by + time.Second - 1) / time.Second)
	var enc encoder
	updated := enc.Time("updated", now())
	if enc.Err != nil {
		return 0, enc.Err
	}
	var total int64
	err := st.write(ctx, "advance clock", func(q Querier) error {
		return q.QueryRowContext(ctx, `INSERT INTO desk_clock (id, offset_seconds, updated) VALUES (1, $1, $2)
			ON CONFLICT (id) DO UPDATE SET offset_seconds = desk_clock.offset_seconds + excluded.offset_seconds, updated = excluded.updated
			RETURNING offset_seconds`, seconds, updated).Scan(&total)
	})
	if err != nil {
		return 0, err
	}
	return time.Duration(total) * time.Second, nil
}
