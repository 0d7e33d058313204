package policy_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// supplierSection is a good supplier section for the minimal policy.
const supplierSection = `supplier:
  findings: [defect_confirmed, not_covered]
  clause: all
  verdicts:
    - verdict: covered
      offer: [repair, replace]
      clause: all
    - verdict: not_covered
      offer: [repair, return_unrepaired]
      charged: true
      contact_requester: true
      text: We will call you.
      clause: all
`

func TestSupplierSection(t *testing.T) {
	p, err := policy.Load("p.yaml", []byte(minimalPolicy(t)+supplierSection))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Supplier.ForwardFindings(); !slices.Equal(got, []string{"defect_confirmed", "not_covered"}) {
		t.Fatalf("findings %v", got)
	}
	nc := p.SupplierVerdict("not_covered")
	if nc == nil || !nc.Charged || !nc.ContactRequester || nc.Text != "We will call you." || !slices.Equal(nc.Offer, []string{"repair", "return_unrepaired"}) {
		t.Fatalf("not_covered rule %+v", nc)
	}
	if c := p.SupplierVerdict("covered"); c == nil || c.Charged || c.ContactRequester {
		t.Fatalf("covered rule %+v", c)
	}
	// Without the section, a line goes to a supplier only with a confirmed
	// defect, and no verdict has a rule.
	plain, err := policy.Load("p.yaml", []byte(minimalPolicy(t)))
	if err != nil {
		t.Fatal(err)
	}
	if plain.SupplierVerdict("covered") != nil || !slices.Equal(plain.Supplier.ForwardFindings(), []string{"defect_confirmed"}) {
		t.Fatal("a pack without a supplier section has supplier rules")
	}
}

// TestSupplierSectionErrors: each mistake is reported with its key's path.
func TestSupplierSectionErrors(t *testing.T) {
	cases := []struct {
		name     string
		old, new string
		want     string
	}{
		{"unknown verdict", "verdict: covered", "verdict: warranty", `supplier.verdicts[0].verdict: unknown value "warranty"`},
		{"a verdict twice", "verdict: not_covered", "verdict: covered", "supplier.verdicts[1].verdict: covered is given twice"},
		{"an offer that ends no returned unit", "offer: [repair, replace]", "offer: [repair, remote_fix]", `supplier.verdicts[0].offer[1]: unknown value "remote_fix"`},
		{"no offer", "      offer: [repair, replace]\n", "", "supplier.verdicts[0].offer: required"},
		{"charged without a repair", "offer: [repair, return_unrepaired]", "offer: [return_unrepaired]", "supplier.verdicts[1].charged: only a repair is charged"},
		{"contact without a text", "      text: We will call you.\n", "", "supplier.verdicts[1].text: required with contact_requester"},
		{"unknown finding", "findings: [defect_confirmed, not_covered]", "findings: [broken]", `supplier.findings[0]: unknown value "broken"`},
		{"unknown clause", "  clause: all\n  verdicts:", "  clause: nowhere\n  verdicts:", `supplier.clause: unknown clause "nowhere"`},
		{"a flag as text", "charged: true", `charged: "yes"`, `supplier.verdicts[1].charged: must be true or false`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(supplierSection, tc.old) {
				t.Fatalf("test is stale: %q not in the section", tc.old)
			}
			src := minimalPolicy(t) + strings.Replace(supplierSection, tc.old, tc.new, 1)
			_, err := policy.Load("p.yaml", []byte(src))
			var le *policy.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a *LoadError", err)
			}
			var all []string
			for _, is := range le.Issues {
				all = append(all, is.String())
			}
			if !slices.ContainsFunc(all, func(s string) bool { return strings.Contains(s, tc.want) }) {
				t.Fatalf("issues:\n  %s\nwant one containing:\n  %s", strings.Join(all, "\n  "), tc.want)
			}
		})
	}
}
