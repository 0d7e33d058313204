package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/policies"
)

// Submission is what rma.Service.Submit hands the store: a real RMA, as
// the engine decided it, with its deadlines, jobs and first event.
type Submission struct {
	R   *rma.RMA
	Ev  *rma.Event
	Key string
}

// capture is a store whose CreateRMA keeps what it is given.
type capture struct {
	rma.Store
	mu  sync.Mutex
	got []Submission
}

func (c *capture) CreateRMA(_ context.Context, r *rma.RMA, ev *rma.Event, key string) error {
	c.mu.Lock()
	c.got = append(c.got, Submission{r, ev, key})
	c.mu.Unlock()
	return nil
}

// Submissions makes n submissions for org, decided by the Dexxon policy as
// the API would file them, without storing them: one line each, a
// DX-SSD-1TB with serial "prefix-SNi", reference and key "prefix-i".
func Submissions(tb testing.TB, s rma.Store, org *rma.Org, n int, prefix string) []Submission {
	tb.Helper()
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		tb.Fatal(err)
	}
	c := &capture{Store: s}
	svc := rma.NewService(c, set)
	actor := rma.Actor{OrgID: org.ID, Role: rma.RoleRequester, Name: "test"}
	today := svc.Today()
	for i := range n {
		line := rma.LineRequest{Quantity: 1, Fault: "dead on arrival", LastInvoicedPrice: rma.Money{Cents: 8990, Currency: "EUR"}}
		line.Claim.Product = policy.Product{Category: "ssd", Model: "DX-SSD-1TB", Serial: fmt.Sprintf("%s-SN%d", prefix, i)}
		line.Claim.Dates.Purchase = today.AddDays(-100)
		line.Claim.Documents = line.Claim.Documents.With(policy.PurchaseReceipt)
		req := rma.SubmitRequest{PolicyID: "dexxon", Reference: fmt.Sprintf("%s-%d", prefix, i), Lines: []rma.LineRequest{line},
			IdempotencyKey: fmt.Sprintf("%s-%d", prefix, i)}
		if _, _, err := svc.Submit(tb.Context(), actor, req); err != nil {
			tb.Fatal(err)
		}
	}
	return c.got
}

// Partner stores a partner organisation in the Netherlands, which files
// Submissions.
func Partner(tb testing.TB, s rma.Store) *rma.Org {
	tb.Helper()
	org := &rma.Org{Name: "Partner", Role: policy.Partner, Country: "NL"}
	if err := s.CreateOrg(tb.Context(), org); err != nil {
		tb.Fatal(err)
	}
	return org
}
