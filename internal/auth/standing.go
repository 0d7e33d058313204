package auth

import (
	"context"

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
	return ss.SetOrgStanding(ctx, orgID, standing)
}
