package storetest

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// testStanding: an organisation is in good standing until one is set, keeps
// the one set, and ENOTFOUND is said for one that does not exist.
func testStanding(t *testing.T, open Opener) {
	st := open(t)
	ss, ok := st.(rma.StandingStore)
	if !ok {
		t.Fatal("the store keeps no standings (rma.StandingStore)")
	}
	ctx := t.Context()
	acme := &rma.Org{Name: "Acme Retail", Role: policy.Dealer, Country: "US"}
	other := &rma.Org{Name: "Other Retail", Role: policy.Dealer, Country: "US"}
	must(t, st.CreateOrg(ctx, acme))
	must(t, st.CreateOrg(ctx, other))
	check := func(id int64, want policy.Standing) {
		t.Helper()
		got, err := ss.OrgStanding(ctx, id)
		must(t, err)
		if got != want {
			t.Fatalf("OrgStanding(%d) = %s, want %s", id, got, want)
		}
	}
	check(acme.ID, policy.StandingGood)
	must(t, ss.SetOrgStanding(ctx, acme.ID, policy.StandingOnHold))
	check(acme.ID, policy.StandingOnHold)
	check(other.ID, policy.StandingGood)
	must(t, ss.SetOrgStanding(ctx, acme.ID, policy.StandingBlocked))
	check(acme.ID, policy.StandingBlocked)
	all, err := ss.OrgStandings(ctx)
	must(t, err)
	if len(all) != 1 || all[acme.ID] != policy.StandingBlocked {
		t.Fatalf("OrgStandings = %v, want only %d: blocked", all, acme.ID)
	}
	if o, err := st.Org(ctx, acme.ID); err != nil || o.Name != acme.Name || o.Country != "US" {
		t.Fatalf("Org after setting its standing: %+v, %v", o, err)
	}
	wantCode(t, ss.SetOrgStanding(ctx, 999999, policy.StandingGood), rma.ENOTFOUND)
	_, err = ss.OrgStanding(ctx, 999999)
	wantCode(t, err, rma.ENOTFOUND)
	wantCode(t, ss.SetOrgStanding(ctx, acme.ID, policy.StandingUnknown), rma.EINVALID)
}
