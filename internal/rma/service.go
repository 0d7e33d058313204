package rma

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// Service is the desk's use cases. It is safe for concurrent use: all state
// is in the Store, and concurrent changes to one RMA are serialised by the
// Store's version check (the loser gets EPRECONDITION).
type Service struct {
	store    Store
	policies atomic.Pointer[policy.Set] // swapped whole when a version is published (packs.go)
	now      func() time.Time
	zone     *time.Location
	// calendars are the desk's calendar files, given to every pack loaded
	// from the store (packs.go); packsGen the store's generation the Set
	// was built at.
	calendars *calendar.Set
	packsGen  atomic.Int64
	// shadows are the running shadows' compiled drafts by policy
	// (shadow.go), rebuilt with the Set.
	shadows atomic.Pointer[shadowSet]
	// unitsKept is whether the serial registry holds units, as last read
	// (registry.go).
	unitsKept atomic.Pointer[keptUnits]
}

// Option configures a Service.
type Option func(*Service)

// WithClock sets the clock (tests move time to expire RMA numbers).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithZone sets the desk's time zone, which decides what "today" is.
func WithZone(loc *time.Location) Option { return func(s *Service) { s.zone = loc } }

// NewService wires the use cases to a store and the policies.
func NewService(store Store, policies *policy.Set, opts ...Option) *Service {
	s := &Service{store: store, now: time.Now, zone: time.UTC}
	s.policies.Store(policies)
	for _, o := range opts {
		o(s)
	}
	return s
}

// Store returns the service's store, for read models the API serves directly.
func (s *Service) Store() Store { return s.store }

// Policies returns the loaded policies: the Set in force now. A use case
// that reads it twice may see two Sets, but every version either names is
// in both (a published version is never removed).
func (s *Service) Policies() *policy.Set { return s.policies.Load() }

// WithCalendars gives the desk's calendar files to the packs the service
// loads from the store.
func WithCalendars(cals *calendar.Set) Option { return func(s *Service) { s.calendars = cals } }

// Today is the desk's current day.
func (s *Service) Today() calendar.Date {
	t := s.now().In(s.zone)
	return calendar.DateOf(t.Year(), t.Month(), t.Day())
}

// policyOf returns the exact version an RMA was judged by.
func (s *Service) policyOf(r *RMA) (*policy.Policy, error) {
	p := s.Policies().Version(r.PolicyID, r.PolicyVersion)
	if p == nil {
		return nil, fmt.Errorf("RMA %d: policy %s version %s is no longer loaded", r.ID, r.PolicyID, r.PolicyVersion)
	}
	return p, nil
}

// SubmitRequest is what a requester files.
type SubmitRequest struct {
	PolicyID       string
	Kind           policy.Kind
	Reference      string
	NoSubstitute   bool
	Preference     string // the resolution the requester prefers, where the policy leaves it the choice
	Lines          []LineRequest
	IdempotencyKey string
}

// LineRequest is one line of a submission. Claim carries the product, the
// dates, conditions, cause and documents; its requester, kind and reported
// date are set by the desk.
type LineRequest struct {
	Claim             policy.Claim
	Quantity          int
	PartNumber        string
	Fault             string
	LastInvoicedPrice Money
}

// MaxLines bounds one RMA: a recall files many RMAs, not one huge one.
const MaxLines = 200

// Submit files a new RMA: each line is decided by the policy in force today,
// and the RMA starts in submitted (or needs_info when the engine asks for
// more). With an idempotency key already used by the organisation, the RMA
// it created is returned and replayed is true.
func (s *Service) Submit(ctx context.Context, actor Actor, req SubmitRequest) (r *RMA, replayed bool, err error) {
	r, ev, err := s.compose(ctx, actor, req)
	if err != nil {
		return nil, false, err
	}
	err = s.store.CreateRMA(ctx, r, ev, req.IdempotencyKey)
	if e, ok := err.(*Error); ok && e.ExistingID != 0 {
		existing, err := s.store.RMA(ctx, e.ExistingID)
		return existing, true, err
	}
	if err != nil {
		return nil, false, err
	}
	return r, false, nil
}

// Preview is Submit without the filing: the RMA as Submit would file it
// today, each line decided clause by clause, its state, route, location
// and deadlines, with nothing written (no RMA, event, job or outbox row;
// the idempotency key is not looked at). Its ID and number are zero.
func (s *Service) Preview(ctx context.Context, actor Actor, req SubmitRequest) (*RMA, error) {
	r, _, err := s.compose(ctx, actor, req)
	return r, err
}

// compose builds the RMA a submission files, and its first event, in
// memory: Submit writes them, Preview shows them.
func (s *Service) compose(ctx context.Context, actor Actor, req SubmitRequest) (r *RMA, ev *Event, err error) {
	if err := authorize(actor, nil, OpSubmit); err != nil {
		return nil, nil, err
	}
	org := actor.Org
	if org == nil || org.ID != actor.OrgID {
		var err error
		if org, err = s.store.Org(ctx, actor.OrgID); err != nil {
			return nil, nil, err
		}
	}
	if org.IsDesk {
		return nil, nil, Errorf(EFORBIDDEN, "the desk files no RMAs of its own; use a requester organisation's key")
	}
	// standing.go: the desk's record, never the requester's word.
	standing, err := OrgStanding(ctx, s.store, org.ID)
	if err != nil {
		return nil, nil, err
	}
	today := s.Today()
	if req.PolicyID == "" {
		return nil, nil, Invalid("policy", "required (one of %s)", strings.Join(s.Policies().IDs(), ", "))
	}
	p := s.Policies().InForce(req.PolicyID, today)
	if p == nil {
		return nil, nil, Invalid("policy", "unknown policy %q (one of %s)", req.PolicyID, strings.Join(s.Policies().IDs(), ", "))
	}
	if len(req.Lines) == 0 {
		return nil, nil, Invalid("lines", "required: at least one line")
	}
	if len(req.Lines) > MaxLines {
		return nil, nil, Invalid("lines", "at most %d lines per RMA", MaxLines)
	}
	if len(req.Reference) > 200 {
		return nil, nil, Invalid("reference", "at most 200 characters")
	}
	now := s.now().UTC()
	r = &RMA{
		OrgID: org.ID, Reference: req.Reference, PolicyID: p.ID, PolicyVersion: p.Version,
		Kind: req.Kind, State: Submitted, NoSubstitute: req.NoSubstitute, Reported: today,
		Created: now, Updated: now,
	}
	for i, lr := range req.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		if lr.Quantity == 0 {
			lr.Quantity = 1
		}
		if lr.Quantity < 1 || lr.Quantity > 100000 {
			return nil, nil, Invalid(field+".quantity", "must be between 1 and 100000")
		}
		if len(lr.Fault) > 10000 {
			return nil, nil, Invalid(field+".fault", "at most 10000 characters")
		}
		if lr.LastInvoicedPrice.Cents < 0 {
			return nil, nil, Invalid(field+".last_invoiced_price", "must not be negative")
		}
		if err := checkLineFields(p, field, lr); err != nil {
			return nil, nil, err
		}
		c := lr.Claim
		c.Kind = req.Kind
		c.Requester = policy.Requester{Role: org.Role, Country: org.Country, Standing: standing}
		c.Dates.Reported = today
		if err := checkDatesNotAfter(c.Dates, today, field); err != nil {
			return nil, nil, err
		}
		if c.Product.Category == "" {
			return nil, nil, Invalid(field+".product.category", "required")
		}
		if c.Product.Part == "" {
			c.Product.Part = policy.DefaultPart
		}
		lr.LastInvoicedPrice = shareLinePrice(&c, lr.LastInvoicedPrice) // restocking.go
		if err := s.FillRecords(ctx, org, &c, 0); err != nil {          // the desk's records of the unit (registry.go)
			return nil, nil, err
		}
		r.Lines = append(r.Lines, Line{
			No: i + 1, Claim: c, Quantity: lr.Quantity, Fault: lr.Fault, PartNumber: strings.TrimSpace(lr.PartNumber),
			LastInvoicedPrice: lr.LastInvoicedPrice, Decision: p.Evaluate(EngineClaim(c, strings.TrimSpace(lr.PartNumber))),
		})
	}
	r.summarise()
	if req.Preference != "" {
		if err := checkPreference(p, r, req.Preference); err != nil {
			return nil, nil, err
		}
		r.Preference = req.Preference
	}
	r.Location = chooseLocation(p, org, r)
	for _, d := range p.Deadlines {
		if d.After == "submitted" {
			r.Deadlines = append(r.Deadlines, Deadline{Name: d.Name, Owner: d.Owner, Due: d.Due(today), Clause: d.Clause, Text: d.Text})
		}
	}
	s.entitlementDeadline(p, r, now, today) // advance.go
	evs := []*Event{{At: now, Actor: actor.Name, Action: string(OpSubmit), To: Submitted, Details: map[string]any{
		"policy": p.ID, "policy_version": p.Version, "decision": r.Verdict.String(), "route": r.Route.String(), "lines": len(r.Lines),
	}}}
	r.notify(NoteSubmitted, "requester", now)
	if r.Verdict == policy.NeedsInfo {
		// The requester can act at once: the form shows what is missing.
		r.State = NeedsInfo
		r.Reason = missingSummary(r)
		evs[0].To = NeedsInfo
		evs[0].Details["needs"] = r.Reason
		r.notify(NoteNeedsInfo, "requester", now)
	}
	s.scheduleDeadlines(r, ownedByVendor(p, "submitted"))
	s.shadowDecide(r) // shadow.go: the draft in shadow decides too, silently
	return r, evs[0], nil
}

// ownedByVendor names the policy's vendor deadlines counted from event.
func ownedByVendor(p *policy.Policy, event string) map[string]bool {
	names := map[string]bool{}
	for _, d := range p.Deadlines {
		if string(d.After) == event && d.Owner == "vendor" {
			names[d.Name] = true
		}
	}
	return names
}

func checkDatesNotAfter(d policy.Dates, today calendar.Date, field string) error {
	for _, f := range []struct {
		name string
		d    calendar.Date
	}{{"purchase", d.Purchase}, {"invoice", d.Invoice}, {"shipped", d.Shipped}, {"delivered", d.Delivered}, {"manufactured", d.Manufactured},
		{"registered", d.Registered}, {"replaced", d.Replaced}} {
		if !f.d.IsZero() && f.d > today {
			return Invalid(field+".dates."+f.name, "%s is in the future (today is %s)", f.d, today)
		}
	}
	return nil
}

// summarise sets the RMA's verdict and route from its lines: the most
// severe verdict, and the route of the first line not rejected.
func (r *RMA) summarise() {
	r.Verdict, r.Route = policy.Accept, policy.RouteNone
	rank := map[policy.Verdict]int{policy.Accept: 0, policy.Review: 1, policy.NeedsInfo: 2, policy.Reject: 3}
	for _, l := range r.Lines {
		if rank[l.Decision.Verdict] > rank[r.Verdict] {
			r.Verdict = l.Decision.Verdict
		}
		if r.Route == policy.RouteNone && l.Decision.Route != policy.RouteNone {
			r.Route = l.Decision.Route
		}
	}
	// Only when every line is rejected is the RMA's verdict a rejection.
	if r.Verdict == policy.Reject {
		for _, l := range r.Lines {
			if l.Decision.Verdict != policy.Reject {
				r.Verdict = policy.Review
				break
			}
		}
	}
}

func missingSummary(r *RMA) string {
	var parts []string
	for _, l := range r.Lines {
		for _, reason := range l.Decision.Reasons {
			switch reason.Code {
			case policy.CodeMissingDocuments, policy.CodeMissingWarrantyStart, policy.CodeMissingDates, policy.CodeMissingCountry:
				parts = append(parts, "line "+strconv.Itoa(l.No)+": "+reason.Text)
			}
		}
	}
	return strings.Join(parts, "; ")
}

// chooseLocation picks the policy's first location rule that serves the
// requester's country, the first line's category and the RMA's route.
func chooseLocation(p *policy.Policy, org *Org, r *RMA) string {
	category := ""
	if len(r.Lines) > 0 {
		category = r.Lines[0].Claim.Product.Category
	}
	if l := p.LocationFor(org.Country, category, r.Route); l != nil {
		return l.ID
	}
	return ""
}

// Get loads an RMA the actor may see.
func (s *Service) Get(ctx context.Context, actor Actor, id int64) (*RMA, error) {
	r, err := s.store.RMA(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := authorize(actor, r, OpRead); err != nil {
		return nil, err
	}
	return r, nil
}

// History returns an RMA's events.
func (s *Service) History(ctx context.Context, actor Actor, id int64) ([]Event, error) {
	if _, err := s.Get(ctx, actor, id); err != nil {
		return nil, err
	}
	evs, err := s.store.Events(ctx, id)
	return withoutNotes(actor, visibleTo(actor, evs)), err // no supplier's name or money for a requester (supplier.go), no internal note (messages.go)
}

// Records are an RMA with everything recorded on it, as its page shows it.
type Records struct {
	RMA       *RMA
	Events    []Event
	Documents []Document
	Messages  []Message
}

// Records returns an RMA the actor may see with its history, documents
// and messages: one access check and one read of the RMA, where History,
// Documents and Messages each read and check it again.
func (s *Service) Records(ctx context.Context, actor Actor, id int64) (*Records, error) {
	r, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	rec := &Records{RMA: r}
	if rec.Events, err = s.store.Events(ctx, id); err != nil {
		return nil, err
	}
	rec.Events = withoutNotes(actor, visibleTo(actor, rec.Events))
	if rec.Documents, err = s.store.Documents(ctx, id); err != nil {
		return nil, err
	}
	if rec.Messages, err = s.store.Messages(ctx, id); err != nil {
		return nil, err
	}
	rec.Messages = visibleMessages(actor, rec.Messages)
	return rec, nil
}

// List returns a page of RMAs the actor may see.
func (s *Service) List(ctx context.Context, actor Actor, f ListFilter) ([]RMA, string, error) {
	if !actor.Role.IsDesk() {
		f.OrgID = actor.OrgID
	} else if err := authorize(actor, nil, OpListAll); err != nil {
		return nil, "", err
	}
	if f.Overdue {
		f.Today = s.Today()
	}
	if f.Limit < 0 || f.Limit > 200 {
		return nil, "", Invalid("limit", "must be between 1 and 200")
	}
	return s.store.ListRMAs(ctx, f)
}
