package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Policies managed in the desk (issue 15): /admin/policies lists the packs
// and their versions; a version is shown clause by clause with the rules
// citing each; a draft is uploaded (a file, or the YAML in a text area),
// its loader findings shown beside the lines they concern, edited,
// compared with another version rule by rule, published for a date or
// discarded. Admins only: the desk's other roles get 403, requesters 404.

func (s *Server) policyStoreRoutes() {
	s.mux.HandleFunc("GET /admin/policies", s.policyAdmin(s.policiesPage))
	s.mux.HandleFunc("GET /admin/policies/{id}", s.policyAdmin(s.policyPage))
	s.mux.HandleFunc("GET /admin/policies/{id}/versions/{version}", s.policyAdmin(s.policyVersionPage))
	s.mux.HandleFunc("POST /admin/policies/{id}/drafts", s.policyAdmin(s.policyDraftCreate))
	s.mux.HandleFunc("GET /admin/policies/{id}/drafts/{draft}", s.policyAdmin(s.policyDraftPage))
	s.mux.HandleFunc("POST /admin/policies/{id}/drafts/{draft}", s.policyAdmin(s.policyDraftSave))
	s.mux.HandleFunc("POST /admin/policies/{id}/drafts/{draft}/publish", s.policyAdmin(s.policyDraftPublish))
	s.mux.HandleFunc("POST /admin/policies/{id}/drafts/{draft}/discard", s.policyAdmin(s.policyDraftDiscard))
	s.mux.HandleFunc("GET /admin/policies/{id}/diff", s.policyAdmin(s.policyDiffPage))
	s.mux.HandleFunc("POST /admin/policies/{id}/versions/{version}/retire", s.policyAdmin(s.policyRetire))
}

// policyAdmin wraps a page only admins see: a requester is told it does
// not exist, the desk's other roles that they may not.
func (s *Server) policyAdmin(h func(http.ResponseWriter, *http.Request, *page)) http.HandlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request, p *page) {
		switch {
		case !p.IsDesk:
			s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "not found"))
		case !rma.Can(p.Actor.Role, rma.OpAdminister):
			s.fail(w, r, p, rma.Errorf(rma.EFORBIDDEN, "admins only"))
		default:
			h(w, r, p)
		}
	})
}

// policyRow is one pack on /admin/policies.
type policyRow struct {
	ID, Title, Vendor string
	InForce           *rma.PackVersion
	Next              []rma.PackVersion // published, taking effect later
	Drafts            []rma.PackVersion
	Versions          int
	Shadow            *rma.ShadowRun // the draft in shadow, if any (shadow.go)
}

func (s *Server) policyRows(ctx context.Context, p *page) ([]policyRow, error) {
	var out []policyRow
	today := s.svc.Today()
	running, err := s.svc.ShadowRuns(ctx, p.Actor, "", true) // every pack's at once
	if err != nil {
		return nil, err
	}
	for _, id := range s.svc.Policies().IDs() {
		vs, err := s.svc.PackVersions(ctx, p.Actor, id)
		if rma.ErrorCode(err) == rma.ENOTFOUND {
			continue // loaded, but not from the store (a test's own pack)
		}
		if err != nil {
			return nil, err
		}
		row := policyRow{ID: id, Versions: len(vs)}
		for i := range running {
			if running[i].PolicyID == id {
				row.Shadow = &running[i]
			}
		}
		if pol := s.svc.Policies().InForce(id, today); pol != nil {
			row.Title, row.Vendor = pol.Title, pol.Vendor.Name
		}
		for i := range vs {
			v := &vs[i]
			switch {
			case v.State == rma.PackDraft:
				row.Drafts = append(row.Drafts, *v)
			case v.EffectiveFrom > today:
				row.Next = append(row.Next, *v)
			default:
				row.InForce = v // the latest that took effect: vs is by date
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// The admin home lists the drafts not yet published, each with its link:
// a draft left waiting is a change someone started and nobody finished.
func init() {
	AttentionSources = append(AttentionSources, func(ctx context.Context, s *Server, p *page) []AttentionItem {
		rows, err := s.policyRows(ctx, p)
		if err != nil {
			return nil
		}
		item := AttentionItem{Link: "/admin/policies"}
		for _, row := range rows {
			for _, d := range row.Drafts {
				item.Each = append(item.Each, AttentionLink{
					Text: p.T("pol.att.draft", d.PolicyID, d.Version, d.CreatedBy, d.Created.UTC().Format(time.DateOnly)),
					Link: fmt.Sprintf("/admin/policies/%s/drafts/%d", url.PathEscape(d.PolicyID), d.ID)})
			}
		}
		if len(item.Each) == 0 {
			return nil
		}
		item.Text = p.T("pol.att.drafts", len(item.Each))
		return []AttentionItem{item}
	})
}

func (s *Server) policiesPage(w http.ResponseWriter, r *http.Request, p *page) {
	rows, err := s.policyRows(r.Context(), p)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Title = p.T("pol.title")
	p.Data = map[string]any{"Rows": rows}
	s.render(w, http.StatusOK, "admin_policies", p)
}

// draftForm is the new-draft form, filled again when it is refused.
type draftForm struct {
	Source, Version, EffectiveFrom string
}

func (s *Server) policyPage(w http.ResponseWriter, r *http.Request, p *page) {
	s.renderPolicy(w, r, p, http.StatusOK, nil, nil)
}

// renderPolicy shows a pack's page: its versions, the diff form and the
// new-draft form (form and findings when a draft was refused).
func (s *Server) renderPolicy(w http.ResponseWriter, r *http.Request, p *page, status int, form *draftForm, findings *lintView) {
	id := r.PathValue("id")
	vs, err := s.svc.PackVersions(r.Context(), p.Actor, id)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	today := s.svc.Today()
	inForce := ""
	if pol := s.svc.Policies().InForce(id, today); pol != nil {
		inForce = pol.Version
		p.Title = p.T("pol.one", pol.Title)
	} else {
		p.Title = p.T("pol.one", id)
	}
	if form == nil {
		// A new version usually starts from the newest published one.
		form = &draftForm{EffectiveFrom: today.String()}
		for _, v := range vs {
			if v.State == rma.PackPublished {
				form.Source = v.Source
			}
		}
	}
	shadows, err := s.svc.ShadowRuns(r.Context(), p.Actor, id, false)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Data = map[string]any{"ID": id, "Versions": vs, "InForce": inForce, "Today": today.String(), "Form": form, "Lint": findings,
		"Shadows": shadows}
	s.render(w, status, "admin_policy", p)
}

// clauseView is one clause with the rules citing it.
type clauseView struct {
	policy.Clause
	Rules []policy.RuleLine
}

func (s *Server) policyVersionPage(w http.ResponseWriter, r *http.Request, p *page) {
	id, version := r.PathValue("id"), r.PathValue("version")
	if _, err := s.svc.PackVersions(r.Context(), p.Actor, id); err != nil {
		s.fail(w, r, p, err)
		return
	}
	pol := s.svc.Policies().Version(id, version)
	if pol == nil {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "policy %s has no published version %q", id, version))
		return
	}
	s.renderClauses(w, r, p, pol, nil)
}

// renderClauses shows a policy clause by clause, each with its quote and
// the rules that cite it (policy.Rules, as `rmadesk policy show` lists
// them); draft is the draft shown, nil for a published version.
func (s *Server) renderClauses(w http.ResponseWriter, r *http.Request, p *page, pol *policy.Policy, draft *rma.PackVersion) {
	byClause := map[string][]policy.RuleLine{}
	last := ""
	for _, rl := range policy.Rules(pol) {
		if rl.What == "" {
			rl.What = last
		}
		last = rl.What
		byClause[rl.Clause] = append(byClause[rl.Clause], rl)
	}
	var clauses []clauseView
	for _, c := range pol.Clauses {
		clauses = append(clauses, clauseView{Clause: c, Rules: byClause[c.ID]})
	}
	inForce := s.svc.Policies().InForce(pol.ID, s.svc.Today())
	p.Title = p.T("pol.version_title", pol.Title, pol.Version)
	p.Data = map[string]any{"P": pol, "Clauses": clauses, "InForce": inForce == pol, "Draft": draft,
		"Scheduled": draft == nil && pol.EffectiveFrom > s.svc.Today()}
	s.render(w, http.StatusOK, "admin_policy_version", p)
}

// lintLine is one line of a draft's YAML with the findings on it.
type lintLine struct {
	No       int
	Text     string
	Findings []policy.Issue
}

// lintView is a draft's YAML with the loader's findings beside their lines;
// Other are those of no line (or of a translation).
type lintView struct {
	Lines []lintLine
	Other []policy.Issue
	Count int
	First int // the first line with a finding, for the link at the top
}

func lintOf(source string, issues []policy.Issue, packFile string) *lintView {
	v := &lintView{Count: len(issues)}
	text := strings.Split(strings.TrimSuffix(source, "\n"), "\n")
	for i, l := range text {
		v.Lines = append(v.Lines, lintLine{No: i + 1, Text: l})
	}
	for _, is := range issues {
		if is.Line > 0 && is.Line <= len(v.Lines) && (is.File == packFile || is.File == "") {
			v.Lines[is.Line-1].Findings = append(v.Lines[is.Line-1].Findings, is)
			if v.First == 0 || is.Line < v.First {
				v.First = is.Line
			}
			continue
		}
		v.Other = append(v.Other, is)
	}
	return v
}

// draftInput reads the draft form: multipart (a file, or the text area),
// as the YAML is larger than the portal's other fields.
func (s *Server) draftInput(w http.ResponseWriter, r *http.Request) (rma.DraftInput, *draftForm, error) {
	// A pack and its form fit in three times the loader's bound; more is
	// refused, not spooled to disk.
	r.Body = http.MaxBytesReader(w, r.Body, 3*rma.MaxPackBytes)
	if err := r.ParseMultipartForm(2 * rma.MaxPackBytes); err != nil {
		return rma.DraftInput{}, &draftForm{}, rma.Invalid("source", "the form could not be read: send the YAML as a file or in the text area, at most %d bytes", rma.MaxPackBytes)
	}
	f := &draftForm{Source: r.PostFormValue("source"), Version: strings.TrimSpace(r.PostFormValue("version")), EffectiveFrom: strings.TrimSpace(r.PostFormValue("effective_from"))}
	if file, _, err := r.FormFile("file"); err == nil {
		defer file.Close()
		data, err := io.ReadAll(io.LimitReader(file, rma.MaxPackBytes+1))
		if err != nil {
			return rma.DraftInput{}, f, rma.Invalid("file", "could not be read")
		}
		if len(data) > 0 {
			f.Source = string(data)
		}
	}
	f.Source = strings.ReplaceAll(f.Source, "\r\n", "\n") // a text area sends CRLF
	for name, v := range map[string]string{"source": f.Source, "version": f.Version, "effective_from": f.EffectiveFrom} {
		if err := rma.CheckText(name, v, rma.MaxPackBytes); err != nil {
			return rma.DraftInput{}, f, err
		}
	}
	return rma.DraftInput{Source: f.Source, Version: f.Version, EffectiveFrom: f.EffectiveFrom}, f, nil
}

// recordPolicy runs an admin's change to a policy's versions and records it
// in the audit log in the change's transaction (audit.Record).
func (s *Server) recordPolicy(ctx context.Context, p *page, action, policyID string, changes []audit.Change, change func(ctx context.Context) error) error {
	st, ok := s.svc.Store().(audit.Store)
	if !ok {
		return change(ctx)
	}
	e := audit.Of(p.Actor, action, audit.TargetPolicy, policyID, policyID, changes...)
	return audit.Record(ctx, st, &e, change)
}

// draftChanges are a draft's version and date for its audit entry.
func draftChanges(in rma.DraftInput) []audit.Change {
	v, d := in.Version, in.EffectiveFrom
	if pol, err := policy.Load("draft.yaml", []byte(in.Source)); err == nil {
		v, d = cmp.Or(v, pol.Version), cmp.Or(d, pol.EffectiveFrom.String())
	}
	return []audit.Change{{Field: "version", To: v}, {Field: "effective_from", To: d}}
}

func (s *Server) policyDraftCreate(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	in, form, err := s.draftInput(w, r)
	var v *rma.PackVersion
	if err == nil {
		err = s.recordPolicy(r.Context(), p, audit.PolicyDraft, id, draftChanges(in), func(ctx context.Context) (err error) {
			v, err = s.svc.SaveDraft(ctx, p.Actor, id, in)
			return err
		})
	}
	s.answerDraftSaved(w, r, p, id, v, form, err, s.renderPolicy)
}

// answerDraftSaved answers a draft created or edited: its page, or the
// form again through again, with the loader's findings on their lines.
func (s *Server) answerDraftSaved(w http.ResponseWriter, r *http.Request, p *page, id string, v *rma.PackVersion, form *draftForm, err error,
	again func(http.ResponseWriter, *http.Request, *page, int, *draftForm, *lintView)) {
	var de *rma.DraftError
	switch {
	case errors.As(err, &de):
		p.Error = p.T("pol.lint.refused", len(de.Issues))
		again(w, r, p, http.StatusUnprocessableEntity, form, lintOf(form.Source, de.Issues, id+".yaml"))
	case rma.ErrorCode(err) == rma.EINVALID || rma.ErrorCode(err) == rma.ECONFLICT:
		p.Error = err.Error()
		again(w, r, p, http.StatusUnprocessableEntity, form, nil)
	case err != nil:
		s.fail(w, r, p, err)
	default:
		s.redirectFlash(w, r, fmt.Sprintf("/admin/policies/%s/drafts/%d", url.PathEscape(id), v.ID), p.T("pol.draft.saved", v.Version))
	}
}

func (s *Server) policyDraftPage(w http.ResponseWriter, r *http.Request, p *page) {
	s.renderDraft(w, r, p, http.StatusOK, nil, nil)
}

// renderDraft shows a draft: its YAML by line (with findings when an edit
// was refused), the edit form, the publish and discard forms, and links to
// its diff, its clauses and the what-if page.
func (s *Server) renderDraft(w http.ResponseWriter, r *http.Request, p *page, status int, form *draftForm, lint *lintView) {
	id := r.PathValue("id")
	draftID, err := strconv.ParseInt(r.PathValue("draft"), 10, 64)
	if err != nil {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "no draft %q", r.PathValue("draft")))
		return
	}
	d, err := s.svc.Draft(r.Context(), p.Actor, id, draftID)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	if form == nil {
		form = &draftForm{Source: d.Source, Version: d.Version, EffectiveFrom: d.EffectiveFrom.String()}
	}
	if lint == nil {
		lint = lintOf(d.Source, nil, id+".yaml")
	}
	today := s.svc.Today()
	publishOn := d.EffectiveFrom
	if publishOn < today {
		publishOn = today
	}
	inForce := ""
	if pol := s.svc.Policies().InForce(id, today); pol != nil {
		inForce = pol.Version
	}
	shadow, err := s.draftShadow(r, p, id, d.ID) // shadow.go
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Title = p.T("pol.draft.title", id, d.Version)
	p.Data = map[string]any{"ID": id, "D": d, "Form": form, "Lint": lint, "Today": today.String(), "PublishOn": publishOn.String(), "InForce": inForce,
		"WhatIf": fmt.Sprintf("/admin/policies/%s/whatif?draft=%d", url.PathEscape(id), d.ID), "Shadow": shadow}
	s.render(w, status, "admin_policy_draft", p)
}

func (s *Server) policyDraftSave(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	draftID, _ := strconv.ParseInt(r.PathValue("draft"), 10, 64)
	in, form, err := s.draftInput(w, r)
	var v *rma.PackVersion
	if err == nil {
		err = s.recordPolicy(r.Context(), p, audit.PolicyDraftEdit, id, draftChanges(in), func(ctx context.Context) (err error) {
			v, err = s.svc.UpdateDraft(ctx, p.Actor, id, draftID, in)
			return err
		})
	}
	s.answerDraftSaved(w, r, p, id, v, form, err, s.renderDraft)
}

func (s *Server) policyDraftPublish(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	draftID, _ := strconv.ParseInt(r.PathValue("draft"), 10, 64)
	d, err := s.svc.Draft(r.Context(), p.Actor, id, draftID)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	date := strings.TrimSpace(r.PostFormValue("effective_from"))
	var v *rma.PackVersion
	changes := []audit.Change{{Field: "version", To: d.Version}, {Field: "effective_from", To: cmp.Or(date, d.EffectiveFrom.String())}}
	err = s.recordPolicy(r.Context(), p, audit.PolicyPublish, id, changes, func(ctx context.Context) (err error) {
		v, err = s.svc.PublishDraft(ctx, p.Actor, id, draftID, rma.PublishOptions{EffectiveFrom: date})
		return err
	})
	var de *rma.DraftError
	switch {
	case errors.As(err, &de):
		p.Error = p.T("pol.lint.refused", len(de.Issues))
		s.renderDraft(w, r, p, http.StatusUnprocessableEntity, nil, lintOf(d.Source, de.Issues, id+".yaml"))
	case rma.ErrorCode(err) == rma.EINVALID || rma.ErrorCode(err) == rma.ECONFLICT:
		p.Error = err.Error()
		s.renderDraft(w, r, p, http.StatusUnprocessableEntity, nil, nil)
	case err != nil:
		s.fail(w, r, p, err)
	default:
		s.redirectFlash(w, r, "/admin/policies/"+url.PathEscape(id), p.T("pol.published", v.Version, v.EffectiveFrom.String()))
	}
}

func (s *Server) policyDraftDiscard(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	draftID, _ := strconv.ParseInt(r.PathValue("draft"), 10, 64)
	d, err := s.svc.Draft(r.Context(), p.Actor, id, draftID)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	err = s.recordPolicy(r.Context(), p, audit.PolicyDiscard, id, []audit.Change{{Field: "draft", From: d.Version}}, func(ctx context.Context) error {
		_, err := s.svc.DiscardDraft(ctx, p.Actor, id, draftID)
		return err
	})
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.redirectFlash(w, r, "/admin/policies/"+url.PathEscape(id), p.T("pol.discarded", d.Version))
}

// diffLine is one line of the text diff: " " kept, "-" removed, "+" added;
// Gap marks lines left out between hunks.
type diffLine struct {
	Kind     string
	Old, New int
	Text     string
	Gap      bool
}

// lineDiff is the text diff of two files as hunks with two lines of
// context, by the longest common subsequence of their lines (packs are a
// few hundred lines).
func lineDiff(a, b []string) []diffLine {
	n, m := len(a), len(b)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var all []diffLine
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			all = append(all, diffLine{Kind: " ", Old: i + 1, New: j + 1, Text: a[i]})
			i, j = i+1, j+1
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			all = append(all, diffLine{Kind: "-", Old: i + 1, Text: a[i]})
			i++
		default:
			all = append(all, diffLine{Kind: "+", New: j + 1, Text: b[j]})
			j++
		}
	}
	const context = 2
	keep := make([]bool, len(all))
	for k, l := range all {
		if l.Kind != " " {
			for c := max(0, k-context); c <= min(len(all)-1, k+context); c++ {
				keep[c] = true
			}
		}
	}
	var out []diffLine
	for k, l := range all {
		if !keep[k] {
			continue
		}
		if len(out) > 0 && !keep[k-1] {
			out = append(out, diffLine{Gap: true})
		}
		out = append(out, l)
	}
	return out
}

func (s *Server) policyDiffPage(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	vs, err := s.svc.PackVersions(r.Context(), p.Actor, id)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if to == "" && len(vs) > 0 { // the newest: a draft, or the latest published
		last := vs[len(vs)-1]
		for _, v := range vs {
			if v.State == rma.PackDraft {
				last = v
			}
		}
		to = refOf(&last)
	}
	data := map[string]any{"ID": id, "Versions": vs, "From": from, "To": to}
	p.Title = p.T("pol.diff.title", id)
	a, b, err := s.svc.PackDiffPair(r.Context(), p.Actor, id, from, to)
	if err != nil {
		if rma.ErrorCode(err) != rma.EINVALID {
			s.fail(w, r, p, err)
			return
		}
		p.Error = err.Error()
		p.Data = data
		s.render(w, http.StatusUnprocessableEntity, "admin_policy_diff", p)
		return
	}
	changes, err := policy.DiffSources([]byte(a.Source), []byte(b.Source))
	if err != nil {
		p.Error = err.Error()
	}
	data["From"], data["To"], data["A"], data["B"] = refOf(a), refOf(b), a, b
	data["Changes"] = changes
	data["Text"] = lineDiff(strings.Split(a.Source, "\n"), strings.Split(b.Source, "\n"))
	p.Data = data
	s.render(w, http.StatusOK, "admin_policy_diff", p)
}

// refOf names a version in the diff's form: its number, or draft:ID.
func refOf(v *rma.PackVersion) string {
	if v.State == rma.PackDraft {
		return fmt.Sprintf("draft:%d", v.ID)
	}
	return v.Version
}

// policyRetire withdraws a version published for a day to come.
func (s *Server) policyRetire(w http.ResponseWriter, r *http.Request, p *page) {
	id, version := r.PathValue("id"), r.PathValue("version")
	err := s.recordPolicy(r.Context(), p, audit.PolicyRetire, id, []audit.Change{{Field: "version", From: version}}, func(ctx context.Context) error {
		_, err := s.svc.RetireVersion(ctx, p.Actor, id, version)
		return err
	})
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.redirectFlash(w, r, "/admin/policies/"+url.PathEscape(id), p.T("pol.retired", version))
}
