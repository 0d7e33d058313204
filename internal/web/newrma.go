package web

import (
	"bytes"
	"fmt"
	"net/http"
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
	d.Reference, d.NoSubst = get("reference"), get("no_substitute") != ""
	for i := 1; i <= n; i++ {
		f := func(name string) string { return get(fmt.Sprintf("%s_%d", name, i)) }
		l := formLine{No: i, Category: f("category"), Part: f("part"), Model: f("model"), Serial: f("serial"), Quantity: f("quantity"),
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
	req := rma.SubmitRequest{PolicyID: d.Policy.ID, Reference: d.Reference, NoSubstitute: d.NoSubst}
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
		req.Lines = append(req.Lines, rma.LineRequest{Claim: c, Quantity: qty, Fault: l.Fault})
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
// stay chosen); without, the whole form comes back with the verdict.
func (s *Server) preview(w http.ResponseWriter, r *http.Request, p *page) {
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, p, rma.Invalid("form", "unreadable"))
			return
		}
	}
	if err := checkForm(r.Form); err != nil {
		s.fail(w, r, p, err)
		return
	}
	d := s.formData(p, r.FormValue("policy"), r.Form)
	if d.Policy == nil {
		s.fail(w, r, p, rma.Invalid("policy", "choose a policy"))
		return
	}
	req, err := d.request(nil)
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
	if r.Header.Get("X-Preview") == "fragment" {
		var buf bytes.Buffer
		if err := s.tmpl.ExecuteTemplate(&buf, "verdicts", p); err != nil {
			s.fail(w, r, p, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = buf.WriteTo(w)
		return
	}
	s.render(w, http.StatusOK, "new", p)
}

// newSubmit files the RMA, then stores the files chosen in the form.
func (s *Server) newSubmit(w http.ResponseWriter, r *http.Request, p *page) {
	// The fields come first in the form and the files last; the form is
	// small, so it is parsed whole, files kept on disk by the multipart
	// reader beyond 1 MiB.
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		s.fail(w, r, p, rma.Invalid("form", "send the form as multipart/form-data"))
		return
	}
	if err := checkForm(r.MultipartForm.Value); err != nil {
		s.fail(w, r, p, err)
		return
	}
	d := s.formData(p, r.FormValue("policy"), r.MultipartForm.Value)
	if d.Policy == nil {
		s.fail(w, r, p, rma.Invalid("policy", "choose a policy"))
		return
	}
	if r.FormValue("add_line") != "" {
		p.Title, p.Data = p.T("new.title"), d
		s.render(w, http.StatusOK, "new", p)
		return
	}
	uploaded := map[string]bool{}
	for name, files := range r.MultipartForm.File {
		if k, ok := strings.CutPrefix(name, "doc_"); ok && len(files) > 0 && files[0].Size > 0 {
			uploaded[k] = true
		}
	}
	req, err := d.request(uploaded)
	if err == nil {
		var created *rma.RMA
		if created, _, err = s.svc.Submit(r.Context(), p.Actor, req); err == nil {
			err = s.attachFormFiles(r, p, created.ID)
			if err == nil && created.State == rma.NeedsInfo && len(uploaded) > 0 {
				// The photos came with the form: decide again with them.
				_, err = s.svc.ProvideInfo(r.Context(), p.Actor, created.ID, 0, nil)
				if rma.ErrorCode(err) == rma.ECONFLICT {
					err = nil
				}
			}
			if err == nil {
				http.Redirect(w, r, fmt.Sprintf("/rmas/%d", created.ID), http.StatusSeeOther)
				return
			}
		}
	}
	p.Title, p.Data, p.Error = p.T("new.title"), d, err.Error()
	s.render(w, http.StatusUnprocessableEntity, "new", p)
}

func (s *Server) attachFormFiles(r *http.Request, p *page, id int64) error {
	for name, files := range r.MultipartForm.File {
		rest, ok := strings.CutPrefix(name, "doc_")
		if !ok {
			continue
		}
		kind, lineStr := rest, "0"
		if i := strings.LastIndex(rest, "_"); i > 0 {
			kind, lineStr = rest[:i], rest[i+1:]
		}
		line, _ := strconv.Atoi(lineStr)
		for _, fh := range files {
			if fh.Size == 0 {
				continue
			}
			if fh.Size > s.cfg.MaxUpload {
				return rma.Invalid(name, "%s is larger than the upload limit", fh.Filename)
			}
			f, err := fh.Open()
			if err != nil {
				return err
			}
			head := make([]byte, 512)
			n, _ := f.Read(head)
			if _, err := f.Seek(0, 0); err != nil {
				f.Close()
				return err
			}
			_, err = s.svc.AddDocument(r.Context(), p.Actor, id, s.cfg.Files, rma.NewDocument{LineNo: line, Kind: kind, Filename: fh.Filename, ContentType: sniff(head[:n]), Content: f})
			f.Close()
			if err != nil {
				return err
			}
		}
	}
	return nil
}
