package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
)

// Organisations, users and API keys: the accounts RMAs belong to.

// nameKey is what makes two names or emails the same (rma.NameKey): people
// type them in any case, with stray spaces, in another Unicode form or with
// look-alike characters. The key columns are unique, so two organisations
// or accounts cannot differ only in that; migration 8 (SQLite) and 7
// (PostgreSQL), rekey.go, gave the rows made before the key was this one.
func nameKey(s string) string { return rma.NameKey(s) }

func (st *Store) CreateOrg(ctx context.Context, o *rma.Org) error {
	if o == nil {
		return rma.Invalid("org", "missing")
	}
	if nameKey(o.Name) == "" {
		return rma.Invalid("name", "required")
	}
	created := orNow(o.Created)
	var enc encoder
	createdText := enc.Time("created", created)
	role := enc.Name("role", o.Role)
	if enc.Err != nil {
		return enc.Err
	}
	var id int64
	err := st.write(ctx, "create org", func(q Querier) error {
		var err error
		id, err = st.insertOrg(ctx, q, o, role, createdText)
		return err
	})
	if err != nil {
		return err
	}
	o.ID, o.Created = id, created.UTC()
	return nil
}

// supplierRole is the role column of a supplier's organisation (Org.Supplier).
const supplierRole = "supplier"

// insertOrg writes o's row in the transaction q: CreateOrg, and
// CreateSupplier with the supplier's own row (suppliers.go).
func (st *Store) insertOrg(ctx context.Context, q Querier, o *rma.Org, role string, createdText any) (int64, error) {
	if o.Supplier {
		role = supplierRole
	}
	var id int64
	err := q.QueryRowContext(ctx,
		`INSERT INTO orgs (name, name_key, is_desk, role, country, email, created,
		   street, postcode, city, region, address_country, contact, phone, address_note)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		append([]any{o.Name, nameKey(o.Name), o.IsDesk, role, o.Country, o.Email, createdText}, addressArgs(o.Address)...)...).Scan(&id)
	if st.isUnique(err) {
		return 0, rma.Errorf(rma.ECONFLICT, "an organisation named %q exists", o.Name)
	}
	return id, err
}

const orgColumns = `id, name, is_desk, role, country, email, created,
	street, postcode, city, region, address_country, contact, phone, address_note`

func scanOrg(row interface{ Scan(...any) error }) (*rma.Org, error) {
	var o rma.Org
	var role string
	var created sql.NullString
	a := &o.Address
	if err := row.Scan(&o.ID, &o.Name, &o.IsDesk, &role, &o.Country, &o.Email, &created,
		&a.Street, &a.Postcode, &a.City, &a.Region, &a.Country, &a.Contact, &a.Phone, &a.Note); err != nil {
		return nil, err
	}
	d := decoder{Where: fmt.Sprintf("org %d", o.ID)}
	if role == supplierRole {
		o.Supplier = true
	} else {
		o.Role = d.Role("role", role)
	}
	o.Created = d.Time("created", created)
	return &o, d.Err
}

func (st *Store) Org(ctx context.Context, id int64) (*rma.Org, error) {
	o, err := scanOrg(st.pool().QueryRowContext(ctx, `SELECT `+orgColumns+` FROM orgs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "organisation %d not found", id)
	}
	if err != nil {
		return nil, st.storeError("org", err)
	}
	return o, nil
}

// OrgByName finds an organisation by name in any case.
func (st *Store) OrgByName(ctx context.Context, name string) (*rma.Org, error) {
	if !storable(nameKey(name)) {
		return nil, rma.Errorf(rma.ENOTFOUND, "organisation %q not found", name)
	}
	o, err := scanOrg(st.pool().QueryRowContext(ctx, `SELECT `+orgColumns+` FROM orgs WHERE name_key = $1`, nameKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "organisation %q not found", name)
	}
	if err != nil {
		return nil, st.storeError("org by name", err)
	}
	return o, nil
}

// Orgs lists every organisation in the order they were created.
func (st *Store) Orgs(ctx context.Context) ([]rma.Org, error) {
	rows, err := st.pool().QueryContext(ctx, `SELECT `+orgColumns+` FROM orgs ORDER BY id`)
	if err != nil {
		return nil, st.storeError("orgs", err)
	}
	defer rows.Close()
	var out []rma.Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, st.storeError("orgs", err)
		}
		out = append(out, *o)
	}
	if err := rows.Err(); err != nil {
		return nil, st.storeError("orgs", err)
	}
	return out, nil
}

// CreateUser stores a user; emails are unique in any case.
func (st *Store) CreateUser(ctx context.Context, u *rma.User) error {
	if u == nil {
		return rma.Invalid("user", "missing")
	}
	if nameKey(u.Email) == "" {
		return rma.Invalid("email", "required")
	}
	created := orNow(u.Created)
	var enc encoder
	createdText := enc.Time("created", created)
	if enc.Err != nil {
		return enc.Err
	}
	var id int64
	err := st.write(ctx, "create user", func(q Querier) error {
		err := q.QueryRowContext(ctx,
			`INSERT INTO users (org_id, email, email_key, name, role, password_hash, created, disabled)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			u.OrgID, u.Email, nameKey(u.Email), u.Name, string(u.Role), u.PasswordHash, createdText, u.Disabled).Scan(&id)
		if st.isUnique(err) {
			return rma.Errorf(rma.ECONFLICT, "a user with email %q exists", u.Email)
		}
		return err
	})
	if err != nil {
		return err
	}
	u.ID, u.Created = id, created.UTC()
	return nil
}

// UserByEmail finds a user by email in any case.
func (st *Store) UserByEmail(ctx context.Context, email string) (*rma.User, error) {
	if !storable(nameKey(email)) {
		return nil, rma.Errorf(rma.ENOTFOUND, "user %q not found", email)
	}
	var us sqlcodec.UserScan
	err := st.pool().QueryRowContext(ctx,
		`SELECT `+sqlcodec.UserColumns+` FROM users u WHERE u.email_key = $1`,
		nameKey(email)).Scan(us.Dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "user %q not found", email)
	}
	if err != nil {
		return nil, st.storeError("user by email", err)
	}
	return us.User()
}

func (st *Store) CreateAPIKey(ctx context.Context, k *rma.APIKey) error {
	if k == nil {
		return rma.Invalid("key", "missing")
	}
	if k.Prefix == "" {
		return rma.Invalid("prefix", "required")
	}
	created := orNow(k.Created)
	var enc encoder
	createdText := enc.Time("created", created)
	revokedText := enc.Time("revoked", k.Revoked)
	if enc.Err != nil {
		return enc.Err
	}
	var id int64
	err := st.write(ctx, "create api key", func(q Querier) error {
		err := q.QueryRowContext(ctx,
			`INSERT INTO api_keys (org_id, user_id, role, prefix, hash, name, created, revoked)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			k.OrgID, nullID(k.UserID), string(k.Role), k.Prefix, k.Hash, k.Name, createdText, revokedText).Scan(&id)
		if st.isUnique(err) {
			return rma.Errorf(rma.ECONFLICT, "an API key with prefix %q exists", k.Prefix)
		}
		return err
	})
	if err != nil {
		return err
	}
	k.ID, k.Created = id, created.UTC()
	if !k.Revoked.IsZero() {
		k.Revoked = k.Revoked.UTC()
	}
	return nil
}

// APIKeyAndOrg finds a key that is not revoked by its prefix, with its
// organisation, in one query: authentication needs both on every API call.
func (st *Store) APIKeyAndOrg(ctx context.Context, prefix string) (*rma.APIKey, *rma.Org, error) {
	if !storable(prefix) {
		return nil, nil, rma.Errorf(rma.ENOTFOUND, "API key %q not found", prefix)
	}
	var ks sqlcodec.KeyScan
	row := st.pool().QueryRowContext(ctx, `SELECT `+sqlcodec.KeyColumns+`, `+sqlcodec.Columns("o", orgColumns)+`
		 FROM api_keys k JOIN orgs o ON o.id = k.org_id WHERE k.prefix = $1 AND k.revoked IS NULL`, prefix)
	o, err := scanOrg(sqlcodec.ScanAfter{Row: row, Dest: ks.Dest()})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, rma.Errorf(rma.ENOTFOUND, "API key %q not found", prefix)
	}
	if err != nil {
		return nil, nil, st.storeError("api key and org", err)
	}
	k, err := ks.Key()
	if err != nil {
		return nil, nil, err
	}
	return k, o, nil
}

// UserByID finds a user by ID (a signed-in session carries it).
func (st *Store) UserByID(ctx context.Context, id int64) (*rma.User, error) {
	var us sqlcodec.UserScan
	err := st.pool().QueryRowContext(ctx,
		`SELECT `+sqlcodec.UserColumns+` FROM users u WHERE u.id = $1`,
		id).Scan(us.Dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "user %d not found", id)
	}
	if err != nil {
		return nil, st.storeError("user by id", err)
	}
	return us.User()
}

// SetPassword replaces a user's password hash and ends the user's
// sessions in the same transaction: whoever held one must sign in again.
func (st *Store) SetPassword(ctx context.Context, userID int64, hash string) error {
	return st.write(ctx, "set password", func(q Querier) error {
		if err := updateUser(ctx, q, userID, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		return err
	})
}

// updateUser runs update (its $2 is the user's ID) on one user, or says
// there is no such user.
func updateUser(ctx context.Context, q Querier, userID int64, update string, value any) error {
	res, err := q.ExecContext(ctx, update, value, userID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return rma.Errorf(rma.ENOTFOUND, "user %d not found", userID)
	}
	return nil
}
