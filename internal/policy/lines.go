package policy

import (
	"fmt"
	"strings"
)

// What a policy asks of each line beyond the claim, and where its goods go
// (issue 12). The engine does not decide on either: the desk refuses a
// line without a required field, and picks the service location, by
// asking these.

// Line fields a policy may require of every line.
const (
	LineFieldSerial     = "serial"
	LineFieldModel      = "model"
	LineFieldPartNumber = "part_number"
	LineFieldFault      = "fault"
)

var lineFieldNames = []string{LineFieldSerial, LineFieldModel, LineFieldPartNumber, LineFieldFault}

// LineField is a field every line of an RMA under the policy must carry.
type LineField struct {
	Field  string // serial, model, part_number, fault
	Clause string
}

func (c *compiler) lineFields(list []lineFieldYAML) []LineField {
	var out []LineField
	seen := map[string]bool{}
	for i, f := range list {
		path := fmt.Sprintf("required_line_fields[%d]", i)
		name := c.oneOf(path+".field", f.Field, lineFieldNames, true)
		if name != "" && seen[name] {
			c.errorf(path+".field", "%q is listed twice", name)
		}
		seen[name] = true
		out = append(out, LineField{Field: name, Clause: c.clause(path, f.Clause)})
	}
	return out
}

// RequiredLineField returns the rule requiring field, or nil.
func (p *Policy) RequiredLineField(field string) *LineField {
	for i := range p.LineFields {
		if p.LineFields[i].Field == field {
			return &p.LineFields[i]
		}
	}
	return nil
}

// LocationRule returns the service location rule with id, or nil.
func (p *Policy) LocationRule(id string) *ServiceLocation {
	for i := range p.ServiceLocations {
		if p.ServiceLocations[i].ID == id {
			return &p.ServiceLocations[i]
		}
	}
	return nil
}

// Serves reports whether the rule takes goods from a requester in country,
// of product category, on route: each list the rule gives must contain
// the value (regions and countries together are one list); an absent list
// takes anything.
func (l *ServiceLocation) Serves(country, category string, route Route) bool {
	if len(l.Regions) > 0 || len(l.Countries) > 0 {
		in := l.countries.has(country)
		for _, r := range l.Regions {
			in = in || r.Contains(country)
		}
		if !in {
			return false
		}
	}
	if len(l.Categories) > 0 {
		found := false
		for _, c := range l.Categories {
			found = found || strings.EqualFold(c, category)
		}
		if !found {
			return false
		}
	}
	return l.Routes.Matches(route)
}

// LocationFor is the first location rule that serves the requester's
// country, the category and the route ("" when none does).
func (p *Policy) LocationFor(country, category string, route Route) *ServiceLocation {
	for i := range p.ServiceLocations {
		if p.ServiceLocations[i].Serves(country, category, route) {
			return &p.ServiceLocations[i]
		}
	}
	return nil
}

// Describe says whom a location rule serves and where it sends the goods,
// for policy show: "location pixfra-eu; regions europe".
func (l *ServiceLocation) Describe() string {
	parts := []string{"location " + l.Location}
	var where []string
	for _, r := range l.Regions {
		where = append(where, r.ID)
	}
	where = append(where, l.Countries...)
	if len(where) > 0 {
		parts = append(parts, "for "+strings.Join(where, ", "))
	} else {
		parts = append(parts, "for any country")
	}
	if len(l.Categories) > 0 {
		parts = append(parts, "categories "+strings.Join(l.Categories, ", "))
	}
	if l.Routes != 0 {
		var names []string
		for _, r := range l.Routes.Routes() {
			names = append(names, r.String())
		}
		parts = append(parts, "routes "+strings.Join(names, ", "))
	}
	return strings.Join(parts, "; ")
}
