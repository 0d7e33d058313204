package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
	"github.com/rmadesk/rmadesk/policies"
)

const password = "a long enough password"

type portal struct {
	t      *testing.T
	srv    *httptest.Server
	svc    *rma.Service
	outbox *notify.Outbox
}

// newPortal's packs are policies the desk runs beside the seeds (an
// example pack: fees_test.go).
func newPortal(t *testing.T, packs ...*policy.Policy) *portal {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "web.db")
	sqlitetest.Prepare(t, path)
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(packs) > 0 {
		if set, err = policy.NewSet(append(set.All(), packs...)); err != nil {
			t.Fatal(err)
		}
	}
	files, err := filestore.Open(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	svc := rma.NewService(db, set, rma.WithClock(func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }))
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
	}{{desk.ID, "agent@desk.example", rma.RoleAgent}, {dist.ID, "rma@dist.example", rma.RoleRequester}} {
		if _, err := accounts.CreateUser(ctx, rma.System, u.org, u.email, "", u.role, password); err != nil {
			t.Fatal(err)
		}
	}
	outbox := &notify.Outbox{}
	s, err := New(svc, Config{Files: files, SessionKey: bytes.Repeat([]byte("k"), 32), Mail: outbox, PublicURL: "https://rma.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &portal{t: t, srv: srv, svc: svc, outbox: outbox}
}

// browser is a client with a cookie jar that does not follow redirects, so
// the test sees them.
func (p *portal) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (p *portal) do(c *http.Client, method, path string, body io.Reader, contentType string, headers ...string) (*http.Response, string) {
	p.t.Helper()
	req, err := http.NewRequest(method, p.srv.URL+path, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (p *portal) form(c *http.Client, path string, values url.Values, headers ...string) (*http.Response, string) {
	p.t.Helper()
	return p.do(c, "POST", path, strings.NewReader(values.Encode()), "application/x-www-form-urlencoded", headers...)
}

func (p *portal) signIn(email string) *http.Client {
	p.t.Helper()
	c := p.browser()
	resp, body := p.form(c, "/login", url.Values{"email": {email}, "password": {password}, "next": {"/rmas"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/rmas" {
		p.t.Fatalf("sign in as %s: %d %s", email, resp.StatusCode, body)
	}
	return c
}

var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func pixfraForm(t *testing.T, withPhotos bool) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{
		"policy": "pixfra", "lines": "1", "kind": "defect", "reference": "PO-77",
		"category_1": "thermal-camera", "part_1": "device", "model_1": "Arc A435", "serial_1": "PXF1", "part_number_1": "1.0.01.08.43501", "quantity_1": "1",
		"fault_1": "no image", "date_invoice_1": "2025-06-01",
		"has_vendor_invoice_1": "1", "has_purchase_receipt_1": "1", "has_shipping_document_1": "1",
	} {
		_ = mw.WriteField(k, v)
	}
	if withPhotos {
		for _, kind := range []string{"label_photo", "appearance_photo"} {
			fw, _ := mw.CreateFormFile("doc_"+kind+"_1", kind+".png")
			fw.Write(png)
		}
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// TestPortalFlow: a distributor previews and files a Pixfra RMA with its
// photos; the desk's agent authorizes it; both see the result.
func TestPortalFlow(t *testing.T) {
	p := newPortal(t)
	anon := p.browser()
	if resp, _ := p.do(anon, "GET", "/rmas", nil, ""); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Fatalf("not signed in: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	dist := p.signIn("rma@dist.example")
	_, body := p.do(dist, "GET", "/rmas/new?policy=pixfra", nil, "")
	for _, want := range []string{`name="doc_label_photo_1"`, `name="doc_appearance_photo_1"`, "Pixfra RMA Policy"} {
		if !strings.Contains(body, want) {
			t.Fatalf("the form lacks %s", want)
		}
	}
	form, ct := pixfraForm(t, false)
	resp, body := p.do(dist, "POST", "/rmas/preview", form, ct, "X-Preview", "fragment")
	// The verdict in plain words: no reason codes, the clause on demand.
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "something is missing") || !strings.Contains(body, "photo of the label") ||
		!strings.Contains(body, "<summary>The policy&#39;s words</summary>") || strings.Contains(body, "label_photo") {
		t.Fatalf("preview: %d %s", resp.StatusCode, body)
	}
	form, ct = pixfraForm(t, true)
	resp, body = p.do(dist, "POST", "/rmas/new", form, ct)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/rmas/1" {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	_, body = p.do(dist, "GET", "/rmas/1", nil, "")
	for _, want := range []string{"submitted", "label_photo.png", "<img src=\"/rmas/1/documents/1\"", "in warranty", "PO-77", "Request sent"} {
		if !strings.Contains(body, want) {
			t.Errorf("the RMA page lacks %q", want)
		}
	}
	if strings.Contains(body, `action="/rmas/1/act/authorize"`) {
		t.Error("a requester is offered to authorize")
	}
	agent := p.signIn("agent@desk.example")
	_, body = p.do(agent, "GET", "/rmas", nil, "")
	if !strings.Contains(body, `href="/rmas/1"`) || !strings.Contains(body, "Work queue") {
		t.Fatalf("the queue lacks the RMA: %s", body)
	}
	_, body = p.do(agent, "GET", "/rmas/1", nil, "")
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
	if version == nil || !strings.Contains(body, `action="/rmas/1/act/authorize"`) {
		t.Fatalf("no authorize form for the agent")
	}
	resp, _ = p.form(agent, "/rmas/1/act/authorize", url.Values{"version": {version[1]}, "resolution": {"repair"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("authorize: %d", resp.StatusCode)
	}
	_, _ = p.do(agent, "GET", "/rmas/1", nil, "") // the page that shows "Done."
	// The same form again, at the old version: the page says so.
	resp, _ = p.form(agent, "/rmas/1/act/authorize", url.Values{"version": {version[1]}, "resolution": {"repair"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/rmas/1" {
		t.Fatalf("stale authorize: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := p.do(agent, "GET", "/rmas/1", nil, ""); !strings.Contains(body, "Someone changed this RMA meanwhile.") {
		t.Fatalf("after a stale authorize the page does not say the RMA changed")
	}
	_, body = p.do(dist, "GET", "/rmas/1", nil, "")
	if !regexp.MustCompile(`<h1>RMA-26-\d{5}-[A-Z]</h1>`).MatchString(body) || !strings.Contains(body, "authorized") {
		t.Fatalf("the requester does not see the number")
	}
}

func TestSignInProtections(t *testing.T) {
	p := newPortal(t)
	c := p.browser()
	resp, body := p.form(c, "/login", url.Values{"email": {"rma@dist.example"}, "password": {"wrong password"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong email or password.") {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	for range 5 {
		resp, _ = p.form(c, "/login", url.Values{"email": {"rma@dist.example"}, "password": {"wrong password"}})
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 6 wrong passwords: %d, want 429", resp.StatusCode)
	}
	// A form posted from another site is refused (CSRF).
	agent := p.signIn("agent@desk.example")
	resp, _ = p.form(agent, "/logout", url.Values{}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site post: %d, want 403", resp.StatusCode)
	}
	// An open redirect through next= is not possible.
	resp, _ = p.form(p.browser(), "/login", url.Values{"email": {"agent@desk.example"}, "password": {password}, "next": {"//evil.example/x"}})
	if resp.Header.Get("Location") != "/" {
		t.Fatalf("next=//evil: %s", resp.Header.Get("Location"))
	}
	// A forged session cookie is not a session.
	forged := p.browser()
	u, _ := url.Parse(p.srv.URL)
	forged.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "AAAAAAAAAAEAAAAAf____wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}})
	if resp, _ := p.do(forged, "GET", "/rmas", nil, ""); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("forged session: %d", resp.StatusCode)
	}
}

func TestLanguages(t *testing.T) {
	p := newPortal(t)
	_, body := p.do(p.browser(), "GET", "/login", nil, "", "Accept-Language", "nl-BE,nl;q=0.9,en;q=0.5")
	if !strings.Contains(body, `<html lang="nl">`) || !strings.Contains(body, "Aanmelden") {
		t.Fatal("Dutch browser, no Dutch page")
	}
	_, body = p.do(p.browser(), "GET", "/login", nil, "", "Accept-Language", "de-DE")
	if !strings.Contains(body, `<html lang="en">`) {
		t.Fatal("unsupported language does not fall back to English")
	}
}

// TestCatalogueComplete: both languages have the same keys, and every key
// a template names exists.
func TestCatalogueComplete(t *testing.T) {
	for _, lang := range Languages {
		for key := range catalogue["en"] {
			if _, ok := catalogue[lang][key]; !ok {
				t.Errorf("%s lacks %q", lang, key)
			}
		}
		for key := range catalogue[lang] {
			if _, ok := catalogue["en"][key]; !ok {
				t.Errorf("%s has %q, English does not", lang, key)
			}
		}
	}
	used := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	entries, _ := os.ReadDir("templates")
	for _, e := range entries {
		src, err := os.ReadFile(filepath.Join("templates", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			if _, ok := catalogue["en"][m[1]]; !ok {
				t.Errorf("%s uses unknown key %q", e.Name(), m[1])
			}
		}
	}
	for _, d := range formDates {
		if _, ok := catalogue["en"]["new."+d]; !ok {
			t.Errorf("no label for date %s", d)
		}
	}
	if !slices.Contains(Languages, "nl") {
		t.Fatal("Dutch is missing")
	}
}

// TestPasswordReset: an emailed link sets a new password once; an unknown
// address gets the same answer and no mail.
func TestPasswordReset(t *testing.T) {
	p := newPortal(t)
	c := p.browser()
	resp, body := p.form(c, "/reset", url.Values{"email": {"nobody@nowhere.example"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "If an account has that email") || len(p.outbox.Sent()) != 0 {
		t.Fatalf("unknown email: %d, %d mails", resp.StatusCode, len(p.outbox.Sent()))
	}
	resp, body2 := p.form(c, "/reset", url.Values{"email": {"RMA@dist.example"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body2, "If an account has that email") {
		t.Fatalf("known email: %d", resp.StatusCode)
	}
	sent := p.outbox.Sent()
	if len(sent) != 1 || sent[0].To != "rma@dist.example" {
		t.Fatalf("mails: %+v", sent)
	}
	link := regexp.MustCompile(`https://rma\.example\.com(/reset/[A-Za-z0-9_-]+)`).FindStringSubmatch(sent[0].Text)
	if link == nil {
		t.Fatalf("no link in %q", sent[0].Text)
	}
	if resp, _ := p.do(c, "GET", link[1], nil, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("the link: %d", resp.StatusCode)
	}
	resp, _ = p.form(c, link[1], url.Values{"password": {"short"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("short password: %d", resp.StatusCode)
	}
	resp, _ = p.form(c, link[1], url.Values{"password": {"a brand new password"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("set: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = p.form(p.browser(), "/login", url.Values{"email": {"rma@dist.example"}, "password": {"a brand new password"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in with the new password: %d", resp.StatusCode)
	}
	if resp, _ := p.do(c, "GET", link[1], nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("the used link still works: %d", resp.StatusCode)
	}
	if resp, _ := p.do(c, "GET", "/reset/AAAA", nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a made-up token: %d", resp.StatusCode)
	}
}
