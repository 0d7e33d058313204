package policy

import (
	"encoding/json"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// Decision is the engine's answer to one claim, with the reasons for it, each
// citing the clause of the policy it comes from.
//
// Resolutions is shared with the Policy: treat it as read-only.
type Decision struct {
	Policy                string         `json:"policy"`
	PolicyVersion         string         `json:"policy_version"`
	Kind                  Kind           `json:"kind"`
	Verdict               Verdict        `json:"decision"`
	Route                 Route          `json:"route"`
	Warranty              WarrantyStatus `json:"warranty,omitzero"`
	Window                WindowStatus   `json:"window,omitzero"`
	Reasons               []Reason       `json:"reasons"`
	MissingDocuments      []Document     `json:"missing_documents"`
	EncloseDocuments      []Document     `json:"enclose_documents"`
	Resolutions           []string       `json:"resolutions"`
	ResolutionChosenBy    string         `json:"resolution_chosen_by,omitempty"`
	RMAValidDays          int            `json:"rma_valid_days"`
	InboundShippingPaidBy Payer          `json:"inbound_shipping_paid_by"`

	// Fees known at decision time, charged when the RMA is resolved
	// (fees.go); omitted when none.
	ExpectedCharges []ExpectedCharge `json:"expected_charges,omitempty"`
	// Advance replacement and support contracts (issue 14: advance.go,
	// contracts.go). AdvanceReplacement may be shared with the Policy:
	// treat it as read-only.
	Entitlement        *Entitlement  `json:"entitlement,omitempty"`
	AdvanceReplacement *AdvanceTerms `json:"advance_replacement,omitempty"`
	// Vocabulary (vocabulary.go): the documents the pack declares that are
	// missing, or go in the parcel, by id; the format's own are in
	// MissingDocuments and EncloseDocuments.
	MissingDeclared []string `json:"missing_declared_documents,omitempty"`
	EncloseDeclared []string `json:"enclose_declared_documents,omitempty"`
}

// WarrantyStatus is the warranty (or fixed return window) of a defect claim.
type WarrantyStatus struct {
	Basis        DateField     `json:"basis"` // the date the term runs from
	Start        calendar.Date `json:"start"`
	LastDay      calendar.Date `json:"last_day"`
	ExtendedFrom calendar.Date `json:"extended_from,omitzero"` // the last day before a holiday roll-forward
	Term         string        `json:"term"`
	InWarranty   bool          `json:"in_warranty"`
	// Issue 14, terms (terms.go): the registration that lengthened the
	// term, and what set the last day when not the term alone
	// (registration, replacement, remainder).
	Registered calendar.Date `json:"registered,omitzero"`
	LastDayBy  string        `json:"last_day_by,omitempty"`
	// Issue 16 (records.go): "records" when the start, or the carried
	// end, is the desk's record, not the requester's word.
	Source string `json:"source,omitempty"`
}

// WindowStatus is the DOA or withdrawal window a claim was checked against.
type WindowStatus struct {
	Name    string        `json:"name"` // "doa" or "withdrawal"
	Basis   DateField     `json:"basis"`
	Start   calendar.Date `json:"start"`
	LastDay calendar.Date `json:"last_day"`
	Open    bool          `json:"open"` // the claim was reported within it
}

// Reason is one step of the explanation.
type Reason struct {
	Code   string `json:"code"`
	Clause string `json:"clause"`
	Text   string `json:"text"`
	// How Text was composed, so that a face can say it in another
	// language (Policy.ReasonText): Msg names the engine's wording, Args
	// are its values (dates, numbers, names from the format's vocabulary,
	// never English prose), Key names the pack's text it carries. A reason
	// stored before they were kept has none, and is shown as Text.
	Msg  string   `json:"msg,omitempty"`
	Args []string `json:"args,omitempty"`
	Key  string   `json:"key,omitempty"`
}

// MarshalJSON writes empty lists as [] rather than null, so clients can
// iterate without checking.
func (d Decision) MarshalJSON() ([]byte, error) {
	type plain Decision
	out := plain(d)
	if out.Reasons == nil {
		out.Reasons = []Reason{}
	}
	if out.MissingDocuments == nil {
		out.MissingDocuments = []Document{}
	}
	if out.EncloseDocuments == nil {
		out.EncloseDocuments = []Document{}
	}
	if out.Resolutions == nil {
		out.Resolutions = []string{}
	}
	return json.Marshal(out)
}

// Reason codes that are not a condition's name.
const (
	CodeRequesterNotEligible = "requester_not_eligible"
	CodeMissingCountry       = "missing_country"
	CodeRegionNotServed      = "region_not_served"
	CodePartNotCovered       = "part_not_covered"
	CodeMissingWarrantyStart = "missing_warranty_start"
	CodeMissingDates         = "missing_dates"
	CodeInWarranty           = "in_warranty"
	CodeWarrantyFallback     = "warranty_start_fallback"
	CodeOutOfWarranty        = "out_of_warranty"
	CodeOutsideWindow        = "outside_window"
	CodeChargeableService    = "chargeable_service"
	CodeHolidayExtended      = "holiday_extended"
	CodeCalendarNotCovered   = "calendar_not_covered"
	CodeDOA                  = "doa"
	CodeDOAConditionsNotMet  = "doa_conditions_not_met"
	CodeWithdrawalNotOffered = "withdrawal_not_offered"
	CodeWithinWithdrawal     = "within_withdrawal_window"
	CodeMissingDocuments     = "missing_documents"
	CodePolicyNotInForce     = "policy_not_in_force"
)

// Evaluate decides one claim. It is pure: the same policy and claim always
// give the same decision, whatever the day it runs.
func (p *Policy) Evaluate(c Claim) Decision {
	d := Decision{
		Policy:        p.ID,
		PolicyVersion: p.Version,
		Kind:          c.Kind,
		RMAValidDays:  p.RMANumber.ValidDays,
		Reasons:       make([]Reason, 0, 4),
	}
	if !p.checkRequester(&c, &d) {
		p.finish(&d, RouteNone)
		return d
	}
	if len(p.Requesters.Preconditions) > 0 && !p.checkPreconditions(&c, &d) { // preconditions.go
		p.finish(&d, RouteNone)
		return d
	}
	if c.Dates.Reported < p.EffectiveFrom {
		// Judged by a version not yet in force: the desk should have picked
		// an older one (Set.InForce). A person checks rather than the engine
		// applying rules the requester could not have known.
		d.raise(Review)
		d.add(CodePolicyNotInForce, "", "the claim was reported on "+c.Dates.Reported.String()+", before version "+p.Version+" of this policy took effect on "+p.EffectiveFrom.String())
		d.said(CodePolicyNotInForce, "", c.Dates.Reported.String(), p.Version, p.EffectiveFrom.String())
	}
	if len(c.OtherConditions)+len(c.OtherDocuments) > 0 {
		p.mapDeclared(&c, &d) // vocabulary.go
	}
	p.checkScope(&c, &d)
	var serialAt int
	var serialDerived bool
	if p.SerialDate != nil {
		serialAt, serialDerived = p.deriveManufactured(&c, &d) // issue 14 (terms.go)
	}
	var route Route
	if c.Kind == Withdrawal {
		route = p.evalWithdrawal(&c, &d)
	} else {
		route = p.evalDefect(&c, &d)
	}
	if serialDerived {
		p.explainSerialDate(&c, &d, serialAt)
	}
	route = p.applyExclusions(&c, &d, route)
	if c.Records != nil && len(p.RecordChecks) > 0 {
		p.checkRecords(&c, &d) // issue 16 (records.go)
	}
	if d.Verdict != Reject {
		p.checkDocuments(&c, &d, route)
	}
	if len(c.Contracts) > 0 {
		p.entitle(&c, &d, route) // contracts.go
	}
	if p.Advance != nil {
		p.advance(&c, &d, route) // advance.go
	}
	p.finish(&d, route)
	if p.decisionFees != nil && d.Verdict != Reject {
		p.expectCharges(&c, &d) // fees.go
	}
	return d
}

func (d *Decision) add(code, clause, text string) {
	d.Reasons = append(d.Reasons, Reason{Code: code, Clause: clause, Text: text})
}

// said records how the reason just added was composed (Reason.Msg, Key,
// Args), for its translations (say.go).
func (d *Decision) said(msg, key string, args ...string) {
	r := &d.Reasons[len(d.Reasons)-1]
	r.Msg, r.Key, r.Args = msg, key, args
}

// raise makes v the verdict unless a more severe one is already given.
func (d *Decision) raise(v Verdict) {
	if v.severity() > d.Verdict.severity() {
		d.Verdict = v
	}
}

func (d *Decision) has(code string) bool {
	for i := range d.Reasons {
		if d.Reasons[i].Code == code {
			return true
		}
	}
	return false
}

func (p *Policy) checkRequester(c *Claim, d *Decision) bool {
	role := c.Requester.Role
	if p.Requesters.Allowed.Has(role) {
		return true
	}
	d.raise(Reject)
	for _, rf := range p.Requesters.Refusals {
		if rf.Roles.Has(role) {
			d.add(CodeRequesterNotEligible, rf.Clause, rf.Text)
			d.said("", rf.Key)
			return false
		}
	}
	var names []string
	for _, r := range p.Requesters.Allowed.Roles() {
		names = append(names, r.String())
	}
	d.add(CodeRequesterNotEligible, p.Requesters.Clause,
		"requester role "+role.String()+" may not file under this policy (only "+strings.Join(names, ", ")+")")
	d.said(CodeRequesterNotEligible, "", append([]string{role.String()}, names...)...)
	return false
}

func (p *Policy) checkScope(c *Claim, d *Decision) {
	if p.Scope == nil {
		return
	}
	if c.Requester.Country == "" {
		d.addMissingCountry(p.Scope.Clause)
		return
	}
	if !inAnyRegion(p.Scope.Regions, c.Requester.Country) {
		d.raise(p.Scope.Otherwise)
		d.add(CodeRegionNotServed, p.Scope.Clause, c.Requester.Country+": "+p.Scope.Text)
		d.said(CodeRegionNotServed, "scope", c.Requester.Country)
	}
}

func (d *Decision) addMissingCountry(clause string) {
	if d.has(CodeMissingCountry) {
		return
	}
	d.raise(NeedsInfo)
	d.add(CodeMissingCountry, clause, "requester.country is needed: the policy depends on where the requester is")
	d.said(CodeMissingCountry, "")
}

// term finds the warranty term for the claim's category and part, and its
// other selectors (terms.go); compile guarantees the last term matches
// anything.
func (w *Warranty) term(c *Claim, d *Decision) *Term {
	category, part := c.Product.Category, c.Product.Part
	for i := range w.Terms {
		t := &w.Terms[i]
		if (t.Category == "" || strings.EqualFold(t.Category, category)) && (t.Part == "" || strings.EqualFold(t.Part, part)) && (!t.sel || t.selects(c, d)) {
			return t
		}
	}
	return nil
}

// openWindow finds, among windows whose anchor date the claim gives, the
// first one still open on the reported day, or else the one that closed last.
func openWindow(ws []Window, dates *Dates) (w Window, start, last calendar.Date, open, found bool) {
	for _, cand := range ws {
		s := dates.Get(cand.After)
		if s.IsZero() {
			continue
		}
		l := cand.lastDay(s)
		if dates.Reported <= l {
			return cand, s, l, true, true
		}
		if !found || l > last {
			w, start, last, found = cand, s, l, true
		}
	}
	return w, start, last, false, found
}

func (p *Policy) evalDefect(c *Claim, d *Decision) Route {
	t := p.Warranty.term(c, d)
	if t == nil {
		d.raise(Review)
		d.add("no_warranty_term", p.Warranty.Clause, "no warranty term matches category "+c.Product.Category+" part "+c.Product.Part)
		d.said("no_warranty_term", "", c.Product.Category, c.Product.Part)
		return RouteWarranty
	}
	if !t.Covered {
		d.raise(Reject)
		d.add(CodePartNotCovered, t.Clause, t.Text)
		d.said("", t.Key)
		return RouteNone
	}
	known := p.warrantyStatus(c, d, t)
	if !known {
		d.Warranty = WarrantyStatus{} // no half-filled window in the decision
	}
	if p.DOA != nil && p.evalDOA(c, d) {
		return RouteDOA
	}
	if !known {
		p.explainMissingStart(c, d, t)
		return RouteWarranty
	}
	w := &d.Warranty
	if w.InWarranty {
		prefix := "in warranty: "
		if t.Within != nil {
			prefix = "within the window: "
		}
		d.add(CodeInWarranty, p.statusClause(t, w), windowText(prefix, w, t.Within != nil, ""))
		d.said(windowMsg(CodeInWarranty, t, w), "", windowArgs(t, w, "")...)
		return RouteWarranty
	}
	if p.uncertain(c, d) {
		// rollForward asked a person to check; do not reject what may be in warranty.
		return RouteWarranty
	}
	if p.Warranty.regional && p.countryUndecided(c, t) {
		// Issue 14: a term for the requester's region may apply; the claim
		// was asked for the country (terms.go).
		return RouteWarranty
	}
	code, prefix := CodeOutOfWarranty, "out of warranty: "
	if t.Within != nil {
		code, prefix = CodeOutsideWindow, "outside the window: "
	}
	d.add(code, p.statusClause(t, w), windowText(prefix, w, t.Within != nil, c.Dates.Reported.String()))
	d.said(windowMsg(code, t, w), "", windowArgs(t, w, c.Dates.Reported.String())...)
	if len(c.Contracts) > 0 && p.coveredByContract(c, d) { // contracts.go
		return RouteWarranty
	}
	if p.OutOfWarranty.Route == RouteChargeable {
		d.add(CodeChargeableService, p.OutOfWarranty.Clause, p.OutOfWarranty.Text)
		d.said("", "out_of_warranty")
		return RouteChargeable
	}
	d.raise(Reject)
	return RouteNone
}

// warrantyStatus fills d.Warranty; it reports false when the claim lacks the
// dates (or their evidence) to place the warranty.
func (p *Policy) warrantyStatus(c *Claim, d *Decision, t *Term) bool {
	w := &d.Warranty
	w.Term = t.length
	if rec := c.Records; rec != nil && !rec.WarrantyEnd.IsZero() {
		p.recordsWarranty(c, d) // issue 16: a replacement the desk shipped (records.go)
		return true
	}
	if t.Within != nil {
		win, start, last, open, found := openWindow(t.Within, &c.Dates)
		if !found {
			return false
		}
		w.Basis, w.Start, w.LastDay, w.InWarranty = win.After, start, last, open
		w.Term = win.desc
	} else {
		used := -1
		for i := range p.Warranty.Start {
			b := &p.Warranty.Start[i]
			s, ok := startDate(c, b) // the claim's, or the desk's records (records.go)
			if !ok {
				continue
			}
			w.Basis, w.Start = b.Date, s
			w.LastDay = calendar.LastDayOfTerm(s, t.Years, t.Months)
			used = i
			break
		}
		if w.Start.IsZero() {
			return false
		}
		switch {
		case p.Warranty.Start[used].Records:
			w.Source = SourceRecords
			p.explainRecordsStart(c, d, used)
		case used > 0:
			p.explainFallback(c, d, used)
		}
		if t.ext {
			// Issue 14: a term in days, or lengthened by registration (terms.go).
			sp := p.termSpan(c, d, t)
			w.LastDay, w.Term = sp.LastDay(w.Start), sp.String()
		}
		w.InWarranty = c.Dates.Reported <= w.LastDay
	}
	if rf := p.Warranty.RollForward; rf != nil {
		p.rollForward(c, d, rf)
	}
	if r := p.Replacement; r != nil && r.MinimumDays > 0 && !c.Dates.Replaced.IsZero() {
		p.replacementWarranty(c, d) // issue 14 (terms.go)
	}
	return true
}

// maxHolidayReach bounds how far a roll-forward can move a last day: the
// longest official block of days off (China's Spring Festival and National
// Day: 8 or 9 days) plus the weekend and make-up days around it.
const maxHolidayReach = 14

// uncertain reports whether a claim reported after the last day might still
// be in warranty, because the holiday calendar has no data for the last
// day's year and a holiday could have moved it.
func (p *Policy) uncertain(c *Claim, d *Decision) bool {
	rf := p.Warranty.RollForward
	last := d.Warranty.LastDay
	return rf != nil && !d.Warranty.Start.IsZero() && !rf.Calendar.Covers(last) &&
		c.Dates.Reported > last && c.Dates.Reported <= last.AddDays(maxHolidayReach)
}

func (p *Policy) rollForward(c *Claim, d *Decision, rf *RollForward) {
	w := &d.Warranty
	last := w.LastDay
	if !rf.Calendar.Covers(last) {
		// Without the holiday data we cannot know whether the window moves;
		// that only matters when the claim came after the unmoved last day,
		// but not so long after that no holiday could bridge the gap.
		if p.uncertain(c, d) {
			d.raise(Review)
			d.add(CodeCalendarNotCovered, rf.Clause, "the "+rf.Calendar.Code()+" holiday calendar has no data for "+last.String()+": a person must check whether the last day moves")
			d.said(CodeCalendarNotCovered, "", rf.Calendar.Code(), last.String())
		}
		return
	}
	if !rf.Calendar.IsHoliday(last) {
		return
	}
	moved := rf.Calendar.RollForward(last)
	w.ExtendedFrom, w.LastDay = last, moved
	w.InWarranty = c.Dates.Reported <= moved
	var buf [192]byte
	b := append(buf[:0], "the last day "...)
	b = last.AppendFormat(b)
	b = append(b, " is a public holiday in "...)
	b = append(b, rf.Calendar.Code()...)
	if name := rf.Calendar.HolidayName(last); name != "" {
		b = append(b, " ("...)
		b = append(b, name...)
		b = append(b, ')')
	}
	b = append(b, ": the first working day after it, "...)
	b = moved.AppendFormat(b)
	b = append(b, ", is the last day"...)
	d.add(CodeHolidayExtended, rf.Clause, string(b))
	d.said(CodeHolidayExtended, "", last.String(), rf.Calendar.Code(), rf.Calendar.HolidayName(last), moved.String())
}

// windowText explains a warranty window in one line, with one allocation.
func windowText(prefix string, w *WarrantyStatus, window bool, reported string) string {
	var buf [192]byte
	b := append(buf[:0], prefix...)
	b = append(b, w.Term...)
	if !window {
		b = append(b, " from "...)
		b = append(b, w.Basis.String()...)
	}
	b = append(b, ' ')
	b = w.Start.AppendFormat(b)
	b = append(b, ", last day "...)
	b = w.LastDay.AppendFormat(b)
	if reported != "" {
		b = append(b, ", reported "...)
		b = append(b, reported...)
	}
	return string(b)
}

// explainFallback says why the warranty runs from a later basis than the
// policy's first choice (Dexxon: no end-user receipt, so from Dexxon's own
// invoice), citing the clause of the basis used.
func (p *Policy) explainFallback(c *Claim, d *Decision, used int) {
	// Args: the date used and its day, then each date skipped, as
	// "field" (not given), "field/document" (given without its evidence)
	// or "records.field" (not in the desk's records, issue 16). An entry
	// on the desk's records is not mentioned when the desk keeps none.
	visible := false
	for i := range p.Warranty.Start[:used] {
		visible = visible || c.sees(&p.Warranty.Start[i])
	}
	if !visible {
		return // only entries on records the desk does not keep: nothing to say, nothing to allocate
	}
	b := p.Warranty.Start[used]
	var skipped []string
	args := []string{b.Date.String(), d.Warranty.Start.String()}
	for i := range p.Warranty.Start[:used] {
		s := &p.Warranty.Start[i]
		if !c.sees(s) {
			continue
		}
		text, arg := p.skippedStart(c, s)
		skipped, args = append(skipped, text), append(args, arg)
	}
	d.add(CodeWarrantyFallback, b.Clause, strings.Join(skipped, ", ")+": the warranty runs from dates."+b.Date.String()+" "+d.Warranty.Start.String())
	d.said(CodeWarrantyFallback, "", args...)
}

func (p *Policy) explainMissingStart(c *Claim, d *Decision, t *Term) {
	d.raise(NeedsInfo)
	if t.Within != nil {
		var fields []string
		for _, w := range t.Within {
			fields = append(fields, "dates."+w.After.String())
		}
		d.add(CodeMissingDates, t.Clause, "the window runs from "+strings.Join(fields, " or ")+"; the claim gives none")
		d.said(CodeMissingDates, "", windowFields(t.Within)...)
		return
	}
	var options []string
	for i := range p.Warranty.Start {
		b := &p.Warranty.Start[i]
		switch {
		case !c.sees(b):
			continue
		case b.Records:
			options = append(options, b.Date.String()+" in the desk's records")
			continue
		}
		opt := "dates." + b.Date.String()
		if b.HasEvidence {
			opt += " with " + p.docLabel(b.Evidence)
		}
		options = append(options, opt)
	}
	if doc, ok := p.evidenceToAskFor(c); ok {
		d.missing(p, doc)
	}
	d.add(CodeMissingWarrantyStart, p.Warranty.Clause, "the warranty starts from "+strings.Join(options, ", else ")+"; the claim gives none of these")
	// Args: each date the warranty may start from, "field" or "field/document".
	args := make([]string, 0, len(p.Warranty.Start))
	for _, b := range p.Warranty.Start {
		if !c.sees(&b) {
			continue
		}
		if b.Records {
			args = append(args, "records."+b.Date.String())
			continue
		}
		if b.HasEvidence {
			args = append(args, b.Date.String()+"/"+p.DocumentName(b.Evidence))
		} else {
			args = append(args, b.Date.String())
		}
	}
	d.said(CodeMissingWarrantyStart, "", args...)
}

// evidenceToAskFor picks the one document that would let the warranty
// start: the evidence of a date the claim gives (the requester has the date,
// so likely the paper), else the evidence of the preferred basis.
func (p *Policy) evidenceToAskFor(c *Claim) (Document, bool) {
	for _, b := range p.Warranty.Start {
		if b.HasEvidence && !c.Dates.Get(b.Date).IsZero() {
			return b.Evidence, true
		}
	}
	for _, b := range p.Warranty.Start {
		if b.HasEvidence {
			return b.Evidence, true
		}
	}
	return 0, false
}

// evalDOA reports whether the claim takes the DOA route.
func (p *Policy) evalDOA(c *Claim, d *Decision) bool {
	doa := p.DOA
	w, start, last, open, found := openWindow(doa.Within, &c.Dates)
	if !found {
		return false
	}
	d.Window = WindowStatus{Name: "doa", Basis: w.After, Start: start, LastDay: last, Open: open}
	if !open {
		return false
	}
	// Each unmet condition is its own reason, citing the clause that sets it.
	met := true
	const fallback = ": handled as a standard claim"
	for _, cr := range doa.ConditionRules {
		if c.Conditions.Has(cr.Condition) {
			met = false
			d.add(CodeDOAConditionsNotMet, cr.Clause, "reported within the DOA window, but the unit has "+p.condLabel(cr.Condition)+fallback)
			d.said(CodeDOAConditionsNotMet+".condition", "", p.ConditionName(cr.Condition))
		}
	}
	for i := range doa.Documents {
		if r := &doa.Documents[i]; !r.satisfiedBy(c.Documents) {
			met = false
			d.add(CodeDOAConditionsNotMet, r.Clause, "reported within the DOA window, but without "+p.describe(&r.Requirement)+fallback)
			d.said(CodeDOAConditionsNotMet+".document", "", p.docNames(r.AnyOf)...)
		}
	}
	if !met {
		return false
	}
	var buf [128]byte
	b := append(buf[:0], "dead on arrival: reported within "...)
	b = append(b, w.desc...)
	b = append(b, ' ')
	b = start.AppendFormat(b)
	b = append(b, " (last day "...)
	b = last.AppendFormat(b)
	b = append(b, ')')
	d.add(CodeDOA, doa.Clause, string(b))
	d.said(w.msg(CodeDOA), "", itoa(w.Days), w.After.String(), start.String(), last.String())
	return true
}

func (r *Requirement) describe() string {
	names := make([]string, len(r.AnyOf))
	for i, doc := range r.AnyOf {
		names[i] = doc.String()
	}
	return strings.Join(names, " or ")
}

func (p *Policy) evalWithdrawal(c *Claim, d *Decision) Route {
	wd := p.Withdrawal
	if wd == nil {
		d.raise(Reject)
		d.add(CodeWithdrawalNotOffered, "", "this policy offers no right of withdrawal; file a defect claim instead")
		d.said(CodeWithdrawalNotOffered, "")
		return RouteNone
	}
	if !wd.Roles.Has(c.Requester.Role) {
		d.raise(Reject)
		d.add(CodeRequesterNotEligible, wd.Clause, wd.Text)
		d.said("", "withdrawal")
		return RouteNone
	}
	w, start, last, open, found := openWindow(wd.Within, &c.Dates)
	if !found {
		d.raise(NeedsInfo)
		var fields []string
		for _, w := range wd.Within {
			fields = append(fields, "dates."+w.After.String())
		}
		d.add(CodeMissingDates, wd.Clause, "the withdrawal period runs from "+strings.Join(fields, " or ")+"; the claim gives none")
		d.said(CodeMissingDates+".withdrawal", "", windowFields(wd.Within)...)
		return RouteWithdrawal
	}
	d.Window = WindowStatus{Name: "withdrawal", Basis: w.After, Start: start, LastDay: last, Open: open}
	text := "withdrawal period of " + w.desc + " " + start.String() + ", last day " + last.String()
	if open {
		d.add(CodeWithinWithdrawal, wd.Clause, text)
		d.said(w.msg("withdrawal_window"), "", itoa(w.Days), w.After.String(), start.String(), last.String())
		return RouteWithdrawal
	}
	d.raise(Reject)
	d.add(CodeOutsideWindow, wd.Clause, text+", reported "+c.Dates.Reported.String())
	d.said(w.msg("withdrawal_window"), "", itoa(w.Days), w.After.String(), start.String(), last.String(), c.Dates.Reported.String())
	return RouteNone
}

// applyExclusions applies each exclusion that the unit's conditions or cause
// trigger on the route the claim has taken so far.
func (p *Policy) applyExclusions(c *Claim, d *Decision, route Route) Route {
	if c.Conditions == 0 && c.Cause == CauseUnknown {
		return route
	}
	taken := route
	for i := range p.Exclusions {
		e := &p.Exclusions[i]
		hit := (e.HasCondition && c.Conditions.Has(e.Condition)) || (!e.HasCondition && c.Cause == e.Cause)
		if !hit || !e.Routes.Matches(taken) {
			continue
		}
		d.add(e.Code(), e.Clause, e.Text)
		if e.Key != "" {
			d.said("", e.Key)
		} else {
			d.said("exclusion."+e.Effect.String(), "", e.Code())
		}
		switch e.Effect {
		case Void:
			d.raise(Reject)
			route = RouteNone
		case Chargeable:
			if route != RouteNone {
				route = RouteChargeable
			}
		}
	}
	return route
}

func (p *Policy) checkDocuments(c *Claim, d *Decision, route Route) {
	for i := range p.Documents {
		r := &p.Documents[i]
		if r.needsCountry() && c.Requester.Country == "" {
			d.addMissingCountry(r.Clause)
			continue
		}
		if !r.appliesTo(route, c.Requester.Country) {
			continue
		}
		doc := r.AnyOf[0]
		for _, alt := range r.AnyOf {
			if c.Documents.Has(alt) {
				doc = alt
				break
			}
		}
		if r.Stage == InParcel {
			if doc >= DeclaredBase {
				d.EncloseDeclared = append(d.EncloseDeclared, p.DocumentName(doc))
			} else {
				d.EncloseDocuments = append(d.EncloseDocuments, doc)
			}
			continue
		}
		if r.satisfiedBy(c.Documents) {
			continue
		}
		d.missing(p, doc)
		d.raise(NeedsInfo)
		text := p.describe(&r.Requirement) + " is required"
		if r.Note != "" {
			text += ": " + r.Note
		}
		d.add(CodeMissingDocuments, r.Clause, text)
		d.said(CodeMissingDocuments, r.Key, p.docNames(r.AnyOf)...)
	}
}

// finish settles what follows from the verdict and route: a rejected claim
// has no route, a chargeable one needs a person's quote.
func (p *Policy) finish(d *Decision, route Route) {
	if d.Verdict == Reject {
		d.Route = RouteNone
		d.RMAValidDays = 0
		return
	}
	if route == RouteChargeable {
		d.raise(Review)
	}
	d.Route = route
	if r := p.ResolutionFor(route); r != nil {
		d.Resolutions, d.ResolutionChosenBy = r.Offer, r.ChosenBy
	}
	d.InboundShippingPaidBy, _ = p.ShippingPayer("inbound", route, "")
}
