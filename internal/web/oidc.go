package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/sso"
)

// Staff sign-in through the company's identity provider (OpenID Connect):
// /login/oidc sends the browser to the provider with a fresh state, nonce
// and PKCE verifier, which wait in a signed cookie of their own;
// /login/oidc/callback checks them, lets internal/sso redeem the code and
// verify the ID token, and internal/auth decide who that is at the desk,
// then starts the portal's ordinary session. The settings are the
// database's (/admin/sign-in, oidc_admin.go) unless the deployment gives
// them (Config.SignInProvider, from flags or the environment), which win.

const (
	oidcCookie = "rmadesk_oidc"
	oidcPath   = "/login/oidc"
	// oidcFlowTTL is how long a person has at the provider's sign-in page
	// (typing a password, a second factor) before the flow lapses.
	oidcFlowTTL = 10 * time.Minute
)

// signInProviderStore is what the provider's settings need of the store.
type signInProviderStore interface {
	SignInProvider(ctx context.Context) (*sso.Settings, error)
	SaveSignInProvider(ctx context.Context, s *sso.Settings) error
	audit.Store // changes to the settings are in the audit log
}

// providerSettings are the settings in force: the deployment's, else the
// database's, else none.
func (s *Server) providerSettings(ctx context.Context) (*sso.Settings, error) {
	if d := s.cfg.SignInProvider; d != nil && d.Enabled() {
		c := *d
		c.FromDeployment = true
		return &c, nil
	}
	st, ok := s.svc.Store().(signInProviderStore)
	if !ok {
		return &sso.Settings{StaffPasswords: true}, nil
	}
	return st.SignInProvider(ctx)
}

// relyingParties keeps the relying party for the settings in force, so
// that discovery and the provider's keys are fetched once, not at every
// sign-in; new settings make a new one.
type relyingParties struct {
	mu  sync.Mutex
	key string
	rp  *sso.RelyingParty
}

func (s *Server) relyingParty(ctx context.Context, set *sso.Settings) (*sso.RelyingParty, error) {
	redirect := strings.TrimSuffix(s.cfg.PublicURL, "/") + oidcPath + "/callback"
	key := strings.Join([]string{set.Issuer, set.ClientID, set.ClientSecret, strings.Join(set.Scopes, " "),
		set.GroupsClaim, redirect}, "\x00")
	s.rps.mu.Lock()
	defer s.rps.mu.Unlock()
	if s.rps.rp != nil && s.rps.key == key {
		return s.rps.rp, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	rp, err := sso.NewRelyingParty(ctx, *set, redirect, s.cfg.ProviderClient)
	if err != nil {
		return nil, err
	}
	s.rps.key, s.rps.rp = key, rp
	return rp, nil
}

// oidcFlow is what the cookie carries between leaving and coming back.
type oidcFlow struct {
	sso.Flow
	Next    string `json:"next"`
	Expires int64  `json:"exp"`
}

// oidcMAC signs a flow under its own label, so no other signed value of
// the portal (a flash, a reset link) passes for one.
func (s *Server) oidcMAC(payload []byte) []byte {
	m := hmac.New(sha256.New, s.cfg.SessionKey)
	m.Write([]byte("oidc-flow\x00"))
	m.Write(payload)
	return m.Sum(nil)
}

func (s *Server) setOIDCFlow(w http.ResponseWriter, f oidcFlow) {
	payload, _ := json.Marshal(f)
	v := base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(s.oidcMAC(payload))
	// SameSite Lax: the provider sends the browser back with a top-level
	// GET, which carries Lax cookies; nothing else of another site does.
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: v, Path: oidcPath, MaxAge: int(oidcFlowTTL.Seconds()),
		HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
}

// takeOIDCFlow reads this browser's flow and clears it: a flow is used
// once, whatever its outcome.
func (s *Server) takeOIDCFlow(w http.ResponseWriter, r *http.Request) (oidcFlow, bool) {
	var f oidcFlow
	c, err := r.Cookie(oidcCookie)
	if err != nil {
		return f, false
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: oidcPath, MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
	b64, mac64, ok := strings.Cut(c.Value, ".")
	if !ok {
		return f, false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(b64)
	mac, err2 := base64.RawURLEncoding.DecodeString(mac64)
	if err1 != nil || err2 != nil || !hmac.Equal(s.oidcMAC(payload), mac) {
		return f, false
	}
	if json.Unmarshal(payload, &f) != nil || time.Now().Unix() > f.Expires {
		return f, false
	}
	return f, true
}

// oidcStart sends the browser to the provider.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	p := &page{translator: translator{language(r)}, request: r}
	set, err := s.providerSettings(r.Context())
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	if !set.Enabled() {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "no identity provider is set up"))
		return
	}
	rp, err := s.relyingParty(r.Context(), set)
	if err != nil {
		s.cfg.Log.ErrorContext(r.Context(), "identity provider", "issuer", set.Issuer, "err", err)
		s.oidcRefuse(w, r, http.StatusBadGateway, p.T("oidc.unreachable", set.DisplayName()))
		return
	}
	f := oidcFlow{Flow: sso.NewFlow(), Next: safeNext(r.URL.Query().Get("next")), Expires: time.Now().Add(oidcFlowTTL).Unix()}
	s.setOIDCFlow(w, f)
	http.Redirect(w, r, rp.AuthURL(f.Flow), http.StatusSeeOther)
}

// oidcCallback finishes the sign-in the provider sends the browser back
// from.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	p := &page{translator: translator{language(r)}, request: r}
	f, ok := s.takeOIDCFlow(w, r)
	if !ok {
		s.oidcRefuse(w, r, http.StatusBadRequest, p.T("oidc.stale"))
		return
	}
	q := r.URL.Query()
	set, err := s.providerSettings(r.Context())
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	if !set.Enabled() {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "no identity provider is set up"))
		return
	}
	if e := q.Get("error"); e != "" {
		// The provider's own words are not shown: they are whatever the
		// link says, and the link may be anyone's.
		s.cfg.Log.InfoContext(r.Context(), "identity provider refused", "error", e)
		s.oidcRefuse(w, r, http.StatusForbidden, p.T("oidc.provider_refused", set.DisplayName()))
		return
	}
	rp, err := s.relyingParty(r.Context(), set)
	if err != nil {
		s.cfg.Log.ErrorContext(r.Context(), "identity provider", "issuer", set.Issuer, "err", err)
		s.oidcRefuse(w, r, http.StatusBadGateway, p.T("oidc.unreachable", set.DisplayName()))
		return
	}
	id, err := rp.Finish(r.Context(), f.Flow, q.Get("state"), q.Get("code"))
	if errors.Is(err, sso.ErrState) {
		s.oidcRefuse(w, r, http.StatusBadRequest, p.T("oidc.stale"))
		return
	}
	if err != nil {
		s.cfg.Log.WarnContext(r.Context(), "sign-in through the provider failed", "issuer", set.Issuer, "err", err)
		s.oidcRefuse(w, r, http.StatusBadGateway, p.T("oidc.failed", set.DisplayName()))
		return
	}
	st, ok := s.svc.Store().(auth.ProviderUserStore)
	if !ok {
		s.fail(w, r, p, errors.New("the store cannot keep staff signed in through a provider"))
		return
	}
	u, err := auth.SignInWithProvider(r.Context(), st, set, id)
	var refused *auth.ProviderRefusal
	if errors.As(err, &refused) {
		s.cfg.Log.InfoContext(r.Context(), "sign-in refused", "method", "provider", "email", id.Email, "reason", refused.Reason)
		s.oidcRefuse(w, r, http.StatusForbidden, p.T("oidc.refused."+refused.Reason, set.DisplayName()))
		return
	}
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, p, err)
		return
	}
	// The desk keeps no table of sign-ins (the audit log is for changes:
	// a role the groups changed, an account made, are in it); the log
	// line is the record.
	s.cfg.Log.InfoContext(r.Context(), "signed in", "method", "provider", "email", u.Email, "role", u.Role)
	s.rememberLanguage(w, r, u)
	http.Redirect(w, r, f.Next, http.StatusSeeOther)
}

// oidcRefuse sends the browser back to the sign-in page with a plain
// message: a page of its own, so the code and state leave the address bar
// and a reload starts nothing again. status is what the log records.
func (s *Server) oidcRefuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.cfg.Log.DebugContext(r.Context(), "sign-in through the provider refused", "status", status)
	s.setFlash(w, flashError, msg)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// loginData is what the sign-in page shows: the form's values and, when a
// provider is set up, its button.
func (s *Server) loginData(r *http.Request, next, email string) map[string]string {
	d := map[string]string{"Next": next, "Email": email}
	if set, err := s.providerSettings(r.Context()); err == nil && set.Enabled() {
		d["Provider"] = set.DisplayName()
		d["ProviderURL"] = oidcPath + "?next=" + urlEscape(next)
	}
	return d
}

// passwordAllowed reports whether a signed-in-by-password actor may keep
// the session: staff only while the provider's settings leave them their
// passwords (admins always).
func (s *Server) passwordAllowed(r *http.Request, a rma.Actor) (bool, string, error) {
	set, err := s.providerSettings(r.Context())
	if err != nil {
		return false, "", err
	}
	return auth.PasswordAllowed(set, a), set.DisplayName(), nil
}
