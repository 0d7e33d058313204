package policy_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// TestClaimForm: what each seed's rules read of a claim, the fields a
// claim form asks for and no others. Plextor's dates each count with a
// document (its invoice date only with the vendor's invoice); Mini Cart
// reads the shipped and delivered days and two kinds of photos; Pixfra
// tells the thermal camera, batteries and wearing parts apart.
func TestClaimForm(t *testing.T) {
	names := func(v any) string { return fmt.Sprint(v) }
	cases := []struct {
		pack       string
		dates      string
		evidence   map[string]string
		documents  string
		conditions string
		categories string
		parts      string
	}{
		{"plextor", "[purchase invoice]", map[string]string{"purchase": "purchase_receipt", "invoice": "vendor_invoice"},
			"[purchase_receipt vendor_invoice proforma_invoice]", "[physical_damage]", "[]", "[device]"},
		{"pixfra", "[invoice manufactured]", map[string]string{"invoice": "vendor_invoice"},
			"[purchase_receipt vendor_invoice shipping_document label_photo appearance_photo]", "[painted_or_tampered labels_removed]", "[thermal-camera]", "[device battery wearing]"},
		{"minicart", "[shipped delivered]", map[string]string{},
			"[package_photos defect_media]", "[misuse accident]", "[]", "[device]"},
		{"dexxon", "[purchase invoice]", map[string]string{"purchase": "purchase_receipt"},
			"[purchase_receipt vendor_invoice]", "[serial_altered unauthorized_repair misuse unsupported_accessory accident animal_damage receipt_altered]", "[]", "[device]"},
		{"webstore4", "[invoice delivered]", map[string]string{},
			"[]", "[credentials_not_removed]", "[]", "[device]"},
	}
	for _, c := range cases {
		t.Run(c.pack, func(t *testing.T) {
			p := pack(t, c.pack)
			if got := names(p.ClaimDates()); got != c.dates {
				t.Errorf("ClaimDates = %s, want %s", got, c.dates)
			}
			for _, f := range p.ClaimDates() {
				doc, ok := p.DateEvidence(f)
				want, wantOK := c.evidence[f.String()]
				if ok != wantOK || (ok && doc.String() != want) {
					t.Errorf("DateEvidence(%s) = %s %v, want %q", f, doc, ok, want)
				}
			}
			if got := names(p.ClaimDocuments()); got != c.documents {
				t.Errorf("ClaimDocuments = %s, want %s", got, c.documents)
			}
			if got := names(p.ClaimConditions()); got != c.conditions {
				t.Errorf("ClaimConditions = %s, want %s", got, c.conditions)
			}
			if got := names(p.Categories()); got != c.categories {
				t.Errorf("Categories = %s, want %s", got, c.categories)
			}
			if got := names(p.Parts()); got != c.parts {
				t.Errorf("Parts = %s, want %s", got, c.parts)
			}
			for _, d := range p.ClaimDocuments() {
				var rules []policy.DocumentRule = p.DocumentNeeds(d)
				for _, r := range rules {
					if !slices.Contains(r.AnyOf, d) {
						t.Errorf("DocumentNeeds(%s) lists a rule without it", d)
					}
				}
			}
		})
	}
}

// TestAppliesTo: the policies a requester is offered, by its role and
// country: Pixfra serves distributors outside China only, Dexxon no
// consumers; Plextor leaves a country outside the EC to a person, so it
// is still offered there.
func TestAppliesTo(t *testing.T) {
	cases := []struct {
		role    string
		country string
		want    string
	}{
		{"distributor", "DE", "[dexxon minicart pixfra plextor webstore4]"},
		{"distributor", "CN", "[dexxon minicart plextor webstore4]"},
		{"consumer", "NL", "[minicart plextor webstore4]"},
		{"consumer", "US", "[minicart plextor webstore4]"},
		{"dealer", "", "[dexxon minicart plextor webstore4]"},
	}
	for _, c := range cases {
		t.Run(c.role+"-"+c.country, func(t *testing.T) {
			role, err := policy.ParseRole(c.role)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, id := range []string{"dexxon", "minicart", "pixfra", "plextor", "webstore4"} {
				if pack(t, id).AppliesTo(role, c.country) {
					got = append(got, id)
				}
			}
			if fmt.Sprint(got) != c.want {
				t.Errorf("offered %v, want %s", got, c.want)
			}
		})
	}
}
