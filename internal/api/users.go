package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Users (issue 15): the list, invitations, roles, disabling. Admin only
// (rma.OpAdminister, checked before the handler runs); auth.Accounts
// records each change in the audit log.

func (s *Server) userRoutes() []Route {
	return []Route{
		{Method: "GET", Path: v1 + "/users", Op: rma.OpAdminister, handler: s.listUsers},
		{Method: "POST", Path: v1 + "/users", Op: rma.OpAdminister, handler: s.inviteUser},
		{Method: "POST", Path: v1 + "/users/{user}/invitation", Op: rma.OpAdminister, handler: s.resendInvitation},
		{Method: "PUT", Path: v1 + "/users/{user}/role", Op: rma.OpAdminister, handler: s.setUserRole},
		{Method: "PUT", Path: v1 + "/users/{user}/disabled", Op: rma.OpAdminister, handler: s.setUserDisabled},
	}
}

// UserView is a user as admins see it: never the password's hash.
type UserView struct {
	ID         int64      `json:"id"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	OrgID      int64      `json:"org_id"`
	Org        string     `json:"org"`
	Role       rma.Role   `json:"role"`
	Created    time.Time  `json:"created"`
	LastSignIn *time.Time `json:"last_sign_in"` // null before the first
	Disabled   bool       `json:"disabled"`
	// Status is active, invited (the link works), invitation_expired, or
	// disabled.
	Status            string     `json:"status"`
	InvitationExpires *time.Time `json:"invitation_expires"` // null without an open invitation
}

func userView(a auth.UserAccount, now time.Time) UserView {
	v := UserView{ID: a.ID, Email: a.Email, Name: a.Name, OrgID: a.OrgID, Role: a.Role, Created: a.Created, Disabled: a.Disabled, Status: a.Status(now)}
	if a.Org != nil {
		v.Org = a.Org.Name
		if !a.Org.IsDesk {
			v.Role = rma.RoleRequester
		}
	}
	if !a.LastSignIn.IsZero() {
		t := a.LastSignIn
		v.LastSignIn = &t
	}
	if inv := a.Invitation; inv != nil && a.PasswordHash == "" {
		t := inv.Expires
		v.InvitationExpires = &t
	}
	return v
}

// listUsers is GET /api/v1/users[?org=ID].
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var orgID int64
	if v := r.URL.Query().Get("org"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return rma.Invalid("org", "must be an organisation id")
		}
		if _, err := s.svc.Store().Org(r.Context(), id); err != nil {
			return err
		}
		orgID = id
	}
	users, err := s.accounts.Users(r.Context(), actor, orgID)
	if err != nil {
		return err
	}
	now := time.Now()
	out := []UserView{}
	for _, u := range users {
		out = append(out, userView(u, now))
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out})
	return nil
}

// InviteBody is POST /api/v1/users.
type InviteBody struct {
	OrgID    int64  `json:"org_id"`
	Email    string `json:"email"`
	Name     string `json:"name,omitempty"`
	Role     string `json:"role"`
	Language string `json:"language,omitempty"`
}

// invitedView answers an invitation: the user, and the link when the desk
// could not mail it.
func (s *Server) invitedView(r *http.Request, actor rma.Actor, in *auth.Invited) (map[string]any, error) {
	users, err := s.accounts.Users(r.Context(), actor, in.User.OrgID)
	if err != nil {
		return nil, err
	}
	view := UserView{}
	for _, u := range users {
		if u.ID == in.User.ID {
			view = userView(u, time.Now())
		}
	}
	inv := map[string]any{"expires": in.Expires, "mailed": in.Mailed}
	if !in.Mailed {
		inv["link"] = in.Link // to pass on: the desk sends no mail, or it failed
	}
	return map[string]any{"user": view, "invitation": inv}, nil
}

// inviteUser is POST /api/v1/users: a person is added without a password
// and mailed a link to choose one.
func (s *Server) inviteUser(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var b InviteBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	if b.OrgID <= 0 {
		return rma.Invalid("org_id", "required: the organisation's id")
	}
	in, err := s.accounts.Invite(r.Context(), actor, auth.Invitee{OrgID: b.OrgID, Email: b.Email, Name: b.Name, Role: rma.Role(b.Role), Language: b.Language})
	if err != nil {
		return err
	}
	if in.MailErr != nil {
		s.log.WarnContext(r.Context(), "invitation mail", "user", in.User.ID, "err", in.MailErr)
	}
	out, err := s.invitedView(r, actor, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// resendInvitation is POST /api/v1/users/{user}/invitation: a new link;
// the earlier one stops working.
func (s *Server) resendInvitation(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	if err := decodeOptionalJSON(w, r, &struct{}{}); err != nil {
		return err // no body, or {}
	}
	u, err := s.userByRef(r, r.PathValue("user"))
	if err != nil {
		return err
	}
	in, err := s.accounts.ResendInvitation(r.Context(), actor, u.ID)
	if err != nil {
		return err
	}
	if in.MailErr != nil {
		s.log.WarnContext(r.Context(), "invitation mail", "user", in.User.ID, "err", in.MailErr)
	}
	out, err := s.invitedView(r, actor, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// oneUser answers with u as the list shows it.
func (s *Server) oneUser(w http.ResponseWriter, r *http.Request, actor rma.Actor, u *rma.User) error {
	users, err := s.accounts.Users(r.Context(), actor, u.OrgID)
	if err != nil {
		return err
	}
	for _, a := range users {
		if a.ID == u.ID {
			writeJSON(w, http.StatusOK, userView(a, time.Now()))
			return nil
		}
	}
	return rma.Errorf(rma.ENOTFOUND, "user %d not found", u.ID)
}

// RoleBody is PUT /api/v1/users/{user}/role.
type RoleBody struct {
	Role string `json:"role"`
}

func (s *Server) setUserRole(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var b RoleBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	u, err := s.userByRef(r, r.PathValue("user"))
	if err != nil {
		return err
	}
	if u, err = s.accounts.SetUserRole(r.Context(), actor, u.ID, rma.Role(b.Role)); err != nil {
		return err
	}
	return s.oneUser(w, r, actor, u)
}

// DisabledBody is PUT /api/v1/users/{user}/disabled.
type DisabledBody struct {
	Disabled *bool `json:"disabled"`
}

func (s *Server) setUserDisabled(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var b DisabledBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	u, err := s.userByRef(r, r.PathValue("user"))
	if err != nil {
		return err
	}
	if b.Disabled == nil {
		return rma.Invalid("disabled", "required: true or false")
	}
	if err := s.accounts.SetUserDisabled(r.Context(), actor, u.ID, *b.Disabled); err != nil {
		return err
	}
	return s.oneUser(w, r, actor, u)
}
