package policy

import (
	"fmt"
	"slices"
)

// Accessories are what a unit comes with and must come back with ("all its
// accessories, like cable, charger, and battery": Mini Cart). A pack lists
// them on its missing_accessory fee, so the receiving bench shows them as a
// checklist and each one missing is charged by that fee. They are a closed
// vocabulary, as conditions and documents are, so every form and message
// names them in every language the desk writes.
var accessoryNames = []string{
	"cable", "charger", "battery", "power_supply", "remote_control", "manual",
	"case", "memory_card", "headset", "stand", "lens_cap", "strap",
}

// AccessoryNames lists the accessory vocabulary, for forms and tests.
func AccessoryNames() []string { return slices.Clone(accessoryNames) }

// accessories checks a fee's accessory list: known names, each once, and
// only on the fee that charges a missing accessory.
func (c *compiler) accessories(path string, f *feeYAML) []string {
	if len(f.Accessories) == 0 {
		return nil
	}
	if f.Kind != "missing_accessory" {
		c.errorf(path+".accessories", "only a missing_accessory fee lists accessories")
		return nil
	}
	seen := map[string]bool{}
	for i, a := range f.Accessories {
		p := fmt.Sprintf("%s.accessories[%d]", path, i)
		c.oneOf(p, a, accessoryNames, true)
		if seen[a] {
			c.errorf(p, "%q is listed twice", a)
		}
		seen[a] = true
	}
	return slices.Clone(f.Accessories)
}

// Accessories is the checklist of a unit returned on route: the
// accessories of the route's missing_accessory fee, with that fee (nil
// when the policy charges none on the route).
func (p *Policy) Accessories(route Route) ([]string, *Fee) {
	fees := p.FeesFor(route, "")
	for i := range fees {
		if fees[i].Kind == "missing_accessory" && len(fees[i].Accessories) > 0 {
			return fees[i].Accessories, &fees[i]
		}
	}
	return nil, nil
}
