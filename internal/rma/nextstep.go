package rma

import (
	"slices"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// What the RMA page offers: the steps the state machine allows that the
// RMA's policy allows too (a policy that offers no referral has no "refer"
// step), the one the engine's decision suggests, and the destructive ones,
// which the page sets apart and confirms.

// noParcel are the resolutions that take no goods back; each has a step of
// its own.
var noParcel = map[string]Action{
	"destroy_and_credit":    ActCreditWithoutReturn,
	"refer_to_manufacturer": ActRefer,
	"remote_fix":            ActResolveRemotely,
}

// Destructive reports whether a step ends the request against the other
// side's wish and cannot be undone: the page sets it apart and asks to
// confirm it.
func Destructive(a Action) bool { return a == ActReject || a == ActCancel }

// PolicyAllows reports whether r's policy allows step a now, beyond what
// the state machine allows: a resolution step needs the policy to offer
// it on the RMA's route, expiry a lapsed number, a preference a choice the
// policy leaves to the requester, resolving a finding on every line.
func PolicyAllows(p *policy.Policy, r *RMA, a Action, today calendar.Date) bool {
	if p == nil {
		return true
	}
	var offer []string
	if rule := p.ResolutionFor(r.Route); rule != nil {
		offer = rule.Offer
	}
	switch a {
	case ActAuthorize:
		return slices.ContainsFunc(offer, func(o string) bool { _, ok := noParcel[o]; return !ok })
	case ActRefer:
		return slices.Contains(offer, "refer_to_manufacturer")
	case ActCreditWithoutReturn:
		return slices.Contains(offer, "destroy_and_credit")
	case ActResolveRemotely:
		return slices.Contains(offer, "remote_fix")
	case ActExpire:
		return r.Number != "" && today > r.NumberExpires
	case ActSetPreference:
		return PreferenceChoices(p, r.Route) != nil
	case ActResolve:
		return r.Kind == policy.Withdrawal || !r.unevaluated()
	}
	return true
}

// unevaluated reports whether a line still in play has no finding.
func (r *RMA) unevaluated() bool {
	for _, l := range r.Lines {
		if l.InPlay() && l.Finding == "" {
			return true
		}
	}
	return false
}

// SuggestedStep is the step the engine's decision and the RMA's state
// point to, if it is among allowed: authorize (or the policy's first
// no-parcel resolution) what the engine accepts or leaves to review, ask
// for what it finds missing, reject what it rejects; then receive,
// evaluate, resolve and close in turn. "" when nothing is due from
// whoever holds allowed (the desk waits for the parcel, say).
func SuggestedStep(p *policy.Policy, r *RMA, allowed []Action) Action {
	var want Action
	switch r.State {
	case Submitted:
		switch r.Verdict {
		case policy.Reject:
			want = ActReject
		case policy.NeedsInfo:
			want = ActRequestInfo
		default:
			want = ActAuthorize
			if p != nil {
				if rule := p.ResolutionFor(r.Route); rule != nil && len(rule.Offer) > 0 {
					if a, ok := noParcel[rule.Offer[0]]; ok {
						want = a
					}
				}
			}
		}
	case NeedsInfo:
		want = ActProvideInfo
	case Authorized:
		want = ActShip
	case Expired:
		want = ActReissue
	case Received:
		want = ActStartEvaluation
	case InEvaluation:
		want = ActEvaluate
		if !r.unevaluated() {
			want = ActResolve
		}
	case Rejected, CreditedWithoutReturn, Referred, Resolved:
		want = ActClose
	}
	if slices.Contains(allowed, want) {
		return want
	}
	return ""
}
