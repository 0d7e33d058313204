package policy_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/policies"
)

// TestAccessories: a missing_accessory fee lists the receiving bench's
// checklist, from the vocabulary, each once, and only that fee may.
func TestAccessories(t *testing.T) {
	cases := []struct {
		name, fees, want string // want: the first issue's start, "" for none
	}{
		{"listed", "fees:\n  - kind: missing_accessory\n    basis: quote\n    accessories: [cable, charger]\n    clause: all\n", ""},
		{"unknown accessory", "fees:\n  - kind: missing_accessory\n    basis: quote\n    accessories: [cable, charger-plug]\n    clause: all\n",
			`p.yaml:39:26: fees[0].accessories[1]: unknown value "charger-plug"`},
		{"twice", "fees:\n  - kind: missing_accessory\n    basis: quote\n    accessories: [cable, cable]\n    clause: all\n",
			`p.yaml:39:26: fees[0].accessories[1]: "cable" is listed twice`},
		{"on another fee", "fees:\n  - kind: transport\n    basis: actual_cost\n    accessories: [cable]\n    clause: all\n",
			`p.yaml:39:18: fees[0].accessories: only a missing_accessory fee lists accessories`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := policy.Load("p.yaml", []byte(minimalPolicy(t)+tc.fees))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				got, fee := p.Accessories(policy.RouteWarranty)
				if !slices.Equal(got, []string{"cable", "charger"}) || fee == nil || fee.Kind != "missing_accessory" {
					t.Fatalf("Accessories: %v %+v", got, fee)
				}
				return
			}
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

// TestMiniCartAccessories: Mini Cart's pack gives the bench "cable,
// charger, and battery" on both of its routes, charged by its
// missing_accessory fee (a quote).
func TestMiniCartAccessories(t *testing.T) {
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	p := set.Latest("minicart")
	for _, route := range []policy.Route{policy.RouteDOA, policy.RouteWarranty} {
		got, fee := p.Accessories(route)
		if !slices.Equal(got, []string{"cable", "charger", "battery"}) || fee == nil || fee.Basis != "quote" || fee.Clause != "doa-accessories" {
			t.Errorf("%s: %v %+v", route, got, fee)
		}
	}
}
