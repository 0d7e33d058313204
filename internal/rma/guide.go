package rma

import (
	"strings"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// NumberPlaceholder is how a policy marks, in an address or an instruction,
// where the RMA number goes ("RMA Number <number>").
const NumberPlaceholder = "<number>"

// FillNumber puts number where text names the placeholder. Before a number
// is issued ("") the text is left as the policy wrote it.
func FillNumber(text, number string) string {
	if number == "" {
		return text
	}
	return strings.ReplaceAll(text, NumberPlaceholder, number)
}

// Guide is what a requester is told to do with an RMA's goods, as every
// face shows it (API, portal, emails, label): the policy's instructions for
// the RMA's route, where the goods go, and what the vendor offers, with the
// RMA's number written in wherever the policy's text names it.
type Guide struct {
	Instructions []policy.Instruction
	Location     *policy.ServiceLocation // the service location chosen at authorization, if any
	ShipTo       *ShipTo                 // the desk's location copied at authorization, if any
	Address      []string                // ShipTo's lines, else the policy location's address, else the vendor's return address
	Offer        []string                // the resolutions the policy offers on the route
	ChosenBy     string                  // who chooses among Offer: "vendor" or "requester"
}

// GuideFor builds r's guide from p, the policy version r was judged by.
func GuideFor(p *policy.Policy, r *RMA) Guide {
	g := Guide{Address: fillAll(p.Vendor.ReturnAddress, r.Number)}
	if rule := p.ResolutionFor(r.Route); rule != nil {
		g.Offer, g.ChosenBy = rule.Offer, rule.ChosenBy
	}
	for _, in := range p.InstructionsFor(r.Route) {
		if in.BeforeNumber && r.Number != "" {
			continue // done: the number is issued
		}
		in.Text = FillNumber(in.Text, r.Number)
		g.Instructions = append(g.Instructions, in)
	}
	for _, l := range p.ServiceLocations {
		if l.ID == r.Location {
			l.Address = fillAll(l.Address, r.Number)
			g.Location = &l
			if len(l.Address) > 0 {
				g.Address = l.Address
			}
		}
	}
	if r.ShipTo != nil {
		// The desk's address as copied at authorization wins over the
		// policy's: it is what the label was printed with.
		g.ShipTo = r.ShipTo
		g.Address = r.ShipTo.Lines()
		if r.Number != "" {
			// Under the name, as Dexxon's source writes its address
			// ("RMA Number……..") and every courier reads it.
			g.Address = append(g.Address[:1:1], append([]string{"RMA Number " + r.Number}, g.Address[1:]...)...)
		}
	}
	return g
}

func fillAll(lines []string, number string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = FillNumber(l, number)
	}
	return out
}
