package auth

import (
	"context"
	"strings"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Change is one field an administrator's action changed, for the audit
// log.
type Change struct{ Field, Before, After string }

// OrgUpdate is an administrator's change of an organisation (issue 15);
// nil fields stay as they are.
type OrgUpdate struct {
	Name    *string
	Role    *string // a requester organisation's role: consumer, end_user, dealer, partner, distributor
	Country *string
	Email   *string // "" clears it
}

// UpdateOrg changes an organisation's name, role, country or email,
// checked as CreateOrg checks them. The desk and a supplier have no
// requester role to change. It returns the organisation as stored, with
// the changes made (field, before, after) for the audit log.
func (a *Accounts) UpdateOrg(ctx context.Context, actor rma.Actor, id int64, u OrgUpdate) (*rma.Org, []Change, error) {
	if !rma.Can(actor.Role, rma.OpAdminister) {
		return nil, nil, rma.Errorf(rma.EFORBIDDEN, "role %s may not manage organisations", actor.Role)
	}
	es, ok := a.store.(rma.OrgEditStore)
	if !ok {
		return nil, nil, rma.Errorf(rma.EINTERNAL, "this store edits no organisations")
	}
	o, err := a.store.Org(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	before := *o
	if u.Name != nil {
		if o.Name, err = rma.CleanName("name", *u.Name, 200); err != nil {
			return nil, nil, err
		}
	}
	if u.Role != nil && *u.Role != roleOf(&before) {
		if o.IsDesk || o.Supplier {
			return nil, nil, rma.Invalid("role", "%s is %s: only a requester organisation's role changes", o.Name, roleOf(o))
		}
		if o.Role, err = policy.ParseRole(strings.TrimSpace(*u.Role)); err != nil {
			return nil, nil, rma.Invalid("role", "%v", err)
		}
	}
	if u.Country != nil {
		c := strings.ToUpper(strings.TrimSpace(*u.Country))
		if c != "" && !policy.ValidCountry(c) {
			return nil, nil, rma.Invalid("country", "%q is not an ISO 3166-1 alpha-2 country code (e.g. NL)", *u.Country)
		}
		o.Country = c
	}
	if u.Email != nil {
		e := strings.TrimSpace(*u.Email)
		if e != "" {
			if e, err = rma.CleanEmail("email", e); err != nil {
				return nil, nil, err
			}
		}
		o.Email = e
	}
	var changes []Change
	for _, c := range []Change{{"name", before.Name, o.Name}, {"role", roleOf(&before), roleOf(o)},
		{"country", before.Country, o.Country}, {"email", before.Email, o.Email}} {
		if c.Before != c.After {
			changes = append(changes, c)
		}
	}
	if len(changes) == 0 {
		return o, nil, nil
	}
	if err := es.UpdateOrg(ctx, o); err != nil {
		return nil, nil, err
	}
	return o, changes, nil
}

// roleOf names an organisation's role as the API and the portal do: "" for the
// desk, supplier, or its requester role.
func roleOf(o *rma.Org) string {
	switch {
	case o.IsDesk:
		return ""
	case o.Supplier:
		return "supplier"
	}
	return o.Role.String()
}
