package policy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// Advance replacement (cross-ship, issue 14): the vendor ships the
// replacement before the defective unit comes back; the defective unit is
// due within a window counted from the day the replacement shipped, and
// when it does not come the replacement is invoiced, or a deposit taken at
// shipping is kept. The policy says who is offered it (routes, regions,
// support plans); the desk does the shipping and the counting
// (internal/rma/advance.go).

type advanceYAML struct {
	Routes       []string         `yaml:"routes"`
	Regions      []string         `yaml:"regions"`
	Plans        []string         `yaml:"plans"`
	ReturnWithin returnWithinYAML `yaml:"return_within"`
	OnNoReturn   string           `yaml:"on_no_return"`
	Deposit      *depositYAML     `yaml:"deposit"`
	Invoice      *invoiceYAML     `yaml:"invoice"`
	Clause       string           `yaml:"clause"`
}

type returnWithinYAML struct {
	Days     int    `yaml:"days"`
	Counting string `yaml:"counting"`
}

type depositYAML struct {
	Percent  int    `yaml:"percent"`
	Amount   string `yaml:"amount"`
	Currency string `yaml:"currency"`
}

type invoiceYAML struct {
	Amount   string `yaml:"amount"`
	Currency string `yaml:"currency"`
}

// What happens when the defective unit does not come back in time.
const (
	OnNoReturnInvoice     = "invoice"      // the replacement is invoiced
	OnNoReturnKeepDeposit = "keep_deposit" // the deposit taken at shipping is kept
)

var onNoReturnNames = []string{OnNoReturnInvoice, OnNoReturnKeepDeposit}

// AdvanceOffer is one rule of the pack's advance_replacement: list; the
// first whose routes, regions and plans fit the claim applies.
type AdvanceOffer struct {
	Routes  RouteSet  // empty: all
	Regions []*Region // empty: anywhere
	Plans   []string  // only under an active contract of one of these; empty: anyone
	Clause  string
	terms   AdvanceTerms // what the decision carries, built once
}

// Terms are the offer's terms, as a decision carries them: read-only.
func (o *AdvanceOffer) Terms() *AdvanceTerms { return &o.terms }

// AdvanceTerms are an offer's terms as a decision states them.
type AdvanceTerms struct {
	Offered bool `json:"offered"`
	// The defective unit is due within ReturnWithinDays, counted as
	// Counting from the day the replacement ships.
	ReturnWithinDays int    `json:"return_within_days,omitempty"`
	Counting         string `json:"counting,omitempty"`
	OnNoReturn       string `json:"on_no_return,omitempty"`
	// Deposit taken when the replacement ships: a percentage of the
	// line's price, or a fixed amount.
	Deposit *AdvanceAmount `json:"deposit,omitempty"`
	// Invoice is what a replacement not paid for by a returned unit costs:
	// nil, the line's price.
	Invoice *AdvanceAmount `json:"invoice,omitempty"`
	Clause  string         `json:"clause"`
}

// AdvanceAmount is a percentage of the line's price or a fixed amount.
type AdvanceAmount struct {
	Percent  int    `json:"percent,omitempty"`
	Amount   string `json:"amount,omitempty"` // decimal, in Currency
	Currency string `json:"currency,omitempty"`
}

// Cents is the amount in cents for a line priced at price cents.
func (a *AdvanceAmount) Cents(price int64) int64 {
	if a.Amount != "" {
		c, _ := decimalCents(a.Amount)
		return c
	}
	return price * int64(a.Percent) / 100
}

// decimalCents reads a checked decimal ("150.00") as cents.
func decimalCents(s string) (int64, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	frac = (frac + "00")[:2]
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, false
	}
	return w*100 + f, true
}

// Due is the last day the defective unit may arrive when the replacement
// shipped on shipped, under these terms and the policy's calendar.
func (t *AdvanceTerms) Due(p *Policy, shipped calendar.Date) calendar.Date {
	counting := CalendarDays
	if t.Counting == WorkingDays.String() {
		counting = WorkingDays
	}
	return countDays(shipped, t.ReturnWithinDays, counting, p.Calendar)
}

// advance says whether the claim is offered advance replacement, setting
// the decision's terms and the reason. Called only for packs with offers.
func (p *Policy) advance(c *Claim, d *Decision, route Route) {
	if d.Verdict == Reject || route == RouteNone {
		return
	}
	var planID string
	if len(c.Contracts) > 0 {
		if cc, _ := p.activeContract(c, d, false); cc != nil {
			planID = cc.Plan
		}
	}
	var near *AdvanceOffer // an offer on the route the claim missed
	for i := range p.Advance {
		o := &p.Advance[i]
		if !o.Routes.Matches(route) {
			continue
		}
		if len(o.Regions) > 0 && !inAnyRegion(o.Regions, c.Requester.Country) {
			if near == nil {
				near = o
			}
			continue
		}
		if len(o.Plans) > 0 && !containsString(o.Plans, planID) {
			if near == nil {
				near = o
			}
			continue
		}
		d.AdvanceReplacement = &o.terms
		t := &o.terms
		text := "advance replacement: the replacement ships first; the defective unit is due within " +
			plural(t.ReturnWithinDays, strings.TrimSuffix(strings.ReplaceAll(t.Counting, "_", " "), "s")) + " of shipping, else " + noReturnText(t)
		if planID != "" && len(o.Plans) > 0 {
			text += " (plan " + planID + ")"
		}
		d.add(CodeAdvanceReplacement, o.Clause, text)
		d.said(CodeAdvanceReplacement, "", strconv.Itoa(t.ReturnWithinDays), t.Counting, t.OnNoReturn, amountArg(t.Deposit), amountArg(t.Invoice), planID)
		return
	}
	if near == nil {
		return
	}
	d.AdvanceReplacement = &notOffered
	why := "the requester's country " + c.Requester.Country + " is outside its regions"
	msg := CodeAdvanceNotOffered + ".region"
	if len(near.Regions) == 0 || inAnyRegion(near.Regions, c.Requester.Country) {
		why = "it needs an active contract of plan " + strings.Join(near.Plans, " or ")
		msg = CodeAdvanceNotOffered + ".plan"
	}
	d.add(CodeAdvanceNotOffered, near.Clause, "advance replacement is not offered: "+why)
	if msg == CodeAdvanceNotOffered+".plan" {
		d.said(msg, "", near.Plans...)
	} else {
		d.said(msg, "", c.Requester.Country)
	}
}

// notOffered is the decision's terms when no offer fits: shared, read-only.
var notOffered = AdvanceTerms{}

func noReturnText(t *AdvanceTerms) string {
	if t.OnNoReturn == OnNoReturnKeepDeposit {
		return "the deposit of " + amountText(t.Deposit) + " is kept"
	}
	s := "the replacement is invoiced at "
	if t.Invoice == nil {
		s += "the unit's price"
	} else {
		s += amountText(t.Invoice)
	}
	if t.Deposit != nil {
		s += "; a deposit of " + amountText(t.Deposit) + " is held meanwhile"
	}
	return s
}

func amountText(a *AdvanceAmount) string {
	if a == nil {
		return ""
	}
	if a.Amount != "" {
		return a.Amount + " " + a.Currency
	}
	return strconv.Itoa(a.Percent) + "% of the unit's price"
}

// amountArg is an amount as a reason's argument: "150.00 EUR", "100%", "".
func amountArg(a *AdvanceAmount) string {
	if a == nil {
		return ""
	}
	if a.Amount != "" {
		return a.Amount + " " + a.Currency
	}
	return strconv.Itoa(a.Percent) + "%"
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// compileAdvance checks advance_replacement:; plans must be compiled first.
func (c *compiler) compileAdvance(f *fileYAML, p *Policy) {
	for i := range f.Advance {
		y := &f.Advance[i]
		path := fmt.Sprintf("advance_replacement[%d]", i)
		o := AdvanceOffer{
			Routes:  c.routes(path+".routes", y.Routes),
			Regions: c.regionRefs(path+".regions", y.Regions),
			Plans:   y.Plans,
			Clause:  c.clause(path, y.Clause),
		}
		for j, id := range y.Plans {
			pp := fmt.Sprintf("%s.plans[%d]", path, j)
			switch pl := p.Plan(id); {
			case pl == nil:
				c.errorf(pp, "unknown plan %q (the ids under contracts:)", id)
			case !pl.AdvanceReplacement:
				c.errorf(pp, "plan %q does not include advance replacement (advance_replacement: true under contracts:)", id)
			}
		}
		for _, r := range o.Routes.Routes() {
			if r == RouteNone || r == RouteWithdrawal {
				c.errorf(path+".routes", "advance replacement replaces a defective unit: not on route %s", r)
			}
		}
		t := &o.terms
		t.Offered, t.Clause = true, o.Clause
		t.ReturnWithinDays = y.ReturnWithin.Days
		if y.ReturnWithin.Days <= 0 {
			c.errorf(path+".return_within.days", "required: a positive number of days the defective unit is due in")
		}
		counting := c.counting(path+".return_within.counting", y.ReturnWithin.Counting)
		t.Counting = counting.String()
		if counting == WorkingDays && p.Calendar == nil {
			c.errorf(path+".return_within.counting", "working_days needs the policy's calendar: (its working days)")
		}
		t.OnNoReturn = c.oneOf(path+".on_no_return", y.OnNoReturn, onNoReturnNames, true)
		if y.Deposit != nil {
			t.Deposit = c.advanceAmount(path+".deposit", y.Deposit.Percent, y.Deposit.Amount, y.Deposit.Currency, true)
		} else if t.OnNoReturn == OnNoReturnKeepDeposit {
			c.errorf(path+".deposit", "required with on_no_return: keep_deposit (percent: or amount: and currency:)")
		}
		if y.Invoice != nil {
			if t.OnNoReturn == OnNoReturnKeepDeposit {
				c.errorf(path+".invoice", "nothing is invoiced with on_no_return: keep_deposit")
			}
			t.Invoice = c.advanceAmount(path+".invoice", 0, y.Invoice.Amount, y.Invoice.Currency, false)
		}
		p.Advance = append(p.Advance, o)
	}
	for i := range p.Plans {
		pl := &p.Plans[i]
		if !pl.AdvanceReplacement {
			continue
		}
		found := false
		for _, o := range p.Advance {
			if len(o.Plans) == 0 || containsString(o.Plans, pl.ID) {
				found = true
			}
		}
		if !found {
			c.errorf(fmt.Sprintf("contracts[%d].advance_replacement", i), "plan %q includes advance replacement, but no advance_replacement: rule offers it", pl.ID)
		}
	}
}

func (c *compiler) advanceAmount(path string, percent int, amount, currency string, percentAllowed bool) *AdvanceAmount {
	a := &AdvanceAmount{Percent: percent, Amount: amount, Currency: currency}
	switch {
	case percent != 0 && amount != "":
		c.errorf(path, "give either percent: or amount:, not both")
	case percent != 0:
		if !percentAllowed {
			c.errorf(path+".percent", "an invoice is the line's price (leave invoice: out) or a fixed amount:")
		} else if percent < 0 || percent > 100 {
			c.errorf(path+".percent", "must be between 1 and 100")
		}
		if currency != "" {
			c.errorf(path+".currency", "a percentage is of the line's price, in its currency: no currency:")
		}
	case amount != "":
		if !amountPattern.MatchString(amount) {
			c.errorf(path+".amount", "%q must be a decimal amount such as 150.00 (quoted)", amount)
		}
		if !currencyPattern.MatchString(currency) {
			c.errorf(path+".currency", "required with an amount: an ISO 4217 code such as EUR")
		}
	default:
		if percentAllowed {
			c.errorf(path, "required: percent: or amount: and currency:")
		} else {
			c.errorf(path+".amount", "required: a fixed amount (or leave invoice: out for the line's price)")
		}
	}
	return a
}

// writeAdvance adds the entitlement and the advance replacement terms to
// WriteDecision's text, when the decision has them.
func writeAdvance(ew *errWriter, d *Decision) {
	if e := d.Entitlement; e != nil {
		ew.printf("Entitlement: %s (%s), contract %s %s to %s: response within %s\n", e.Plan, e.PlanName, e.Contract, e.Start, e.End, e.Response)
	}
	if t := d.AdvanceReplacement; t != nil {
		if !t.Offered {
			ew.printf("Advance replacement: not offered\n")
			return
		}
		ew.printf("Advance replacement: offered; defective unit due within %d %s of shipping, else %s\n",
			t.ReturnWithinDays, strings.ReplaceAll(t.Counting, "_", " "), noReturnText(t))
	}
}

// summarizeAdvance adds the support plans, working hours and advance
// replacement rules to WritePolicy's rules.
func summarizeAdvance(p *Policy, row func(what, rule, clause string)) {
	for i := range p.Plans {
		pl := &p.Plans[i]
		s := pl.ID + " (" + pl.Name + "): response within " + pl.response + " on " + orAll(joinNames(pl.Routes.Routes()))
		if pl.CoversOutOfWarranty {
			s += "; covers units out of warranty"
		}
		if pl.AdvanceReplacement {
			s += "; advance replacement"
		}
		row("support plan", s, pl.Clause)
	}
	for i := range p.Advance {
		o := &p.Advance[i]
		var regions []string
		for _, r := range o.Regions {
			regions = append(regions, r.ID)
		}
		who := "anyone"
		if len(o.Plans) > 0 {
			who = "plans " + strings.Join(o.Plans, ", ")
		}
		row("advance replacement", "on "+orAll(joinNames(o.Routes.Routes()))+" in "+orAny(strings.Join(regions, ", "))+" for "+who+
			": due within "+plural(o.terms.ReturnWithinDays, strings.TrimSuffix(strings.ReplaceAll(o.terms.Counting, "_", " "), "s"))+", else "+noReturnText(&o.terms), o.Clause)
	}
}
