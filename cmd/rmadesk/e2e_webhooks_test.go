package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rmadesk/rmadesk/internal/webhook"
)

// hookReceiver is an organisation's system on loopback: it verifies each
// message with the secrets the test copied from the portal's pages, and
// answers 503 to the first message when told to.
type hookReceiver struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	secrets  []string // every one must verify each message
	failNext bool
	tried    int     // requests answered, failed or not
	got      []taken // the messages verified and taken
}

// taken is a message the receiver verified, with how many secrets.
type taken struct {
	Type    string
	Secrets int
}

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{t: t}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.tried++
		if r.failNext {
			r.failNext = false
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "down for maintenance until 10:00")
			return
		}
		for _, s := range r.secrets {
			if err := webhook.Verify(s, req.Header, body, time.Now()); err != nil {
				t.Errorf("the receiver refused a message with the secret %.12s…: %v", s, err)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
		}
		var m struct{ Type string }
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("the receiver got %s: %v", body, err)
		}
		r.got = append(r.got, taken{Type: m.Type, Secrets: len(r.secrets)})
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *hookReceiver) set(f func(r *hookReceiver)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r)
}

// waitFor waits until cond holds of the receiver.
func (r *hookReceiver) waitFor(what string, cond func(r *hookReceiver) bool) {
	r.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		ok := cond(r)
		r.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.t.Fatalf("the receiver: %s did not happen (tried %d, got %v)", what, r.tried, r.got)
}

var secretPattern = regexp.MustCompile(`^whsec_[A-Za-z0-9+/=]+$`)

// TestPortalWebhooks: in a real browser, the demo's admin adds a webhook
// endpoint for the Pixfra distributor pointing at a receiver on loopback
// (the desk allows private addresses), first with a mistake the form
// names on its field, and copies the secret the page shows once. The
// distributor writes on an RMA; the receiver fails the first message, and
// the log shows the failure with the receiver's answer; the admin sends
// it again from the log, and the receiver verifies it with the secret
// from the page. The secret is renewed (both secrets sign meanwhile), a
// period sent again, the endpoint disabled and deleted, which asks first;
// the distributor sees its endpoint under its own navigation, and the
// audit log has every change. Every page is audited with axe-core at
// desktop and phone width, in English and Dutch.
func TestPortalWebhooks(t *testing.T) {
	t.Parallel()
	chromium := needChromium(t, "the webhooks browser test")
	out := t.ArtifactDir()
	dir := t.TempDir()
	base, stop := startServeWith(t, nil, "--demo", "--data-dir", dir, "--webhook-allow-private")
	t.Cleanup(func() { _ = stop() })
	recv := newHookReceiver(t)
	b := startBrowser(t, chromium, out)

	admin := b.newTab("admin", base)
	admin.signIn("admin@demo.example", demoPassword)
	// both checks the page shown in English, then reloads it in Dutch.
	both := func(tb *tab, name string) {
		t.Helper()
		path := strings.TrimPrefix(read(tb, "reading the location", chromedp.Location()), base)
		tb.check(name)
		tb.open("/lang/nl?next=" + path)
		tb.check(name + " nl")
		tb.open("/lang/en?next=" + path)
	}

	// 1. The list, empty, from the admin's navigation.
	if path := admin.click("opening Webhooks", `#admin-nav a[href="/webhooks"]`); path != "/webhooks" {
		t.Fatalf("Webhooks led to %s", path)
	}
	if got := admin.text("#webhooks-empty"); !strings.Contains(got, "No endpoints yet") {
		t.Errorf("the empty list says %q", got)
	}
	both(admin, "webhooks empty")
	admin.click("opening Add an endpoint", "#webhook-new")
	both(admin, "new endpoint")

	// 2. A mistake, named on its field, what was typed kept; in Dutch too.
	orgID := read(admin, "finding the distributor's option", chromedp.Evaluate[string](
		`[...document.querySelectorAll("#f-org option")].find(o => o.text.startsWith("Demo Distributor for Pixfra")).value`))
	fill := func(url string) {
		admin.do("filling in the endpoint",
			chromedp.SetValue(chromedp.ID("f-org"), orgID),
			chromedp.SetValue(chromedp.ID("f-url"), url),
			chromedp.SetValue(chromedp.ID("f-description"), "Pixfra ERP"),
			chromedp.Click(chromedp.ID("scope-some")),
		)
	}
	fill("ftp://" + strings.TrimPrefix(recv.srv.URL, "http://") + "/hooks")
	admin.navigateStatus("adding it with an ftp:// address and no event ticked", http.StatusUnprocessableEntity, chromedp.Click(chromedp.ID("webhook-save")))
	if got := admin.text("#f-url-err"); !strings.Contains(got, "starting with https://") {
		t.Errorf("the URL's message: %q", got)
	}
	if got := admin.text("#f-event_types-err"); !strings.Contains(got, "Tick at least one event") {
		t.Errorf("the events' message: %q", got)
	}
	if got := read(admin, "reading the description kept", chromedp.Value(chromedp.ID("f-description"))); got != "Pixfra ERP" {
		t.Errorf("the refused form lost the description: %q", got)
	}
	admin.check("new endpoint with mistakes")
	admin.open("/lang/nl?next=/webhooks/new")
	fill("https://erp pixfra/%zz")
	admin.navigateStatus("adding it with a broken address, in Dutch", http.StatusUnprocessableEntity, chromedp.Click(chromedp.ID("webhook-save")))
	if got := admin.text("#f-url-err"); !strings.Contains(got, "begint met https://") {
		t.Errorf("the URL's message in Dutch: %q", got)
	}
	admin.check("new endpoint with mistakes nl")
	admin.open("/lang/en?next=/webhooks/new")

	// 3. Added: the secret, once.
	fill(recv.srv.URL + "/hooks")
	admin.do("ticking Message added", chromedp.Click(chromedp.CSS(`input[name=event_types][value="rma.message_added"]`)))
	admin.click("adding the endpoint", "#webhook-save")
	if got := admin.text("main"); !strings.Contains(got, "only time the secret is shown") {
		t.Errorf("the secret's page does not say it is shown once:\n%s", got)
	}
	secret := strings.TrimSpace(admin.text("#new-secret"))
	if !secretPattern.MatchString(secret) {
		t.Fatalf("the page shows the secret %q", secret)
	}
	recv.set(func(r *hookReceiver) { r.secrets = []string{secret}; r.failNext = true })
	admin.check("secret shown once")
	admin.click("back to the list", "#webhooks-back")
	list := admin.text("#webhooks")
	for _, want := range []string{recv.srv.URL + "/hooks", "Demo Distributor for Pixfra", "Pixfra ERP", "Message added", "Enabled"} {
		if !strings.Contains(list, want) {
			t.Errorf("the list lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(admin.text("main"), secret) {
		t.Error("the list shows the secret")
	}
	both(admin, "webhooks one endpoint")
	editPath := strings.TrimPrefix(read(admin, "reading the edit link", chromedp.AttributeValue(chromedp.CSS(`#webhooks a[href^="/webhooks/"]:not([href$="/log"])`), "href")).Value, base)
	logPath := editPath + "/log"

	// 4. The distributor writes on an RMA: the receiver fails the first
	// message; the log says so, with the receiver's answer.
	req := b.newTab("requester", base)
	req.signIn("pixfra@demo.example", demoPassword)
	rmaPath := req.click("opening an RMA", `main table a[href^="/rmas/"]`)
	req.do("writing to the desk", chromedp.SendKeys(chromedp.ID("msg"), "Any news on the repair?"))
	req.click("sending the message", `.thread-form button[value=message]`)
	recv.waitFor("the first message's attempt", func(r *hookReceiver) bool { return r.tried >= 1 })
	admin.open(logPath)
	if got := admin.text("#attempt-log"); !strings.Contains(got, "503") || !strings.Contains(got, "down for maintenance") || !strings.Contains(got, "Message added") {
		t.Errorf("the log after the failure:\n%s", got)
	}
	both(admin, "delivery log with a failure")

	// 5. Sent again from the log; the receiver verifies it.
	admin.click("sending the message again", `#deliveries button[type=submit]`)
	if got := admin.text("p.flash"); !strings.Contains(got, "queued to be sent again: 1") {
		t.Errorf("after sending again: %q", got)
	}
	recv.waitFor("the message verified", func(r *hookReceiver) bool { return len(r.got) >= 1 })
	deadline := time.Now().Add(20 * time.Second)
	for admin.open(logPath); !strings.Contains(admin.text("#deliveries"), "Delivered") && time.Now().Before(deadline); admin.open(logPath) {
		time.Sleep(200 * time.Millisecond)
	}
	if got := admin.text("#deliveries"); !strings.Contains(got, "Delivered") {
		t.Errorf("the log after sending again:\n%s", got)
	}
	if got := admin.text("#attempt-log"); !strings.Contains(got, "200") {
		t.Errorf("the attempts after sending again:\n%s", got)
	}
	admin.click("opening the message's attempts", `#deliveries a[href*="delivery="]`)
	both(admin, "delivery log one message")

	// 6. A new secret, in Dutch: the old one keeps signing for a day.
	admin.open("/lang/nl?next=" + editPath)
	admin.click("making a new secret", "#webhook-rotate")
	if got := admin.text("#previous-until"); !strings.Contains(got, "blijft werken tot") {
		t.Errorf("the rotation says %q", got)
	}
	newSecret := strings.TrimSpace(admin.text("#new-secret"))
	if !secretPattern.MatchString(newSecret) || newSecret == secret {
		t.Fatalf("the new secret is %q", newSecret)
	}
	admin.check("secret renewed nl")
	admin.open("/lang/en?next=" + editPath)
	recv.set(func(r *hookReceiver) { r.secrets = []string{secret, newSecret} })
	req.open(rmaPath)
	req.do("writing again", chromedp.SendKeys(chromedp.ID("msg"), "Thank you."))
	req.click("sending the second message", `.thread-form button[value=message]`)
	recv.waitFor("the second message, signed with both secrets", func(r *hookReceiver) bool {
		return len(r.got) > 0 && r.got[len(r.got)-1].Secrets == 2
	})

	// 7. A period sent again; a period that ends before it starts is
	// refused on its field.
	admin.open(logPath)
	from := time.Now().UTC().Add(-time.Hour).Format("2006-01-02T15:04")
	admin.do("choosing a period that ends first", chromedp.SetValue(chromedp.ID("f-from"), from),
		chromedp.SetValue(chromedp.ID("f-to"), time.Now().UTC().Add(-2*time.Hour).Format("2006-01-02T15:04")))
	admin.navigateStatus("sending it again", http.StatusUnprocessableEntity, chromedp.Click(chromedp.ID("replay-range")))
	if got := admin.text("#f-to-err"); !strings.Contains(got, "after the start") {
		t.Errorf("the period's message: %q", got)
	}
	admin.check("replay a period with a mistake")
	admin.do("leaving the end open", chromedp.SetValue(chromedp.ID("f-to"), ""))
	var before int
	recv.set(func(r *hookReceiver) { before = len(r.got) })
	admin.click("sending the last hour again", "#replay-range")
	if got := admin.text("p.flash"); !strings.Contains(got, "queued to be sent again: 2") {
		t.Errorf("after sending a period again: %q", got)
	}
	recv.waitFor("the period sent again", func(r *hookReceiver) bool { return len(r.got) >= before+2 })

	// 8. The distributor sees its endpoint under its own navigation.
	if path := req.click("opening Webhooks", "#nav-webhooks"); path != "/webhooks" {
		t.Fatalf("the requester's Webhooks led to %s", path)
	}
	if got := req.text("#webhooks"); !strings.Contains(got, recv.srv.URL) || strings.Contains(got, "Demo Distributor") {
		t.Errorf("the requester's list:\n%s", got)
	}
	both(req, "requester webhooks")
	req.click("opening the endpoint", `#webhooks a[href^="/webhooks/"]:not([href$="/log"])`)
	if req.has(`input[value="rma.note_added"]`) {
		t.Error("the requester is offered the desk's own event types")
	}
	both(req, "requester edit endpoint")

	// 9. Disabled, then deleted, which asks first.
	admin.open(editPath)
	both(admin, "edit endpoint")
	admin.click("disabling it", "#webhook-disable")
	if got := admin.text("#webhooks"); !strings.Contains(got, "Disabled") || !strings.Contains(got, "disabled by admin@demo.example") {
		t.Errorf("the list after disabling:\n%s", got)
	}
	both(admin, "webhooks disabled")
	admin.open(editPath)
	admin.click("asking to delete it", "#webhook-delete")
	both(admin, "delete endpoint")
	admin.click("deleting it", "#webhook-delete-confirm")
	if got := admin.text("p.flash"); !strings.Contains(got, "Deleted the endpoint") {
		t.Errorf("after deleting: %q", got)
	}
	if !admin.has("#webhooks-empty") {
		t.Error("the endpoint is still listed")
	}

	// 10. The audit log has it all.
	admin.open("/admin/audit?action=webhook.")
	audit := admin.text("main")
	for _, want := range []string{"Webhook endpoint added", "Webhook endpoint changed", "Webhook secret renewed", "Webhook messages sent again", "Webhook endpoint deleted"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}
	both(admin, "audit log webhooks")
	for _, e := range b.consoleErrors() {
		// Chromium logs the refused forms' 422s, which the test asked for.
		if !strings.Contains(e, "error: Failed to load resource: the server responded with a status of 422") ||
			(!strings.Contains(e, "/webhooks/new:1:") && !strings.Contains(e, "/replay:1:")) {
			t.Errorf("console: %s", e)
		}
	}
}
