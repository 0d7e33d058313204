package rma

import (
	"slices"
	"strings"
)

// State is where an RMA is in its life. The names are the API's.
type State string

const (
	Submitted             State = "submitted"
	NeedsInfo             State = "needs_info"
	Rejected              State = "rejected"
	Authorized            State = "authorized"              // goods expected back: an RMA number is valid
	CreditedWithoutReturn State = "credited_without_return" // destruction authorised, credited (Dexxon)
	Referred              State = "referred"                // sent to the manufacturer's service centre
	Expired               State = "expired"                 // the RMA number lapsed before goods arrived
	InTransit             State = "in_transit"
	Received              State = "received"
	InEvaluation          State = "in_evaluation"
	AtSupplier            State = "at_supplier" // lines went to the desk's supplier, which decides whether they are covered
	Resolved              State = "resolved"
	Closed                State = "closed"
)

// States lists every state, in life order.
var States = []State{Submitted, NeedsInfo, Rejected, Authorized, CreditedWithoutReturn, Referred, Expired, InTransit, Received, InEvaluation, AtSupplier, Resolved, Closed}

// Action is a step that moves an RMA from one state to another.
type Action string

const (
	ActRequestInfo         Action = "request_info"          // the desk asks for documents or dates
	ActProvideInfo         Action = "provide_info"          // the requester answers
	ActAuthorize           Action = "authorize"             // issue an RMA number: goods come back
	ActReject              Action = "reject"                // with a reason
	ActRefer               Action = "refer"                 // to the manufacturer's service centre
	ActCreditWithoutReturn Action = "credit_without_return" // destroy and credit
	ActResolveRemotely     Action = "resolve_remotely"      // no parcel needed: upgrade or spare parts (remote_fix)
	ActExpire              Action = "expire"                // the RMA number lapsed
	ActReissue             Action = "reissue"               // a new number with a fresh validity
	ActShip                Action = "ship"                  // the requester sent the parcel
	ActReceive             Action = "receive"               // the parcel arrived
	ActStartEvaluation     Action = "start_evaluation"      // a technician takes it
	ActEvaluate            Action = "evaluate"              // record the finding (stays in evaluation)
	ActResolve             Action = "resolve"               // credit, replace, repair, refund, return...
	ActCancel              Action = "cancel"                // the requester withdraws the request
	ActClose               Action = "close"                 // nothing left to do
	ActSetPreference       Action = "set_preference"        // the requester states or changes the resolution it prefers
	ActForwardToSupplier   Action = "forward_to_supplier"   // evaluated lines go to a supplier in a supplier RMA
	ActShipToSupplier      Action = "ship_to_supplier"      // the supplier RMA's parcel left
	ActSupplierVerdict     Action = "supplier_verdict"      // the supplier's verdict on forwarded lines
	ActBackFromSupplier    Action = "back_from_supplier"    // every forwarded line has its verdict: the desk resolves
)

// transitions is the whole state machine: every allowed (state, action)
// pair and where it leads. Anything else is refused.
var transitions = map[State]map[Action]State{
	Submitted: {
		ActRequestInfo:         NeedsInfo,
		ActAuthorize:           Authorized,
		ActReject:              Rejected,
		ActRefer:               Referred,
		ActCreditWithoutReturn: CreditedWithoutReturn,
		ActResolveRemotely:     Resolved,
		ActCancel:              Resolved,
		ActSetPreference:       Submitted,
	},
	NeedsInfo: {
		ActProvideInfo:   Submitted,
		ActReject:        Rejected,
		ActCancel:        Resolved,
		ActSetPreference: NeedsInfo,
	},
	Authorized: {
		ActShip:    InTransit,
		ActReceive: Received,
		ActExpire:  Expired,
		ActCancel:  Resolved,
	},
	Expired: {
		ActReissue: Authorized,
		ActReject:  Rejected,
		ActCancel:  Resolved,
		ActClose:   Closed,
	},
	InTransit: {
		ActReceive: Received,
	},
	Received: {
		ActStartEvaluation: InEvaluation,
	},
	InEvaluation: {
		ActEvaluate:          InEvaluation,
		ActResolve:           Resolved,
		ActForwardToSupplier: AtSupplier,
	},
	// While lines are at a supplier the RMA waits; the verdict of its last
	// line brings it back to evaluation, where it resolves as the policy's
	// supplier rules say (supplier.go).
	AtSupplier: {
		ActForwardToSupplier: AtSupplier,
		ActShipToSupplier:    AtSupplier,
		ActSupplierVerdict:   AtSupplier,
		ActBackFromSupplier:  InEvaluation,
	},
	Rejected:              {ActClose: Closed},
	CreditedWithoutReturn: {ActClose: Closed},
	Referred:              {ActClose: Closed},
	Resolved:              {ActClose: Closed},
	Closed:                {},
}

// Next returns the state action leads to from state, or an ECONFLICT error
// that lists the allowed next steps.
func Next(from State, action Action) (State, error) {
	if to, ok := transitions[from][action]; ok {
		return to, nil
	}
	allowed := AllowedActions(from)
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	msg := "cannot " + string(action) + " an RMA in state " + string(from)
	if len(names) > 0 {
		msg += " (allowed: " + strings.Join(names, ", ") + ")"
	} else {
		msg += " (no further steps)"
	}
	return "", &Error{Code: ECONFLICT, Message: msg, Allowed: allowed}
}

// AllowedActions lists the actions allowed from state, sorted.
func AllowedActions(from State) []Action {
	var out []Action
	for a := range transitions[from] {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// Actions lists every action, sorted.
func Actions() []Action {
	seen := map[Action]bool{}
	var out []Action
	for _, m := range transitions {
		for a := range m {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	slices.Sort(out)
	return out
}

// ParseState checks a state name.
func ParseState(s string) (State, bool) {
	st := State(s)
	return st, slices.Contains(States, st)
}

// Outcome is how a resolved RMA ended.
type Outcome string

const (
	Credited           Outcome = "credited"
	Replaced           Outcome = "replaced"
	Repaired           Outcome = "repaired"
	Refunded           Outcome = "refunded"
	RemoteFix          Outcome = "remote_fix"
	ReturnedUnrepaired Outcome = "returned_unrepaired"
	NoFaultFound       Outcome = "no_fault_found"
	Withdrawn          Outcome = "withdrawn"
)

// Outcomes lists every outcome.
var Outcomes = []Outcome{Credited, Replaced, Repaired, Refunded, RemoteFix, ReturnedUnrepaired, NoFaultFound, Withdrawn}

// Finding is what evaluation found on a line.
type Finding string

const (
	DefectConfirmed Finding = "defect_confirmed"
	NoFault         Finding = "no_fault_found"
	NotCovered      Finding = "not_covered"
)

// Findings lists every finding.
var Findings = []Finding{DefectConfirmed, NoFault, NotCovered}
