package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
)

// Portal sessions, disabled users and the administration of API keys.
// Every signed-in request reads its session with the user and the
// organisation in one query on the session's primary key, so ending a
// session (a row deleted) takes effect on every instance at once.

func (st *Store) CreateSession(ctx context.Context, s *rma.Session) error {
	if s == nil || s.TokenHash == "" || s.UserID == 0 {
		return rma.Invalid("session", "a token hash and a user are required")
	}
	var enc encoder
	created := enc.Time("created", s.Created)
	lastSeen := enc.Time("last_seen", s.LastSeen)
	expires := enc.Time("expires", s.Expires)
	if s.Created.IsZero() || s.LastSeen.IsZero() || s.Expires.IsZero() {
		enc.Fail("session", "created, last seen and expiry are required")
	}
	if enc.Err != nil {
		return enc.Err
	}
	sweep := enc.Time("now", now())
	return st.write(ctx, "create session", func(q Querier) error {
		// Dead rows go at each sign-in, so the table holds about one
		// absolute lifetime of sign-ins.
		if _, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE expires < $1`, sweep); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created, last_seen, expires) VALUES ($1, $2, $3, $4, $5)`,
			s.TokenHash, s.UserID, created, lastSeen, expires)
		if st.isUnique(err) {
			return rma.Errorf(rma.ECONFLICT, "a session with this token exists")
		}
		if err != nil {
			return err // a user that does not exist breaks the foreign key: ENOTFOUND
		}
		// The user's last sign-in, for the admin's list of users.
		_, err = q.ExecContext(ctx, `UPDATE users SET last_sign_in = $1 WHERE id = $2`, created, s.UserID)
		return err
	})
}

func (st *Store) Session(ctx context.Context, tokenHash string) (*rma.Session, *rma.User, *rma.Org, error) {
	if !storable(tokenHash) {
		return nil, nil, nil, rma.Errorf(rma.ENOTFOUND, "no such session")
	}
	var ss sqlcodec.SessionScan
	var us sqlcodec.UserScan
	row := st.pool().QueryRowContext(ctx, `SELECT `+sqlcodec.SessionColumns+`, `+sqlcodec.UserColumns+`, `+sqlcodec.Columns("o", orgColumns)+`
		 FROM sessions s JOIN users u ON u.id = s.user_id JOIN orgs o ON o.id = u.org_id WHERE s.token_hash = $1`, tokenHash)
	o, err := scanOrg(sqlcodec.ScanAfter{Row: row, Dest: append(ss.Dest(), us.Dest()...)})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil, rma.Errorf(rma.ENOTFOUND, "no such session")
	}
	if err != nil {
		return nil, nil, nil, st.storeError("session", err)
	}
	s, err := ss.Session()
	if err != nil {
		return nil, nil, nil, err
	}
	u, err := us.User()
	if err != nil {
		return nil, nil, nil, err
	}
	return s, u, o, nil
}

func (st *Store) TouchSession(ctx context.Context, tokenHash string, at time.Time) error {
	if !storable(tokenHash) {
		return nil
	}
	var enc encoder
	atText := enc.Time("last_seen", at)
	if enc.Err != nil {
		return enc.Err
	}
	return st.write(ctx, "touch session", func(q Querier) error {
		_, err := q.ExecContext(ctx, `UPDATE sessions SET last_seen = $1 WHERE token_hash = $2 AND last_seen < $1`, atText, tokenHash)
		return err
	})
}

func (st *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if !storable(tokenHash) {
		return nil
	}
	return st.write(ctx, "delete session", func(q Querier) error {
		_, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
		return err
	})
}

func (st *Store) DeleteUserSessions(ctx context.Context, userID int64) (int, error) {
	var n int64
	err := st.write(ctx, "delete user sessions", func(q Querier) error {
		res, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

func (st *Store) SetUserDisabled(ctx context.Context, userID int64, disabled bool) error {
	return st.write(ctx, "set user disabled", func(q Querier) error {
		if err := updateUser(ctx, q, userID, `UPDATE users SET disabled = $1 WHERE id = $2`, disabled); err != nil {
			return err
		}
		if !disabled {
			return nil
		}
		_, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		return err
	})
}

func (st *Store) APIKeys(ctx context.Context, orgID int64) ([]rma.APIKey, error) {
	query := `SELECT ` + sqlcodec.KeyColumns + ` FROM api_keys k ORDER BY k.id`
	var args []any
	if orgID != 0 {
		query = `SELECT ` + sqlcodec.KeyColumns + ` FROM api_keys k WHERE k.org_id = $1 ORDER BY k.id`
		args = append(args, orgID)
	}
	out, err := collect(ctx, st.pool(), func(row scanner) (rma.APIKey, error) {
		var ks sqlcodec.KeyScan
		if err := row.Scan(ks.Dest()...); err != nil {
			return rma.APIKey{}, err
		}
		k, err := ks.Key()
		if err != nil {
			return rma.APIKey{}, err
		}
		return *k, nil
	}, query, args...)
	if err != nil {
		return nil, st.storeError("api keys", err)
	}
	return out, nil
}

func (st *Store) RevokeAPIKey(ctx context.Context, prefix string, at time.Time) (*rma.APIKey, error) {
	if !storable(prefix) {
		return nil, rma.Errorf(rma.ENOTFOUND, "API key %q not found", prefix)
	}
	var enc encoder
	atText := enc.Time("revoked", at)
	if at.IsZero() {
		enc.Fail("revoked", "required")
	}
	if enc.Err != nil {
		return nil, enc.Err
	}
	var k *rma.APIKey
	err := st.write(ctx, "revoke api key", func(q Querier) error {
		if _, err := q.ExecContext(ctx, `UPDATE api_keys SET revoked = $1 WHERE prefix = $2 AND revoked IS NULL`, atText, prefix); err != nil {
			return err
		}
		var ks sqlcodec.KeyScan
		err := q.QueryRowContext(ctx, `SELECT `+sqlcodec.KeyColumns+` FROM api_keys k WHERE k.prefix = $1`, prefix).Scan(ks.Dest()...)
		if errors.Is(err, sql.ErrNoRows) {
			return rma.Errorf(rma.ENOTFOUND, "API key %q not found", prefix)
		}
		if err != nil {
			return err
		}
		k, err = ks.Key()
		return err
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}
