package api

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The JSON the API speaks. Field names are snake_case and stable: clients
// and the OpenAPI document depend on them.

// MoneyJSON is an amount as a decimal string, never a float.
type MoneyJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

func moneyView(m rma.Money) MoneyJSON {
	neg := m.Cents < 0
	c := m.Cents
	if neg {
		c = -c
	}
	s := fmt.Sprintf("%d.%02d", c/100, c%100)
	if neg {
		s = "-" + s
	}
	return MoneyJSON{Amount: s, Currency: m.Currency}
}

// parseMoney reads a decimal amount with at most two decimals.
func parseMoney(field string, m *MoneyJSON) (rma.Money, error) {
	if m == nil || (m.Amount == "" && m.Currency == "") {
		return rma.Money{}, nil
	}
	if !isCurrencyCode(m.Currency) {
		return rma.Money{}, rma.Invalid(field+".currency", "must be an ISO 4217 code such as EUR")
	}
	s := m.Amount
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (hasFrac && frac == "") || len(whole) > 13 || !isDigits(whole) || !isDigits(frac) {
		return rma.Money{}, rma.Invalid(field+".amount", "%q must be a decimal amount such as 12.50", m.Amount)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 {
		return rma.Money{}, rma.Invalid(field+".amount", "%q must be a decimal amount such as 12.50", m.Amount)
	}
	var f int64
	if frac != "" {
		if f, err = strconv.ParseInt((frac + "0")[:2], 10, 64); err != nil || f < 0 {
			return rma.Money{}, rma.Invalid(field+".amount", "%q must be a decimal amount such as 12.50", m.Amount)
		}
	}
	cents := w*100 + f
	if neg {
		cents = -cents
	}
	return rma.Money{Cents: cents, Currency: m.Currency}, nil
}

// isDigits reports whether s holds only the digits 0 to 9 (strconv also
// takes a sign: "1.+1" was read as 1.01).
func isDigits(s string) bool { return strings.Trim(s, "0123456789") == "" }

// isCurrencyCode reports whether s has the form of an ISO 4217 code: three
// letters A to Z ("000" and "€" are not).
func isCurrencyCode(s string) bool {
	return len(s) == 3 && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}

// RMAView is an RMA as the API shows it.
type RMAView struct {
	ID              int64             `json:"id"`
	Number          string            `json:"number,omitempty"`
	NumberExpires   string            `json:"number_expires,omitempty"`
	Numbers         []NumberView      `json:"numbers"`
	OrgID           int64             `json:"org_id"`
	Reference       string            `json:"reference,omitempty"`
	Policy          string            `json:"policy"`
	PolicyVersion   string            `json:"policy_version"`
	Kind            policy.Kind       `json:"kind"`
	State           rma.State         `json:"state"`
	AllowedActions  []rma.Action      `json:"allowed_actions"` // the next steps the caller's role may take (receive: POST /api/v1/receiving)
	Decision        policy.Verdict    `json:"decision"`
	Route           policy.Route      `json:"route"`
	Resolution      string            `json:"resolution,omitempty"`
	Offered         []string          `json:"resolutions_offered"`
	Outcome         rma.Outcome       `json:"outcome,omitempty"`
	Reason          string            `json:"reason,omitempty"`
	ReferredTo      string            `json:"referred_to,omitempty"`
	ServiceLocation *LocationView     `json:"service_location,omitempty"`
	ShipTo          *ShipToView       `json:"ship_to,omitempty"` // the desk's location as copied at authorization
	ReturnAddress   []string          `json:"return_address"`
	Instructions    []InstructionView `json:"instructions"`
	NoSubstitute    bool              `json:"no_substitute"`
	Preference      string            `json:"preference,omitempty"`         // the resolution the requester chose
	PreferenceOf    []string          `json:"preference_choices,omitempty"` // what it may choose between, where the policy leaves it the choice
	Reported        string            `json:"reported"`
	Lines           []LineView        `json:"lines,omitempty"`
	Deadlines       []DeadlineView    `json:"deadlines"`
	Charges         []ChargeView      `json:"charges"`
	Balance         []MoneyJSON       `json:"balance"`
	Supplier        *RMASupplierView  `json:"supplier,omitempty"` // lines at suppliers, and for the desk recovery and net cost (suppliers.go)
	Assignee        int64             `json:"assignee,omitempty"` // the desk user who handles it; the desk only (assign.go)
	Unread          bool              `json:"unread,omitempty"`   // the requester wrote since the desk last opened it; the desk only
	Version         int               `json:"version"`
	Created         time.Time         `json:"created"`
	Updated         time.Time         `json:"updated"`

	// Fees (issue 14): what the desk charges when it refunds or credits,
	// as it stands now (fees.go); charged ones are in charges.
	ExpectedFees []ExpectedFeeView `json:"expected_fees,omitempty"`
}

// NumberView is an issued RMA number.
type NumberView struct {
	Number  string `json:"number"`
	Issued  string `json:"issued"`
	Expires string `json:"expires"`
	Current bool   `json:"current"`
}

// LocationView is where goods go.
type LocationView struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Address []string `json:"address"`
}

// InstructionView is what the requester must do, with its clause.
type InstructionView struct {
	Text   string `json:"text"`
	Clause string `json:"clause"`
}

// LineView is one line.
type LineView struct {
	No                int              `json:"no"`
	Claim             policy.Claim     `json:"claim"`
	Quantity          int              `json:"quantity"`
	PartNumber        string           `json:"part_number,omitempty"`
	Fault             string           `json:"fault,omitempty"`
	LastInvoicedPrice *MoneyJSON       `json:"last_invoiced_price,omitempty"`
	Decision          policy.Decision  `json:"decision"`
	Received          *ReceivedView    `json:"received,omitempty"`
	Finding           rma.Finding      `json:"finding,omitempty"`
	FindingCondition  string           `json:"finding_condition,omitempty"`
	EvaluationNotes   string           `json:"evaluation_notes,omitempty"`
	EvaluationHours   float64          `json:"evaluation_hours,omitempty"`
	Replacement       *ReplacementView `json:"replacement,omitempty"`
	// Rejected: the desk rejected this line at authorization, with its
	// reason; it takes no further part (not received, evaluated or resolved).
	Rejected     bool   `json:"rejected,omitempty"`
	RejectReason string `json:"reject_reason,omitempty"`

	// AdvanceReplacement is the replacement shipped before the defective
	// unit came back (issue 14, advance.go).
	AdvanceReplacement *AdvanceView `json:"advance_replacement,omitempty"`
}

// ReceivedView is what arrived.
type ReceivedView struct {
	Serial             string            `json:"serial,omitempty"`
	Model              string            `json:"model,omitempty"`
	SerialMismatch     bool              `json:"serial_mismatch"`
	PartNumber         string            `json:"part_number,omitempty"`
	PartMismatch       bool              `json:"part_mismatch"` // the part number is not the one reserved: flagged, not refused
	MissingAccessories []string          `json:"missing_accessories"`
	EnclosedDocuments  []policy.Document `json:"enclosed_documents"`
	IntakeCondition    string            `json:"intake_condition,omitempty"` // the state it arrived in
	IntakeNotes        string            `json:"intake_notes,omitempty"`
}

// ReplacementView is the unit sent instead.
type ReplacementView struct {
	Serial      string `json:"serial"`
	Model       string `json:"model,omitempty"`
	Grade       string `json:"grade,omitempty"`
	WarrantyEnd string `json:"warranty_end,omitempty"`
}

// DeadlineView is a due date.
type DeadlineView struct {
	Name    string     `json:"name"`
	Owner   string     `json:"owner"`
	Due     string     `json:"due"`
	Met     *time.Time `json:"met,omitempty"`
	Overdue bool       `json:"overdue"`
	Clause  string     `json:"clause"`
	Text    string     `json:"text,omitempty"`
}

// ChargeView is a ledger entry.
type ChargeView struct {
	ID          int64     `json:"id"`
	Line        int       `json:"line,omitempty"`
	Kind        string    `json:"kind"`
	Basis       string    `json:"basis,omitempty"`
	Description string    `json:"description,omitempty"`
	Quantity    float64   `json:"quantity"`
	Amount      MoneyJSON `json:"amount"`
	Clause      string    `json:"clause,omitempty"`
	Created     time.Time `json:"created"`
	Deducted    bool      `json:"deducted,omitempty"` // a fee taken off the line's refund or credit (issue 14)
}

func dateString(d calendar.Date) string { return d.String() }

// rmaView shows an RMA to actor: the next steps listed are the ones the
// actor's role may take.
func (s *Server) rmaView(r *rma.RMA, today calendar.Date, actor rma.Actor) RMAView {
	v := RMAView{
		ID: r.ID, Number: r.Number, NumberExpires: dateString(r.NumberExpires), OrgID: r.OrgID, Reference: r.Reference,
		Policy: r.PolicyID, PolicyVersion: r.PolicyVersion, Kind: r.Kind, State: r.State, AllowedActions: rma.AllowedActions(r.State),
		Decision: r.Verdict, Route: r.Route, Resolution: r.Resolution, Outcome: r.Outcome, Reason: r.Reason,
		ReferredTo: r.ReferredTo, NoSubstitute: r.NoSubstitute, Preference: r.Preference, Reported: dateString(r.Reported),
		Numbers: []NumberView{}, Deadlines: []DeadlineView{}, Charges: []ChargeView{}, Balance: []MoneyJSON{},
		ReturnAddress: []string{}, Instructions: []InstructionView{}, Offered: []string{},
		Version: r.Version, Created: r.Created, Updated: r.Updated,
	}
	if p := s.svc.Policies().Version(r.PolicyID, r.PolicyVersion); p != nil {
		g := rma.GuideFor(p, r)
		v.PreferenceOf = rma.PreferenceChoices(p, r.Route)
		v.ReturnAddress = g.Address
		if g.Offer != nil {
			v.Offered = g.Offer
		}
		for _, in := range g.Instructions {
			v.Instructions = append(v.Instructions, InstructionView{Text: in.Text, Clause: in.Clause})
		}
		if l := g.Location; l != nil {
			v.ServiceLocation = &LocationView{ID: l.ID, Name: l.Name, Address: l.Address}
		}
		v.ShipTo = shipToView(g.ShipTo)
		if r.Outcome == "" {
			v.ExpectedFees = expectedFeeViews(p, r) // fees.go
		}
	}
	allowed := []rma.Action{}
	for _, a := range v.AllowedActions {
		if rma.Can(actor.Role, a) {
			allowed = append(allowed, a)
		}
	}
	v.AllowedActions = allowed
	if actor.Role.IsDesk() {
		v.Assignee, v.Unread = r.AssigneeID, r.Unread
	}
	for _, n := range r.Numbers {
		v.Numbers = append(v.Numbers, NumberView{Number: n.Number, Issued: n.Issued.String(), Expires: n.Expires.String(), Current: n.Current})
	}
	for _, l := range r.Lines {
		lv := LineView{No: l.No, Claim: l.Claim, Quantity: l.Quantity, PartNumber: l.PartNumber, Fault: l.Fault, Decision: l.Decision,
			Finding: l.Finding, FindingCondition: l.FindingCondition, EvaluationNotes: l.EvaluationNotes, EvaluationHours: l.EvaluationHours,
			Rejected: l.Rejected, RejectReason: l.RejectReason}
		if !actor.Role.IsDesk() {
			lv.Claim.Records = nil // the desk's records (issue 16): the decision's reasons say what the requester may know
		}
		if l.LastInvoicedPrice.Currency != "" {
			m := moneyView(l.LastInvoicedPrice)
			lv.LastInvoicedPrice = &m
		}
		if l.ReceivedSerial != "" || l.ReceivedModel != "" || l.ReceivedPartNumber != "" || len(l.MissingAccessories) > 0 || r.State == rma.Received || r.State == rma.InEvaluation || r.State == rma.Resolved {
			lv.Received = &ReceivedView{Serial: l.ReceivedSerial, Model: l.ReceivedModel, SerialMismatch: l.SerialMismatch,
				PartNumber: l.ReceivedPartNumber, PartMismatch: l.PartMismatch,
				MissingAccessories: nonNil(l.MissingAccessories), EnclosedDocuments: nonNilDocs(l.EnclosedDocuments),
				IntakeCondition: l.IntakeCondition, IntakeNotes: l.IntakeNotes}
		}
		if l.ReplacementSerial != "" {
			lv.Replacement = &ReplacementView{Serial: l.ReplacementSerial, Model: l.ReplacementModel, Grade: l.ReplacementGrade, WarrantyEnd: dateString(l.ReplacementWarrantyEnd)}
		}
		lv.AdvanceReplacement = advanceView(l.Advance, today) // advance.go
		v.Lines = append(v.Lines, lv)
	}
	for _, d := range r.Deadlines {
		dv := DeadlineView{Name: d.Name, Owner: d.Owner, Due: d.Due.String(), Overdue: d.Overdue(today), Clause: d.Clause, Text: d.Text}
		if !d.Met.IsZero() {
			met := d.Met
			dv.Met = &met
		}
		v.Deadlines = append(v.Deadlines, dv)
	}
	totals := map[string]int64{}
	var currencies []string
	for _, c := range r.Charges {
		v.Charges = append(v.Charges, ChargeView{ID: c.ID, Line: c.LineNo, Kind: c.Kind, Basis: c.Basis, Description: c.Description,
			Quantity: c.Quantity, Amount: moneyView(c.Amount), Clause: c.Clause, Created: c.Created, Deducted: c.Deducted})
		if _, ok := totals[c.Amount.Currency]; !ok {
			currencies = append(currencies, c.Amount.Currency)
		}
		totals[c.Amount.Currency] += c.Amount.Cents
	}
	for _, cur := range currencies {
		v.Balance = append(v.Balance, moneyView(rma.Money{Cents: totals[cur], Currency: cur}))
	}
	v.Supplier = rmaSupplierView(r, actor)
	return v
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilDocs(s []policy.Document) []policy.Document {
	if s == nil {
		return []policy.Document{}
	}
	return s
}

// EventView is one history entry.
type EventView struct {
	Seq     int            `json:"seq"`
	At      time.Time      `json:"at"`
	Actor   string         `json:"actor"`
	Action  string         `json:"action"`
	From    rma.State      `json:"from,omitempty"`
	To      rma.State      `json:"to"`
	Details map[string]any `json:"details,omitempty"`
}

// DocumentView is an attachment's record.
type DocumentView struct {
	ID          int64     `json:"id"`
	Line        int       `json:"line,omitempty"`
	Kind        string    `json:"kind"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	Created     time.Time `json:"created"`
	URL         string    `json:"url"`
}

func documentView(d rma.Document) DocumentView {
	return DocumentView{ID: d.ID, Line: d.LineNo, Kind: d.Kind, Filename: d.Filename, ContentType: d.ContentType, Size: d.Size,
		SHA256: d.SHA256, UploadedBy: d.UploadedBy, Created: d.Created, URL: fmt.Sprintf("/api/v1/rmas/%d/documents/%d", d.RMAID, d.ID)}
}

// MessageView is a message.
type MessageView struct {
	ID       int64     `json:"id"`
	Author   string    `json:"author"`
	FromDesk bool      `json:"from_desk"`
	Internal bool      `json:"internal,omitempty"` // the desk's internal note: never shown to a requester
	Body     string    `json:"body"`
	Created  time.Time `json:"created"`
}
