package policy

import (
	"slices"
	"strings"
)

// What a claim form asks is what the policy's rules read, and nothing
// else: these queries list it from the compiled rules, so a form (the
// portal's new-RMA form) never guesses from a pack's texts. Each list is in
// a fixed order (the vocabulary's), so a form shows the same fields in the
// same order every time.

// ClaimDates are the claim dates the policy's rules read: the dates a
// warranty term may start from, and the dates its windows (terms, DOA,
// withdrawal) count from. A date not listed changes no decision.
func (p *Policy) ClaimDates() []DateField {
	var used [numDateFields]bool
	for _, s := range p.Warranty.Start {
		used[s.Date] = used[s.Date] || !s.Records // the desk's records are not asked for
	}
	windows := func(ws []Window) {
		for _, w := range ws {
			used[w.After] = true
		}
	}
	for _, t := range p.Warranty.Terms {
		windows(t.Within)
	}
	if p.DOA != nil {
		windows(p.DOA.Within)
	}
	if p.Withdrawal != nil {
		windows(p.Withdrawal.Within)
	}
	termsDates(p, &used) // issue 14: registration, replacement, date ranges (terms.go)
	var out []DateField
	for f := DatePurchase; f < numDateFields; f++ {
		if used[f] && f != DateReported {
			out = append(out, f)
		}
	}
	return out
}

// DateEvidence is the document a claim date counts only with, where the
// warranty's start says so (Plextor: the invoice date with the vendor's
// invoice). A date entered without it places no warranty, which a form
// must say beside the date rather than leave the requester to find out.
func (p *Policy) DateEvidence(f DateField) (Document, bool) {
	for _, s := range p.Warranty.Start {
		if s.Date == f && s.HasEvidence {
			return s.Evidence, true
		}
	}
	return 0, false
}

// ClaimDocuments are the documents the policy's rules read or ask for: a
// date's evidence, the DOA route's documents, and every document rule (at
// filing, or for the parcel). The others change nothing.
func (p *Policy) ClaimDocuments() []Document {
	var used DocumentSet
	for _, s := range p.Warranty.Start {
		if s.HasEvidence {
			used = used.With(s.Evidence)
		}
	}
	if p.DOA != nil {
		for _, r := range p.DOA.Documents {
			for _, d := range r.AnyOf {
				used = used.With(d)
			}
		}
	}
	for _, r := range p.Documents {
		for _, d := range r.AnyOf {
			used = used.With(d)
		}
	}
	return used.Documents()
}

// DocumentNeeds are the document rules that name d, in file order: what a
// form says of the document (needed to decide, or for the parcel, with
// the rule's note as help).
func (p *Policy) DocumentNeeds(d Document) []DocumentRule {
	var out []DocumentRule
	for _, r := range p.Documents {
		if slices.Contains(r.AnyOf, d) {
			out = append(out, r)
		}
	}
	return out
}

// ClaimConditions are the conditions of the unit the policy's rules read:
// its exclusions' and the DOA route's.
func (p *Policy) ClaimConditions() []Condition {
	var used ConditionSet
	for _, e := range p.Exclusions {
		if e.HasCondition {
			used = used.With(e.Condition)
		}
	}
	if p.DOA != nil {
		for _, c := range p.DOA.ConditionRules {
			used = used.With(c.Condition)
		}
	}
	return used.Conditions()
}

// Categories are the product categories the warranty's terms tell apart,
// as the pack writes them; none means every product is treated alike, and
// a form asks for none.
func (p *Policy) Categories() []string {
	var out []string
	for _, t := range p.Warranty.Terms {
		if t.Category != "" && t.Category != "*" && !slices.ContainsFunc(out, func(c string) bool { return strings.EqualFold(c, t.Category) }) {
			out = append(out, t.Category)
		}
	}
	return out
}

// Parts are the parts of a unit the warranty's terms tell apart (a battery,
// a wearing part), DefaultPart first; only DefaultPart means a form need
// not ask.
func (p *Policy) Parts() []string {
	out := []string{DefaultPart}
	for _, t := range p.Warranty.Terms {
		if t.Part != "" && t.Part != "*" && !slices.ContainsFunc(out, func(c string) bool { return strings.EqualFold(c, t.Part) }) {
			out = append(out, t.Part)
		}
	}
	return out
}

// AppliesTo reports whether a requester of role in country may file under
// the policy at all: its role is allowed, and its country is served or
// left to a person at the desk (a scope whose otherwise is review). A
// country the scope rejects, or no role allowed, would only be refused:
// a form does not offer such a policy. An unknown country ("") is not
// held against the requester; the engine asks for it.
func (p *Policy) AppliesTo(role Role, country string) bool {
	if !p.Requesters.Allowed.Has(role) {
		return false
	}
	if p.Scope == nil || country == "" || p.Scope.Otherwise != Reject {
		return true
	}
	return inAnyRegion(p.Scope.Regions, country)
}
