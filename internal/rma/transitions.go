package rma

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// change is one transition in progress: what a use case's step may read and
// write before the Service saves it.
type change struct {
	r     *RMA
	p     *policy.Policy
	ev    *Event
	extra []*Event // further events saved in the same transaction
	now   time.Time
	today calendar.Date
	from  State
}

// transition applies action to RMA id for actor. It checks who may, the
// caller's version (ifVersion, 0 to skip: the API always sends one), and the
// state machine; step then updates the RMA; state, event and everything the
// step created are saved in one transaction.
func (s *Service) transition(ctx context.Context, actor Actor, id int64, ifVersion int, action Action, step func(c *change) error) (*RMA, error) {
	r, err := s.store.RMA(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.transitionLoaded(ctx, actor, r, ifVersion, action, step)
}

func (s *Service) transitionLoaded(ctx context.Context, actor Actor, r *RMA, ifVersion int, action Action, step func(c *change) error) (*RMA, error) {
	c, err := s.prepare(actor, r, ifVersion, action, step)
	if err != nil {
		return nil, err
	}
	if err := s.soldToRequester(ctx, r); err != nil { // registry.go
		return nil, err
	}
	if err := s.store.SaveRMA(ctx, r, r.Version, c.events()...); err != nil {
		return nil, err
	}
	return r, nil
}

// prepare checks a transition as transitionLoaded does and applies it to r
// in memory; the caller saves it (alone, or with a supplier RMA's step).
func (s *Service) prepare(actor Actor, r *RMA, ifVersion int, action Action, step func(c *change) error) (*change, error) {
	if err := authorize(actor, r, action); err != nil {
		return nil, err
	}
	if ifVersion != 0 && r.Version != ifVersion {
		return nil, Errorf(EPRECONDITION, "RMA %d changed since version %d (it is at version %d): reload and retry", r.ID, ifVersion, r.Version)
	}
	to, err := Next(r.State, action)
	if err != nil {
		return nil, err
	}
	p, err := s.policyOf(r)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	c := &change{r: r, p: p, now: now, today: s.Today(), from: r.State,
		ev: &Event{At: now, Actor: actor.Name, Action: string(action), From: r.State, To: to, Details: map[string]any{}}}
	r.State = to
	if step != nil {
		if err := step(c); err != nil {
			return nil, err
		}
	}
	c.meetDeadlines(action)
	r.Updated = now
	return c, nil
}

// events are the change's event and the further ones, in order.
func (c *change) events() []*Event { return append([]*Event{c.ev}, c.extra...) }

// save is the change as another record's transaction saves it.
func (c *change) save() RMASave {
	return RMASave{RMA: c.r, ExpectVersion: c.r.Version, Events: c.events()}
}

// meetDeadlines closes the deadlines an action fulfils: a first answer from
// the desk meets those counted from submission; receipt meets those counted
// from authorization; a complete evaluation meets those counted from receipt.
func (c *change) meetDeadlines(action Action) {
	var after string
	switch action {
	case ActRequestInfo, ActAuthorize, ActReject, ActRefer, ActCreditWithoutReturn, ActResolveRemotely:
		after = "submitted"
	case ActReceive, ActShip:
		after = "authorized"
	case ActEvaluate, ActResolve:
		for _, l := range c.r.Lines {
			if l.Finding == "" && l.InPlay() {
				return
			}
		}
		after = "received"
	default:
		return
	}
	for i := range c.r.Deadlines {
		d := &c.r.Deadlines[i]
		if pd := c.p.Deadline(d.Name); pd != nil && string(pd.After) == after && d.Met.IsZero() {
			d.Met = c.now
		}
		if d.Name == EntitlementDeadline && after == "submitted" && d.Met.IsZero() { // advance.go: the plan's response
			d.Met = c.now
		}
	}
}

// addDeadlines opens the policy's deadlines counted from event.
func (c *change) addDeadlines(event string) {
	for _, d := range c.p.Deadlines {
		if string(d.After) == event {
			c.r.Deadlines = append(c.r.Deadlines, Deadline{Name: d.Name, Owner: d.Owner, Due: d.Due(c.today), Clause: d.Clause, Text: d.Text})
		}
	}
}

func required(field, value string, max int) error {
	if strings.TrimSpace(value) == "" {
		return Invalid(field, "required")
	}
	if len(value) > max {
		return Invalid(field, "at most %d characters", max)
	}
	return nil
}

func optional(field, value string, max int) error {
	if len(value) > max {
		return Invalid(field, "at most %d characters", max)
	}
	return nil
}

// RequestInfo asks the requester for more (documents, dates).
func (s *Service) RequestInfo(ctx context.Context, actor Actor, id int64, ifVersion int, reason string) (*RMA, error) {
	if err := required("reason", reason, 2000); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, id, ifVersion, ActRequestInfo, func(c *change) error {
		c.r.Reason = reason
		c.ev.Details["reason"] = reason
		c.r.notify(NoteNeedsInfo, "requester", c.now)
		return nil
	})
}

// LineUpdate is what a requester adds to a line when answering needs_info.
type LineUpdate struct {
	LineNo    int
	Dates     policy.Dates // non-zero dates replace the line's
	Documents policy.DocumentSet

	// Issue 14: documents the RMA's policy declares itself, by id
	// (policy vocabulary); checked against that policy.
	OtherDocuments []string
}

// ProvideInfo re-decides the lines with what the requester added (and the
// documents attached to the RMA), by the same policy version and reported
// date. When something is still missing the RMA goes straight back to
// needs_info, with both steps in its history.
func (s *Service) ProvideInfo(ctx context.Context, actor Actor, id int64, ifVersion int, updates []LineUpdate) (*RMA, error) {
	// The RMA first, then its documents: a document stored after the RMA
	// was read moves its version, so the save below fails (EPRECONDITION)
	// rather than record a decision blind to a document the history shows
	// before it.
	r, err := s.store.RMA(ctx, id)
	if err != nil {
		return nil, err
	}
	docs, err := s.store.Documents(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.transitionLoaded(ctx, actor, r, ifVersion, ActProvideInfo, func(c *change) error {
		for i, u := range updates {
			l := c.r.line(u.LineNo)
			if l == nil {
				return Invalid(fmt.Sprintf("lines[%d].line", i), "no line %d in this RMA", u.LineNo)
			}
			if err := mergeDates(&l.Claim.Dates, u.Dates, c.r.Reported, fmt.Sprintf("lines[%d].dates", i)); err != nil {
				return err
			}
			l.Claim.Documents |= u.Documents
			for _, name := range u.OtherDocuments { // a policy's own documents (policy vocabulary)
				if _, ok := c.p.DeclaredDocument(name); !ok {
					return Invalid(fmt.Sprintf("lines[%d].documents", i), "policy %s does not know document %q", c.p.ID, name)
				}
				l.Claim.OtherDocuments = policy.AddName(l.Claim.OtherDocuments, name)
			}
		}
		for _, d := range docs {
			if doc, err := policy.ParseDocument(d.Kind); err == nil {
				for i := range c.r.Lines {
					if d.LineNo == 0 || d.LineNo == c.r.Lines[i].No {
						c.r.Lines[i].Claim.Documents = c.r.Lines[i].Claim.Documents.With(doc)
					}
				}
			} else if _, ok := c.p.DeclaredDocument(d.Kind); ok { // a policy's own document (policy vocabulary)
				for i := range c.r.Lines {
					if d.LineNo == 0 || d.LineNo == c.r.Lines[i].No {
						c.r.Lines[i].Claim.OtherDocuments = policy.AddName(c.r.Lines[i].Claim.OtherDocuments, d.Kind)
					}
				}
			}
		}
		for i := range c.r.Lines {
			c.r.Lines[i].Decision = c.p.Evaluate(EngineClaim(c.r.Lines[i].Claim, c.r.Lines[i].PartNumber))
		}
		c.r.summarise()
		c.ev.Details["decision"] = c.r.Verdict.String()
		if c.r.Verdict == policy.NeedsInfo {
			c.r.State = NeedsInfo
			c.r.Reason = missingSummary(c.r)
			c.extra = append(c.extra, &Event{At: c.now, Actor: "engine", Action: string(ActRequestInfo), From: Submitted, To: NeedsInfo,
				Details: map[string]any{"reason": c.r.Reason}})
			c.r.notify(NoteNeedsInfo, "requester", c.now)
		} else {
			c.r.Reason = ""
		}
		return nil
	})
}

func mergeDates(dst *policy.Dates, src policy.Dates, reported calendar.Date, field string) error {
	set := []struct {
		name string
		from calendar.Date
		to   *calendar.Date
	}{
		{"purchase", src.Purchase, &dst.Purchase}, {"invoice", src.Invoice, &dst.Invoice},
		{"shipped", src.Shipped, &dst.Shipped}, {"delivered", src.Delivered, &dst.Delivered},
		{"manufactured", src.Manufactured, &dst.Manufactured},
	}
	for _, s := range set {
		if s.from.IsZero() {
			continue
		}
		if s.from > reported {
			return Invalid(field+"."+s.name, "%s is after the day the RMA was filed (%s)", s.from, reported)
		}
		*s.to = s.from
	}
	return nil
}

func (r *RMA) line(no int) *Line {
	for i := range r.Lines {
		if r.Lines[i].No == no {
			return &r.Lines[i]
		}
	}
	return nil
}

// offered checks that the policy offers resolution on the RMA's route.
func offered(p *policy.Policy, r *RMA, resolution string) error {
	rule := p.ResolutionFor(r.Route)
	if rule == nil || !slices.Contains(rule.Offer, resolution) {
		var offer []string
		if rule != nil {
			offer = rule.Offer
		}
		return Invalid("resolution", "%q is not offered by policy %s on route %s (offered: %s)", resolution, p.ID, r.Route, strings.Join(offer, ", "))
	}
	return nil
}

// AuthorizeRequest is the desk's go-ahead for goods to come back.
type AuthorizeRequest struct {
	Resolution string // from the policy's offer, e.g. "return", "replace", "refund"
	Location   string // a service location ID; default: the one chosen at submission
	Note       string
	// Override is the desk's written reason for authorizing another
	// resolution than the one the requester chose where the policy leaves
	// the choice to it; recorded on the event and shown to the requester.
	Override string
	// Lines decides lines one by one (linedecision.go); a line not named
	// is authorized.
	Lines []LineDecision

	// Advance ships these lines' replacements now, before their defective
	// units come back, where their decisions offer it (advance.go).
	Advance []AdvanceRequest
}

// Authorize issues an RMA number valid for the policy's days: goods come back.
func (s *Service) Authorize(ctx context.Context, actor Actor, id int64, ifVersion int, req AuthorizeRequest) (*RMA, error) {
	if err := optional("note", req.Note, 2000); err != nil {
		return nil, err
	}
	if err := optional("override_reason", req.Override, 2000); err != nil {
		return nil, err
	}
	override := strings.TrimSpace(req.Override)
	return s.transition(ctx, actor, id, ifVersion, ActAuthorize, func(c *change) error {
		pref := ""
		if PreferenceChoices(c.p, c.r.Route) != nil {
			pref = c.r.Preference
		}
		if req.Resolution == "" && pref != "" {
			// The requester chose; the desk goes with it.
			req.Resolution = pref
		}
		switch req.Resolution {
		case "destroy_and_credit", "refer_to_manufacturer", "remote_fix":
			return Invalid("resolution", "%q needs no parcel: use its own step (credit_without_return, refer, resolve_remotely)", req.Resolution)
		}
		if err := offered(c.p, c.r, req.Resolution); err != nil {
			return err
		}
		if err := c.decideLines(req.Lines); err != nil {
			return err
		}
		if err := c.shipAdvance(req.Advance, s.at); err != nil { // advance.go
			return err
		}
		if pref != "" && req.Resolution != pref {
			if override == "" {
				return Invalid("resolution", "the requester chose %s, as policy %s leaves to it [%s]: authorize that, or give a written reason for %s (override_reason)",
					pref, c.p.ID, ruleClause(c.p.ResolutionFor(c.r.Route)), req.Resolution)
			}
			c.ev.Details["override_reason"] = override
			c.ev.Details["requester_chose"] = pref
		}
		// Where the goods go: the agent's choice, else the policy's rules
		// for this requester, product and route; the desk's address is
		// copied onto the RMA (location.go).
		code, to, err := s.shipTo(ctx, c.p, c.r, req.Location)
		if err != nil {
			return err
		}
		c.r.Location, c.r.ShipTo = code, to
		if code != "" {
			c.ev.Details["location"] = code
		}
		if strings.TrimSpace(req.Location) != "" {
			c.ev.Details["location_chosen_by"] = "agent"
		}
		c.r.Resolution = req.Resolution
		// Drawn only once the caller may authorize and the RMA can be.
		number, err := s.newNumber(ctx)
		if err != nil {
			return err
		}
		c.issue(number)
		c.ev.Details["number"] = number
		c.ev.Details["expires"] = c.r.NumberExpires.String()
		c.ev.Details["resolution"] = req.Resolution
		c.r.notify(NoteAuthorized, "requester", c.now)
		s.scheduleExpiry(c.r, c.now)
		if c.r.Verdict == policy.Reject {
			c.ev.Details["override"] = "authorized although the policy engine rejected it"
		}
		if req.Note != "" {
			c.ev.Details["note"] = req.Note
		}
		c.addDeadlines("authorized")
		return nil
	})
}

// newNumber draws the next RMA number of the year. The sequence is its own
// transaction: a transition that fails afterwards leaves a gap, which is
// harmless, and never a duplicate.
func (s *Service) newNumber(ctx context.Context) (string, error) {
	y, _, _ := s.Today().YMD()
	seq, err := s.store.NextSequence(ctx, "rma-number-"+strconv.Itoa(y))
	if err != nil {
		return "", err
	}
	return FormatNumber(y, int(seq)), nil
}

func (c *change) issue(number string) {
	for i := range c.r.Numbers {
		c.r.Numbers[i].Current = false
	}
	expires := c.p.RMANumber.Expires(c.today)
	c.r.Numbers = append(c.r.Numbers, NumberRecord{Number: number, Issued: c.today, Expires: expires, Current: true})
	c.r.Number, c.r.NumberExpires = number, expires
}

// Reject ends an RMA with a reason.
func (s *Service) Reject(ctx context.Context, actor Actor, id int64, ifVersion int, reason string) (*RMA, error) {
	if err := required("reason", reason, 2000); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, id, ifVersion, ActReject, func(c *change) error {
		c.r.Reason = reason
		c.ev.Details["reason"] = reason
		c.r.notify(NoteRejected, "requester", c.now)
		return nil
	})
}

// Refer sends the requester to the manufacturer's service centre; the desk is done.
func (s *Service) Refer(ctx context.Context, actor Actor, id int64, ifVersion int, contact, reason string) (*RMA, error) {
	if err := required("contact", contact, 2000); err != nil {
		return nil, err
	}
	if err := optional("reason", reason, 2000); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, id, ifVersion, ActRefer, func(c *change) error {
		if err := offered(c.p, c.r, "refer_to_manufacturer"); err != nil {
			return err
		}
		c.r.Resolution, c.r.ReferredTo, c.r.Reason = "refer_to_manufacturer", contact, reason
		c.ev.Details["contact"] = contact
		return nil
	})
}

// CreditWithoutReturn authorises destruction and credits each line at its
// last invoiced price (Dexxon's first option); prices are the lines'
// prices as the desk enters them, replacing those on file (money.go).
func (s *Service) CreditWithoutReturn(ctx context.Context, actor Actor, id int64, ifVersion int, note string, prices ...LinePrice) (*RMA, error) {
	if err := optional("note", note, 2000); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, id, ifVersion, ActCreditWithoutReturn, func(c *change) error {
		if err := offered(c.p, c.r, "destroy_and_credit"); err != nil {
			return err
		}
		if err := c.setPrices(prices); err != nil {
			return err
		}
		if err := c.creditLines("credit", "destruction authorised: credit at the last invoiced price"); err != nil {
			return err
		}
		c.r.Resolution, c.r.Outcome = "destroy_and_credit", Credited
		c.ev.Details["outcome"] = string(Credited)
		c.r.notify(NoteResolved, "requester", c.now)
		return nil
	})
}

// creditLines adds a credit (a negative charge) per line at its last
// invoiced price times the quantity; every line needs a price.
func (c *change) creditLines(kind, description string) error {
	for _, l := range c.r.Lines {
		if !l.InPlay() {
			continue
		}
		if l.LastInvoicedPrice.Cents == 0 || l.LastInvoicedPrice.Currency == "" {
			return Invalid(fmt.Sprintf("lines[%d].last_invoiced_price", l.No-1), "a credit needs the line's last invoiced price")
		}
		total, ok := mulCents(l.LastInvoicedPrice.Cents, float64(l.Quantity))
		if !ok {
			return Invalid(fmt.Sprintf("lines[%d].last_invoiced_price", l.No-1), "price times quantity is too large")
		}
		c.r.Charges = append(c.r.Charges, Charge{LineNo: l.No, Kind: kind, Basis: "last_invoiced_price", Description: description,
			Quantity: float64(l.Quantity), Amount: Money{Cents: -total, Currency: l.LastInvoicedPrice.Currency}, Created: c.now})
	}
	return nil
}

func mulCents(cents int64, qty float64) (int64, bool) {
	v := math.Round(float64(cents) * qty)
	if math.IsNaN(v) || math.Abs(v) > 1e15 {
		return 0, false
	}
	return int64(v), true
}

// ResolveRemotely resolves an RMA with no parcel: a system upgrade or spare
// parts sent (Mini Cart).
func (s *Service) ResolveRemotely(ctx context.Context, actor Actor, id int64, ifVersion int, note string) (*RMA, error) {
	if err := required("note", note, 2000); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, id, ifVersion, ActResolveRemotely, func(c *change) error {
		if err := offered(c.p, c.r, "remote_fix"); err != nil {
			return err
		}
		c.r.Resolution, c.r.Outcome = "remote_fix", RemoteFix
		c.ev.Details["outcome"] = string(RemoteFix)
		c.r.notify(NoteResolved, "requester", c.now)
		c.ev.Details["note"] = note
		return nil
	})
}

// Expire marks an authorized RMA whose number lapsed before goods arrived.
func (s *Service) Expire(ctx context.Context, actor Actor, id int64, ifVersion int) (*RMA, error) {
	return s.transition(ctx, actor, id, ifVersion, ActExpire, func(c *change) error {
		if c.today <= c.r.NumberExpires {
			return Errorf(ECONFLICT, "RMA number %s is valid until %s", c.r.Number, c.r.NumberExpires)
		}
		c.ev.Details["number"] = c.r.Number
		return nil
	})
}

// Reissue gives an expired RMA a new number with a fresh validity; the old
// number stays in its history.
func (s *Service) Reissue(ctx context.Context, actor Actor, id int64, ifVersion int) (*RMA, error) {
	return s.transition(ctx, actor, id, ifVersion, ActReissue, func(c *change) error {
		number, err := s.newNumber(ctx)
		if err != nil {
			return err
		}
		c.ev.Details["old_number"] = c.r.Number
		c.issue(number)
		c.ev.Details["number"] = number
		c.ev.Details["expires"] = c.r.NumberExpires.String()
		c.r.notify(NoteAuthorized, "requester", c.now)
		s.scheduleExpiry(c.r, c.now)
		return nil
	})
}

// Ship records that the requester sent the parcel.
func (s *Service) Ship(ctx context.Context, actor Actor, id int64, ifVersion int, carrier, tracking string) (*RMA, error) {
	if err := optional("carrier", carrier, 200); err != nil {
		return nil, err
	}
	if err := optional("tracking", tracking, 200); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, id, ifVersion, ActShip, func(c *change) error {
		if c.today > c.r.NumberExpires {
			return Errorf(ECONFLICT, "RMA number %s expired on %s: ask the desk to reissue it", c.r.Number, c.r.NumberExpires)
		}
		if carrier != "" {
			c.ev.Details["carrier"] = carrier
		}
		if tracking != "" {
			c.ev.Details["tracking"] = tracking
		}
		return nil
	})
}

// ReceivedLine is what the receiving bench records per line.
type ReceivedLine struct {
	LineNo             int
	Serial             string
	Model              string
	PartNumber         string // read off the unit's label
	MissingAccessories []Accessory
	Enclosed           policy.DocumentSet
	IntakeCondition    string // IntakeConditions (bench.go); "" not noted
	IntakeNotes        string
}

// Accessory is a missing accessory, with its price when the policy charges it.
type Accessory struct {
	Name  string
	Price Money
}

// Receive records the arrival of an RMA's parcel, looked up by the number on
// it. A number that is unknown, replaced or lapsed is refused as the policy
// says.
//
// ifID and ifVersion are the caller's If-Match (zero: none): the bench may
// receive without having read the RMA first.
func (s *Service) Receive(ctx context.Context, actor Actor, number string, ifID int64, ifVersion int, lines []ReceivedLine) (*RMA, error) {
	if err := authorize(actor, nil, ActReceive); err != nil {
		return nil, err
	}
	canonical, err := NormalizeNumber(number)
	if err != nil {
		return nil, err
	}
	r, err := s.store.RMAByNumber(ctx, canonical)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "no RMA has number %s: goods without a valid RMA number are not processed", canonical)
	}
	if err != nil {
		return nil, err
	}
	p, err := s.policyOf(r)
	if err != nil {
		return nil, err
	}
	if r.Number != canonical {
		return nil, &Error{Code: ECONFLICT, Message: fmt.Sprintf("RMA number %s was replaced by %s: %s", canonical, r.Number, withoutNumber(p))}
	}
	if ifID != 0 && ifID != r.ID {
		return nil, Errorf(EPRECONDITION, "If-Match names RMA %d, but %s is RMA %d", ifID, canonical, r.ID)
	}
	today := s.Today()
	if r.State == Expired || (r.State == Authorized || r.State == InTransit) && today > r.NumberExpires {
		return nil, &Error{Code: ECONFLICT, Message: fmt.Sprintf("RMA number %s expired on %s: %s", canonical, r.NumberExpires, withoutNumber(p))}
	}
	return s.transitionLoaded(ctx, actor, r, ifVersion, ActReceive, func(c *change) error {
		var mismatches []string
		for i, rl := range lines {
			field := fmt.Sprintf("lines[%d]", i)
			l := c.r.line(rl.LineNo)
			if l == nil {
				return Invalid(field+".line", "no line %d in this RMA", rl.LineNo)
			}
			if err := lineInPlay(field+".line", l); err != nil {
				return err
			}
			if err := optional(field+".serial", rl.Serial, 200); err != nil {
				return err
			}
			l.ReceivedSerial, l.ReceivedModel, l.EnclosedDocuments = rl.Serial, rl.Model, rl.Enclosed.Documents()
			l.SerialMismatch = (rl.Serial != "" && l.Claim.Product.Serial != "" && !strings.EqualFold(rl.Serial, l.Claim.Product.Serial)) ||
				(rl.Model != "" && l.Claim.Product.Model != "" && !strings.EqualFold(rl.Model, l.Claim.Product.Model))
			if l.SerialMismatch {
				mismatches = append(mismatches, strconv.Itoa(l.No))
			}
			if err := receivePartNumber(c, field, l, rl.PartNumber); err != nil {
				return err
			}
			if err := c.missingAccessories(field, l, rl.MissingAccessories); err != nil { // bench.go
				return err
			}
			if err := receiveIntake(field, l, rl); err != nil {
				return err
			}
		}
		for i := range c.r.Lines { // advance.go: every line in play arrives with the parcel
			if c.r.Lines[i].InPlay() {
				c.receiveAdvance(&c.r.Lines[i])
			}
		}
		if len(mismatches) > 0 {
			// Pixfra: the SN/PN must match the reservation; the desk decides what follows.
			c.ev.Details["serial_mismatch_lines"] = strings.Join(mismatches, ",")
		}
		c.ev.Details["number"] = canonical
		c.addDeadlines("received")
		s.scheduleDeadlines(c.r, ownedByVendor(c.p, "received"))
		return nil
	})
}

func withoutNumber(p *policy.Policy) string {
	if p.RMANumber.WithoutNumber == "delayed" {
		return "the policy delays such returns: reissue the number before receiving"
	}
	return "the policy refuses goods without a valid RMA number"
}

func findFee(fees []policy.Fee, kind string) *policy.Fee {
	for i := range fees {
		if fees[i].Kind == kind {
			return &fees[i]
		}
	}
	return nil
}

// StartEvaluation hands a received RMA to a technician.
func (s *Service) StartEvaluation(ctx context.Context, actor Actor, id int64, ifVersion int) (*RMA, error) {
	return s.transition(ctx, actor, id, ifVersion, ActStartEvaluation, nil)
}

// LineFinding is a technician's finding on one line, with the charges the
// policy allows for it.
type LineFinding struct {
	LineNo    int
	Finding   Finding
	Condition string // the condition found, for not_covered
	Notes     string
	Charges   []ChargeRequest
	// Hours the evaluation took; an hourly fee of the finding charges
	// them at its amount, else at HourlyRate, the desk's (bench.go).
	Hours      float64
	HourlyRate Money
}

// ChargeRequest asks for a ledger entry of a kind the policy allows.
// Amount is Quantity times UnitPrice; a zero UnitPrice takes the policy's
// amount for the fee, when it has one.
type ChargeRequest struct {
	Kind        string
	Quantity    float64
	UnitPrice   Money
	Description string
}

// Evaluate records findings; charges are checked against the policy's fees
// for the route and finding (no-fault-found at the hourly rate, transport
// when the requester pays the way back, ...).
func (s *Service) Evaluate(ctx context.Context, actor Actor, id int64, ifVersion int, findings []LineFinding) (*RMA, error) {
	if len(findings) == 0 {
		return nil, Invalid("lines", "required: a finding for at least one line")
	}
	return s.transition(ctx, actor, id, ifVersion, ActEvaluate, func(c *change) error {
		for i, f := range findings {
			field := fmt.Sprintf("lines[%d]", i)
			l := c.r.line(f.LineNo)
			if l == nil {
				return Invalid(field+".line", "no line %d in this RMA", f.LineNo)
			}
			if err := lineInPlay(field+".line", l); err != nil {
				return err
			}
			if !slices.Contains(Findings, f.Finding) {
				return Invalid(field+".finding", "unknown finding %q (one of defect_confirmed, no_fault_found, not_covered)", f.Finding)
			}
			if f.Finding == NotCovered {
				if _, err := policy.ParseCondition(f.Condition); err != nil && !declaresCondition(c.p, f.Condition) {
					return Invalid(field+".condition", "not_covered needs the condition found: %v (or one the policy declares)", err)
				}
			} else if f.Condition != "" {
				return Invalid(field+".condition", "only a not_covered finding names a condition")
			}
			if err := optional(field+".notes", f.Notes, 10000); err != nil {
				return err
			}
			l.Finding, l.FindingCondition, l.EvaluationNotes = f.Finding, f.Condition, f.Notes
			for j, cr := range f.Charges {
				ch, err := c.charge(fmt.Sprintf("%s.charges[%d]", field, j), l.No, string(f.Finding), cr)
				if err != nil {
					return err
				}
				c.r.Charges = append(c.r.Charges, ch)
			}
			if err := c.evaluationHours(field, l, f); err != nil { // bench.go
				return err
			}
		}
		c.ev.Details["findings"] = len(findings)
		return nil
	})
}

// charge builds a ledger entry the policy allows after finding.
func (c *change) charge(field string, lineNo int, finding string, cr ChargeRequest) (Charge, error) {
	fees := c.p.FeesFor(c.r.Route, finding)
	fee := findFee(fees, cr.Kind)
	outboundPayer, rule := c.p.ShippingPayer("outbound", c.r.Route, finding)
	if fee == nil && !(cr.Kind == "transport" && outboundPayer == policy.PayerRequester) {
		var kinds []string
		for _, f := range fees {
			kinds = append(kinds, f.Kind)
		}
		return Charge{}, Invalid(joinField(field, "kind"), "policy %s allows no %q charge on route %s after %s (allowed: %s)", c.p.ID, cr.Kind, c.r.Route, finding, strings.Join(kinds, ", "))
	}
	if cr.Quantity <= 0 || cr.Quantity > 10000 {
		return Charge{}, Invalid(joinField(field, "quantity"), "must be positive (hours for an hourly fee)")
	}
	unit := cr.UnitPrice
	ch := Charge{LineNo: lineNo, Kind: cr.Kind, Quantity: cr.Quantity, Description: cr.Description, Created: c.now}
	if fee != nil {
		ch.Basis, ch.Clause = fee.Basis, fee.Clause
		if unit.Cents == 0 && fee.Amount != "" {
			cents, err := parseAmount(fee.Amount)
			if err != nil {
				return Charge{}, err
			}
			unit = Money{Cents: cents, Currency: fee.Currency}
		}
		if ch.Description == "" {
			ch.Description = fee.Text
		}
	} else {
		ch.Basis, ch.Clause = "actual_cost", rule.Clause
		if ch.Description == "" {
			ch.Description = rule.Text
		}
	}
	if unit.Cents <= 0 || len(unit.Currency) != 3 {
		return Charge{}, Invalid(joinField(field, "unit_price"), "required: the policy sets no amount for %q", cr.Kind)
	}
	total, ok := mulCents(unit.Cents, cr.Quantity)
	if !ok {
		return Charge{}, Invalid(joinField(field, "quantity"), "amount too large")
	}
	ch.Amount = Money{Cents: total, Currency: unit.Currency}
	return ch, nil
}

// parseAmount reads a policy's decimal amount ("85.00") as cents.
func parseAmount(s string) (int64, error) {
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("policy amount %q: %w", s, err)
	}
	return v, nil
}

// ResolveRequest ends the evaluation with an outcome.
type ResolveRequest struct {
	Outcome      Outcome
	Replacements []ReplacementUnit
	Note         string
	// Override is the desk's written reason for an outcome the policy does
	// not allow (goodwill, a settlement): recorded on the event and shown
	// to the requester. Without it such an outcome is refused.
	Override string
	// Prices are the lines' last invoiced prices as the desk enters them
	// before a credit or refund (money.go); they replace those on file.
	Prices []LinePrice

	// WaiveFees are the expected fees (a restocking fee) the agent does
	// not charge, each with its reason (restocking.go).
	WaiveFees []FeeWaiver
}

// ReplacementUnit is the unit sent in place of a line's.
type ReplacementUnit struct {
	LineNo int
	Serial string
	Model  string
	Grade  string // new, revised, serviced: from the policy
}

// Resolve ends an evaluated RMA with an outcome: credit, replacement
// (inheriting the original's warranty end where the policy says so), repair,
// refund, return unrepaired, or no fault found.
func (s *Service) Resolve(ctx context.Context, actor Actor, id int64, ifVersion int, req ResolveRequest) (*RMA, error) {
	if err := optional("note", req.Note, 2000); err != nil {
		return nil, err
	}
	if err := optional("override_reason", req.Override, 2000); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, id, ifVersion, ActResolve, func(c *change) error {
		switch req.Outcome {
		case Credited, Replaced, Repaired, Refunded, ReturnedUnrepaired, NoFaultFound:
		case Withdrawn, RemoteFix:
			return Invalid("outcome", "%q has its own step (cancel, resolve_remotely)", req.Outcome)
		default:
			return Invalid("outcome", "unknown outcome %q", req.Outcome)
		}
		for _, l := range c.r.Lines {
			if !l.InPlay() {
				continue // rejected at authorization: nothing to resolve
			}
			// A withdrawal returns goods that need no diagnosis.
			if l.Finding == "" && c.r.Kind != policy.Withdrawal {
				return Errorf(ECONFLICT, "line %d has no finding yet: evaluate it first", l.No)
			}
			if req.Outcome == NoFaultFound && l.Finding != NoFault {
				return Invalid("outcome", "no_fault_found, but line %d was found %s", l.No, l.Finding)
			}
		}
		if err := c.setPrices(req.Prices); err != nil {
			return err
		}
		overridden, err := c.checkOutcome(req.Outcome, strings.TrimSpace(req.Override))
		if err != nil {
			return err
		}
		if len(overridden) > 0 {
			c.ev.Details["override_reason"] = strings.TrimSpace(req.Override)
			c.ev.Details["policy_allows"] = strings.Join(overridden, "; ")
		}
		switch req.Outcome {
		case Replaced:
			if len(req.Replacements) == 0 {
				req.Replacements = c.r.supplierReplacements() // the units the supplier sent (supplier.go)
			}
			if err := c.replace(req.Replacements); err != nil {
				return err
			}
			if err := s.checkReplacementSerials(ctx, c.r, req.Replacements); err != nil {
				return err
			}
		case Credited:
			if err := c.creditLines("credit", "credit at the last invoiced price"); err != nil {
				return err
			}
		case Refunded:
			if err := c.creditLines("refund", "refund"); err != nil {
				return err
			}
		}
		if CreditsOrRefunds(req.Outcome) {
			if err := c.chargeExpectedFees(req.WaiveFees); err != nil { // restocking.go
				return err
			}
		} else if len(req.WaiveFees) > 0 {
			return Invalid("waive_fees", "only a refund or credit has fees to waive")
		}
		if len(req.Replacements) > 0 && req.Outcome != Replaced {
			return Invalid("replacements", "only a replaced outcome has replacement units")
		}
		c.r.Outcome = req.Outcome
		c.ev.Details["outcome"] = string(req.Outcome)
		c.r.notify(NoteResolved, "requester", c.now)
		if req.Note != "" {
			c.ev.Details["note"] = req.Note
		}
		return nil
	})
}

func (c *change) replace(units []ReplacementUnit) error {
	if len(units) == 0 {
		return Invalid("replacements", "required: the replacement unit of each line")
	}
	repl := c.p.Replacement
	for i, u := range units {
		field := fmt.Sprintf("replacements[%d]", i)
		l := c.r.line(u.LineNo)
		if l == nil {
			return Invalid(field+".line", "no line %d in this RMA", u.LineNo)
		}
		if err := lineInPlay(field+".line", l); err != nil {
			return err
		}
		if err := required(field+".serial", u.Serial, 200); err != nil {
			return err
		}
		// A replacement is another unit: "the serial number will be different".
		for _, own := range []string{l.Claim.Product.Serial, l.ReceivedSerial} {
			if own != "" && strings.EqualFold(strings.TrimSpace(u.Serial), strings.TrimSpace(own)) {
				return Invalid(field+".serial", "%s is the serial of line %d's own unit: a replacement is another unit, with its own serial", u.Serial, l.No)
			}
		}
		if repl != nil && len(repl.Grades) > 0 && !slices.Contains(repl.Grades, u.Grade) {
			return Invalid(field+".grade", "%q is not a grade policy %s uses (%s)", u.Grade, c.p.ID, strings.Join(repl.Grades, ", "))
		}
		model := u.Model
		if model == "" {
			model = l.Claim.Product.Model
		}
		if !strings.EqualFold(model, l.Claim.Product.Model) {
			if c.r.NoSubstitute {
				return Errorf(ECONFLICT, "line %d: the requester refused a substitute model (%s for %s)", l.No, model, l.Claim.Product.Model)
			}
			if repl != nil && repl.OtherModel == "no" {
				return Errorf(ECONFLICT, "line %d: policy %s allows no other model as replacement", l.No, c.p.ID)
			}
		}
		l.ReplacementSerial, l.ReplacementModel, l.ReplacementGrade = u.Serial, model, u.Grade
		if repl == nil || repl.Warranty == "carried_over" {
			// The replacement takes over the original's warranty (Plextor).
			l.ReplacementWarrantyEnd = l.Decision.Warranty.LastDay
		}
		for _, other := range units[:i] {
			if SerialKey(other.Serial) == SerialKey(u.Serial) {
				return Invalid(field+".serial", "%s replaces another line already: each line gets its own unit", u.Serial)
			}
		}
		if ru := c.replacementUnit(l, u.Serial, model); ru != nil { // into the registry (registry.go)
			c.r.Units = append(c.r.Units, *ru)
		}
	}
	c.ev.Details["replacements"] = len(units)
	if repl != nil && repl.OwnershipToVendor {
		c.ev.Details["defective_units"] = "property of the vendor"
	}
	return nil
}

// checkReplacementSerials refuses a replacement serial that is, as far as
// the desk knows, a live unit elsewhere: sent out as another RMA's
// replacement, in another RMA still open, or handed back to its owner by
// another RMA (repaired, returned unrepaired, found without fault,
// withdrawn). The latest record of the serial decides: a unit the vendor
// took back (replaced, refunded, credited) may come back as a serviced
// replacement.
func (s *Service) checkReplacementSerials(ctx context.Context, r *RMA, units []ReplacementUnit) error {
	for i, u := range units {
		hits, err := s.store.LinesBySerial(ctx, strings.TrimSpace(u.Serial))
		if err != nil {
			return err
		}
		for j := len(hits) - 1; j >= 0; j-- {
			h := hits[j]
			if h.RMAID == r.ID {
				continue
			}
			live := h.AsReplacement
			switch h.State {
			case Resolved, Closed:
				switch h.Outcome {
				case Repaired, ReturnedUnrepaired, NoFaultFound, Withdrawn, RemoteFix:
					live = true
				}
			case Rejected, Referred, CreditedWithoutReturn, Expired:
			default:
				live = true // in an open RMA
			}
			if live {
				where := h.Number
				if where == "" {
					where = fmt.Sprintf("RMA %d", h.RMAID)
				}
				return Invalid(fmt.Sprintf("replacements[%d].serial", i), "%s is a live unit of %s (line %d): a replacement must be a unit the desk holds", u.Serial, where, h.Line.No)
			}
			break
		}
	}
	return nil
}

// Cancel withdraws an RMA at the requester's wish.
func (s *Service) Cancel(ctx context.Context, actor Actor, id int64, ifVersion int, reason string) (*RMA, error) {
	if err := optional("reason", reason, 2000); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, id, ifVersion, ActCancel, func(c *change) error {
		c.r.Outcome, c.r.Reason = Withdrawn, reason
		c.ev.Details["outcome"] = string(Withdrawn)
		return nil
	})
}

// Close ends an RMA there is nothing left to do for.
func (s *Service) Close(ctx context.Context, actor Actor, id int64, ifVersion int) (*RMA, error) {
	return s.transition(ctx, actor, id, ifVersion, ActClose, nil)
}

func joinField(field, name string) string {
	if field == "" {
		return name
	}
	return field + "." + name
}
