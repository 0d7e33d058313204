package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/sso"
)

// The sign-in provider (OpenID Connect) the desk's staff sign in with, as
// the admin sets it on the portal's /admin/sign-in. Admins only. The
// client secret is write-only, as on the page: the answer says whether
// one is set, a PUT without one keeps it, clear_client_secret removes it.
// Settings the deployment gives (flags or environment) win over the
// stored ones: GET shows them with from_deployment, PUT is 409. The API
// does not contact the provider; the portal's page says whether it is
// reachable when saved, and the first sign-in shows it.

// oidcCallback is the portal's callback path (internal/web oidcPath): the
// redirect URI to register at the provider.
const oidcCallback = "/login/oidc/callback"

func (s *Server) signInRoutes() []Route {
	return []Route{
		{Method: "GET", Path: v1 + "/settings/sign-in", Op: rma.OpAdminister, handler: s.getSignIn},
		{Method: "PUT", Path: v1 + "/settings/sign-in", Op: rma.OpAdminister, handler: s.putSignIn},
	}
}

// signInStore is what the routes need of the store.
type signInStore interface {
	SignInProvider(ctx context.Context) (*sso.Settings, error)
	SaveSignInProvider(ctx context.Context, s *sso.Settings) error
	audit.Store // a change and its entry in the audit log are one transaction
}

// RoleRuleJSON gives a desk role to whoever has a group.
type RoleRuleJSON struct {
	Group string   `json:"group"`
	Role  rma.Role `json:"role"`
}

// SignInView is GET /api/v1/settings/sign-in.
type SignInView struct {
	Enabled         bool           `json:"enabled"` // staff can sign in through the provider
	FromDeployment  bool           `json:"from_deployment"`
	Name            string         `json:"name"`
	Issuer          string         `json:"issuer"`
	ClientID        string         `json:"client_id"`
	ClientSecretSet bool           `json:"client_secret_set"`
	Scopes          []string       `json:"scopes"`
	GroupsClaim     string         `json:"groups_claim"`
	Roles           []RoleRuleJSON `json:"roles"`
	CreateUsers     bool           `json:"create_users"`
	StaffPasswords  bool           `json:"staff_passwords"`
	CallbackURL     string         `json:"callback_url"` // the redirect URI to register at the provider
	Updated         *time.Time     `json:"updated,omitempty"`
	UpdatedBy       string         `json:"updated_by,omitempty"`
}

// SignInBody is PUT /api/v1/settings/sign-in: the whole form, as the
// portal's page posts it. Empty issuer and client_id turn sign-in through
// a provider off.
type SignInBody struct {
	Name              string         `json:"name"`
	Issuer            string         `json:"issuer"`
	ClientID          string         `json:"client_id"`
	ClientSecret      string         `json:"client_secret,omitempty"` // absent or empty: the stored one is kept
	ClearClientSecret bool           `json:"clear_client_secret,omitempty"`
	Scopes            []string       `json:"scopes"`
	GroupsClaim       string         `json:"groups_claim"`
	Roles             []RoleRuleJSON `json:"roles"`
	// Required, not defaulted: staff_passwords false locks agents and
	// technicians out of password sign-in, which nobody should do by
	// leaving a field out.
	CreateUsers    *bool `json:"create_users"`
	StaffPasswords *bool `json:"staff_passwords"`
}

func (s *Server) signInSettings(ctx context.Context) (*sso.Settings, signInStore, error) {
	st, _ := s.svc.Store().(signInStore)
	if d := s.signInDeployed; d != nil && d.Enabled() {
		c := *d
		c.FromDeployment = true
		return &c, st, nil
	}
	if st == nil {
		return &sso.Settings{StaffPasswords: true}, nil, nil
	}
	set, err := st.SignInProvider(ctx)
	return set, st, err
}

func (s *Server) signInView(set *sso.Settings) SignInView {
	v := SignInView{Enabled: set.Enabled(), FromDeployment: set.FromDeployment, Name: set.Name, Issuer: set.Issuer, ClientID: set.ClientID,
		ClientSecretSet: set.ClientSecret != "", Scopes: []string{}, GroupsClaim: set.GroupsClaim, Roles: []RoleRuleJSON{},
		CreateUsers: set.CreateUsers, StaffPasswords: set.StaffPasswords, UpdatedBy: set.UpdatedBy,
		CallbackURL: strings.TrimSuffix(s.publicURL, "/") + oidcCallback}
	v.Scopes = append(v.Scopes, set.Scopes...)
	for _, r := range set.Roles {
		v.Roles = append(v.Roles, RoleRuleJSON{Group: r.Group, Role: r.Role})
	}
	if !set.Updated.IsZero() {
		u := set.Updated.UTC()
		v.Updated = &u
	}
	return v
}

func (s *Server) getSignIn(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	set, _, err := s.signInSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.signInView(set))
	return nil
}

// settings reads the body into settings, naming the field at fault; the
// secret is the caller's to fill in.
func (b *SignInBody) settings() (*sso.Settings, error) {
	set := &sso.Settings{Name: strings.TrimSpace(b.Name), Issuer: strings.TrimSpace(b.Issuer), ClientID: strings.TrimSpace(b.ClientID),
		GroupsClaim: strings.TrimSpace(b.GroupsClaim)}
	if len(set.Name) > 100 {
		return nil, rma.Invalid("name", "at most 100 characters")
	}
	for _, f := range []struct{ name, v string }{{"issuer", set.Issuer}, {"client_id", set.ClientID}, {"groups_claim", set.GroupsClaim}} {
		if len(f.v) > 500 {
			return nil, rma.Invalid(f.name, "at most 500 characters")
		}
	}
	if b.ClientSecret != "" && b.ClearClientSecret {
		return nil, rma.Invalid("client_secret", "give a new secret or clear_client_secret, not both")
	}
	if len(b.ClientSecret) > 1000 {
		return nil, rma.Invalid("client_secret", "at most 1000 characters")
	}
	if b.CreateUsers == nil {
		return nil, rma.Invalid("create_users", "required: true or false")
	}
	if b.StaffPasswords == nil {
		return nil, rma.Invalid("staff_passwords", "required: true or false (false: only admins keep password sign-in)")
	}
	set.CreateUsers, set.StaffPasswords = *b.CreateUsers, *b.StaffPasswords
	if len(b.Scopes) > 50 {
		return nil, rma.Invalid("scopes", "at most 50 scopes")
	}
	for i, sc := range b.Scopes {
		field := fmt.Sprintf("scopes[%d]", i)
		switch {
		case sc == "" || len(sc) > 200:
			return nil, rma.Invalid(field, "a scope is 1 to 200 characters")
		case strings.ContainsAny(sc, " ,\t\"\\"):
			return nil, rma.Invalid(field, "scope %q has a character no scope has", sc)
		case sc == "openid" || slices.Contains(set.Scopes, sc):
			continue // openid is always asked for
		}
		set.Scopes = append(set.Scopes, sc)
	}
	if len(b.Roles) > 200 {
		return nil, rma.Invalid("roles", "at most 200 rules")
	}
	for i, rr := range b.Roles {
		field := fmt.Sprintf("roles[%d]", i)
		g := strings.TrimSpace(rr.Group)
		switch {
		case g == "" || len(g) > 500:
			return nil, rma.Invalid(field+".group", "a group is 1 to 500 characters")
		case strings.HasPrefix(g, "#"):
			return nil, rma.Invalid(field+".group", "a group cannot start with # (the stored mapping reads it as a comment)")
		}
		if role, ok := rma.ParseRole(string(rr.Role)); !ok || !role.IsDesk() {
			return nil, rma.Invalid(field+".role", "%q: one of admin, agent, technician", rr.Role)
		}
		set.Roles = append(set.Roles, sso.RoleRule{Group: g, Role: rr.Role})
	}
	return set, nil
}

func (s *Server) putSignIn(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var body SignInBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	after, err := body.settings()
	if err != nil {
		return err
	}
	before, st, err := s.signInSettings(r.Context())
	if err != nil {
		return err
	}
	if before.FromDeployment {
		return rma.Errorf(rma.ECONFLICT, "the sign-in provider is set by the deployment (flags or environment), which wins over these settings: change it there")
	}
	if st == nil {
		return rma.Errorf(rma.EINTERNAL, "the store keeps no sign-in provider")
	}
	switch {
	case body.ClearClientSecret:
	case body.ClientSecret != "":
		after.ClientSecret = body.ClientSecret
	default:
		after.ClientSecret = before.ClientSecret
	}
	if err := after.Check(); err != nil {
		return err
	}
	after.Updated, after.UpdatedBy = s.clock.Now().UTC(), actor.Name
	save := func(ctx context.Context) error { return st.SaveSignInProvider(ctx, after) }
	if changes := sso.Changes(before, after); len(changes) > 0 {
		e := audit.Of(actor, auth.ActionSignInSettings, "sign_in", "provider", "identity provider", changes...)
		err = audit.Record(r.Context(), st, &e, save)
	} else {
		err = save(r.Context())
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.signInView(after))
	return nil
}
