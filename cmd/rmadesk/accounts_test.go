package main

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
)

// Account administration from the command line, against a running desk
// on the same SQLite file: what the CLI ends, the server refuses at once.

// cli runs a command that must succeed and returns its output.
func cli(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, stdin, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	return out
}

// portalBrowser signs in to the portal at base and returns the browser.
func portalBrowser(t *testing.T, base, email, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}, "next": {"/rmas"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/rmas" {
		t.Fatalf("sign in as %s: %d", email, resp.StatusCode)
	}
	return c
}

// portalStatus is what GET /rmas answers the browser: 200 signed in, 303
// to /login signed out.
func portalStatus(t *testing.T, c *http.Client, base string) int {
	t.Helper()
	resp, err := c.Get(base + "/rmas")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusSeeOther && !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("redirected to %s", resp.Header.Get("Location"))
	}
	return resp.StatusCode
}

func TestCLIAPIKeyListAndRevoke(t *testing.T) {
	dir := t.TempDir()
	cli(t, "", "org", "create", "--data-dir", dir, "--name", "Desk", "--desk")
	cli(t, "", "org", "create", "--data-dir", dir, "--name", "Partner", "--role", "partner", "--country", "NL")
	admin := strings.TrimSpace(cli(t, "", "apikey", "create", "--data-dir", dir, "--org", "Desk", "--role", "admin", "--name", "ops"))
	partner := strings.TrimSpace(cli(t, "", "apikey", "create", "--data-dir", dir, "--org", "Partner", "--role", "requester", "--name", "ERP"))
	prefix := strings.Split(partner, "_")[1]
	secret := strings.Split(partner, "_")[2]

	list := cli(t, "", "apikey", "list", "--data-dir", dir)
	if !strings.Contains(list, prefix) || !strings.Contains(list, strings.Split(admin, "_")[1]) || strings.Contains(list, secret) {
		t.Fatalf("apikey list:\n%s", list)
	}
	only := cli(t, "", "apikey", "list", "--org", "Partner", "--data-dir", dir)
	if !strings.Contains(only, prefix) || strings.Contains(only, strings.Split(admin, "_")[1]) || !strings.Contains(only, "ERP") {
		t.Fatalf("apikey list --org Partner:\n%s", only)
	}

	base, stop := startServe(t, "--data-dir", dir)
	defer stop()
	if status, _, _ := call(t, "GET", base+"/api/v1/me", partner, ""); status != http.StatusOK {
		t.Fatalf("before revoking: %d", status)
	}
	out := cli(t, "", "apikey", "revoke", prefix, "--data-dir", dir)
	if !strings.Contains(out, "key "+prefix+" revoked") {
		t.Fatalf("revoke: %s", out)
	}
	if status, _, _ := call(t, "GET", base+"/api/v1/me", partner, ""); status != http.StatusUnauthorized {
		t.Fatalf("a revoked key: %d, want 401", status)
	}
	if status, _, _ := call(t, "GET", base+"/api/v1/me", admin, ""); status != http.StatusOK {
		t.Fatalf("another key: %d", status)
	}
	if line := grep(cli(t, "", "apikey", "list", "--data-dir", dir), prefix); strings.HasSuffix(strings.TrimSpace(line), "-") {
		t.Fatalf("the list does not show the key revoked: %s", line)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"apikey", "revoke", "aaaaaaaa", "--data-dir", dir}, "no API key has the prefix"},
		{[]string{"apikey", "revoke", "--data-dir", dir}, "PREFIX"},
		{[]string{"apikey", "list", "--org", "Nobody", "--data-dir", dir}, "--org: no organisation"},
		{[]string{"apikey", "frob"}, "unknown subcommand"},
	} {
		code, _, errOut := runCLI(t, "", tc.args...)
		if code != exitBadInput || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

func TestCLIUserDisableAndSignOut(t *testing.T) {
	dir := t.TempDir()
	const pw = "a long enough password"
	cli(t, "", "org", "create", "--data-dir", dir, "--name", "Partner", "--role", "partner", "--country", "NL")
	cli(t, pw+"\n", "user", "create", "--data-dir", dir, "--org", "Partner", "--email", "anna@partner.example", "--role", "requester")
	cli(t, pw+"\n", "user", "create", "--data-dir", dir, "--org", "Partner", "--email", "bob@partner.example", "--role", "requester")
	base, stop := startServe(t, "--data-dir", dir)
	defer stop()

	anna, annaToo, bob := portalBrowser(t, base, "anna@partner.example", pw), portalBrowser(t, base, "anna@partner.example", pw), portalBrowser(t, base, "bob@partner.example", pw)
	out := cli(t, "", "user", "signout", "--email", "anna@partner.example", "--data-dir", dir)
	if !strings.Contains(out, "2 sessions ended") {
		t.Fatalf("signout: %s", out)
	}
	if portalStatus(t, anna, base) != http.StatusSeeOther || portalStatus(t, annaToo, base) != http.StatusSeeOther {
		t.Fatal("signed out from the command line, still signed in to the portal")
	}
	if portalStatus(t, bob, base) != http.StatusOK {
		t.Fatal("another user was signed out")
	}

	anna = portalBrowser(t, base, "anna@partner.example", pw)
	cli(t, "", "user", "disable", "--email", "anna@partner.example", "--data-dir", dir)
	if portalStatus(t, anna, base) != http.StatusSeeOther {
		t.Fatal("a disabled user is still signed in")
	}
	resp, err := http.PostForm(base+"/login", url.Values{"email": {"anna@partner.example"}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a disabled user signs in: %d", resp.StatusCode)
	}
	cli(t, "", "user", "enable", "--email", "anna@partner.example", "--data-dir", dir)
	if portalStatus(t, portalBrowser(t, base, "anna@partner.example", pw), base) != http.StatusOK {
		t.Fatal("enabled again, cannot sign in")
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"user", "disable", "--email", "nobody@partner.example", "--data-dir", dir}, "--email: no user"},
		{[]string{"user", "signout", "--data-dir", dir}, "--email: required"},
		{[]string{"user", "frob"}, "unknown subcommand"},
	} {
		code, _, errOut := runCLI(t, "", tc.args...)
		if code != exitBadInput || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestCLIUserInvite: rmadesk user invite adds the user without a password
// and, with no mail server, prints the link, which lets them choose one;
// bad input exits 2; the invitation is in the audit log.
func TestCLIUserInvite(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("RMADESK_SMTP_HOST", "")
	cli(t, "", "org", "create", "--data-dir", dir, "--name", "Partner", "--role", "partner", "--country", "NL")
	out := cli(t, "", "user", "invite", "--data-dir", dir, "--org", "Partner", "--email", "pia@partner.example", "--role", "requester",
		"--name", "Pia", "--public-url", "https://rma.example.com/")
	link := regexp.MustCompile(`https://rma\.example\.com/invite/([A-Za-z0-9_-]{43})`).FindStringSubmatch(out)
	if !strings.Contains(out, "pia@partner.example invited to Partner") || link == nil {
		t.Fatalf("user invite printed:\n%s", out)
	}
	for _, args := range [][]string{
		{"--org", "Partner", "--email", "x@partner.example", "--role", "agent"},
		{"--org", "Nobody", "--email", "x@partner.example", "--role", "requester"},
		{"--org", "Partner", "--email", "pia@partner.example", "--role", "requester"},
		{"--org", "Partner", "--email", "x@partner.example", "--role", "requester", "--language", "fr"},
	} {
		if code, _, errOut := runCLI(t, "", append([]string{"user", "invite", "--data-dir", dir}, args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, errOut)
		}
	}
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "rmadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	accounts := auth.NewAccounts(db)
	if _, err := accounts.AcceptInvitation(t.Context(), link[1], "a long enough password"); err != nil {
		t.Fatal(err)
	}
	entries, _, err := accounts.AuditLog(t.Context(), rma.System, audit.Filter{Action: "user."})
	if err != nil || len(entries) != 2 || entries[1].Action != audit.UserInvite || entries[1].ActorName != "system" || entries[0].Action != audit.UserInviteAccept {
		t.Fatalf("audit: %+v %v", entries, err)
	}
}
