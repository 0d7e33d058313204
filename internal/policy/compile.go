package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// The closed vocabularies of policy files beyond the claim's own.
var (
	offerNames       = []string{"replace", "repair", "refund", "credit", "destroy_and_credit", "refer_to_manufacturer", "return", "remote_fix", "return_unrepaired"}
	findingNames     = []string{"defect_confirmed", "no_fault_found", "not_covered"}
	feeKindNames     = []string{"no_fault_found", "missing_accessory", "repair", "transport", "second_investigation", "supplier_costs", "depreciation", "import_duties", "refused_delivery", "restocking"}
	feeBasisNames    = []string{"hourly", "fixed", "actual_cost", "quote", "last_invoiced_price", "full_value", "percentage"}
	eventNames       = []string{"submitted", "authorized", "received", "evaluated", "resolved"}
	ownerNames       = []string{"vendor", "requester"}
	directionNames   = []string{"inbound", "outbound"}
	chosenByNames    = []string{"vendor", "requester"}
	creditNames      = []string{"last_invoiced_price", "purchase_price"}
	gradeNames       = []string{"new", "revised", "serviced"}
	replWarranty     = []string{"carried_over", "fresh", "remainder_or_minimum"}
	otherModelNames  = []string{"no", "allowed", "unless_refused"}
	onExpiryNames    = []string{"reissue", "void"}
	withoutNumNames  = []string{"refused", "delayed"}
	idPattern        = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	amountPattern    = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,4})?$`)
	currencyPattern  = regexp.MustCompile(`^[A-Z]{3}$`)
	defaultRollAfter = "holiday"
)

type pathIssue struct{ path, msg string }

// compiler turns the YAML shape into a Policy, collecting every problem with
// the path of the key it is about rather than stopping at the first.
type compiler struct {
	issues  []pathIssue
	p       *Policy
	regions map[string]*Region
	cited   map[string]bool

	// Vocabulary (vocabulary.go): the declared documents and conditions
	// rules use, by index.
	usedDocs, usedConds uint64
}

func (c *compiler) errorf(path, format string, args ...any) {
	c.issues = append(c.issues, pathIssue{path, fmt.Sprintf(format, args...)})
}

func (c *compiler) compile(f *fileYAML) *Policy {
	p := &Policy{clauses: map[string]*Clause{}}
	c.p = p
	c.regions = map[string]*Region{}
	c.cited = map[string]bool{}

	c.header(f, p)
	c.clauseList(f.Clauses)
	c.vocabulary(f.Vocabulary) // before the rules that use it
	if f.Calendar != "" {
		p.Calendar = c.calendar("calendar", f.Calendar)
	}
	c.regionList(f.Regions)
	if f.Scope != nil {
		p.Scope = c.scope(f.Scope)
	}
	c.requesters(&f.Requesters, p)
	c.warranty(&f.Warranty, p)
	if f.DOA != nil {
		p.DOA = c.doa(f.DOA)
	}
	if f.Withdrawal != nil {
		p.Withdrawal = c.withdrawal(f.Withdrawal)
	}
	c.outOfWarranty(&f.OutOfWarranty, p)
	for i := range f.Exclusions {
		p.Exclusions = append(p.Exclusions, c.exclusion(fmt.Sprintf("exclusions[%d]", i), &f.Exclusions[i]))
	}
	for i := range f.Documents {
		p.Documents = append(p.Documents, c.documentRule(fmt.Sprintf("documents[%d]", i), &f.Documents[i]))
	}
	c.rmaNumber(&f.RMANumber, p)
	for i := range f.Deadlines {
		p.Deadlines = append(p.Deadlines, c.deadline(fmt.Sprintf("deadlines[%d]", i), &f.Deadlines[i]))
	}
	for i := range f.Shipping {
		p.Shipping = append(p.Shipping, c.shipping(fmt.Sprintf("shipping[%d]", i), &f.Shipping[i]))
	}
	for i := range f.Fees {
		p.Fees = append(p.Fees, c.fee(fmt.Sprintf("fees[%d]", i), &f.Fees[i]))
		if p.Fees[i].atDecision {
			p.decisionFees = append(p.decisionFees, i) // fees.go
		}
	}
	for i := range f.Resolutions {
		p.Resolutions = append(p.Resolutions, c.resolution(fmt.Sprintf("resolutions[%d]", i), &f.Resolutions[i]))
	}
	if f.Replacement != nil {
		p.Replacement = c.replacement(f.Replacement)
	}
	if f.SerialDate != nil {
		p.SerialDate = c.serialDate(f.SerialDate) // issue 14 (terms.go)
	}
	for i := range f.ServiceLocations {
		p.ServiceLocations = append(p.ServiceLocations, c.location(fmt.Sprintf("service_locations[%d]", i), &f.ServiceLocations[i]))
	}
	if f.Supplier != nil {
		p.Supplier = c.supplier(f.Supplier) // supplier.go
	}
	p.LineFields = c.lineFields(f.LineFields)
	for i, in := range f.Instructions {
		path := fmt.Sprintf("instructions[%d]", i)
		c.nonEmpty(path+".text", in.Text)
		p.Instructions = append(p.Instructions, Instruction{
			Text:         in.Text,
			Routes:       c.routes(path+".routes", in.Routes),
			NoteInside:   in.NoteInside,
			BeforeNumber: in.BeforeNumber,
			Clause:       c.clause(path, in.Clause),
		})
	}
	for i, ne := range f.NotEnforced {
		path := fmt.Sprintf("not_enforced[%d]", i)
		c.nonEmpty(path+".reason", ne.Reason)
		p.NotEnforced = append(p.NotEnforced, NotEnforced{Clause: c.clause(path, ne.Clause), Reason: ne.Reason})
	}
	for i, d := range f.Defaults {
		path := fmt.Sprintf("defaults[%d]", i)
		c.nonEmpty(path+".topic", d.Topic)
		c.nonEmpty(path+".choice", d.Choice)
		c.nonEmpty(path+".why", d.Why)
		p.Defaults = append(p.Defaults, DefaultChoice(d))
	}
	c.compilePlans(f, p) // contracts.go
	c.compileAdvance(f, p)
	p.RecordChecks = c.recordChecks(f.Records) // issue 16 (records.go)
	// Every quoted passage must be decided on or explicitly set aside, so a
	// reader can trust that nothing in the source was overlooked.
	for i, cl := range p.Clauses {
		if !c.cited[cl.ID] {
			c.errorf(fmt.Sprintf("clauses[%d].id", i), "clause %q is cited by no rule and not listed under not_enforced", cl.ID)
		}
	}
	c.checkVocabularyUsed()
	c.checkCoherence(p)
	c.termsCoherence(p) // issue 14 (terms.go)
	return p
}

func (c *compiler) header(f *fileYAML, p *Policy) {
	if f.ID == "" {
		c.errorf("id", "required")
	} else if !idPattern.MatchString(f.ID) {
		c.errorf("id", "%q must be lower-case letters, digits, '-' or '_'", f.ID)
	}
	p.ID = f.ID
	c.nonEmpty("version", f.Version)
	p.Version = f.Version
	p.EffectiveFrom = c.date("effective_from", f.EffectiveFrom, true)
	p.Title = f.Title
	p.Example = f.Example
	c.nonEmpty("title", f.Title)
	c.nonEmpty("vendor.name", f.Vendor.Name)
	p.Vendor = Vendor{Name: f.Vendor.Name, ReturnAddress: f.Vendor.ReturnAddress, Email: f.Vendor.Email, Website: f.Vendor.Website}
}

func (c *compiler) clauseList(list []clauseYAML) {
	if len(list) == 0 {
		c.errorf("clauses", "required: the passages of the source policy that rules cite")
	}
	for i, cl := range list {
		path := fmt.Sprintf("clauses[%d]", i)
		switch {
		case cl.ID == "":
			c.errorf(path+".id", "required")
			continue
		case !idPattern.MatchString(cl.ID):
			c.errorf(path+".id", "%q must be lower-case letters, digits, '-' or '_'", cl.ID)
		case c.p.clauses[cl.ID] != nil:
			c.errorf(path+".id", "duplicate clause %q", cl.ID)
			continue
		}
		c.nonEmpty(path+".quote", cl.Quote)
		c.p.Clauses = append(c.p.Clauses, Clause{ID: cl.ID, Section: cl.Section, Quote: strings.TrimSpace(cl.Quote)})
	}
	for i := range c.p.Clauses {
		c.p.clauses[c.p.Clauses[i].ID] = &c.p.Clauses[i]
	}
}

// clause checks a rule's citation; every rule must cite one.
func (c *compiler) clause(rulePath, id string) string {
	return c.clauseAt(rulePath+".clause", id)
}

// clauseAt checks a citation in the field at fieldPath.
func (c *compiler) clauseAt(fieldPath, id string) string {
	if id == "" {
		c.errorf(fieldPath, "required: the id of the clause this rule encodes")
		return ""
	}
	if c.p.clauses[id] == nil {
		c.errorf(fieldPath, "unknown clause %q", id)
		return id
	}
	c.cited[id] = true
	return id
}

func (c *compiler) nonEmpty(path, s string) {
	if strings.TrimSpace(s) == "" {
		c.errorf(path, "required")
	}
}

func (c *compiler) date(path, s string, required bool) calendar.Date {
	if s == "" {
		if required {
			c.errorf(path, "required (YYYY-MM-DD)")
		}
		return 0
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		c.errorf(path, "%q is not a date in the form YYYY-MM-DD", s)
	}
	return d
}

func (c *compiler) oneOf(path, s string, names []string, required bool) string {
	if s == "" {
		if required {
			c.errorf(path, "required (one of %s)", strings.Join(names, ", "))
		}
		return ""
	}
	if !slices.Contains(names, s) {
		c.errorf(path, "unknown value %q (one of %s)", s, strings.Join(names, ", "))
	}
	return s
}

func (c *compiler) list(path string, values, names []string) []string {
	for i, v := range values {
		c.oneOf(fmt.Sprintf("%s[%d]", path, i), v, names, true)
	}
	return values
}

func (c *compiler) calendar(path, code string) *calendar.Calendar {
	cal, ok := calendar.Lookup(code)
	if !ok {
		c.errorf(path, "unknown calendar %q (one of %s)", code, strings.Join(calendar.Codes(), ", "))
	}
	return cal
}

func (c *compiler) roles(path string, names []string) RoleSet {
	var s RoleSet
	for i, n := range names {
		r, err := ParseRole(n)
		if err != nil {
			c.errorf(fmt.Sprintf("%s[%d]", path, i), "%v", err)
			continue
		}
		s = s.With(r)
	}
	return s
}

func (c *compiler) routes(path string, names []string) RouteSet {
	var s RouteSet
	for i, n := range names {
		r, err := ParseRoute(n)
		if err != nil {
			c.errorf(fmt.Sprintf("%s[%d]", path, i), "%v", err)
			continue
		}
		s = s.With(r)
	}
	return s
}

func (c *compiler) regionRefs(path string, ids []string) []*Region {
	var out []*Region
	for i, id := range ids {
		r := c.regions[id]
		if r == nil {
			c.errorf(fmt.Sprintf("%s[%d]", path, i), "unknown region %q", id)
			continue
		}
		out = append(out, r)
	}
	return out
}

func (c *compiler) regionList(list []regionYAML) {
	for i, ry := range list {
		path := fmt.Sprintf("regions[%d]", i)
		if !idPattern.MatchString(ry.ID) {
			c.errorf(path+".id", "required: lower-case letters, digits, '-' or '_'")
			continue
		}
		if c.regions[ry.ID] != nil {
			c.errorf(path+".id", "duplicate region %q", ry.ID)
			continue
		}
		r := &Region{ID: ry.ID, Clause: c.clause(path, ry.Clause)}
		if len(ry.Except) > 0 {
			if len(ry.Countries) > 0 || len(ry.Include) > 0 {
				c.errorf(path+".except", "a region is either every country except some, or a list of countries and regions, not both")
			}
			r.Except = true
			r.Countries = c.countries(path+".except", ry.Except, &r.set)
		} else {
			r.Countries = c.countries(path+".countries", ry.Countries, &r.set)
			for j, id := range ry.Include {
				inc := c.regions[id]
				if inc == nil {
					c.errorf(fmt.Sprintf("%s.include[%d]", path, j), "unknown region %q (a region can include only regions listed before it)", id)
					continue
				}
				if inc.Except {
					c.errorf(fmt.Sprintf("%s.include[%d]", path, j), "region %q is an 'except' region and cannot be included", id)
					continue
				}
				for _, cc := range inc.Countries {
					r.set.add(cc)
				}
				r.Countries = append(r.Countries, inc.Countries...)
			}
			if len(r.Countries) == 0 {
				c.errorf(path+".countries", "required: at least one country")
			}
		}
		c.regions[ry.ID] = r
		c.p.Regions = append(c.p.Regions, r)
	}
}

func (c *compiler) countries(path string, codes []string, set *countrySet) []string {
	for i, cc := range codes {
		if !ValidCountry(cc) {
			c.errorf(fmt.Sprintf("%s[%d]", path, i), "%q is not an ISO 3166-1 alpha-2 country code", cc)
			continue
		}
		set.add(cc)
	}
	return codes
}

func (c *compiler) scope(s *scopeYAML) *Scope {
	sc := &Scope{Regions: c.regionRefs("scope.regions", s.Regions), Text: s.Text, Clause: c.clause("scope", s.Clause)}
	if len(s.Regions) == 0 {
		c.errorf("scope.regions", "required: the regions the policy serves")
	}
	switch s.Otherwise {
	case "reject":
		sc.Otherwise = Reject
	case "review":
		sc.Otherwise = Review
	default:
		c.errorf("scope.otherwise", "must be reject or review, not %q", s.Otherwise)
	}
	c.nonEmpty("scope.text", s.Text)
	return sc
}

func (c *compiler) requesters(r *requestersYAML, p *Policy) {
	p.Requesters.Clause = c.clause("requesters", r.Clause)
	p.Requesters.Allowed = c.roles("requesters.allowed", r.Allowed)
	if len(r.Allowed) == 0 {
		c.errorf("requesters.allowed", "required: the roles that may file")
	}
	for i, rf := range r.Refused {
		path := fmt.Sprintf("requesters.refused[%d]", i)
		roles := c.roles(path+".roles", rf.Roles)
		if roles&p.Requesters.Allowed != 0 {
			c.errorf(path+".roles", "a role is both allowed and refused")
		}
		c.nonEmpty(path+".text", rf.Text)
		p.Requesters.Refusals = append(p.Requesters.Refusals, Refusal{Roles: roles, Text: rf.Text, Clause: c.clause(path, rf.Clause)})
	}
	p.Requesters.Preconditions = c.preconditions(r.Preconditions) // preconditions.go
}

func (c *compiler) windows(path string, list []windowYAML) []Window {
	out := make([]Window, 0, len(list))
	for i, w := range list {
		wp := fmt.Sprintf("%s[%d]", path, i)
		if w.Days <= 0 {
			c.errorf(wp+".days", "must be a positive number of days")
		}
		f, err := ParseDateField(w.After)
		if err != nil || f == DateReported {
			c.errorf(wp+".after", "must be one of purchase, invoice, shipped, delivered, manufactured")
		}
		counting := c.windowCounting(wp+".counting", w.Counting) // terms.go
		out = append(out, Window{After: f, Days: w.Days, desc: daysDesc(w.Days, counting, f), Counting: counting})
	}
	return out
}

func (c *compiler) warranty(w *warrantyYAML, p *Policy) {
	p.Warranty.Clause = c.clause("warranty", w.Clause)
	needsStart := false
	for i := range w.Terms {
		t := &w.Terms[i]
		path := fmt.Sprintf("warranty.terms[%d]", i)
		term := Term{Category: t.Category, Part: t.Part, Covered: t.Covered == nil || *t.Covered, Years: t.Years, Months: t.Months, Text: t.Text, Clause: c.clause(path, t.Clause)}
		if term.Category == "*" {
			term.Category = ""
		}
		if term.Part == "*" {
			term.Part = ""
		}
		switch {
		case !term.Covered:
			if t.Years != 0 || t.Months != 0 || t.Days != 0 || len(t.Within) > 0 {
				c.errorf(path+".covered", "a part that is not covered has no term")
			}
			c.nonEmpty(path+".text", t.Text)
		case len(t.Within) > 0:
			if t.Years != 0 || t.Months != 0 || t.Days != 0 {
				c.errorf(path+".within", "a term is either years/months from the warranty start or fixed windows, not both")
			}
			term.Within = c.windows(path+".within", t.Within)
			term.length = windowsLength(term.Within)
		case t.Days != 0 || t.Counting != "": // issue 14: a term in days (terms.go)
			sp, _ := c.span(path, t.Years, t.Months, t.Days, t.Counting)
			term.Days, term.Counting = sp.Days, sp.Counting
			needsStart = true
			term.length = sp.String()
		default:
			if t.Years < 0 || t.Months < 0 || t.Years*12+t.Months <= 0 || t.Years > 100 {
				c.errorf(path+".years", "a covered term needs a positive length in years and/or months (or fixed windows under within:)")
			}
			needsStart = true
			term.length = termLength(t.Years, t.Months)
		}
		c.termExtras(path, t, &term) // issue 14: selectors, registration (terms.go)
		p.Warranty.regional = p.Warranty.regional || len(term.Regions) > 0
		p.Warranty.Terms = append(p.Warranty.Terms, term)
	}
	if len(w.Terms) == 0 {
		c.errorf("warranty.terms", "required: at least one term")
	} else if last := p.Warranty.Terms[len(p.Warranty.Terms)-1]; last.Category != "" || last.Part != "" || last.sel {
		// A claim for a category nobody thought of must still get an answer.
		c.errorf(fmt.Sprintf("warranty.terms[%d]", len(w.Terms)-1), "the last term must be the default for any category and part (category: \"*\", no part, no other selector)")
	}
	for i, s := range w.Start {
		path := fmt.Sprintf("warranty.start[%d]", i)
		f, err := ParseDateField(s.Date)
		if err != nil || f == DateReported {
			c.errorf(path+".date", "must be one of purchase, invoice, shipped, delivered, manufactured")
		}
		b := StartBasis{Date: f, Clause: c.clause(path, s.Clause)}
		b.Records = c.startSource(path, s, f) // issue 16 (records.go)
		if s.Evidence != "" && !b.Records {
			d, err := c.document(s.Evidence)
			if err != nil {
				c.errorf(path+".evidence", "%v", err)
			}
			b.Evidence, b.HasEvidence = d, true
		}
		b.explained(p) // records.go
		p.Warranty.Start = append(p.Warranty.Start, b)
	}
	if needsStart && len(w.Start) == 0 {
		c.errorf("warranty.start", "required: the dates a warranty term starts from, in order of preference")
	}
	if rf := w.RollForward; rf != nil {
		if rf.When != "" && rf.When != defaultRollAfter {
			c.errorf("warranty.roll_forward.when", "only %q is supported: a last day that is a public holiday", defaultRollAfter)
		}
		p.Warranty.RollForward = &RollForward{Calendar: c.calendar("warranty.roll_forward.calendar", rf.Calendar), Clause: c.clause("warranty.roll_forward", rf.Clause)}
	}
}

func termLength(years, months int) string {
	var parts []string
	if years > 0 {
		parts = append(parts, plural(years, "year"))
	}
	if months > 0 {
		parts = append(parts, plural(months, "month"))
	}
	return strings.Join(parts, " ")
}

func windowsLength(ws []Window) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.desc // "7 days after delivered", "the first 30 days from shipped"
	}
	return strings.Join(parts, " or ")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

func (c *compiler) requirement(path, single string, anyOf []string) Requirement {
	var r Requirement
	switch {
	case single != "" && len(anyOf) > 0:
		c.errorf(path, "give either document: or any_of:, not both")
	case single != "":
		anyOf = []string{single}
	case len(anyOf) == 0:
		c.errorf(path+".document", "required (or any_of: a list of alternatives)")
	}
	for i, n := range anyOf {
		d, err := c.document(n)
		if err != nil {
			if single != "" {
				c.errorf(path+".document", "%v", err)
			} else {
				c.errorf(fmt.Sprintf("%s.any_of[%d]", path, i), "%v", err)
			}
			continue
		}
		r.AnyOf = append(r.AnyOf, d)
	}
	return r
}

func (c *compiler) doa(d *doaYAML) *DOA {
	out := &DOA{Clause: c.clause("doa", d.Clause), Within: c.windows("doa.within", d.Within)}
	if len(d.Within) == 0 {
		c.errorf("doa.within", "required: the DOA window")
	}
	for i, n := range d.NotConditions {
		path := fmt.Sprintf("doa.not_conditions[%d]", i)
		cond, err := c.condition(n.Condition)
		if err != nil {
			c.errorf(path+".condition", "%v", err)
			continue
		}
		out.ConditionRules = append(out.ConditionRules, DOACondition{Condition: cond, Clause: c.clause(path, n.Clause)})
	}
	for i, r := range d.Documents {
		path := fmt.Sprintf("doa.documents[%d]", i)
		out.Documents = append(out.Documents, DOARequirement{Requirement: c.requirement(path, r.Document, r.AnyOf), Clause: c.clause(path, r.Clause)})
	}
	return out
}

func (c *compiler) withdrawal(w *withdrawalYAML) *WithdrawalRule {
	out := &WithdrawalRule{Clause: c.clause("withdrawal", w.Clause), Roles: c.roles("withdrawal.roles", w.Roles), Within: c.windows("withdrawal.within", w.Within), Text: w.Text}
	c.nonEmpty("withdrawal.text", w.Text) // told to requesters without the right
	if out.Roles == 0 {
		c.errorf("withdrawal.roles", "required: the roles with a right of withdrawal")
	}
	if len(w.Within) == 0 {
		c.errorf("withdrawal.within", "required: the withdrawal window")
	}
	return out
}

func (c *compiler) outOfWarranty(o *outOfWarrantyYAML, p *Policy) {
	p.OutOfWarranty.Clause = c.clause("out_of_warranty", o.Clause)
	p.OutOfWarranty.Text = o.Text
	switch o.Route {
	case "reject":
		p.OutOfWarranty.Route = RouteNone
	case "chargeable":
		p.OutOfWarranty.Route = RouteChargeable
	default:
		c.errorf("out_of_warranty.route", "must be reject or chargeable, not %q", o.Route)
	}
}

func (c *compiler) exclusion(path string, e *exclusionYAML) Exclusion {
	out := Exclusion{Text: e.Text, Clause: c.clause(path, e.Clause), Routes: c.routes(path+".routes", e.Routes)}
	switch {
	case e.Condition != "" && e.Cause != "":
		c.errorf(path, "give either condition: or cause:, not both")
	case e.Condition != "":
		cond, err := c.condition(e.Condition)
		if err != nil {
			c.errorf(path+".condition", "%v", err)
		}
		out.Condition, out.HasCondition = cond, true
		if cond >= DeclaredBase {
			out.Declared = c.p.ConditionName(cond)
		}
	case e.Cause != "":
		cause, err := ParseCause(e.Cause)
		if err != nil || cause == CauseUnknown {
			c.errorf(path+".cause", "must be misuse or manufacturing")
		}
		out.Cause = cause
	default:
		c.errorf(path+".condition", "required (or cause:)")
	}
	switch e.Effect {
	case "void":
		out.Effect = Void
	case "chargeable":
		out.Effect = Chargeable
	case "warn":
		out.Effect = Warn
	default:
		c.errorf(path+".effect", "must be void, chargeable or warn, not %q", e.Effect)
	}
	if out.Text == "" {
		out.Text = defaultExclusionText(out)
		if out.Declared != "" { // worded with the name the pack gives it
			out.Text = c.p.condLabel(out.Condition) + strings.TrimPrefix(out.Text, out.Declared)
		}
	}
	return out
}

func defaultExclusionText(e Exclusion) string {
	what := e.Code()
	switch e.Effect {
	case Void:
		return what + ": the warranty does not apply"
	case Chargeable:
		return what + ": repair only with charge"
	}
	return what + ": accepted, with a warning"
}

func (c *compiler) documentRule(path string, d *documentYAML) DocumentRule {
	out := DocumentRule{
		Requirement:    c.requirement(path, d.Document, d.AnyOf),
		Routes:         c.routes(path+".routes", d.Routes),
		Regions:        c.regionRefs(path+".regions", d.Regions),
		OutsideRegions: c.regionRefs(path+".outside_regions", d.OutsideRegions),
		Note:           d.Note,
		Clause:         c.clause(path, d.Clause),
	}
	switch d.Stage {
	case "filing":
		out.Stage = AtFiling
	case "parcel":
		out.Stage = InParcel
	default:
		c.errorf(path+".stage", "must be filing (needed to decide) or parcel (goes with the goods), not %q", d.Stage)
	}
	return out
}

func (c *compiler) counting(path, s string) Counting {
	switch s {
	case "", "calendar_days":
		return CalendarDays
	case "working_days":
		return WorkingDays
	}
	c.errorf(path, "must be calendar_days or working_days, not %q", s)
	return CalendarDays
}

// workingCalendar resolves the calendar for a period counted in working days:
// its own, else the policy's.
func (c *compiler) workingCalendar(path, code string, counting Counting) *calendar.Calendar {
	if code != "" {
		return c.calendar(path+".calendar", code)
	}
	if counting == WorkingDays && c.p.Calendar == nil {
		c.errorf(path+".calendar", "required for working_days (or set the policy's calendar:)")
	}
	return c.p.Calendar
}

func (c *compiler) rmaNumber(r *rmaNumberYAML, p *Policy) {
	path := "rma_number"
	if r.ValidDays <= 0 {
		c.errorf(path+".valid_days", "required: a positive number of days an RMA number stays valid")
	}
	counting := c.counting(path+".counting", r.Counting)
	p.RMANumber = RMANumber{
		ValidDays:     r.ValidDays,
		Counting:      counting,
		Calendar:      c.workingCalendar(path, r.Calendar, counting),
		OnExpiry:      c.oneOf(path+".on_expiry", r.OnExpiry, onExpiryNames, true),
		WithoutNumber: c.oneOf(path+".without_number", r.WithoutNumber, withoutNumNames, true),
		Clause:        c.clause(path, r.Clause),
	}
}

func (c *compiler) deadline(path string, d *deadlineYAML) Deadline {
	days := d.Days
	if d.Weeks != 0 {
		if d.Days != 0 {
			c.errorf(path+".weeks", "give either days: or weeks:, not both")
		}
		days = d.Weeks * 7
	}
	if days <= 0 {
		c.errorf(path+".days", "required: a positive number of days (or weeks:)")
	}
	if !idPattern.MatchString(d.Name) {
		c.errorf(path+".name", "required: lower-case letters, digits, '-' or '_'")
	}
	counting := c.counting(path+".counting", d.Counting)
	return Deadline{
		Name:     d.Name,
		After:    Event(c.oneOf(path+".after", d.After, eventNames, true)),
		Days:     days,
		Counting: counting,
		Calendar: c.workingCalendar(path, d.Calendar, counting),
		Owner:    c.oneOf(path+".owner", d.Owner, ownerNames, true),
		Text:     d.Text,
		Clause:   c.clause(path, d.Clause),
	}
}

func (c *compiler) shipping(path string, s *shippingYAML) ShippingRule {
	payer, err := ParsePayer(s.PaidBy)
	if err != nil {
		c.errorf(path+".paid_by", "%v", err)
	}
	return ShippingRule{
		Direction: c.oneOf(path+".direction", s.Direction, directionNames, true),
		Routes:    c.routes(path+".routes", s.Routes),
		Findings:  c.list(path+".findings", s.Findings, findingNames),
		PaidBy:    payer,
		Terms:     s.Terms,
		Text:      s.Text,
		Clause:    c.clause(path, s.Clause),
	}
}

func (c *compiler) fee(path string, f *feeYAML) Fee {
	if f.Amount != "" && !amountPattern.MatchString(f.Amount) {
		c.errorf(path+".amount", "%q must be a decimal amount such as 85.00 (quoted)", f.Amount)
	}
	if f.Amount != "" && !currencyPattern.MatchString(f.Currency) {
		c.errorf(path+".currency", "required with an amount: an ISO 4217 code such as EUR")
	}
	fee := Fee{
		Kind:        c.oneOf(path+".kind", f.Kind, feeKindNames, true),
		Basis:       c.oneOf(path+".basis", f.Basis, feeBasisNames, true),
		Amount:      f.Amount,
		Currency:    f.Currency,
		Routes:      c.routes(path+".routes", f.Routes),
		Findings:    c.list(path+".findings", f.Findings, findingNames),
		Text:        f.Text,
		Clause:      c.clause(path, f.Clause),
		Accessories: c.accessories(path, f),
	}
	c.compileFeeData(path, f, &fee) // fees.go
	return fee
}

func (c *compiler) resolution(path string, r *resolutionYAML) ResolutionRule {
	if len(r.Offer) == 0 {
		c.errorf(path+".offer", "required: what the vendor offers")
	}
	return ResolutionRule{
		Routes:   c.routes(path+".routes", r.Routes),
		Offer:    c.list(path+".offer", r.Offer, offerNames),
		ChosenBy: c.oneOf(path+".chosen_by", r.ChosenBy, chosenByNames, true),
		Credit:   c.oneOf(path+".credit", r.Credit, creditNames, false),
		Text:     r.Text,
		Clause:   c.clause(path, r.Clause),
	}
}

func (c *compiler) replacement(r *replacementYAML) *Replacement {
	var also []string
	for i, id := range r.AlsoCites {
		also = append(also, c.clauseAt(fmt.Sprintf("replacement.also_cites[%d]", i), id))
	}
	out := &Replacement{
		AlsoCites:         also,
		Grades:            c.list("replacement.grades", r.Grades, gradeNames),
		Warranty:          c.oneOf("replacement.warranty", r.Warranty, replWarranty, true),
		OtherModel:        c.oneOf("replacement.other_model", r.OtherModel, otherModelNames, true),
		OwnershipToVendor: r.OwnershipToVendor,
		Clause:            c.clause("replacement", r.Clause),
	}
	// Issue 14: "N days or the remainder, whichever is longer" (terms.go).
	switch {
	case out.Warranty == "remainder_or_minimum" && r.MinimumDays <= 0:
		c.errorf("replacement.minimum_days", "required with remainder_or_minimum: the replacement's own days")
	case out.Warranty != "remainder_or_minimum" && r.MinimumDays != 0:
		c.errorf("replacement.minimum_days", "only with warranty: remainder_or_minimum")
	case out.Warranty == "remainder_or_minimum":
		out.MinimumDays = r.MinimumDays
	}
	return out
}

func (c *compiler) location(path string, l *locationYAML) ServiceLocation {
	if !idPattern.MatchString(l.ID) {
		c.errorf(path+".id", "required: lower-case letters, digits, '-' or '_'")
	}
	c.nonEmpty(path+".name", l.Name)
	loc := ServiceLocation{
		ID:         l.ID,
		Name:       l.Name,
		Address:    l.Address,
		Regions:    c.regionRefs(path+".regions", l.Regions),
		Categories: l.Categories,
		Routes:     c.routes(path+".routes", l.Routes),
		Location:   l.Location,
		Clause:     c.clause(path, l.Clause),
	}
	loc.Countries = c.countries(path+".countries", l.Countries, &loc.countries)
	if loc.Location == "" {
		loc.Location = l.ID
	} else if !idPattern.MatchString(loc.Location) {
		c.errorf(path+".location", "%q: lower-case letters, digits, '-' or '_'", loc.Location)
	}
	return loc
}

// checkCoherence checks rules against each other: what each alone cannot.
func (c *compiler) checkCoherence(p *Policy) {
	var inUse RouteSet
	inUse = inUse.With(RouteWarranty)
	if p.DOA != nil {
		inUse = inUse.With(RouteDOA)
	}
	if p.Withdrawal != nil {
		inUse = inUse.With(RouteWithdrawal)
	}
	if p.OutOfWarranty.Route == RouteChargeable {
		inUse = inUse.With(RouteChargeable)
	}
	for _, e := range p.Exclusions {
		if e.Effect == Chargeable {
			inUse = inUse.With(RouteChargeable)
		}
	}
	// An accepted claim must be told what the vendor will do.
	for _, r := range inUse.Routes() {
		found := false
		for _, rr := range p.Resolutions {
			if rr.Routes.Matches(r) {
				found = true
				break
			}
		}
		if !found {
			c.errorf("resolutions", "no resolution is offered on route %s", r)
		}
	}
}
