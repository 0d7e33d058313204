package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The new-RMA form is driven by the policy: the documents it requires at
// filing are upload fields, and the engine's verdict on each line (with
// every reason and its clause) can be previewed before submitting.

const maxFormLines = 20

// newData is the new-RMA form.
type newData struct {
	Policies   []*policy.Policy // the ones the organisation may file under
	Policy     *policy.Policy
	Required   []string // document names required at filing
	Documents  []string
	Conditions []string
	Lines      []formLine
	Kind       string
	Reference  string
	NoSubst    bool
	Choices    []string // resolutions the requester may prefer, where the policy leaves it the choice
	Preference string
	Verdicts   []policy.Decision
	Dates      []string
}

// formLine is one unit as the form holds it.
type formLine struct {
	No         int
	Category   string
	Part       string
	Model      string
	Serial     string
	PartNumber string
	Quantity   string
	Fault      string
	Dates      map[string]string
	Documents  map[string]bool
	Conditions map[string]bool
	Cause      string
}

var formDates = []string{"purchase", "invoice", "shipped", "delivered", "manufactured"}

func (s *Server) policiesFor(p *page) []*policy.Policy {
	var out []*policy.Policy
	today := s.svc.Today()
	for _, id := range s.svc.Policies().IDs() {
		pol := s.svc.Policies().InForce(id, today)
		if pol != nil && p.Org != nil && pol.Requesters.Allowed.Has(p.Org.Role) {
			out = append(out, pol)
		}
	}
	return out
}

func (s *Server) newForm(w http.ResponseWriter, r *http.Request, p *page) {
	if err := s.svc.Check(r.Context(), p.Actor, 0, rma.OpSubmit); err != nil {
		s.fail(w, r, p, err)
		return
	}
	d := s.formData(p, r.URL.Query().Get("policy"), nil)
	p.Title, p.Data = p.T("new.title"), d
	s.render(w, http.StatusOK, "new", p)
}

// formData builds the form for a policy, filled from a submitted form.
func (s *Server) formData(p *page, policyID string, form map[string][]string) *newData {
	d := &newData{Policies: s.policiesFor(p), Documents: policy.DocumentNames(), Conditions: policy.ConditionNames(), Dates: formDates, Kind: "defect"}
	for _, pol := range d.Policies {
		if pol.ID == policyID || (policyID == "" && len(d.Policies) == 1) {
			d.Policy = pol
		}
	}
	if d.Policy != nil {
		d.Choices = preferenceChoices(d.Policy)
		for _, rule := range d.Policy.Documents {
			if rule.Stage == policy.AtFiling {
				d.Required = append(d.Required, rule.AnyOf[0].String())
			}
		}
	}
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	n, _ := strconv.Atoi(get("lines"))
	if get("add_line") != "" {
		n++
	}
	n = max(1, min(n, maxFormLines))
	if v := get("kind"); v == "withdrawal" {
		d.Kind = v
	}
	d.Reference, d.NoSubst, d.Preference = get("reference"), get("no_substitute") != "", get("preference")
	for i := 1; i <= n; i++ {
		f := func(name string) string { return get(fmt.Sprintf("%s_%d", name, i)) }
		l := formLine{No: i, Category: f("category"), Part: f("part"), Model: f("model"), Serial: f("serial"), PartNumber: f("part_number"), Quantity: f("quantity"),
			Fault: f("fault"), Cause: f("cause"), Dates: map[string]string{}, Documents: map[string]bool{}, Conditions: map[string]bool{}}
		for _, dt := range formDates {
			l.Dates[dt] = f("date_" + dt)
		}
		for _, doc := range d.Documents {
			l.Documents[doc] = f("has_"+doc) != ""
		}
		for _, c := range d.Conditions {
			l.Conditions[c] = f("cond_"+c) != ""
		}
		d.Lines = append(d.Lines, l)
	}
	return d
}

// request turns the form into a submission; uploaded files count as the
// documents they are.
func (d *newData) request(uploaded map[string]bool) (rma.SubmitRequest, error) {
	req := rma.SubmitRequest{PolicyID: d.Policy.ID, Reference: d.Reference, NoSubstitute: d.NoSubst, Preference: d.Preference}
	if d.Kind == "withdrawal" {
		req.Kind = policy.Withdrawal
	}
	for i, l := range d.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		c := policy.Claim{Product: policy.Product{Category: l.Category, Part: l.Part, Model: l.Model, Serial: l.Serial}}
		for _, name := range formDates {
			v := l.Dates[name]
			if v == "" {
				continue
			}
			date, err := calendar.ParseDate(v)
			if err != nil {
				return req, rma.Invalid(field+".dates."+name, "%q is not a date (YYYY-MM-DD)", v)
			}
			f, _ := policy.ParseDateField(name)
			setDate(&c.Dates, f, date)
		}
		for doc, has := range l.Documents {
			if has || uploaded[fmt.Sprintf("%s_%d", doc, l.No)] {
				dd, _ := policy.ParseDocument(doc)
				c.Documents = c.Documents.With(dd)
			}
		}
		for cond, has := range l.Conditions {
			if has {
				cc, _ := policy.ParseCondition(cond)
				c.Conditions = c.Conditions.With(cc)
			}
		}
		var err error
		if c.Cause, err = policy.ParseCause(l.Cause); err != nil {
			return req, rma.Invalid(field+".cause", "%v", err)
		}
		qty := 1
		if l.Quantity != "" {
			if qty, err = strconv.Atoi(l.Quantity); err != nil {
				return req, rma.Invalid(field+".quantity", "must be a whole number")
			}
		}
		req.Lines = append(req.Lines, rma.LineRequest{Claim: c, Quantity: qty, PartNumber: l.PartNumber, Fault: l.Fault})
	}
	return req, nil
}

func setDate(d *policy.Dates, f policy.DateField, v calendar.Date) {
	switch f {
	case policy.DatePurchase:
		d.Purchase = v
	case policy.DateInvoice:
		d.Invoice = v
	case policy.DateShipped:
		d.Shipped = v
	case policy.DateDelivered:
		d.Delivered = v
	case policy.DateManufactured:
		d.Manufactured = v
	}
}

// preview decides the form's lines without filing anything. With
// JavaScript the page asks for the verdict fragment alone (the files chosen
// stay chosen, and are not sent); without, the whole form comes back with
// the verdict, and the files it carries are read past, not kept: a chosen
// file counts as that document, as the script counts it.
func (s *Server) preview(w http.ResponseWriter, r *http.Request, p *page) {
	fragment := r.Header.Get("X-Preview") == "fragment"
	form, err := s.readFileForm(r, p, false)
	//lint:ignore SA5001 readFileForm returns the form with its error too; Close removes what it kept
	defer form.Close()
	if err == nil {
		err = checkForm(form.Value)
	}
	if err != nil {
		status, msg := formFailure(err)
		if status == 0 {
			s.fail(w, r, p, err)
			return
		}
		p.Title, p.Error = p.T("new.title"), msg
		if d := s.formData(p, form.Get("policy"), form.Value); d.Policy != nil && !fragment {
			p.Data = d
			s.render(w, status, "new", p)
			return
		}
		if fragment {
			p.Data = &newData{}
			s.renderFragment(w, status, p)
			return
		}
		s.render(w, status, "error", p)
		return
	}
	d := s.formData(p, form.Get("policy"), form.Value)
	if d.Policy == nil {
		s.fail(w, r, p, rma.Invalid("policy", "choose a policy"))
		return
	}
	uploaded := map[string]bool{}
	for _, f := range form.Files {
		if k, ok := strings.CutPrefix(f.Field, "doc_"); ok {
			uploaded[k] = true
		}
	}
	req, err := d.request(uploaded)
	if err == nil {
		today := s.svc.Today()
		for _, l := range req.Lines {
			c := l.Claim
			c.Kind = req.Kind
			c.Requester = policy.Requester{Role: p.Org.Role, Country: p.Org.Country}
			c.Dates.Reported = today
			if c.Product.Part == "" {
				c.Product.Part = policy.DefaultPart
			}
			d.Verdicts = append(d.Verdicts, d.Policy.Evaluate(c))
		}
	} else {
		p.Error = err.Error()
	}
	p.Title, p.Data = p.T("new.title"), d
	if fragment {
		s.renderFragment(w, http.StatusOK, p)
		return
	}
	s.render(w, http.StatusOK, "new", p)
}

// renderFragment writes the preview's verdicts alone.
func (s *Server) renderFragment(w http.ResponseWriter, status int, p *page) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, "verdicts", p); err != nil {
		s.cfg.Log.Error("template", "name", "verdicts", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// formFailure is the status and message for a form that cannot be taken
// as it is: a form error, or a domain error the form's fields caused. For
// any other error it returns status 0 (the caller's fail reports it).
func formFailure(err error) (int, string) {
	var fe *formError
	if errors.As(err, &fe) {
		return fe.status, fe.msg
	}
	switch rma.ErrorCode(err) {
	case rma.EINVALID, rma.ECONFLICT, rma.EPRECONDITION:
		return http.StatusUnprocessableEntity, err.Error()
	}
	return 0, ""
}

// newSubmit files the RMA with the files chosen in the form. Every file is
// checked first (its size, its type sniffed as rma.AddDocument checks it,
// what it is and for which unit): a form that is refused files nothing and
// stores nothing, so sending it again files one RMA, not two. Once the RMA
// is filed the answer is its page, whatever happens to the files: if one
// still cannot be stored (the disk, say), the page says so, rather than a
// form that suggests nothing was filed.
func (s *Server) newSubmit(w http.ResponseWriter, r *http.Request, p *page) {
	form, err := s.readFileForm(r, p, true)
	//lint:ignore SA5001 readFileForm returns the form with its error too; Close removes what it kept
	defer form.Close()
	if err == nil {
		err = checkForm(form.Value)
	}
	d := s.formData(p, form.Get("policy"), form.Value)
	reshow := func(err error) {
		status, msg := formFailure(err)
		if status == 0 {
			s.fail(w, r, p, err)
			return
		}
		p.Title, p.Error = p.T("new.title"), msg
		if d.Policy == nil {
			s.render(w, status, "error", p)
			return
		}
		p.Data = d
		s.render(w, status, "new", p)
	}
	if err != nil {
		reshow(err)
		return
	}
	if d.Policy == nil {
		reshow(rma.Invalid("policy", "choose a policy"))
		return
	}
	if form.Get("add_line") != "" {
		p.Title, p.Data = p.T("new.title"), d
		s.render(w, http.StatusOK, "new", p)
		return
	}
	uploaded := map[string]bool{}
	for _, f := range form.Files {
		kind, line, ok := formDocField(f.Field, len(d.Lines))
		if !ok {
			form.Refused = append(form.Refused, p.T("form.file_field", displayName(f.Filename)))
			continue
		}
		uploaded[fmt.Sprintf("%s_%d", kind, line)] = true
	}
	if len(form.Refused) > 0 {
		reshow(form.refusal(p.T("new.nothing_filed")))
		return
	}
	req, err := d.request(uploaded)
	if err != nil {
		reshow(err)
		return
	}
	created, _, err := s.svc.Submit(r.Context(), p.Actor, req)
	if err != nil {
		reshow(err)
		return
	}
	to := fmt.Sprintf("/rmas/%d", created.ID)
	for _, f := range form.Files {
		kind, line, _ := formDocField(f.Field, len(d.Lines))
		if err := s.storeFormFile(r, p, created.ID, f, kind, line); err != nil {
			s.setFlash(w, flashError, p.T("new.filed_but", displayName(f.Filename), s.userMessage(r, p, err)))
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
	}
	if created.State == rma.NeedsInfo && len(form.Files) > 0 {
		// The photos came with the form: decide again with them.
		_, err = s.svc.ProvideInfo(r.Context(), p.Actor, created.ID, 0, nil)
		if err != nil && rma.ErrorCode(err) != rma.ECONFLICT {
			s.setFlash(w, flashError, p.T("new.filed_undecided", s.userMessage(r, p, err)))
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// formDocField reads a new-RMA form's file field, doc_KIND_LINE: KIND a
// document the policies name (or "other"), LINE one of the form's units.
func formDocField(field string, lines int) (kind string, line int, ok bool) {
	rest, ok := strings.CutPrefix(field, "doc_")
	i := strings.LastIndex(rest, "_")
	if !ok || i <= 0 {
		return "", 0, false
	}
	kind = rest[:i]
	line, err := strconv.Atoi(rest[i+1:])
	if err != nil || line < 1 || line > lines {
		return "", 0, false
	}
	if _, err := policy.ParseDocument(kind); err != nil && kind != "other" {
		return "", 0, false
	}
	return kind, line, true
}

// storeFormFile stores a form's checked file on an RMA.
func (s *Server) storeFormFile(r *http.Request, p *page, id int64, f *formFile, kind string, line int) error {
	file, err := f.Open()
	if err != nil {
		return err
	}
	defer file.Close()
	_, err = s.svc.AddDocument(r.Context(), p.Actor, id, s.cfg.Files, rma.NewDocument{LineNo: line, Kind: kind,
		Filename: f.Filename, ContentType: f.ContentType, Content: file})
	return err
}

// userMessage is what a person is told of err: the domain's message, or a
// plain apology (and a log line) for anything else.
func (s *Server) userMessage(r *http.Request, p *page, err error) string {
	var e *rma.Error
	if errors.As(err, &e) && e.Code != rma.EINTERNAL {
		return e.Error()
	}
	s.cfg.Log.ErrorContext(r.Context(), "portal", "path", r.URL.Path, "err", err)
	return p.T("error.internal")
}

// preferenceChoices are the resolutions a requester may state a preference
// for on any route of pol (Mini Cart: replace or refund); which of them
// applies is known once the claim is decided, and the service checks it.
func preferenceChoices(pol *policy.Policy) []string {
	var out []string
	for _, route := range []policy.Route{policy.RouteDOA, policy.RouteWarranty, policy.RouteWithdrawal, policy.RouteChargeable} {
		for _, c := range rma.PreferenceChoices(pol, route) {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}
