package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/whatif"
)

// What if (issue 15): an admin pastes or uploads a draft of a policy (or
// opens a stored draft with ?draft=), chooses the filing days and a
// sample, and sees how the desk's history would have been decided under
// it: how many lines change and how, the money before and after, and the
// changed lines with their reasons and clauses.

// WhatIfDrafts finds a stored draft of a policy (?draft=); the policy
// store plugs it in once drafts live in the database (Config.WhatIfDrafts).
type WhatIfDrafts interface {
	DraftSource(ctx context.Context, policyID, draft string) (whatif.DraftSource, error)
}

// storedDrafts are the drafts the desk keeps, by the number in ?draft=.
type storedDrafts struct{ svc *rma.Service }

func (d storedDrafts) DraftSource(ctx context.Context, policyID, draft string) (whatif.DraftSource, error) {
	id, err := strconv.ParseInt(draft, 10, 64)
	if err != nil || id <= 0 {
		return nil, rma.Invalid("draft", "%q is not a draft number", draft)
	}
	return whatif.Stored(ctx, d.svc, policyID, id)
}

// whatifData is the page.
type whatifData struct {
	Policy    *policy.Policy
	DraftYAML string
	DraftName string
	Draft     string // a stored draft (?draft=)
	Stored    *rma.PackVersion
	From, To  string
	Sample    string
	Findings  []policy.Issue
	Report    *whatif.Report
	Money     []whatifMoney
	Changes   []whatifChange
}

type whatifMoney struct {
	Currency string
	Rows     []whatifMoneyRow
}

type whatifMoneyRow struct {
	Key                   string
	Before, After, Differ string
	Negative, Positive    bool
}

type whatifChange struct {
	whatif.Change
	HowText []string
}

// maxDraftUpload bounds an uploaded draft: the loader's own limit.
const maxDraftUpload = 4 << 20

func (s *Server) whatifRoutes() {
	s.mux.HandleFunc("GET /admin/policies/{id}/whatif", s.signedIn(s.whatifPage))
	s.mux.HandleFunc("POST /admin/policies/{id}/whatif", s.signedIn(s.whatifRun))
}

// whatifAllowed: only admins reach /admin; the rest of the desk is
// refused (403), a requester told there is nothing here (404).
func whatifAllowed(p *page) error {
	switch {
	case p.Actor.Role == rma.RoleAdmin:
		return nil
	case p.IsDesk:
		return rma.Errorf(rma.EFORBIDDEN, "admins only")
	}
	return rma.Errorf(rma.ENOTFOUND, "not found")
}

func (s *Server) whatifPolicy(w http.ResponseWriter, r *http.Request, p *page) (*policy.Policy, bool) {
	if err := whatifAllowed(p); err != nil {
		s.fail(w, r, p, err)
		return nil, false
	}
	pol := s.svc.Policies().Latest(r.PathValue("id"))
	if pol == nil {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "no policy"))
		return nil, false
	}
	return pol, true
}

func (s *Server) whatifPage(w http.ResponseWriter, r *http.Request, p *page) {
	pol, ok := s.whatifPolicy(w, r, p)
	if !ok {
		return
	}
	d := &whatifData{Policy: pol, Draft: r.URL.Query().Get("draft")}
	s.storedDraft(r, p, d)
	s.renderWhatIf(w, p, d, http.StatusOK)
}

func (s *Server) whatifRun(w http.ResponseWriter, r *http.Request, p *page) {
	pol, ok := s.whatifPolicy(w, r, p)
	if !ok {
		return
	}
	d := &whatifData{Policy: pol}
	if err := r.ParseMultipartForm(maxDraftUpload); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		p.Error = p.T("wi.too_large")
		s.renderWhatIf(w, p, d, http.StatusUnprocessableEntity)
		return
	}
	d.DraftYAML, d.From, d.To = r.PostFormValue("draft_yaml"), strings.TrimSpace(r.PostFormValue("from")), strings.TrimSpace(r.PostFormValue("to"))
	d.Sample, d.Draft = strings.TrimSpace(r.PostFormValue("sample")), r.PostFormValue("draft")
	s.storedDraft(r, p, d)
	req, field, err := s.whatifRequest(r, pol.ID, d)
	if err != nil {
		p.Error = fmt.Sprintf("%s: %s", p.T("wi.field."+field), err)
		s.renderWhatIf(w, p, d, http.StatusUnprocessableEntity)
		return
	}
	h, ok := s.svc.Store().(whatif.History)
	if !ok {
		s.fail(w, r, p, errors.New("this store cannot replay history"))
		return
	}
	desk := whatif.Desk{History: h, Policies: s.svc.Policies()}
	if as, ok := s.svc.Store().(audit.Store); ok {
		desk.Audit = as
	}
	rep, err := desk.Run(r.Context(), p.Actor, req)
	var le *whatif.LintError
	switch {
	case errors.As(err, &le):
		d.Findings = le.Issues
		p.Error = p.T("wi.lint", len(le.Issues))
		s.renderWhatIf(w, p, d, http.StatusUnprocessableEntity)
		return
	case rma.ErrorCode(err) == rma.EINVALID:
		p.Error = err.Error()
		s.renderWhatIf(w, p, d, http.StatusUnprocessableEntity)
		return
	case err != nil:
		s.fail(w, r, p, err)
		return
	}
	d.Report = rep
	s.renderWhatIf(w, p, d, http.StatusOK)
}

// storedDraft finds the stored draft the page names (?draft=), to say
// which it is; one the desk does not have is named by its number only,
// and refused when run.
func (s *Server) storedDraft(r *http.Request, p *page, d *whatifData) {
	id, err := strconv.ParseInt(d.Draft, 10, 64)
	if err != nil || id <= 0 {
		return
	}
	if v, err := s.svc.Draft(r.Context(), p.Actor, d.Policy.ID, id); err == nil {
		d.Stored = v
	}
}

// whatifRequest reads the form: the draft pasted, uploaded (the file wins
// when both are given) or stored, the days and the sample; field names
// what is wrong.
func (s *Server) whatifRequest(r *http.Request, id string, d *whatifData) (whatif.Request, string, error) {
	req := whatif.Request{Query: whatif.Query{PolicyID: id}, Options: whatif.Options{Detail: 50, Seed: 1}}
	for _, f := range []struct {
		name, v string
		to      *calendar.Date
	}{{"from", d.From, &req.Query.From}, {"to", d.To, &req.Query.To}} {
		if f.v == "" {
			continue
		}
		day, err := calendar.ParseDate(f.v)
		if err != nil {
			return req, f.name, fmt.Errorf("%q", f.v)
		}
		*f.to = day
	}
	if d.Sample != "" {
		n, err := strconv.Atoi(d.Sample)
		if err != nil || n < 0 || n > 1000 {
			return req, "sample", fmt.Errorf("%q (0–1000)", d.Sample)
		}
		req.Options.Random = n
	}
	if file, hdr, err := r.FormFile("draft_file"); err == nil {
		defer file.Close()
		b, err := io.ReadAll(io.LimitReader(file, maxDraftUpload+1))
		if err != nil || len(b) > maxDraftUpload {
			return req, "draft_file", errors.New("unreadable or too large")
		}
		if len(strings.TrimSpace(string(b))) > 0 {
			d.DraftYAML, d.DraftName = string(b), hdr.Filename
		}
	}
	switch {
	case d.Draft != "" && s.cfg.WhatIfDrafts != nil && strings.TrimSpace(d.DraftYAML) == "":
		src, err := s.cfg.WhatIfDrafts.DraftSource(r.Context(), id, d.Draft)
		if err != nil {
			return req, "draft", err
		}
		req.Draft = src
	default:
		name := d.DraftName
		if name == "" {
			name = id + "-draft.yaml"
		}
		req.Draft = whatif.Pasted{Name: name, YAML: []byte(d.DraftYAML)}
	}
	return req, "", nil
}

func (s *Server) renderWhatIf(w http.ResponseWriter, p *page, d *whatifData, status int) {
	p.Title = p.T("wi.title", d.Policy.ID)
	if rep := d.Report; rep != nil {
		for _, m := range rep.Money {
			wm := whatifMoney{Currency: m.Currency}
			for _, row := range []struct {
				key     string
				b, a, x int64
				units   bool
			}{
				{"wi.credits", m.Baseline.Credits, m.Draft.Credits, m.Difference.Credits, false},
				{"wi.refunds", m.Baseline.Refunds, m.Draft.Refunds, m.Difference.Refunds, false},
				{"wi.replacements", m.Baseline.Replacements, m.Draft.Replacements, m.Difference.Replacements, true},
				{"wi.replacement_value", m.Baseline.ReplacementValue, m.Draft.ReplacementValue, m.Difference.ReplacementValue, false},
				{"wi.charges", m.Baseline.Charges, m.Draft.Charges, m.Difference.Charges, false},
				{"wi.net", m.Baseline.Net, m.Draft.Net, m.Difference.Net, false},
			} {
				f := wiCents
				if row.units {
					f = func(n int64) string { return strconv.FormatInt(n, 10) }
				}
				diff := f(row.x)
				if row.x > 0 {
					diff = "+" + diff
				}
				wm.Rows = append(wm.Rows, whatifMoneyRow{Key: row.key, Before: f(row.b), After: f(row.a), Differ: diff, Negative: row.x < 0, Positive: row.x > 0})
			}
			d.Money = append(d.Money, wm)
		}
		for _, c := range rep.ChangedLines {
			wc := whatifChange{Change: c}
			for _, h := range c.How {
				wc.HowText = append(wc.HowText, p.T("wi.how."+h))
			}
			d.Changes = append(d.Changes, wc)
		}
	}
	p.Data = d
	s.render(w, status, "whatif", p)
}

// wiCents writes cents as 1234.50.
func wiCents(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%02d", sign, n/100, n%100)
}
