package api

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"mime"
	"net/http"
	"strings"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/registry"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The serial registry (issue 16): an admin loads units sold and shipped
// (JSON or CSV), the desk and a unit's buyer read its life, an admin sets
// the public warranty check, and anyone checks a warranty.

func (s *Server) registryRoutes() []Route {
	return []Route{
		{Method: "POST", Path: v1 + "/units", Op: rma.OpAdminister, handler: s.loadUnits},
		{Method: "GET", Path: v1 + "/units/{serial}", Op: rma.OpRead, handler: s.getUnit},
		{Method: "GET", Path: v1 + "/settings/warranty-check", Op: rma.OpAdminister, handler: s.getWarrantyCheckSettings},
		{Method: "PUT", Path: v1 + "/settings/warranty-check", Op: rma.OpAdminister, handler: s.putWarrantyCheckSettings},
		{Method: "GET", Path: v1 + "/public/warranty", Public: true, handler: s.publicWarranty},
		{Method: "POST", Path: v1 + "/public/warranty", Public: true, handler: s.publicWarranty},
	}
}

// maxUnitsBody bounds a JSON or CSV load: about 80,000 units. A larger
// installed base loads with rmadesk registry import, or in parts.
const maxUnitsBody = 16 << 20

// maxUnitsInBody bounds the units of one JSON load.
const maxUnitsInBody = 100_000

// UnitBody is one unit of POST /api/v1/units; UnitView, one read back.
type UnitBody struct {
	Serial       string     `json:"serial"`
	PartNumber   string     `json:"part_number,omitempty"`
	Model        string     `json:"model,omitempty"`
	Category     string     `json:"category,omitempty"`
	SoldTo       string     `json:"sold_to,omitempty"`
	InvoiceDate  string     `json:"invoice_date,omitempty"`
	InvoiceNo    string     `json:"invoice_no,omitempty"`
	Delivered    string     `json:"delivered,omitempty"`
	Manufactured string     `json:"manufactured,omitempty"`
	Price        *MoneyJSON `json:"price,omitempty"`
	Policy       string     `json:"policy,omitempty"`
}

// UnitsBody is POST /api/v1/units as JSON.
type UnitsBody struct {
	Units []UnitBody `json:"units"`
}

// UnitsLoadView is what a load did.
type UnitsLoadView struct {
	Units         int             `json:"units"`
	Created       int             `json:"created"`
	Updated       int             `json:"updated"`
	Unchanged     int             `json:"unchanged"`
	UnknownSoldTo []NameCountView `json:"unknown_sold_to"`
}

// NameCountView is a name and how many units carry it.
type NameCountView struct {
	Name  string `json:"name"`
	Units int    `json:"units"`
}

func (b *UnitBody) unit(field string) (rma.Unit, error) {
	u := rma.Unit{Serial: b.Serial, PartNumber: b.PartNumber, Model: b.Model, Category: b.Category, SoldTo: b.SoldTo,
		InvoiceNo: b.InvoiceNo, PolicyID: b.Policy}
	for _, d := range []struct {
		name, s string
		to      *calendar.Date
	}{{"invoice_date", b.InvoiceDate, &u.InvoiceDate}, {"delivered", b.Delivered, &u.Delivered}, {"manufactured", b.Manufactured, &u.Manufactured}} {
		if d.s == "" {
			continue
		}
		v, err := calendar.ParseDate(d.s)
		if err != nil {
			return u, rma.Invalid(field+"."+d.name, "%q is not a date in the form YYYY-MM-DD", d.s)
		}
		*d.to = v
	}
	price, err := parseMoney(field+".price", b.Price)
	if err != nil {
		return u, err
	}
	if price.Cents < 0 {
		return u, rma.Invalid(field+".price.amount", "must not be negative")
	}
	u.Price = price
	return u, nil
}

// loadUnits is POST /api/v1/units: a JSON body {"units": [...]}, or a CSV
// file (Content-Type text/csv; ?policy= names the policy of the lines
// without one). One transaction: a bad unit writes nothing and is named
// (units[3].serial, or line 5, column serial).
func (s *Server) loadUnits(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var src rma.UnitSource
	source := "API (JSON)"
	if mt == "text/csv" {
		policy := r.URL.Query().Get("policy")
		if policy != "" && s.svc.Policies().Latest(policy) == nil {
			return rma.Invalid("policy", "unknown policy %q (one of %s)", policy, strings.Join(s.svc.Policies().IDs(), ", "))
		}
		csv := registry.NewCSV(http.MaxBytesReader(w, r.Body, maxUnitsBody))
		csv.DefaultPolicy = policy
		src = rma.UnitSource{Units: csvUnits(csv), Field: csv.Field}
		source = "API (CSV)"
	} else {
		var b UnitsBody
		if err := decodeJSONMax(w, r, &b, maxUnitsBody); err != nil {
			return err
		}
		if len(b.Units) == 0 {
			return rma.Invalid("units", "required: at least one unit")
		}
		if len(b.Units) > maxUnitsInBody {
			return rma.Invalid("units", "at most %d units a request (load more with rmadesk registry import, or in parts)", maxUnitsInBody)
		}
		field := func(i int, column string) string { return fmt.Sprintf("units[%d].%s", i, column) }
		units := make([]rma.Unit, len(b.Units))
		for i := range b.Units {
			u, err := b.Units[i].unit(fmt.Sprintf("units[%d]", i))
			if err != nil {
				return err
			}
			units[i] = u
		}
		src = rma.UnitSource{Field: field, Units: func(yield func(rma.Unit, error) bool) {
			for _, u := range units {
				if !yield(u, nil) {
					return
				}
			}
		}}
	}
	var load rma.UnitLoad
	e := audit.Of(actor, audit.RegistryImport, audit.TargetRegistry, "units", "serial registry", audit.Change{Field: "source", To: source})
	err := s.record(r.Context(), e, func(ctx context.Context) error {
		var err error
		load, err = s.svc.ImportUnits(ctx, actor, src)
		return err
	})
	if err != nil {
		return err
	}
	v := UnitsLoadView{Units: load.Units, Created: load.Created, Updated: load.Updated, Unchanged: load.Unchanged, UnknownSoldTo: []NameCountView{}}
	for _, n := range load.UnknownSoldTo {
		v.UnknownSoldTo = append(v.UnknownSoldTo, NameCountView{Name: n.Name, Units: n.Units})
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// csvUnits reads a CSV body, a body too large read as a problem of its
// own.
func csvUnits(c *registry.CSV) iter.Seq2[rma.Unit, error] {
	return func(yield func(rma.Unit, error) bool) {
		for u, err := range c.Units() {
			var maxErr *http.MaxBytesError
			if err != nil && errors.As(err, &maxErr) {
				err = &badRequest{status: http.StatusRequestEntityTooLarge, detail: fmt.Sprintf("request body larger than %d bytes: load a file this large with rmadesk registry import, or in parts", maxErr.Limit)}
			}
			if !yield(u, err) {
				return
			}
		}
	}
}

// UnitView is a unit of the registry.
type UnitView struct {
	Serial       string     `json:"serial"`
	PartNumber   string     `json:"part_number"`
	Model        string     `json:"model"`
	Category     string     `json:"category"`
	SoldTo       string     `json:"sold_to,omitempty"` // the desk's roles only
	InvoiceDate  string     `json:"invoice_date,omitempty"`
	InvoiceNo    string     `json:"invoice_no,omitempty"`
	Delivered    string     `json:"delivered,omitempty"`
	Manufactured string     `json:"manufactured,omitempty"`
	Price        *MoneyJSON `json:"price,omitempty"`
	Policy       string     `json:"policy,omitempty"`
	// A replacement the desk shipped.
	Replacement *UnitReplacementView `json:"replacement,omitempty"`
	Created     string               `json:"created"`
	Updated     string               `json:"updated"`
}

// UnitReplacementView says what a replacement replaced, in which RMA, and
// the warranty it carries.
type UnitReplacementView struct {
	Replaces    string `json:"replaces"`
	RMA         string `json:"rma"`
	WarrantyEnd string `json:"warranty_end,omitempty"`
}

func optDate(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func unitView(u *rma.Unit, desk bool) UnitView {
	v := UnitView{Serial: u.Serial, PartNumber: u.PartNumber, Model: u.Model, Category: u.Category,
		InvoiceDate: optDate(u.InvoiceDate), InvoiceNo: u.InvoiceNo, Delivered: optDate(u.Delivered), Manufactured: optDate(u.Manufactured),
		Policy: u.PolicyID, Created: u.Created.Format(timeJSON), Updated: u.Updated.Format(timeJSON)}
	if desk {
		v.SoldTo = u.SoldTo
	}
	if u.Price.Cents > 0 {
		m := moneyView(u.Price)
		v.Price = &m
	}
	if u.Replacement() {
		v.Replacement = &UnitReplacementView{Replaces: u.Replaces, RMA: u.RMANumber, WarrantyEnd: optDate(u.WarrantyEnd)}
		if v.Replacement.RMA == "" {
			v.Replacement.RMA = fmt.Sprintf("RMA %d", u.RMAID)
		}
	}
	return v
}

const timeJSON = "2006-01-02T15:04:05.999999999Z07:00"

// UnitLifeView is GET /api/v1/units/{serial}.
type UnitLifeView struct {
	Serial     string              `json:"serial"`
	Unit       *UnitView           `json:"unit"` // null: not in the registry (the desk's roles, for a serial only RMAs name)
	Warranty   *WarrantyAnswerView `json:"warranty,omitempty"`
	RMAs       []UnitRMAView       `json:"rmas"`
	ReplacedBy []UnitView          `json:"replaced_by"`
}

// UnitRMAView is one RMA line on the serial.
type UnitRMAView struct {
	RMA           int64  `json:"rma"`
	Number        string `json:"number,omitempty"`
	State         string `json:"state"`
	Outcome       string `json:"outcome,omitempty"`
	Reported      string `json:"reported"`
	Line          int    `json:"line"`
	AsReplacement bool   `json:"as_replacement"` // the serial is the unit the line was replaced with
	Decision      string `json:"decision"`
	Policy        string `json:"policy"`
	LastDay       string `json:"warranty_last_day,omitempty"`
	Replacement   string `json:"replacement_serial,omitempty"`
}

func (s *Server) getUnit(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	life, err := s.svc.UnitLife(r.Context(), actor, r.PathValue("serial"))
	if err != nil {
		return err
	}
	v := UnitLifeView{Serial: life.Serial, RMAs: []UnitRMAView{}, ReplacedBy: []UnitView{}}
	if life.Unit != nil {
		u := unitView(life.Unit, actor.Role.IsDesk())
		v.Unit = &u
	}
	if life.Warranty != nil {
		a := warrantyAnswerView(life.Warranty)
		v.Warranty = &a
	}
	for _, h := range life.RMAs {
		v.RMAs = append(v.RMAs, UnitRMAView{RMA: h.RMAID, Number: h.Number, State: string(h.State), Outcome: string(h.Outcome),
			Reported: h.Reported.String(), Line: h.Line.No, AsReplacement: h.AsReplacement, Decision: h.Line.Decision.Verdict.String(),
			Policy: h.PolicyID, LastDay: optDate(h.Line.Decision.Warranty.LastDay), Replacement: h.Line.ReplacementSerial})
	}
	for i := range life.ReplacedBy {
		v.ReplacedBy = append(v.ReplacedBy, unitView(&life.ReplacedBy[i], actor.Role.IsDesk()))
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// WarrantyCheckSettingsBody is the public check's settings.
type WarrantyCheckSettingsBody struct {
	Enabled       *bool  `json:"enabled"`
	SecondFactor  string `json:"second_factor"`
	RevealUnknown bool   `json:"reveal_unknown"`
	DefaultPolicy string `json:"default_policy"`
}

func settingsView(set rma.WarrantyCheckSettings) WarrantyCheckSettingsBody {
	on := set.Enabled
	return WarrantyCheckSettingsBody{Enabled: &on, SecondFactor: set.SecondFactor, RevealUnknown: set.RevealUnknown, DefaultPolicy: set.DefaultPolicy}
}

func (s *Server) getWarrantyCheckSettings(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	set, err := s.svc.WarrantyCheckSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settingsView(set))
	return nil
}

func (s *Server) putWarrantyCheckSettings(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var b WarrantyCheckSettingsBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	if b.Enabled == nil {
		return rma.Invalid("enabled", "required: true or false")
	}
	set := rma.WarrantyCheckSettings{Enabled: *b.Enabled, SecondFactor: b.SecondFactor, RevealUnknown: b.RevealUnknown, DefaultPolicy: b.DefaultPolicy}
	old, err := s.svc.WarrantyCheckSettings(r.Context())
	if err != nil {
		return err
	}
	e := audit.Of(actor, audit.RegistryCheckSettings, audit.TargetRegistry, "warranty-check", "public warranty check", audit.WarrantyCheckChanges(old, set)...)
	if err := s.record(r.Context(), e, func(ctx context.Context) error { return s.svc.SetWarrantyCheckSettings(ctx, actor, set) }); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settingsView(set))
	return nil
}

// WarrantyQueryBody is POST /api/v1/public/warranty (GET takes the same
// as query parameters).
type WarrantyQueryBody struct {
	Serial       string `json:"serial"`
	Model        string `json:"model,omitempty"`
	PurchaseDate string `json:"purchase_date,omitempty"`
}

// WarrantyAnswerView is the public check's answer: nothing about who
// bought the unit.
type WarrantyAnswerView struct {
	Serial    string           `json:"serial"`
	Answer    string           `json:"answer"`
	Until     string           `json:"warranty_until,omitempty"`
	Term      string           `json:"term,omitempty"`
	Policy    *PolicyBriefView `json:"policy,omitempty"`
	HowToFile string           `json:"how_to_file"`
}

// PolicyBriefView names a policy.
type PolicyBriefView struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Vendor string `json:"vendor"`
}

func warrantyAnswerView(a *rma.WarrantyAnswer) WarrantyAnswerView {
	v := WarrantyAnswerView{Serial: a.Serial, Answer: a.Answer, HowToFile: howToFile(a)}
	if a.Answer == rma.AnswerInWarranty || a.Answer == rma.AnswerOutOfWarranty {
		v.Until, v.Term = a.Until.String(), a.Term
		v.Policy = &PolicyBriefView{ID: a.Policy.ID, Title: a.Policy.Title, Vendor: a.Policy.Vendor.Name}
	}
	return v
}

// howToFile says, in English, what the person does next.
func howToFile(a *rma.WarrantyAnswer) string {
	switch {
	case a.Answer == rma.AnswerCannotConfirm || a.Answer == rma.AnswerUnknownSerial:
		return "We cannot confirm this unit's warranty from our records. Check the serial number on the label; if it is right, contact the seller you bought the unit from, or file an RMA with your proof of purchase."
	case a.Files:
		return "To file an RMA, sign in to the portal and choose New RMA; have the serial number and your proof of purchase at hand."
	case a.Refusal != nil && a.Refusal.Text != "":
		return a.Refusal.Text
	}
	return "Contact the seller you bought the unit from: they file the RMA for you."
}

// publicWarranty is GET and POST /api/v1/public/warranty: no key, limited
// per client address (Config.WarrantyChecksPerMinute) before anything else.
func (s *Server) publicWarranty(w http.ResponseWriter, r *http.Request, _ rma.Actor) error {
	if l := s.warrantyLimit; l != nil {
		if ok, wait := l.allow(clientAddr(r)); !ok {
			tooManyRequests(w, r, wait, "too many warranty checks from this address")
			return nil
		}
	}
	var b WarrantyQueryBody
	if r.Method == http.MethodPost {
		if err := decodeJSON(w, r, &b); err != nil {
			return err
		}
	} else {
		q := r.URL.Query()
		for name := range q {
			if name != "serial" && name != "model" && name != "purchase_date" {
				return rma.Invalid(name, "unknown parameter (serial, model, purchase_date)")
			}
		}
		b = WarrantyQueryBody{Serial: q.Get("serial"), Model: q.Get("model"), PurchaseDate: q.Get("purchase_date")}
	}
	if err := checkQueryText(b); err != nil {
		return err
	}
	q := rma.WarrantyQuery{Serial: b.Serial, Model: b.Model}
	if b.PurchaseDate != "" {
		d, err := calendar.ParseDate(b.PurchaseDate)
		if err != nil {
			return rma.Invalid("purchase_date", "%q is not a date in the form YYYY-MM-DD", b.PurchaseDate)
		}
		q.PurchaseDate = d
	}
	a, err := s.svc.CheckWarranty(r.Context(), q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, warrantyAnswerView(a))
	return nil
}

// checkQueryText bounds what a person may type.
func checkQueryText(b WarrantyQueryBody) error {
	for _, f := range []struct{ name, v string }{{"serial", b.Serial}, {"model", b.Model}, {"purchase_date", b.PurchaseDate}} {
		if err := rma.CheckText(f.name, f.v, 200); err != nil {
			return err
		}
	}
	return nil
}
