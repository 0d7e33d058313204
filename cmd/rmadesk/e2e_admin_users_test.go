package main

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// apiStatus calls the API at base with key and returns the status only.
func apiStatus(t *testing.T, base, key, path string) int {
	t.Helper()
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// selectByLabel chooses the option of the select id whose text is label.
func selectByLabel(id, label string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => {
  const s = document.getElementById(` + strconv.Quote(id) + `);
  const o = Array.from(s.options).find(o => o.text === ` + strconv.Quote(label) + `);
  if (!o) throw new Error("no option " + ` + strconv.Quote(label) + `);
  s.value = o.value;
})()`)
}

// TestPortalAdminUsersAndKeys: in a real browser, the demo desk's admin
// invites an agent; the invitation arrives by mail (the test's own SMTP
// server); the agent opens the link, chooses a password, is signed in and
// sees the work queue, and signs in again with it; the used link then
// says so. The admin makes an API key for a requester organisation, reads
// it once, the key works (200), the admin revokes it and its next call is
// 401. The audit log lists the invitation, the key made and revoked. Every
// page is audited with axe-core at desktop and phone width, and the
// administration is walked again in Dutch.
func TestPortalAdminUsersAndKeys(t *testing.T) {
	t.Parallel()
	chromium := needChromium(t, "the administration's browser test")
	out := t.ArtifactDir()
	t.Logf("screenshots: %s", out)
	mailbox := startMailbox(t)
	const publicURL = "https://rma.e2e.example"
	dir := t.TempDir()
	base, stop := startServeWith(t, mailbox.relay("returns@desk.e2e.example", publicURL), "--demo", "--data-dir", dir)
	t.Cleanup(func() { _ = stop() })
	b := startBrowser(t, chromium, out)

	// 1. The admin invites an agent.
	admin := b.newTab("admin", base)
	admin.signIn("admin@demo.example", demoPassword)
	admin.click("opening the users", `#admin-nav a[href="/admin/users"]`)
	admin.check("users")
	const agentEmail = "erik@demo.example"
	admin.do("filling in the invitation",
		chromedp.SendKeys(chromedp.ID("invite-name"), "Erik Agent"),
		chromedp.SendKeys(chromedp.ID("invite-email"), agentEmail),
		selectByLabel("invite-org", "Demo Desk"),
		selectByLabel("invite-role", "agent"),
	)
	admin.click("sending the invitation", `form[action="/admin/users"] button[type=submit]`)
	if got := admin.text("p.flash"); got != "Invitation sent to "+agentEmail+"." {
		t.Fatalf("after inviting: %q", got)
	}
	row := `tr[data-email="` + agentEmail + `"]`
	if got := admin.text(row + " td.status-invited"); !strings.HasPrefix(got, "invited, link valid until") {
		t.Errorf("the invited agent's status: %q", got)
	}
	admin.check("users, an agent invited")

	// 2. The invitation arrives; the agent chooses a password.
	mail := mailbox.waitFor(t, agentEmail, 10*time.Second, "You are invited")[0]
	m := regexp.MustCompile(regexp.QuoteMeta(publicURL) + `(/invite/[A-Za-z0-9_-]{43})`).FindStringSubmatch(mail.Text)
	if m == nil || !strings.Contains(mail.Text, "admin@demo.example invited you") {
		t.Fatalf("the invitation mail:\n%s", mail.Text)
	}
	invite := m[1]
	agent := b.newTab("agent", base)
	agent.open(invite)
	if got := agent.text("main h1"); got != "Welcome to the desk" {
		t.Errorf("the invitation page is titled %q", got)
	}
	agent.check("invitation")
	const agentPassword = "erik's own long password"
	agent.do("choosing a password", chromedp.SendKeys(chromedp.ID("password"), agentPassword))
	if path := agent.click("setting the password", `main form button[type=submit]`); !strings.HasPrefix(path, "/rmas") {
		t.Fatalf("setting the password led to %s", path)
	}
	if got := agent.text("main h1"); got != "Work queue" {
		t.Fatalf("the new agent sees %q, not the work queue", got)
	}
	agent.check("the new agent's work queue")
	agent.click("signing out", `form[action="/logout"] button`)
	agent.signIn(agentEmail, agentPassword)
	if got := agent.text("main h1"); got != "Work queue" {
		t.Fatalf("signed in again, the agent sees %q", got)
	}
	// The link is used up, and says so plainly.
	other := b.newTab("someone", base)
	other.navigateStatus("opening the used link", http.StatusGone, chromedp.Navigate(base+invite))
	if got := other.text("p.error"); !strings.Contains(got, "already been used") {
		t.Errorf("the used link says %q", got)
	}
	other.check("a used invitation link")
	admin.open("/admin/users")
	if got := admin.text(row + " td:nth-child(5)"); got == "never" || !strings.HasSuffix(got, "UTC") {
		t.Errorf("the agent's last sign-in: %q", got)
	}

	// 3. A key for a requester organisation, shown once; it works.
	admin.click("opening the API keys", `#admin-nav a[href="/admin/keys"]`)
	admin.check("API keys")
	admin.do("filling in the key",
		selectByLabel("key-org", "Demo Distributor for Pixfra"),
		selectByLabel("key-role", "requester"),
		chromedp.SendKeys(chromedp.ID("key-name"), "E2E link"),
	)
	admin.click("creating the key", `form[action="/admin/keys"] button[type=submit]`)
	key := admin.text("#new-key")
	if !regexp.MustCompile(`^rk_[a-z2-7]{8}_[a-z2-7]{32}$`).MatchString(key) {
		t.Fatalf("the new key reads %q", key)
	}
	admin.check("API key created, shown once")
	if !admin.has("#copy-key:not([hidden])") {
		t.Error("the copy button is not shown with the page's script")
	}
	prefix := key[3:11]
	if got := apiStatus(t, base, key, "/api/v1/rmas"); got != http.StatusOK {
		t.Fatalf("the new key's call: %d", got)
	}
	admin.open("/admin/keys")
	if admin.has("#new-key") {
		t.Fatal("the key is shown a second time")
	}
	keyRow := `tr[data-prefix="` + prefix + `"]`
	if got := admin.text(keyRow + " td.last-used"); got == "never" {
		t.Errorf("the key's last use: %q", got)
	}
	admin.click("revoking the key", keyRow+" td.revoked button")
	if got := admin.text("p.flash"); !strings.Contains(got, prefix) {
		t.Errorf("after revoking: %q", got)
	}
	if got := apiStatus(t, base, key, "/api/v1/rmas"); got != http.StatusUnauthorized {
		t.Fatalf("the revoked key's call: %d, want 401", got)
	}
	admin.check("API keys, one revoked")

	// 4. The audit log.
	admin.click("opening the audit log", `#admin-nav a[href="/admin/audit"]`)
	log := admin.text("#audit-log")
	for _, want := range []string{"User invited", agentEmail, "Invitation accepted", "API key created", "API key revoked", "Demo Distributor for Pixfra", "admin@demo.example"} {
		if !strings.Contains(log, want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}
	admin.check("audit log")
	admin.do("filtering by API key actions", chromedp.SetValue(chromedp.ID("f-action"), "key."))
	admin.click("filtering", `form.filters button[type=submit]`)
	if n := read(admin, "counting rows", chromedp.Evaluate[int](`document.querySelectorAll("#audit-log tbody tr").length`)); n < 2 ||
		admin.has(`#audit-log tr[data-action^="user."]`) {
		t.Errorf("filtered by key actions: %d rows, or user actions among them", n)
	}
	admin.check("audit log, key actions")

	// 5. The administration in Dutch.
	admin.open("/lang/nl?next=/admin/users")
	if got := admin.text("main h1"); got != "Gebruikers" {
		t.Errorf("the users page in Dutch is titled %q", got)
	}
	admin.check("users in Dutch")
	admin.open("/admin/keys")
	admin.check("API keys in Dutch")
	admin.open("/admin/audit")
	if got := admin.text("#audit-log caption"); got != "Beheerhandelingen, nieuwste eerst" {
		t.Errorf("the audit log in Dutch: %q", got)
	}
	admin.check("audit log in Dutch")
	other.open("/lang/nl?next=/rmas")
	other.navigateStatus("opening the used link in Dutch", http.StatusGone, chromedp.Navigate(base+invite))
	if got := other.text("p.error"); !strings.Contains(got, "al gebruikt") {
		t.Errorf("the used link in Dutch says %q", got)
	}
	other.check("a used invitation link in Dutch")

	// The used link answers 410 Gone, which Chromium notes in the console;
	// anything else there is a fault.
	var errs []string
	for _, e := range b.consoleErrors() {
		if !strings.Contains(e, invite) || !strings.Contains(e, "status of 410") {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		t.Errorf("the pages wrote errors to the console:\n%s", strings.Join(errs, "\n"))
	}
}
