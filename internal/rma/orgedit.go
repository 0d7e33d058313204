package rma

import (
	"context"
	"strings"
)

// OrgEditStore is what an administrator's edit of an organisation needs of
// the store (issue 15). The one store implements it; storetest holds it to
// the contract.
type OrgEditStore interface {
	// UpdateOrg rewrites the organisation's name, role, country and email;
	// a supplier and the desk keep their role. ENOTFOUND; ECONFLICT when
	// another organisation has the name.
	UpdateOrg(ctx context.Context, o *Org) error
	// SetSupplierPolicy sets the pack a supplier applies ("" for none);
	// ENOTFOUND for an organisation that is no supplier.
	SetSupplierPolicy(ctx context.Context, orgID int64, policyID string) error
}

// SetSupplierPolicy changes the pack a supplier applies to the desk's
// claims, so the engine predicts its verdict by it (admins only); ""
// predicts none.
func (s *Service) SetSupplierPolicy(ctx context.Context, actor Actor, orgID int64, policyID string) (*Supplier, error) {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return nil, err
	}
	es, ok := s.store.(OrgEditStore)
	if !ok {
		return nil, Errorf(EINTERNAL, "this store edits no organisations")
	}
	policyID = strings.TrimSpace(policyID)
	if policyID != "" && s.Policies().Latest(policyID) == nil {
		return nil, Invalid("policy", "unknown policy %q (one of %s)", policyID, strings.Join(s.Policies().IDs(), ", "))
	}
	if err := es.SetSupplierPolicy(ctx, orgID, policyID); err != nil {
		return nil, err
	}
	return s.store.Supplier(ctx, orgID)
}
