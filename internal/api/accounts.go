package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Account administration: API keys listed and revoked, a user signed out
// everywhere. Admin only (rma.OpAdminister, checked before the handler
// runs). Every instance reads keys and sessions from the database on each
// call, so what these end is refused everywhere from the next call on.

// KeyView is an API key as admins see it: never the secret or its hash.
type KeyView struct {
	ID       int64      `json:"id"`
	Prefix   string     `json:"prefix"`
	OrgID    int64      `json:"org_id"`
	Org      string     `json:"org"`
	Role     rma.Role   `json:"role"`
	Name     string     `json:"name"`
	Created  time.Time  `json:"created"`
	Revoked  *time.Time `json:"revoked"`   // null while the key works
	LastUsed *time.Time `json:"last_used"` // null before its first call; written at most every few minutes
}

func keyView(k rma.APIKey, orgName string) KeyView {
	v := KeyView{ID: k.ID, Prefix: k.Prefix, OrgID: k.OrgID, Org: orgName, Role: k.Role, Name: k.Name, Created: k.Created}
	if !k.Revoked.IsZero() {
		t := k.Revoked
		v.Revoked = &t
	}
	if !k.LastUsed.IsZero() {
		t := k.LastUsed
		v.LastUsed = &t
	}
	return v
}

// listKeys is GET /api/v1/keys[?org=ID]: the desk's and every
// organisation's keys, or one organisation's, revoked ones too.
func (s *Server) listKeys(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var orgID int64
	if v := r.URL.Query().Get("org"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return rma.Invalid("org", "must be an organisation id")
		}
		orgID = id
	}
	orgs, err := s.accounts.Orgs(r.Context(), actor)
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(orgs))
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	if _, ok := names[orgID]; orgID != 0 && !ok {
		return rma.Errorf(rma.ENOTFOUND, "organisation %d not found", orgID)
	}
	keys, err := s.accounts.Keys(r.Context(), actor, orgID)
	if err != nil {
		return err
	}
	out := []KeyView{}
	for _, k := range keys {
		out = append(out, keyView(k, names[k.OrgID]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": out})
	return nil
}

// revokeKey is DELETE /api/v1/keys/{prefix}: the key is refused from its
// next call on. Revoking a revoked key answers the same and keeps the
// first revocation time.
func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	k, err := s.accounts.RevokeKey(r.Context(), actor, r.PathValue("prefix"))
	if err != nil {
		return err
	}
	org, err := s.svc.Store().Org(r.Context(), k.OrgID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keyView(*k, org.Name))
	return nil
}

// endUserSessions is DELETE /api/v1/users/{user}/sessions: the user, named
// by ID or email address, is signed out of the portal everywhere.
func (s *Server) endUserSessions(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	ref := r.PathValue("user")
	store := s.svc.Store()
	var u *rma.User
	var err error
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
		if id <= 0 {
			return rma.Errorf(rma.ENOTFOUND, "user %q not found", ref)
		}
		u, err = store.UserByID(r.Context(), id)
	} else {
		if err := checkText("user", ref, 200); err != nil {
			return rma.Errorf(rma.ENOTFOUND, "user not found") // no such text names anyone
		}
		u, err = store.UserByEmail(r.Context(), ref)
	}
	if err != nil {
		return err
	}
	n, err := s.accounts.EndUserSessions(r.Context(), actor, u.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": map[string]any{"id": u.ID, "email": u.Email, "disabled": u.Disabled}, "sessions_ended": n})
	return nil
}
