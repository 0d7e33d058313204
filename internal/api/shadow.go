package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/whatif"
)

// Shadow mode (issue 15, docs/POLICIES.md section 13): an admin puts a
// stored draft in shadow, new claims of its pack are decided by the draft
// too, silently, and the differences collect for review. Admins only.

func (s *Server) shadowRoutes() []Route {
	return []Route{
		{Method: "POST", Path: v1 + "/policies/{id}/drafts/{draft}/shadow", Op: rma.OpAdminister, handler: s.startShadow},
		{Method: "DELETE", Path: v1 + "/policies/{id}/drafts/{draft}/shadow", Op: rma.OpAdminister, handler: s.stopShadow},
		{Method: "GET", Path: v1 + "/policies/{id}/shadows", Op: rma.OpAdminister, handler: s.shadowRuns},
		{Method: "GET", Path: v1 + "/policies/{id}/shadows/{shadow}", Op: rma.OpAdminister, handler: s.shadowReview},
	}
}

// ShadowRunOut is a shadow run as the API shows it: the draft, when and by
// whom it started and ended, and what it compared.
type ShadowRunOut struct {
	ID           int64      `json:"id"`
	Policy       string     `json:"policy"`
	Draft        int64      `json:"draft"`
	DraftVersion string     `json:"draft_version"`
	Running      bool       `json:"running"`
	Started      time.Time  `json:"started"`
	StartedBy    string     `json:"started_by"`
	Stopped      *time.Time `json:"stopped,omitempty"`
	StoppedBy    string     `json:"stopped_by,omitempty"`
	Ended        string     `json:"ended,omitempty"` // stopped, replaced, edited, published, discarded
	Lines        int64      `json:"lines"`           // compared
	Changed      int64      `json:"changed"`
	Failed       int64      `json:"failed"`
	Review       string     `json:"review"` // the run's review
}

func shadowRunOut(r *rma.ShadowRun) ShadowRunOut {
	out := ShadowRunOut{ID: r.ID, Policy: r.PolicyID, Draft: r.DraftID, DraftVersion: r.DraftVersion, Running: r.Running(),
		Started: r.Started, StartedBy: r.StartedBy, StoppedBy: r.StoppedBy, Ended: r.Ended,
		Lines: r.Compared, Changed: r.Changed, Failed: r.Failed, Review: fmt.Sprintf("%s/policies/%s/shadows/%d", v1, r.PolicyID, r.ID)}
	if !r.Running() {
		t := r.Stopped
		out.Stopped = &t
	}
	return out
}

// ShadowStartOut answers a start: the run, the run of another draft it
// replaced, and whether the draft was in shadow already.
type ShadowStartOut struct {
	ShadowRunOut
	Replaced *ShadowRunOut `json:"replaced,omitempty"`
	Already  bool          `json:"already,omitempty"`
}

func (s *Server) auditStore() audit.Store {
	st, _ := s.svc.Store().(audit.Store)
	return st
}

func (s *Server) startShadow(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "draft")
	if err != nil {
		return err
	}
	var none struct{} // starting takes no options: an empty or absent body
	if err := decodeOptionalJSON(w, r, &none); err != nil {
		return err
	}
	st, err := whatif.StartShadow(r.Context(), s.svc, s.auditStore(), actor, r.PathValue("id"), id)
	if err != nil {
		return err
	}
	out := ShadowStartOut{ShadowRunOut: shadowRunOut(&st.Run), Already: st.Already}
	if st.Replaced != nil {
		rep := shadowRunOut(st.Replaced)
		out.Replaced = &rep
	}
	status := http.StatusCreated
	if st.Already {
		status = http.StatusOK
	}
	w.Header().Set("Location", out.Review)
	writeJSON(w, status, out)
	return nil
}

func (s *Server) stopShadow(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "draft")
	if err != nil {
		return err
	}
	run, err := whatif.StopShadow(r.Context(), s.svc, s.auditStore(), actor, r.PathValue("id"), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, shadowRunOut(run))
	return nil
}

func (s *Server) shadowRuns(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id := r.PathValue("id")
	if _, err := s.svc.PackVersions(r.Context(), actor, id); err != nil { // an unknown policy: 404
		return err
	}
	runs, err := s.svc.ShadowRuns(r.Context(), actor, id, false)
	if err != nil {
		return err
	}
	out := []ShadowRunOut{}
	for i := range runs {
		out = append(out, shadowRunOut(&runs[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"shadows": out})
	return nil
}

func (s *Server) shadowReview(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "shadow")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var after int64
	if v := q.Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			return rma.Invalid("after", "must be the next of a page before (a whole number, 0 or more)")
		}
	}
	limit := whatif.DefaultShadowPage
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > rma.MaxShadowPage {
			return rma.Invalid("limit", "must be a number from 1 to %d", rma.MaxShadowPage)
		}
	}
	rep, err := whatif.ShadowReview(r.Context(), s.svc, actor, r.PathValue("id"), id, after, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
