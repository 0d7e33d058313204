package rma

import (
	"context"
	"slices"
)

// Who may do what. Requesters act on their own organisation's RMAs only
// (another organisation's RMA is "not found", so its existence does not
// leak); the desk's roles act on every RMA.

// Operations that are not state transitions.
const (
	OpSubmit      Action = "submit"
	OpRead        Action = "read"
	OpAddDocument Action = "add_document"
	OpAddMessage  Action = "add_message"
	OpAddCharge   Action = "add_charge"
	OpListAll     Action = "list_all"     // the desk's queue across organisations
	OpLookup      Action = "lookup"       // serial lookup, receiving by number
	OpAdminister  Action = "administer"   // organisations, users, keys
	OpWhatIf      Action = "whatif"       // replay history under a draft policy (issue 15): agents and admins
	OpReports     Action = "reports"      // the desk's figures (issue 16): agents and admins
	OpKeepReplies Action = "keep_replies" // write the desk's canned replies: agents and admins
	// Suppliers and supplier RMAs are the desk's business: a requester
	// never sees them, only what the policy makes its own (that a unit is
	// at the supplier, and the verdict).
	OpReadSuppliers   Action = "read_suppliers"
	OpManageSuppliers Action = "manage_suppliers"
	// OpManageWebhooks: an organisation's webhook endpoints (issue 17): a
	// requester its own, the desk's admin every one.
	OpManageWebhooks Action = "manage_webhooks"
)

var roleActions = map[Role][]Action{
	RoleRequester: {OpSubmit, OpRead, OpAddDocument, OpAddMessage, ActProvideInfo, ActShip, ActCancel, ActSetPreference, OpManageWebhooks},
	RoleTechnician: {OpRead, OpAddDocument, OpAddMessage, OpAddCharge, OpListAll, OpLookup,
		ActReceive, ActStartEvaluation, ActEvaluate, OpReadSuppliers},
	RoleAgent: {OpRead, OpAddDocument, OpAddMessage, OpAddCharge, OpListAll, OpLookup,
		ActRequestInfo, ActProvideInfo, ActAuthorize, ActReject, ActRefer, ActCreditWithoutReturn,
		ActResolveRemotely, ActExpire, ActReissue, ActShip, ActReceive, ActStartEvaluation,
		ActEvaluate, ActResolve, ActCancel, ActClose,
		OpReadSuppliers, OpManageSuppliers, ActForwardToSupplier, ActShipToSupplier, ActSupplierVerdict,
		OpWhatIf, OpReports, OpKeepReplies},
}

// Can reports whether role may perform action (on an RMA it may see).
func Can(role Role, action Action) bool {
	if role == RoleAdmin {
		// The desk files no RMAs of its own: a submission speaks for a
		// requester organisation, whose role and country the policy needs.
		return action != OpSubmit
	}
	return slices.Contains(roleActions[role], action)
}

// IsDesk reports whether the role works for the desk (sees every RMA).
func (r Role) IsDesk() bool { return r == RoleAgent || r == RoleTechnician || r == RoleAdmin }

// ParseRole checks a role name.
func ParseRole(s string) (Role, bool) {
	r := Role(s)
	return r, slices.Contains(Roles, r)
}

// Check tells whether actor may perform action on RMA id (0: on no RMA in
// particular), before anything else about the request is looked at, so a
// refused caller learns nothing from validation messages.
func (s *Service) Check(ctx context.Context, actor Actor, id int64, action Action) error {
	if id == 0 {
		return authorize(actor, nil, action)
	}
	r, err := s.store.RMA(ctx, id)
	if err != nil {
		return err
	}
	return authorize(actor, r, action)
}

// authorize checks that actor may perform action on r; a requester of
// another organisation is told the RMA does not exist.
func authorize(actor Actor, r *RMA, action Action) error {
	if r != nil && !actor.Role.IsDesk() && r.OrgID != actor.OrgID {
		return Errorf(ENOTFOUND, "RMA not found")
	}
	if !Can(actor.Role, action) {
		return Errorf(EFORBIDDEN, "role %s may not %s", actor.Role, action)
	}
	return nil
}
