package rma

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// Fees known at decision time (issue 14): a restocking fee of 15%, 25% if
// opened, is in the line's decision as an expected charge; the desk
// charges it when it refunds or credits the line, from the line's price
// and the state the unit arrived in, and the refund or credit is net of
// it. An agent may waive it, with a reason the history keeps.

// openedIntake are the intake conditions (bench.go) that say the unit's
// packaging was opened: a fee tier for opened units applies to them even
// when the claim did not say so.
var openedIntake = []string{"opened", "used"}

// LineFee is the fee a line is charged at resolution: the policy's
// expected charge recomputed with the line's price and received state,
// and its total for the line's quantity (zero Total: it cannot be
// computed, see Why).
type LineFee struct {
	LineNo int
	policy.ExpectedCharge
	Total       Money
	Description string // how it was computed, for the ledger
}

// FeeWaiver is an agent's decision not to charge a line's fee, with the
// reason the history records.
type FeeWaiver struct {
	LineNo int
	Kind   string
	Reason string
}

// ExpectedFees are the fees r's lines are charged when the desk refunds or
// credits them: for each line in play whose decision expected a charge,
// the policy's expected charges for the line's claim with the line's price
// (Line.LastInvoicedPrice, as filed or as the desk entered it) and, where
// receiving noted the unit opened, the condition opened.
func ExpectedFees(p *policy.Policy, r *RMA) []LineFee {
	var out []LineFee
	for i := range r.Lines {
		l := &r.Lines[i]
		if !l.InPlay() || len(l.Decision.ExpectedCharges) == 0 {
			continue
		}
		claim := l.Claim
		if l.LastInvoicedPrice.Cents > 0 && l.LastInvoicedPrice.Currency != "" {
			claim.Product.Price = policy.Amount{Cents: l.LastInvoicedPrice.Cents, Currency: l.LastInvoicedPrice.Currency}
		}
		if slices.Contains(openedIntake, l.IntakeCondition) {
			claim.Conditions = claim.Conditions.With(policy.Opened)
		}
		for _, e := range p.ExpectedCharges(&claim, l.Decision.Route) {
			lf := LineFee{LineNo: l.No, ExpectedCharge: e, Description: feeDescription(e, claim.Product.Price)}
			if cents, ok := e.Cents(); ok {
				total, ok := mulCents(cents, float64(l.Quantity))
				if ok {
					lf.Total = Money{Cents: total, Currency: e.Amount.Currency}
				}
			}
			out = append(out, lf)
		}
	}
	return out
}

// feeDescription says how a fee was computed: "25% of 129.00 USD
// (opened)", "the fee's maximum".
func feeDescription(e policy.ExpectedCharge, price policy.Amount) string {
	var parts []string
	if e.Percent != "" && !price.IsZero() {
		parts = append(parts, e.Percent+"% of "+price.String())
	}
	if e.Why != "" && e.Why != "otherwise" {
		parts = append(parts, e.Why)
	}
	if e.Limit == "minimum" || e.Limit == "maximum" {
		parts = append(parts, "the fee's "+e.Limit)
	}
	return strings.Join(parts, ", ")
}

// chargeExpectedFees records, on a refund or credit, each line's expected
// fee as a charge deducted from it, except those waived; waivers must name
// a fee that is expected and give a reason.
func (c *change) chargeExpectedFees(waivers []FeeWaiver) error {
	fees := ExpectedFees(c.p, c.r)
	for i, w := range waivers {
		field := fmt.Sprintf("waive_fees[%d]", i)
		if !slices.ContainsFunc(fees, func(f LineFee) bool { return f.LineNo == w.LineNo && f.Kind == w.Kind }) {
			return Invalid(field+".kind", "line %d has no expected %q fee to waive", w.LineNo, w.Kind)
		}
		if err := required(field+".reason", strings.TrimSpace(w.Reason), 2000); err != nil {
			return err
		}
	}
	var charged, waived []string
	for _, f := range fees {
		if j := slices.IndexFunc(waivers, func(w FeeWaiver) bool { return w.LineNo == f.LineNo && w.Kind == f.Kind }); j >= 0 {
			waived = append(waived, fmt.Sprintf("line %d %s: %s", f.LineNo, f.Kind, strings.TrimSpace(waivers[j].Reason)))
			continue
		}
		if f.Total.Currency == "" {
			why := "its amount cannot be computed"
			if d, ok := strings.CutPrefix(f.Why, "no dates."); ok {
				why = "its tier depends on dates." + d + ", which the claim does not give"
			} else if f.Limit == "currency" {
				why = "the line's price is in another currency than the fee's limits"
			}
			return Invalid("waive_fees", "line %d: the %s fee [%s] cannot be charged: %s; waive it with a reason (and record a charge by hand if one is due)", f.LineNo, words(f.Kind), f.Clause, why)
		}
		if f.Total.Cents == 0 {
			continue // a tier of 0%: nothing to deduct
		}
		c.r.Charges = append(c.r.Charges, Charge{LineNo: f.LineNo, Kind: f.Kind, Basis: f.Basis, Description: f.Description,
			Quantity: float64(c.r.line(f.LineNo).Quantity), Amount: f.Total, Clause: f.Clause, Created: c.now, Deducted: true})
		charged = append(charged, fmt.Sprintf("line %d %s %s [%s]", f.LineNo, f.Kind, formatMoney(f.Total), f.Clause))
	}
	if len(charged) > 0 {
		c.ev.Details["fees_charged"] = strings.Join(charged, "; ")
	}
	if len(waived) > 0 {
		c.ev.Details["fees_waived"] = strings.Join(waived, "; ")
	}
	return nil
}

func formatMoney(m Money) string {
	return policy.Amount{Cents: m.Cents, Currency: m.Currency}.String()
}

// shareLinePrice makes a line's price and its claim's one price: the
// line's invoiced price goes into a claim that gives none, so a percentage
// fee can be computed in the decision, and a claim's price is the line's
// when the line has none, so a refund can be made at it.
func shareLinePrice(c *policy.Claim, price Money) Money {
	switch {
	case c.Product.Price.IsZero() && price.Cents > 0 && validCurrency(price.Currency):
		c.Product.Price = policy.Amount{Cents: price.Cents, Currency: price.Currency}
	case !c.Product.Price.IsZero() && price.Cents == 0:
		price = Money{Cents: c.Product.Price.Cents, Currency: c.Product.Price.Currency}
	}
	return price
}
