package rma

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"
	"unicode"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// The serial registry (issue 16): the units the desk, or the vendor it
// works for, sold and shipped (its installed base), loaded from the ERP
// (CSV, the API) and added to by the desk itself when it ships a
// replacement. The desk decides from it where a policy says so
// (policy.Records: filled here, read by the engine), shows a unit's whole
// life, and answers anyone's warranty check (warrantycheck.go).

// Unit is one unit in the registry.
type Unit struct {
	Serial       string // as loaded; the registry matches it by SerialKey
	PartNumber   string
	Model        string
	Category     string
	SoldTo       string // the organisation it was sold to, by the name the desk knows it by
	InvoiceDate  calendar.Date
	InvoiceNo    string
	Delivered    calendar.Date
	Manufactured calendar.Date
	Price        Money  // zero: not known
	PolicyID     string // the policy its warranty is under; "": the public check's default

	// A replacement the desk shipped (resolved by replacement, or in
	// advance): the RMA it went out in, the serial it replaced, and the
	// warranty end it carries under the policy's replacement rule. Not
	// loaded from the ERP; not a sale.
	RMAID       int64
	RMANumber   string
	Replaces    string
	WarrantyEnd calendar.Date

	Created, Updated time.Time
}

// Replacement reports whether the desk shipped the unit as a replacement.
func (u *Unit) Replacement() bool { return u.RMAID != 0 }

// SoldOn is the day the unit counts as sold (the sales roll-up's day): its
// invoice date, else its delivery date; zero for a replacement, which is
// no sale, and for a unit with neither.
func (u *Unit) SoldOn() calendar.Date {
	if u.Replacement() {
		return 0
	}
	if !u.InvoiceDate.IsZero() {
		return u.InvoiceDate
	}
	return u.Delivered
}

// SerialKey is how the registry matches serials: trimmed, and ASCII
// letters in upper case, since labels are read aloud and typed in either
// case ("px-2301a" is PX-2301A).
func SerialKey(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

// Limits of a unit's fields.
const (
	maxSerial    = 100
	maxUnitText  = 200
	maxInvoiceNo = 100
)

// UnitColumns are a unit's fields by the names the CSV and the API give
// them, in the order the CSV template writes them.
var UnitColumns = []string{"serial", "part_number", "model", "category", "sold_to", "invoice_date", "invoice_no",
	"delivered", "manufactured", "price", "currency", "policy"}

// CheckUnit refuses a unit the registry cannot keep, naming the field by
// field(column): "units[3].serial", "line 5, column serial". policies are
// the desk's: a unit's policy must be one of them.
func CheckUnit(u *Unit, policies *policy.Set, field func(column string) string) error {
	if strings.TrimSpace(u.Serial) == "" {
		return Invalid(field("serial"), "required")
	}
	if err := checkSerial(field("serial"), u.Serial); err != nil {
		return err
	}
	for _, t := range []struct {
		column, s string
		max       int
	}{{"part_number", u.PartNumber, maxUnitText}, {"model", u.Model, maxUnitText}, {"category", u.Category, maxUnitText},
		{"sold_to", u.SoldTo, maxUnitText}, {"invoice_no", u.InvoiceNo, maxInvoiceNo}, {"policy", u.PolicyID, maxUnitText}} {
		if err := CheckText(field(t.column), t.s, t.max); err != nil {
			return err
		}
		if strings.ContainsAny(t.s, "\r\n\t") {
			return Invalid(field(t.column), "is one line: no line breaks or tabs")
		}
	}
	if u.Price.Cents < 0 {
		return Invalid(field("price"), "must not be negative")
	}
	if u.Price.Cents > 0 && !validCurrency(u.Price.Currency) {
		return Invalid(field("currency"), "%q is not an ISO 4217 code such as EUR: required with a price", u.Price.Currency)
	}
	if u.Price.Cents == 0 && u.Price.Currency != "" && !validCurrency(u.Price.Currency) {
		return Invalid(field("currency"), "%q is not an ISO 4217 code such as EUR", u.Price.Currency)
	}
	if u.PolicyID != "" && policies != nil && policies.Latest(u.PolicyID) == nil {
		return Invalid(field("policy"), "unknown policy %q (one of %s)", u.PolicyID, strings.Join(policies.IDs(), ", "))
	}
	return nil
}

// checkSerial: one line of printable characters, as on a label.
func checkSerial(field, s string) error {
	if err := CheckText(field, s, maxSerial); err != nil {
		return err
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return Invalid(field, "%q is not a serial: only printable characters, on one line", s)
		}
	}
	return nil
}

// UnitLoad is what a load of units did.
type UnitLoad struct {
	Units     int // in the input
	Created   int // serials new to the registry
	Updated   int // serials it had, with something changed
	Unchanged int // serials it had, loaded again as they were
	// UnknownSoldTo are sold-to names that match no organisation of the
	// desk (a claim from that name would not match them), with how many
	// units each; at most 20, most units first.
	UnknownSoldTo []NameCount
}

// NameCount is a name and how often it was seen.
type NameCount struct {
	Name  string
	Units int
}

// DuplicateUnitError is a load that names one serial twice: the second
// occurrence would silently overwrite the first, so the load is refused.
// First and Again are the units' positions in the load, from 0.
type DuplicateUnitError struct {
	Serial       string
	First, Again int
}

func (e *DuplicateUnitError) Error() string {
	return fmt.Sprintf("serial %s is loaded twice (units %d and %d)", e.Serial, e.First, e.Again)
}

// WarrantyCheckSettings are the desk's settings of the public warranty
// check (warrantycheck.go).
type WarrantyCheckSettings struct {
	Enabled bool
	// SecondFactor is what a person must give besides the serial:
	// FactorNone, FactorModel, FactorPurchaseDate or FactorEither.
	SecondFactor string
	// RevealUnknown answers an unknown serial with "not in our records";
	// false (the default) answers it as a known serial whose second
	// factor does not match, so the check reveals no serial's existence.
	RevealUnknown bool
	// DefaultPolicy decides the units that name no policy; "": none.
	DefaultPolicy string
}

// UnitReader is what the intake reads of the registry (FillRecords): a
// store that files many RMAs at once (internal/bulk) offers it alone.
type UnitReader interface {
	// Unit finds a unit by its serial (SerialKey); ENOTFOUND when the
	// registry does not have it.
	Unit(ctx context.Context, serial string) (*Unit, error)
	// KeepsUnits reports whether the registry holds a unit sold or
	// shipped (not only the desk's replacements): only then does the desk
	// check claims against it.
	KeepsUnits(ctx context.Context) (bool, error)
}

// UnitStore keeps the registry. The one store implements it
// (internal/store/units.go), on both databases.
type UnitStore interface {
	UnitReader
	// LoadUnits writes units in one transaction: a serial new to the
	// registry is created, a known one replaced by what the load gives
	// (its created time kept); the sales roll-up (UnitsSold) moves with
	// them. units are checked (CheckUnit). An error of units, a serial
	// given twice (*DuplicateUnitError) or the database's writes nothing.
	// A unit's RMAID, RMANumber, Replaces and WarrantyEnd are written as
	// given: a load from outside leaves them zero.
	LoadUnits(ctx context.Context, units iter.Seq2[Unit, error]) (UnitLoad, error)
	// ReplacedBy lists the units the desk sent to replace serial, oldest
	// first.
	ReplacedBy(ctx context.Context, serial string) ([]Unit, error)
	// CountUnits counts the registry's units: all, and the replacements.
	CountUnits(ctx context.Context) (units, replacements int64, err error)
	// UnitsSold counts units by model whose invoice date (else delivery
	// date) is in [from, to]: of one model, and sold to one organisation
	// (its ID in decimal), or all where empty. Replacements are no sales.
	UnitsSold(ctx context.Context, from, to calendar.Date, model, orgID string) (map[string]int64, error)

	WarrantyCheckSettings(ctx context.Context) (WarrantyCheckSettings, error)
	SaveWarrantyCheckSettings(ctx context.Context, s WarrantyCheckSettings) error
}

func (s *Service) units() (UnitStore, error) {
	us, ok := s.store.(UnitStore)
	if !ok {
		return nil, Errorf(EINTERNAL, "this store keeps no serial registry")
	}
	return us, nil
}

// UnitSource is a load's units with how its messages name a unit's
// field: "units[3].serial" in a JSON body, "line 5, column serial" in a
// CSV file.
type UnitSource struct {
	Units iter.Seq2[Unit, error]
	Field func(i int, column string) string
}

// ImportUnits loads units into the registry (an admin's load from the
// ERP): each is checked as it is read, and the first bad one, or a serial
// given twice, refuses the whole load with nothing written. Replacement
// fields are the desk's own: a load cannot set them.
func (s *Service) ImportUnits(ctx context.Context, actor Actor, src UnitSource) (UnitLoad, error) {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return UnitLoad{}, err
	}
	us, err := s.units()
	if err != nil {
		return UnitLoad{}, err
	}
	set := s.Policies()
	checked := func(yield func(Unit, error) bool) {
		i := 0
		for u, err := range src.Units {
			if err == nil {
				u.RMAID, u.RMANumber, u.Replaces, u.WarrantyEnd = 0, "", "", 0
				u.Serial = strings.TrimSpace(u.Serial)
				n := i
				err = CheckUnit(&u, set, func(column string) string { return src.Field(n, column) })
			}
			if !yield(u, err) || err != nil {
				return
			}
			i++
		}
	}
	load, err := us.LoadUnits(ctx, checked)
	s.unitsKept.Store(nil) // a load may be the first: read again
	if d, ok := err.(*DuplicateUnitError); ok {
		return load, Invalid(src.Field(d.Again, "serial"), "%s was given before, at %s: a load names each serial once", d.Serial, src.Field(d.First, "serial"))
	}
	return load, err
}

// FillRecords puts the desk's records of a claim's unit on it (issue 16,
// policy.Records): the registry's entry for its serial (dates not after
// the claim's reported day, which a record after it cannot have decided),
// whether it was sold to another organisation than org, a replacement's
// carried warranty, and the latest other RMA on the serial (named only
// when it is org's own). Nothing when the desk keeps no registry. exceptRMA
// is the RMA the claim is on, if it has one, which does not count as a
// claim before it.
func (s *Service) FillRecords(ctx context.Context, org *Org, c *policy.Claim, exceptRMA int64) error {
	us, ok := s.store.(UnitReader)
	if !ok {
		return nil
	}
	keeps, err := s.keepsUnits(ctx, us)
	if err != nil || !keeps {
		return err
	}
	rec := &policy.Records{}
	c.Records = rec
	serial := strings.TrimSpace(c.Product.Serial)
	if serial == "" {
		return nil
	}
	u, err := us.Unit(ctx, serial)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		u = nil
	case err != nil:
		return err
	}
	reported := c.Dates.Reported
	keep := func(d calendar.Date) calendar.Date {
		if d > reported {
			return 0
		}
		return d
	}
	if u != nil {
		// The registry's spelling of the serial ("px-1" is PX-1), so
		// that the unit's RMAs are found by it.
		c.Product.Serial = u.Serial
		rec.Known = true
		rec.Dates.Invoice, rec.Dates.Delivered, rec.Dates.Manufactured = keep(u.InvoiceDate), keep(u.Delivered), keep(u.Manufactured)
		rec.InvoiceNo = u.InvoiceNo
		rec.SoldToOther = u.SoldTo != "" && org != nil && NameKey(u.SoldTo) != NameKey(org.Name)
		if u.Replacement() && !u.WarrantyEnd.IsZero() && !keep(u.Delivered).IsZero() {
			rec.Replaces, rec.Replaced, rec.WarrantyEnd = u.Replaces, u.Delivered, u.WarrantyEnd
		}
	}
	serials := []string{serial}
	if u != nil && u.Serial != serial {
		serials = append(serials, u.Serial) // the RMAs may spell it as the registry does
	}
	for _, sn := range serials {
		hits, err := s.store.LinesBySerial(ctx, sn)
		if err != nil {
			return err
		}
		for _, h := range hits {
			if h.AsReplacement || h.RMAID == exceptRMA || h.Reported.IsZero() || h.Reported > reported || h.Reported < rec.LastClaim {
				continue
			}
			rec.LastClaim, rec.LastClaimRMA = h.Reported, ""
			if org != nil && h.OrgID == org.ID {
				rec.LastClaimRMA = h.Number
				if rec.LastClaimRMA == "" {
					rec.LastClaimRMA = fmt.Sprintf("RMA %d", h.RMAID)
				}
			}
		}
	}
	return nil
}

// replacementUnit is the registry's entry for a unit the desk ships to
// replace line l: sold to nobody (the desk fills in the requester when it
// saves), delivered today, carrying the warranty the policy's replacement
// rule gives it. Nil when the serial is empty.
func (c *change) replacementUnit(l *Line, serial, model string) *Unit {
	serial = strings.TrimSpace(serial)
	if serial == "" {
		return nil
	}
	u := &Unit{Serial: serial, Model: model, Category: l.Claim.Product.Category, Delivered: c.today, PolicyID: c.r.PolicyID,
		RMAID: c.r.ID, RMANumber: c.r.Number, Price: Money{}}
	if strings.EqualFold(model, l.Claim.Product.Model) {
		u.PartNumber = l.PartNumber
	}
	u.Replaces = l.ReceivedSerial
	if u.Replaces == "" {
		u.Replaces = l.Claim.Product.Serial
	}
	u.WarrantyEnd = replacementWarrantyEnd(c.p, l, c.today)
	return u
}

// replacementWarrantyEnd is the last day of the warranty a replacement
// sent today carries: the original's last day (carried_over, and where
// the policy says nothing), or the later of that and the policy's minimum
// days from today (remainder_or_minimum); zero for a fresh warranty, which
// runs from the unit's own delivery, and where the original's is unknown.
func replacementWarrantyEnd(p *policy.Policy, l *Line, today calendar.Date) calendar.Date {
	original := l.Decision.Warranty.LastDay
	if original.IsZero() {
		return 0
	}
	repl := p.Replacement
	switch {
	case repl == nil || repl.Warranty == "carried_over":
		return original
	case repl.Warranty == "remainder_or_minimum":
		return max(original, policy.Span{Days: repl.MinimumDays}.LastDay(today))
	}
	return 0
}

// soldToRequester names the RMA's organisation as the buyer of the units
// the change ships.
func (s *Service) soldToRequester(ctx context.Context, r *RMA) error {
	if len(r.Units) == 0 {
		return nil
	}
	org, err := s.store.Org(ctx, r.OrgID)
	if err != nil {
		return err
	}
	for i := range r.Units {
		r.Units[i].SoldTo = org.Name
	}
	return nil
}

// UnitLife is everything the desk knows of one serial: its registry entry
// (nil when it has none), every RMA line on it (as the claimed unit or as
// a replacement), the replacements the desk sent for it, and its warranty
// as the registry places it.
type UnitLife struct {
	Serial     string
	Unit       *Unit
	RMAs       []SerialHit
	ReplacedBy []Unit
	Warranty   *WarrantyAnswer // nil when the unit is not in the registry
}

// UnitLife returns a unit's life for the actor: the desk's roles see any
// serial; a requester sees a unit the registry has sold to its
// organisation (a replacement it was sent counts), with its own RMAs only.
// Any other serial is "not found".
func (s *Service) UnitLife(ctx context.Context, actor Actor, serial string) (*UnitLife, error) {
	if err := authorize(actor, nil, OpRead); err != nil {
		return nil, err
	}
	serial = strings.TrimSpace(serial)
	if serial == "" || len(serial) > maxSerial {
		return nil, Errorf(ENOTFOUND, "unit not found")
	}
	us, err := s.units()
	if err != nil {
		return nil, err
	}
	life := &UnitLife{Serial: serial}
	u, err := us.Unit(ctx, serial)
	switch {
	case ErrorCode(err) == ENOTFOUND:
	case err != nil:
		return nil, err
	default:
		life.Unit, life.Serial = u, u.Serial
	}
	if !actor.Role.IsDesk() {
		org := actor.Org
		if org == nil || org.ID != actor.OrgID {
			if org, err = s.store.Org(ctx, actor.OrgID); err != nil {
				return nil, err
			}
		}
		if u == nil || u.SoldTo == "" || NameKey(u.SoldTo) != NameKey(org.Name) {
			return nil, Errorf(ENOTFOUND, "unit not found")
		}
	}
	seen := map[string]bool{}
	for _, sn := range []string{serial, life.Serial} {
		if seen[sn] {
			continue
		}
		seen[sn] = true
		hits, err := s.store.LinesBySerial(ctx, sn)
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			if actor.Role.IsDesk() || h.OrgID == actor.OrgID {
				life.RMAs = append(life.RMAs, h)
			}
		}
	}
	if u == nil {
		if len(life.RMAs) == 0 {
			return nil, Errorf(ENOTFOUND, "serial %s is neither in the registry nor on an RMA", serial)
		}
		return life, nil
	}
	if life.ReplacedBy, err = us.ReplacedBy(ctx, u.Serial); err != nil {
		return nil, err
	}
	settings, err := us.WarrantyCheckSettings(ctx)
	if err != nil {
		return nil, err
	}
	a := s.unitWarranty(u, settings)
	life.Warranty = &a
	return life, nil
}

// RegistryStats counts the registry for its admin page.
func (s *Service) RegistryStats(ctx context.Context, actor Actor) (units, replacements int64, err error) {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return 0, 0, err
	}
	us, err := s.units()
	if err != nil {
		return 0, 0, err
	}
	return us.CountUnits(ctx)
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// keptUnits is what KeepsUnits answered, and when.
type keptUnits struct {
	keeps bool
	at    time.Time
}

// keepsUnitsFor is how long the service trusts KeepsUnits' answer: every
// submission would otherwise ask it once more. A registry loaded on
// another instance is read at intake within this time; this instance's
// own load forgets the answer at once.
const keepsUnitsFor = 2 * time.Second

func (s *Service) keepsUnits(ctx context.Context, us UnitReader) (bool, error) {
	if k := s.unitsKept.Load(); k != nil && time.Since(k.at) < keepsUnitsFor {
		return k.keeps, nil
	}
	keeps, err := us.KeepsUnits(ctx)
	if err != nil {
		return false, err
	}
	s.unitsKept.Store(&keptUnits{keeps: keeps, at: time.Now()})
	return keeps, nil
}
