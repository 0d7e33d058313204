package postgres

import (
	"database/sql"
	"encoding"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// timeLayout is RFC 3339 with nine fixed fractional digits: every stored
// time has the same width, so text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// encoder turns domain values into column values and keeps the first
// failure with the field it came from, so a writer can encode a whole RMA
// and check once. Values that could not be read back (a year outside
// 0001..9999, an invalid claim) are refused here, before anything is
// written.
type encoder struct {
	err error
}

func (e *encoder) fail(field, format string, args ...any) {
	if e.err == nil {
		e.err = rma.Invalid(field, format, args...)
	}
}

// time returns t as text, or nil (NULL) for the zero time.
func (e *encoder) time(field string, t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	if y := t.Year(); y < 1 || y > 9999 {
		e.fail(field, "time %s is outside years 0001-9999", t)
		return nil
	}
	return t.Format(timeLayout)
}

// date returns d as "YYYY-MM-DD", or nil (NULL) for the zero Date.
func (e *encoder) date(field string, d calendar.Date) any {
	if d.IsZero() {
		return nil
	}
	b, err := d.MarshalText()
	if err != nil {
		e.fail(field, "%v", err)
		return nil
	}
	return string(b)
}

// json returns v as JSON text, or nil (NULL) when empty reports nothing to keep.
func (e *encoder) json(field string, v any, empty bool) any {
	if empty {
		return nil
	}
	b, ok := e.marshal(field, v)
	if !ok {
		return nil
	}
	return string(b)
}

// marshal is json.Marshal that also turns a panic into bad input: policy's
// enums index a table of names, so a value outside it (a caller's bug)
// panics in MarshalText, and one bad request must not end the process.
func (e *encoder) marshal(field string, v any) (b []byte, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			e.fail(field, "cannot be stored: %v", p)
			b, ok = nil, false
		}
	}()
	var err error
	if m, ok := v.(json.Marshaler); ok {
		// Called directly: json.Marshal would check and compact what the
		// method wrote, byte by byte, which cost a bulk import 6% of its
		// time. The methods (policy.Claim's, policy.Decision's) write
		// json.Marshal's output, and a claim is parsed back below.
		b, err = m.MarshalJSON()
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		e.fail(field, "cannot be stored: %v", err)
		return nil, false
	}
	return b, true
}

// name returns an enum's name, refusing a value outside the enum (see marshal).
func (e *encoder) name(field string, v fmt.Stringer) (s string) {
	defer func() {
		if recover() != nil {
			e.fail(field, "%d is not a valid value", v)
			s = ""
		}
	}()
	return v.String()
}

// claim returns the claim in its JSON contract, or nil for the zero Claim
// (a line whose claim was never set). The JSON is parsed back before it is
// kept: a claim that would not parse would make its RMA unreadable.
func (e *encoder) claim(field string, c policy.Claim) any {
	if c == (policy.Claim{}) {
		return nil
	}
	b, ok := e.marshal(field, c)
	if !ok {
		return nil
	}
	if _, err := policy.ParseClaim(b); err != nil {
		e.fail(field, "cannot be stored: %v", err)
		return nil
	}
	return string(b)
}

// decision returns d as JSON; decoder.decision reads it back.
func (e *encoder) decision(field string, d policy.Decision) any {
	b, ok := e.marshal(field, d)
	if !ok {
		return nil
	}
	return string(b)
}

// decoder is encoder's opposite for reads: a value that does not parse is
// a damaged row, reported once with the record it belongs to.
type decoder struct {
	where string // "rma 12 line 3", for the message
	err   error
}

func (d *decoder) fail(field string, err error) {
	if d.err == nil {
		d.err = fmt.Errorf("%s: stored %s is unreadable: %w", d.where, field, err)
	}
}

func (d *decoder) time(field string, s sql.NullString) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	if err != nil {
		d.fail(field, err)
		return time.Time{}
	}
	return t.UTC()
}

func (d *decoder) date(field string, s sql.NullString) calendar.Date {
	if !s.Valid {
		return 0
	}
	v, err := calendar.ParseDate(s.String)
	if err != nil {
		d.fail(field, err)
	}
	return v
}

func (d *decoder) strings(field string, s sql.NullString) []string {
	if !s.Valid {
		return nil
	}
	var out []string
	if err := json.Unmarshal([]byte(s.String), &out); err != nil {
		d.fail(field, err)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (d *decoder) documents(field string, s sql.NullString) []policy.Document {
	if !s.Valid {
		return nil
	}
	var out []policy.Document
	if err := json.Unmarshal([]byte(s.String), &out); err != nil {
		d.fail(field, err)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (d *decoder) details(field string, s sql.NullString) map[string]any {
	if !s.Valid {
		return nil
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(s.String), &out); err != nil {
		d.fail(field, err)
	}
	return out
}

func (d *decoder) claim(field string, s sql.NullString) policy.Claim {
	if !s.Valid {
		return policy.Claim{}
	}
	c, err := policy.ParseClaim([]byte(s.String))
	if err != nil {
		d.fail(field, err)
	}
	return c
}

// text reads a policy enum stored as its name.
func (d *decoder) text(field, s string, v encoding.TextUnmarshaler) {
	if err := v.UnmarshalText([]byte(s)); err != nil {
		d.fail(field, err)
	}
}

// role reads an organisation's requester role; the desk has none, stored
// as the empty name of policy.RoleUnknown, which ParseRole refuses.
func (d *decoder) role(field, s string) policy.Role {
	if s == "" {
		return policy.RoleUnknown
	}
	r, err := policy.ParseRole(s)
	if err != nil {
		d.fail(field, err)
	}
	return r
}

// decisionJSON mirrors policy.Decision's JSON with its dates as plain
// strings: a zero Date marshals as "" (warranty.start when the claim has no
// start date), which calendar.Date refuses to unmarshal. Unknown fields are
// an error, so a field added to policy.Decision cannot be dropped on the way
// back without the round-trip test noticing.
type decisionJSON struct {
	Policy                string            `json:"policy"`
	PolicyVersion         string            `json:"policy_version"`
	Kind                  policy.Kind       `json:"kind"`
	Verdict               policy.Verdict    `json:"decision"`
	Route                 policy.Route      `json:"route"`
	Warranty              *warrantyJSON     `json:"warranty"`
	Window                *windowJSON       `json:"window"`
	Reasons               []policy.Reason   `json:"reasons"`
	MissingDocuments      []policy.Document `json:"missing_documents"`
	EncloseDocuments      []policy.Document `json:"enclose_documents"`
	Resolutions           []string          `json:"resolutions"`
	ResolutionChosenBy    string            `json:"resolution_chosen_by"`
	RMAValidDays          int               `json:"rma_valid_days"`
	InboundShippingPaidBy policy.Payer      `json:"inbound_shipping_paid_by"`
}

type warrantyJSON struct {
	Basis        policy.DateField `json:"basis"`
	Start        string           `json:"start"`
	LastDay      string           `json:"last_day"`
	ExtendedFrom string           `json:"extended_from"`
	Term         string           `json:"term"`
	InWarranty   bool             `json:"in_warranty"`
}

type windowJSON struct {
	Name    string           `json:"name"`
	Basis   policy.DateField `json:"basis"`
	Start   string           `json:"start"`
	LastDay string           `json:"last_day"`
	Open    bool             `json:"open"`
}

// decision reads a decision back. Empty lists come back nil, as the engine
// makes them.
func (d *decoder) decision(field, s string) policy.Decision {
	var raw decisionJSON
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		d.fail(field, err)
		return policy.Decision{}
	}
	out := policy.Decision{
		Policy:                raw.Policy,
		PolicyVersion:         raw.PolicyVersion,
		Kind:                  raw.Kind,
		Verdict:               raw.Verdict,
		Route:                 raw.Route,
		Reasons:               nilIfEmpty(raw.Reasons),
		MissingDocuments:      nilIfEmpty(raw.MissingDocuments),
		EncloseDocuments:      nilIfEmpty(raw.EncloseDocuments),
		Resolutions:           nilIfEmpty(raw.Resolutions),
		ResolutionChosenBy:    raw.ResolutionChosenBy,
		RMAValidDays:          raw.RMAValidDays,
		InboundShippingPaidBy: raw.InboundShippingPaidBy,
	}
	if w := raw.Warranty; w != nil {
		out.Warranty = policy.WarrantyStatus{
			Basis:        w.Basis,
			Start:        d.textDate(field+".warranty.start", w.Start),
			LastDay:      d.textDate(field+".warranty.last_day", w.LastDay),
			ExtendedFrom: d.textDate(field+".warranty.extended_from", w.ExtendedFrom),
			Term:         w.Term,
			InWarranty:   w.InWarranty,
		}
	}
	if w := raw.Window; w != nil {
		out.Window = policy.WindowStatus{
			Name:    w.Name,
			Basis:   w.Basis,
			Start:   d.textDate(field+".window.start", w.Start),
			LastDay: d.textDate(field+".window.last_day", w.LastDay),
			Open:    w.Open,
		}
	}
	return out
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// textDate reads a date inside JSON, where the zero Date is written as "".
func (d *decoder) textDate(field, s string) calendar.Date {
	if s == "" {
		return 0
	}
	v, err := calendar.ParseDate(s)
	if err != nil {
		d.fail(field, err)
	}
	return v
}
