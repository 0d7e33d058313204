package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// An organisation's account standing (rma.StandingStore; migration 16 on
// SQLite, 15 on PostgreSQL): a column of orgs read by these methods of
// their own, so that the accounts' other queries stay as they are.

func (st *Store) SetOrgStanding(ctx context.Context, orgID int64, standing policy.Standing) error {
	if standing == policy.StandingUnknown {
		return rma.Invalid("standing", "required")
	}
	return st.write(ctx, "set org standing", func(q Querier) error {
		res, err := q.ExecContext(ctx, `UPDATE orgs SET standing = $1 WHERE id = $2`, standing.String(), orgID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return rma.Errorf(rma.ENOTFOUND, "organisation %d not found", orgID)
		}
		return nil
	})
}

func (st *Store) OrgStanding(ctx context.Context, orgID int64) (policy.Standing, error) {
	var s string
	err := st.pool().QueryRowContext(ctx, `SELECT standing FROM orgs WHERE id = $1`, orgID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, rma.Errorf(rma.ENOTFOUND, "organisation %d not found", orgID)
	}
	if err != nil {
		return 0, st.storeError("org standing", err)
	}
	standing, err := policy.ParseStanding(s)
	if err != nil || standing == policy.StandingUnknown {
		return 0, rma.Errorf(rma.EINTERNAL, "organisation %d has standing %q", orgID, s)
	}
	return standing, nil
}

func (st *Store) OrgStandings(ctx context.Context) (map[int64]policy.Standing, error) {
	rows, err := st.pool().QueryContext(ctx, `SELECT id, standing FROM orgs WHERE standing <> 'good' ORDER BY id`)
	if err != nil {
		return nil, st.storeError("org standings", err)
	}
	defer rows.Close()
	out := map[int64]policy.Standing{}
	for rows.Next() {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			return nil, st.storeError("org standings", err)
		}
		standing, err := policy.ParseStanding(s)
		if err != nil || standing == policy.StandingUnknown {
			return nil, rma.Errorf(rma.EINTERNAL, "organisation %d has standing %q", id, s)
		}
		out[id] = standing
	}
	if err := rows.Err(); err != nil {
		return nil, st.storeError("org standings", err)
	}
	return out, nil
}
