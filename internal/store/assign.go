package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
)

// SetAssignee sets an RMA's assignee at the version the caller read,
// moves the version on and appends the event (in the RMA's state), in one
// transaction (rma.AssignStore).
func (st *Store) SetAssignee(ctx context.Context, rmaID, userID int64, expectVersion int, ev *rma.Event) error {
	evw, err := encodeEvents([]*rma.Event{ev})
	if err != nil {
		return err
	}
	var enc encoder
	at := enc.Time("updated", orNow(ev.At))
	if enc.Err != nil {
		return enc.Err
	}
	var state rma.State
	err = st.write(ctx, "assign", func(q Querier) error {
		var s string
		err := q.QueryRowContext(ctx, `UPDATE rmas SET assignee_id = $1, version = version + 1,
			updated = CASE WHEN updated < $2 THEN $2 ELSE updated END
			WHERE id = $3 AND version = $4 RETURNING state`, sqlcodec.NullID(userID), at, rmaID, expectVersion).Scan(&s)
		if errors.Is(err, sql.ErrNoRows) {
			if err := mustExist(ctx, q, rmaID); err != nil {
				return err
			}
			return rma.Errorf(rma.EPRECONDITION, "RMA %d changed since version %d: reload and retry", rmaID, expectVersion)
		}
		if err != nil {
			return err
		}
		state = rma.State(s)
		evw.inState(state)
		return st.appendEvents(ctx, q, rmaID, evw, nil, nil)
	})
	if err != nil {
		return err
	}
	evw.setEvents(rmaID)
	evw.setState(state)
	return nil
}

// MarkRead clears an RMA's unread marker, without a version or an event.
func (st *Store) MarkRead(ctx context.Context, rmaID int64) error {
	return st.write(ctx, "mark read", func(q Querier) error {
		_, err := q.ExecContext(ctx, `UPDATE rmas SET unread = FALSE WHERE id = $1 AND unread`, rmaID)
		return err
	})
}

// DeskUsers lists the desk's users who may sign in, by email.
func (st *Store) DeskUsers(ctx context.Context) ([]rma.User, error) {
	var out []rma.User
	err := st.read(ctx, "desk users", func(q Querier) error {
		var err error
		out, err = collect(ctx, q, func(row scanner) (u rma.User, err error) {
			var role string
			err = row.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &role)
			u.Role = rma.Role(role)
			return u, err
		}, `SELECT u.id, u.org_id, u.email, u.name, u.role FROM users u JOIN orgs o ON o.id = u.org_id
			WHERE o.is_desk AND NOT u.disabled ORDER BY u.email`)
		return err
	})
	return out, err
}
