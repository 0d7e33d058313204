package rma

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// Supplier steps (issue 12). A distributor's or a webshop's desk sends units
// it found defective on to its own supplier, which decides whether the
// defect is covered; what the desk recovers from the supplier is its margin
// on warranty. The forwarding is the desk's business: a requester sees only
// that its unit is at the supplier and, once it is back, the verdict, which
// its policy turns into how the line ends (policy.SupplierRules).

// Supplier is an organisation the desk buys from and sends units back to:
// an organisation with the role supplier (Org.Supplier), whose Email is
// its RMA contact and whose Address is where parcels go.
type Supplier struct {
	Org
	// PolicyID is the pack the supplier applies to the desk's claims, so
	// the engine can predict its verdict; "" when the desk knows none.
	PolicyID string
	// ClaimRole is the desk's role in the supplier's eyes (a reseller of
	// Plextor drives is its dealer): the requester of the predicted claim.
	ClaimRole policy.Role
	// ResponseDays is how long the supplier takes to answer: a supplier
	// RMA is due that many days after it is made, unless the agent says.
	ResponseDays int
}

// DefaultResponseDays is a supplier's answer time when the desk names none.
const DefaultResponseDays = 30

// SupplierVerdict is the supplier's answer on one line.
type SupplierVerdict string

const (
	SupplierCovered    SupplierVerdict = "covered"
	SupplierNotCovered SupplierVerdict = "not_covered"
)

// SupplierRemedy is what the supplier did with a line's unit.
type SupplierRemedy string

const (
	SupplierRepaired SupplierRemedy = "repaired" // covered: repaired and sent back
	SupplierReplaced SupplierRemedy = "replaced" // covered: another unit, with its own serial
	SupplierCredited SupplierRemedy = "credited" // covered: the desk is credited instead
	SupplierReturned SupplierRemedy = "returned" // not covered: sent back as it was
)

// SupplierState is where a supplier RMA is; it follows from its shipment
// and its lines' verdicts, so it is never stored and never disagrees.
type SupplierState string

const (
	SupplierOpen     SupplierState = "open"     // made, not shipped yet
	SupplierShipped  SupplierState = "shipped"  // at the supplier, verdicts pending
	SupplierAnswered SupplierState = "answered" // every line has its verdict
)

// SupplierRMA is one return to a supplier: lines of one or several of the
// desk's RMAs, in one shipment.
type SupplierRMA struct {
	ID           int64
	SupplierID   int64  // the supplier's organisation
	SupplierName string // read with it
	Number       string // the desk's own: SUP-26-00012
	Reference    string // the supplier's RMA number or reference
	Due          calendar.Date
	Carrier      string
	Tracking     string
	Shipped      calendar.Date
	Note         string
	Lines        []SupplierLine
	Version      int // bumped by every change: the ETag
	Created      time.Time
	Updated      time.Time
}

// State is where the supplier RMA is.
func (s *SupplierRMA) State() SupplierState {
	if s.Shipped.IsZero() {
		return SupplierOpen
	}
	for _, l := range s.Lines {
		if l.Verdict == "" {
			return SupplierShipped
		}
	}
	return SupplierAnswered
}

// Overdue reports whether the supplier owes an answer past its due day.
func (s *SupplierRMA) Overdue(today calendar.Date) bool {
	return s.State() != SupplierAnswered && !s.Due.IsZero() && today > s.Due
}

// SupplierLine is one line of a desk's RMA in a supplier RMA, with the
// supplier's verdict once it is given. An RMA loads every supplier line of
// its own (RMA.Supplier); only the supplier RMA's steps write them.
type SupplierLine struct {
	ID            int64
	SupplierRMAID int64
	SupplierNo    string // the supplier RMA's number, read with it
	SupplierID    int64  // read with it
	SupplierName  string // read with it
	RMAID         int64
	RMANumber     string // read with it
	LineNo        int

	Verdict           SupplierVerdict // "" while pending
	Remedy            SupplierRemedy
	ReplacementSerial string // replaced: the new unit's serial
	Credit            Money  // what the supplier credits the desk: recovery
	Charge            Money  // what the supplier charges the desk
	Notes             string
	Decided           time.Time
}

// SupplierEvent is one entry of a supplier RMA's history.
type SupplierEvent struct {
	ID            int64
	SupplierRMAID int64
	Seq           int
	At            time.Time
	Actor         string
	Action        string // create, ship, verdict
	Details       map[string]any
}

// SupplierRMAFilter selects supplier RMAs.
type SupplierRMAFilter struct {
	SupplierID int64 // 0: every supplier
	RMAID      int64 // 0: any; else those holding a line of this RMA
	Open       bool  // only those with a verdict still pending
	// Overdue: only those whose answer is due before Today and still
	// pending (the service sets Today).
	Overdue bool
	Today   calendar.Date
	Limit   int // 1..200; 0 means 50
}

// RMASave is one RMA saved in another record's transaction, as SaveRMA
// would save it: a supplier RMA's step moves the RMAs of its lines with it.
type RMASave struct {
	RMA           *RMA
	ExpectVersion int
	Events        []*Event
}

// SupplierStore keeps the desk's suppliers and supplier RMAs. A supplier
// RMA's step and the steps of the RMAs it holds lines of are written in one
// transaction: a line is at a supplier exactly when its RMA says so.
type SupplierStore interface {
	// CreateSupplier stores the supplier's organisation (role supplier)
	// and what the desk keeps about it, and sets OrgID and Created.
	CreateSupplier(ctx context.Context, s *Supplier) error
	// Supplier finds a supplier by its organisation's ID (ENOTFOUND for
	// any other organisation).
	Supplier(ctx context.Context, orgID int64) (*Supplier, error)
	// Suppliers lists the suppliers in the order they were made.
	Suppliers(ctx context.Context) ([]Supplier, error)
	// CreateSupplierRMA stores s with its lines and first event, and saves
	// each RMA as SaveRMA would, in one transaction; it sets the IDs and
	// Version 1. An RMA that moved from its expected version stores
	// nothing (EPRECONDITION).
	CreateSupplierRMA(ctx context.Context, s *SupplierRMA, ev *SupplierEvent, rmas []RMASave) error
	// SaveSupplierRMA writes s (reference, due day, shipment, note, its
	// lines' verdicts; lines without an ID are added) if it is still at
	// expectVersion, appends evs, and saves each RMA as SaveRMA would, in
	// one transaction; the added lines get their IDs.
	SaveSupplierRMA(ctx context.Context, s *SupplierRMA, expectVersion int, evs []*SupplierEvent, rmas []RMASave) error
	SupplierRMA(ctx context.Context, id int64) (*SupplierRMA, error)
	// SupplierRMAs lists supplier RMAs, newest first, with their lines.
	SupplierRMAs(ctx context.Context, f SupplierRMAFilter) ([]SupplierRMA, error)
	// SupplierEvents returns a supplier RMA's history, oldest first.
	SupplierEvents(ctx context.Context, id int64) ([]SupplierEvent, error)
}

// SupplierLineOf is the latest supplier line of line no, or nil when it
// never went to a supplier.
func (r *RMA) SupplierLineOf(no int) *SupplierLine {
	for i := len(r.Supplier) - 1; i >= 0; i-- {
		if r.Supplier[i].LineNo == no {
			return &r.Supplier[i]
		}
	}
	return nil
}

// atSupplier reports whether some line of r waits for a supplier's verdict.
func (r *RMA) atSupplier() bool {
	for _, l := range r.Lines {
		if sl := r.SupplierLineOf(l.No); sl != nil && sl.Verdict == "" {
			return true
		}
	}
	return false
}

// ChargeFinding is the finding a charge on line l is judged by: the
// desk's own, unless the supplier has since found the defect not covered.
func (r *RMA) ChargeFinding(l *Line) string {
	if sl := r.SupplierLineOf(l.No); sl != nil && sl.Verdict == SupplierNotCovered {
		return string(NotCovered)
	}
	return string(l.Finding)
}

// supplierOutcomes is how line l ends after its supplier's verdict, where
// the policy says (supplier.verdicts); ok is false otherwise, and the
// line ends as its route and finding say.
func supplierOutcomes(p *policy.Policy, r *RMA, l *Line) (OutcomeRule, bool) {
	sl := r.SupplierLineOf(l.No)
	if sl == nil || sl.Verdict == "" {
		return OutcomeRule{}, false
	}
	rule := p.SupplierVerdict(string(sl.Verdict))
	if rule == nil {
		return OutcomeRule{}, false
	}
	one := policy.ResolutionRule{Offer: rule.Offer}
	out := OutcomeRule{Allowed: offerOutcomes(&one), Clause: rule.Clause, RepairCharged: rule.Charged,
		Why: fmt.Sprintf("line %d: the supplier found it %s, and the policy offers %s", l.No, words(string(sl.Verdict)), offerText(&one))}
	if rule.Charged {
		out.Why += " (a repair at the requester's charge)"
	}
	return out, true
}

// supplierReplacements are the units the supplier sent in place of r's
// lines, for a resolution that passes them on.
func (r *RMA) supplierReplacements() []ReplacementUnit {
	var out []ReplacementUnit
	for _, l := range r.Lines {
		if sl := r.SupplierLineOf(l.No); sl != nil && sl.Remedy == SupplierReplaced && sl.ReplacementSerial != "" {
			out = append(out, ReplacementUnit{LineNo: l.No, Serial: sl.ReplacementSerial})
		}
	}
	return out
}

// deskOnlyDetails are the keys of an RMA event's details that name the
// supplier or its money: the desk's business, never shown to a requester.
var deskOnlyDetails = []string{"supplier", "supplier_rma", "supplier_reference", "credit", "supplier_charge", "carrier_to_supplier", "tracking_to_supplier"}

// visibleTo is the history as actor may read it: a requester sees that its
// lines went to a supplier and what was found, not which supplier or what
// it credited or charged the desk.
func visibleTo(actor Actor, evs []Event) []Event {
	if actor.Role.IsDesk() {
		return evs
	}
	for i := range evs {
		for _, k := range deskOnlyDetails {
			if _, ok := evs[i].Details[k]; ok {
				d := make(map[string]any, len(evs[i].Details))
				for key, v := range evs[i].Details {
					if !slices.Contains(deskOnlyDetails, key) {
						d[key] = v
					}
				}
				evs[i].Details = d
				break
			}
		}
	}
	return evs
}

// Recovery is what an RMA cost the desk by its records, per currency:
// what the requester was credited or refunded, plus what its suppliers
// charged, minus what the requester was charged and what the suppliers
// credited (the recovery). Totals lists the currencies in first use.
type Recovery struct {
	Recovered       []Money // supplier credits
	SupplierCharges []Money
	NetCost         []Money
}

// Recovery sums r's ledger and its supplier lines.
func (r *RMA) Recovery() Recovery {
	type sums struct{ rec, chg, net int64 }
	by := map[string]*sums{}
	var order []string
	at := func(cur string) *sums {
		if by[cur] == nil {
			by[cur] = &sums{}
			order = append(order, cur)
		}
		return by[cur]
	}
	for _, c := range r.Charges {
		at(c.Amount.Currency).net -= c.Amount.Cents // a charge is income, a credit (negative) a cost
	}
	for _, sl := range r.Supplier {
		if sl.Credit.Cents != 0 {
			s := at(sl.Credit.Currency)
			s.rec += sl.Credit.Cents
			s.net -= sl.Credit.Cents
		}
		if sl.Charge.Cents != 0 {
			s := at(sl.Charge.Currency)
			s.chg += sl.Charge.Cents
			s.net += sl.Charge.Cents
		}
	}
	var out Recovery
	for _, cur := range order {
		s := by[cur]
		if s.rec != 0 {
			out.Recovered = append(out.Recovered, Money{Cents: s.rec, Currency: cur})
		}
		if s.chg != 0 {
			out.SupplierCharges = append(out.SupplierCharges, Money{Cents: s.chg, Currency: cur})
		}
		out.NetCost = append(out.NetCost, Money{Cents: s.net, Currency: cur})
	}
	return out
}

// NewSupplier describes a supplier to create.
type NewSupplier struct {
	Name         string
	Country      string
	Email        string // the supplier's RMA contact
	Address      Address
	PolicyID     string
	ClaimRole    string // default distributor
	ResponseDays int    // default DefaultResponseDays
}

// CreateSupplier adds a supplier: agents and admins keep the desk's suppliers.
func (s *Service) CreateSupplier(ctx context.Context, actor Actor, n NewSupplier) (*Supplier, error) {
	if err := authorize(actor, nil, OpManageSuppliers); err != nil {
		return nil, err
	}
	name, err := CleanName("name", n.Name, 200)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(n.Email) == "" {
		return nil, Invalid("rma_email", "required: where the desk's RMA requests to the supplier go")
	}
	email, err := CleanEmail("rma_email", n.Email)
	if err != nil {
		return nil, err
	}
	if !policy.ValidCountry(n.Country) {
		return nil, Invalid("country", "%q is not an ISO 3166-1 alpha-2 country code (upper case, e.g. NL)", n.Country)
	}
	if n.Address.IsZero() {
		return nil, Invalid("address", "required: where parcels to the supplier go")
	}
	if err := n.Address.Check("address"); err != nil {
		return nil, err
	}
	sup := &Supplier{Org: Org{Name: name, Supplier: true, Country: n.Country, Email: email, Address: n.Address, Created: s.now().UTC()},
		PolicyID: n.PolicyID, ResponseDays: n.ResponseDays}
	if n.PolicyID != "" && s.Policies().Latest(n.PolicyID) == nil {
		return nil, Invalid("policy", "unknown policy %q (one of %s)", n.PolicyID, strings.Join(s.Policies().IDs(), ", "))
	}
	role := n.ClaimRole
	if role == "" {
		role = "distributor"
	}
	if sup.ClaimRole, err = policy.ParseRole(role); err != nil {
		return nil, Invalid("claim_role", "%v", err)
	}
	if sup.ResponseDays == 0 {
		sup.ResponseDays = DefaultResponseDays
	}
	if sup.ResponseDays < 1 || sup.ResponseDays > 365 {
		return nil, Invalid("response_days", "must be between 1 and 365")
	}
	if err := s.store.CreateSupplier(ctx, sup); err != nil {
		return nil, err
	}
	return sup, nil
}

// Suppliers lists the desk's suppliers.
func (s *Service) Suppliers(ctx context.Context, actor Actor) ([]Supplier, error) {
	if err := authorize(actor, nil, OpReadSuppliers); err != nil {
		return nil, err
	}
	return s.store.Suppliers(ctx)
}

// Supplier returns one supplier.
func (s *Service) Supplier(ctx context.Context, actor Actor, id int64) (*Supplier, error) {
	if err := authorize(actor, nil, OpReadSuppliers); err != nil {
		return nil, err
	}
	return s.store.Supplier(ctx, id)
}

// LineRef names one line of one of the desk's RMAs.
type LineRef struct {
	RMAID  int64
	LineNo int
}

// ForwardRequest sends lines to a supplier.
type ForwardRequest struct {
	SupplierID int64
	Reference  string        // the supplier's RMA number, when it gave one already
	Due        calendar.Date // zero: the supplier's response days from today
	Note       string
	Lines      []LineRef
}

// ForwardToSupplier makes a supplier RMA of evaluated lines of one or more
// RMAs (a batch in one shipment): each RMA waits at_supplier until every
// line of it that went has the supplier's verdict. All of it is written in
// one transaction, or nothing.
func (s *Service) ForwardToSupplier(ctx context.Context, actor Actor, req ForwardRequest) (*SupplierRMA, error) {
	if err := authorize(actor, nil, ActForwardToSupplier); err != nil {
		return nil, err
	}
	if err := optional("reference", req.Reference, 200); err != nil {
		return nil, err
	}
	if err := optional("note", req.Note, 2000); err != nil {
		return nil, err
	}
	if req.SupplierID <= 0 {
		return nil, Invalid("supplier", "required: the supplier's organisation ID")
	}
	sup, err := s.store.Supplier(ctx, req.SupplierID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Invalid("supplier", "no supplier %d", req.SupplierID)
	}
	if err != nil {
		return nil, err
	}
	today, now := s.Today(), s.now().UTC()
	due := req.Due
	if due.IsZero() {
		due = today.AddDays(sup.ResponseDays)
	} else if due < today {
		return nil, Invalid("due", "%s is before today (%s)", due, today)
	}
	sr := &SupplierRMA{SupplierID: sup.ID, SupplierName: sup.Name, Reference: strings.TrimSpace(req.Reference), Due: due,
		Note: req.Note, Created: now, Updated: now}
	fw, err := s.forwardLines(ctx, actor, sr, sup, req.Lines)
	if err != nil {
		return nil, err
	}
	// Drawn once everything else is known to be good: a refusal after it
	// leaves a gap in the numbers, never a duplicate.
	if sr.Number, err = s.newSupplierNumber(ctx); err != nil {
		return nil, err
	}
	saves := fw.saves(sr, sup, now)
	ev := &SupplierEvent{At: now, Actor: actor.Name, Action: "create", Details: map[string]any{
		"supplier": sup.Name, "lines": len(sr.Lines), "rmas": len(fw.order), "due": due.String()}}
	if sr.Reference != "" {
		ev.Details["reference"] = sr.Reference
	}
	if err := s.store.CreateSupplierRMA(ctx, sr, ev, saves); err != nil {
		return nil, err
	}
	return sr, nil
}

// forwarding is lines being added to a supplier RMA: the step prepared
// on each RMA they come from, in the order first named.
type forwarding struct {
	changes   map[int64]*change
	order     []int64
	forwarded map[int64][]string // line numbers, per RMA
}

// forwardLines checks lines (each a line of an RMA in evaluation or at a
// supplier, found as its policy's supplier.findings say, not at a supplier
// already, not named twice) and appends them to sr.
func (s *Service) forwardLines(ctx context.Context, actor Actor, sr *SupplierRMA, sup *Supplier, lines []LineRef) (*forwarding, error) {
	if len(lines) == 0 {
		return nil, Invalid("lines", "required: at least one line of an RMA")
	}
	if len(sr.Lines)+len(lines) > MaxLines {
		return nil, Invalid("lines", "at most %d lines per supplier RMA", MaxLines)
	}
	fw := &forwarding{changes: map[int64]*change{}, forwarded: map[int64][]string{}}
	for i, lr := range lines {
		field := fmt.Sprintf("lines[%d]", i)
		c, err := s.loadForSupplier(ctx, actor, fw.changes, &fw.order, lr.RMAID, field, ActForwardToSupplier)
		if err != nil {
			return nil, err
		}
		l := c.r.line(lr.LineNo)
		if l == nil {
			return nil, Invalid(field+".line", "no line %d in RMA %s", lr.LineNo, rmaName(c.r))
		}
		if slices.ContainsFunc(sr.Lines, func(x SupplierLine) bool { return x.RMAID == c.r.ID && x.LineNo == l.No }) {
			return nil, Invalid(field, "line %d of RMA %s is listed twice", l.No, rmaName(c.r))
		}
		if allowed := c.p.Supplier.ForwardFindings(); !slices.Contains(allowed, string(l.Finding)) {
			found := "has no finding"
			if l.Finding != "" {
				found = "was found " + words(string(l.Finding))
			}
			return nil, Invalid(field+".line", "line %d of RMA %s %s: only lines found %s go to a supplier", l.No, rmaName(c.r), found, strings.Join(allowed, " or "))
		}
		if sl := c.r.SupplierLineOf(l.No); sl != nil && sl.Verdict == "" {
			return nil, &Error{Code: ECONFLICT, Field: field + ".line", Message: fmt.Sprintf("line %d of RMA %s is already at %s (%s)", l.No, rmaName(c.r), sl.SupplierName, sl.SupplierNo)}
		}
		sr.Lines = append(sr.Lines, SupplierLine{RMAID: c.r.ID, RMANumber: c.r.Number, LineNo: l.No,
			SupplierID: sup.ID, SupplierName: sup.Name, SupplierNo: sr.Number, SupplierRMAID: sr.ID})
		fw.forwarded[c.r.ID] = append(fw.forwarded[c.r.ID], strconv.Itoa(l.No))
	}
	return fw, nil
}

// saves finishes each RMA's forward_to_supplier step, once sr has its number.
func (fw *forwarding) saves(sr *SupplierRMA, sup *Supplier, now time.Time) []RMASave {
	var out []RMASave
	for _, id := range fw.order {
		c := fw.changes[id]
		c.ev.Details["lines"] = strings.Join(fw.forwarded[id], ",")
		c.ev.Details["supplier"] = sup.Name
		c.ev.Details["supplier_rma"] = sr.Number
		if c.p.Supplier != nil {
			c.ev.Details["clause"] = c.p.Supplier.Clause
		}
		// The requester hears that its unit is at the supplier (the
		// policy says it goes there), not which supplier.
		c.r.notify(string(AtSupplier), "requester", now)
		out = append(out, c.save())
	}
	for i := range sr.Lines {
		sr.Lines[i].SupplierNo = sr.Number
	}
	return out
}

// AddToSupplierRMA adds lines to a supplier RMA that has not been shipped:
// a batch grows until its parcel leaves.
func (s *Service) AddToSupplierRMA(ctx context.Context, actor Actor, id int64, ifVersion int, lines []LineRef) (*SupplierRMA, error) {
	if err := authorize(actor, nil, ActForwardToSupplier); err != nil {
		return nil, err
	}
	sr, err := s.supplierRMAAt(ctx, id, ifVersion)
	if err != nil {
		return nil, err
	}
	if !sr.Shipped.IsZero() {
		return nil, Errorf(ECONFLICT, "supplier RMA %s was shipped on %s: send further lines in a new one", sr.Number, sr.Shipped)
	}
	sup, err := s.store.Supplier(ctx, sr.SupplierID)
	if err != nil {
		return nil, err
	}
	before := len(sr.Lines)
	fw, err := s.forwardLines(ctx, actor, sr, sup, lines)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	sr.Updated = now
	ev := &SupplierEvent{At: now, Actor: actor.Name, Action: "add_lines", Details: map[string]any{
		"lines": len(sr.Lines) - before, "rmas": len(fw.order)}}
	if err := s.store.SaveSupplierRMA(ctx, sr, ifVersionOr(ifVersion, sr), []*SupplierEvent{ev}, fw.saves(sr, sup, now)); err != nil {
		return nil, err
	}
	return sr, nil
}

// loadForSupplier loads RMA id once per supplier step and prepares action on
// it; field names the request's line for errors.
func (s *Service) loadForSupplier(ctx context.Context, actor Actor, changes map[int64]*change, order *[]int64, id int64, field string, action Action) (*change, error) {
	if c := changes[id]; c != nil {
		return c, nil
	}
	if id <= 0 {
		return nil, Invalid(field+".rma", "required: the RMA's ID")
	}
	r, err := s.store.RMA(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Invalid(field+".rma", "no RMA %d", id)
	}
	if err != nil {
		return nil, err
	}
	c, err := s.prepare(actor, r, 0, action, nil)
	if e, ok := err.(*Error); ok && e.Code == ECONFLICT {
		return nil, &Error{Code: ECONFLICT, Field: field + ".rma", Message: fmt.Sprintf("RMA %s: %s", rmaName(r), e.Message), Allowed: e.Allowed}
	}
	if err != nil {
		return nil, err
	}
	changes[id] = c
	*order = append(*order, id)
	return c, nil
}

func rmaName(r *RMA) string {
	if r.Number != "" {
		return r.Number
	}
	return strconv.FormatInt(r.ID, 10)
}

// newSupplierNumber draws the desk's next supplier RMA number of the year.
func (s *Service) newSupplierNumber(ctx context.Context) (string, error) {
	y, _, _ := s.Today().YMD()
	seq, err := s.store.NextSequence(ctx, "supplier-rma-"+strconv.Itoa(y))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("SUP-%02d-%05d", y%100, seq), nil
}

// SupplierShipment is the parcel to the supplier.
type SupplierShipment struct {
	Carrier   string
	Tracking  string
	Shipped   calendar.Date // zero: today
	Reference string        // the supplier's RMA number, if it came with its go-ahead
}

// ShipToSupplier records the parcel that takes a supplier RMA's lines.
func (s *Service) ShipToSupplier(ctx context.Context, actor Actor, id int64, ifVersion int, sh SupplierShipment) (*SupplierRMA, error) {
	if err := authorize(actor, nil, ActShipToSupplier); err != nil {
		return nil, err
	}
	if err := required("carrier", sh.Carrier, 100); err != nil {
		return nil, err
	}
	if err := optional("tracking", sh.Tracking, 200); err != nil {
		return nil, err
	}
	if err := optional("reference", sh.Reference, 200); err != nil {
		return nil, err
	}
	sr, err := s.supplierRMAAt(ctx, id, ifVersion)
	if err != nil {
		return nil, err
	}
	if !sr.Shipped.IsZero() {
		return nil, Errorf(ECONFLICT, "supplier RMA %s was shipped on %s", sr.Number, sr.Shipped)
	}
	today, now := s.Today(), s.now().UTC()
	if sh.Shipped.IsZero() {
		sh.Shipped = today
	} else if sh.Shipped > today {
		return nil, Invalid("shipped", "%s is in the future (today is %s)", sh.Shipped, today)
	}
	sr.Carrier, sr.Tracking, sr.Shipped = strings.TrimSpace(sh.Carrier), strings.TrimSpace(sh.Tracking), sh.Shipped
	if ref := strings.TrimSpace(sh.Reference); ref != "" {
		sr.Reference = ref
	}
	sr.Updated = now
	ev := &SupplierEvent{At: now, Actor: actor.Name, Action: "ship", Details: map[string]any{
		"carrier": sr.Carrier, "tracking": sr.Tracking, "shipped": sr.Shipped.String()}}
	if sr.Reference != "" {
		ev.Details["reference"] = sr.Reference
	}
	changes := map[int64]*change{}
	var order []int64
	lines := map[int64][]string{}
	for i, l := range sr.Lines {
		if _, err := s.loadForSupplier(ctx, actor, changes, &order, l.RMAID, fmt.Sprintf("lines[%d]", i), ActShipToSupplier); err != nil {
			return nil, err
		}
		lines[l.RMAID] = append(lines[l.RMAID], strconv.Itoa(l.LineNo))
	}
	var saves []RMASave
	for _, rid := range order {
		c := changes[rid]
		c.ev.Details["lines"] = strings.Join(lines[rid], ",")
		c.ev.Details["supplier_rma"] = sr.Number
		c.ev.Details["carrier_to_supplier"] = sr.Carrier
		c.ev.Details["tracking_to_supplier"] = sr.Tracking
		saves = append(saves, c.save())
	}
	if err := s.store.SaveSupplierRMA(ctx, sr, ifVersionOr(ifVersion, sr), []*SupplierEvent{ev}, saves); err != nil {
		return nil, err
	}
	return sr, nil
}

// supplierRMAAt loads a supplier RMA and checks the caller's version.
func (s *Service) supplierRMAAt(ctx context.Context, id int64, ifVersion int) (*SupplierRMA, error) {
	sr, err := s.store.SupplierRMA(ctx, id)
	if err != nil {
		return nil, err
	}
	if ifVersion != 0 && sr.Version != ifVersion {
		return nil, Errorf(EPRECONDITION, "supplier RMA %s changed since version %d (it is at version %d): reload and retry", sr.Number, ifVersion, sr.Version)
	}
	return sr, nil
}

func ifVersionOr(ifVersion int, sr *SupplierRMA) int {
	if ifVersion != 0 {
		return ifVersion
	}
	return sr.Version
}

// VerdictRequest is the supplier's verdict on one line.
type VerdictRequest struct {
	RMAID             int64
	LineNo            int
	Verdict           SupplierVerdict
	Remedy            SupplierRemedy // covered: repaired, replaced or credited; not covered: returned (the default)
	ReplacementSerial string         // replaced: the new unit's serial
	Credit            Money          // what the supplier credits the desk; credited needs it
	Charge            Money          // what the supplier charges the desk
	Notes             string
}

// RecordSupplierVerdicts records the supplier's verdict on lines of a
// shipped supplier RMA. Each RMA they belong to records the verdict in its
// history; an RMA with no line left at a supplier goes back to evaluation,
// where its lines end as its policy says for the verdict
// (supplier.verdicts), and where the policy says so, the requester is told
// to expect the desk's call about further processing.
func (s *Service) RecordSupplierVerdicts(ctx context.Context, actor Actor, id int64, ifVersion int, vs []VerdictRequest) (*SupplierRMA, error) {
	if err := authorize(actor, nil, ActSupplierVerdict); err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, Invalid("lines", "required: the supplier's verdict on at least one line")
	}
	sr, err := s.supplierRMAAt(ctx, id, ifVersion)
	if err != nil {
		return nil, err
	}
	if sr.Shipped.IsZero() {
		return nil, Errorf(ECONFLICT, "supplier RMA %s has not been shipped: record its shipment first", sr.Number)
	}
	now := s.now().UTC()
	changes := map[int64]*change{}
	var order []int64
	verdicts := map[int64][]string{}
	decided := map[int]bool{} // the supplier lines this call decides, by index
	var credit, charge []string
	for i, v := range vs {
		field := fmt.Sprintf("lines[%d]", i)
		at := slices.IndexFunc(sr.Lines, func(l SupplierLine) bool { return l.RMAID == v.RMAID && l.LineNo == v.LineNo })
		if at < 0 {
			return nil, Invalid(field+".line", "line %d of RMA %d is not in supplier RMA %s", v.LineNo, v.RMAID, sr.Number)
		}
		sl := &sr.Lines[at]
		if sl.Verdict != "" {
			return nil, &Error{Code: ECONFLICT, Field: field + ".verdict", Message: fmt.Sprintf("line %d of RMA %s already has the supplier's verdict (%s)", sl.LineNo, sl.RMANumber, sl.Verdict)}
		}
		if err := checkVerdict(field, &v); err != nil {
			return nil, err
		}
		c, err := s.loadForSupplier(ctx, actor, changes, &order, v.RMAID, field, ActSupplierVerdict)
		if err != nil {
			return nil, err
		}
		if l := c.r.line(v.LineNo); l != nil && v.Remedy == SupplierReplaced {
			for _, own := range []string{l.Claim.Product.Serial, l.ReceivedSerial} {
				if own != "" && strings.EqualFold(own, v.ReplacementSerial) {
					return nil, Invalid(field+".replacement_serial", "%s is the serial of the line's own unit: a replacement is another unit", v.ReplacementSerial)
				}
			}
		}
		sl.Verdict, sl.Remedy, sl.ReplacementSerial = v.Verdict, v.Remedy, strings.TrimSpace(v.ReplacementSerial)
		sl.Credit, sl.Charge, sl.Notes, sl.Decided = v.Credit, v.Charge, v.Notes, now
		decided[at] = true
		// The RMA's own copy, so the check below sees this verdict.
		for j := range c.r.Supplier {
			if c.r.Supplier[j].SupplierRMAID == sr.ID && c.r.Supplier[j].LineNo == v.LineNo {
				c.r.Supplier[j] = *sl
			}
		}
		text := fmt.Sprintf("%d %s (%s)", sl.LineNo, sl.Verdict, sl.Remedy)
		verdicts[v.RMAID] = append(verdicts[v.RMAID], text)
		if sl.Credit.Cents != 0 {
			credit = append(credit, fmt.Sprintf("%s line %d: %d %s", sl.RMANumber, sl.LineNo, sl.Credit.Cents, sl.Credit.Currency))
		}
		if sl.Charge.Cents != 0 {
			charge = append(charge, fmt.Sprintf("%s line %d: %d %s", sl.RMANumber, sl.LineNo, sl.Charge.Cents, sl.Charge.Currency))
		}
	}
	sr.Updated = now
	ev := &SupplierEvent{At: now, Actor: actor.Name, Action: "verdict", Details: map[string]any{"lines": len(vs)}}
	if len(credit) > 0 {
		ev.Details["credit"] = strings.Join(credit, "; ")
	}
	if len(charge) > 0 {
		ev.Details["charge"] = strings.Join(charge, "; ")
	}
	var saves []RMASave
	for _, rid := range order {
		c := changes[rid]
		c.ev.Details["verdicts"] = strings.Join(verdicts[rid], ", ")
		c.ev.Details["supplier_rma"] = sr.Number
		var recovered, charged []string
		for i, sl := range sr.Lines {
			if sl.RMAID == rid && decided[i] {
				if sl.Credit.Cents != 0 {
					recovered = append(recovered, fmt.Sprintf("line %d: %d %s", sl.LineNo, sl.Credit.Cents, sl.Credit.Currency))
				}
				if sl.Charge.Cents != 0 {
					charged = append(charged, fmt.Sprintf("line %d: %d %s", sl.LineNo, sl.Charge.Cents, sl.Charge.Currency))
				}
			}
		}
		if len(recovered) > 0 {
			c.ev.Details["credit"] = strings.Join(recovered, "; ")
		}
		if len(charged) > 0 {
			c.ev.Details["supplier_charge"] = strings.Join(charged, "; ")
		}
		if !c.r.atSupplier() {
			c.backFromSupplier(actor)
		}
		saves = append(saves, c.save())
	}
	if err := s.store.SaveSupplierRMA(ctx, sr, ifVersionOr(ifVersion, sr), []*SupplierEvent{ev}, saves); err != nil {
		return nil, err
	}
	return sr, nil
}

// checkVerdict checks one verdict's fields and fills the not-covered
// remedy, which is always the unit's return.
func checkVerdict(field string, v *VerdictRequest) error {
	switch v.Verdict {
	case SupplierCovered:
		switch v.Remedy {
		case SupplierRepaired, SupplierReplaced, SupplierCredited:
		case "":
			return Invalid(field+".remedy", "required with covered: repaired, replaced or credited")
		default:
			return Invalid(field+".remedy", "%q: a covered line is repaired, replaced or credited", v.Remedy)
		}
	case SupplierNotCovered:
		if v.Remedy == "" {
			v.Remedy = SupplierReturned
		}
		if v.Remedy != SupplierReturned {
			return Invalid(field+".remedy", "%q: a line not covered is returned", v.Remedy)
		}
		if v.Credit.Cents != 0 {
			return Invalid(field+".credit", "a supplier credits only a line it covers")
		}
	case "":
		return Invalid(field+".verdict", "required: covered or not_covered")
	default:
		return Invalid(field+".verdict", "unknown verdict %q (covered, not_covered)", v.Verdict)
	}
	if v.Remedy == SupplierReplaced {
		if err := required(field+".replacement_serial", v.ReplacementSerial, 200); err != nil {
			return err
		}
	} else if v.ReplacementSerial != "" {
		return Invalid(field+".replacement_serial", "only a replaced line has a replacement serial")
	}
	if v.Remedy == SupplierCredited && v.Credit.Cents <= 0 {
		return Invalid(field+".credit", "required with credited: what the supplier credits")
	}
	for _, m := range []struct {
		name string
		v    Money
	}{{"credit", v.Credit}, {"charge", v.Charge}} {
		if m.v.Cents < 0 {
			return Invalid(field+"."+m.name, "must not be negative")
		}
		if m.v.Cents > 0 && len(m.v.Currency) != 3 {
			return Invalid(field+"."+m.name+".currency", "required: an ISO 4217 code such as EUR")
		}
	}
	return optional(field+".notes", v.Notes, 2000)
}

// backFromSupplier brings the RMA back to evaluation once no line of it is
// at a supplier, and, where the policy's rule for a verdict says so, tells
// the requester the desk will contact it about further processing.
func (c *change) backFromSupplier(actor Actor) {
	ev := &Event{At: c.now, Actor: actor.Name, Action: string(ActBackFromSupplier), From: AtSupplier, To: InEvaluation, Details: map[string]any{}}
	c.r.State = InEvaluation
	var verdicts []string
	for _, l := range c.r.Lines {
		sl := c.r.SupplierLineOf(l.No)
		if sl == nil || sl.Verdict == "" {
			continue
		}
		verdicts = append(verdicts, fmt.Sprintf("%d %s", l.No, sl.Verdict))
		if rule := c.p.SupplierVerdict(string(sl.Verdict)); rule != nil {
			ev.Details["clause"] = rule.Clause
			if rule.ContactRequester {
				c.r.Reason = rule.Text
				ev.Details["contact_requester"] = rule.Text
			}
		}
	}
	ev.Details["verdicts"] = strings.Join(verdicts, ", ")
	c.extra = append(c.extra, ev)
	c.r.notify("back_from_supplier", "requester", c.now)
}

// SupplierRMA returns one supplier RMA.
func (s *Service) SupplierRMA(ctx context.Context, actor Actor, id int64) (*SupplierRMA, error) {
	if err := authorize(actor, nil, OpReadSuppliers); err != nil {
		return nil, err
	}
	return s.store.SupplierRMA(ctx, id)
}

// SupplierRMAs lists supplier RMAs.
func (s *Service) SupplierRMAs(ctx context.Context, actor Actor, f SupplierRMAFilter) ([]SupplierRMA, error) {
	if err := authorize(actor, nil, OpReadSuppliers); err != nil {
		return nil, err
	}
	if f.Limit < 0 || f.Limit > 200 {
		return nil, Invalid("limit", "must be between 1 and 200")
	}
	if f.Overdue {
		f.Today = s.Today()
	}
	return s.store.SupplierRMAs(ctx, f)
}

// SupplierHistory returns a supplier RMA's events.
func (s *Service) SupplierHistory(ctx context.Context, actor Actor, id int64) ([]SupplierEvent, error) {
	if _, err := s.SupplierRMA(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.store.SupplierEvents(ctx, id)
}

// PredictSupplierVerdict is the engine's guess at the supplier's verdict on
// line l of r: the line's claim judged by the pack the supplier applies,
// today, with the desk (of deskCountry) as the supplier's requester in its
// ClaimRole. Nil when the supplier names no pack the desk has loaded.
func (s *Service) PredictSupplierVerdict(sup *Supplier, l *Line, deskCountry string) *policy.Decision {
	if sup == nil || sup.PolicyID == "" {
		return nil
	}
	today := s.Today()
	p := s.Policies().InForce(sup.PolicyID, today)
	if p == nil {
		return nil
	}
	c := EngineClaim(l.Claim, l.PartNumber)
	c.Kind = policy.Defect
	c.Requester = policy.Requester{Role: sup.ClaimRole, Country: deskCountry}
	c.Dates.Reported = today
	c.Records = nil // the desk's records speak of the requester's purchase, not of the desk's from the supplier
	d := p.Evaluate(c)
	return &d
}
