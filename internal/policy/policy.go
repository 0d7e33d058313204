package policy

import (
	"github.com/rmadesk/rmadesk/internal/calendar"
)

// Policy is one vendor's return and warranty policy, compiled from YAML and
// checked. It is immutable after Load and safe for concurrent use. Every rule
// names the Clause of the source policy it encodes, so each decision can cite
// its source.
type Policy struct {
	ID            string
	Version       string
	EffectiveFrom calendar.Date
	Title         string // the source document's title
	// Example marks a pack written to show the format from a kind of
	// published policy (examples/policies), not one a vendor runs.
	Example bool
	Source  string // where the policy was loaded from (file name)
	Vendor  Vendor

	Clauses          []Clause
	Regions          []*Region
	Scope            *Scope // nil: requesters from any country
	Requesters       Requesters
	Warranty         Warranty
	DOA              *DOA            // nil: no dead-on-arrival route
	Withdrawal       *WithdrawalRule // nil: no right of withdrawal offered
	OutOfWarranty    OutOfWarranty
	Exclusions       []Exclusion
	Documents        []DocumentRule
	RMANumber        RMANumber
	Deadlines        []Deadline
	Shipping         []ShippingRule
	Fees             []Fee
	Resolutions      []ResolutionRule
	Replacement      *Replacement
	ServiceLocations []ServiceLocation
	Supplier         *SupplierRules
	LineFields       []LineField // fields every line must carry (lines.go)
	Instructions     []Instruction
	NotEnforced      []NotEnforced
	Defaults         []DefaultChoice    // choices made where the source is silent
	Calendar         *calendar.Calendar // the desk's working days, for deadlines; may be nil
	// Issue 14, terms (terms.go): the manufacture date read from the
	// serial number; nil: none is read.
	SerialDate *SerialDate

	clauses map[string]*Clause

	texts        []TextKey               // every text a translation may give, in file order (texts.go)
	translations map[string]*Translation // by language

	// Fees: the indexes of the fees known at decision time (fees.go); nil
	// for a pack without any, so Evaluate does no work for them.
	decisionFees []int
	// Advance replacement and support contracts (issue 14: advance.go,
	// contracts.go).
	Plans        []Plan         // the support plans the vendor sells
	Advance      []AdvanceOffer // first match offers advance replacement
	WorkingHours *WorkingHours  // the hours a service level in business hours counts; may be nil
	// Vocabulary (vocabulary.go): the documents and conditions the pack
	// declares beside the format's.
	Vocabulary Vocabulary
}

// Clause is a passage of the source policy, quoted, that rules cite by ID.
type Clause struct {
	ID      string
	Section string // the heading or place in the source
	Quote   string // the source's own words
}

// Backdated returns a copy of p in force on any day: a what-if asks what
// p would have decided of claims reported before it takes effect, where
// p itself answers policy_not_in_force. p is unchanged.
func (p *Policy) Backdated() *Policy {
	q := *p
	q.EffectiveFrom = 0
	return &q
}

// Clause returns the clause with the given ID, or nil.
func (p *Policy) Clause(id string) *Clause { return p.clauses[id] }

// Vendor is who runs the desk under this policy.
type Vendor struct {
	Name          string
	ReturnAddress []string // lines of the address goods are sent to
	Email         string
	Website       string
}

// Region is a named group of countries.
type Region struct {
	ID        string
	Countries []string // as written, for display
	Except    bool     // the region is every country except Countries
	Clause    string
	set       countrySet
}

// Contains reports whether country (ISO 3166-1 alpha-2) is in the region.
func (r *Region) Contains(country string) bool {
	return r.set.has(country) != r.Except
}

func inAnyRegion(regions []*Region, country string) bool {
	for _, r := range regions {
		if r.Contains(country) {
			return true
		}
	}
	return false
}

// Scope limits which requesters' countries the policy serves.
type Scope struct {
	Regions   []*Region
	Otherwise Verdict // Reject or Review for a country outside
	Text      string
	Clause    string
}

// Requesters says who may file.
type Requesters struct {
	Allowed  RoleSet
	Refusals []Refusal // what a role that may not file is told
	Clause   string

	// Preconditions (preconditions.go): what the requester's standing and
	// the purchase channel must be.
	Preconditions []Precondition
}

// Refusal is what requesters of the given roles are told instead.
type Refusal struct {
	Roles  RoleSet
	Text   string
	Key    string // its text's key, for translations (texts.go)
	Clause string
}

// Warranty is the warranty (or fixed return window) for defects.
type Warranty struct {
	Clause      string
	Start       []StartBasis // ordered fallbacks for the date a term starts from
	Terms       []Term       // first match by category and part wins
	RollForward *RollForward
	// Issue 14, terms: some term is for some regions only (terms.go).
	regional bool
}

// StartBasis is one candidate date a warranty term starts from. With an
// Evidence document, the date counts only when the claim provides that
// document (Dexxon: the end user's purchase date needs the receipt).
type StartBasis struct {
	Date        DateField
	Evidence    Document
	HasEvidence bool
	Clause      string
}

// Term is the warranty of one category and part.
type Term struct {
	Category string // "" matches any category
	Part     string // "" matches any part
	Covered  bool
	Years    int
	Months   int
	Within   []Window // a fixed window instead of a term: any one open window suffices
	Text     string   // shown when the part is not covered
	Key      string   // its text's key, for translations (texts.go)
	Clause   string
	length   string // "2 years", precomputed for explanations
	// Issue 14, terms (terms.go): a length in days, selectors beyond
	// category and part, and a longer term for registered units.
	Days         int
	Counting     WindowCounting // for Days
	Models       []string       // exact model names, case-insensitively
	PartNumbers  []Glob         // product.part_number patterns
	Serials      []Glob         // product.serial patterns
	Regions      []*Region      // the requester's country in one of these
	Purchased    *DateRange     // a claim date within a range
	Registration *Registration
	sel          bool // any selector above: checked only then
	ext          bool // a length or counting of issue 14: explained by terms.go
}

// Length describes the term ("3 years", "1 year 6 months").
func (t *Term) Length() string { return t.length }

// Window is a period of Days days after the date After ("within 7 days after
// delivery" includes delivery+7).
type Window struct {
	After DateField
	Days  int
	desc  string // "7 days after delivered", precomputed for explanations
	// Issue 14, terms: whether After is day 0 (default) or day 1 (terms.go).
	Counting WindowCounting
}

// RollForward moves a last day that is a public holiday in Calendar to the
// first working day after it.
type RollForward struct {
	Calendar *calendar.Calendar
	Clause   string
}

// DOA is the dead-on-arrival route: a short window after a date, with
// conditions; when they fail the claim continues as a standard warranty claim.
type DOA struct {
	Within         []Window
	ConditionRules []DOACondition // any of these on the unit disqualifies DOA
	Documents      []DOARequirement
	Clause         string
}

// DOACondition is a condition of the unit that disqualifies DOA.
type DOACondition struct {
	Condition Condition
	Clause    string
}

// DOARequirement is a document DOA needs.
type DOARequirement struct {
	Requirement
	Clause string
}

// WithdrawalRule is the right of withdrawal (distance selling): a window after
// delivery in which eligible requesters may return goods without a defect.
type WithdrawalRule struct {
	Roles  RoleSet
	Within []Window
	Text   string // told to roles without the right
	Clause string
}

// OutOfWarranty says what happens to a defect claim outside the warranty:
// rejected, or routed to paid (chargeable) service.
type OutOfWarranty struct {
	Route  Route // RouteNone (reject) or RouteChargeable
	Text   string
	Clause string
}

// Effect is what an exclusion does to a claim.
type Effect uint8

const (
	// Void rejects the claim.
	Void Effect = iota + 1
	// Chargeable moves the claim to paid service (review).
	Chargeable
	// Warn accepts the claim with a warning.
	Warn
)

var effectNames = [...]string{"", "void", "chargeable", "warn"}

func (e Effect) String() string { return effectNames[e] }

// Exclusion is a condition of the unit, or a cause, that changes the outcome.
type Exclusion struct {
	Condition    Condition
	HasCondition bool
	Cause        Cause // CauseUnknown when the exclusion is on a condition
	Effect       Effect
	Routes       RouteSet // the routes it applies on; empty: all
	Text         string
	Key          string // its text's key, for translations (texts.go)
	Clause       string

	// Vocabulary: the id of a condition the pack declares, which only the
	// policy can name.
	Declared string
}

// Code is the reason code the exclusion gives: the condition's or cause's name.
func (e *Exclusion) Code() string {
	if e.Declared != "" {
		return e.Declared
	}
	if e.HasCondition {
		return e.Condition.String()
	}
	return "cause_" + e.Cause.String()
}

// Stage is when a document is needed.
type Stage uint8

const (
	// AtFiling documents must come with the claim; missing ones make it needs_info.
	AtFiling Stage = iota + 1
	// InParcel documents go in the parcel with the goods.
	InParcel
)

var stageNames = [...]string{"", "filing", "parcel"}

func (s Stage) String() string { return stageNames[s] }

// Requirement is one document, or one of several alternatives.
type Requirement struct {
	AnyOf []Document
}

// satisfiedBy reports whether the documents include one of the alternatives.
func (r *Requirement) satisfiedBy(docs DocumentSet) bool {
	for _, d := range r.AnyOf {
		if docs.Has(d) {
			return true
		}
	}
	return false
}

// DocumentRule requires a document on some routes and in some regions.
type DocumentRule struct {
	Requirement
	Stage          Stage
	Routes         RouteSet
	Regions        []*Region // only for requesters in one of these
	OutsideRegions []*Region // only for requesters outside all of these
	Note           string
	Key            string // its text's key, for translations (texts.go)
	Clause         string
}

func (r *DocumentRule) appliesTo(route Route, country string) bool {
	if !r.Routes.Matches(route) {
		return false
	}
	if len(r.Regions) > 0 && !inAnyRegion(r.Regions, country) {
		return false
	}
	if len(r.OutsideRegions) > 0 && inAnyRegion(r.OutsideRegions, country) {
		return false
	}
	return true
}

func (r *DocumentRule) needsCountry() bool { return len(r.Regions) > 0 || len(r.OutsideRegions) > 0 }

// Counting says how days of a period are counted.
type Counting uint8

const (
	CalendarDays Counting = iota + 1
	WorkingDays
)

var countingNames = [...]string{"", "calendar_days", "working_days"}

func (c Counting) String() string { return countingNames[c] }

// RMANumber is how long an issued RMA number stays valid and what happens
// to goods without one.
type RMANumber struct {
	ValidDays     int
	Counting      Counting
	Calendar      *calendar.Calendar // for WorkingDays
	OnExpiry      string             // "reissue": a new number with a fresh validity
	WithoutNumber string             // "refused" or "delayed": goods arriving without a valid number
	Clause        string
}

// Expires returns the last day an RMA number issued on issued is valid.
func (r *RMANumber) Expires(issued calendar.Date) calendar.Date {
	return countDays(issued, r.ValidDays, r.Counting, r.Calendar)
}

// Event is a moment in an RMA's life a deadline counts from.
type Event string

// Deadline is a promise with a due date: the vendor's (instructions within 14
// days) or the requester's.
type Deadline struct {
	Name     string // "instructions", "evaluation", ...
	After    Event  // "submitted", "authorized", "received", ...
	Days     int
	Counting Counting
	Calendar *calendar.Calendar
	Owner    string // "vendor" or "requester": who must act
	Text     string
	Key      string // its text's key, for translations (texts.go)
	Clause   string
}

// Due returns the last day of the deadline for an event on day from.
func (d *Deadline) Due(from calendar.Date) calendar.Date {
	return countDays(from, d.Days, d.Counting, d.Calendar)
}

func countDays(from calendar.Date, n int, counting Counting, cal *calendar.Calendar) calendar.Date {
	if counting == WorkingDays && cal != nil {
		return cal.AddWorkingDays(from, n)
	}
	return from.AddDays(n)
}

// ShippingRule says who pays a shipment on some routes, or after some findings.
type ShippingRule struct {
	Direction string // "inbound" (to the vendor) or "outbound" (back to the requester)
	Routes    RouteSet
	Findings  []string // empty: at decision time; else after evaluation found one of these
	PaidBy    Payer
	Terms     string // an Incoterm such as DDP, when the policy names one
	Text      string
	Key       string // its text's key, for translations (texts.go)
	Clause    string
}

// Fee is a charge the policy allows.
type Fee struct {
	Kind     string // no_fault_found, missing_accessory, repair, transport, ...
	Basis    string // hourly, fixed, actual_cost, quote, last_invoiced_price, depreciation
	Amount   string // decimal, in Currency; "" when the desk sets it
	Currency string
	Routes   RouteSet
	Findings []string
	Text     string
	Key      string // its text's key, for translations (texts.go)
	Clause   string
	// Accessories are what a unit comes with (missing_accessory fees
	// only): the receiving bench's checklist, each one missing charged by
	// this fee (accessories.go).
	Accessories []string

	// Fees as data (issue 14, fees.go): a percentage of the unit's price
	// within limits, the categories the fee is for (none: all), and tiers
	// chosen first-match. Such a fee is known at decision time.
	Percent    Percent // for basis percentage without tiers
	Minimum    int64   // cents in Currency; 0: none
	Maximum    int64   // cents in Currency; 0: none
	Categories []string
	Tiers      []FeeTier
	atDecision bool
}

// ResolutionRule is what the vendor offers on some routes.
type ResolutionRule struct {
	Routes   RouteSet
	Offer    []string // replace, refund, repair, credit, destroy_and_credit, ...
	ChosenBy string   // "vendor" or "requester"
	Credit   string   // what a credit is worth: "last_invoiced_price", "purchase_price"
	Text     string
	Key      string // its text's key, for translations (texts.go)
	Clause   string
}

// Replacement says what a replacement unit may be.
type Replacement struct {
	Grades            []string // new, revised, serviced
	Warranty          string   // "carried_over" (the original's end date) or "fresh"
	OtherModel        string   // "no", "allowed", "unless_refused"
	OwnershipToVendor bool     // the defective unit becomes the vendor's
	Clause            string
	AlsoCites         []string // further clauses the fields above encode
	// Issue 14, terms: under Warranty "remainder_or_minimum", a claim on a
	// replacement unit (dates.replaced) is in warranty until the later of
	// the original's last day and replaced+MinimumDays (terms.go).
	MinimumDays int
}

// ServiceLocation is where goods are sent, chosen by region or category.
type ServiceLocation struct {
	ID         string
	Name       string
	Address    []string
	Regions    []*Region
	Countries  []string // requester countries it serves, besides Regions
	Categories []string
	Routes     RouteSet // the routes it serves; empty: all
	Location   string   // the desk's service location code goods go to (default: ID)
	countries  countrySet
	Key        string // its text's key, for translations (texts.go)
	Clause     string
}

// Instruction is something the requester must do, shown with the
// authorization and on the return label.
type Instruction struct {
	Text   string
	Routes RouteSet
	// NoteInside asks for a note inside the parcel (order number, product,
	// quantity, the problem): the label prints one, pre-filled, to cut out.
	NoteInside bool
	// BeforeNumber: a step that an issued number has done (asking for
	// one); the guide, the label and the emails leave it out once the RMA
	// has its number.
	BeforeNumber bool
	Key          string // its text's key, for translations (texts.go)
	Clause       string
}

// NotEnforced is a passage of the source that the engine does not decide on,
// with the reason (a statement of liability, advice, a web page's navigation).
type NotEnforced struct {
	Clause string
	Reason string
}

// DefaultChoice records a choice the pack makes where its source is silent.
type DefaultChoice struct {
	Topic  string
	Choice string
	Why    string
}
