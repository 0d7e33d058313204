package policy

// The YAML shape of a policy file. Every scalar is read as a string or a
// number and checked by compile, which knows the path of each field, so that
// an error can say "warranty.terms[2].years" and the line it is on. See
// docs/POLICIES.md for the format.

type fileYAML struct {
	ID               string             `yaml:"id"`
	Version          string             `yaml:"version"`
	EffectiveFrom    string             `yaml:"effective_from"`
	Title            string             `yaml:"title"`
	Example          bool               `yaml:"example"` // written to show the format, not a vendor's policy in force
	Vendor           vendorYAML         `yaml:"vendor"`
	Clauses          []clauseYAML       `yaml:"clauses"`
	Regions          []regionYAML       `yaml:"regions"`
	Scope            *scopeYAML         `yaml:"scope"`
	Requesters       requestersYAML     `yaml:"requesters"`
	Warranty         warrantyYAML       `yaml:"warranty"`
	DOA              *doaYAML           `yaml:"doa"`
	Withdrawal       *withdrawalYAML    `yaml:"withdrawal"`
	OutOfWarranty    outOfWarrantyYAML  `yaml:"out_of_warranty"`
	Exclusions       []exclusionYAML    `yaml:"exclusions"`
	Documents        []documentYAML     `yaml:"documents"`
	RMANumber        rmaNumberYAML      `yaml:"rma_number"`
	Deadlines        []deadlineYAML     `yaml:"deadlines"`
	Shipping         []shippingYAML     `yaml:"shipping"`
	Fees             []feeYAML          `yaml:"fees"`
	Resolutions      []resolutionYAML   `yaml:"resolutions"`
	Replacement      *replacementYAML   `yaml:"replacement"`
	ServiceLocations []locationYAML     `yaml:"service_locations"`
	Supplier         *supplierYAML      `yaml:"supplier"`
	LineFields       []lineFieldYAML    `yaml:"required_line_fields"`
	Instructions     []instructionYAML  `yaml:"instructions"`
	NotEnforced      []notEnforcedYAML  `yaml:"not_enforced"`
	Calendar         string             `yaml:"calendar"`
	Defaults         []defaultChoiceYML `yaml:"defaults"`
	// Issue 14, terms (terms.go).
	SerialDate *serialDateYAML `yaml:"serial_date"`

	// Advance replacement and support contracts (issue 14: advance.go,
	// contracts.go).
	Contracts    []contractYAML    `yaml:"contracts"`
	Advance      []advanceYAML     `yaml:"advance_replacement"`
	WorkingHours *workingHoursYAML `yaml:"working_hours"`

	// Vocabulary (vocabulary.go): the pack's own documents and conditions.
	Vocabulary *vocabularyYAML `yaml:"vocabulary"`

	// Issue 16, the serial registry (records.go): what a claim that
	// disagrees with the desk's records does.
	Records []recordCheckYAML `yaml:"records"`
}

type vendorYAML struct {
	Name          string   `yaml:"name"`
	ReturnAddress []string `yaml:"return_address"`
	Email         string   `yaml:"email"`
	Website       string   `yaml:"website"`
}

type clauseYAML struct {
	ID      string `yaml:"id"`
	Section string `yaml:"section"`
	Quote   string `yaml:"quote"`
}

type regionYAML struct {
	ID        string   `yaml:"id"`
	Countries []string `yaml:"countries"`
	Include   []string `yaml:"include"`
	Except    []string `yaml:"except"`
	Clause    string   `yaml:"clause"`
}

type scopeYAML struct {
	Regions   []string `yaml:"regions"`
	Otherwise string   `yaml:"otherwise"`
	Text      string   `yaml:"text"`
	Clause    string   `yaml:"clause"`
}

type requestersYAML struct {
	Allowed []string      `yaml:"allowed"`
	Refused []refusalYAML `yaml:"refused"`
	Clause  string        `yaml:"clause"`

	// Preconditions (preconditions.go): the requester's standing, the
	// purchase channel.
	Preconditions []preconditionYAML `yaml:"preconditions"`
}

type refusalYAML struct {
	Roles  []string `yaml:"roles"`
	Text   string   `yaml:"text"`
	Key    string   `yaml:"key"` // names its text for translations where the rule has no natural key (docs/POLICIES.md)
	Clause string   `yaml:"clause"`
}

type warrantyYAML struct {
	Clause      string           `yaml:"clause"`
	Start       []startYAML      `yaml:"start"`
	Terms       []termYAML       `yaml:"terms"`
	RollForward *rollForwardYAML `yaml:"roll_forward"`
}

type startYAML struct {
	Date     string `yaml:"date"`
	Evidence string `yaml:"evidence"`
	Clause   string `yaml:"clause"`
	// Issue 16, the serial registry (records.go): claim (default) or records.
	Source string `yaml:"source"`
}

type termYAML struct {
	Category string       `yaml:"category"`
	Part     string       `yaml:"part"`
	Covered  *bool        `yaml:"covered"`
	Years    int          `yaml:"years"`
	Months   int          `yaml:"months"`
	Within   []windowYAML `yaml:"within"`
	Text     string       `yaml:"text"`
	Key      string       `yaml:"key"` // names its text for translations where the rule has no natural key (docs/POLICIES.md)
	Clause   string       `yaml:"clause"`
	// Issue 14, terms (terms.go): a length in days, and selectors.
	Days        int               `yaml:"days"`
	Counting    string            `yaml:"counting"`
	Models      []string          `yaml:"models"`
	PartNumbers []string          `yaml:"part_numbers"`
	Serials     []string          `yaml:"serials"`
	Regions     []string          `yaml:"regions"`
	Purchased   *dateRangeYAML    `yaml:"purchased"`
	Registered  *registrationYAML `yaml:"registered"`
}

type windowYAML struct {
	Days  int    `yaml:"days"`
	After string `yaml:"after"`
	// Issue 14, terms: after_start (default) or including_start (terms.go).
	Counting string `yaml:"counting"`
}

type rollForwardYAML struct {
	Calendar string `yaml:"calendar"`
	When     string `yaml:"when"`
	Clause   string `yaml:"clause"`
}

type doaYAML struct {
	Within        []windowYAML      `yaml:"within"`
	NotConditions []doaCondYAML     `yaml:"not_conditions"`
	Documents     []requirementYAML `yaml:"documents"`
	Clause        string            `yaml:"clause"`
}

type doaCondYAML struct {
	Condition string `yaml:"condition"`
	Clause    string `yaml:"clause"`
}

type requirementYAML struct {
	Document string   `yaml:"document"`
	AnyOf    []string `yaml:"any_of"`
	Clause   string   `yaml:"clause"`
}

type withdrawalYAML struct {
	Roles  []string     `yaml:"roles"`
	Within []windowYAML `yaml:"within"`
	Text   string       `yaml:"text"`
	Clause string       `yaml:"clause"`
}

type outOfWarrantyYAML struct {
	Route  string `yaml:"route"`
	Text   string `yaml:"text"`
	Clause string `yaml:"clause"`
}

type exclusionYAML struct {
	Condition string   `yaml:"condition"`
	Cause     string   `yaml:"cause"`
	Effect    string   `yaml:"effect"`
	Routes    []string `yaml:"routes"`
	Text      string   `yaml:"text"`
	Key       string   `yaml:"key"` // names its text for translations where the rule has no natural key (docs/POLICIES.md)
	Clause    string   `yaml:"clause"`
}

type documentYAML struct {
	Document       string   `yaml:"document"`
	AnyOf          []string `yaml:"any_of"`
	Stage          string   `yaml:"stage"`
	Routes         []string `yaml:"routes"`
	Regions        []string `yaml:"regions"`
	OutsideRegions []string `yaml:"outside_regions"`
	Note           string   `yaml:"note"`
	Key            string   `yaml:"key"` // names its text for translations where the rule has no natural key (docs/POLICIES.md)
	Clause         string   `yaml:"clause"`
}

type rmaNumberYAML struct {
	ValidDays     int    `yaml:"valid_days"`
	Counting      string `yaml:"counting"`
	Calendar      string `yaml:"calendar"`
	OnExpiry      string `yaml:"on_expiry"`
	WithoutNumber string `yaml:"without_number"`
	Clause        string `yaml:"clause"`
}

type deadlineYAML struct {
	Name     string `yaml:"name"`
	After    string `yaml:"after"`
	Days     int    `yaml:"days"`
	Weeks    int    `yaml:"weeks"`
	Counting string `yaml:"counting"`
	Calendar string `yaml:"calendar"`
	Owner    string `yaml:"owner"`
	Text     string `yaml:"text"`
	Clause   string `yaml:"clause"`
}

type shippingYAML struct {
	Direction string   `yaml:"direction"`
	Routes    []string `yaml:"routes"`
	Findings  []string `yaml:"findings"`
	PaidBy    string   `yaml:"paid_by"`
	Terms     string   `yaml:"terms"`
	Text      string   `yaml:"text"`
	Key       string   `yaml:"key"` // names its text for translations where the rule has no natural key (docs/POLICIES.md)
	Clause    string   `yaml:"clause"`
}

type feeYAML struct {
	Kind     string   `yaml:"kind"`
	Basis    string   `yaml:"basis"`
	Amount   string   `yaml:"amount"`
	Currency string   `yaml:"currency"`
	Routes   []string `yaml:"routes"`
	Findings []string `yaml:"findings"`
	Text     string   `yaml:"text"`
	Key      string   `yaml:"key"` // names its text for translations where the rule has no natural key (docs/POLICIES.md)
	Clause   string   `yaml:"clause"`
	// Accessories (missing_accessory only): what the unit comes with, the
	// receiving bench's checklist (accessories.go).
	Accessories []string `yaml:"accessories"`

	// Fees as data (issue 14, fees.go): a share of the unit's price with
	// limits, the categories the fee is for, and tiers chosen first-match.
	Percent    string        `yaml:"percent"`
	Minimum    string        `yaml:"minimum"`
	Maximum    string        `yaml:"maximum"`
	Categories []string      `yaml:"categories"`
	Tiers      []feeTierYAML `yaml:"tiers"`
}

// feeTierYAML is one tier of a fee (fees.go).
type feeTierYAML struct {
	Conditions []string `yaml:"conditions"`
	WithinDays int      `yaml:"within_days"`
	After      string   `yaml:"after"`
	Percent    string   `yaml:"percent"`
	Amount     string   `yaml:"amount"`
}

type resolutionYAML struct {
	Routes   []string `yaml:"routes"`
	Offer    []string `yaml:"offer"`
	ChosenBy string   `yaml:"chosen_by"`
	Credit   string   `yaml:"credit"`
	Text     string   `yaml:"text"`
	Key      string   `yaml:"key"` // names its text for translations where the rule has no natural key (docs/POLICIES.md)
	Clause   string   `yaml:"clause"`
}

type replacementYAML struct {
	Grades            []string `yaml:"grades"`
	Warranty          string   `yaml:"warranty"`
	OtherModel        string   `yaml:"other_model"`
	OwnershipToVendor bool     `yaml:"ownership_to_vendor"`
	Clause            string   `yaml:"clause"`
	AlsoCites         []string `yaml:"also_cites"`
	// Issue 14, terms: the replacement's own days under remainder_or_minimum.
	MinimumDays int `yaml:"minimum_days"`
}

type locationYAML struct {
	ID         string   `yaml:"id"`
	Name       string   `yaml:"name"`
	Address    []string `yaml:"address"`
	Regions    []string `yaml:"regions"`
	Countries  []string `yaml:"countries"`
	Categories []string `yaml:"categories"`
	Routes     []string `yaml:"routes"`
	Location   string   `yaml:"location"` // the desk's location code; default: id
	Clause     string   `yaml:"clause"`
}

type instructionYAML struct {
	Text       string   `yaml:"text"`
	Routes     []string `yaml:"routes"`
	NoteInside bool     `yaml:"note_inside"` // the label prints a note to cut out and put in the parcel
	// BeforeNumber: the step is done once an RMA number is issued
	// ("Apply for the RMA number"), so nothing shows it after that.
	BeforeNumber bool   `yaml:"before_number"`
	Key          string `yaml:"key"` // names its text for translations where the rule has no natural key (docs/POLICIES.md)
	Clause       string `yaml:"clause"`
}

type notEnforcedYAML struct {
	Clause string `yaml:"clause"`
	Reason string `yaml:"reason"`
}

// defaultChoiceYML records a choice made where the source is silent
// (Plextor's warranty length), so the choice is visible in the pack itself.
type defaultChoiceYML struct {
	Topic  string `yaml:"topic"`
	Choice string `yaml:"choice"`
	Why    string `yaml:"why"`
}

// lineFieldYAML is a field every line must carry (issue 12: Pixfra's part
// number).
type lineFieldYAML struct {
	Field  string `yaml:"field"`
	Clause string `yaml:"clause"`
}
