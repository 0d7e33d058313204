package rma_test

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/policies"
)

// TestGuideLeavesOutAskingForANumber: an instruction to ask for an RMA
// number (instructions[].before_number: Pixfra's and Plextor's) is shown
// while the RMA has none, and left out once it has one, so a requester
// holding a number is never told to apply for it.
func TestGuideLeavesOutAskingForANumber(t *testing.T) {
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		pack  string
		route policy.Route
		ask   string
	}{
		{"pixfra", policy.RouteWarranty, "Apply for the RMA number before returning the products."},
		{"plextor", policy.RouteDOA, "Request an RMA number first; Plextor does not accept returns without one."},
	} {
		p := set.Latest(c.pack)
		has := func(g rma.Guide) bool {
			for _, in := range g.Instructions {
				if in.Text == c.ask {
					return true
				}
			}
			return false
		}
		r := &rma.RMA{Route: c.route}
		before := rma.GuideFor(p, r)
		if !has(before) {
			t.Errorf("%s without a number: the guide lacks %q", c.pack, c.ask)
		}
		r.Number = "RMA-26-00001-A"
		after := rma.GuideFor(p, r)
		if has(after) {
			t.Errorf("%s with number %s: the guide still says %q", c.pack, r.Number, c.ask)
		}
		if len(after.Instructions) != len(before.Instructions)-1 {
			t.Errorf("%s: %d instructions with a number, %d without: only the request for a number should go", c.pack, len(after.Instructions), len(before.Instructions))
		}
	}
}
