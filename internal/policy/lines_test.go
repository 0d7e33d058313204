package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// TestLocationFor: each pack's location rules send each requester to one
// station; Pixfra's by region, the central station for the rest.
func TestLocationFor(t *testing.T) {
	for _, tc := range []struct {
		pack, country, category string
		route                   policy.Route
		want                    string
	}{
		{"pixfra", "DE", "thermal-camera", policy.RouteWarranty, "pixfra-eu"},
		{"pixfra", "GB", "thermal-camera", policy.RouteChargeable, "pixfra-eu"},
		{"pixfra", "US", "thermal-camera", policy.RouteWarranty, "pixfra-na"},
		{"pixfra", "MX", "monocular", policy.RouteWarranty, "pixfra-na"},
		{"pixfra", "AU", "thermal-camera", policy.RouteWarranty, "pixfra-apac"},
		{"pixfra", "SG", "thermal-camera", policy.RouteWarranty, "pixfra-apac"},
		{"pixfra", "BR", "thermal-camera", policy.RouteWarranty, "pixfra-cn"},
		{"pixfra", "AE", "thermal-camera", policy.RouteWarranty, "pixfra-cn"},
		{"dexxon", "BE", "ssd", policy.RouteWarranty, "alphen"},
		{"plextor", "BE", "optical-drive", policy.RouteDOA, "plextor-rma"},
		{"webstore4", "NL", "router", policy.RouteWithdrawal, "webstore4-returns"},
		{"minicart", "ES", "phone", policy.RouteDOA, "minicart-warehouse"},
	} {
		t.Run(tc.pack+"/"+tc.country, func(t *testing.T) {
			got := pack(t, tc.pack).LocationFor(tc.country, tc.category, tc.route)
			if got == nil || got.ID != tc.want {
				t.Fatalf("LocationFor(%s, %s, %s) = %+v, want %s", tc.country, tc.category, tc.route, got, tc.want)
			}
			if got.Location != tc.want {
				t.Fatalf("desk location %q, want the rule's id %q", got.Location, tc.want)
			}
		})
	}
}

// TestLocationRules: categories, routes and countries narrow a rule; the
// first rule that serves the requester wins; location names the desk's.
func TestLocationRules(t *testing.T) {
	src := minimalPolicy(t) + `regions:
  - id: benelux
    countries: [NL, BE, LU]
    clause: all
service_locations:
  - id: doa-desk
    name: DOA desk
    routes: [doa]
    clause: all
  - id: drives
    name: Drive lab
    categories: [SSD]
    countries: [DE]
    location: lab-berlin
    clause: all
  - id: benelux
    name: Benelux station
    regions: [benelux]
    clause: all
`
	p, err := policy.Load("p.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		country, category string
		route             policy.Route
		want              string // "" for none
	}{
		{"NL", "ssd", policy.RouteDOA, "doa-desk"},
		{"DE", "ssd", policy.RouteWarranty, "lab-berlin"},
		{"DE", "hdd", policy.RouteWarranty, ""},
		{"BE", "hdd", policy.RouteWarranty, "benelux"},
		{"FR", "ssd", policy.RouteWarranty, ""},
	} {
		got := p.LocationFor(tc.country, tc.category, tc.route)
		name := ""
		if got != nil {
			name = got.Location
		}
		if name != tc.want {
			t.Errorf("LocationFor(%s, %s, %s) = %q, want %q", tc.country, tc.category, tc.route, name, tc.want)
		}
	}
}

func TestRequiredLineFields(t *testing.T) {
	if f := pack(t, "pixfra").RequiredLineField(policy.LineFieldPartNumber); f == nil || f.Clause != "serial-and-part" {
		t.Fatalf("pixfra part number rule %+v, want one citing serial-and-part", f)
	}
	for _, id := range []string{"dexxon", "plextor", "webstore4", "minicart"} {
		if f := pack(t, id).RequiredLineField(policy.LineFieldPartNumber); f != nil {
			t.Errorf("%s requires a part number (%+v); its source does not", id, f)
		}
	}
}

// TestLineFieldAndLocationErrors: the loader names the key and what is wrong.
func TestLineFieldAndLocationErrors(t *testing.T) {
	for _, tc := range []struct{ name, append, want string }{
		{"unknown field", "required_line_fields:\n  - field: colour\n    clause: all\n",
			`p.yaml:37:12: required_line_fields[0].field: unknown value "colour" (one of serial, model, part_number, fault)`},
		{"field twice", "required_line_fields:\n  - field: serial\n    clause: all\n  - field: serial\n    clause: all\n",
			`p.yaml:39:12: required_line_fields[1].field: "serial" is listed twice`},
		{"no clause", "required_line_fields:\n  - field: serial\n",
			`p.yaml:37:5: required_line_fields[0].clause: required`},
		{"bad country", "service_locations:\n  - id: x\n    name: X\n    countries: [UK]\n    clause: all\n",
			`p.yaml:39:17: service_locations[0].countries[0]: "UK" is not an ISO 3166-1 alpha-2 country code`},
		{"bad route", "service_locations:\n  - id: x\n    name: X\n    routes: [sideways]\n    clause: all\n",
			`p.yaml:39:14: service_locations[0].routes[0]: unknown`},
		{"bad location code", "service_locations:\n  - id: x\n    name: X\n    location: Not A Code\n    clause: all\n",
			`p.yaml:39:15: service_locations[0].location: "Not A Code": lower-case letters`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := policy.Load("p.yaml", []byte(minimalPolicy(t)+tc.append))
			var le *policy.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a *LoadError", err)
			}
			if got := le.Issues[0].String(); !strings.HasPrefix(got, tc.want) {
				t.Fatalf("first issue:\n  %s\nwant prefix:\n  %s", got, tc.want)
			}
		})
	}
}
