// Package sqlcodec turns domain values into SQL column values and back, the
// same way for both stores (internal/store/sqlite, internal/store/postgres):
// times as fixed-width RFC 3339 text, dates as YYYY-MM-DD, claims and
// decisions as JSON, and list cursors. The stores share their data format
// (an archive moves a desk between them row for row), so they share this.
package sqlcodec

import (
	"database/sql"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TimeLayout is RFC 3339 with nine fixed fractional digits: every stored
// time has the same width, so text order is time order.
const TimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// Encoder turns domain values into column values and keeps the first
// failure with the field it came from, so a writer can encode a whole RMA
// and check once. Values that could not be read back (a year outside
// 0001..9999, an invalid claim) are refused here, before anything is
// written.
type Encoder struct {
	Err error
}

func (e *Encoder) Fail(field, format string, args ...any) {
	if e.Err == nil {
		e.Err = rma.Invalid(field, format, args...)
	}
}

// Time returns t as text, or nil (NULL) for the zero time.
func (e *Encoder) Time(field string, t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	if y := t.Year(); y < 1 || y > 9999 {
		e.Fail(field, "time %s is outside years 0001-9999", t)
		return nil
	}
	return t.Format(TimeLayout)
}

// Date returns d as "YYYY-MM-DD", or nil (NULL) for the zero Date.
func (e *Encoder) Date(field string, d calendar.Date) any {
	if d.IsZero() {
		return nil
	}
	b, err := d.MarshalText()
	if err != nil {
		e.Fail(field, "%v", err)
		return nil
	}
	return string(b)
}

// JSON returns v as JSON text, or nil (NULL) when empty reports nothing to keep.
func (e *Encoder) JSON(field string, v any, empty bool) any {
	if empty {
		return nil
	}
	b, ok := e.Marshal(field, v)
	if !ok {
		return nil
	}
	return string(b)
}

// Marshal is json.Marshal that also turns a panic into bad input: policy's
// enums index a table of names, so a value outside it (a caller's bug)
// panics in MarshalText, and one bad request must not end the process.
func (e *Encoder) Marshal(field string, v any) (b []byte, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			e.Fail(field, "cannot be stored: %v", p)
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
		e.Fail(field, "cannot be stored: %v", err)
		return nil, false
	}
	return b, true
}

// Name returns an enum's name, refusing a value outside the enum (see Marshal).
func (e *Encoder) Name(field string, v fmt.Stringer) (s string) {
	defer func() {
		if recover() != nil {
			e.Fail(field, "%d is not a valid value", v)
			s = ""
		}
	}()
	return v.String()
}

// Claim returns the claim in its JSON contract, or nil for the zero Claim
// (a line whose claim was never set). The JSON is parsed back before it is
// kept: a claim that would not parse would make its RMA unreadable.
func (e *Encoder) Claim(field string, c policy.Claim) any {
	if reflect.ValueOf(c).IsZero() { // a Claim holds slices (its other names): not comparable with ==
		return nil
	}
	b, ok := e.Marshal(field, c)
	if !ok {
		return nil
	}
	if _, err := policy.ParseClaim(b); err != nil {
		e.Fail(field, "cannot be stored: %v", err)
		return nil
	}
	return string(b)
}

// Decision returns d as JSON; Decoder.Decision reads it back.
func (e *Encoder) Decision(field string, d policy.Decision) any {
	b, ok := e.Marshal(field, d)
	if !ok {
		return nil
	}
	return string(b)
}

// Decoder is Encoder's opposite for reads: a value that does not parse is
// a damaged row, reported once with the record it belongs to.
type Decoder struct {
	Where string // "rma 12 line 3", for the message
	Err   error  // the first failure
}

func (d *Decoder) Fail(field string, err error) {
	if d.Err == nil {
		d.Err = fmt.Errorf("%s: stored %s is unreadable: %w", d.Where, field, err)
	}
}

func (d *Decoder) Time(field string, s sql.NullString) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	if err != nil {
		d.Fail(field, err)
		return time.Time{}
	}
	return t.UTC()
}

func (d *Decoder) Date(field string, s sql.NullString) calendar.Date {
	if !s.Valid {
		return 0
	}
	v, err := calendar.ParseDate(s.String)
	if err != nil {
		d.Fail(field, err)
	}
	return v
}

// JSON reads a JSON column into a T; NULL, and an empty list or map, read
// as T's zero value (nil), as the domain makes them.
func JSON[T any](d *Decoder, field string, s sql.NullString) T {
	var out T
	if !s.Valid {
		return out
	}
	if err := json.Unmarshal([]byte(s.String), &out); err != nil {
		d.Fail(field, err)
	}
	if v := reflect.ValueOf(out); (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0 {
		var zero T
		return zero
	}
	return out
}

func (d *Decoder) Claim(field string, s sql.NullString) policy.Claim {
	if !s.Valid {
		return policy.Claim{}
	}
	c, err := policy.ParseClaim([]byte(s.String))
	if err != nil {
		d.Fail(field, err)
	}
	return c
}

// Text reads a policy enum stored as its name.
func (d *Decoder) Text(field, s string, v encoding.TextUnmarshaler) {
	if err := v.UnmarshalText([]byte(s)); err != nil {
		d.Fail(field, err)
	}
}

// Role reads an organisation's requester role; the desk has none, stored
// as the empty name of policy.RoleUnknown, which ParseRole refuses.
func (d *Decoder) Role(field, s string) policy.Role {
	if s == "" {
		return policy.RoleUnknown
	}
	r, err := policy.ParseRole(s)
	if err != nil {
		d.Fail(field, err)
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

	ExpectedCharges []policy.ExpectedCharge `json:"expected_charges"` // fees (issue 14)
	// Issue 14: support contracts and advance replacement.
	Entitlement        *policy.Entitlement  `json:"entitlement"`
	AdvanceReplacement *policy.AdvanceTerms `json:"advance_replacement"`
	// Vocabulary: a pack's declared documents, by id.
	MissingDeclared []string `json:"missing_declared_documents"`
	EncloseDeclared []string `json:"enclose_declared_documents"`
}

type warrantyJSON struct {
	Basis        policy.DateField `json:"basis"`
	Start        string           `json:"start"`
	LastDay      string           `json:"last_day"`
	ExtendedFrom string           `json:"extended_from"`
	Term         string           `json:"term"`
	InWarranty   bool             `json:"in_warranty"`
	// Issue 14, terms.
	Registered string `json:"registered"`
	LastDayBy  string `json:"last_day_by"`
	// Issue 16: the desk's records placed it.
	Source string `json:"source"`
}

type windowJSON struct {
	Name    string           `json:"name"`
	Basis   policy.DateField `json:"basis"`
	Start   string           `json:"start"`
	LastDay string           `json:"last_day"`
	Open    bool             `json:"open"`
}

// Decision reads a decision back. Empty lists come back nil, as the engine
// makes them.
func (d *Decoder) Decision(field, s string) policy.Decision {
	var raw decisionJSON
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		d.Fail(field, err)
		return policy.Decision{}
	}
	out := policy.Decision{
		Policy:                raw.Policy,
		PolicyVersion:         raw.PolicyVersion,
		Kind:                  raw.Kind,
		Verdict:               raw.Verdict,
		Route:                 raw.Route,
		Reasons:               NilIfEmpty(raw.Reasons),
		MissingDocuments:      NilIfEmpty(raw.MissingDocuments),
		EncloseDocuments:      NilIfEmpty(raw.EncloseDocuments),
		Resolutions:           NilIfEmpty(raw.Resolutions),
		ResolutionChosenBy:    raw.ResolutionChosenBy,
		RMAValidDays:          raw.RMAValidDays,
		InboundShippingPaidBy: raw.InboundShippingPaidBy,
		ExpectedCharges:       NilIfEmpty(raw.ExpectedCharges),
		Entitlement:           raw.Entitlement,
		AdvanceReplacement:    raw.AdvanceReplacement,
		MissingDeclared:       NilIfEmpty(raw.MissingDeclared),
		EncloseDeclared:       NilIfEmpty(raw.EncloseDeclared),
	}
	if w := raw.Warranty; w != nil {
		out.Warranty = policy.WarrantyStatus{
			Basis:        w.Basis,
			Start:        d.TextDate(field+".warranty.start", w.Start),
			LastDay:      d.TextDate(field+".warranty.last_day", w.LastDay),
			ExtendedFrom: d.TextDate(field+".warranty.extended_from", w.ExtendedFrom),
			Term:         w.Term,
			InWarranty:   w.InWarranty,
			Registered:   d.TextDate(field+".warranty.registered", w.Registered),
			LastDayBy:    w.LastDayBy,
			Source:       w.Source,
		}
	}
	if w := raw.Window; w != nil {
		out.Window = policy.WindowStatus{
			Name:    w.Name,
			Basis:   w.Basis,
			Start:   d.TextDate(field+".window.start", w.Start),
			LastDay: d.TextDate(field+".window.last_day", w.LastDay),
			Open:    w.Open,
		}
	}
	return out
}

func NilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// TextDate reads a date inside JSON, where the zero Date is written as "".
func (d *Decoder) TextDate(field, s string) calendar.Date {
	if s == "" {
		return 0
	}
	v, err := calendar.ParseDate(s)
	if err != nil {
		d.Fail(field, err)
	}
	return v
}

// EncodeCursor is a list page's keyset cursor: the last row's created time
// and ID, opaque to the client.
func EncodeCursor(created time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(created.UTC().Format(TimeLayout) + "," + strconv.FormatInt(id, 10)))
}

// DecodeCursor reads a cursor back into the stored form of its time and
// its ID, or refuses it as the "cursor" field.
func DecodeCursor(s string) (created string, id int64, err error) {
	bad := rma.Invalid("cursor", "not a cursor from a previous page")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", 0, bad
	}
	t, n, ok := strings.Cut(string(b), ",")
	if !ok {
		return "", 0, bad
	}
	at, err := time.Parse(time.RFC3339Nano, t)
	if err != nil {
		return "", 0, bad
	}
	id, err = strconv.ParseInt(n, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, bad
	}
	// Re-formatted, so that the comparison is with the stored form exactly.
	return at.UTC().Format(TimeLayout), id, nil
}

// NullID stores an optional reference: 0 means none, which must be NULL for
// the foreign key to allow it.
func NullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
