package rma

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// Where goods go and who sends them (issue 12). A courier refuses a parcel
// without a street, a postcode and a city, so an address is checked whole
// before it is kept; the desk's service locations hold one each, and so may
// every organisation (the sender on a requester's label).

// Address is a postal address as a courier needs it.
type Address struct {
	Street   string `json:"street"`   // street and number
	Postcode string `json:"postcode"` // postal code
	City     string `json:"city"`
	Region   string `json:"region,omitempty"`  // state, province or region, where the country uses one
	Country  string `json:"country"`           // ISO 3166-1 alpha-2
	Contact  string `json:"contact,omitempty"` // a person or department to hand the parcel to
	Phone    string `json:"phone,omitempty"`   // couriers call before a delivery fails
	Note     string `json:"note,omitempty"`    // opening hours, dock, what to write on the parcel
}

// IsZero reports whether no field is set: an organisation without an address.
func (a Address) IsZero() bool { return a == Address{} }

// Lines are the address as printed under its name: street, postcode and
// city, region, country, then the contact and phone.
func (a Address) Lines() []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	add(a.Street)
	add(strings.TrimSpace(a.Postcode + " " + a.City))
	add(a.Region)
	add(CountryName(a.Country))
	if a.Contact != "" {
		add("Attn. " + a.Contact)
	}
	if a.Phone != "" {
		add("Tel. " + a.Phone)
	}
	return out
}

// phonePattern accepts what people write for a phone number: digits,
// spaces, a leading +, brackets, dots and dashes.
var phonePattern = regexp.MustCompile(`^\+?[0-9 ()./-]{4,40}$`)

// Check refuses an address a courier would: every problem names its field
// under prefix ("address.street").
func (a *Address) Check(prefix string) error {
	a.trim()
	for _, f := range []struct {
		name, value string
		required    bool
		max         int
	}{
		{"street", a.Street, true, 200}, {"postcode", a.Postcode, true, 20}, {"city", a.City, true, 100},
		{"region", a.Region, false, 100}, {"country", a.Country, true, 2}, {"contact", a.Contact, false, 200},
		{"phone", a.Phone, false, 40}, {"note", a.Note, false, 1000},
	} {
		field := prefix + "." + f.name
		if f.name == "postcode" && noPostcode[a.Country] {
			f.required = false // Hong Kong, the Emirates, ...: couriers need none
		}
		if f.required && f.value == "" {
			return Invalid(field, "required: a courier needs the %s", f.name)
		}
		if len(f.value) > f.max {
			return Invalid(field, "at most %d characters", f.max)
		}
		if strings.ContainsAny(f.value, "\x00\r\n\t") {
			return Invalid(field, "must be one line of text")
		}
	}
	if !policy.ValidCountry(a.Country) {
		return Invalid(prefix+".country", "%q is not an ISO 3166-1 alpha-2 country code (e.g. NL, DE, US)", a.Country)
	}
	if a.Phone != "" && !phonePattern.MatchString(a.Phone) {
		return Invalid(prefix+".phone", "%q is not a phone number (digits, spaces, + ( ) . -)", a.Phone)
	}
	if !strings.ContainsAny(a.Street, "0123456789") {
		// Every seed's address has one; a street without a number is a
		// placeholder more often than a real address.
		return Invalid(prefix+".street", "give the street and the number (%q has no number)", a.Street)
	}
	return nil
}

func (a *Address) trim() {
	for _, s := range []*string{&a.Street, &a.Postcode, &a.City, &a.Region, &a.Country, &a.Contact, &a.Phone, &a.Note} {
		*s = strings.TrimSpace(*s)
	}
	a.Country = strings.ToUpper(a.Country)
}

// noPostcode are the countries that use no postal codes (UPU), where an
// address without one is complete.
var noPostcode = map[string]bool{}

func init() {
	for _, c := range strings.Fields("AE AG AO AW BF BI BJ BO BS BW BZ CD CF CG CI CK CM DJ DM ER FJ GA GD GH GM GQ GY HK JM KI KM KN KP LC ML MO MR MW NR NU QA RW SB SC SL SR ST SY TD TF TG TK TL TO TT TV UG VU YE ZW") {
		noPostcode[c] = true
	}
}

// Location is one of the desk's service locations: where goods are sent.
// The policies' location rules name it by Code. Locations are never
// deleted, only made inactive, so what an RMA recorded keeps its name.
type Location struct {
	ID      int64
	Code    string
	Name    string
	Address Address
	Active  bool
	Created time.Time
	Updated time.Time
}

// ShipTo is the location an RMA's goods go to, as it was when the RMA was
// authorized: copied, so a later edit of the location does not change an
// issued label.
type ShipTo struct {
	Code    string  `json:"code"`
	Name    string  `json:"name"`
	Address Address `json:"address"`
}

// Lines are the name, then the address.
func (s *ShipTo) Lines() []string { return append([]string{s.Name}, s.Address.Lines()...) }

// LocationStore keeps the service locations and organisations' addresses.
// The one store implements it; storetest holds it to the contract.
type LocationStore interface {
	// CreateLocation stores a new location and sets its ID and times;
	// ECONFLICT when the code is taken.
	CreateLocation(ctx context.Context, l *Location) error
	// UpdateLocation rewrites the location with l.Code (name, address,
	// active) and sets Updated; ENOTFOUND when there is none.
	UpdateLocation(ctx context.Context, l *Location) error
	// LocationByCode finds a location, active or not; ENOTFOUND.
	LocationByCode(ctx context.Context, code string) (*Location, error)
	// Locations lists every location by code.
	Locations(ctx context.Context) ([]Location, error)
	// SetOrgAddress replaces an organisation's address; ENOTFOUND.
	SetOrgAddress(ctx context.Context, orgID int64, a Address) error
}

var codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// CheckCode checks a location's code: what policy rules write, so the same
// pattern as a policy id.
func CheckCode(field, code string) error {
	if !codePattern.MatchString(code) {
		return Invalid(field, "%q: lower-case letters, digits, '-' or '_', at most 63, starting with a letter or digit", code)
	}
	return nil
}

// NewLocation is what an admin gives for a location.
type NewLocation struct {
	Code    string
	Name    string
	Address Address
	Active  *bool // nil: active
}

func (s *Service) locations() (LocationStore, error) {
	ls, ok := s.store.(LocationStore)
	if !ok {
		return nil, Errorf(EINTERNAL, "this store keeps no service locations")
	}
	return ls, nil
}

// CreateLocation adds a service location (admins only).
func (s *Service) CreateLocation(ctx context.Context, actor Actor, nl NewLocation) (*Location, error) {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return nil, err
	}
	ls, err := s.locations()
	if err != nil {
		return nil, err
	}
	l := &Location{Code: strings.TrimSpace(nl.Code), Name: strings.TrimSpace(nl.Name), Address: nl.Address, Active: nl.Active == nil || *nl.Active}
	if err := CheckCode("code", l.Code); err != nil {
		return nil, err
	}
	if err := required("name", l.Name, 200); err != nil {
		return nil, err
	}
	if err := l.Address.Check("address"); err != nil {
		return nil, err
	}
	if err := ls.CreateLocation(ctx, l); err != nil {
		return nil, err
	}
	return l, nil
}

// LocationUpdate is an admin's change of a location; nil fields stay.
type LocationUpdate struct {
	Name    *string
	Address *Address
	Active  *bool
}

// UpdateLocation changes a location (admins only). RMAs authorized before
// keep the address they were given.
func (s *Service) UpdateLocation(ctx context.Context, actor Actor, code string, u LocationUpdate) (*Location, error) {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return nil, err
	}
	ls, err := s.locations()
	if err != nil {
		return nil, err
	}
	l, err := ls.LocationByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if u.Name != nil {
		l.Name = strings.TrimSpace(*u.Name)
		if err := required("name", l.Name, 200); err != nil {
			return nil, err
		}
	}
	if u.Address != nil {
		a := *u.Address
		if err := a.Check("address"); err != nil {
			return nil, err
		}
		l.Address = a
	}
	if u.Active != nil {
		l.Active = *u.Active
	}
	if err := ls.UpdateLocation(ctx, l); err != nil {
		return nil, err
	}
	return l, nil
}

// Locations lists the desk's service locations (the desk's roles: an agent
// picks one when authorizing).
func (s *Service) Locations(ctx context.Context, actor Actor) ([]Location, error) {
	if !actor.Role.IsDesk() {
		return nil, Errorf(EFORBIDDEN, "role %s may not list service locations", actor.Role)
	}
	ls, err := s.locations()
	if err != nil {
		return nil, err
	}
	return ls.Locations(ctx)
}

// Location finds one location by code (the desk's roles).
func (s *Service) Location(ctx context.Context, actor Actor, code string) (*Location, error) {
	if !actor.Role.IsDesk() {
		return nil, Errorf(EFORBIDDEN, "role %s may not read service locations", actor.Role)
	}
	ls, err := s.locations()
	if err != nil {
		return nil, err
	}
	return ls.LocationByCode(ctx, code)
}

// SetOrgAddress sets an organisation's postal address (admins only). The
// address's country defaults to the organisation's.
func (s *Service) SetOrgAddress(ctx context.Context, actor Actor, orgID int64, a Address) (*Org, error) {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return nil, err
	}
	ls, err := s.locations()
	if err != nil {
		return nil, err
	}
	o, err := s.store.Org(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(a.Country) == "" {
		a.Country = o.Country
	}
	if err := a.Check("address"); err != nil {
		return nil, err
	}
	if err := ls.SetOrgAddress(ctx, orgID, a); err != nil {
		return nil, err
	}
	o.Address = a
	return o, nil
}

// shipTo resolves where an authorization sends the goods: the agent's
// choice (code), else the policy's location rules for the requester, the
// product and the route. A code the desk keeps as an active location is
// copied onto the RMA; a code only the policy knows (a location rule with
// its own address, as Dexxon's) keeps the policy's address, and nothing is
// copied. An agent's code that neither knows is refused.
func (s *Service) shipTo(ctx context.Context, p *policy.Policy, r *RMA, override string) (code string, to *ShipTo, err error) {
	override = strings.TrimSpace(override)
	code = override
	if code == "" {
		org, err := s.store.Org(ctx, r.OrgID)
		if err != nil {
			return "", nil, err
		}
		code = chooseLocation(p, org, r)
	}
	if code == "" {
		return "", nil, nil
	}
	desk := ""
	if rule := p.LocationRule(code); rule != nil {
		desk = rule.Location
	} else if override != "" {
		desk = code
	}
	if desk == "" {
		desk = code
	}
	if ls, ok := s.store.(LocationStore); ok {
		l, err := ls.LocationByCode(ctx, desk)
		switch {
		case err == nil && l.Active:
			return code, &ShipTo{Code: l.Code, Name: l.Name, Address: l.Address}, nil
		case err == nil && override != "":
			return "", nil, Invalid("location", "service location %q is inactive", override)
		case err != nil && ErrorCode(err) != ENOTFOUND:
			return "", nil, err
		}
	}
	if override != "" && p.LocationRule(override) == nil {
		return "", nil, Invalid("location", "unknown service location %q (neither the desk's nor policy %s's)", override, p.ID)
	}
	return code, nil, nil
}

// countryNames are the English names printed on labels for the countries
// the desk's requesters and locations are most often in; any other code is
// printed as it is, which couriers read too.
var countryNames = map[string]string{
	"AT": "Austria", "AU": "Australia", "BE": "Belgium", "BG": "Bulgaria", "BR": "Brazil", "CA": "Canada",
	"CH": "Switzerland", "CN": "China", "CY": "Cyprus", "CZ": "Czechia", "DE": "Germany", "DK": "Denmark",
	"EE": "Estonia", "ES": "Spain", "FI": "Finland", "FR": "France", "GB": "United Kingdom", "GR": "Greece",
	"HK": "Hong Kong", "HR": "Croatia", "HU": "Hungary", "IE": "Ireland", "IN": "India", "IT": "Italy",
	"JP": "Japan", "KR": "South Korea", "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "MT": "Malta",
	"MX": "Mexico", "MY": "Malaysia", "NL": "Netherlands", "NO": "Norway", "NZ": "New Zealand", "PL": "Poland",
	"PT": "Portugal", "RO": "Romania", "SE": "Sweden", "SG": "Singapore", "SI": "Slovenia", "SK": "Slovakia",
	"TH": "Thailand", "TR": "Turkey", "TW": "Taiwan", "US": "United States", "ZA": "South Africa",
}

// CountryName is the country's English name, or its code.
func CountryName(code string) string {
	if n, ok := countryNames[code]; ok {
		return n
	}
	return code
}
