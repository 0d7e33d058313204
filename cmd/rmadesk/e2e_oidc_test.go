package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rmadesk/rmadesk/internal/sso/ssotest"
)

// TestPortalSignInWithProvider: desk staff sign in with the company's
// identity provider, a real OpenID Connect provider (zitadel's certified
// library, internal/sso/ssotest) started by the test on loopback. The
// admin sets it up at /admin/sign-in with a password; an agent clicks
// "Sign in with Contoso", signs in at the provider and lands on the desk's
// queue as an agent; someone whose groups map to no role, a disabled user
// and a tampered state are refused with a plain message. The desk's pages
// are audited with axe-core at desktop and phone width, in English and
// Dutch.
func TestPortalSignInWithProvider(t *testing.T) {
	t.Parallel()
	chromium := needChromium(t, "the identity provider's browser test")
	out := t.ArtifactDir()
	t.Logf("screenshots: %s", out)
	provider := ssotest.Start(t, "",
		ssotest.Person{Username: "ann", Password: "ann-pw", Email: "agent@demo.example", EmailVerified: true, Name: "Ann Agent", Groups: []string{"desk-agents"}},
		ssotest.Person{Username: "sam", Password: "sam-pw", Email: "sam@demo.example", EmailVerified: true, Name: "Sam Sales", Groups: []string{"sales"}},
		ssotest.Person{Username: "gone", Password: "gone-pw", Email: "gone@demo.example", EmailVerified: true, Groups: []string{"desk-agents"}},
	)
	dir := t.TempDir()
	base, stop := startServe(t, "--demo", "--data-dir", dir)
	t.Cleanup(func() { _ = stop() })
	provider.SetRedirectURI(base + "/login/oidc/callback")
	const pw = "a long enough password"
	cli(t, pw+"\n", "user", "create", "--data-dir", dir, "--org", "Demo Desk", "--email", "gone@demo.example", "--role", "agent")
	cli(t, "", "user", "disable", "--email", "gone@demo.example", "--data-dir", dir)
	b := startBrowser(t, chromium, out)

	// both checks the page a tab shows in English and in Dutch.
	both := func(tb *tab, name string) {
		t.Helper()
		at := read(tb, "reading the location", chromedp.Location())
		path := strings.TrimPrefix(at, base)
		tb.check(name)
		tb.open("/lang/nl?next=" + path)
		tb.check(name + " nl")
		tb.open("/lang/en?next=" + path)
	}

	// 1. The admin sets the provider up.
	admin := b.newTab("admin", base)
	admin.signIn("admin@demo.example", demoPassword)
	admin.open("/admin/sign-in")
	both(admin, "sign-in settings, empty")
	admin.do("filling in the provider",
		chromedp.SendKeys(chromedp.ID("sso-name"), "Contoso"),
		chromedp.SendKeys(chromedp.ID("sso-issuer"), provider.Issuer),
		chromedp.SendKeys(chromedp.ID("sso-client"), provider.ClientID),
		chromedp.SendKeys(chromedp.ID("sso-secret"), provider.ClientSecret),
		chromedp.SetValue(chromedp.ID("sso-roles"), "desk-admins = admin\ndesk-agents = agent\ndesk-techs = technician"),
	)
	admin.click("saving the provider", "#sso-save")
	if got := admin.text("p.flash"); !strings.Contains(got, "Saved.") || strings.Contains(got, "cannot reach") {
		t.Fatalf("saving the provider: %q", got)
	}
	if strings.Contains(read(admin, "reading the page", chromedp.OuterHTML(chromedp.CSS("html"))), provider.ClientSecret) {
		t.Fatal("the settings page shows the client secret")
	}
	both(admin, "sign-in settings, saved")

	// signInAt clicks the provider's button and signs in at its form;
	// the page that follows is the desk's answer.
	signInAt := func(tb *tab, user, password string) {
		t.Helper()
		if path := tb.click("clicking Sign in with Contoso", "#sign-in-provider"); !strings.HasPrefix(path, "/login/username") {
			// The provider's own page: not the desk's, so not audited.
			if !strings.Contains(path, "/login/username") {
				t.Fatalf("%s: the button led to %s", tb.who, path)
			}
		}
		tb.do("signing in at the provider",
			chromedp.SendKeys(chromedp.ID("username"), user),
			chromedp.SendKeys(chromedp.ID("password"), password),
			chromedp.Click(chromedp.ID("submit")),
		)
	}

	// 2. An agent signs in with the provider and lands on the queue.
	agent := b.newTab("agent", base)
	agent.open("/login")
	if got := agent.text("#sign-in-provider"); got != "Sign in with Contoso" {
		t.Fatalf("the sign-in page's button: %q", got)
	}
	both(agent, "sign-in page with the provider")
	agent.open("/login")
	signInAt(agent, "ann", "ann-pw")
	agent.do("waiting for the queue", chromedp.WaitVisible(chromedp.CSS(`nav a[href="/receiving"]`)))
	if at := read(agent, "reading the location", chromedp.Location()); at != base+"/rmas" {
		t.Fatalf("the agent landed at %s, not the queue", at)
	}
	if who := agent.text("header .who span"); who != "agent@demo.example" {
		t.Fatalf("signed in as %q", who)
	}
	both(agent, "queue after signing in with the provider")

	// 3. Refusals, each with a plain message on the sign-in page.
	for _, tc := range []struct{ who, user, password, want string }{
		{"sales", "sam", "sam-pw", "none of your groups gives you a role at the desk"},
		{"disabled", "gone", "gone-pw", "This account is disabled"},
	} {
		tb := b.newTab(tc.who, base)
		tb.open("/login")
		signInAt(tb, tc.user, tc.password)
		tb.do("waiting for the refusal", chromedp.WaitVisible(chromedp.CSS("p.error")))
		if got := tb.text("p.error"); !strings.Contains(got, tc.want) {
			t.Errorf("%s: refused with %q, want %q", tc.who, got, tc.want)
		}
		tb.check("refused: " + tc.who)
		if tb.has(`nav a[href="/receiving"]`) {
			t.Errorf("%s: refused, yet signed in", tc.who)
		}
	}

	// 4. A tampered state: the flow is started, then a callback with
	// another state comes back.
	tampered := b.newTab("tampered", base)
	tampered.open("/login")
	tampered.click("clicking Sign in with Contoso", "#sign-in-provider")
	tampered.do("coming back with a forged state",
		chromedp.Navigate(base+"/login/oidc/callback?state=forged&code=forged"),
		chromedp.WaitVisible(chromedp.CSS("p.error")))
	if got := tampered.text("p.error"); !strings.Contains(got, "expired or was already used") {
		t.Errorf("tampered state: refused with %q", got)
	}
	tampered.open("/lang/nl?next=/login")
	tampered.open("/login")
	tampered.click("clicking Aanmelden met Contoso", "#sign-in-provider")
	tampered.do("coming back with a forged state, in Dutch",
		chromedp.Navigate(base+"/login/oidc/callback?state=forged&code=forged"),
		chromedp.WaitVisible(chromedp.CSS("p.error")))
	if got := tampered.text("p.error"); !strings.Contains(got, "verlopen of al gebruikt") {
		t.Errorf("tampered state in Dutch: refused with %q", got)
	}
	tampered.check("refused: tampered state nl")

	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
