package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/sso"
)

// The identity provider's settings (internal/sso): one row of
// sign_in_provider. Times as sqlcodec writes them.

// SignInProvider returns the stored settings; none stored is the zero
// Settings (no provider), not an error.
func (st *Store) SignInProvider(ctx context.Context) (*sso.Settings, error) {
	var s sso.Settings
	var scopes, roles string
	var updated sql.NullString
	err := st.pool().QueryRowContext(ctx, `SELECT name, issuer, client_id, client_secret, scopes, groups_claim, roles,
		create_users, staff_passwords, updated, updated_by FROM sign_in_provider WHERE id = 1`).Scan(
		&s.Name, &s.Issuer, &s.ClientID, &s.ClientSecret, &scopes, &s.GroupsClaim, &roles,
		&s.CreateUsers, &s.StaffPasswords, &updated, &s.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return &sso.Settings{StaffPasswords: true}, nil
	}
	if err != nil {
		return nil, st.storeError("sign-in provider", err)
	}
	s.Scopes = sso.ParseScopes(scopes)
	if s.Roles, err = sso.ParseRoles(roles); err != nil {
		return nil, st.storeError("sign-in provider roles", err)
	}
	var dec decoder
	s.Updated = dec.Time("updated", updated)
	if dec.Err != nil {
		return nil, dec.Err
	}
	return &s, nil
}

// SaveSignInProvider replaces the stored settings.
func (st *Store) SaveSignInProvider(ctx context.Context, s *sso.Settings) error {
	var enc encoder
	updated := enc.Time("updated", orNow(s.Updated))
	if enc.Err != nil {
		return enc.Err
	}
	return st.write(ctx, "save sign-in provider", func(q Querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO sign_in_provider (id, name, issuer, client_id, client_secret, scopes,
			groups_claim, roles, create_users, staff_passwords, updated, updated_by)
			VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, issuer = excluded.issuer, client_id = excluded.client_id,
			client_secret = excluded.client_secret, scopes = excluded.scopes, groups_claim = excluded.groups_claim,
			roles = excluded.roles, create_users = excluded.create_users, staff_passwords = excluded.staff_passwords,
			updated = excluded.updated, updated_by = excluded.updated_by`,
			s.Name, s.Issuer, s.ClientID, s.ClientSecret, strings.Join(s.Scopes, " "), s.GroupsClaim,
			sso.FormatRoles(s.Roles), s.CreateUsers, s.StaffPasswords, updated, s.UpdatedBy)
		return err
	})
}

// SetUserRole changes a user's role (a provider's groups decide it at each
// sign-in).
func (st *Store) SetUserRole(ctx context.Context, userID int64, role rma.Role) error {
	return st.write(ctx, "set user role", func(q Querier) error {
		return updateUser(ctx, q, userID, `UPDATE users SET role = $1 WHERE id = $2`, string(role))
	})
}
