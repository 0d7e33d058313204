package rma

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// The technician's bench (issue 13, point 3): what receiving notes about a
// unit besides its serial (the state it arrived in, the accessories
// missing from it, each charged as the policy's fee says), and the hours
// an evaluation took, which an hourly fee of the finding turns into a
// charge (WebStore4: no fault found, the research at the hourly rate).
//
// A serial or model other than the one reserved is a mismatch
// (Line.SerialMismatch), never a condition: "serial number altered or
// removed" (serial_altered) is a finding about tampering, which the
// evaluation records only when the technician finds it.

// IntakeConditions are the states a unit is noted to arrive in.
var IntakeConditions = []string{"as_new", "used", "damaged_in_transit", "damaged", "opened"}

// maxHours bounds an evaluation's hours: a typing slip (150 for 1.50) is
// refused rather than charged.
const maxHours = 1000

// receiveIntake records the state line l arrived in.
func receiveIntake(field string, l *Line, rl ReceivedLine) error {
	if rl.IntakeCondition != "" && !slices.Contains(IntakeConditions, rl.IntakeCondition) {
		return Invalid(field+".intake_condition", "unknown condition %q (one of %s)", rl.IntakeCondition, strings.Join(IntakeConditions, ", "))
	}
	if err := optional(field+".intake_notes", rl.IntakeNotes, 2000); err != nil {
		return err
	}
	l.IntakeCondition, l.IntakeNotes = rl.IntakeCondition, strings.TrimSpace(rl.IntakeNotes)
	return nil
}

// missingAccessories records the accessories missing from line l, and
// charges each by the policy's missing_accessory fee on the RMA's route:
// at the price the bench quotes, else the fee's own amount; one without
// either is recorded, for the desk to quote later.
func (c *change) missingAccessories(field string, l *Line, missing []Accessory) error {
	l.MissingAccessories = nil
	fee := findFee(c.p.FeesFor(c.r.Route, ""), "missing_accessory")
	for j, a := range missing {
		f := fmt.Sprintf("%s.missing_accessories[%d]", field, j)
		name := strings.TrimSpace(a.Name)
		if err := required(f+".name", name, 200); err != nil {
			return err
		}
		if slices.Contains(l.MissingAccessories, name) {
			return Invalid(f+".name", "%s is listed twice", name)
		}
		l.MissingAccessories = append(l.MissingAccessories, name)
		price := a.Price
		if price.Cents < 0 {
			return Invalid(f+".price.amount", "must not be negative")
		}
		if price.Cents > 0 && len(price.Currency) != 3 {
			return Invalid(f+".price.currency", "required: an ISO 4217 code such as EUR")
		}
		if fee == nil {
			continue // the policy charges none: recorded only
		}
		if price.Cents == 0 && fee.Amount != "" {
			cents, err := parseAmount(fee.Amount)
			if err != nil {
				return err
			}
			price = Money{Cents: cents, Currency: fee.Currency}
		}
		if price.Cents > 0 {
			c.r.Charges = append(c.r.Charges, Charge{LineNo: l.No, Kind: fee.Kind, Basis: fee.Basis, Description: "missing accessory: " + name,
				Quantity: 1, Amount: price, Clause: fee.Clause, Created: c.now})
		}
	}
	return nil
}

// evaluationHours records the hours f says line l took and charges them by
// each hourly fee the policy names for the finding (no_fault_found), at the
// fee's amount, else at the desk's rate given with the finding. A charge of
// that kind the caller asked for itself is not charged twice.
func (c *change) evaluationHours(field string, l *Line, f LineFinding) error {
	if math.IsNaN(f.Hours) || f.Hours < 0 || f.Hours > maxHours {
		return Invalid(field+".hours", "must be between 0 and %d", maxHours)
	}
	l.EvaluationHours = f.Hours
	if f.Hours == 0 {
		return nil
	}
	for _, fee := range c.p.FeesFor(c.r.Route, string(f.Finding)) {
		if fee.Basis != "hourly" || !slices.Contains(fee.Findings, string(f.Finding)) {
			continue // an hourly fee for other reasons (a second investigation) is the desk's to charge
		}
		if slices.ContainsFunc(f.Charges, func(cr ChargeRequest) bool { return cr.Kind == fee.Kind }) {
			continue
		}
		rate := Money{}
		if fee.Amount != "" {
			cents, err := parseAmount(fee.Amount)
			if err != nil {
				return err
			}
			rate = Money{Cents: cents, Currency: fee.Currency}
		} else {
			rate = f.HourlyRate
			if rate.Cents <= 0 || len(rate.Currency) != 3 {
				return Invalid(field+".hourly_rate", "policy %s charges %s by the hour and sets no rate: give the desk's hourly rate", c.p.ID, strings.ReplaceAll(fee.Kind, "_", " "))
			}
		}
		total, ok := mulCents(rate.Cents, f.Hours)
		if !ok {
			return Invalid(field+".hours", "amount too large")
		}
		c.r.Charges = append(c.r.Charges, Charge{LineNo: l.No, Kind: fee.Kind, Basis: fee.Basis, Description: fee.Text,
			Quantity: f.Hours, Amount: Money{Cents: total, Currency: rate.Currency}, Clause: fee.Clause, Created: c.now})
	}
	return nil
}

// HourlyFees are the hourly fees policy p charges on route after finding,
// by the hours of the evaluation: what the evaluate form says it will
// charge, and whether it needs the desk's rate (a fee without an amount).
func HourlyFees(p *policy.Policy, route policy.Route, finding Finding) []policy.Fee {
	var out []policy.Fee
	for _, fee := range p.FeesFor(route, string(finding)) {
		if fee.Basis == "hourly" && slices.Contains(fee.Findings, string(finding)) {
			out = append(out, fee)
		}
	}
	return out
}

// ParcelProblem says, in a word the bench's page words for people, why a
// parcel's number cannot be received now; "" when it can.
type ParcelProblem string

const (
	ParcelMalformed     ParcelProblem = "malformed"      // not an RMA number, or a mistyped digit (the check letter)
	ParcelUnknown       ParcelProblem = "unknown"        // no RMA has it
	ParcelReplaced      ParcelProblem = "replaced"       // an old number of an RMA reissued since
	ParcelExpired       ParcelProblem = "expired"        // the number lapsed before the goods arrived
	ParcelReceived      ParcelProblem = "received"       // already received: a repeated scan
	ParcelNotAuthorized ParcelProblem = "not_authorized" // filed, not authorized yet
	ParcelClosed        ParcelProblem = "closed"         // ended (rejected, resolved, withdrawn...): it takes no parcel
)

// Parcel is what the receiving bench learns from the number on a parcel
// before it receives it: the RMA (nil when no RMA has the number) and, if
// it cannot be received now, why.
type Parcel struct {
	Number     string // as the desk writes it; as typed when malformed
	RMA        *RMA
	Problem    ParcelProblem
	Detail     string    // the domain's own words for a malformed number
	ReceivedAt time.Time // for ParcelReceived: when it was
}

// LookUpParcel finds the RMA a parcel's number names, for the bench (the
// technician or agent who receives). It never changes anything; Receive
// checks everything again when the parcel is received.
func (s *Service) LookUpParcel(ctx context.Context, actor Actor, number string) (*Parcel, error) {
	if err := authorize(actor, nil, ActReceive); err != nil {
		return nil, err
	}
	canonical, err := NormalizeNumber(number)
	if err != nil {
		return &Parcel{Number: strings.TrimSpace(number), Problem: ParcelMalformed, Detail: err.Error()}, nil
	}
	pc := &Parcel{Number: canonical}
	r, err := s.store.RMAByNumber(ctx, canonical)
	if ErrorCode(err) == ENOTFOUND {
		pc.Problem = ParcelUnknown
		return pc, nil
	}
	if err != nil {
		return nil, err
	}
	pc.RMA = r
	today := s.Today()
	switch {
	case r.Number != canonical:
		pc.Problem = ParcelReplaced
	case r.State == Expired || (r.State == Authorized || r.State == InTransit) && today > r.NumberExpires:
		pc.Problem = ParcelExpired
	case r.State == Submitted || r.State == NeedsInfo:
		pc.Problem = ParcelNotAuthorized
	default:
		if _, err := Next(r.State, ActReceive); err == nil {
			return pc, nil
		}
		pc.Problem = ParcelClosed
		evs, err := s.store.Events(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if e.Action == string(ActReceive) {
				pc.Problem, pc.ReceivedAt = ParcelReceived, e.At
			}
		}
	}
	return pc, nil
}
