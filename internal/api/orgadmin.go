package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/audit"
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
	if b == (OrgPatch{}) {
		// Most likely a misspelt or misplaced field: say so rather than
		// answer as if something were saved.
		return rma.Invalid("name", "nothing to change: give name, role, country, email or policy")
	}
	if b.Policy != nil && !o.Supplier {
		return rma.Invalid("policy", "only a supplier applies a pack")
	}
	o, _, err = s.accounts.UpdateOrg(r.Context(), actor, id, auth.OrgUpdate{Name: b.Name, Role: b.Role, Country: b.Country, Email: b.Email})
	if err != nil {
		return err
	}
	v := orgView(*o) // UpdateOrg recorded itself in the audit log
	if o.Supplier {
		var sup *rma.Supplier
		if sup, err = s.svc.Store().Supplier(r.Context(), id); err != nil {
			return err
		}
		if b.Policy != nil {
			e := audit.Of(actor, audit.OrgPolicy, audit.TargetOrg, strconv.FormatInt(id, 10), o.Name,
				audit.Diff([3]string{"policy", sup.PolicyID, strings.TrimSpace(*b.Policy)})...)
			err = s.record(r.Context(), e, func(ctx context.Context) (err error) {
				sup, err = s.svc.SetSupplierPolicy(ctx, actor, id, *b.Policy)
				return err
			})
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

// retryJob sends a dead or failed job back to run now. It takes no body;
// one sent must be an empty JSON object, as for the RMA steps that take
// none.
func (s *Server) retryJob(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := decodeOptionalJSON(w, r, &struct{}{}); err != nil {
		return err
	}
	before, err := s.svc.Job(r.Context(), actor, id)
	if err != nil {
		return err
	}
	var j *rma.Job
	e := audit.Of(actor, audit.JobRetry, audit.TargetJob, strconv.FormatInt(id, 10), before.Kind,
		audit.Diff([3]string{"state", string(before.State), string(rma.JobQueued)}, [3]string{"last_error", before.LastError, ""})...)
	err = s.record(r.Context(), e, func(ctx context.Context) (err error) {
		j, err = s.svc.RetryJob(ctx, actor, id)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, jobView(*j))
	return nil
}

// record makes an admin's change with its entry in the audit log, in one
// transaction where the change is one write (audit.Record).
func (s *Server) record(ctx context.Context, e audit.Entry, change func(ctx context.Context) error) error {
	return audit.RecordWith(ctx, s.svc.Store(), e, change)
}

// locationCreated is the audit entry of a new service location.
func locationCreated(actor rma.Actor, b LocationBody) audit.Entry {
	a := b.Address
	_ = a.Check("address") // trimmed as the service keeps it; the service refuses a bad one
	active := b.Active == nil || *b.Active
	return audit.Of(actor, audit.LocationCreate, audit.TargetLocation, strings.TrimSpace(b.Code), strings.TrimSpace(b.Name),
		append(audit.Diff([3]string{"name", "", strings.TrimSpace(b.Name)}, [3]string{"active", "", strconv.FormatBool(active)}),
			audit.AddressDiff("address", rma.Address{}, a)...)...)
}

// locationUpdated is the audit entry of a change of a service location:
// what the patch changes of the location as it is.
func (s *Server) locationUpdated(r *http.Request, actor rma.Actor, b LocationPatch) (audit.Entry, error) {
	l, err := s.svc.Location(r.Context(), actor, r.PathValue("code"))
	if err != nil {
		return audit.Entry{}, err
	}
	name, active, a := l.Name, l.Active, l.Address
	if b.Name != nil {
		name = strings.TrimSpace(*b.Name)
	}
	if b.Active != nil {
		active = *b.Active
	}
	if b.Address != nil {
		a = *b.Address
		_ = a.Check("address")
	}
	return audit.Of(actor, audit.LocationUpdate, audit.TargetLocation, l.Code, name,
		append(audit.Diff([3]string{"name", l.Name, name}, [3]string{"active", strconv.FormatBool(l.Active), strconv.FormatBool(active)}),
			audit.AddressDiff("address", l.Address, a)...)...), nil
}
