package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// The language each organisation and user reads the desk's messages in
// (rma.LanguageStore; migration 11 on SQLite, 10 on PostgreSQL). They are
// columns of orgs and users read by these methods of their own, so that
// the accounts' other queries stay as they are.

func (st *Store) SetOrgLanguage(ctx context.Context, orgID int64, lang string) error {
	if !storable(lang) {
		return rma.Invalid("language", "not storable")
	}
	return st.write(ctx, "set org language", func(q Querier) error {
		res, err := q.ExecContext(ctx, `UPDATE orgs SET language = $1 WHERE id = $2`, lang, orgID)
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

func (st *Store) SetUserLanguage(ctx context.Context, userID int64, lang string) error {
	if !storable(lang) {
		return rma.Invalid("language", "not storable")
	}
	return st.write(ctx, "set user language", func(q Querier) error {
		return updateUser(ctx, q, userID, `UPDATE users SET language = $1 WHERE id = $2`, lang)
	})
}

func (st *Store) Languages(ctx context.Context, orgID, userID int64) (org, user string, err error) {
	err = st.pool().QueryRowContext(ctx,
		`SELECT o.language, COALESCE((SELECT u.language FROM users u WHERE u.id = $2 AND u.org_id = o.id), '')
		 FROM orgs o WHERE o.id = $1`, orgID, userID).Scan(&org, &user)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", rma.Errorf(rma.ENOTFOUND, "organisation %d not found", orgID)
	}
	if err != nil {
		return "", "", st.storeError("languages", err)
	}
	return org, user, nil
}

func (st *Store) OrgLanguages(ctx context.Context) (map[int64]string, error) {
	rows, err := st.pool().QueryContext(ctx, `SELECT id, language FROM orgs WHERE language <> '' ORDER BY id`)
	if err != nil {
		return nil, st.storeError("org languages", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var lang string
		if err := rows.Scan(&id, &lang); err != nil {
			return nil, st.storeError("org languages", err)
		}
		out[id] = lang
	}
	if err := rows.Err(); err != nil {
		return nil, st.storeError("org languages", err)
	}
	return out, nil
}
