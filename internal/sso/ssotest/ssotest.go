// Package ssotest starts a real OpenID Connect provider for tests: the
// OpenID-certified provider library of github.com/zitadel/oidc (pkg/op)
// over its example in-memory storage, with the people a test names, their
// groups in a "groups" claim, and a plain sign-in form. It listens on a
// loopback port only, over http, which the provider allows only because
// this package asks it to (op.WithAllowInsecure): nothing outside tests
// imports it.
package ssotest

import (
	"context"
	"crypto/sha256"
	"html/template"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// Person is someone who can sign in at the provider.
type Person struct {
	Username      string
	Password      string
	Email         string
	EmailVerified bool
	Name          string
	Groups        []string
}

// Provider is a running provider.
type Provider struct {
	Issuer       string
	ClientID     string
	ClientSecret string

	srv      *httptest.Server
	mu       sync.Mutex
	people   map[string]Person // by subject
	redirect string            // where the desk may be sent back to
	storage  *storage.Storage
}

// Start runs a provider on 127.0.0.1 that knows one client, the desk,
// which may come back only to redirectURI (set later with SetRedirectURI
// when the desk's address is not known yet).
func Start(t testing.TB, redirectURI string, people ...Person) *Provider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{ClientID: "rmadesk", ClientSecret: "provider-given-secret", people: map[string]Person{}, redirect: redirectURI}
	users := userStore{p: p}
	for i, person := range people {
		p.people[subject(i)] = person
	}
	p.Issuer = "http://" + ln.Addr().String()
	clients := map[string]*storage.Client{p.ClientID: storage.WebClient(p.ClientID, p.ClientSecret, redirectURI)}
	p.storage = storage.NewStorageWithClients(users, clients)
	cfg := &op.Config{
		CryptoKey:          sha256.Sum256([]byte("ssotest")),
		CodeMethodS256:     true,
		AuthMethodPost:     true,
		SupportedUILocales: []language.Tag{language.English},
	}
	provider, err := op.NewProvider(cfg, groupsStorage{p.storage, p}, op.StaticIssuer(p.Issuer),
		op.WithAllowInsecure()) // http on loopback, for this test provider only
	if err != nil {
		t.Fatal(err)
	}
	callback := op.AuthCallbackURL(provider)
	intercept := op.NewIssuerInterceptor(provider.IssuerFromRequest)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/username", func(w http.ResponseWriter, r *http.Request) {
		form(w, r.URL.Query().Get("authRequestID"), "")
	})
	mux.HandleFunc("POST /login/username", intercept.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PostFormValue("id")
		if err := p.storage.CheckUsernamePassword(r.PostFormValue("username"), r.PostFormValue("password"), id); err != nil {
			form(w, id, "Wrong username or password.")
			return
		}
		http.Redirect(w, r, callback(r.Context(), id), http.StatusFound)
	}))
	mux.Handle("/", provider)
	p.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux}}
	p.srv.Start()
	t.Cleanup(p.srv.Close)
	return p
}

// SetRedirectURI registers where the desk is sent back to.
func (p *Provider) SetRedirectURI(uri string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.redirect = uri
}

// SetGroups changes a person's groups at the provider (moved to another
// team, say).
func (p *Provider) SetGroups(username string, groups ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for sub, person := range p.people {
		if person.Username == username {
			person.Groups = groups
			p.people[sub] = person
		}
	}
}

func subject(i int) string { return "sub-" + string(rune('a'+i)) }

var loginForm = template.Must(template.New("").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test provider: sign in</title></head>
<body><main><h1>Test provider</h1>
{{if .Error}}<p role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/login/username">
<input type="hidden" name="id" value="{{.ID}}">
<p><label for="username">Username</label> <input id="username" name="username" autocomplete="username"></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password"></p>
<p><button type="submit" id="submit">Sign in</button></p>
</form></main></body></html>`))

func form(w http.ResponseWriter, id, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = loginForm.Execute(w, struct{ ID, Error string }{id, msg})
}

// userStore gives the example storage this provider's people.
type userStore struct{ p *Provider }

func (u userStore) GetUserByID(id string) *storage.User {
	u.p.mu.Lock()
	defer u.p.mu.Unlock()
	person, ok := u.p.people[id]
	if !ok {
		return nil
	}
	return toUser(id, person)
}

func (u userStore) GetUserByUsername(name string) *storage.User {
	u.p.mu.Lock()
	defer u.p.mu.Unlock()
	for id, person := range u.p.people {
		if person.Username == name {
			return toUser(id, person)
		}
	}
	return nil
}

func (u userStore) ExampleClientID() string { return "service" }

func toUser(id string, p Person) *storage.User {
	return &storage.User{ID: id, Username: p.Username, Password: p.Password, FirstName: p.Name, Email: p.Email,
		EmailVerified: p.EmailVerified, PreferredLanguage: language.English}
}

// groupsStorage adds the person's groups as a "groups" claim to the ID
// token and the userinfo answer, as Keycloak's group mapper or Entra ID's
// groups claim do.
type groupsStorage struct {
	*storage.Storage
	p *Provider
}

func (g groupsStorage) groups(subject string) []string {
	g.p.mu.Lock()
	defer g.p.mu.Unlock()
	return g.p.people[subject].Groups
}

func (g groupsStorage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := g.Storage.SetUserinfoFromRequest(ctx, info, req, scopes); err != nil {
		return err
	}
	info.AppendClaims("groups", g.groups(req.GetSubject()))
	return nil
}

func (g groupsStorage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := g.Storage.SetUserinfoFromToken(ctx, info, tokenID, subject, origin); err != nil {
		return err
	}
	info.AppendClaims("groups", g.groups(subject))
	return nil
}

// GetClientByClientID gives the desk's client the redirect URI set now.
func (g groupsStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := g.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return redirectClient{c, g.p}, nil
}

type redirectClient struct {
	op.Client
	p *Provider
}

func (c redirectClient) RedirectURIs() []string {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	return []string{c.p.redirect}
}
