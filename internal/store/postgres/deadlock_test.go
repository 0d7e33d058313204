package postgres

import (
	"sync"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/policies"
)

// TestNoDeadlocksOnTheRollUps: requesters file and agents authorize RMAs
// of one policy and one month at once, as two instances of a busy desk
// do. Every transaction adds to the same report roll-up rows, which
// PostgreSQL locks until commit; taken in different orders by two
// transactions (a WITH's sub-statements run in no promised order), they
// deadlocked, each costing a second and, four in a row, a 412 for the
// requester. None may happen: each transaction takes them in the order of
// their key (store.Rows.Shared).
func TestNoDeadlocksOnTheRollUps(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	svc := rma.NewService(db, set, rma.WithClock(func() time.Time { return now }))
	partner := &rma.Org{Name: "Partner", Role: policy.Partner, Country: "NL"}
	desk := &rma.Org{Name: "Desk", IsDesk: true, Country: "NL"}
	for _, o := range []*rma.Org{partner, desk} {
		if err := db.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	requester := rma.Actor{OrgID: partner.ID, Role: rma.RoleRequester, Name: "partner"}
	agent := rma.Actor{OrgID: desk.ID, Role: rma.RoleAgent, Name: "agent"}
	claim, err := policy.ParseClaim([]byte(`{"requester": {"role": "partner"}, "product": {"category": "ssd", "model": "DX-SSD-1TB", "serial": "DX24031500123"},
		"dates": {"purchase": "2025-06-01", "invoice": "2025-06-01", "reported": "2026-03-02"}, "documents": ["purchase_receipt"]}`))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 8 {
				r, _, err := svc.Submit(ctx, requester, rma.SubmitRequest{PolicyID: "dexxon", Lines: []rma.LineRequest{{Claim: claim}}})
				if err != nil {
					t.Errorf("submit: %v", err)
					return
				}
				if _, err := svc.Authorize(ctx, agent, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "return"}); err != nil {
					t.Errorf("authorize RMA %d: %v", r.ID, err)
				}
			}
		}()
	}
	wg.Wait()
	if n := db.Deadlocks(); n != 0 {
		t.Errorf("%d writes deadlocked and ran again", n)
	}
}
