package rma

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// Advance replacement (issue 14): where a line's decision offers it
// (policy advance.go) and the agent authorizes the line as such, the desk
// ships the replacement at authorization, and the defective unit is due
// back within the policy's window counted from that day. A deposit the
// policy asks for is charged on the ledger when the replacement ships and
// credited back when the unit arrives in time. When the due day passes
// without it, a job (JobAdvanceReturn, run the morning after the due day)
// invoices the replacement at the line's price, or keeps the deposit,
// once, and tells the requester.
//
// And support contracts: a line entitled to a plan's service level gives
// the RMA a response deadline (EntitlementDeadline), which the desk's
// first answer meets.

// AdvanceShipment is the advance replacement of one line.
type AdvanceShipment struct {
	Serial   string        `json:"serial"`
	Model    string        `json:"model,omitempty"`
	Tracking string        `json:"tracking,omitempty"`
	Shipped  calendar.Date `json:"shipped"`
	Due      calendar.Date `json:"due"` // the last day the defective unit may arrive
	// OnNoReturn is the policy's policy.OnNoReturnInvoice or
	// policy.OnNoReturnKeepDeposit, as it was when the replacement shipped.
	OnNoReturn string        `json:"on_no_return"`
	Deposit    Money         `json:"deposit,omitzero"` // charged when it shipped; zero: none
	Invoice    Money         `json:"invoice,omitzero"` // what is invoiced if the unit does not come back
	Clause     string        `json:"clause"`
	Status     string        `json:"status"`           // AdvanceShipped, AdvanceReturned, AdvanceInvoiced, AdvanceDepositKept
	Settled    calendar.Date `json:"settled,omitzero"` // the day it was returned, invoiced or kept
}

// Where an advance replacement is.
const (
	AdvanceShipped     = "shipped"      // the replacement is out; the defective unit is due
	AdvanceReturned    = "returned"     // the defective unit came back in time; a deposit was released
	AdvanceInvoiced    = "invoiced"     // it did not: the replacement was invoiced
	AdvanceDepositKept = "deposit_kept" // it did not: the deposit was kept
)

// Ledger kinds of advance replacement.
const (
	ChargeAdvanceDeposit  = "advance_deposit"          // the deposit, when the replacement ships
	ChargeAdvanceRelease  = "advance_deposit_released" // its release, when the unit comes back in time
	ChargeAdvanceInvoiced = "advance_replacement"      // the replacement, invoiced when it does not
)

// Deadlines of this area, by name.
const (
	// AdvanceDeadline is the day a line's defective unit is due back:
	// "advance_return" and the line's number, so an RMA can have several.
	AdvanceDeadline = "advance_return"
	// EntitlementDeadline is the response a support plan promises.
	EntitlementDeadline = "response"
)

// JobAdvanceReturn settles an advance replacement whose defective unit has
// not come back: payload {"line": N}.
const JobAdvanceReturn = "advance_return"

// Notification of an unreturned unit: the replacement was invoiced or the
// deposit kept.
const NoteAdvanceNotReturned = "advance_not_returned"

// Event actions of advance replacement that change no state.
const (
	ActionAdvanceInvoiced    = "advance_invoiced"
	ActionAdvanceDepositKept = "advance_deposit_kept"
)

// AdvanceRequest is the agent's authorization of one line as an advance
// replacement: the replacement unit that ships today.
type AdvanceRequest struct {
	LineNo   int
	Serial   string
	Model    string
	Tracking string
	// Price is the line's last invoiced price, where the RMA has none on
	// file (or a better one): a deposit or an invoice at the line's price
	// needs it. Zero: the line's own.
	Price Money
}

// AdvanceNeedsPrice reports whether p's advance replacement may charge a
// unit at its price (a deposit in percent, or an invoice at the line's
// price): the new-RMA form then asks each unit's price.
func AdvanceNeedsPrice(p *policy.Policy) bool {
	for i := range p.Advance {
		t := p.Advance[i].Terms()
		if (t.Deposit != nil && t.Deposit.Amount == "") || (t.OnNoReturn == policy.OnNoReturnInvoice && t.Invoice == nil) {
			return true
		}
	}
	return false
}

// advanceDeadlineName is the deadline's name for line no.
func advanceDeadlineName(no int) string { return AdvanceDeadline + "_" + strconv.Itoa(no) }

// shipAdvance ships the replacements the agent authorized as advance
// replacements: each line's decision must offer it, and where money
// depends on the line's price the line must have one.
// at is the service's moment of a day (Service.at), for the job.
func (c *change) shipAdvance(reqs []AdvanceRequest, at func(calendar.Date, time.Duration) time.Time) error {
	seen := map[int]bool{}
	for i, a := range reqs {
		field := fmt.Sprintf("advance[%d]", i)
		l := c.r.line(a.LineNo)
		if l == nil {
			return Invalid(field+".line", "no line %d in this RMA", a.LineNo)
		}
		if seen[a.LineNo] {
			return Invalid(field+".line", "line %d is named twice", a.LineNo)
		}
		seen[a.LineNo] = true
		if err := lineInPlay(field+".line", l); err != nil {
			return err
		}
		t := l.Decision.AdvanceReplacement
		if t == nil || !t.Offered {
			return Invalid(field+".line", "policy %s does not offer line %d advance replacement (see its decision's reasons)", c.p.ID, l.No)
		}
		if err := required(field+".serial", a.Serial, 200); err != nil {
			return err
		}
		for _, f := range []struct{ name, v string }{{"model", a.Model}, {"tracking", a.Tracking}} {
			if err := optional(field+"."+f.name, f.v, 200); err != nil {
				return err
			}
		}
		if a.Price != (Money{}) {
			if a.Price.Cents <= 0 {
				return Invalid(field+".last_invoiced_price.amount", "must be more than zero")
			}
			if !validCurrency(a.Price.Currency) {
				return Invalid(field+".last_invoiced_price.currency", "%q is not an ISO 4217 code such as EUR", a.Price.Currency)
			}
			l.LastInvoicedPrice = a.Price
		}
		ship := &AdvanceShipment{Serial: strings.TrimSpace(a.Serial), Model: strings.TrimSpace(a.Model), Tracking: strings.TrimSpace(a.Tracking),
			Shipped: c.today, Due: t.Due(c.p, c.today), OnNoReturn: t.OnNoReturn, Clause: t.Clause, Status: AdvanceShipped}
		price := l.LastInvoicedPrice
		needsPrice := (t.Deposit != nil && t.Deposit.Amount == "") || (t.OnNoReturn == policy.OnNoReturnInvoice && t.Invoice == nil)
		if needsPrice && (price.Cents <= 0 || price.Currency == "") {
			return Invalid(field+".line", "line %d has no price: its advance replacement is charged at the line's price [%s]; record its last_invoiced_price first", l.No, t.Clause)
		}
		if d := t.Deposit; d != nil {
			ship.Deposit = advanceMoney(d, price)
		}
		if t.OnNoReturn == policy.OnNoReturnInvoice {
			if t.Invoice != nil {
				ship.Invoice = advanceMoney(t.Invoice, price)
			} else {
				ship.Invoice = Money{Cents: price.Cents * int64(max(l.Quantity, 1)), Currency: price.Currency}
			}
		}
		l.Advance = ship
		if ru := c.replacementUnit(l, ship.Serial, orDefault(ship.Model, l.Claim.Product.Model)); ru != nil { // into the registry (registry.go)
			c.r.Units = append(c.r.Units, *ru)
		}
		if ship.Deposit.Cents > 0 {
			c.r.Charges = append(c.r.Charges, Charge{Created: c.now, LineNo: l.No, Kind: ChargeAdvanceDeposit, Basis: "deposit", Quantity: 1, Amount: ship.Deposit, Clause: t.Clause,
				Description: fmt.Sprintf("Deposit for the advance replacement %s of line %d, released when the defective unit arrives by %s", ship.Serial, l.No, ship.Due)})
		}
		c.r.Deadlines = append(c.r.Deadlines, Deadline{Name: advanceDeadlineName(l.No), Owner: "requester", Due: ship.Due, Clause: t.Clause,
			Text: fmt.Sprintf("the defective unit of line %d, replaced in advance by %s", l.No, ship.Serial)})
		c.r.Jobs = append(c.r.Jobs, Job{Kind: JobAdvanceReturn, RunAt: at(ship.Due.AddDays(1), 0), Payload: map[string]any{"line": l.No}})
		c.ev.Details[fmt.Sprintf("advance_line_%d", l.No)] = ship.Serial + " due " + ship.Due.String()
	}
	return nil
}

func advanceMoney(a *policy.AdvanceAmount, price Money) Money {
	if a.Amount != "" {
		return Money{Cents: a.Cents(0), Currency: a.Currency}
	}
	return Money{Cents: a.Cents(price.Cents), Currency: price.Currency}
}

// receiveAdvance settles line l's advance replacement when its defective
// unit arrives: in time, the deposit is released; late (the job has not
// run yet), it is settled as not returned.
func (c *change) receiveAdvance(l *Line) {
	a := l.Advance
	if a == nil || a.Status != AdvanceShipped {
		return
	}
	if c.today > a.Due {
		c.settleUnreturned(l)
		return
	}
	a.Status, a.Settled = AdvanceReturned, c.today
	if a.Deposit.Cents > 0 {
		c.r.Charges = append(c.r.Charges, Charge{Created: c.now, LineNo: l.No, Kind: ChargeAdvanceRelease, Basis: "deposit", Quantity: 1,
			Amount: Money{Cents: -a.Deposit.Cents, Currency: a.Deposit.Currency}, Clause: a.Clause,
			Description: fmt.Sprintf("Deposit for the advance replacement %s of line %d released: the defective unit arrived on %s", a.Serial, l.No, c.today)})
	}
	c.meetAdvance(l.No)
	c.ev.Details[fmt.Sprintf("advance_line_%d", l.No)] = "returned in time"
}

// settleUnreturned invoices line l's replacement or keeps its deposit.
func (c *change) settleUnreturned(l *Line) {
	a := l.Advance
	a.Settled = c.today
	key := fmt.Sprintf("advance_line_%d", l.No)
	if a.OnNoReturn == policy.OnNoReturnKeepDeposit {
		a.Status = AdvanceDepositKept
		c.ev.Details[key] = "deposit kept: " + formatMoney(a.Deposit)
	} else {
		a.Status = AdvanceInvoiced
		c.r.Charges = append(c.r.Charges, Charge{Created: c.now, LineNo: l.No, Kind: ChargeAdvanceInvoiced, Basis: "advance_replacement", Quantity: 1, Amount: a.Invoice, Clause: a.Clause,
			Description: fmt.Sprintf("Advance replacement %s of line %d: the defective unit was due by %s", a.Serial, l.No, a.Due)})
		if a.Deposit.Cents > 0 {
			// The invoice takes the deposit's place.
			c.r.Charges = append(c.r.Charges, Charge{Created: c.now, LineNo: l.No, Kind: ChargeAdvanceRelease, Basis: "deposit", Quantity: 1,
				Amount: Money{Cents: -a.Deposit.Cents, Currency: a.Deposit.Currency}, Clause: a.Clause,
				Description: fmt.Sprintf("Deposit for the advance replacement %s of line %d set against its invoice", a.Serial, l.No)})
		}
		c.ev.Details[key] = "invoiced: " + formatMoney(a.Invoice)
	}
	c.meetAdvance(l.No)
	c.r.notify(NoteAdvanceNotReturned, "requester", c.now)
}

func (c *change) meetAdvance(no int) {
	name := advanceDeadlineName(no)
	for i := range c.r.Deadlines {
		if d := &c.r.Deadlines[i]; d.Name == name && d.Met.IsZero() {
			d.Met = c.now
		}
	}
}

// SettleAdvance is JobAdvanceReturn's work: if line lineNo's defective
// unit has not come back and its due day has passed, the replacement is
// invoiced (or the deposit kept), recorded in the history, and the
// requester told. Anything else (the unit came, it was settled already)
// leaves nothing to do, so the job's effect happens once however often it
// runs. The RMA's state does not change.
func (s *Service) SettleAdvance(ctx context.Context, rmaID int64, lineNo int) error {
	r, err := s.store.RMA(ctx, rmaID)
	if err != nil {
		return err
	}
	l := r.line(lineNo)
	if l == nil || l.Advance == nil || l.Advance.Status != AdvanceShipped {
		return nil
	}
	if s.Today() <= l.Advance.Due {
		return &RetryLater{At: s.at(l.Advance.Due.AddDays(1), 0)}
	}
	p, err := s.policyOf(r)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	action := ActionAdvanceInvoiced
	if l.Advance.OnNoReturn == policy.OnNoReturnKeepDeposit {
		action = ActionAdvanceDepositKept
	}
	c := &change{r: r, p: p, now: now, today: s.Today(), from: r.State,
		ev: &Event{At: now, Actor: System.Name, Action: action, From: r.State, To: r.State, Details: map[string]any{"line": lineNo, "by": "advance replacement job"}}}
	c.settleUnreturned(l)
	r.Updated = now
	return s.store.SaveRMA(ctx, r, r.Version, c.ev)
}

// AdvanceSettled reports whether an RMA has an advance replacement that
// was invoiced or whose deposit was kept: its amounts are final for that
// line, so its invoice may be issued before the RMA is resolved.
func AdvanceSettled(r *RMA) bool {
	for i := range r.Lines {
		if a := r.Lines[i].Advance; a != nil && (a.Status == AdvanceInvoiced || a.Status == AdvanceDepositKept) {
			return true
		}
	}
	return false
}

// AdvanceOverdue reports whether one of r's defective units is past due.
func AdvanceOverdue(r *RMA, today calendar.Date) bool {
	for i := range r.Lines {
		if a := r.Lines[i].Advance; a != nil && a.Status == AdvanceShipped && today > a.Due {
			return true
		}
	}
	return false
}

// entitlementDeadline opens the response deadline of the first line
// entitled to a plan's service level: in the policy's working days, or in
// its working hours from now; the desk is reminded on its due day as of
// the policy's own deadlines.
func (s *Service) entitlementDeadline(p *policy.Policy, r *RMA, now time.Time, today calendar.Date) {
	for i := range r.Lines {
		e := r.Lines[i].Decision.Entitlement
		if e == nil {
			continue
		}
		var due calendar.Date
		switch {
		case e.BusinessHours > 0 && p.WorkingHours != nil:
			t := p.WorkingHours.Add(now, time.Duration(e.BusinessHours)*time.Hour).In(p.WorkingHours.Location)
			due = calendar.DateOf(t.Date())
		case e.BusinessDays > 0 && p.Calendar != nil:
			due = p.Calendar.AddWorkingDays(today, e.BusinessDays)
		default:
			due = today.AddDays(max(e.BusinessDays, 1))
		}
		r.Deadlines = append(r.Deadlines, Deadline{Name: EntitlementDeadline, Owner: "vendor", Due: due, Clause: e.Clause,
			Text: fmt.Sprintf("response within %s (plan %s, contract %s)", e.Response, e.PlanName, e.Contract)})
		s.scheduleDeadlines(r, map[string]bool{EntitlementDeadline: true})
		return
	}
}
