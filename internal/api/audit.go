package api

import (
	"net/http"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The audit log (internal/audit): GET /api/v1/audit, admin only.

// AuditEntryView is an entry of the log as the API shows it.
type AuditEntryView struct {
	ID      int64          `json:"id"`
	At      time.Time      `json:"at"`
	Action  string         `json:"action"`
	Actor   AuditActorView `json:"actor"`
	Target  AuditTarget    `json:"target"`
	Changes []audit.Change `json:"changes"`
}

// AuditActorView is who acted: a user, an API key, or the system.
type AuditActorView struct {
	Name   string `json:"name"`
	OrgID  int64  `json:"org_id,omitempty"`
	UserID int64  `json:"user_id,omitempty"`
	KeyID  int64  `json:"key_id,omitempty"`
}

// AuditTarget is what was acted on.
type AuditTarget struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

func auditEntryView(e audit.Entry) AuditEntryView {
	changes := e.Changes
	if changes == nil {
		changes = []audit.Change{}
	}
	return AuditEntryView{ID: e.ID, At: e.At, Action: e.Action,
		Actor:   AuditActorView{Name: e.ActorName, OrgID: e.ActorOrgID, UserID: e.ActorUserID, KeyID: e.ActorKeyID},
		Target:  AuditTarget{Kind: e.TargetKind, ID: e.TargetID, Name: e.TargetName},
		Changes: changes}
}

// listAudit is GET /api/v1/audit: a page of the log, newest first.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	f, err := audit.ParseFilter(r.URL.Query())
	if err != nil {
		return err
	}
	entries, next, err := s.accounts.AuditLog(r.Context(), actor, f)
	if err != nil {
		return err
	}
	out := struct {
		Items []AuditEntryView `json:"items"`
		Next  string           `json:"next,omitempty"`
	}{Items: []AuditEntryView{}, Next: next}
	for _, e := range entries {
		out.Items = append(out.Items, auditEntryView(e))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
