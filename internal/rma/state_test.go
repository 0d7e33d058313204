package rma

import (
	"fmt"
	"slices"
	"testing"
)

// allowedTransitions is the state machine written out by hand, one line per
// allowed step, so that a change to the table in state.go must be made twice.
var allowedTransitions = []string{
	"submitted request_info needs_info",
	"submitted authorize authorized",
	"submitted reject rejected",
	"submitted refer referred",
	"submitted credit_without_return credited_without_return",
	"submitted resolve_remotely resolved",
	"submitted cancel resolved",
	"submitted set_preference submitted",
	"needs_info provide_info submitted",
	"needs_info reject rejected",
	"needs_info cancel resolved",
	"needs_info set_preference needs_info",
	"authorized ship in_transit",
	"authorized receive received",
	"authorized expire expired",
	"authorized cancel resolved",
	"expired reissue authorized",
	"expired reject rejected",
	"expired cancel resolved",
	"expired close closed",
	"in_transit receive received",
	"received start_evaluation in_evaluation",
	"in_evaluation evaluate in_evaluation",
	"in_evaluation resolve resolved",
	"in_evaluation forward_to_supplier at_supplier",
	"at_supplier forward_to_supplier at_supplier",
	"at_supplier ship_to_supplier at_supplier",
	"at_supplier supplier_verdict at_supplier",
	"at_supplier back_from_supplier in_evaluation",
	"rejected close closed",
	"credited_without_return close closed",
	"referred close closed",
	"resolved close closed",
}

var allActions = []Action{
	ActRequestInfo, ActProvideInfo, ActAuthorize, ActReject, ActRefer, ActCreditWithoutReturn,
	ActResolveRemotely, ActExpire, ActReissue, ActShip, ActReceive, ActStartEvaluation,
	ActEvaluate, ActResolve, ActCancel, ActClose, ActSetPreference,
	ActForwardToSupplier, ActShipToSupplier, ActSupplierVerdict, ActBackFromSupplier,
}

// TestStateMachine checks every (state, action) pair: the allowed ones lead
// where the table says, every other one is refused with the allowed steps.
func TestStateMachine(t *testing.T) {
	want := map[string]State{}
	for _, line := range allowedTransitions {
		var from, action, to string
		if _, err := fmt.Sscan(line, &from, &action, &to); err != nil {
			t.Fatal(err)
		}
		want[from+" "+action] = State(to)
	}
	pairs := 0
	for _, from := range States {
		for _, action := range allActions {
			pairs++
			t.Run(string(from)+"/"+string(action), func(t *testing.T) {
				to, err := Next(from, action)
				if expected, ok := want[string(from)+" "+string(action)]; ok {
					if err != nil || to != expected {
						t.Fatalf("got %q, %v; want %q", to, err, expected)
					}
					return
				}
				if err == nil {
					t.Fatalf("allowed (to %s), want refused", to)
				}
				e, ok := err.(*Error)
				if !ok || e.Code != ECONFLICT {
					t.Fatalf("error %v, want ECONFLICT", err)
				}
				for _, a := range e.Allowed {
					if _, ok := want[string(from)+" "+string(a)]; !ok {
						t.Errorf("refusal suggests %s, which is not allowed", a)
					}
				}
			})
		}
	}
	if pairs != len(States)*len(allActions) || len(allActions) != len(Actions()) {
		t.Fatalf("%d actions in the test, %d in the table", len(allActions), len(Actions()))
	}
}

func TestClosedIsFinalAndEveryStateReachable(t *testing.T) {
	if got := AllowedActions(Closed); len(got) != 0 {
		t.Fatalf("closed allows %v", got)
	}
	reached := map[State]bool{Submitted: true}
	queue := []State{Submitted}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, a := range AllowedActions(s) {
			to, _ := Next(s, a)
			if !reached[to] {
				reached[to] = true
				queue = append(queue, to)
			}
		}
	}
	for _, s := range States {
		if !reached[s] {
			t.Errorf("state %s cannot be reached from submitted", s)
		}
		// Every state but closed leads on, so nothing gets stuck.
		if s != Closed && len(AllowedActions(s)) == 0 {
			t.Errorf("state %s has no way out", s)
		}
	}
	if !slices.Contains(AllowedActions(Resolved), ActClose) {
		t.Error("resolved cannot be closed")
	}
}

func TestRefusalMessage(t *testing.T) {
	_, err := Next(Closed, ActAuthorize)
	if err == nil || err.Error() != "cannot authorize an RMA in state closed (no further steps)" {
		t.Fatalf("got %v", err)
	}
	_, err = Next(InTransit, ActAuthorize)
	if err == nil || err.Error() != "cannot authorize an RMA in state in_transit (allowed: receive)" {
		t.Fatalf("got %v", err)
	}
}
