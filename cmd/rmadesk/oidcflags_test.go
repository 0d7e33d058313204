package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/sso/ssotest"
)

// TestServeProviderFromFlags: a deployment configures the identity
// provider with flags and the environment (the secret from the
// environment only); the sign-in page offers it, an agent signs in
// through it, the admin page shows the settings read-only and refuses to
// change them, and an agent's password is refused while staff passwords
// are off. Bad provider flags stop the start with exit 2.
func TestServeProviderFromFlags(t *testing.T) {
	provider := ssotest.Start(t, "",
		ssotest.Person{Username: "ann", Password: "ann-pw", Email: "agent@demo.example", EmailVerified: true, Groups: []string{"Desk Agents"}})
	t.Setenv("RMADESK_OIDC_CLIENT_SECRET", provider.ClientSecret)
	base, stop := startServe(t, "--demo", "--data-dir", t.TempDir(), "--oidc-issuer", provider.Issuer, "--oidc-name", "Contoso",
		"--oidc-client-id", provider.ClientID, "--oidc-roles", "Desk Admins=admin; Desk Agents = agent", "--oidc-staff-passwords=false")
	defer stop()
	provider.SetRedirectURI(base + "/login/oidc/callback")

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	body := oidcFetch(t, c, base+"/login")
	if !strings.Contains(body, "Sign in with Contoso") {
		t.Fatalf("no provider button: %s", body)
	}
	body = oidcFetch(t, c, base+"/login/oidc")
	m := regexp.MustCompile(`name="id" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("not at the provider's form: %s", body)
	}
	resp, err := c.PostForm(provider.Issuer+"/login/username", url.Values{"id": {m[1]}, "username": {"ann"}, "password": {"ann-pw"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Request.URL.String() != base+"/rmas" || !strings.Contains(string(b), "agent@demo.example") {
		t.Fatalf("signing in through the provider ended at %s: %s", resp.Request.URL, b)
	}

	admin := portalBrowser(t, base, "admin@demo.example", demoPassword)
	body = oidcFetch(t, admin, base+"/admin/sign-in")
	if !strings.Contains(body, "given by the deployment") || strings.Contains(body, provider.ClientSecret) || !strings.Contains(body, "Desk Admins = admin") {
		t.Fatalf("the admin page with the deployment's settings: %s", body)
	}
	resp, err = admin.PostForm(base+"/admin/sign-in", url.Values{"issuer": {""}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("changing the deployment's settings: %d, want 409", resp.StatusCode)
	}

	resp, err = http.PostForm(base+"/login", url.Values{"email": {"agent@demo.example"}, "password": {demoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(b), "Desk staff sign in with Contoso") {
		t.Fatalf("an agent's password with staff passwords off: %d %s", resp.StatusCode, b)
	}

	for _, args := range [][]string{
		{"--oidc-issuer", "http://idp.example.com", "--oidc-client-id", "x", "--oidc-roles", "g=agent"},
		{"--oidc-issuer", "https://idp.example.com", "--oidc-client-id", "x", "--oidc-roles", "g=requester"},
		{"--oidc-issuer", "https://idp.example.com", "--oidc-roles", "g=agent"},
	} {
		code, _, errOut := runCLI(t, "", append([]string{"serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir()}, args...)...)
		if code != exitBadInput || !strings.Contains(errOut, "--oidc") {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
	}
}

func oidcFetch(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
