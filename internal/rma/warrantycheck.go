package rma

import (
	"context"
	"slices"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// The public warranty check (issue 16): anyone, signed in or not, gives a
// serial (and, where the desk asks for one, its model or purchase date)
// and hears whether the unit is in warranty, until when, under which
// policy, and how to file. The answer says nothing about who bought the
// unit, and a serial the registry does not know gets the same answer as a
// known one whose second factor does not match, unless the desk chooses to
// say it is unknown: the check does not reveal which serials exist.
//
// The answer comes from the desk's records alone: the registry's dates,
// judged by the unit's policy as a claim filed today with the evidence its
// start rules ask for (the desk's own records are the evidence). Nothing
// the person types moves it.

// Second factors a desk may ask for.
const (
	FactorNone         = "none"
	FactorModel        = "model"
	FactorPurchaseDate = "purchase_date"
	FactorEither       = "model_or_purchase_date"
)

// SecondFactors lists them.
var SecondFactors = []string{FactorNone, FactorModel, FactorPurchaseDate, FactorEither}

// Answers of the check.
const (
	AnswerInWarranty    = "in_warranty"
	AnswerOutOfWarranty = "out_of_warranty"
	AnswerCannotConfirm = "cannot_confirm" // unknown, a factor that does not match, or no date to place the warranty
	AnswerUnknownSerial = "unknown_serial" // only where the desk reveals unknown serials
)

// DefaultWarrantyCheckSettings are a desk's before an admin changes them:
// on, no second factor, unknown serials not revealed.
var DefaultWarrantyCheckSettings = WarrantyCheckSettings{Enabled: true, SecondFactor: FactorNone}

// CheckWarrantyCheckSettings refuses settings the check cannot use.
func CheckWarrantyCheckSettings(set WarrantyCheckSettings, policies *policy.Set) error {
	if !slices.Contains(SecondFactors, set.SecondFactor) {
		return Invalid("second_factor", "must be one of %s", strings.Join(SecondFactors, ", "))
	}
	if set.DefaultPolicy != "" && (policies == nil || policies.Latest(set.DefaultPolicy) == nil) {
		ids := ""
		if policies != nil {
			ids = strings.Join(policies.IDs(), ", ")
		}
		return Invalid("default_policy", "unknown policy %q (one of %s)", set.DefaultPolicy, ids)
	}
	return nil
}

// WarrantyQuery is what a person asks.
type WarrantyQuery struct {
	Serial       string
	Model        string        // a second factor: the unit's model or part number
	PurchaseDate calendar.Date // a second factor: its invoice or delivery date
}

// WarrantyAnswer is the check's answer. Only an answer in or out of
// warranty names a policy and a day.
type WarrantyAnswer struct {
	Serial string // as asked
	Answer string // one of the Answer constants
	Until  calendar.Date
	Term   string // "3 years", "carried over" (a replacement), ...
	Policy *policy.Policy
	// Files says whether a person who checks (an end user) may file an
	// RMA at this desk under the policy; otherwise Refusal is what the
	// policy tells them instead (Pixfra: ask the seller), nil when the
	// policy says nothing.
	Files   bool
	Refusal *policy.Refusal
}

// WarrantyCheckSettings returns the desk's settings of the check.
func (s *Service) WarrantyCheckSettings(ctx context.Context) (WarrantyCheckSettings, error) {
	us, err := s.units()
	if err != nil {
		return WarrantyCheckSettings{}, err
	}
	return us.WarrantyCheckSettings(ctx)
}

// SetWarrantyCheckSettings changes them (admins).
func (s *Service) SetWarrantyCheckSettings(ctx context.Context, actor Actor, set WarrantyCheckSettings) error {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return err
	}
	if err := CheckWarrantyCheckSettings(set, s.Policies()); err != nil {
		return err
	}
	us, err := s.units()
	if err != nil {
		return err
	}
	return us.SaveWarrantyCheckSettings(ctx, set)
}

// CheckWarranty answers a public warranty check. A disabled check is "not
// found"; a second factor the desk asks for and the query lacks is
// invalid (naming it), so the person can add it.
func (s *Service) CheckWarranty(ctx context.Context, q WarrantyQuery) (*WarrantyAnswer, error) {
	us, err := s.units()
	if err != nil {
		return nil, err
	}
	set, err := us.WarrantyCheckSettings(ctx)
	if err != nil {
		return nil, err
	}
	if !set.Enabled {
		return nil, Errorf(ENOTFOUND, "this desk offers no warranty check")
	}
	q.Serial, q.Model = strings.TrimSpace(q.Serial), strings.TrimSpace(q.Model)
	if q.Serial == "" {
		return nil, Invalid("serial", "required: the serial number on the unit's label")
	}
	if err := checkSerial("serial", q.Serial); err != nil {
		return nil, err
	}
	if err := CheckText("model", q.Model, maxUnitText); err != nil {
		return nil, err
	}
	switch set.SecondFactor {
	case FactorModel:
		if q.Model == "" {
			return nil, Invalid("model", "required: the model or part number on the unit's label")
		}
	case FactorPurchaseDate:
		if q.PurchaseDate.IsZero() {
			return nil, Invalid("purchase_date", "required: the day the unit was bought")
		}
	case FactorEither:
		if q.Model == "" && q.PurchaseDate.IsZero() {
			return nil, Invalid("model", "required: the model or part number on the unit's label, or the day it was bought (purchase_date)")
		}
	}
	cannot := &WarrantyAnswer{Serial: q.Serial, Answer: AnswerCannotConfirm}
	u, err := us.Unit(ctx, q.Serial)
	if ErrorCode(err) == ENOTFOUND {
		if set.RevealUnknown {
			return &WarrantyAnswer{Serial: q.Serial, Answer: AnswerUnknownSerial}, nil
		}
		return cannot, nil
	}
	if err != nil {
		return nil, err
	}
	// A factor given is checked even where none is asked for: a wrong
	// one must not be confirmed.
	if q.Model != "" && !sameModel(q.Model, u.Model) && !sameModel(q.Model, u.PartNumber) {
		return cannot, nil
	}
	if !q.PurchaseDate.IsZero() && q.PurchaseDate != u.InvoiceDate && q.PurchaseDate != u.Delivered {
		return cannot, nil
	}
	a := s.unitWarranty(u, set)
	a.Serial = q.Serial
	return &a, nil
}

// sameModel compares a model as typed with the registry's: case, spaces
// and hyphens aside ("ts 2-40" is TS240).
func sameModel(typed, kept string) bool {
	norm := func(s string) string {
		var b strings.Builder
		for _, r := range strings.ToUpper(s) {
			if r != ' ' && r != '-' {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	k := norm(kept)
	return k != "" && norm(typed) == k
}

// unitWarranty places a registry unit's warranty as a claim filed today
// under its policy would, from the desk's records: the registry's dates
// as the claim's, with every document the start rules ask for, and the
// unit's records (a replacement's carried end).
func (s *Service) unitWarranty(u *Unit, set WarrantyCheckSettings) WarrantyAnswer {
	a := WarrantyAnswer{Serial: u.Serial, Answer: AnswerCannotConfirm}
	id := u.PolicyID
	if id == "" {
		id = set.DefaultPolicy
	}
	today := s.Today()
	p := s.Policies().InForce(id, today)
	if p == nil {
		return a
	}
	a.Policy = p
	a.Files = p.Requesters.Allowed.Has(policy.EndUser) || p.Requesters.Allowed.Has(policy.Consumer)
	if !a.Files {
		for i := range p.Requesters.Refusals {
			if rf := &p.Requesters.Refusals[i]; rf.Roles.Has(policy.EndUser) || rf.Roles.Has(policy.Consumer) {
				a.Refusal = rf
				break
			}
		}
	}
	c := policy.Claim{Kind: policy.Defect, Product: policy.Product{Category: u.Category, Part: policy.DefaultPart, Model: u.Model, Serial: u.Serial, PartNumber: u.PartNumber}}
	if roles := p.Requesters.Allowed.Roles(); len(roles) > 0 {
		c.Requester.Role = roles[0]
	}
	c.Requester.Standing = policy.StandingGood
	c.Dates.Reported = today
	rec := &policy.Records{Known: true}
	for _, d := range []struct {
		f policy.DateField
		v calendar.Date
	}{{policy.DateInvoice, u.InvoiceDate}, {policy.DateDelivered, u.Delivered}, {policy.DateManufactured, u.Manufactured}} {
		if !d.v.IsZero() && d.v <= today {
			c.Dates.Set(d.f, d.v)
			rec.Dates.Set(d.f, d.v)
		}
	}
	for _, b := range p.Warranty.Start {
		if b.HasEvidence {
			c.Documents = c.Documents.With(b.Evidence)
		}
	}
	if u.Replacement() && !u.WarrantyEnd.IsZero() && !u.Delivered.IsZero() && u.Delivered <= today {
		rec.Replaces, rec.Replaced, rec.WarrantyEnd = u.Replaces, u.Delivered, u.WarrantyEnd
	}
	c.Records = rec
	d := p.Evaluate(c)
	w := d.Warranty
	if w.LastDay.IsZero() {
		return a
	}
	for _, r := range d.Reasons {
		if r.Code == policy.CodeCalendarNotCovered {
			return a // a holiday the calendar does not know may move the last day
		}
	}
	a.Until, a.Term = w.LastDay, w.Term
	a.Answer = AnswerOutOfWarranty
	if w.InWarranty {
		a.Answer = AnswerInWarranty
	}
	return a
}
