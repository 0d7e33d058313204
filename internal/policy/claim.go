package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// Claim is one unit a requester asks the vendor to take back, with what the
// policy needs to decide it. It is decoded from the JSON contract by
// DecodeClaim, which checks every field, so Evaluate can trust it.
type Claim struct {
	Kind       Kind
	Requester  Requester
	Product    Product
	Dates      Dates
	Conditions ConditionSet
	Cause      Cause
	Documents  DocumentSet

	// Contracts are the support contracts the unit is under (contracts.go).
	Contracts []ContractClaim
	// Vocabulary (vocabulary.go): the well-formed names the format does
	// not know, sorted and without repeats, for the policy's declared
	// documents and conditions. Evaluate maps them; nil for most claims.
	OtherConditions []string
	OtherDocuments  []string

	// Records are what the desk's own records say of the unit (issue 16,
	// records.go): filled by the desk, never by the requester; nil when
	// the desk keeps no registry of units.
	Records *Records
}

// Requester is who files the claim.
type Requester struct {
	Role    Role
	Country string // ISO 3166-1 alpha-2, upper case

	// Preconditions (preconditions.go): set by the desk from the
	// organisation's record, never from the requester's input.
	Standing Standing
}

// Product identifies the unit. Part is "device" unless the claim is about a
// part with its own warranty (a battery) or none (a wearing part).
type Product struct {
	Category string
	Part     string
	Model    string
	Serial   string

	// Fees: the unit's price, which a percentage fee is a share of
	// (fees.go); zero when the claim gives none.
	Price Amount
	// Issue 14, terms: the vendor's part number (PN), which terms may
	// select by (warranty.terms[].part_numbers).
	PartNumber string
	// Preconditions (preconditions.go): where the unit was bought.
	Channel Channel
}

// Dates are the dates a claim may carry. Purchase is the date on the end
// user's receipt; Invoice the date on this vendor's invoice to the requester;
// Manufactured the date the unit left manufacturing; Reported the day the
// claim was made, which is the engine's "today".
type Dates struct {
	Purchase, Invoice, Shipped, Delivered, Manufactured, Reported calendar.Date
	// Issue 14, terms (terms.go): Registered is the day the unit was
	// registered with the vendor (a registration may lengthen the term);
	// Replaced the day a replacement unit was sent to the requester, the
	// claim's other dates staying the original unit's.
	Registered, Replaced calendar.Date
}

// Get returns the date named by f, or the zero Date.
func (d *Dates) Get(f DateField) calendar.Date {
	switch f {
	case DatePurchase:
		return d.Purchase
	case DateInvoice:
		return d.Invoice
	case DateShipped:
		return d.Shipped
	case DateDelivered:
		return d.Delivered
	case DateManufactured:
		return d.Manufactured
	case DateReported:
		return d.Reported
	case DateRegistered:
		return d.Registered
	case DateReplaced:
		return d.Replaced
	}
	return 0
}

// Set sets the date named by f; DateNone sets nothing. The API's and the
// portal's decoders use it, so a new claim date needs adding here only.
func (d *Dates) Set(f DateField, v calendar.Date) {
	switch f {
	case DatePurchase:
		d.Purchase = v
	case DateInvoice:
		d.Invoice = v
	case DateShipped:
		d.Shipped = v
	case DateDelivered:
		d.Delivered = v
	case DateManufactured:
		d.Manufactured = v
	case DateReported:
		d.Reported = v
	case DateRegistered:
		d.Registered = v
	case DateReplaced:
		d.Replaced = v
	}
}

// FieldError is bad input in one field of a claim or policy. Field is the
// path of the field in the input (for example "dates.reported").
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// claimJSON is the wire shape of a claim (snake_case, every value a string),
// so that each value can be checked with its field's name in the message.
type claimJSON struct {
	Kind      string `json:"kind,omitempty"`
	Requester struct {
		Role    string `json:"role"`
		Country string `json:"country,omitempty"`

		Standing string `json:"standing,omitempty"` // preconditions.go
	} `json:"requester"`
	Product struct {
		Category string      `json:"category"`
		Part     string      `json:"part,omitempty"`
		Model    string      `json:"model,omitempty"`
		Serial   string      `json:"serial,omitempty"`
		Price    *amountJSON `json:"price,omitempty"` // fees.go
		// Issue 14, terms.
		PartNumber string `json:"part_number,omitempty"`

		Channel string `json:"channel,omitempty"` // preconditions.go
	} `json:"product"`
	Dates      map[string]string `json:"dates"`
	Conditions []string          `json:"conditions,omitempty"`
	Cause      string            `json:"cause,omitempty"`
	Documents  []string          `json:"documents,omitempty"`
	// Support contracts (contracts.go).
	Contracts []ContractJSON `json:"contracts,omitempty"`
	// The desk's records (records.go).
	Records *recordsJSON `json:"records,omitempty"`
}

// maxClaimBytes bounds what DecodeClaim reads: a claim is a few hundred
// bytes, and a reader that never ends must not exhaust memory.
const maxClaimBytes = 1 << 20

// DecodeClaim reads one claim in the JSON contract and checks it. Errors are
// *FieldError naming the field and what is wrong with it.
func DecodeClaim(r io.Reader) (Claim, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxClaimBytes+1))
	if err != nil {
		return Claim{}, &FieldError{Msg: "reading claim: " + err.Error()}
	}
	if len(data) > maxClaimBytes {
		return Claim{}, &FieldError{Msg: fmt.Sprintf("claim is larger than %d bytes", maxClaimBytes)}
	}
	return ParseClaim(data)
}

// ParseClaim is DecodeClaim on a byte slice.
func ParseClaim(data []byte) (Claim, error) {
	var raw claimJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return Claim{}, jsonFieldError(err)
	}
	if dec.More() {
		return Claim{}, &FieldError{Msg: "unexpected data after the claim object"}
	}
	if _, err := dec.Token(); err != io.EOF {
		return Claim{}, &FieldError{Msg: "unexpected data after the claim object"}
	}
	return raw.claim()
}

// jsonFieldError turns encoding/json's errors into a FieldError that names
// the field where encoding/json knows it.
func jsonFieldError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "claim"
		}
		return &FieldError{Field: field, Msg: fmt.Sprintf("must be %s, not a JSON %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)}
	case errors.As(err, &syntaxErr):
		return &FieldError{Msg: fmt.Sprintf("malformed JSON at byte %d: %s", syntaxErr.Offset, strings.TrimPrefix(err.Error(), "json: "))}
	case errors.Is(err, io.EOF):
		return &FieldError{Msg: "empty input: expected a claim object"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &FieldError{Msg: "malformed JSON: unexpected end of input"}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return &FieldError{Field: strings.Trim(name, `"`), Msg: "unknown field"}
	}
	return &FieldError{Msg: msg}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return goKind
}

func (raw *claimJSON) claim() (Claim, error) {
	var c Claim
	var err error
	if c.Kind, err = ParseKind(raw.Kind); err != nil {
		return c, &FieldError{"kind", err.Error()}
	}
	if raw.Requester.Role == "" {
		return c, &FieldError{"requester.role", "required"}
	}
	if c.Requester.Role, err = ParseRole(raw.Requester.Role); err != nil {
		return c, &FieldError{"requester.role", err.Error()}
	}
	if cc := raw.Requester.Country; cc != "" {
		if !ValidCountry(cc) {
			return c, &FieldError{"requester.country", fmt.Sprintf("%q is not an ISO 3166-1 alpha-2 country code (upper case, e.g. NL)", cc)}
		}
		c.Requester.Country = cc
	}
	if strings.TrimSpace(raw.Product.Category) == "" {
		return c, &FieldError{"product.category", "required"}
	}
	c.Product = Product{
		Category: raw.Product.Category,
		Part:     raw.Product.Part,
		Model:    raw.Product.Model,
		Serial:   raw.Product.Serial,
	}
	c.Product.PartNumber = raw.Product.PartNumber // issue 14, terms
	if c.Product.Part == "" {
		c.Product.Part = DefaultPart
	}
	if raw.Product.Price != nil {
		if c.Product.Price, err = parseAmountField("product.price", *raw.Product.Price); err != nil {
			return c, err
		}
		if c.Product.Price.Cents == 0 {
			return c, &FieldError{"product.price.amount", "must be more than zero"}
		}
	}
	if c.Requester.Standing, err = ParseStanding(raw.Requester.Standing); err != nil { // preconditions.go
		return c, &FieldError{"requester.standing", err.Error()}
	}
	if c.Product.Channel, err = ParseChannel(raw.Product.Channel); err != nil {
		return c, &FieldError{"product.channel", err.Error()}
	}
	// Sorted, so that of several bad dates the same one is always reported.
	for _, name := range slices.Sorted(maps.Keys(raw.Dates)) {
		value := raw.Dates[name]
		f, err := ParseDateField(name)
		if err != nil {
			return c, &FieldError{"dates." + name, "unknown date (one of purchase, invoice, shipped, delivered, manufactured, registered, replaced, reported)"}
		}
		d, err := calendar.ParseDate(value)
		if err != nil {
			return c, &FieldError{"dates." + name, fmt.Sprintf("%q is not a date in the form YYYY-MM-DD", value)}
		}
		c.Dates.Set(f, d)
	}
	if c.Dates.Reported.IsZero() {
		return c, &FieldError{"dates.reported", "required"}
	}
	for f := DatePurchase; f < numDateFields; f++ {
		if d := c.Dates.Get(f); f != DateReported && !d.IsZero() && d > c.Dates.Reported {
			return c, &FieldError{"dates." + f.String(), fmt.Sprintf("%s is after dates.reported %s", d, c.Dates.Reported)}
		}
	}
	for i, s := range raw.Conditions {
		cond, err := ParseCondition(s)
		if err != nil {
			if !ValidName(s) {
				return c, &FieldError{fmt.Sprintf("conditions[%d]", i), fmt.Sprintf("%v, or a condition the policy declares (lower-case letters, digits and '_')", err)}
			}
			c.OtherConditions = append(c.OtherConditions, s) // vocabulary.go
			continue
		}
		c.Conditions = c.Conditions.With(cond)
	}
	c.OtherConditions = sortedNames(c.OtherConditions)
	if c.Cause, err = ParseCause(raw.Cause); err != nil {
		return c, &FieldError{"cause", err.Error()}
	}
	for i, s := range raw.Documents {
		doc, err := ParseDocument(s)
		if err != nil {
			if !ValidName(s) {
				return c, &FieldError{fmt.Sprintf("documents[%d]", i), fmt.Sprintf("%v, or a document the policy declares (lower-case letters, digits and '_')", err)}
			}
			c.OtherDocuments = append(c.OtherDocuments, s) // vocabulary.go
			continue
		}
		c.Documents = c.Documents.With(doc)
	}
	if c.Contracts, err = ParseContracts(raw.Contracts); err != nil {
		return c, err
	}
	c.OtherDocuments = sortedNames(c.OtherDocuments)
	if raw.Records != nil {
		if c.Records, err = raw.Records.records(c.Dates.Reported); err != nil {
			return c, err
		}
	}
	return c, nil
}

// DefaultPart is the part a claim is about when it names none.
const DefaultPart = "device"

// MarshalJSON writes the claim in the JSON contract.
func (c Claim) MarshalJSON() ([]byte, error) {
	var raw claimJSON
	raw.Kind = c.Kind.String()
	raw.Requester.Role = c.Requester.Role.String()
	raw.Requester.Country = c.Requester.Country
	raw.Product.Category = c.Product.Category
	raw.Product.Part = c.Product.Part
	raw.Product.Model = c.Product.Model
	raw.Product.Serial = c.Product.Serial
	if !c.Product.Price.IsZero() {
		raw.Product.Price = &amountJSON{Amount: formatCents(c.Product.Price.Cents), Currency: c.Product.Price.Currency}
	}
	raw.Product.PartNumber = c.Product.PartNumber
	raw.Requester.Standing = c.Requester.Standing.String() // preconditions.go
	raw.Product.Channel = c.Product.Channel.String()
	raw.Dates = make(map[string]string)
	for f := DatePurchase; f < numDateFields; f++ {
		if d := c.Dates.Get(f); !d.IsZero() {
			raw.Dates[f.String()] = d.String()
		}
	}
	for _, cond := range c.Conditions.Conditions() {
		raw.Conditions = append(raw.Conditions, cond.String())
	}
	raw.Conditions = append(raw.Conditions, c.OtherConditions...)
	if c.Cause != CauseUnknown {
		raw.Cause = c.Cause.String()
	}
	for _, d := range c.Documents.Documents() {
		raw.Documents = append(raw.Documents, d.String())
	}
	raw.Contracts = contractsJSON(c.Contracts)
	raw.Documents = append(raw.Documents, c.OtherDocuments...)
	raw.Records = recordsOf(c.Records)
	return json.Marshal(raw)
}

// UnmarshalJSON reads and checks a claim in the JSON contract.
func (c *Claim) UnmarshalJSON(data []byte) error {
	claim, err := ParseClaim(data)
	if err != nil {
		return err
	}
	*c = claim
	return nil
}
