package sso

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// RelyingParty is the desk at one provider: discovery read once, the
// provider's signing keys (JWKS) fetched and cached by go-oidc as tokens
// need them.
type RelyingParty struct {
	settings Settings
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	oauth    oauth2.Config
	client   *http.Client
}

// discoveryTimeout bounds a call to the provider: a person waits on it.
const discoveryTimeout = 15 * time.Second

// NewRelyingParty reads the provider's discovery document at the
// settings' issuer (which must name itself as that issuer) and prepares
// the flow back to redirectURL, the desk's /login/oidc/callback.
func NewRelyingParty(ctx context.Context, s Settings, redirectURL string, client *http.Client) (*RelyingParty, error) {
	if !s.Enabled() {
		return nil, errors.New("sign-in through a provider is not set up")
	}
	if err := CheckIssuer(s.Issuer); err != nil {
		return nil, err
	}
	if client == nil {
		client = &http.Client{Timeout: discoveryTimeout}
	}
	ctx = oidc.ClientContext(ctx, client)
	p, err := oidc.NewProvider(ctx, s.Issuer)
	if err != nil {
		return nil, fmt.Errorf("provider discovery at %s: %w", s.Issuer, err)
	}
	scopes := append([]string{oidc.ScopeOpenID}, s.Scopes...)
	if len(s.Scopes) == 0 {
		scopes = append(scopes, DefaultScopes...)
	}
	return &RelyingParty{
		settings: s,
		provider: p,
		// The verifier checks the signature against the provider's keys,
		// the issuer, that the desk's client ID is an audience, and expiry.
		verifier: p.Verifier(&oidc.Config{ClientID: s.ClientID}),
		oauth: oauth2.Config{ClientID: s.ClientID, ClientSecret: s.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: redirectURL, Scopes: scopes},
		client: client,
	}, nil
}

// Flow is what one sign-in keeps in the browser between leaving for the
// provider and coming back: all three are random and single-use.
type Flow struct {
	State    string // ties the callback to this browser (CSRF)
	Nonce    string // ties the ID token to this request (replay)
	Verifier string // PKCE: only who started the flow can redeem the code
}

// NewFlow makes a flow's random values.
func NewFlow() Flow {
	return Flow{State: oauth2.GenerateVerifier(), Nonce: oauth2.GenerateVerifier(), Verifier: oauth2.GenerateVerifier()}
}

// AuthURL is where the browser goes to sign in at the provider.
func (rp *RelyingParty) AuthURL(f Flow) string {
	return rp.oauth.AuthCodeURL(f.State, oauth2.S256ChallengeOption(f.Verifier), oidc.Nonce(f.Nonce))
}

// Identity is who the provider says signed in.
type Identity struct {
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	Groups        []string
}

// ErrState is a callback whose state is not the one this browser left
// with: a forged or replayed link, or a flow begun in another tab.
var ErrState = errors.New("the sign-in came back with a state this browser did not send")

// Finish checks the callback's state against the flow, redeems the code
// with the PKCE verifier, verifies the ID token (signature, issuer,
// audience, expiry) and its nonce, and reads the person's email, name and
// groups from it, asking the userinfo endpoint for what the token lacks.
func (rp *RelyingParty) Finish(ctx context.Context, f Flow, state, code string) (*Identity, error) {
	if f.State == "" || subtle.ConstantTimeCompare([]byte(f.State), []byte(state)) != 1 {
		return nil, ErrState
	}
	if code == "" {
		return nil, errors.New("the provider sent no authorization code")
	}
	ctx = oidc.ClientContext(ctx, rp.client)
	tok, err := rp.oauth.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return nil, fmt.Errorf("redeem the code: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return nil, errors.New("the provider sent no ID token")
	}
	idt, err := rp.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("verify the ID token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return nil, errors.New("the ID token's nonce is not this sign-in's")
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return nil, fmt.Errorf("read the ID token: %w", err)
	}
	id := &Identity{Subject: idt.Subject}
	id.read(claims, rp.settings.GroupsClaim)
	if (id.Email == "" || id.Groups == nil) && rp.provider.UserInfoEndpoint() != "" {
		ui, err := rp.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return nil, fmt.Errorf("userinfo: %w", err)
		}
		// OpenID Connect Core 5.3.2: userinfo about anyone else is ignored.
		if ui.Subject != idt.Subject {
			return nil, errors.New("the userinfo answer is about someone else")
		}
		more := map[string]any{}
		if err := ui.Claims(&more); err != nil {
			return nil, fmt.Errorf("read userinfo: %w", err)
		}
		id.read(more, rp.settings.GroupsClaim)
	}
	return id, nil
}

// read fills what id lacks from claims. email_verified may come as a
// boolean or (Cognito, older Azure AD) the string "true"; groups as a list
// or a single value.
func (id *Identity) read(claims map[string]any, groupsClaim string) {
	if id.Email == "" {
		if e, ok := claims["email"].(string); ok {
			id.Email = strings.TrimSpace(e)
			switch v := claims["email_verified"].(type) {
			case bool:
				id.EmailVerified = v
			case string:
				id.EmailVerified = v == "true"
			}
		}
	}
	if id.Name == "" {
		if n, ok := claims["name"].(string); ok {
			id.Name = n
		}
	}
	if id.Groups == nil {
		switch v := claims[groupsClaim].(type) {
		case []any:
			id.Groups = []string{}
			for _, g := range v {
				if s, ok := g.(string); ok && !slices.Contains(id.Groups, s) {
					id.Groups = append(id.Groups, s)
				}
			}
		case string:
			id.Groups = []string{v}
		}
	}
}
