package storetest

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// testFees: fees as data (issue 14) read back as written: a claim's price,
// a decision's expected charges, and a charge deducted from a refund next
// to one that is not.
func testFees(t *testing.T, open Opener) {
	s := open(t)
	o := mkOrg(t, s, "US webshop customer")
	r := simpleRMA(t, o.ID, "FEES-1", minute(1))
	l := &r.Lines[0]
	l.Claim = claim(t, `{"kind": "withdrawal", "requester": {"role": "consumer", "country": "US"},
		"product": {"category": "tv", "price": {"amount": "129.00", "currency": "USD"}},
		"dates": {"delivered": "2026-03-01", "reported": "2026-03-10"}, "conditions": ["opened"]}`)
	l.Decision.ExpectedCharges = []policy.ExpectedCharge{{Kind: "restocking", Basis: "percentage", Percent: "25", Tier: 1, Why: "opened",
		Amount: policy.Amount{Cents: 3225, Currency: "USD"}, Limit: "", Clause: "restocking"}}
	r = mkRMA(t, s, r)
	got := reload(t, s, r.ID)
	wantSame(t, "the line's claim and decision", r.Lines, got.Lines)
	if got.Lines[0].Claim.Product.Price != (policy.Amount{Cents: 12900, Currency: "USD"}) || len(got.Lines[0].Decision.ExpectedCharges) != 1 {
		t.Fatalf("line read back as %+v", got.Lines[0])
	}

	got.State = rma.Resolved
	got.Charges = append(got.Charges,
		rma.Charge{LineNo: 1, Kind: "refund", Basis: "last_invoiced_price", Quantity: 1, Amount: rma.Money{Cents: -12900, Currency: "USD"}, Created: minute(5)},
		rma.Charge{LineNo: 1, Kind: "restocking", Basis: "percentage", Description: "25% of 129.00 USD, opened", Quantity: 1,
			Amount: rma.Money{Cents: 3225, Currency: "USD"}, Clause: "restocking", Created: minute(5), Deducted: true})
	must(t, s.SaveRMA(t.Context(), got, got.Version, &rma.Event{At: minute(5), Actor: "agent", Action: string(rma.ActResolve), From: rma.Received, To: rma.Resolved}))
	back := reload(t, s, r.ID)
	if len(back.Charges) != 2 || back.Charges[0].Deducted || !back.Charges[1].Deducted || back.Charges[1].Clause != "restocking" {
		t.Fatalf("charges read back as %+v", back.Charges)
	}
}
