package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/whatif"
)

// Shadow mode (issue 15): the draft's page puts the draft in shadow (new
// claims of its pack are decided by it too, silently) and takes it out;
// the review page shows what it decided otherwise, in the what-if's
// words, a page of changed lines at a time. Admins only.

func (s *Server) shadowRoutes() {
	s.mux.HandleFunc("POST /admin/policies/{id}/drafts/{draft}/shadow", s.policyAdmin(s.shadowStart))
	s.mux.HandleFunc("POST /admin/policies/{id}/drafts/{draft}/shadow/stop", s.policyAdmin(s.shadowStop))
	s.mux.HandleFunc("GET /admin/policies/{id}/shadows/{shadow}", s.policyAdmin(s.shadowPage))
}

func (s *Server) auditStore() audit.Store {
	st, _ := s.svc.Store().(audit.Store)
	return st
}

func shadowPath(run *rma.ShadowRun) string {
	return fmt.Sprintf("/admin/policies/%s/shadows/%d", url.PathEscape(run.PolicyID), run.ID)
}

func (s *Server) shadowStart(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	draftID, err := strconv.ParseInt(r.PathValue("draft"), 10, 64)
	if err != nil {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "no draft %q", r.PathValue("draft")))
		return
	}
	st, err := whatif.StartShadow(r.Context(), s.svc, s.auditStore(), p.Actor, id, draftID)
	switch {
	case rma.ErrorCode(err) == rma.EINVALID || rma.ErrorCode(err) == rma.ECONFLICT:
		p.Error = err.Error()
		s.renderDraft(w, r, p, http.StatusUnprocessableEntity, nil, nil)
		return
	case err != nil:
		s.fail(w, r, p, err)
		return
	}
	msg := p.T("sh.started", st.Run.DraftVersion, id)
	switch {
	case st.Already:
		msg = p.T("sh.already", st.Run.DraftVersion)
	case st.Replaced != nil:
		msg += " " + p.T("sh.replaced", st.Replaced.DraftVersion)
	}
	s.redirectFlash(w, r, fmt.Sprintf("/admin/policies/%s/drafts/%d", url.PathEscape(id), draftID), msg)
}

func (s *Server) shadowStop(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	draftID, err := strconv.ParseInt(r.PathValue("draft"), 10, 64)
	if err != nil {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "no draft %q", r.PathValue("draft")))
		return
	}
	run, err := whatif.StopShadow(r.Context(), s.svc, s.auditStore(), p.Actor, id, draftID)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.redirectFlash(w, r, shadowPath(run), p.T("sh.stopped", run.DraftVersion))
}

// draftShadow is the shadow part of a draft's page: its running run, the
// pack's run of another draft that starting would replace, and its own
// earlier runs.
type draftShadow struct {
	Running *rma.ShadowRun
	Other   *rma.ShadowRun
	Past    []rma.ShadowRun
}

func (s *Server) draftShadow(r *http.Request, p *page, policyID string, draftID int64) (*draftShadow, error) {
	runs, err := s.svc.ShadowRuns(r.Context(), p.Actor, policyID, false)
	if err != nil {
		return nil, err
	}
	out := &draftShadow{}
	for i := range runs {
		run := &runs[i]
		switch {
		case run.Running() && run.DraftID == draftID:
			out.Running = run
		case run.Running():
			out.Other = run
		case run.DraftID == draftID:
			out.Past = append(out.Past, *run)
		}
	}
	return out, nil
}

// shadowLine is a changed line as the review shows it: the what-if's
// words in the page's language.
type shadowLine struct {
	whatif.ShadowChange
	HowText                     []string
	BeforeRoute, AfterRoute     string
	BeforeReasons, AfterReasons []shadowReason
}

type shadowReason struct {
	Said   Said
	Clause string
}

func (s *Server) shadowPage(w http.ResponseWriter, r *http.Request, p *page) {
	id := r.PathValue("id")
	runID, err := strconv.ParseInt(r.PathValue("shadow"), 10, 64)
	if err != nil || runID <= 0 {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "no shadow %q", r.PathValue("shadow")))
		return
	}
	var after int64
	if v := r.URL.Query().Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			after = 0 // a mangled link shows the first page
		}
	}
	rep, err := whatif.ShadowReview(r.Context(), s.svc, p.Actor, id, runID, after, whatif.DefaultShadowPage)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	// The reasons in the page's language: the version that decided, and
	// the draft (as published since, or still a draft; a discarded one's
	// reasons are shown as they were written).
	set := s.svc.Policies()
	draftPol := set.Version(id, rep.DraftVersion)
	draftPage := ""
	switch d, err := s.svc.Draft(r.Context(), p.Actor, id, rep.Draft); {
	case err == nil:
		draftPage = fmt.Sprintf("/admin/policies/%s/drafts/%d", url.PathEscape(id), d.ID)
		if draftPol, err = s.svc.LoadPackVersion(d); err != nil {
			draftPol = nil // its reasons as they were written
		}
	case rma.ErrorCode(err) != rma.ENOTFOUND: // published since, or discarded: no draft page
		s.fail(w, r, p, err)
		return
	}
	reasons := func(pol *policy.Policy, rs []policy.Reason) []shadowReason {
		var out []shadowReason
		for _, rsn := range rs {
			out = append(out, shadowReason{Said: p.Reason(pol, rsn), Clause: rsn.Clause})
		}
		return out
	}
	var lines []shadowLine
	for _, c := range rep.ChangedLines {
		l := shadowLine{ShadowChange: c, BeforeRoute: p.T("route." + c.Before.Route),
			BeforeReasons: reasons(set.Version(id, c.BaselineVersion), c.Before.Reasons)}
		for _, h := range c.How {
			l.HowText = append(l.HowText, p.T("wi.how."+h))
		}
		if c.After != nil {
			l.AfterRoute, l.AfterReasons = p.T("route."+c.After.Route), reasons(draftPol, c.After.Reasons)
		}
		lines = append(lines, l)
	}
	p.Title = p.T("sh.review_title", rep.DraftVersion, id)
	p.Data = map[string]any{"R": rep, "Lines": lines, "DraftPage": draftPage, "After": after}
	s.render(w, http.StatusOK, "admin_policy_shadow", p)
}
