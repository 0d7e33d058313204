package rma_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/policies"
)

// TestLookUpParcel: what the bench is told of each number before it
// receives: nothing wrong for an authorized RMA, else in a word why not
// (a mistyped number, one no RMA has, an old number replaced by a
// reissue, a lapsed one, a parcel received already with when, an RMA
// withdrawn before its parcel came). Looking up never writes.
func TestLookUpParcel(t *testing.T) {
	ctx := context.Background()
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "bench.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	svc := rma.NewService(db, set, rma.WithClock(func() time.Time { return now }))
	accounts := auth.NewAccounts(db)
	shop, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Shopper", Role: "consumer", Country: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	requester := rma.Actor{OrgID: shop.ID, Role: rma.RoleRequester, Name: "shopper", Org: shop}
	agent := rma.Actor{Role: rma.RoleAgent, Name: "agent"}
	tech := rma.Actor{Role: rma.RoleTechnician, Name: "tech"}
	file := func() *rma.RMA {
		claim := policy.Claim{Product: policy.Product{Category: "tablet", Serial: "MCT-1"},
			Dates:     policy.Dates{Delivered: calendar.MustParseDate(now.AddDate(0, 0, -3).Format("2006-01-02"))},
			Documents: policy.DocumentSet(0).With(policy.PackagePhotos).With(policy.DefectMedia)}
		r, _, err := svc.Submit(ctx, requester, rma.SubmitRequest{PolicyID: "minicart", Lines: []rma.LineRequest{{Claim: claim, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	authorized := func() *rma.RMA {
		r := file()
		r, err := svc.Authorize(ctx, agent, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "refund"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	must := func(r *rma.RMA, err error) *rma.RMA {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	ok := authorized()
	received := authorized()
	must(svc.Receive(ctx, tech, received.Number, 0, 0, nil))
	withdrawn := authorized()
	must(svc.Cancel(ctx, requester, withdrawn.ID, withdrawn.Version, "bought another"))
	reissued := authorized()
	oldNumber := reissued.Number
	now = now.AddDate(0, 0, 20) // Mini Cart's numbers are valid 14 days
	lapsed := authorized()      // issued now, valid to the 14th day from now
	must(svc.Expire(ctx, agent, reissued.ID, reissued.Version))
	reissued = must(svc.Get(ctx, agent, reissued.ID))
	must(svc.Reissue(ctx, agent, reissued.ID, reissued.Version))
	expiredNumber := ok.Number // authorized 20 days ago, never received

	for _, c := range []struct {
		name, number string
		want         rma.ParcelProblem
	}{
		{"receivable", lapsed.Number, ""},
		{"mistyped", "RMA-26-00001-Q", rma.ParcelMalformed},
		{"unknown", rma.FormatNumber(26, 99999), rma.ParcelUnknown},
		{"received already", received.Number, rma.ParcelReceived},
		{"replaced by a reissue", oldNumber, rma.ParcelReplaced},
		{"lapsed", expiredNumber, rma.ParcelExpired},
		{"withdrawn before it came", withdrawn.Number, rma.ParcelClosed},
	} {
		t.Run(c.name, func(t *testing.T) {
			pc, err := svc.LookUpParcel(ctx, tech, c.number)
			if err != nil {
				t.Fatal(err)
			}
			if pc.Problem != c.want {
				t.Fatalf("%s: %q, want %q", c.number, pc.Problem, c.want)
			}
			if c.want == rma.ParcelReceived && pc.ReceivedAt.IsZero() {
				t.Fatal("a parcel received already does not say when")
			}
		})
	}
	if _, err := svc.LookUpParcel(ctx, requester, lapsed.Number); rma.ErrorCode(err) != rma.EFORBIDDEN {
		t.Fatalf("a requester at the bench: %v", err)
	}
	if got := must(svc.Get(ctx, agent, lapsed.ID)); got.Version != lapsed.Version {
		t.Fatalf("looking up wrote: version %d, was %d", got.Version, lapsed.Version)
	}
}
