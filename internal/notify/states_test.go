package notify

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestEveryStateInDutch: a message that only says the state changed names
// every state of the desk in Dutch, never its identifier.
func TestEveryStateInDutch(t *testing.T) {
	for _, st := range rma.States {
		nl := stateText("nl", string(st))
		if nl == string(st) || nl == stateText("en", string(st)) {
			t.Errorf("state %s has no Dutch name (%q)", st, nl)
		}
	}
	if got := stateText("en", "needs_info"); got != "needs info" {
		t.Errorf("English: %q", got)
	}
}
