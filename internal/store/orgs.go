package store

import (
	"context"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// An administrator's edit of an organisation (issue 15): its name, role,
// country and email; a supplier's pack. The address, language and standing
// have their own writes (locations.go, languages.go, standing.go).

// UpdateOrg rewrites o's name, role, country and email. A supplier keeps
// its role (the column says "supplier"), and so does the desk (none).
// ENOTFOUND; ECONFLICT when another organisation has the name.
func (st *Store) UpdateOrg(ctx context.Context, o *rma.Org) error {
	if o == nil {
		return rma.Invalid("org", "missing")
	}
	if nameKey(o.Name) == "" {
		return rma.Invalid("name", "required")
	}
	var enc encoder
	role := enc.Name("role", o.Role)
	if enc.Err != nil {
		return enc.Err
	}
	return st.write(ctx, "update org", func(q Querier) error {
		res, err := q.ExecContext(ctx, `UPDATE orgs SET name = $2, name_key = $3, country = $4, email = $5,
			role = CASE WHEN is_desk OR role = 'supplier' THEN role ELSE $6 END WHERE id = $1`,
			o.ID, o.Name, nameKey(o.Name), o.Country, o.Email, role)
		if st.isUnique(err) {
			return rma.Errorf(rma.ECONFLICT, "an organisation named %q exists", o.Name)
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return rma.Errorf(rma.ENOTFOUND, "organisation %d not found", o.ID)
		}
		return nil
	})
}

// SetSupplierPolicy sets the pack a supplier applies ("" for none).
// ENOTFOUND for an organisation that is no supplier.
func (st *Store) SetSupplierPolicy(ctx context.Context, orgID int64, policyID string) error {
	if !storable(policyID) {
		return rma.Invalid("policy", "not text the desk keeps")
	}
	return st.write(ctx, "set supplier policy", func(q Querier) error {
		res, err := q.ExecContext(ctx, `UPDATE suppliers SET policy_id = $2 WHERE org_id = $1`, orgID, policyID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return rma.Errorf(rma.ENOTFOUND, "supplier %d not found", orgID)
		}
		return nil
	})
}
