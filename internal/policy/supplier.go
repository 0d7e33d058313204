package policy

import (
	"fmt"
	"slices"
)

// What the desk does when it sends a requester's unit on to its own supplier
// (WebStore4: "the product will be sent to the supplier for further
// investigation and to determine whether the defect is covered by the
// warranty"), and how the requester's RMA ends once the supplier has
// answered. The forwarding itself is the desk's business with its supplier;
// this section is the part of it the requester's policy decides.

type supplierYAML struct {
	Findings []string             `yaml:"findings"`
	Verdicts []supplierVerdictYML `yaml:"verdicts"`
	Clause   string               `yaml:"clause"`
}

type supplierVerdictYML struct {
	Verdict          string   `yaml:"verdict"`
	Offer            []string `yaml:"offer"`
	Charged          bool     `yaml:"charged"`
	ContactRequester bool     `yaml:"contact_requester"`
	Text             string   `yaml:"text"`
	Clause           string   `yaml:"clause"`
}

// SupplierVerdicts are the verdicts a supplier gives on a forwarded line.
var SupplierVerdicts = []string{"covered", "not_covered"}

// supplierOffers are the offers a line back from a supplier may end in: the
// ones that end a returned unit (no destruction, referral or remote fix: the
// unit has been to the supplier and comes back).
var supplierOffers = []string{"repair", "replace", "refund", "credit", "return_unrepaired"}

// SupplierRules is the policy's supplier section.
type SupplierRules struct {
	// Findings are the evaluation findings a line may be forwarded with;
	// empty: defect_confirmed only.
	Findings []string
	Verdicts []SupplierVerdictRule
	Clause   string // cited when lines are forwarded
}

// SupplierVerdictRule says how a line ends after the supplier's verdict.
type SupplierVerdictRule struct {
	Verdict string   // covered, not_covered
	Offer   []string // what the line may end in: repair, replace, refund, credit, return_unrepaired
	// Charged: a repair is the requester's to pay, so the ledger must hold
	// its charge for the line before the line is resolved repaired.
	Charged bool
	// ContactRequester: the desk tells the requester the verdict and asks
	// how to go on (WebStore4: "you will be contacted about further
	// processing"); the RMA's reason carries Text until it is resolved.
	ContactRequester bool
	Text             string
	Key              string // its text's key, for translations (texts.go)
	Clause           string
}

// ForwardFindings are the findings a line may go to a supplier with.
func (s *SupplierRules) ForwardFindings() []string {
	if s == nil || len(s.Findings) == 0 {
		return []string{"defect_confirmed"}
	}
	return s.Findings
}

// SupplierVerdict returns the rule for a supplier's verdict, or nil when the
// policy has none: then the verdict changes nothing in how the line ends.
func (p *Policy) SupplierVerdict(verdict string) *SupplierVerdictRule {
	if p.Supplier == nil {
		return nil
	}
	for i := range p.Supplier.Verdicts {
		if p.Supplier.Verdicts[i].Verdict == verdict {
			return &p.Supplier.Verdicts[i]
		}
	}
	return nil
}

func (c *compiler) supplier(s *supplierYAML) *SupplierRules {
	out := &SupplierRules{
		Findings: c.list("supplier.findings", s.Findings, findingNames),
		Clause:   c.clause("supplier", s.Clause),
	}
	if len(s.Verdicts) == 0 {
		c.errorf("supplier.verdicts", "required: how a line ends when the supplier covers it, and when it does not")
	}
	for i := range s.Verdicts {
		v := &s.Verdicts[i]
		path := fmt.Sprintf("supplier.verdicts[%d]", i)
		verdict := c.oneOf(path+".verdict", v.Verdict, SupplierVerdicts, true)
		if verdict != "" && slices.ContainsFunc(out.Verdicts, func(r SupplierVerdictRule) bool { return r.Verdict == verdict }) {
			c.errorf(path+".verdict", "%s is given twice", verdict)
		}
		if len(v.Offer) == 0 {
			c.errorf(path+".offer", "required: what the line may end in")
		}
		rule := SupplierVerdictRule{
			Verdict:          verdict,
			Offer:            c.list(path+".offer", v.Offer, supplierOffers),
			Charged:          v.Charged,
			ContactRequester: v.ContactRequester,
			Text:             v.Text,
			Clause:           c.clause(path, v.Clause),
		}
		if v.Charged && !slices.Contains(v.Offer, "repair") {
			c.errorf(path+".charged", "only a repair is charged: offer repair, or leave charged out")
		}
		if v.ContactRequester && v.Text == "" {
			c.errorf(path+".text", "required with contact_requester: what the requester is told")
		}
		out.Verdicts = append(out.Verdicts, rule)
	}
	return out
}
