package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
)

// TestPortalAdminOrgs: in a real browser, the demo's admin opens /admin,
// creates a requester organisation with its address (first with a street
// without a number: the form says so on the field and keeps what was
// typed), changes the language of its emails, creates a service location,
// retries a job that gave up, and sends a test mail, which the in-process
// SMTP server receives. Every page is audited with axe-core at desktop and
// phone width, in English and in Dutch; every action is in the audit log.
func TestPortalAdminOrgs(t *testing.T) {
	t.Parallel()
	chromium := needChromium(t, "the admin's organisations browser test")
	mailbox := startMailbox(t)
	out := t.ArtifactDir()
	dir := t.TempDir()
	base, stop := startServeWith(t, mailbox.relay("returns@desk.admin.example", ""), "--demo", "--data-dir", dir)
	t.Cleanup(func() { _ = stop() })
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "rmadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	dead := deadJob(t, db)

	b := startBrowser(t, chromium, out)
	admin := b.newTab("admin", base)
	admin.signIn("admin@demo.example", demoPassword)
	if path := admin.click("opening Admin", `nav a[href="/admin"]`); path != "/admin" {
		t.Fatalf("Admin led to %s", path)
	}
	if got := admin.text("#attention"); !strings.Contains(got, "1 jobs gave up") {
		t.Errorf("the admin home's attention list: %q", got)
	}
	admin.check("admin home")

	// 1. A requester organisation with its address, first with a mistake.
	admin.click("opening Organisations", `#admin-nav a[href="/admin/orgs"]`)
	admin.check("organisations")
	admin.click("opening New organisation", `#org-new`)
	admin.do("filling in the organisation",
		chromedp.SendKeys(chromedp.ID("f-name"), "Fietsen Jansen"),
		chromedp.SetValue(chromedp.ID("f-role"), "dealer"),
		chromedp.SendKeys(chromedp.ID("f-country"), "NL"),
		chromedp.SendKeys(chromedp.ID("f-email"), "rma@jansen.example"),
		chromedp.SendKeys(chromedp.ID("f-address-street"), "Kerkstraat"),
		chromedp.SendKeys(chromedp.ID("f-address-postcode"), "1017 GC"),
		chromedp.SendKeys(chromedp.ID("f-address-city"), "Amsterdam"),
	)
	admin.navigateStatus("creating it without a house number", 422, chromedp.Click(chromedp.CSS(`#org-form button[type=submit]`)))
	if got := admin.text("#f-address-street-err"); !strings.Contains(got, "has no number") {
		t.Errorf("the street's message: %q", got)
	}
	if got := read(admin, "reading the city kept", chromedp.Value(chromedp.ID("f-address-city"))); got != "Amsterdam" {
		t.Errorf("the refused form lost the city: %q", got)
	}
	admin.check("new organisation with a mistake")
	admin.do("giving the house number", chromedp.SetValue(chromedp.ID("f-address-street"), "Kerkstraat 12"))
	orgPath := admin.click("creating the organisation", `#org-form button[type=submit]`)
	if got := admin.text("p.flash"); !strings.Contains(got, "Fietsen Jansen is created") {
		t.Errorf("after creating: %q", got)
	}
	admin.do("choosing Dutch for its emails", chromedp.SetValue(chromedp.ID("f-language"), "nl"))
	if path := admin.click("saving the language", `#org-form button[type=submit]`); path != orgPath {
		t.Errorf("saving led to %s, not %s", path, orgPath)
	}
	if got := admin.text("p.flash"); !strings.Contains(got, "is saved") {
		t.Errorf("after saving: %q", got)
	}
	admin.check("organisation edited")
	org, err := db.OrgByName(ctx, "Fietsen Jansen")
	if err != nil || org.Address.Street != "Kerkstraat 12" || org.Address.Country != "NL" {
		t.Fatalf("the organisation as stored: %+v, %v", org, err)
	}
	if lang, _, err := db.Languages(ctx, org.ID, 0); err != nil || lang != "nl" {
		t.Errorf("its language: %q, %v", lang, err)
	}
	admin.open("/admin/orgs?role=requesters")
	if got := admin.text("#orgs"); !strings.Contains(got, "Fietsen Jansen") || !strings.Contains(got, "Dutch") {
		t.Errorf("the requesters' list: %q", got)
	}
	admin.check("requester organisations")

	// 2. A service location.
	admin.click("opening Service locations", `#admin-nav a[href="/admin/locations"]`)
	admin.check("service locations")
	admin.click("opening New service location", `#loc-new`)
	admin.do("filling in the location",
		chromedp.SendKeys(chromedp.ID("f-code"), "benelux-hub"),
		chromedp.SendKeys(chromedp.ID("f-name"), "Benelux Returns Hub"),
		chromedp.SendKeys(chromedp.ID("f-address-street"), "Havenweg 7"),
		chromedp.SendKeys(chromedp.ID("f-address-postcode"), "3089 JK"),
		chromedp.SendKeys(chromedp.ID("f-address-city"), "Rotterdam"),
		chromedp.SendKeys(chromedp.ID("f-address-country"), "NL"),
	)
	if path := admin.click("creating the location", `#location-form button[type=submit]`); path != "/admin/locations/benelux-hub" {
		t.Fatalf("creating the location led to %s", path)
	}
	admin.check("service location created")
	if l, err := db.LocationByCode(ctx, "benelux-hub"); err != nil || !l.Active || l.Address.City != "Rotterdam" {
		t.Fatalf("the location as stored: %+v, %v", l, err)
	}

	// 3. The job that gave up, retried.
	admin.click("opening Jobs", `#admin-nav a[href="/admin/jobs"]`)
	if !admin.has(fmt.Sprintf("#job-%d", dead.ID)) {
		t.Fatalf("the dead job %d is not listed: %s", dead.ID, admin.text("main"))
	}
	admin.check("dead jobs")
	admin.click("retrying the job", fmt.Sprintf("#job-%d button", dead.ID))
	if got := admin.text("p.flash"); !strings.Contains(got, fmt.Sprintf("Job %d is queued to run now", dead.ID)) {
		t.Errorf("after the retry: %q", got)
	}
	if j, err := db.Job(ctx, dead.ID); err != nil || j.State == rma.JobDead || j.Attempts > 1 {
		t.Errorf("the job after its retry: %+v, %v", j, err)
	}

	// 4. A test mail through the relay.
	admin.click("opening Settings", `#admin-nav a[href="/admin/settings"]`)
	if got := admin.text("#settings"); !strings.Contains(got, "SQLite") || !strings.Contains(got, mailbox.host) {
		t.Errorf("the settings: %q", got)
	}
	admin.do("giving the address", chromedp.SendKeys(chromedp.ID("f-to"), "ops@admin.example"))
	admin.click("sending the test mail", `main form button[type=submit]`)
	if got := admin.text("#mail-result"); !strings.Contains(got, "accepted the test mail to ops@admin.example") {
		t.Errorf("after sending: %q", got)
	}
	admin.check("settings after a test mail")
	mail := mailbox.waitFor(t, "ops@admin.example", 20*time.Second, "rmadesk test mail")[0]
	if !strings.Contains(mail.Text, "admin@demo.example") {
		t.Errorf("the test mail: %q", mail.Text)
	}

	// 5. Every page again in Dutch, with a refused form.
	admin.open("/lang/nl?next=/admin")
	if got := admin.text("h1"); got != "Beheer" {
		t.Errorf("the Dutch home's heading: %q", got)
	}
	admin.check("admin home, in Dutch")
	for _, page := range []struct{ path, name string }{
		{"/admin/orgs", "organisations, in Dutch"}, {orgPath, "organisation, in Dutch"}, {"/admin/orgs/new", "new organisation, in Dutch"},
		{"/admin/locations", "service locations, in Dutch"}, {"/admin/locations/benelux-hub", "service location, in Dutch"},
		{"/admin/jobs?state=pending", "waiting jobs, in Dutch"}, {"/admin/jobs?state=dead", "dead jobs, in Dutch"}, {"/admin/settings", "settings, in Dutch"},
	} {
		admin.open(page.path)
		admin.check(page.name)
	}
	admin.open("/admin/orgs/new")
	admin.do("a Dutch form without a name", chromedp.SetValue(chromedp.ID("f-role"), "consumer"))
	admin.navigateStatus("sending it", 422, chromedp.Click(chromedp.CSS(`#org-form button[type=submit]`)))
	if got := admin.text("p.error"); !strings.Contains(got, "niet opgeslagen") {
		t.Errorf("the Dutch form's message: %q", got)
	}
	if !admin.has("#f-name-err") {
		t.Error("the Dutch form shows no message on the name")
	}
	admin.check("new organisation refused, in Dutch")

	// Every action is in the audit log, by the admin.
	entries, _, err := db.AuditLog(ctx, audit.Filter{Actor: "admin@demo.example", Limit: audit.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Action)
	}
	want := []string{audit.MailTest, audit.JobRetry, audit.LocationCreate, audit.OrgLanguage, audit.OrgAddress, audit.OrgCreate}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("the audit log has %v, want %v", got, want)
	}
	for _, e := range b.consoleErrors() {
		// Chromium logs the refused forms' 422, which the test asked for.
		if !strings.Contains(e, "/admin/orgs/new:1: error: Failed to load resource: the server responded with a status of 422") {
			t.Errorf("console error: %s", e)
		}
	}
}

// deadJob makes a job give up, as one does after its last attempt: claimed
// and failed until no attempt is left, each time at a date so far ahead
// that the desk's own runner never takes it.
func deadJob(t *testing.T, db interface {
	EnqueueJob(context.Context, *rma.Job) error
	ClaimJob(context.Context, string, time.Time, time.Duration) (*rma.Job, error)
	FailJob(context.Context, int64, string, string, time.Time) error
}) *rma.Job {
	t.Helper()
	ctx := context.Background()
	later := time.Now().AddDate(10, 0, 0)
	j := &rma.Job{Kind: rma.JobNotify, RunAt: later, Payload: map[string]any{"event": "submitted", "to": "requester"}}
	if err := db.EnqueueJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	for range rma.DefaultMaxAttempts {
		c, err := db.ClaimJob(ctx, "e2e", later, time.Minute)
		if err != nil || c.ID != j.ID {
			t.Fatalf("claiming the job: %+v, %v", c, err)
		}
		if err := db.FailJob(ctx, j.ID, "e2e", "dial tcp 192.0.2.1:25: connect: connection timed out", later); err != nil {
			t.Fatal(err)
		}
	}
	return j
}
