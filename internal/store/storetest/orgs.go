package storetest

import (
	"context"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// orgEditor is what an administrator's edit of an organisation needs
// (auth.OrgEditStore).
type orgEditor interface {
	UpdateOrg(ctx context.Context, o *rma.Org) error
	SetSupplierPolicy(ctx context.Context, orgID int64, policyID string) error
}

// testUpdateOrg: an organisation's name, role, country and email are
// rewritten, its address kept; a name another has is ECONFLICT, an unknown
// organisation ENOTFOUND; a supplier keeps its role and changes its pack.
func testUpdateOrg(t *testing.T, open Opener) {
	s := open(t)
	ed, ok := s.(orgEditor)
	if !ok {
		t.Fatal("the store edits no organisations (UpdateOrg, SetSupplierPolicy)")
	}
	ls := s.(rma.LocationStore)
	ctx := t.Context()
	acme := mkOrg(t, s, "Acme")
	other := mkOrg(t, s, "Other")
	addr := rma.Address{Street: "Main 1", Postcode: "1000 AA", City: "Amsterdam", Country: "NL"}
	must(t, ls.SetOrgAddress(ctx, acme.ID, addr))
	edit := *acme
	edit.Name, edit.Role, edit.Country, edit.Email = "Acme Stores", policy.Consumer, "BE", "rma@acme.example"
	must(t, ed.UpdateOrg(ctx, &edit))
	got, err := s.Org(ctx, acme.ID)
	must(t, err)
	if got.Name != "Acme Stores" || got.Role != policy.Consumer || got.Country != "BE" || got.Email != "rma@acme.example" || got.Address != addr {
		t.Fatalf("after UpdateOrg: %+v", got)
	}
	if o, err := s.OrgByName(ctx, "acme stores"); err != nil || o.ID != acme.ID {
		t.Fatalf("OrgByName after a rename: %+v, %v", o, err)
	}
	clash := *acme
	clash.Name = "OTHER"
	wantCode(t, ed.UpdateOrg(ctx, &clash), rma.ECONFLICT)
	missing := *other
	missing.ID = 999999
	wantCode(t, ed.UpdateOrg(ctx, &missing), rma.ENOTFOUND)

	ss := s.(rma.SupplierStore)
	sup := &rma.Supplier{Org: rma.Org{Name: "Parts Co", Country: "DE", Address: addr}, PolicyID: "pixfra", ClaimRole: policy.Dealer}
	must(t, ss.CreateSupplier(ctx, sup))
	edit = sup.Org
	edit.Name, edit.Role = "Parts Company", policy.Consumer
	must(t, ed.UpdateOrg(ctx, &edit))
	must(t, ed.SetSupplierPolicy(ctx, sup.ID, "dexxon"))
	gotSup, err := ss.Supplier(ctx, sup.ID)
	must(t, err)
	if gotSup.Name != "Parts Company" || !gotSup.Supplier || gotSup.PolicyID != "dexxon" {
		t.Fatalf("supplier after its edit: %+v", gotSup)
	}
	wantCode(t, ed.SetSupplierPolicy(ctx, acme.ID, "dexxon"), rma.ENOTFOUND)
}
