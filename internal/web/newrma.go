package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The new-RMA form is driven by the policy (newform.go): the documents it
// reads are upload fields on each unit, and the engine's verdict on each
// unit, in plain words with its clause on demand (verdict.go), can be
// previewed before submitting.

func (s *Server) newForm(w http.ResponseWriter, r *http.Request, p *page) {
	if err := s.svc.Check(r.Context(), p.Actor, 0, rma.OpSubmit); err != nil {
		s.fail(w, r, p, err)
		return
	}
	d := s.formData(p, r.URL.Query().Get("policy"), nil).reshown()
	p.Title, p.Data = p.T("new.title"), d
	s.render(w, http.StatusOK, "new", p)
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
			d.FilesAgain = len(form.Files) > 0
			p.Data = d.reshown()
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
	files := map[string]bool{}
	for _, f := range form.Files {
		if kind, line, ok := formDocField(f.Field, len(d.Lines), d.Policy); ok {
			files[fmt.Sprintf("%s_%d", kind, line)] = true
		}
	}
	req, _, err := d.request(files)
	var standing policy.Standing // the desk's record of the organisation (rma/standing.go)
	if err == nil {
		standing, err = rma.OrgStanding(r.Context(), s.svc.Store(), p.Org.ID)
	}
	if err == nil {
		today := s.svc.Today()
		for i, u := range d.filed(files) {
			c := req.Lines[i].Claim
			c.Kind = req.Kind
			c.Requester = policy.Requester{Role: p.Org.Role, Country: p.Org.Country, Standing: standing}
			c.Dates.Reported = today
			if c.Product.Part == "" {
				c.Product.Part = policy.DefaultPart
			}
			// The desk's records, as the submission will read them (issue 16).
			if err := s.svc.FillRecords(r.Context(), p.Org, &c, 0); err != nil {
				s.fail(w, r, p, err)
				return
			}
			// The script's fragment goes beside the units as the page
			// numbers them; a page sent back numbers the units again.
			no := i + 1
			if fragment {
				no = u.No
			}
			d.Verdicts = append(d.Verdicts, unitVerdict{No: no, Decision: d.Policy.Evaluate(rma.EngineClaim(c, strings.TrimSpace(req.Lines[i].PartNumber)))})
		}
	} else {
		p.Error = err.Error()
	}
	if !fragment {
		d.FilesAgain = len(form.Files) > 0
		d.reshown()
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
		d.FilesAgain = len(form.Files) > 0
		p.Data = d.reshown()
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
		// A browser without the script that wants more units than the
		// spare: the form comes back with one more.
		d.FilesAgain = len(form.Files) > 0
		p.Title, p.Data = p.T("new.title"), d.addUnit()
		s.render(w, http.StatusOK, "new", p)
		return
	}
	uploaded := map[string]bool{}
	for _, f := range form.Files {
		kind, line, ok := formDocField(f.Field, len(d.Lines), d.Policy)
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
	req, lineOf, err := d.request(uploaded)
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
		kind, no, _ := formDocField(f.Field, len(d.Lines), d.Policy)
		line, filed := lineOf[no]
		if !filed {
			continue // a unit left out: its files go with it
		}
		if err := s.storeFormFile(r, p, created.ID, f, kind, line); err != nil {
			s.setFlash(w, flashError, p.T("new.filed_but", displayName(f.Filename), s.userMessage(r, p, err)))
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
	}
	// The files were decided on with the submission (request counts each
	// chosen file as its document), so nothing is decided again here:
	// deciding again, as this did, found the same missing things and sent
	// the requester a second, identical "More information needed" email.
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// formDocField reads a new-RMA form's file field, doc_KIND_LINE: KIND a
// document the policies name (or "other"), LINE one of the form's units.
func formDocField(field string, lines int, pol *policy.Policy) (kind string, line int, ok bool) {
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
	if _, err := policy.ParseDocument(kind); err != nil && kind != "other" && !declaresDocument(pol, kind) {
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
