package auth

import (
	"context"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

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
// requester role to change. The change is recorded in the audit log with
// the fields it changed, in its transaction; it returns the organisation
// as stored and those changes.
func (a *Accounts) UpdateOrg(ctx context.Context, actor rma.Actor, id int64, u OrgUpdate) (*rma.Org, []audit.Change, error) {
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
	changes := audit.Diff([3]string{"name", before.Name, o.Name}, [3]string{"role", roleOf(&before), roleOf(o)},
		[3]string{"country", before.Country, o.Country}, [3]string{"email", before.Email, o.Email})
	if len(changes) == 0 {
		return o, nil, nil
	}
	e := audit.Of(actor, audit.OrgUpdate, audit.TargetOrg, strconv.FormatInt(o.ID, 10), o.Name, changes...)
	if err := audit.RecordWith(ctx, a.store, e, func(ctx context.Context) error { return es.UpdateOrg(ctx, o) }); err != nil {
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
