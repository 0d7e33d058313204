package policy

import "slices"

// The queries below answer what the desk asks of a policy after the
// decision: who pays a shipment, which fees apply, what is offered. They
// live here so the desk never re-implements rule matching.

// ShippingPayer says who pays a shipment in direction ("inbound" to the
// vendor, "outbound" back to the requester) on route, after the evaluation
// found finding ("" before evaluation). A rule naming the finding wins over a
// rule for the route alone; with no rule the payer is unspecified.
func (p *Policy) ShippingPayer(direction string, route Route, finding string) (Payer, *ShippingRule) {
	var general *ShippingRule
	for i := range p.Shipping {
		s := &p.Shipping[i]
		if s.Direction != direction || !s.Routes.Matches(route) {
			continue
		}
		if len(s.Findings) == 0 {
			if general == nil {
				general = s
			}
			continue
		}
		if finding != "" && slices.Contains(s.Findings, finding) {
			return s.PaidBy, s
		}
	}
	if general != nil {
		return general.PaidBy, general
	}
	return PayerUnspecified, nil
}

// FeesFor lists the fees that may be charged on route after finding ("" for
// those that apply whatever the evaluation finds).
func (p *Policy) FeesFor(route Route, finding string) []Fee {
	var out []Fee
	for _, f := range p.Fees {
		if !f.Routes.Matches(route) {
			continue
		}
		if len(f.Findings) > 0 && !slices.Contains(f.Findings, finding) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// ResolutionFor returns what the vendor offers on route, or nil.
func (p *Policy) ResolutionFor(route Route) *ResolutionRule {
	for i := range p.Resolutions {
		if r := &p.Resolutions[i]; r.Routes.Matches(route) {
			return r
		}
	}
	return nil
}

// InstructionsFor lists what the requester must do on route.
func (p *Policy) InstructionsFor(route Route) []Instruction {
	var out []Instruction
	for _, in := range p.Instructions {
		if in.Routes.Matches(route) {
			out = append(out, in)
		}
	}
	return out
}

// Deadline returns the named deadline, or nil.
func (p *Policy) Deadline(name string) *Deadline {
	for i := range p.Deadlines {
		if p.Deadlines[i].Name == name {
			return &p.Deadlines[i]
		}
	}
	return nil
}
