package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The new-RMA form is shaped by the chosen policy: it asks for the dates,
// documents, conditions, categories and parts the policy's rules read
// (policy.ClaimDates and its neighbours, claimform.go), and nothing else.
//
// Units are numbered by their place in the form (category_3, doc_KIND_3):
// a unit left blank, or marked to be left out, is not filed, and the
// units filed are numbered again from 1. So a unit can be added without a
// round trip (the form always ends with a spare unit, folded in a
// <details>; the script adds the next spare when one is opened) and left
// out without one, and no file already chosen is lost either way.

const maxFormLines = 20

// newData is the new-RMA form.
type newData struct {
	Policies      []*policy.Policy // the ones the organisation may file under (policy.AppliesTo)
	Policy        *policy.Policy
	Dates         []formDate // the claim dates the policy's rules read
	Docs          []formDoc  // the documents they read or ask for
	Conditions    []string   // the conditions of a unit they read
	Categories    []string   // the categories its terms tell apart; none: a free product name
	Parts         []string   // the parts its terms tell apart; one: not asked
	AskPartNumber bool       // the policy requires a part number on every line, or its terms read it
	AskPrice      bool       // the policy credits or refunds at the price invoiced (money.go)
	Lines         []formLine // the units, the last a spare
	Kind          string
	Reference     string
	NoSubst       bool
	Choices       []string // resolutions the requester may prefer, where the policy leaves it the choice
	Preference    string
	Verdicts      []unitVerdict
	FilesAgain    bool // the form came back after files were sent: they must be chosen again
	// Issue 14, terms: the part number is asked for where terms read it,
	// and required (on the first unit) only where the policy says so.
	PartNumberRequired bool

	// Vocabulary (issue 14, vocabulary.go): the names of the documents and
	// conditions the policy declares, by id, in the page's language.
	Labels map[string]string
}

// formDate is one claim date the form asks for.
type formDate struct {
	Name     string // purchase, invoice, ...
	Evidence string // the document it counts only with, if any
}

// formDoc is one document the form takes files for, on each unit.
type formDoc struct {
	Name     string
	ToDecide bool     // needed to decide (at filing, or for DOA)
	Parcel   bool     // goes in the parcel
	Evidence []string // the dates it proves
	Or       []string // documents any one of which will do as well as this one
	Notes    []Said   // the policy's notes on it, in the page's language where the pack has them
}

// formLine is one unit as the form holds it.
type formLine struct {
	No         int // its place in the form
	Spare      bool
	Leave      bool // marked to be left out
	Category   string
	Part       string
	Model      string
	Serial     string
	PartNumber string
	Price      string // the last invoiced price, as typed (money.go)
	Currency   string
	Quantity   string
	Fault      string
	Dates      map[string]string
	Documents  map[string]bool // said to be at hand (files come separately)
	Conditions map[string]bool
	Cause      string
}

// blank reports whether nothing was filled in for the unit: it is then
// not filed (the spare, or one added and not used).
func (l *formLine) blank(files map[string]bool) bool {
	if l.Category != "" || l.Model != "" || l.Serial != "" || l.PartNumber != "" || l.Fault != "" || l.Cause != "" || l.Price != "" {
		return false
	}
	if (l.Quantity != "" && l.Quantity != "1") || (l.Part != "" && l.Part != policy.DefaultPart) {
		return false
	}
	for _, v := range l.Dates {
		if v != "" {
			return false
		}
	}
	for _, m := range []map[string]bool{l.Documents, l.Conditions} {
		for _, v := range m {
			if v {
				return false
			}
		}
	}
	for k := range files {
		if strings.HasSuffix(k, "_"+strconv.Itoa(l.No)) {
			return false
		}
	}
	return true
}

// formDates are every date a claim carries, in the order a form lists them.
var formDates = []string{"purchase", "invoice", "shipped", "delivered", "manufactured", "registered", "replaced"}

// policiesFor are the policies the page's organisation may file under:
// its role allowed, its country served (or left to the desk).
func (s *Server) policiesFor(p *page) []*policy.Policy {
	var out []*policy.Policy
	if p.Org == nil {
		return nil
	}
	today := s.svc.Today()
	for _, id := range s.svc.Policies().IDs() {
		pol := s.svc.Policies().InForce(id, today)
		if pol != nil && pol.AppliesTo(p.Org.Role, p.Org.Country) {
			out = append(out, pol)
		}
	}
	return out
}

// shape fills in what the chosen policy asks.
func (d *newData) shape(p *page) {
	pol := d.Policy
	d.Choices = preferenceChoices(pol)
	for _, f := range pol.ClaimDates() {
		fd := formDate{Name: f.String()}
		if doc, ok := pol.DateEvidence(f); ok {
			fd.Evidence = pol.DocumentName(doc)
		}
		d.Dates = append(d.Dates, fd)
	}
	toDecide := map[policy.Document]bool{}
	or := map[policy.Document][]string{}
	alternatives := func(r policy.Requirement) {
		for _, doc := range r.AnyOf {
			for _, other := range r.AnyOf {
				if other != doc && !slices.Contains(or[doc], pol.DocumentName(other)) {
					or[doc] = append(or[doc], pol.DocumentName(other))
				}
			}
		}
	}
	if pol.DOA != nil {
		for _, r := range pol.DOA.Documents {
			alternatives(r.Requirement)
			for _, doc := range r.AnyOf {
				toDecide[doc] = true
			}
		}
	}
	for _, doc := range append(pol.ClaimDocuments(), declaredDocs(pol)...) {
		fd := formDoc{Name: pol.DocumentName(doc), ToDecide: toDecide[doc], Or: or[doc]}
		for _, fdate := range d.Dates {
			if fdate.Evidence == fd.Name {
				fd.Evidence = append(fd.Evidence, fdate.Name)
			}
		}
		for _, r := range pol.DocumentNeeds(doc) {
			switch r.Stage {
			case policy.AtFiling:
				fd.ToDecide = true
				alternatives(r.Requirement)
				fd.Or = or[doc]
			default:
				fd.Parcel = true
			}
			if r.Note != "" {
				text, ok := pol.Say(p.lang, r.Key, r.Note)
				if s := p.said(text, ok); !slices.ContainsFunc(fd.Notes, func(n Said) bool { return n.Text == s.Text }) {
					fd.Notes = append(fd.Notes, s)
				}
			}
		}
		d.Docs = append(d.Docs, fd)
	}
	for _, c := range pol.ClaimConditions() {
		d.Conditions = append(d.Conditions, c.String())
	}
	d.declared(p) // vocabulary.go
	d.Categories = pol.Categories()
	d.Parts = pol.Parts()
	d.PartNumberRequired = pol.RequiredLineField("part_number") != nil
	d.AskPartNumber = d.PartNumberRequired || pol.ReadsPartNumber()    // issue 14: terms by part number
	d.AskPrice = rma.PolicyPaysBack(pol) || rma.AdvanceNeedsPrice(pol) // advance.go: a deposit or invoice at the unit's price
}

// formData builds the form for a policy, filled from a submitted form (nil:
// a fresh one). Units left blank are dropped and a spare one ends the form.
func (s *Server) formData(p *page, policyID string, form map[string][]string) *newData {
	d := &newData{Policies: s.policiesFor(p), Kind: "defect"}
	for _, pol := range d.Policies {
		if pol.ID == policyID || (policyID == "" && len(d.Policies) == 1) {
			d.Policy = pol
		}
	}
	if d.Policy != nil {
		d.shape(p)
	}
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	if v := get("kind"); v == "withdrawal" {
		d.Kind = v
	}
	d.Reference, d.NoSubst, d.Preference = get("reference"), get("no_substitute") != "", get("preference")
	n, _ := strconv.Atoi(get("lines"))
	n = max(0, min(n, maxFormLines))
	for i := 1; i <= n; i++ {
		f := func(name string) string { return get(fmt.Sprintf("%s_%d", name, i)) }
		l := formLine{No: i, Leave: f("leave") != "", Category: f("category"), Part: f("part"), Model: f("model"), Serial: f("serial"),
			PartNumber: f("part_number"), Price: f("price"), Currency: f("currency"), Quantity: f("quantity"), Fault: f("fault"), Cause: f("cause"),
			Dates: map[string]string{}, Documents: map[string]bool{}, Conditions: map[string]bool{}}
		for _, dt := range formDates {
			l.Dates[dt] = f("date_" + dt)
		}
		for _, doc := range policy.DocumentNames() {
			l.Documents[doc] = f("has_"+doc) != ""
		}
		for _, c := range policy.ConditionNames() {
			l.Conditions[c] = f("cond_"+c) != ""
		}
		for id := range d.Labels { // a declared document or condition (vocabulary.go)
			if _, ok := d.Policy.DeclaredDocument(id); ok {
				l.Documents[id] = f("has_"+id) != ""
			} else {
				l.Conditions[id] = f("cond_"+id) != ""
			}
		}
		d.Lines = append(d.Lines, l)
	}
	return d
}

// filed are the units the form files, in order: neither blank nor left out.
func (d *newData) filed(files map[string]bool) []formLine {
	var out []formLine
	for _, l := range d.Lines {
		if !l.Leave && !l.blank(files) {
			out = append(out, l)
		}
	}
	return out
}

// spareUnits is how many folded spare units end the form, each inside the
// one before: a browser without the script opens one after another, up to
// this many more units without a round trip (and so without losing a
// chosen file); the script adds more as the last is opened.
const spareUnits = 5

// reshown is the form as it comes back to the requester: the units filled
// in, renumbered from 1, and the spares. A browser cannot be given back
// the files it sent, so where some were sent the page says to choose them
// again (FilesAgain).
func (d *newData) reshown() *newData {
	kept := d.filed(nil)
	for i := range kept {
		kept[i].No = i + 1
	}
	if len(kept) == 0 {
		kept = append(kept, blankLine(1))
	}
	d.Lines = kept
	d.addSpares()
	return d
}

// addSpares ends the form with spareUnits folded units (fewer near
// maxFormLines).
func (d *newData) addSpares() {
	spares := 0
	for _, l := range d.Lines {
		if l.Spare {
			spares++
		}
	}
	for ; spares < spareUnits && len(d.Lines) < maxFormLines; spares++ {
		spare := blankLine(len(d.Lines) + 1)
		spare.Spare = true // folded: opening it adds the unit, without a round trip
		d.Lines = append(d.Lines, spare)
	}
}

func blankLine(no int) formLine {
	return formLine{No: no, Dates: map[string]string{}, Documents: map[string]bool{}, Conditions: map[string]bool{}}
}

// addUnit is the form with one more unit, unfolded, for the add-a-unit
// button (a round trip, for a browser past the spares without the script).
func (d *newData) addUnit() *newData {
	d.reshown()
	for i := range d.Lines {
		if d.Lines[i].Spare {
			d.Lines[i].Spare = false
			break
		}
	}
	d.addSpares()
	return d
}

// spareView is one folded spare unit, holding the next (template "spare").
type spareView struct {
	*page
	D    *newData
	L    formLine
	Next *spareView
}

// Spares chains the form's spare units, each to be folded inside the one
// before it.
func (p *page) Spares(d *newData) *spareView {
	var first, last *spareView
	for _, l := range d.Lines {
		if !l.Spare {
			continue
		}
		v := &spareView{page: p, D: d, L: l}
		if last == nil {
			first = v
		} else {
			last.Next = v
		}
		last = v
	}
	return first
}

// request turns the form into a submission; files counts the files chosen
// (doc_KIND_NO) as the documents they are. lineOf maps a unit's place in
// the form to its line number in the RMA.
func (d *newData) request(files map[string]bool) (req rma.SubmitRequest, lineOf map[int]int, err error) {
	req = rma.SubmitRequest{PolicyID: d.Policy.ID, Reference: d.Reference, NoSubstitute: d.NoSubst, Preference: d.Preference}
	if d.Kind == "withdrawal" {
		req.Kind = policy.Withdrawal
	}
	lineOf = map[int]int{}
	units := d.filed(files)
	if len(units) == 0 {
		return req, nil, rma.Invalid("lines", "describe at least one unit")
	}
	for i, l := range units {
		lineOf[l.No] = i + 1
		field := fmt.Sprintf("lines[%d]", i)
		part := l.Part
		if part == policy.DefaultPart {
			part = ""
		}
		c := policy.Claim{Product: policy.Product{Category: l.Category, Part: part, Model: l.Model, Serial: l.Serial}}
		for _, name := range formDates {
			v := l.Dates[name]
			if v == "" {
				continue
			}
			date, err := calendar.ParseDate(v)
			if err != nil {
				return req, nil, rma.Invalid(field+".dates."+name, "%q is not a date (YYYY-MM-DD)", v)
			}
			f, _ := policy.ParseDateField(name)
			c.Dates.Set(f, date)
		}
		for _, doc := range policy.DocumentNames() {
			if l.Documents[doc] || files[fmt.Sprintf("%s_%d", doc, l.No)] {
				dd, _ := policy.ParseDocument(doc)
				c.Documents = c.Documents.With(dd)
			}
		}
		for cond, has := range l.Conditions {
			if has {
				cc, err := policy.ParseCondition(cond)
				if err != nil { // one the policy declares (vocabulary.go)
					c.OtherConditions = policy.AddName(c.OtherConditions, cond)
					continue
				}
				c.Conditions = c.Conditions.With(cc)
			}
		}
		otherDocuments(&c, l, files)
		if c.Cause, err = policy.ParseCause(l.Cause); err != nil {
			return req, nil, rma.Invalid(field+".cause", "%v", err)
		}
		qty := 1
		if l.Quantity != "" {
			if qty, err = strconv.Atoi(l.Quantity); err != nil {
				return req, nil, rma.Invalid(field+".quantity", "must be a whole number")
			}
		}
		price, err := filingPrice(field, l.Price, l.Currency) // money.go
		if err != nil {
			return req, nil, err
		}
		req.Lines = append(req.Lines, rma.LineRequest{Claim: c, Quantity: qty, PartNumber: l.PartNumber, Fault: l.Fault, LastInvoicedPrice: price})
	}
	return req, lineOf, nil
}

// unitView is what the "unit" template needs of one unit.
type unitView struct {
	*page
	D *newData
	L formLine
}

// Unit hands the "unit" template its unit with the page and the form.
func (p *page) Unit(d *newData, l formLine) unitView { return unitView{p, d, l} }
