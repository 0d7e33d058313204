package api

import (
	"net/http"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// An administrator's edits of organisations and the job queue (issue 15).
// The portal's /admin pages make the same calls.

func (s *Server) orgAdminRoutes() []Route {
	return []Route{
		{Method: "PATCH", Path: v1 + "/orgs/{id}", Op: rma.OpAdminister, handler: s.updateOrg},
		{Method: "POST", Path: v1 + "/jobs/{id}/retry", Op: rma.OpAdminister, handler: s.retryJob},
	}
}

// OrgPatch is PATCH /api/v1/orgs/{id}: absent fields stay. The address,
// language and standing have their own PUTs.
type OrgPatch struct {
	Name    *string `json:"name,omitempty"`
	Role    *string `json:"role,omitempty"`
	Country *string `json:"country,omitempty"`
	Email   *string `json:"email,omitempty"`
	// Policy is the pack a supplier applies to the desk's claims; "" for
	// none. Only a supplier has one.
	Policy *string `json:"policy,omitempty"`
}

func (s *Server) updateOrg(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b OrgPatch
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	o, err := s.svc.Store().Org(r.Context(), id)
	if err != nil {
		return err
	}
	if b.Policy != nil && !o.Supplier {
		return rma.Invalid("policy", "only a supplier applies a pack")
	}
	o, _, err = s.accounts.UpdateOrg(r.Context(), actor, id, auth.OrgUpdate{Name: b.Name, Role: b.Role, Country: b.Country, Email: b.Email})
	if err != nil {
		return err
	}
	// audit: org.update, with the changes UpdateOrg returns
	v := orgView(*o)
	if o.Supplier {
		var sup *rma.Supplier
		if b.Policy != nil {
			sup, err = s.svc.SetSupplierPolicy(r.Context(), actor, id, *b.Policy)
		} else {
			sup, err = s.svc.Store().Supplier(r.Context(), id)
		}
		if err != nil {
			return err
		}
		v["policy"] = sup.PolicyID
	}
	langs, err := s.orgLanguages(r)
	if err != nil {
		return err
	}
	v["language"] = langs[o.ID]
	if !o.IsDesk && !o.Supplier {
		standings, err := s.orgStandings(r)
		if err != nil {
			return err
		}
		v["standing"] = standingOf(standings, o.ID)
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func jobView(j rma.Job) JobView {
	return JobView{ID: j.ID, Kind: j.Kind, RMAID: j.RMAID, State: j.State, RunAt: j.RunAt, Attempts: j.Attempts, LastError: j.LastError, Payload: j.Payload}
}

// retryJob sends a dead or failed job back to run now.
func (s *Server) retryJob(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	j, err := s.svc.RetryJob(r.Context(), actor, id)
	if err != nil {
		return err
	}
	// audit: job.retry
	writeJSON(w, http.StatusOK, jobView(*j))
	return nil
}
