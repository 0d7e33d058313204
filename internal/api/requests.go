package api

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Request bodies. Values arrive as strings and are checked here with the
// field's path, so every error names the field.

// SubmitBody is POST /api/v1/rmas.
type SubmitBody struct {
	Policy       string     `json:"policy"`
	Kind         string     `json:"kind,omitempty"`
	Reference    string     `json:"reference,omitempty"`
	NoSubstitute bool       `json:"no_substitute,omitempty"`
	Preference   string     `json:"preference,omitempty"`
	Lines        []LineBody `json:"lines"`
}

// ProductBody identifies a unit.
type ProductBody struct {
	Category string `json:"category"`
	Part     string `json:"part,omitempty"`
	Model    string `json:"model,omitempty"`
	Serial   string `json:"serial,omitempty"`
	// Price is the unit's price, which a percentage fee is a share of
	// (issue 14, fees).
	Price *MoneyJSON `json:"price,omitempty"`
	// Issue 14, terms: the policy claim's product.part_number; a line's
	// part_number fills it when not given.
	PartNumber string `json:"part_number,omitempty"`

	Channel string `json:"channel,omitempty"` // issue 14: where it was bought (vocabulary.go)
}

// LineBody is one line of a submission.
type LineBody struct {
	Product           ProductBody       `json:"product"`
	Dates             map[string]string `json:"dates,omitempty"`
	Conditions        []string          `json:"conditions,omitempty"`
	Cause             string            `json:"cause,omitempty"`
	Documents         []string          `json:"documents,omitempty"`
	Quantity          int               `json:"quantity,omitempty"`
	PartNumber        string            `json:"part_number,omitempty"` // beside product.serial and product.model; a policy may require it
	Fault             string            `json:"fault,omitempty"`
	LastInvoicedPrice *MoneyJSON        `json:"last_invoiced_price,omitempty"`

	// Contracts are the support contracts the unit is under (issue 14).
	Contracts []policy.ContractJSON `json:"contracts,omitempty"`
}

func (b *SubmitBody) request() (rma.SubmitRequest, error) {
	kind, err := policy.ParseKind(b.Kind)
	if err != nil {
		return rma.SubmitRequest{}, rma.Invalid("kind", "%v", err)
	}
	req := rma.SubmitRequest{PolicyID: b.Policy, Kind: kind, Reference: b.Reference, NoSubstitute: b.NoSubstitute, Preference: b.Preference}
	for i, lb := range b.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		claim, err := lb.claim(field)
		if err != nil {
			return rma.SubmitRequest{}, err
		}
		if claim.Contracts, err = contractsOf(field, lb.Contracts); err != nil { // advance.go
			return rma.SubmitRequest{}, err
		}
		price, err := parseMoney(field+".last_invoiced_price", lb.LastInvoicedPrice)
		if err != nil {
			return rma.SubmitRequest{}, err
		}
		req.Lines = append(req.Lines, rma.LineRequest{Claim: claim, Quantity: lb.Quantity, PartNumber: lb.PartNumber, Fault: lb.Fault, LastInvoicedPrice: price})
	}
	return req, nil
}

func (lb *LineBody) claim(field string) (policy.Claim, error) {
	return claimOf(field, lb.Product, lb.Dates, lb.Conditions, lb.Cause, lb.Documents)
}

// claimOf checks a claim's parts; field is the path of the line ("" for a
// body that is one claim).
func claimOf(field string, product ProductBody, datesIn map[string]string, conditions []string, cause string, documents []string) (policy.Claim, error) {
	var c policy.Claim
	lb := struct {
		Product    ProductBody
		Dates      map[string]string
		Conditions []string
		Cause      string
		Documents  []string
	}{product, datesIn, conditions, cause, documents}
	for _, s := range []struct{ name, value string }{
		{"category", lb.Product.Category}, {"part", lb.Product.Part}, {"model", lb.Product.Model}, {"serial", lb.Product.Serial},
		{"part_number", lb.Product.PartNumber},
	} {
		if len(s.value) > 200 {
			return c, rma.Invalid(join(field, "product."+s.name), "at most 200 characters")
		}
	}
	if strings.TrimSpace(lb.Product.Category) == "" {
		return c, rma.Invalid(join(field, "product.category"), "required")
	}
	c.Product = policy.Product{Category: lb.Product.Category, Part: lb.Product.Part, Model: lb.Product.Model, Serial: lb.Product.Serial}
	price, err := claimPrice(join(field, "product.price"), lb.Product.Price) // fees.go
	if err != nil {
		return c, err
	}
	c.Product.Price = price
	c.Product.PartNumber = strings.TrimSpace(lb.Product.PartNumber) // issue 14, terms
	channel, err := policy.ParseChannel(lb.Product.Channel)         // vocabulary.go
	if err != nil {
		return c, rma.Invalid(join(field, "product.channel"), "%v", err)
	}
	c.Product.Channel = channel
	dates, err := parseDates(join(field, "dates"), lb.Dates)
	if err != nil {
		return c, err
	}
	c.Dates = dates
	for i, s := range lb.Conditions { // a policy's own names too (vocabulary.go)
		if err := addClaimName(&c, "conditions", fmt.Sprintf("%s[%d]", join(field, "conditions"), i), s); err != nil {
			return c, err
		}
	}
	if c.Cause, err = policy.ParseCause(lb.Cause); err != nil {
		return c, rma.Invalid(join(field, "cause"), "%v", err)
	}
	for i, s := range lb.Documents {
		if err := addClaimName(&c, "documents", fmt.Sprintf("%s[%d]", join(field, "documents"), i), s); err != nil {
			return c, err
		}
	}
	return c, nil
}

// parseDates reads the claim dates a requester may give (the desk sets
// reported).
func parseDates(field string, m map[string]string) (policy.Dates, error) {
	var d policy.Dates
	for _, name := range slices.Sorted(maps.Keys(m)) {
		f, err := policy.ParseDateField(name)
		if err != nil || f == policy.DateReported {
			return d, rma.Invalid(field+"."+name, "unknown date (one of purchase, invoice, shipped, delivered, manufactured, registered, replaced; the desk sets reported)")
		}
		v, err := calendar.ParseDate(m[name])
		if err != nil {
			return d, rma.Invalid(field+"."+name, "%q is not a date in the form YYYY-MM-DD", m[name])
		}
		d.Set(f, v)
	}
	return d, nil
}

func parseDocuments(field string, names []string) (policy.DocumentSet, error) {
	var s policy.DocumentSet
	for i, n := range names {
		doc, err := policy.ParseDocument(n)
		if err != nil {
			return 0, rma.Invalid(fmt.Sprintf("%s[%d]", field, i), "%v", err)
		}
		s = s.With(doc)
	}
	return s, nil
}

// ReasonBody carries a reason or note.
type ReasonBody struct {
	Reason string `json:"reason,omitempty"`
}

// NoteBody carries a note.
type NoteBody struct {
	Note string `json:"note,omitempty"`
}

// ReferBody is POST .../refer.
type ReferBody struct {
	Contact string `json:"contact"`
	Reason  string `json:"reason,omitempty"`
}

// AuthorizeBody is POST .../authorize.
type AuthorizeBody struct {
	Resolution     string `json:"resolution,omitempty"`
	Location       string `json:"location,omitempty"`
	Note           string `json:"note,omitempty"`
	OverrideReason string `json:"override_reason,omitempty"`
	// Lines decides lines one by one: a line not named is authorized.
	Lines []LineDecisionBody `json:"lines,omitempty"`

	// Advance ships these lines' replacements now, before the defective
	// units come back, where their decisions offer advance replacement
	// (issue 14, advance.go).
	Advance []AdvanceBody `json:"advance,omitempty"`
}

// LineDecisionBody is the desk's decision on one line at authorization.
type LineDecisionBody struct {
	Line     int    `json:"line"`
	Decision string `json:"decision"`
	Reason   string `json:"reason,omitempty"`
}

func (b *AuthorizeBody) lineDecisions() []rma.LineDecision {
	var out []rma.LineDecision
	for _, l := range b.Lines {
		out = append(out, rma.LineDecision{LineNo: l.Line, Decision: rma.LineVerdict(l.Decision), Reason: l.Reason})
	}
	return out
}

// PreferenceBody is POST .../set_preference.
type PreferenceBody struct {
	Preference string `json:"preference"`
}

// ProvideInfoBody is POST .../provide_info.
type ProvideInfoBody struct {
	Lines []struct {
		Line      int               `json:"line"`
		Dates     map[string]string `json:"dates,omitempty"`
		Documents []string          `json:"documents,omitempty"`
	} `json:"lines,omitempty"`
}

func (b *ProvideInfoBody) updates() ([]rma.LineUpdate, error) {
	var out []rma.LineUpdate
	for i, l := range b.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		dates, err := parseDates(field+".dates", l.Dates)
		if err != nil {
			return nil, err
		}
		var c policy.Claim // the format's documents, and a policy's own (vocabulary.go)
		for j, name := range l.Documents {
			if err := addClaimName(&c, "documents", fmt.Sprintf("%s.documents[%d]", field, j), name); err != nil {
				return nil, err
			}
		}
		out = append(out, rma.LineUpdate{LineNo: l.Line, Dates: dates, Documents: c.Documents, OtherDocuments: c.OtherDocuments})
	}
	return out, nil
}

// ShipBody is POST .../ship.
type ShipBody struct {
	Carrier  string `json:"carrier,omitempty"`
	Tracking string `json:"tracking,omitempty"`
}

// ReceiveBody is POST /api/v1/receiving: the number read off the parcel.
type ReceiveBody struct {
	Number string `json:"number"`
	Lines  []struct {
		Line               int    `json:"line"`
		Serial             string `json:"serial,omitempty"`
		Model              string `json:"model,omitempty"`
		PartNumber         string `json:"part_number,omitempty"` // read off the unit's label; compared with the reservation
		MissingAccessories []struct {
			Name  string     `json:"name"`
			Price *MoneyJSON `json:"price,omitempty"`
		} `json:"missing_accessories,omitempty"`
		EnclosedDocuments []string `json:"enclosed_documents,omitempty"`
		IntakeCondition   string   `json:"intake_condition,omitempty"` // the state it arrived in
		IntakeNotes       string   `json:"intake_notes,omitempty"`
	} `json:"lines,omitempty"`
}

func (b *ReceiveBody) lines() ([]rma.ReceivedLine, error) {
	var out []rma.ReceivedLine
	for i, l := range b.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		docs, err := parseDocuments(field+".enclosed_documents", l.EnclosedDocuments)
		if err != nil {
			return nil, err
		}
		rl := rma.ReceivedLine{LineNo: l.Line, Serial: l.Serial, Model: l.Model, PartNumber: l.PartNumber, Enclosed: docs,
			IntakeCondition: l.IntakeCondition, IntakeNotes: l.IntakeNotes}
		for j, a := range l.MissingAccessories {
			price, err := parseMoney(fmt.Sprintf("%s.missing_accessories[%d].price", field, j), a.Price)
			if err != nil {
				return nil, err
			}
			rl.MissingAccessories = append(rl.MissingAccessories, rma.Accessory{Name: a.Name, Price: price})
		}
		out = append(out, rl)
	}
	return out, nil
}

// EvaluateBody is POST .../evaluate.
type EvaluateBody struct {
	Lines []struct {
		Line      int    `json:"line"`
		Finding   string `json:"finding"`
		Condition string `json:"condition,omitempty"`
		Notes     string `json:"notes,omitempty"`
		Charges   []struct {
			Kind        string     `json:"kind"`
			Quantity    float64    `json:"quantity"`
			UnitPrice   *MoneyJSON `json:"unit_price,omitempty"`
			Description string     `json:"description,omitempty"`
		} `json:"charges,omitempty"`
		// Hours the evaluation took: an hourly fee of the finding charges
		// them, at the policy's rate or else hourly_rate, the desk's.
		Hours      float64    `json:"hours,omitempty"`
		HourlyRate *MoneyJSON `json:"hourly_rate,omitempty"`
	} `json:"lines"`
}

func (b *EvaluateBody) findings() ([]rma.LineFinding, error) {
	var out []rma.LineFinding
	for i, l := range b.Lines {
		f := rma.LineFinding{LineNo: l.Line, Finding: rma.Finding(l.Finding), Condition: l.Condition, Notes: l.Notes, Hours: l.Hours}
		rate, err := parseMoney(fmt.Sprintf("lines[%d].hourly_rate", i), l.HourlyRate)
		if err != nil {
			return nil, err
		}
		f.HourlyRate = rate
		for j, c := range l.Charges {
			price, err := parseMoney(fmt.Sprintf("lines[%d].charges[%d].unit_price", i, j), c.UnitPrice)
			if err != nil {
				return nil, err
			}
			f.Charges = append(f.Charges, rma.ChargeRequest{Kind: c.Kind, Quantity: c.Quantity, UnitPrice: price, Description: c.Description})
		}
		out = append(out, f)
	}
	return out, nil
}

// ResolveBody is POST .../resolve.
type ResolveBody struct {
	Outcome        string `json:"outcome"`
	Note           string `json:"note,omitempty"`
	OverrideReason string `json:"override_reason,omitempty"`
	Replacements   []struct {
		Line   int    `json:"line"`
		Serial string `json:"serial"`
		Model  string `json:"model,omitempty"`
		Grade  string `json:"grade,omitempty"`
	} `json:"replacements,omitempty"`
	// Prices are the lines' last invoiced prices, entered before a credit
	// or refund (Dexxon, Mini Cart); they replace those on file.
	Prices []struct {
		Line              int        `json:"line"`
		LastInvoicedPrice *MoneyJSON `json:"last_invoiced_price"`
	} `json:"prices,omitempty"`
	// WaiveFees are expected fees (a restocking fee) the agent does not
	// charge, each with its reason (issue 14, fees).
	WaiveFees []WaiveFeeBody `json:"waive_fees,omitempty"`
}

func (b *ResolveBody) request() (rma.ResolveRequest, error) {
	req := rma.ResolveRequest{Outcome: rma.Outcome(b.Outcome), Note: b.Note, Override: b.OverrideReason}
	for _, u := range b.Replacements {
		req.Replacements = append(req.Replacements, rma.ReplacementUnit{LineNo: u.Line, Serial: u.Serial, Model: u.Model, Grade: u.Grade})
	}
	for i, p := range b.Prices {
		field := fmt.Sprintf("prices[%d].last_invoiced_price", i)
		if p.LastInvoicedPrice == nil {
			return req, rma.Invalid(field, "required")
		}
		m, err := parseMoney(field, p.LastInvoicedPrice)
		if err != nil {
			return req, err
		}
		req.Prices = append(req.Prices, rma.LinePrice{LineNo: p.Line, Price: m})
	}
	req.WaiveFees = waivers(b.WaiveFees) // fees.go
	return req, nil
}

// MessageBody is POST .../messages.
type MessageBody struct {
	Body string `json:"body"`
	// Internal makes it an internal note of the desk: never shown to the
	// requester, and emailed to nobody.
	Internal bool `json:"internal,omitempty"`
}

// OrgBody is POST /api/v1/orgs.
type OrgBody struct {
	Name    string `json:"name"`
	Role    string `json:"role"`
	Country string `json:"country,omitempty"`
	Email   string `json:"email,omitempty"`
}

// KeyBody is POST /api/v1/orgs/{id}/keys.
type KeyBody struct {
	Role string `json:"role"`
	Name string `json:"name,omitempty"`
}

func authNewOrg(b OrgBody) auth.NewOrg {
	return auth.NewOrg{Name: b.Name, Role: b.Role, Country: b.Country, Email: b.Email}
}

// join builds a field path.
func join(field, name string) string {
	if field == "" {
		return name
	}
	return field + "." + name
}

// CheckBody is POST /api/v1/policies/{id}/check: one claim, as a line of a
// submission would carry it.
type CheckBody struct {
	Kind       string            `json:"kind,omitempty"`
	Product    ProductBody       `json:"product"`
	Dates      map[string]string `json:"dates,omitempty"`
	Conditions []string          `json:"conditions,omitempty"`
	Cause      string            `json:"cause,omitempty"`
	Documents  []string          `json:"documents,omitempty"`
	// Issue 14, terms: the part number, as on a submission's line; terms
	// may be chosen by it.
	PartNumber string `json:"part_number,omitempty"`

	// Contracts are the support contracts the unit is under (issue 14).
	Contracts []policy.ContractJSON `json:"contracts,omitempty"`
}
