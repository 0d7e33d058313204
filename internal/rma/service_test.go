package rma_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
)

// TestPolicyVersionIsKept: an RMA is judged by the version in force when it
// was filed and keeps it; a later version never re-judges it.
func TestPolicyVersionIsKept(t *testing.T) {
	ctx := context.Background()
	v1, err := os.ReadFile("../../policies/dexxon.yaml")
	if err != nil {
		t.Fatal(err)
	}
	v2 := strings.NewReplacer(`version: "1"`, `version: "2"`, "effective_from: 2020-01-01", "effective_from: 2026-03-10",
		"valid_days: 14", "valid_days: 21").Replace(string(v1))
	set, err := policy.LoadFS(fstest.MapFS{"dexxon-1.yaml": {Data: v1}, "dexxon-2.yaml": {Data: []byte(v2)}})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, sqlitetest.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	svc := rma.NewService(db, set, rma.WithClock(func() time.Time { return now }))
	accounts := auth.NewAccounts(db)
	partner, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Partner", Role: "partner", Country: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	desk, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Desk", IsDesk: true})
	if err != nil {
		t.Fatal(err)
	}
	requester := rma.Actor{OrgID: partner.ID, Role: rma.RoleRequester, Name: "partner"}
	agent := rma.Actor{OrgID: desk.ID, Role: rma.RoleAgent, Name: "agent"}
	claim, err := policy.ParseClaim([]byte(`{"requester": {"role": "partner"}, "product": {"category": "ssd"}, "dates": {"invoice": "2025-06-01", "reported": "2026-03-02"}}`))
	if err != nil {
		t.Fatal(err)
	}
	submit := func() *rma.RMA {
		r, _, err := svc.Submit(ctx, requester, rma.SubmitRequest{PolicyID: "dexxon", Lines: []rma.LineRequest{{Claim: claim}}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	early := submit()
	now = now.AddDate(0, 0, 9) // 2026-03-11: version 2 is in force
	late := submit()
	if early.PolicyVersion != "1" || late.PolicyVersion != "2" {
		t.Fatalf("versions %s and %s, want 1 and 2", early.PolicyVersion, late.PolicyVersion)
	}
	a, err := svc.Authorize(ctx, agent, early.ID, early.Version, rma.AuthorizeRequest{Resolution: "return"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := svc.Authorize(ctx, agent, late.ID, late.Version, rma.AuthorizeRequest{Resolution: "return"})
	if err != nil {
		t.Fatal(err)
	}
	// Authorized the same day, each by its own version: 14 and 21 days.
	if a.NumberExpires.String() != "2026-03-25" || b.NumberExpires.String() != "2026-04-01" {
		t.Fatalf("expiries %s and %s", a.NumberExpires, b.NumberExpires)
	}
	if a.Numbers[0].Number == b.Numbers[0].Number {
		t.Fatal("two RMAs share a number")
	}
}
