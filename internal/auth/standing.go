package auth

import (
	"context"
	"strconv"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// SetOrgStanding sets an organisation's account standing (issue 14,
// requester preconditions: rma/standing.go). Admins only.
func (a *Accounts) SetOrgStanding(ctx context.Context, actor rma.Actor, orgID int64, standing policy.Standing) error {
	if !rma.Can(actor.Role, rma.OpAdminister) {
		return rma.Errorf(rma.EFORBIDDEN, "role %s may not manage organisations and users", actor.Role)
	}
	ss, ok := a.store.(rma.StandingStore)
	if !ok {
		return rma.Errorf(rma.EINTERNAL, "this store keeps no standings")
	}
	// Recorded in the audit log with what it was (issue 15).
	before, err := ss.OrgStanding(ctx, orgID)
	if err != nil {
		return err
	}
	o, err := a.store.Org(ctx, orgID)
	if err != nil {
		return err
	}
	e := audit.Of(actor, audit.OrgStanding, audit.TargetOrg, strconv.FormatInt(orgID, 10), o.Name,
		audit.Diff([3]string{"standing", before.String(), standing.String()})...)
	return audit.RecordWith(ctx, a.store, e, func(ctx context.Context) error { return ss.SetOrgStanding(ctx, orgID, standing) })
}
