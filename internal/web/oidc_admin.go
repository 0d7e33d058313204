package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/sso"
)

// /admin/sign-in: the identity provider's settings, for admins. The client
// secret is write-only: the page says whether one is set, an empty field
// keeps it, and it is never sent back to a browser or written to a log.

func (s *Server) oidcRoutes() {
	s.mux.HandleFunc("GET "+oidcPath, s.oidcStart)
	s.mux.HandleFunc("GET "+oidcPath+"/callback", s.oidcCallback)
	s.mux.HandleFunc("GET /admin/sign-in", s.signedIn(s.signInSettings))
	s.mux.HandleFunc("POST /admin/sign-in", s.signedIn(s.saveSignInSettings))
}

// signInAdminOnly lets admins through; the rest of the desk is told it may not
// (403), and a requester that the page does not exist (404), as the
// desk's pages are nothing of theirs.
func signInAdminOnly(p *page) error {
	switch {
	case p.Actor.Role == rma.RoleAdmin:
		return nil
	case p.Actor.Role.IsDesk():
		return rma.Errorf(rma.EFORBIDDEN, "admins only")
	}
	return rma.Errorf(rma.ENOTFOUND, "not found")
}

// signInForm is the page's data.
type signInForm struct {
	Name, Issuer, ClientID, Scopes, GroupsClaim, Roles  string
	SecretSet, ClearSecret, CreateUsers, StaffPasswords bool
	FromDeployment                                      bool
	Updated, UpdatedBy                                  string
	Callback                                            string
}

func (s *Server) formOf(set *sso.Settings) *signInForm {
	f := &signInForm{Name: set.Name, Issuer: set.Issuer, ClientID: set.ClientID, Scopes: strings.Join(set.Scopes, " "),
		GroupsClaim: set.GroupsClaim, Roles: sso.FormatRoles(set.Roles), SecretSet: set.ClientSecret != "",
		CreateUsers: set.CreateUsers, StaffPasswords: set.StaffPasswords, FromDeployment: set.FromDeployment,
		UpdatedBy: set.UpdatedBy, Callback: strings.TrimSuffix(s.cfg.PublicURL, "/") + oidcPath + "/callback"}
	if !set.Updated.IsZero() {
		f.Updated = set.Updated.UTC().Format("2006-01-02 15:04 UTC")
	}
	if f.GroupsClaim == "" {
		f.GroupsClaim = "groups"
	}
	return f
}

func (s *Server) signInSettings(w http.ResponseWriter, r *http.Request, p *page) {
	if err := signInAdminOnly(p); err != nil {
		s.fail(w, r, p, err)
		return
	}
	set, err := s.providerSettings(r.Context())
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Title, p.Data = p.T("sso.title"), s.formOf(set)
	s.render(w, http.StatusOK, "sign_in_settings", p)
}

func (s *Server) saveSignInSettings(w http.ResponseWriter, r *http.Request, p *page) {
	if err := signInAdminOnly(p); err != nil {
		s.fail(w, r, p, err)
		return
	}
	st, ok := s.svc.Store().(signInProviderStore)
	if !ok {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "not found"))
		return
	}
	before, err := s.providerSettings(r.Context())
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Title = p.T("sso.title")
	if before.FromDeployment {
		p.Data, p.Error = s.formOf(before), p.T("sso.deployment")
		s.render(w, http.StatusConflict, "sign_in_settings", p)
		return
	}
	f := r.PostForm
	after := &sso.Settings{Name: strings.TrimSpace(f.Get("name")), Issuer: strings.TrimSpace(f.Get("issuer")),
		ClientID: strings.TrimSpace(f.Get("client_id")), Scopes: sso.ParseScopes(f.Get("scopes")),
		GroupsClaim: strings.TrimSpace(f.Get("groups_claim")), CreateUsers: f.Get("create_users") == "on",
		StaffPasswords: f.Get("staff_passwords") == "on", Updated: s.cfg.Now().UTC(), UpdatedBy: p.User}
	// The secret field is empty unless the admin types a new one.
	switch secret := f.Get("client_secret"); {
	case f.Get("clear_secret") == "on":
	case secret != "":
		after.ClientSecret = secret
	default:
		after.ClientSecret = before.ClientSecret
	}
	form := s.formOf(after)
	form.Roles = f.Get("roles") // re-shown as typed when refused
	form.SecretSet = before.ClientSecret != ""
	if after.Roles, err = sso.ParseRoles(f.Get("roles")); err == nil {
		err = after.Check()
	}
	if err != nil {
		p.Data = form
		s.signInFormError(w, r, p, "sign_in_settings", err)
		return
	}
	save := func(ctx context.Context) error { return st.SaveSignInProvider(ctx, after) }
	if changes := sso.Changes(before, after); len(changes) > 0 {
		// The change and its entry in the audit log are one transaction.
		e := audit.Of(p.Actor, auth.ActionSignInSettings, "sign_in", "provider", "identity provider", changes...)
		err = audit.Record(r.Context(), st, &e, save)
	} else {
		err = save(r.Context())
	}
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	msg := p.T("sso.saved")
	if after.Enabled() {
		// Say at once whether the desk can reach the provider, not at the
		// first person's sign-in.
		if _, err := s.relyingParty(r.Context(), after); err != nil {
			msg = p.T("sso.saved_unreachable", err.Error())
		}
	}
	s.redirectFlash(w, r, "/admin/sign-in", msg)
}

// signInFormError re-shows a form with the domain's message for bad input.
func (s *Server) signInFormError(w http.ResponseWriter, r *http.Request, p *page, tmpl string, err error) {
	if rma.ErrorCode(err) != rma.EINVALID {
		s.fail(w, r, p, err)
		return
	}
	p.Error = err.Error()
	s.render(w, http.StatusUnprocessableEntity, tmpl, p)
}
