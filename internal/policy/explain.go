package policy

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteDecision writes a decision for a person to read: the verdict, the
// route, the warranty window, and each reason with the clause it cites.
func WriteDecision(w io.Writer, p *Policy, d *Decision) error {
	ew := &errWriter{w: w}
	ew.printf("Policy:     %s %s (%s)\n", p.ID, p.Version, p.Title)
	ew.printf("Decision:   %s\n", strings.ToUpper(d.Verdict.String()))
	ew.printf("Route:      %s\n", d.Route)
	if ws := d.Warranty; !ws.Start.IsZero() {
		ew.printf("Warranty:   %s", ws.Term)
		if strings.Contains(ws.Term, " after ") || strings.Contains(ws.Term, " from ") {
			ew.printf(" %s", ws.Start)
		} else {
			ew.printf(" from %s %s", ws.Basis, ws.Start)
		}
		ew.printf(", last day %s", ws.LastDay)
		if !ws.ExtendedFrom.IsZero() {
			ew.printf(" (moved from %s)", ws.ExtendedFrom)
		}
		if ws.LastDayBy != "" {
			ew.printf(" (by %s)", ws.LastDayBy) // issue 14 (terms.go)
		}
		if ws.InWarranty {
			ew.printf(": in warranty\n")
		} else {
			ew.printf(": not in warranty\n")
		}
	}
	if win := d.Window; win.Name != "" {
		state := "closed"
		if win.Open {
			state = "open"
		}
		ew.printf("Window:     %s from %s %s, last day %s: %s\n", win.Name, win.Basis, win.Start, win.LastDay, state)
	}
	ew.printf("Reasons:\n")
	for i, r := range d.Reasons {
		clause := r.Clause
		if clause == "" {
			clause = "-"
		}
		ew.printf("  %d. %s [%s]\n", i+1, r.Code, clause)
		if c := p.Clause(r.Clause); c != nil && c.Section != "" {
			ew.printf("     %s\n     (%s)\n", r.Text, c.Section)
		} else {
			ew.printf("     %s\n", r.Text)
		}
	}
	if len(d.MissingDocuments)+len(d.MissingDeclared) > 0 {
		ew.printf("Missing documents: %s\n", p.joinDocLists(d.MissingDocuments, d.MissingDeclared))
	}
	if len(d.EncloseDocuments)+len(d.EncloseDeclared) > 0 {
		ew.printf("Enclose in the parcel: %s\n", p.joinDocLists(d.EncloseDocuments, d.EncloseDeclared))
	}
	if len(d.Resolutions) > 0 {
		ew.printf("Resolutions: %s (chosen by the %s)\n", strings.Join(d.Resolutions, ", "), d.ResolutionChosenBy)
	}
	if d.RMAValidDays > 0 {
		ew.printf("RMA number valid: %d days\n", d.RMAValidDays)
	}
	writeAdvance(ew, d) // advance.go
	if d.Verdict != Reject {
		ew.printf("Inbound shipping paid by: %s\n", d.InboundShippingPaidBy)
	}
	writeExpectedCharges(ew, d) // fees.go
	return ew.err
}

func joinNames[T fmt.Stringer](items []T) string {
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = it.String()
	}
	return strings.Join(names, ", ")
}

// WritePolicy writes a summary of a policy: every rule with the clause it cites.
func WritePolicy(w io.Writer, p *Policy) error {
	ew := &errWriter{w: w}
	ew.printf("%s %s: %s\n", p.ID, p.Version, p.Title)
	ew.printf("Effective from %s; source %s\n", p.EffectiveFrom, p.Source)
	ew.printf("Vendor: %s\n", p.Vendor.Name)
	for _, l := range p.Vendor.ReturnAddress {
		ew.printf("  %s\n", l)
	}
	tw := tabwriter.NewWriter(ew, 2, 4, 2, ' ', 0)
	row := func(what, rule, clause string) { fmt.Fprintf(tw, "  %s\t[%s]\t%s\n", what, clause, rule) }
	ew.printf("\nRules:\n")
	p.eachRule(row)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(p.Defaults) > 0 {
		ew.printf("\nChosen where the source is silent:\n")
		for _, d := range p.Defaults {
			ew.printf("  %s: %s\n    %s\n", d.Topic, d.Choice, strings.TrimSpace(d.Why))
		}
	}
	ew.printf("\nClauses:\n")
	for _, c := range p.Clauses {
		ew.printf("  [%s] %s\n", c.ID, c.Section)
	}
	return ew.err
}

func orAny(s string) string {
	if s == "" {
		return "any"
	}
	return s
}

func orAll(s string) string {
	if s == "" {
		return "all routes"
	}
	return s
}

// errWriter keeps the first write error so the writers above can print
// freely and report once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}

// eachRule calls row for every rule of p, in the order WritePolicy lists
// them: what it is about, the rule in words, and the clause it cites.
func (p *Policy) eachRule(row func(what, rule, clause string)) {
	row("requesters", "allowed: "+joinNames(p.Requesters.Allowed.Roles()), p.Requesters.Clause)
	for _, rf := range p.Requesters.Refusals {
		row("", "refused "+joinNames(rf.Roles.Roles())+": "+rf.Text, rf.Clause)
	}
	p.writeIssue14Rules(row) // preconditions.go, vocabulary.go
	if p.Scope != nil {
		ids := make([]string, len(p.Scope.Regions))
		for i, r := range p.Scope.Regions {
			ids[i] = r.ID
		}
		row("scope", "regions "+strings.Join(ids, ", ")+"; otherwise "+p.Scope.Otherwise.String(), p.Scope.Clause)
	}
	for _, r := range p.Regions {
		kind := "countries"
		if r.Except {
			kind = "all except"
		}
		row("region "+r.ID, kind+" "+strings.Join(r.Countries, " "), r.Clause)
	}
	for _, b := range p.Warranty.Start {
		s := "starts from " + b.Date.String()
		if b.HasEvidence {
			s += " (with " + p.docLabel(b.Evidence) + ")"
		}
		if b.Records {
			s += " (the desk's records)"
		}
		row("warranty", s, b.Clause)
	}
	for _, t := range p.Warranty.Terms {
		what := "category " + orAny(t.Category) + ", part " + orAny(t.Part)
		if !t.Covered {
			row("warranty", what+": not covered", t.Clause)
			continue
		}
		row("warranty", what+termSelectors(&t)+": "+t.length, t.Clause)
		if r := t.Registration; r != nil {
			row("warranty", what+": "+r.Span.String()+" if registered within "+plural(r.WithinDays, "day")+" after "+r.After.String(), r.Clause)
		}
	}
	if sd := p.SerialDate; sd != nil {
		row("warranty", "manufactured read from the serial: "+sd.Pattern, sd.Clause)
	}
	if rf := p.Warranty.RollForward; rf != nil {
		row("warranty", "last day on a public holiday in "+rf.Calendar.Code()+" moves to the next working day", rf.Clause)
	}
	if p.DOA != nil {
		row("doa", "within "+windowsLength(p.DOA.Within), p.DOA.Clause)
		for _, c := range p.DOA.ConditionRules {
			row("doa", "not with "+p.ConditionName(c.Condition), c.Clause)
		}
		for _, r := range p.DOA.Documents {
			row("doa", "needs "+p.describe(&r.Requirement), r.Clause)
		}
	}
	if wd := p.Withdrawal; wd != nil {
		row("withdrawal", joinNames(wd.Roles.Roles())+", within "+windowsLength(wd.Within), wd.Clause)
	}
	p.writeRecordRules(row) // issue 16 (records.go)
	oow := "rejected"
	if p.OutOfWarranty.Route == RouteChargeable {
		oow = "chargeable service (review)"
	}
	row("out of warranty", oow, p.OutOfWarranty.Clause)
	for _, e := range p.Exclusions {
		s := e.Code() + ": " + e.Effect.String()
		if e.Routes != 0 {
			s += " on " + joinNames(e.Routes.Routes())
		}
		row("exclusion", s, e.Clause)
	}
	for _, d := range p.Documents {
		s := p.describe(&d.Requirement) + " at " + d.Stage.String()
		if d.Routes != 0 {
			s += " on " + joinNames(d.Routes.Routes())
		}
		for _, r := range d.OutsideRegions {
			s += ", outside " + r.ID
		}
		for _, r := range d.Regions {
			s += ", in " + r.ID
		}
		row("document", s, d.Clause)
	}
	rn := p.RMANumber
	row("rma number", fmt.Sprintf("valid %d %s; on expiry %s; goods without one %s", rn.ValidDays, strings.ReplaceAll(rn.Counting.String(), "_", " "), rn.OnExpiry, rn.WithoutNumber), rn.Clause)
	for _, d := range p.Deadlines {
		row("deadline", fmt.Sprintf("%s: %s within %d %s after %s", d.Name, d.Owner, d.Days, strings.ReplaceAll(d.Counting.String(), "_", " "), d.After), d.Clause)
	}
	for _, s := range p.Shipping {
		when := "on " + orAll(joinNames(s.Routes.Routes()))
		if len(s.Findings) > 0 {
			when = "after " + strings.Join(s.Findings, ", ")
		}
		terms := ""
		if s.Terms != "" {
			terms = " (" + s.Terms + ")"
		}
		row("shipping", s.Direction+" "+when+": "+s.PaidBy.String()+terms, s.Clause)
	}
	for _, f := range p.Fees {
		amount := ""
		if f.Amount != "" {
			amount = " " + f.Amount + " " + f.Currency
		}
		checklist := ""
		if len(f.Accessories) > 0 {
			checklist = ": " + strings.Join(f.Accessories, ", ") // the receiving bench's checklist
		}
		row("fee", f.Kind+" ("+f.Basis+amount+")"+checklist+f.describeData(), f.Clause) // fees.go
	}
	for _, r := range p.Resolutions {
		row("resolution", "on "+orAll(joinNames(r.Routes.Routes()))+": "+strings.Join(r.Offer, ", ")+", chosen by "+r.ChosenBy, r.Clause)
	}
	if r := p.Replacement; r != nil {
		warranty := r.Warranty
		if r.MinimumDays > 0 {
			warranty += " (" + plural(r.MinimumDays, "day") + " or the remainder, whichever is longer)"
		}
		row("replacement", "grades "+strings.Join(r.Grades, ", ")+"; warranty "+warranty+"; other model "+r.OtherModel, strings.Join(append([]string{r.Clause}, r.AlsoCites...), ", "))
	}
	for _, l := range p.ServiceLocations {
		row("service location", l.Name+": "+l.Describe(), l.Clause)
	}
	for _, f := range p.LineFields {
		row("line field", f.Field+" required on every line", f.Clause)
	}
	if sp := p.Supplier; sp != nil {
		row("supplier", "forwards lines found "+strings.Join(sp.ForwardFindings(), ", "), sp.Clause)
		for _, v := range sp.Verdicts {
			how := strings.Join(v.Offer, ", ")
			if v.Charged {
				how += "; a repair is charged"
			}
			if v.ContactRequester {
				how += "; the requester is contacted"
			}
			row("supplier verdict", v.Verdict+": "+how, v.Clause)
		}
	}
	summarizeAdvance(p, row) // advance.go
	for _, in := range p.Instructions {
		row("instruction", in.Text, in.Clause)
	}
	for _, ne := range p.NotEnforced {
		row("not enforced", ne.Reason, ne.Clause)
	}
}

// RuleLine is one rule of a policy as `rmadesk policy show` lists it.
type RuleLine struct {
	What, Rule, Clause string
}

// Rules lists every rule of p with the clause it cites, as WritePolicy
// writes them; a rule continuing the one before has What "".
func Rules(p *Policy) []RuleLine {
	var out []RuleLine
	p.eachRule(func(what, rule, clause string) { out = append(out, RuleLine{What: what, Rule: rule, Clause: clause}) })
	return out
}
