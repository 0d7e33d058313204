package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/sso"
	"github.com/rmadesk/rmadesk/internal/sso/ssotest"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
	"github.com/rmadesk/rmadesk/policies"
)

// oidcDesk is a desk whose staff sign in at a real OpenID Connect
// provider (ssotest: zitadel's certified provider library) running beside
// it on loopback.
type oidcDesk struct {
	t        *testing.T
	url      string
	db       *sqlite.DB
	provider *ssotest.Provider
}

var oidcPeople = []ssotest.Person{
	{Username: "ann", Password: "ann-pw", Email: "agent@desk.example", EmailVerified: true, Name: "Ann Agent", Groups: []string{"staff", "desk-agents"}},
	{Username: "boss", Password: "boss-pw", Email: "boss@desk.example", EmailVerified: true, Name: "Bo Boss", Groups: []string{"desk-admins", "desk-agents"}},
	{Username: "sam", Password: "sam-pw", Email: "sam@desk.example", EmailVerified: true, Name: "Sam Sales", Groups: []string{"sales"}},
	{Username: "gone", Password: "gone-pw", Email: "gone@desk.example", EmailVerified: true, Groups: []string{"desk-agents"}},
	{Username: "newbie", Password: "newbie-pw", Email: "newbie@desk.example", EmailVerified: true, Name: "Nia New", Groups: []string{"desk-techs"}},
	{Username: "unverified", Password: "u-pw", Email: "boss@desk.example", EmailVerified: false, Groups: []string{"desk-admins"}},
	{Username: "customer", Password: "c-pw", Email: "rma@dist.example", EmailVerified: true, Groups: []string{"desk-agents"}},
}

func newOIDCDesk(t *testing.T, configure bool) *oidcDesk {
	t.Helper()
	ctx := context.Background()
	db := sqlitetest.Open(t)
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	svc := rma.NewService(db, set)
	accounts := auth.NewAccounts(db)
	desk, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Desk", IsDesk: true})
	if err != nil {
		t.Fatal(err)
	}
	dist, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Distributor", Role: "distributor", Country: "DE"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		org   int64
		email string
		role  rma.Role
	}{
		{desk.ID, "agent@desk.example", rma.RoleTechnician}, // the provider's groups make her an agent
		{desk.ID, "boss@desk.example", rma.RoleAdmin},
		{desk.ID, "sam@desk.example", rma.RoleAgent}, // moved to sales: refused, not kept an agent
		{desk.ID, "gone@desk.example", rma.RoleAgent},
		{desk.ID, "tech@desk.example", rma.RoleTechnician},
		{dist.ID, "rma@dist.example", rma.RoleRequester},
	} {
		if _, err := accounts.CreateUser(ctx, rma.System, u.org, u.email, "", u.role, password); err != nil {
			t.Fatal(err)
		}
	}
	gone, _ := db.UserByEmail(ctx, "gone@desk.example")
	if err := db.SetUserDisabled(ctx, gone.ID, true); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &oidcDesk{t: t, url: "http://" + ln.Addr().String(), db: db}
	d.provider = ssotest.Start(t, d.url+"/login/oidc/callback", oidcPeople...)
	if configure {
		oidcMust(t, db.SaveSignInProvider(ctx, &sso.Settings{Name: "Contoso", Issuer: d.provider.Issuer, ClientID: d.provider.ClientID,
			ClientSecret: d.provider.ClientSecret, Scopes: []string{"email", "profile"}, GroupsClaim: "groups",
			Roles: []sso.RoleRule{{Group: "desk-admins", Role: rma.RoleAdmin}, {Group: "desk-agents", Role: rma.RoleAgent},
				{Group: "desk-techs", Role: rma.RoleTechnician}},
			CreateUsers: true, StaffPasswords: false}))
	}
	s, err := New(svc, Config{SessionKey: bytes.Repeat([]byte("k"), 32), PublicURL: d.url})
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: s.Handler()}}
	srv.Start()
	t.Cleanup(srv.Close)
	return d
}

func oidcMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// browser follows redirects, across the desk and the provider, with one
// cookie jar, as a person's browser does.
func (d *oidcDesk) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

func oidcGet(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var authRequestID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// signIn clicks "Sign in with Contoso" and signs in at the provider's form;
// it returns where the browser ended.
func (d *oidcDesk) signIn(c *http.Client, username, pw string) (*http.Response, string) {
	t := d.t
	t.Helper()
	resp, body := oidcGet(t, c, d.url+"/login/oidc?next=%2Frmas")
	if !strings.HasPrefix(resp.Request.URL.String(), d.provider.Issuer+"/login/username") {
		t.Fatalf("the flow did not reach the provider's sign-in form: %s %d %s", resp.Request.URL, resp.StatusCode, body)
	}
	m := authRequestID.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no auth request on the provider's form: %s", body)
	}
	resp, err := c.PostForm(d.provider.Issuer+"/login/username", url.Values{"id": {m[1]}, "username": {username}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestOIDCSignIn(t *testing.T) {
	d := newOIDCDesk(t, true)
	ctx := t.Context()

	c := d.browser()
	_, body := oidcGet(t, c, d.url+"/login")
	if !strings.Contains(body, "Sign in with Contoso") || !strings.Contains(body, `href="/login/oidc?next=/"`) {
		t.Fatalf("the sign-in page has no provider button: %s", body)
	}

	t.Run("agent lands on the queue", func(t *testing.T) {
		resp, body := d.signIn(c, "ann", "ann-pw")
		if resp.StatusCode != 200 || resp.Request.URL.String() != d.url+"/rmas" || !strings.Contains(body, "agent@desk.example") {
			t.Fatalf("ended at %s %d: %s", resp.Request.URL, resp.StatusCode, body)
		}
		if !strings.Contains(body, `href="/receiving"`) {
			t.Fatal("signed in, but not as the desk")
		}
		u, _ := d.db.UserByEmail(ctx, "agent@desk.example")
		if u.Role != rma.RoleAgent {
			t.Fatalf("role after sign-in: %s, want agent from the groups", u.Role)
		}
		log, _, err := d.db.AuditLog(ctx, audit.Filter{Action: audit.UserRole})
		if err != nil || len(log) != 1 || log[0].TargetName != "agent@desk.example" || log[0].ActorName != "Contoso (identity provider)" ||
			!reflect.DeepEqual(log[0].Changes, []audit.Change{{Field: "role", From: "technician", To: "agent"}}) {
			t.Fatalf("the role change in the audit log: %+v %v", log, err)
		}
	})

	refusals := []struct {
		name, user, pw, want string
		status               int
	}{
		{"groups map to no role", "sam", "sam-pw", "none of your groups gives you a role", 200},
		{"disabled user", "gone", "gone-pw", "This account is disabled", 200},
		{"unverified email", "unverified", "u-pw", "did not confirm your email address", 200},
		{"a customer's email", "customer", "c-pw", "belongs to a customer", 200},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			c := d.browser()
			resp, body := d.signIn(c, tc.user, tc.pw)
			if resp.StatusCode != tc.status || resp.Request.URL.Path != "/login" || !strings.Contains(body, tc.want) {
				t.Fatalf("%s: %d %s", resp.Request.URL, resp.StatusCode, body)
			}
			if resp, _ := oidcGet(t, c, d.url+"/rmas"); resp.Request.URL.Path != "/login" {
				t.Fatalf("refused, yet signed in: %s", resp.Request.URL)
			}
		})
	}
	u, _ := d.db.UserByEmail(ctx, "boss@desk.example")
	if u.Role != rma.RoleAdmin {
		t.Fatalf("an unverified email changed boss's role to %s", u.Role)
	}

	t.Run("created at first sign-in from the groups", func(t *testing.T) {
		resp, _ := d.signIn(d.browser(), "newbie", "newbie-pw")
		if resp.StatusCode != 200 || resp.Request.URL.Path != "/rmas" {
			t.Fatalf("ended at %s %d", resp.Request.URL, resp.StatusCode)
		}
		u, err := d.db.UserByEmail(ctx, "newbie@desk.example")
		if err != nil || u.Role != rma.RoleTechnician || u.Name != "Nia New" || u.PasswordHash != "" {
			t.Fatalf("new user: %+v %v", u, err)
		}
		if log, _, err := d.db.AuditLog(ctx, audit.Filter{Action: auth.ActionUserFromProvider}); err != nil || len(log) != 1 || log[0].TargetName != "newbie@desk.example" {
			t.Fatalf("the new account in the audit log: %+v %v", log, err)
		}
	})

	t.Run("groups changed at the provider", func(t *testing.T) {
		d.provider.SetGroups("ann", "staff", "desk-techs")
		resp, _ := d.signIn(d.browser(), "ann", "ann-pw")
		if u, _ := d.db.UserByEmail(ctx, "agent@desk.example"); resp.Request.URL.Path != "/rmas" || u.Role != rma.RoleTechnician {
			t.Fatalf("moved to the technicians: %s, role %s", resp.Request.URL, u.Role)
		}
		d.provider.SetGroups("ann", "staff")
		defer d.provider.SetGroups("ann", "staff", "desk-agents")
		resp, body := d.signIn(d.browser(), "ann", "ann-pw")
		if resp.Request.URL.Path != "/login" || !strings.Contains(body, "none of your groups") {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		// The session she opened as an agent ended with her groups.
		if resp, _ := oidcGet(t, c, d.url+"/rmas"); resp.Request.URL.Path != "/login" {
			t.Fatalf("out of every mapped group, still signed in: %s", resp.Request.URL)
		}
	})

	t.Run("tampered or replayed state", func(t *testing.T) {
		var callback *url.URL
		c := d.browser()
		c.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
			if req.URL.Path == "/login/oidc/callback" && strings.HasPrefix(req.URL.String(), d.url) {
				callback = req.URL
				return http.ErrUseLastResponse
			}
			return nil
		}
		d.signIn(c, "ann", "ann-pw")
		if callback == nil {
			t.Fatal("never came back to the desk")
		}
		c.CheckRedirect = nil
		q := callback.Query()
		real := q.Get("state")
		q.Set("state", real+"x")
		tampered := *callback
		tampered.RawQuery = q.Encode()
		resp, body := oidcGet(t, c, tampered.String())
		if resp.Request.URL.Path != "/login" || !strings.Contains(body, "expired or was already used") {
			t.Fatalf("tampered state: %d %s", resp.StatusCode, body)
		}
		// The flow is used up: the real callback no longer signs in either.
		resp, body = oidcGet(t, c, callback.String())
		if resp.Request.URL.Path != "/login" || !strings.Contains(body, "expired or was already used") {
			t.Fatalf("replayed callback: %d %s", resp.StatusCode, body)
		}
		// And a callback in a browser that never started a flow.
		resp, body = oidcGet(t, d.browser(), callback.String())
		if !strings.Contains(body, "expired or was already used") {
			t.Fatalf("callback without a flow: %d", resp.StatusCode)
		}
	})

	t.Run("next stays on the desk", func(t *testing.T) {
		c := d.browser()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		for _, next := range hostileNext {
			resp, _ := oidcGet(t, c, d.url+"/login/oidc?next="+url.QueryEscape(next))
			var flow string
			for _, ck := range resp.Cookies() {
				if ck.Name == oidcCookie {
					flow = ck.Value
				}
			}
			payload, _, _ := strings.Cut(flow, ".")
			raw, _ := base64.RawURLEncoding.DecodeString(payload)
			var f oidcFlow
			if err := json.Unmarshal(raw, &f); err != nil || f.Next != "/" || f.State == "" || f.Nonce == "" || f.Verifier == "" {
				t.Fatalf("next %q: flow %+v %v", next, f, err)
			}
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if q := loc.Query(); q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") != f.Nonce || q.Get("state") != f.State {
				t.Fatalf("the authorization request lacks PKCE, state or nonce: %s", loc)
			}
		}
	})

	t.Run("passwords", func(t *testing.T) {
		for _, tc := range []struct {
			email string
			want  int
		}{{"sam@desk.example", 403}, {"boss@desk.example", 303}, {"rma@dist.example", 303}} {
			c := d.browser()
			c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			resp, err := c.PostForm(d.url+"/login", url.Values{"email": {tc.email}, "password": {password}})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want || tc.want == 403 && !strings.Contains(string(b), "Desk staff sign in with Contoso") {
				t.Fatalf("%s with a password: %d %s", tc.email, resp.StatusCode, b)
			}
		}
	})
}

func TestOIDCNotConfigured(t *testing.T) {
	d := newOIDCDesk(t, false)
	c := d.browser()
	if _, body := oidcGet(t, c, d.url+"/login"); strings.Contains(body, "/login/oidc") {
		t.Fatal("a provider button without a provider")
	}
	for _, path := range []string{"/login/oidc", "/login/oidc/callback?state=x&code=y"} {
		if resp, body := oidcGet(t, c, d.url+path); resp.StatusCode != 404 && !strings.Contains(body, "expired or was already used") {
			t.Fatalf("%s without a provider: %d", path, resp.StatusCode)
		}
	}
}

func TestSignInSettingsPage(t *testing.T) {
	d := newOIDCDesk(t, false)
	ctx := t.Context()
	passwordBrowser := func(email string) *http.Client {
		c := d.browser()
		resp, err := c.PostForm(d.url+"/login", url.Values{"email": {email}, "password": {password}})
		if err != nil || resp.Request.URL.Path != "/rmas" {
			t.Fatalf("sign in %s: %v %v", email, err, resp.Request.URL)
		}
		resp.Body.Close()
		return c
	}
	for email, want := range map[string]int{"sam@desk.example": 403, "tech@desk.example": 403, "rma@dist.example": 404} {
		c := passwordBrowser(email)
		if resp, _ := oidcGet(t, c, d.url+"/admin/sign-in"); resp.StatusCode != want {
			t.Fatalf("GET as %s: %d, want %d", email, resp.StatusCode, want)
		}
		resp, err := c.PostForm(d.url+"/admin/sign-in", url.Values{"issuer": {d.provider.Issuer}})
		if err != nil || resp.StatusCode != want {
			t.Fatalf("POST as %s: %v %d, want %d", email, err, resp.StatusCode, want)
		}
		resp.Body.Close()
	}
	admin := passwordBrowser("boss@desk.example")
	if resp, body := oidcGet(t, admin, d.url+"/admin/sign-in"); resp.StatusCode != 200 || !strings.Contains(body, d.url+"/login/oidc/callback") {
		t.Fatalf("admin GET: %d %s", resp.StatusCode, body)
	}
	post := func(v url.Values) (*http.Response, string) {
		resp, err := admin.PostForm(d.url+"/admin/sign-in", v)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	good := url.Values{"name": {"Contoso"}, "issuer": {d.provider.Issuer}, "client_id": {d.provider.ClientID},
		"client_secret": {d.provider.ClientSecret}, "scopes": {"openid email profile"}, "groups_claim": {"groups"},
		"roles": {"desk-agents = agent\ndesk-admins = admin"}, "staff_passwords": {"on"}}
	for name, tc := range map[string]struct {
		change func(url.Values)
		want   string
	}{
		"http issuer elsewhere": {func(v url.Values) { v.Set("issuer", "http://login.example.com") }, "must be an https URL"},
		"role not of the desk":  {func(v url.Values) { v.Set("roles", "everyone = requester") }, "admin, agent, technician"},
		"no roles":              {func(v url.Values) { v.Set("roles", "") }, "map at least one group"},
		"no client ID":          {func(v url.Values) { v.Set("client_id", "") }, "client ID"},
	} {
		v := url.Values{}
		for k, vs := range good {
			v[k] = vs
		}
		tc.change(v)
		resp, body := post(v)
		if resp.StatusCode != 422 || !strings.Contains(body, tc.want) || strings.Contains(body, d.provider.ClientSecret) {
			t.Fatalf("%s: %d %s", name, resp.StatusCode, body)
		}
	}
	set, _ := d.db.SignInProvider(ctx)
	if set.Enabled() {
		t.Fatal("a refused form was saved")
	}
	resp, body := post(good)
	if resp.StatusCode != 200 || !strings.Contains(body, "Saved.") || strings.Contains(body, d.provider.ClientSecret) ||
		!strings.Contains(body, "A client secret is set") {
		t.Fatalf("save: %d %s", resp.StatusCode, body)
	}
	// An empty secret field keeps the secret; a sign-in works with it.
	v := url.Values{}
	for k, vs := range good {
		v[k] = vs
	}
	v.Set("client_secret", "")
	if resp, _ := post(v); resp.StatusCode != 200 {
		t.Fatalf("save without the secret: %d", resp.StatusCode)
	}
	set, _ = d.db.SignInProvider(ctx)
	if set.ClientSecret != d.provider.ClientSecret || set.UpdatedBy != "boss@desk.example" || !set.StaffPasswords {
		t.Fatalf("saved: %+v", set)
	}
	// One entry: the second save changed nothing. The secret is in it
	// only as set.
	log, _, err := d.db.AuditLog(ctx, audit.Filter{Action: auth.ActionSignInSettings})
	if err != nil || len(log) != 1 || log[0].ActorName != "boss@desk.example" {
		t.Fatalf("audit log: %+v %v", log, err)
	}
	fields := map[string]audit.Change{}
	for _, c := range log[0].Changes {
		fields[c.Field] = c
		if strings.Contains(c.From+c.To, d.provider.ClientSecret) {
			t.Fatalf("the secret is in the audit log: %+v", c)
		}
	}
	if fields["client_secret"].To != "(set)" || fields["issuer"].To != d.provider.Issuer || fields["roles"].To != "desk-agents = agent\ndesk-admins = admin" {
		t.Fatalf("audit changes: %+v", log[0].Changes)
	}
	if resp, _ := d.signIn(d.browser(), "ann", "ann-pw"); resp.Request.URL.Path != "/rmas" || resp.StatusCode != 200 {
		t.Fatalf("sign-in with the page's settings: %s %d", resp.Request.URL, resp.StatusCode)
	}
}
