package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Users (issue 15): /admin/users lists them and invites; each row changes
// a role, disables or enables, signs out everywhere, sends an invitation
// again. /invite/{token} is where an invited person chooses a password.

func (s *Server) userRoutes() {
	s.mux.HandleFunc("GET /admin/users", s.adminPage(s.usersPage))
	s.mux.HandleFunc("POST /admin/users", s.adminPage(s.inviteUser))
	s.mux.HandleFunc("POST /admin/users/{id}/{step}", s.adminPage(s.userStep))
	s.mux.HandleFunc("GET /invite/{token}", s.invitePage)
	s.mux.HandleFunc("POST /invite/{token}", s.acceptInvitation)
}

// userRow is a user as the list shows them.
type userRow struct {
	auth.UserAccount
	OrgName  string
	IsDesk   bool
	Status   string // auth.UserAccount.Status
	Expires  string // the invitation's last day
	Roles    []option
	Self     bool
	Resend   bool
	RoleText string
}

type usersData struct {
	Rows     []userRow
	Orgs     []option
	Roles    []option
	Langs    []option
	Email    string
	Name     string
	TTLDays  int
	HasUsers bool
}

var deskRoles = []rma.Role{rma.RoleAgent, rma.RoleTechnician, rma.RoleAdmin}

func (s *Server) usersData(r *http.Request, p *page) (*usersData, error) {
	users, err := s.accounts.Users(r.Context(), p.Actor, 0)
	if err != nil {
		return nil, err
	}
	orgs, err := s.accounts.Orgs(r.Context(), p.Actor)
	if err != nil {
		return nil, err
	}
	d := &usersData{TTLDays: int(auth.InvitationTTL / (24 * time.Hour)), Email: r.PostFormValue("email"), Name: r.PostFormValue("name")}
	now := s.cfg.Now()
	for _, u := range users {
		row := userRow{UserAccount: u, Status: u.Status(now), Self: u.ID == p.Actor.UserID}
		if u.Org != nil {
			row.OrgName, row.IsDesk = u.Org.Name, u.Org.IsDesk
		}
		if !row.IsDesk {
			row.Role = rma.RoleRequester
		}
		row.RoleText = p.T("role." + string(row.Role))
		if inv := u.Invitation; inv != nil {
			row.Expires = inv.Expires.UTC().Format(time.DateOnly)
		}
		row.Resend = u.PasswordHash == "" // invited, no password chosen yet: a new link
		if row.IsDesk {
			for _, role := range deskRoles {
				row.Roles = append(row.Roles, option{Value: string(role), Label: p.T("role." + string(role)), Selected: role == u.Role})
			}
		}
		d.Rows = append(d.Rows, row)
	}
	want, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	for _, o := range orgs {
		if o.Supplier {
			continue
		}
		d.Orgs = append(d.Orgs, option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name, Selected: o.ID == want})
	}
	for _, role := range append([]rma.Role{rma.RoleRequester}, deskRoles...) {
		d.Roles = append(d.Roles, option{Value: string(role), Label: p.T("role." + string(role)), Selected: r.PostFormValue("role") == string(role)})
	}
	for _, l := range Languages {
		d.Langs = append(d.Langs, option{Value: l, Label: p.T("lang." + l), Selected: r.PostFormValue("language") == l})
	}
	d.HasUsers = len(d.Rows) > 0
	return d, nil
}

// usersPage is GET /admin/users.
func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, p *page) {
	s.renderUsers(w, r, p, http.StatusOK)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, p *page, status int) {
	p.Title = p.T("users.title")
	d, err := s.usersData(r, p)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Data = d
	s.render(w, status, "admin_users", p)
}

// inviteUser is POST /admin/users: the invite form.
func (s *Server) inviteUser(w http.ResponseWriter, r *http.Request, p *page) {
	orgID, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	in, err := s.accounts.Invite(r.Context(), p.Actor, auth.Invitee{OrgID: orgID, Email: r.PostFormValue("email"), Name: r.PostFormValue("name"),
		Role: rma.Role(r.PostFormValue("role")), Language: r.PostFormValue("language")})
	if err != nil {
		s.formError(w, r, p, err)
		return
	}
	s.redirectFlash(w, r, "/admin/users", s.invitedMessage(r, p, in, "users.invited_flash"))
}

// invitedMessage says what became of an invitation's email.
func (s *Server) invitedMessage(r *http.Request, p *page, in *auth.Invited, sent string) string {
	switch {
	case in.MailErr != nil:
		s.cfg.Log.WarnContext(r.Context(), "invitation mail", "user", in.User.ID, "err", in.MailErr)
		return p.T("users.mail_failed")
	case !in.Mailed:
		return p.T("users.no_mail", in.User.Email, in.Link)
	}
	return p.T(sent, in.User.Email)
}

// formError shows the users page again with the domain's message for a
// refused form, keeping what was typed; anything else is the error page.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, p *page, err error) {
	var e *rma.Error
	if !errors.As(err, &e) || e.Code != rma.EINVALID && e.Code != rma.ECONFLICT && e.Code != rma.EPRECONDITION {
		s.fail(w, r, p, err)
		return
	}
	p.Error = e.Error()
	s.renderUsers(w, r, p, http.StatusUnprocessableEntity)
}

// userStep is POST /admin/users/{id}/{step}: role, disable, enable,
// sign-out (every session) or invitation (send again).
func (s *Server) userStep(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	u, err := s.svc.Store().UserByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	var msg string
	switch r.PathValue("step") {
	case "role":
		role := rma.Role(r.PostFormValue("role"))
		if _, err = s.accounts.SetUserRole(r.Context(), p.Actor, id, role); err == nil {
			msg = p.T("users.role_set", u.Email, p.T("role."+string(role)))
		}
	case "disable", "enable":
		disable := r.PathValue("step") == "disable"
		if err = s.accounts.SetUserDisabled(r.Context(), p.Actor, id, disable); err == nil {
			msg = p.T("users.enabled_flash", u.Email)
			if disable {
				msg = p.T("users.disabled_flash", u.Email)
			}
		}
	case "sign-out":
		var n int
		if n, err = s.accounts.EndUserSessions(r.Context(), p.Actor, id); err == nil {
			msg = p.T("users.signed_out", u.Email, n)
		}
	case "invitation":
		var in *auth.Invited
		if in, err = s.accounts.ResendInvitation(r.Context(), p.Actor, id); err == nil {
			msg = s.invitedMessage(r, p, in, "users.resent")
		}
	default:
		err = rma.Errorf(rma.ENOTFOUND, "no such step")
	}
	if err != nil {
		s.formError(w, r, p, err)
		return
	}
	s.redirectFlash(w, r, "/admin/users", msg)
}

// inviteProblem is what the invitation page says for a link that does not
// work, plainly, and with which status.
func inviteProblem(p *page, err error) (string, int, bool) {
	switch {
	case errors.Is(err, auth.ErrInvitationInvalid):
		return p.T("invite.invalid"), http.StatusNotFound, true
	case errors.Is(err, auth.ErrInvitationExpired):
		return p.T("invite.expired"), http.StatusGone, true
	case errors.Is(err, auth.ErrInvitationUsed):
		return p.T("invite.used"), http.StatusGone, true
	case errors.Is(err, auth.ErrInvitationReplaced):
		return p.T("invite.replaced"), http.StatusGone, true
	case auth.IsDisabled(err):
		return p.T("invite.disabled"), http.StatusForbidden, true
	}
	return "", 0, false
}

type inviteData struct {
	Token, Email, Role, Org string
	Problem                 bool
}

// invitePage is GET /invite/{token}: choose a password, or read plainly
// why the link does not work.
func (s *Server) invitePage(w http.ResponseWriter, r *http.Request) {
	p := &page{translator: translator{language(r)}, request: r}
	p.Title = p.T("invite.title")
	token := r.PathValue("token")
	s.showInvite(w, r, p, token, http.StatusOK)
}

// showInvite renders the password form for the invitation token, or why
// its link does not work.
func (s *Server) showInvite(w http.ResponseWriter, r *http.Request, p *page, token string, status int) {
	u, org, err := s.accounts.Invitation(r.Context(), token)
	if err != nil {
		s.inviteFailed(w, r, p, err)
		return
	}
	p.Data = inviteData{Token: token, Email: u.Email, Role: p.T("role." + string(auth.ActorOf(u, org).Role)), Org: org.Name}
	s.render(w, status, "invite", p)
}

func (s *Server) inviteFailed(w http.ResponseWriter, r *http.Request, p *page, err error) {
	msg, status, ok := inviteProblem(p, err)
	if !ok {
		s.fail(w, r, p, err)
		return
	}
	p.Error = msg
	p.Data = inviteData{Problem: true}
	s.render(w, status, "invite", p)
}

// acceptInvitation is POST /invite/{token}: the password is set, the link
// used up, and the person signed in.
func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	p := &page{translator: translator{language(r)}, request: r}
	p.Title = p.T("invite.title")
	token := r.PathValue("token")
	if !s.perIP.allow(clientIP(r)) {
		p.Error = p.T("login.limited")
		p.Data = inviteData{Problem: true}
		s.render(w, http.StatusTooManyRequests, "invite", p)
		return
	}
	u, err := s.accounts.AcceptInvitation(r.Context(), token, r.PostFormValue("password"))
	if rma.ErrorCode(err) == rma.EINVALID {
		// The password is refused (too short): the form again, with why.
		p.Error = err.Error()
		s.showInvite(w, r, p, token, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.inviteFailed(w, r, p, err)
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.rememberLanguage(w, r, u)
	http.Redirect(w, r, "/rmas", http.StatusSeeOther)
}

// The admin home lists the invitations whose link expired unused: the
// person was never able to sign in.
func init() {
	AttentionSources = append(AttentionSources, func(ctx context.Context, s *Server, p *page) []AttentionItem {
		users, err := s.accounts.Users(ctx, p.Actor, 0)
		if err != nil {
			return nil
		}
		n, now := 0, s.cfg.Now()
		for _, u := range users {
			if u.Status(now) == auth.StatusInvitationExpired {
				n++
			}
		}
		if n == 0 {
			return nil
		}
		return []AttentionItem{{Text: p.T("users.att_expired", n), Link: "/admin/users"}}
	})
}
