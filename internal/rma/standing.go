package rma

import (
	"context"
	"strings"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// An organisation's account standing (issue 14, requester preconditions):
// good until an admin puts it on hold or blocks it, for unpaid invoices or
// a dispute. A policy may refuse claims, or send them to a person, by it
// (policy.Precondition). The desk puts the organisation's standing on
// every claim it files or previews, as it puts its role and country; what
// a requester sends is never asked for (the API's claims have no
// requester part).

// StandingStore keeps the organisations' standing. Stores that keep
// accounts implement it (internal/store).
type StandingStore interface {
	// SetOrgStanding sets an organisation's standing; ENOTFOUND when there
	// is no such organisation.
	SetOrgStanding(ctx context.Context, orgID int64, standing policy.Standing) error
	// OrgStanding returns an organisation's standing; ENOTFOUND when there
	// is no such organisation.
	OrgStanding(ctx context.Context, orgID int64) (policy.Standing, error)
	// OrgStandings returns every organisation's standing that is not
	// good, by ID.
	OrgStandings(ctx context.Context) (map[int64]policy.Standing, error)
}

// CheckStanding reads a standing an admin set.
func CheckStanding(field, s string) (policy.Standing, error) {
	st, err := policy.ParseStanding(s)
	if err != nil || st == policy.StandingUnknown {
		return 0, Invalid(field, "must be one of %s", strings.Join(policy.StandingNames(), ", "))
	}
	return st, nil
}

// OrgStanding returns the standing the desk puts on an organisation's
// claims: the stored one, or good where the store keeps none.
func OrgStanding(ctx context.Context, st Store, orgID int64) (policy.Standing, error) {
	ss, ok := st.(StandingStore)
	if !ok {
		return policy.StandingGood, nil
	}
	return ss.OrgStanding(ctx, orgID)
}
