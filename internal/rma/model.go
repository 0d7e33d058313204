package rma

import (
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// Org is an organisation: the desk itself, or a requester (a partner, a
// dealer, a webshop's consumer) with the role and country its claims carry.
type Org struct {
	ID      int64
	Name    string
	IsDesk  bool
	Role    policy.Role // for requester organisations
	Country string      // ISO 3166-1 alpha-2
	Email   string      // where notifications go
	Address Address     // the postal address: the sender on a requester's labels
	Created time.Time

	// Supplier: the desk sends units back to it (supplier.go); it files no
	// RMAs and has no keys. Its role is stored as "supplier".
	Supplier bool
}

// Role is what a user or API key may do.
type Role string

const (
	RoleRequester  Role = "requester"  // files and follows its own organisation's RMAs
	RoleAgent      Role = "agent"      // decides, authorizes, receives, resolves
	RoleTechnician Role = "technician" // receives and evaluates
	RoleAdmin      Role = "admin"      // everything, and accounts
)

// Roles lists the roles.
var Roles = []Role{RoleRequester, RoleAgent, RoleTechnician, RoleAdmin}

// Actor is who does something: recorded on every event.
type Actor struct {
	OrgID  int64
	UserID int64 // 0 for an API key without a user
	KeyID  int64 // 0 for a signed-in user
	Role   Role
	Name   string // for the history: "anna@dexxon.example", "key rk_ab12", "system"
	// Org is the organisation as authentication read it with the key or
	// session, in the same request; nil when the caller did not. A use
	// case that needs the organisation's role or country takes it from
	// here instead of reading it again.
	Org *Org
}

// System is the actor of background work (expiry, reminders).
var System = Actor{Role: RoleAdmin, Name: "system"}

// Money is an amount in the smallest unit of its currency (cents).
type Money struct {
	Cents    int64  `json:"cents"`
	Currency string `json:"currency"`
}

// RMA is one return request with its lines, as the desk tracks it.
type RMA struct {
	ID            int64
	Number        string        // the current RMA number; "" until authorized
	NumberExpires calendar.Date // last day the current number is valid
	OrgID         int64
	Reference     string // the requester's own reference (order number, ticket)
	PolicyID      string
	PolicyVersion string // the version it was judged by: a later policy never re-judges it
	Kind          policy.Kind
	State         State
	Verdict       policy.Verdict // the engine's verdict over all lines
	Route         policy.Route   // the route over all lines
	Resolution    string         // the resolution the desk chose from the policy's offer
	Outcome       Outcome        // set when resolved
	Reason        string         // why rejected, referred, or what information is needed
	ReferredTo    string         // the service centre's contact, when referred
	Location      string         // the service location goods go to (policy service_locations id)
	ShipTo        *ShipTo        // the desk's location as copied at authorization; nil: the policy's address
	NoSubstitute  bool           // the requester refuses a substitute model (Pixfra)
	Preference    string         // the resolution the requester prefers where the policy leaves it the choice (Mini Cart: replace or refund)
	Reported      calendar.Date  // the day it was filed: the engine's "today"
	Lines         []Line
	Numbers       []NumberRecord // every number issued, the current one last
	Deadlines     []Deadline
	Charges       []Charge
	Jobs          []Job // new jobs the change causes: written with it, never loaded
	// Shadow is each line decided again by the draft its pack has in
	// shadow (shadow.go), at submission: written with it, never loaded.
	Shadow []ShadowLine
	// Units are the registry entries of the units the change ships
	// (replacements: registry.go), written with it, never loaded.
	Units   []Unit
	Version int // bumped by every change: the ETag
	Created time.Time
	Updated time.Time

	// AssigneeID is the desk's user who holds the RMA (0: nobody), and
	// Unread says the requester wrote since the desk last opened it. Both
	// are read with the RMA and written only by their own steps
	// (assign.go), never by a save of the RMA.
	AssigneeID int64
	Unread     bool

	// Supplier is every time a line went to a supplier, oldest first: read
	// with the RMA, written only by the supplier RMA's steps (supplier.go).
	Supplier []SupplierLine
}

// Line is one unit (or a quantity of one article) in an RMA.
type Line struct {
	ID                int64
	No                int // 1-based position in the RMA
	Claim             policy.Claim
	Quantity          int
	PartNumber        string // the part number (PN) as reserved; a policy may require it
	Fault             string // the requester's description
	LastInvoicedPrice Money  // what a credit is worth (Dexxon)
	Decision          policy.Decision

	// The desk's decision on this line at authorization (linedecision.go):
	// a rejected line is kept, with its reason, but not received,
	// evaluated or resolved.
	Rejected     bool
	RejectReason string

	// Receiving.
	ReceivedSerial     string
	ReceivedModel      string
	SerialMismatch     bool     // the unit is not the one authorised (Pixfra flags it)
	ReceivedPartNumber string   // the part number read off the unit received
	PartMismatch       bool     // its part number differs from the reservation's: flagged, not refused
	MissingAccessories []string // charged where the policy says
	EnclosedDocuments  []policy.Document
	IntakeCondition    string // the state it arrived in (IntakeConditions, bench.go); "" not noted
	IntakeNotes        string

	// Evaluation.
	Finding          Finding
	FindingCondition string // for not_covered: the condition found
	EvaluationNotes  string
	EvaluationHours  float64 // the bench's time on it; an hourly fee of the finding charges it (bench.go)

	// Replacement.
	ReplacementSerial      string
	ReplacementModel       string
	ReplacementGrade       string        // new, revised, serviced
	ReplacementWarrantyEnd calendar.Date // inherited from the original (Plextor)

	// Advance replacement (issue 14, advance.go): the replacement shipped
	// before the defective unit came back; nil when the line is not one.
	Advance *AdvanceShipment
}

// NumberRecord is an RMA number as issued: reissue keeps the old ones.
type NumberRecord struct {
	Number  string
	Issued  calendar.Date
	Expires calendar.Date
	Current bool
}

// Deadline is a due date on an RMA: the vendor's (instructions within 14
// days) or the requester's. Met is zero while it is open.
type Deadline struct {
	Name   string
	Owner  string
	Due    calendar.Date
	Met    time.Time
	Clause string
	Text   string
}

// Overdue reports whether the deadline is open past its due day.
func (d *Deadline) Overdue(today calendar.Date) bool { return d.Met.IsZero() && today > d.Due }

// Charge is one entry of an RMA's ledger. Positive amounts are owed by the
// requester; credits to the requester are negative.
type Charge struct {
	ID          int64
	LineNo      int    // 0 for the whole RMA
	Kind        string // the policy's fee kind, "credit", "transport"...
	Basis       string // hourly, fixed, actual_cost, quote, last_invoiced_price, ...
	Description string
	Quantity    float64 // hours for an hourly fee, units otherwise
	Amount      Money
	Clause      string
	Created     time.Time

	// Deducted: a fee known at decision time (a restocking fee), taken off
	// the line's refund or credit (restocking.go): the credit note lists
	// it as a deduction, and no invoice asks for it.
	Deducted bool
}

// Document is a file attached to an RMA: evidence, photos, labels.
type Document struct {
	ID          int64
	RMAID       int64
	LineNo      int
	Kind        string // a policy document name, or "other"
	Filename    string
	ContentType string // detected from the content, not trusted from the client
	Size        int64
	SHA256      string
	Path        string // where the store keeps the bytes, relative to its data directory
	UploadedBy  string
	Created     time.Time
}

// Message is a note between desk and requester on an RMA.
type Message struct {
	ID       int64
	RMAID    int64
	Author   string
	FromDesk bool
	Internal bool // an internal note of the desk, never shown to the requester (messages.go)
	Body     string
	Created  time.Time
	Jobs     []Job // the email it causes: written with it, never loaded
}

// Event is one entry of an RMA's append-only history.
type Event struct {
	ID      int64
	RMAID   int64
	Seq     int // 1, 2, ... per RMA
	At      time.Time
	Actor   string
	Action  string // an Action, or "submit", "add_document", "add_message", "add_charge"
	From    State  // "" for the submission
	To      State
	Details map[string]any // what changed
}
