package rma

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// offerOutcomes maps a resolution a policy offers to the outcome that
// carries it out once the goods are back. "return" (Dexxon: the goods come
// back for evaluation) ends in a credit only when the rule says what a
// credit is worth; the steps that need no parcel (destroy_and_credit,
// refer_to_manufacturer, remote_fix) have their own transitions.
func offerOutcomes(rule *policy.ResolutionRule) []Outcome {
	if rule == nil {
		return nil
	}
	var out []Outcome
	for _, o := range rule.Offer {
		var oc Outcome
		switch o {
		case "replace":
			oc = Replaced
		case "refund":
			oc = Refunded
		case "repair":
			oc = Repaired
		case "credit":
			oc = Credited
		case "return_unrepaired":
			oc = ReturnedUnrepaired
		case "return":
			if rule.Credit != "" {
				oc = Credited
			}
		}
		if oc != "" && !slices.Contains(out, oc) {
			out = append(out, oc)
		}
	}
	return out
}

// outcomeFor is what the policy offers, as an outcome, for an offer name
// such as a requester's preference ("replace" → replaced).
func outcomeFor(rule *policy.ResolutionRule, offer string) Outcome {
	one := policy.ResolutionRule{Offer: []string{offer}, Credit: rule.Credit}
	if oc := offerOutcomes(&one); len(oc) == 1 {
		return oc[0]
	}
	return ""
}

// OutcomeRule is what a line of an RMA may end in, by its policy, its route
// and what evaluation found, and why.
type OutcomeRule struct {
	Allowed []Outcome
	Why     string // in the desk's words, for an error or the history
	Clause  string // the clause it follows, when one does
	// RepairCharged: a repair of this line is paid by the requester, so
	// the ledger must hold its charge before the line is resolved repaired.
	RepairCharged bool
}

// AllowedOutcomes says how line l of r may be resolved under p:
//   - a withdrawal ends as the policy offers on the withdrawal route;
//   - a unit found without fault goes back as it came (the policy's
//     no-fault handling: fees, never a credit, refund or replacement);
//   - a confirmed defect on the warranty or DOA route gets one of the
//     policy's offers for that route, and where the policy leaves the
//     choice to the requester and the requester chose, that one;
//   - anything else (not covered, out of warranty, rejected by the engine,
//     not evaluated) is a charged repair, where the policy offers one for
//     the chargeable route, or the unit's return unrepaired.
func AllowedOutcomes(p *policy.Policy, r *RMA, l *Line) OutcomeRule {
	route := l.Decision.Route
	if r.Kind == policy.Withdrawal || route == policy.RouteWithdrawal {
		rule := p.ResolutionFor(policy.RouteWithdrawal)
		return OutcomeRule{Allowed: offerOutcomes(rule), Clause: ruleClause(rule),
			Why: fmt.Sprintf("line %d is withdrawn: the policy offers %s", l.No, offerText(rule))}
	}
	if rule, ok := supplierOutcomes(p, r, l); ok {
		return rule // back from the supplier: its verdict decides, as the policy says (supplier.go)
	}
	switch {
	case l.Finding == NoFault:
		rule := OutcomeRule{Allowed: []Outcome{NoFaultFound},
			Why: fmt.Sprintf("line %d was found without fault: it goes back as it came, with no credit, refund, repair or replacement", l.No)}
		for _, f := range p.Fees {
			if slices.Contains(f.Findings, string(NoFault)) {
				rule.Clause = f.Clause
				break
			}
		}
		return rule
	case l.Finding == DefectConfirmed && (route == policy.RouteWarranty || route == policy.RouteDOA):
		rule := p.ResolutionFor(route)
		out := OutcomeRule{Allowed: offerOutcomes(rule), Clause: ruleClause(rule),
			Why: fmt.Sprintf("line %d has a confirmed defect on the %s route: the policy offers %s", l.No, route, offerText(rule))}
		if rule != nil && rule.ChosenBy == "requester" && r.Preference != "" {
			// The requester chose; an authorization that overrode the
			// choice (with a reason on its event) stands for it.
			chosen := r.Preference
			if r.Resolution != "" {
				chosen = r.Resolution
			}
			if oc := outcomeFor(rule, chosen); oc != "" {
				out.Allowed = []Outcome{oc}
				out.Why = fmt.Sprintf("line %d has a confirmed defect and the policy leaves the choice to the requester: %s was chosen", l.No, words(chosen))
			}
		}
		return out
	}
	rule := p.ResolutionFor(policy.RouteChargeable)
	out := OutcomeRule{Allowed: []Outcome{ReturnedUnrepaired}, Clause: p.OutOfWarranty.Clause, RepairCharged: true}
	if rule != nil && slices.Contains(rule.Offer, "repair") {
		out.Allowed = []Outcome{Repaired, ReturnedUnrepaired}
		out.Clause = rule.Clause
	}
	var state string
	switch {
	case l.Finding == NotCovered:
		state = "was found not covered (" + words(l.FindingCondition) + ")"
	case l.Finding == "":
		state = "has no finding"
	default:
		state = "is not on a free route (" + route.String() + ")"
	}
	if len(out.Allowed) == 2 {
		out.Why = fmt.Sprintf("line %d %s: a charged repair or its return unrepaired", l.No, state)
	} else {
		out.Why = fmt.Sprintf("line %d %s: it goes back unrepaired", l.No, state)
	}
	return out
}

// checkOutcome refuses an outcome the policy does not allow for some line of
// r, unless the desk overrides it with a written reason; it returns what
// was overridden, for the history.
func (c *change) checkOutcome(outcome Outcome, override string) ([]string, error) {
	var refused []string
	for i := range c.r.Lines {
		l := &c.r.Lines[i]
		if !l.InPlay() {
			continue
		}
		rule := AllowedOutcomes(c.p, c.r, l)
		why := ""
		switch {
		case !slices.Contains(rule.Allowed, outcome):
			why = rule.Why
			if rule.Clause != "" {
				why += " [" + rule.Clause + "]"
			}
		case outcome == Repaired && rule.RepairCharged && !c.charged(l.No):
			why = fmt.Sprintf("line %d is repaired out of warranty: record the repair charge first", l.No)
		}
		if why != "" {
			refused = append(refused, why)
		}
	}
	if len(refused) > 0 && override == "" {
		return nil, Invalid("outcome", "%s is not allowed: %s; an agent may override with a written reason (override_reason)", outcome, strings.Join(refused, "; "))
	}
	return refused, nil
}

// charged reports whether the ledger holds a positive charge for line no.
func (c *change) charged(no int) bool {
	return slices.ContainsFunc(c.r.Charges, func(ch Charge) bool { return ch.LineNo == no && ch.Amount.Cents > 0 })
}

func ruleClause(rule *policy.ResolutionRule) string {
	if rule == nil {
		return ""
	}
	return rule.Clause
}

func offerText(rule *policy.ResolutionRule) string {
	if rule == nil || len(rule.Offer) == 0 {
		return "nothing"
	}
	var ws []string
	for _, o := range rule.Offer {
		ws = append(ws, words(o))
	}
	return strings.Join(ws, ", ")
}

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

// PreferenceChoices lists what a requester may choose between on r's route
// (Mini Cart: replace or refund), or nil where the policy leaves the choice
// to the vendor. Only offers that end in an outcome are choices: a remote
// fix is the desk's suggestion, not a way to end a returned unit.
func PreferenceChoices(p *policy.Policy, route policy.Route) []string {
	rule := p.ResolutionFor(route)
	if rule == nil || rule.ChosenBy != "requester" {
		return nil
	}
	var out []string
	for _, o := range rule.Offer {
		if outcomeFor(rule, o) != "" {
			out = append(out, o)
		}
	}
	return out
}

func checkPreference(p *policy.Policy, r *RMA, pref string) error {
	choices := PreferenceChoices(p, r.Route)
	if choices == nil {
		return Invalid("preference", "policy %s leaves the choice of resolution to the vendor on the %s route", p.ID, r.Route)
	}
	if !slices.Contains(choices, pref) {
		return Invalid("preference", "%q is not a choice (one of %s)", pref, strings.Join(choices, ", "))
	}
	return nil
}

// SetPreference states or changes the resolution the requester prefers,
// until the RMA is authorized; "" withdraws the preference.
func (s *Service) SetPreference(ctx context.Context, actor Actor, id int64, ifVersion int, pref string) (*RMA, error) {
	return s.transition(ctx, actor, id, ifVersion, ActSetPreference, func(c *change) error {
		if pref != "" {
			if err := checkPreference(c.p, c.r, pref); err != nil {
				return err
			}
		}
		c.ev.Details["preference"] = pref
		c.ev.Details["was"] = c.r.Preference
		c.r.Preference = pref
		return nil
	})
}
