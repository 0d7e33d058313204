package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
)

// Administering users (rma.UserAdminStore): the list, roles, invitations,
// and when API keys were last used.

func (st *Store) Users(ctx context.Context, orgID int64) ([]rma.User, error) {
	query := `SELECT ` + sqlcodec.UserColumns + ` FROM users u ORDER BY u.id`
	var args []any
	if orgID != 0 {
		query = `SELECT ` + sqlcodec.UserColumns + ` FROM users u WHERE u.org_id = $1 ORDER BY u.id`
		args = append(args, orgID)
	}
	out, err := collect(ctx, st.pool(), func(row scanner) (rma.User, error) {
		var us sqlcodec.UserScan
		if err := row.Scan(us.Dest()...); err != nil {
			return rma.User{}, err
		}
		u, err := us.User()
		if err != nil {
			return rma.User{}, err
		}
		return *u, nil
	}, query, args...)
	if err != nil {
		return nil, st.storeError("users", err)
	}
	return out, nil
}

// SetUserRole changes a user's role: an admin's choice, or a sign-in
// provider's groups at each sign-in (auth/oidc.go).
func (st *Store) SetUserRole(ctx context.Context, userID int64, role rma.Role) error {
	if _, ok := rma.ParseRole(string(role)); !ok {
		return rma.Invalid("role", "unknown role %q", role)
	}
	return st.write(ctx, "set user role", func(q Querier) error {
		return updateUser(ctx, q, userID, `UPDATE users SET role = $1 WHERE id = $2`, string(role))
	})
}

func (st *Store) Invite(ctx context.Context, u *rma.User, inv *rma.Invitation) error {
	if u == nil || inv == nil || inv.TokenHash == "" {
		return rma.Invalid("invitation", "a user and a token hash are required")
	}
	if inv.Created.IsZero() || inv.Expires.IsZero() {
		return rma.Invalid("invitation", "created and expires are required")
	}
	var enc encoder
	created := enc.Time("created", inv.Created)
	expires := enc.Time("expires", inv.Expires)
	userCreatedAt := orNow(u.Created).UTC()
	userCreated := enc.Time("created", userCreatedAt)
	if enc.Err != nil {
		return enc.Err
	}
	newUser := u.ID == 0
	if newUser && nameKey(u.Email) == "" {
		return rma.Invalid("email", "required")
	}
	var userID int64
	err := st.write(ctx, "invite", func(q Querier) error {
		userID = u.ID
		if newUser {
			err := q.QueryRowContext(ctx,
				`INSERT INTO users (org_id, email, email_key, name, role, password_hash, created, disabled)
				 VALUES ($1, $2, $3, $4, $5, '', $6, $7) RETURNING id`,
				u.OrgID, u.Email, nameKey(u.Email), u.Name, string(u.Role), userCreated, u.Disabled).Scan(&userID)
			if st.isUnique(err) {
				return rma.Errorf(rma.ECONFLICT, "a user with email %q exists", u.Email)
			}
			if err != nil {
				return err
			}
			audit.NameTarget(ctx, strconv.FormatInt(userID, 10)) // an invitation audited is of the user it creates
		}
		if _, err := q.ExecContext(ctx, `UPDATE invitations SET replaced = $1 WHERE user_id = $2 AND used IS NULL AND replaced IS NULL`,
			created, userID); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, `INSERT INTO invitations (token_hash, user_id, created, expires) VALUES ($1, $2, $3, $4)`,
			inv.TokenHash, userID, created, expires)
		if st.isUnique(err) {
			return rma.Errorf(rma.ECONFLICT, "an invitation with this token exists")
		}
		return err // a user that does not exist breaks the foreign key: ENOTFOUND
	})
	if err != nil {
		return err
	}
	if newUser {
		u.ID, u.Created, u.PasswordHash = userID, userCreatedAt, ""
	}
	inv.UserID = userID
	return nil
}

const invitationColumns = `i.token_hash, i.user_id, i.created, i.expires, i.used, i.replaced`

type invitationScan struct {
	inv                              rma.Invitation
	created, expires, used, replaced sql.NullString
}

func (s *invitationScan) dest() []any {
	return []any{&s.inv.TokenHash, &s.inv.UserID, &s.created, &s.expires, &s.used, &s.replaced}
}

func (s *invitationScan) invitation() (*rma.Invitation, error) {
	out := s.inv
	d := decoder{Where: fmt.Sprintf("invitation of user %d", out.UserID)}
	out.Created = d.Time("created", s.created)
	out.Expires = d.Time("expires", s.expires)
	out.Used = d.Time("used", s.used)
	out.Replaced = d.Time("replaced", s.replaced)
	return &out, d.Err
}

func (st *Store) Invitation(ctx context.Context, tokenHash string) (*rma.Invitation, *rma.User, error) {
	if !storable(tokenHash) {
		return nil, nil, rma.Errorf(rma.ENOTFOUND, "no such invitation")
	}
	var is invitationScan
	var us sqlcodec.UserScan
	err := st.pool().QueryRowContext(ctx, `SELECT `+invitationColumns+`, `+sqlcodec.UserColumns+`
		 FROM invitations i JOIN users u ON u.id = i.user_id WHERE i.token_hash = $1`, tokenHash).Scan(append(is.dest(), us.Dest()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, rma.Errorf(rma.ENOTFOUND, "no such invitation")
	}
	if err != nil {
		return nil, nil, st.storeError("invitation", err)
	}
	inv, err := is.invitation()
	if err != nil {
		return nil, nil, err
	}
	u, err := us.User()
	if err != nil {
		return nil, nil, err
	}
	return inv, u, nil
}

func (st *Store) AcceptInvitation(ctx context.Context, tokenHash, passwordHash string, at time.Time) (*rma.User, error) {
	if !storable(tokenHash) {
		return nil, rma.Errorf(rma.ENOTFOUND, "no such invitation")
	}
	if passwordHash == "" {
		return nil, rma.Invalid("password", "required")
	}
	var enc encoder
	atText := enc.Time("at", at)
	if at.IsZero() {
		enc.Fail("at", "required")
	}
	if enc.Err != nil {
		return nil, enc.Err
	}
	var u *rma.User
	err := st.write(ctx, "accept invitation", func(q Querier) error {
		var is invitationScan
		err := q.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations i WHERE i.token_hash = $1`, tokenHash).Scan(is.dest()...)
		if errors.Is(err, sql.ErrNoRows) {
			return rma.Errorf(rma.ENOTFOUND, "no such invitation")
		}
		if err != nil {
			return err
		}
		inv, err := is.invitation()
		if err != nil {
			return err
		}
		switch {
		case !inv.Used.IsZero():
			return rma.Errorf(rma.ECONFLICT, "the invitation was used")
		case !inv.Replaced.IsZero():
			return rma.Errorf(rma.ECONFLICT, "the invitation was replaced by a newer one")
		case !at.Before(inv.Expires):
			return rma.Errorf(rma.EPRECONDITION, "the invitation expired")
		}
		// The condition again, for the PostgreSQL transaction that read
		// the row before another committed: one of them sets it.
		res, err := q.ExecContext(ctx, `UPDATE invitations SET used = $1 WHERE token_hash = $2 AND used IS NULL AND replaced IS NULL`, atText, tokenHash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return rma.Errorf(rma.ECONFLICT, "the invitation was used")
		}
		if err := updateUser(ctx, q, inv.UserID, `UPDATE users SET password_hash = $1 WHERE id = $2`, passwordHash); err != nil {
			return err
		}
		var us sqlcodec.UserScan
		if err := q.QueryRowContext(ctx, `SELECT `+sqlcodec.UserColumns+` FROM users u WHERE u.id = $1`, inv.UserID).Scan(us.Dest()...); err != nil {
			return err
		}
		u, err = us.User()
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func (st *Store) OpenInvitations(ctx context.Context) ([]rma.Invitation, error) {
	out, err := collect(ctx, st.pool(), func(row scanner) (rma.Invitation, error) {
		var is invitationScan
		if err := row.Scan(is.dest()...); err != nil {
			return rma.Invitation{}, err
		}
		inv, err := is.invitation()
		if err != nil {
			return rma.Invitation{}, err
		}
		return *inv, nil
	}, `SELECT `+invitationColumns+` FROM invitations i WHERE i.used IS NULL AND i.replaced IS NULL ORDER BY i.user_id`)
	if err != nil {
		return nil, st.storeError("open invitations", err)
	}
	return out, nil
}

func (st *Store) TouchAPIKey(ctx context.Context, keyID int64, at time.Time) error {
	var enc encoder
	atText := enc.Time("last_used", at)
	if enc.Err != nil {
		return enc.Err
	}
	return st.write(ctx, "touch api key", func(q Querier) error {
		_, err := q.ExecContext(ctx, `UPDATE api_keys SET last_used = $1 WHERE id = $2 AND (last_used IS NULL OR last_used < $1)`, atText, keyID)
		return err
	})
}

var _ rma.UserAdminStore = (*Store)(nil)
