package policy

import (
	"fmt"
	"math/bits"
	"strings"
)

// The vocabularies of claims and policies are closed sets: a policy or claim
// naming anything else is refused at the edge, so the evaluator can work with
// small integers and bit sets instead of strings.

// Role is who files a claim.
type Role uint8

const (
	RoleUnknown Role = iota
	Consumer
	EndUser
	Dealer
	Partner
	Distributor
	numRoles
)

var roleNames = [...]string{"", "consumer", "end_user", "dealer", "partner", "distributor"}

// Kind is what a claim asks for.
type Kind uint8

const (
	Defect Kind = iota
	Withdrawal
)

var kindNames = [...]string{"defect", "withdrawal"}

// Cause is what the requester (or later the technician) says caused the fault.
type Cause uint8

const (
	CauseUnknown Cause = iota
	CauseManufacturing
	CauseMisuse
)

var causeNames = [...]string{"unknown", "manufacturing", "misuse"}

// Condition is a fact about the unit that can change the outcome.
type Condition uint8

const (
	SerialAltered Condition = iota
	UnauthorizedRepair
	Misuse
	UnsupportedAccessory
	Accident
	AnimalDamage
	ReceiptAltered
	PaintedOrTampered
	LabelsRemoved
	PhysicalDamage
	CredentialsNotRemoved
	Opened // the unit's packaging was opened (restocking fees, fees.go)
	numConditions
)

var conditionNames = [...]string{
	"serial_altered", "unauthorized_repair", "misuse", "unsupported_accessory",
	"accident", "animal_damage", "receipt_altered", "painted_or_tampered",
	"labels_removed", "physical_damage", "credentials_not_removed",
	"opened",
}

// Document is a kind of evidence a requester provides or encloses.
type Document uint8

const (
	PurchaseReceipt Document = iota
	VendorInvoice
	ShippingDocument
	ProformaInvoice
	LabelPhoto
	AppearancePhoto
	PackagePhotos
	ShipmentSlip
	DefectMedia
	numDocuments
)

var documentNames = [...]string{
	"purchase_receipt", "vendor_invoice", "shipping_document", "proforma_invoice",
	"label_photo", "appearance_photo", "package_photos", "shipment_slip", "defect_media",
}

// DateField names one of the dates a claim carries.
type DateField uint8

const (
	DateNone DateField = iota
	DatePurchase
	DateInvoice
	DateShipped
	DateDelivered
	DateManufactured
	DateReported
	// Issue 14, terms (terms.go): the day the unit was registered with the
	// vendor, and the day a replacement unit was sent to the requester.
	DateRegistered
	DateReplaced
	numDateFields
)

var dateFieldNames = [...]string{"", "purchase", "invoice", "shipped", "delivered", "manufactured", "reported", "registered", "replaced"}

// Verdict is the engine's decision on a claim.
type Verdict uint8

const (
	Accept Verdict = iota
	Reject
	NeedsInfo
	Review
)

var verdictNames = [...]string{"accept", "reject", "needs_info", "review"}

// severity orders verdicts: a claim's verdict is the most severe one any rule gives.
// Missing documents outrank a review (a person cannot quote without them),
// but never a rejection.
func (v Verdict) severity() int {
	switch v {
	case Reject:
		return 3
	case NeedsInfo:
		return 2
	case Review:
		return 1
	}
	return 0
}

// Route is the path a claim takes through the desk.
type Route uint8

const (
	RouteNone Route = iota
	RouteDOA
	RouteWarranty
	RouteWithdrawal
	RouteChargeable
)

var routeNames = [...]string{"none", "doa", "warranty", "withdrawal", "chargeable"}

// Payer is who pays a shipment.
type Payer uint8

const (
	PayerUnspecified Payer = iota
	PayerRequester
	PayerVendor
)

var payerNames = [...]string{"unspecified", "requester", "vendor"}

func (r Role) String() string      { return roleNames[r] }
func (k Kind) String() string      { return kindNames[k] }
func (c Cause) String() string     { return causeNames[c] }
func (c Condition) String() string { return vocabName(conditionNames[:], "condition", int(c)) }
func (d Document) String() string  { return vocabName(documentNames[:], "document", int(d)) }
func (f DateField) String() string { return dateFieldNames[f] }
func (v Verdict) String() string   { return verdictNames[v] }
func (r Route) String() string     { return routeNames[r] }
func (p Payer) String() string     { return payerNames[p] }

func (r Role) MarshalText() ([]byte, error)      { return []byte(r.String()), nil }
func (k Kind) MarshalText() ([]byte, error)      { return []byte(k.String()), nil }
func (c Cause) MarshalText() ([]byte, error)     { return []byte(c.String()), nil }
func (c Condition) MarshalText() ([]byte, error) { return c.text() }
func (d Document) MarshalText() ([]byte, error)  { return d.text() }
func (f DateField) MarshalText() ([]byte, error) { return []byte(f.String()), nil }
func (v Verdict) MarshalText() ([]byte, error)   { return []byte(v.String()), nil }
func (r Route) MarshalText() ([]byte, error)     { return []byte(r.String()), nil }
func (p Payer) MarshalText() ([]byte, error)     { return []byte(p.String()), nil }

// lookup finds s in names, skipping the empty placeholder of enums whose
// zero value means "not given".
func lookup(names []string, s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	for i, n := range names {
		if n == s {
			return i, true
		}
	}
	return 0, false
}

// unknownValue builds the message for a value outside a vocabulary, listing
// what is allowed so the requester can fix it without reading docs.
func unknownValue(what, s string, names []string) error {
	allowed := make([]string, 0, len(names))
	for _, n := range names {
		if n != "" {
			allowed = append(allowed, n)
		}
	}
	return fmt.Errorf("unknown %s %q (one of %s)", what, s, strings.Join(allowed, ", "))
}

// ParseRole parses a requester role name.
func ParseRole(s string) (Role, error) {
	if i, ok := lookup(roleNames[:], s); ok {
		return Role(i), nil
	}
	return 0, unknownValue("role", s, roleNames[:])
}

// ParseKind parses a claim kind; the empty string is a defect.
func ParseKind(s string) (Kind, error) {
	if s == "" {
		return Defect, nil
	}
	if i, ok := lookup(kindNames[:], s); ok {
		return Kind(i), nil
	}
	return 0, unknownValue("kind", s, kindNames[:])
}

// ParseCause parses a cause; the empty string is unknown.
func ParseCause(s string) (Cause, error) {
	if s == "" {
		return CauseUnknown, nil
	}
	if i, ok := lookup(causeNames[:], s); ok {
		return Cause(i), nil
	}
	return 0, unknownValue("cause", s, causeNames[:])
}

// ParseCondition parses a condition name.
func ParseCondition(s string) (Condition, error) {
	if i, ok := lookup(conditionNames[:], s); ok {
		return Condition(i), nil
	}
	return 0, unknownValue("condition", s, conditionNames[:])
}

// ParseDocument parses a document name.
func ParseDocument(s string) (Document, error) {
	if i, ok := lookup(documentNames[:], s); ok {
		return Document(i), nil
	}
	return 0, unknownValue("document", s, documentNames[:])
}

// ParseDateField parses the name of a claim date.
func ParseDateField(s string) (DateField, error) {
	if i, ok := lookup(dateFieldNames[:], s); ok {
		return DateField(i), nil
	}
	return 0, unknownValue("date", s, dateFieldNames[:])
}

// ParseRoute parses a route name.
func ParseRoute(s string) (Route, error) {
	if i, ok := lookup(routeNames[:], s); ok {
		return Route(i), nil
	}
	return 0, unknownValue("route", s, routeNames[:])
}

// ParsePayer parses who pays.
func ParsePayer(s string) (Payer, error) {
	if i, ok := lookup(payerNames[:], s); ok {
		return Payer(i), nil
	}
	return 0, unknownValue("payer", s, payerNames[:])
}

// RoleSet is a set of roles.
type RoleSet uint8

func (s RoleSet) Has(r Role) bool     { return s&(1<<r) != 0 }
func (s RoleSet) With(r Role) RoleSet { return s | 1<<r }

// Roles lists the members in vocabulary order.
func (s RoleSet) Roles() []Role {
	var out []Role
	for r := Consumer; r < numRoles; r++ {
		if s.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

// RouteSet is a set of routes; the zero set means "every route" where a rule
// is restricted by route.
type RouteSet uint8

func (s RouteSet) With(r Route) RouteSet { return s | 1<<r }

// Matches reports whether a rule restricted to s applies on route r.
func (s RouteSet) Matches(r Route) bool { return s == 0 || s&(1<<r) != 0 }

// Routes lists the members.
func (s RouteSet) Routes() []Route {
	var out []Route
	for r := RouteNone; r <= RouteChargeable; r++ {
		if s&(1<<r) != 0 {
			out = append(out, r)
		}
	}
	return out
}

// ConditionSet is a set of conditions: the format's below DeclaredBase, a
// pack's declared ones above (vocabulary.go).
type ConditionSet uint64

func (s ConditionSet) Has(c Condition) bool          { return s&(1<<c) != 0 }
func (s ConditionSet) With(c Condition) ConditionSet { return s | 1<<c }
func (s ConditionSet) Len() int                      { return bits.OnesCount64(uint64(s)) }

// Conditions lists the format's members in vocabulary order (not a pack's
// declared ones).
func (s ConditionSet) Conditions() []Condition {
	out := make([]Condition, 0, s.Len())
	for c := Condition(0); c < numConditions; c++ {
		if s.Has(c) {
			out = append(out, c)
		}
	}
	return out
}

// DocumentSet is a set of documents: the format's below DeclaredBase, a
// pack's declared ones above (vocabulary.go).
type DocumentSet uint64

func (s DocumentSet) Has(d Document) bool         { return s&(1<<d) != 0 }
func (s DocumentSet) With(d Document) DocumentSet { return s | 1<<d }
func (s DocumentSet) Len() int                    { return bits.OnesCount64(uint64(s)) }

// Documents lists the format's members in vocabulary order (not a pack's
// declared ones).
func (s DocumentSet) Documents() []Document {
	out := make([]Document, 0, s.Len())
	for d := Document(0); d < numDocuments; d++ {
		if s.Has(d) {
			out = append(out, d)
		}
	}
	return out
}

// UnmarshalText methods let stored decisions and claims be read back with
// encoding/json; each accepts exactly the names MarshalText writes.

func (r *Role) UnmarshalText(b []byte) (err error)      { *r, err = ParseRole(string(b)); return }
func (k *Kind) UnmarshalText(b []byte) (err error)      { *k, err = ParseKind(string(b)); return }
func (c *Cause) UnmarshalText(b []byte) (err error)     { *c, err = ParseCause(string(b)); return }
func (c *Condition) UnmarshalText(b []byte) (err error) { *c, err = ParseCondition(string(b)); return }
func (d *Document) UnmarshalText(b []byte) (err error)  { *d, err = ParseDocument(string(b)); return }
func (r *Route) UnmarshalText(b []byte) (err error)     { *r, err = ParseRoute(string(b)); return }
func (p *Payer) UnmarshalText(b []byte) (err error)     { *p, err = ParsePayer(string(b)); return }

// UnmarshalText reads a date field name; the empty name is DateNone.
func (f *DateField) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*f = DateNone
		return nil
	}
	v, err := ParseDateField(string(b))
	*f = v
	return err
}

// UnmarshalText reads a verdict name.
func (v *Verdict) UnmarshalText(b []byte) error {
	if i, ok := lookup(verdictNames[:], string(b)); ok {
		*v = Verdict(i)
		return nil
	}
	return unknownValue("decision", string(b), verdictNames[:])
}

// ConditionNames and DocumentNames list the vocabularies, for forms.
func ConditionNames() []string { return append([]string(nil), conditionNames[:]...) }
func DocumentNames() []string  { return append([]string(nil), documentNames[:]...) }
