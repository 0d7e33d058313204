package api

import (
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Fees as data (issue 14): a unit's price on the claim, the fees the desk
// expects to charge at resolution, and the agent's waivers.

// claimPrice checks a claim's product.price.
func claimPrice(field string, m *MoneyJSON) (policy.Amount, error) {
	if m == nil {
		return policy.Amount{}, nil
	}
	money, err := parseMoney(field, m)
	if err != nil {
		return policy.Amount{}, err
	}
	if money.Cents <= 0 {
		return policy.Amount{}, rma.Invalid(field+".amount", "must be more than zero")
	}
	if money.Cents > 1_000_000_000_000 {
		return policy.Amount{}, rma.Invalid(field+".amount", "too large")
	}
	return policy.Amount{Cents: money.Cents, Currency: money.Currency}, nil
}

// WaiveFeeBody waives a line's expected fee, with the reason.
type WaiveFeeBody struct {
	Line   int    `json:"line"`
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

func waivers(b []WaiveFeeBody) []rma.FeeWaiver {
	var out []rma.FeeWaiver
	for _, w := range b {
		out = append(out, rma.FeeWaiver{LineNo: w.Line, Kind: w.Kind, Reason: w.Reason})
	}
	return out
}

// ExpectedFeeView is a fee the desk charges a line when it refunds or
// credits it, as it stands now: the line's decision expected it, and it
// is computed from the line's price and the unit as received.
type ExpectedFeeView struct {
	Line    int        `json:"line"`
	Kind    string     `json:"kind"`
	Basis   string     `json:"basis"`
	Percent string     `json:"percent,omitempty"`
	Tier    int        `json:"tier,omitempty"`
	Why     string     `json:"why,omitempty"`
	Amount  *MoneyJSON `json:"amount,omitempty"` // for the line's quantity; absent when it cannot be computed yet
	Limit   string     `json:"limit,omitempty"`
	Clause  string     `json:"clause"`
}

func expectedFeeViews(p *policy.Policy, r *rma.RMA) []ExpectedFeeView {
	var out []ExpectedFeeView
	for _, f := range rma.ExpectedFees(p, r) {
		v := ExpectedFeeView{Line: f.LineNo, Kind: f.Kind, Basis: f.Basis, Percent: f.Percent, Tier: f.Tier, Why: f.Why, Limit: f.Limit, Clause: f.Clause}
		if f.Total.Currency != "" {
			m := moneyView(f.Total)
			v.Amount = &m
		}
		out = append(out, v)
	}
	return out
}
