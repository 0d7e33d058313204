package web

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// hostileNext are redirect targets that leave the site, or could once a
// browser has normalised them; each must become "/".
var hostileNext = []string{
	"//evil.example/",
	"///evil.example/",
	"////evil.example/",
	"/\t/evil.example/",
	"/\n/evil.example/",
	"/\r/evil.example/",
	"/\r\n/evil.example/",
	"\t//evil.example/",
	" //evil.example/",
	" /rmas",
	"/rmas ",
	"/ /evil.example/",
	"\x00/rmas",
	"/\x00/evil.example/",
	"/\x7f/evil.example/",
	"/\\evil.example/",
	"\\\\evil.example/",
	"/\\/evil.example/",
	"\\/evil.example/",
	"/%2F%2Fevil.example/",
	"/%2f%2fevil.example/",
	"/%5C%5Cevil.example/",
	"/%5cevil.example",
	"/%09/evil.example/",
	"/%0a/evil.example/",
	"/%0D%0A/evil.example/",
	"/%00",
	"/./evil.example",
	"/.//evil.example/",
	"/../evil.example",
	"/rmas/../../evil.example",
	"/%2e%2e/evil.example",
	"/%2E/%2E%2E/x",
	"/a//b",
	"https:evil.example",
	"https:/evil.example",
	"https://evil.example/",
	"http://evil.example",
	"HTTPS://evil.example",
	"javascript:alert(1)",
	"data:text/html,<script>alert(1)</script>",
	"evil.example",
	"rmas",
	"./rmas",
	"../rmas",
	"?next=//evil.example",
	"#//evil.example",
	"/\u3000/evil.example/", // ideographic space
	"/\uff0f/evil.example/", // fullwidth solidus
	"/\u2215evil.example/",  // division slash
	"/\u200b/evil.example/", // zero-width space
	"/\u0085/evil.example/", // next line
	"/rmas?q=\u202e",        // a right-to-left override
	"",
}

// TestSafeNext: only a plain local path survives.
func TestSafeNext(t *testing.T) {
	for _, next := range hostileNext {
		if got := safeNext(next); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", next, got)
		}
	}
	long := "/rmas?q="
	for len(long) <= maxNextBytes {
		long += "x"
	}
	if got := safeNext(long); got != "/" {
		t.Errorf("safeNext of %d bytes = %.20q…, want /", len(long), got)
	}
	for _, next := range []string{
		"/", "/rmas", "/rmas/", "/rmas/1", "/rmas/new?policy=pixfra", "/rmas?state=submitted&q=a%20b",
		"/rmas/1#messages", "/serials?serial=PXF%2F1", "/@evil.example", "/rmas?next=//x",
	} {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q, want it kept", next, got)
		}
	}
}

// roundTrip sends one request and returns the answer as it came, so that
// a Location header no client would follow is still seen.
func (p *portal) roundTrip(method, path string, form url.Values) *http.Response {
	p.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, p.srv.URL+path, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil { // a header no client can read, say
		p.t.Errorf("%s %s: %v", method, path, err)
		return &http.Response{Header: http.Header{}}
	}
	resp.Body.Close()
	return resp
}

// TestOpenRedirect: neither door that follows next= (the language switch
// and sign-in) sends the browser anywhere but this site.
func TestOpenRedirect(t *testing.T) {
	p := newPortal(t)
	for _, next := range hostileNext {
		resp := p.roundTrip("GET", "/lang/en?next="+url.QueryEscape(next), nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Errorf("GET /lang/en?next=%q: %d Location %q, want 303 /", next, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	// Sign-in attempts are limited per address, so a few hostile forms
	// (each a successful sign-in) prove the same check there.
	for i, next := range []string{"/\t/evil.example/", "/%2F%2Fevil.example/", "/\\evil.example", "///evil.example", "https:evil.example", "/\r\n/evil.example"} {
		resp := p.roundTrip("POST", "/login", url.Values{"email": {"agent@desk.example"}, "password": {password}, "next": {next}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Errorf("#%d POST /login next=%q: %d Location %q, want 303 /", i, next, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	// A plain local path is kept on both doors.
	resp, _ := p.do(p.browser(), "GET", "/lang/nl?next="+url.QueryEscape("/rmas/1?x=1"), nil, "")
	if resp.Header.Get("Location") != "/rmas/1?x=1" {
		t.Errorf("GET /lang/nl with a local next: Location %q", resp.Header.Get("Location"))
	}
	resp, _ = p.form(p.browser(), "/login", url.Values{"email": {"agent@desk.example"}, "password": {password}, "next": {"/rmas/1"}})
	if resp.Header.Get("Location") != "/rmas/1" {
		t.Errorf("POST /login with a local next: Location %q", resp.Header.Get("Location"))
	}
}

// flashCookieValue signs a flash payload as a portal with key would, for
// cookies the server did not make (expired, another key).
func flashCookieValue(key []byte, expires time.Time, kind flashKind, msg string) string {
	s := &Server{cfg: Config{SessionKey: key}}
	payload := binary.BigEndian.AppendUint64(nil, uint64(expires.Unix()))
	payload = append(append(payload, byte(kind)), msg...)
	return base64.RawURLEncoding.EncodeToString(append(payload, s.flashMAC(payload)...))
}

// TestFlashFromServerOnly: the status banner says only what the server
// left for the page, once; nothing a link or a forged cookie carries.
func TestFlashFromServerOnly(t *testing.T) {
	p := newPortal(t)
	const lie = "Your account is suspended"
	dist := p.signIn("rma@dist.example")
	for _, path := range []string{"/?flash=Your+account+is+suspended", "/rmas?flash=Your+account+is+suspended", "/rmas/new?flash=Your+account+is+suspended"} {
		resp, body := p.do(dist, "GET", path, nil, "")
		if strings.Contains(body, lie) {
			t.Errorf("GET %s (%d) shows the link's words", path, resp.StatusCode)
		}
	}
	if _, body := p.do(p.browser(), "GET", "/login?flash=Your+account+is+suspended", nil, ""); strings.Contains(body, lie) {
		t.Error("GET /login?flash= shows the link's words")
	}

	// A real action's message shows once, then not on reload.
	form, ct := pixfraForm(t, true)
	if resp, body := p.do(dist, "POST", "/rmas/new", form, ct); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	resp, _ := p.form(dist, "/rmas/1/messages", url.Values{"body": {"hello"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("message: %d", resp.StatusCode)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("kind", "other")
	fw, _ := mw.CreateFormFile("file", "extra.png")
	fw.Write(png)
	mw.Close()
	resp, _ = p.do(dist, "POST", "/rmas/1/documents", &buf, mw.FormDataContentType())
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/rmas/1" {
		t.Fatalf("upload: %d %s, want 303 /rmas/1 (no message in the URL)", resp.StatusCode, resp.Header.Get("Location"))
	}
	var set *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == flashCookie {
			set = c
		}
	}
	if set == nil || !set.HttpOnly || set.SameSite != http.SameSiteLaxMode || set.Path != "/" || set.MaxAge <= 0 || set.MaxAge > 300 {
		t.Fatalf("flash cookie %+v, want HttpOnly, SameSite=Lax, Path=/, short-lived", set)
	}
	const done = `<p class="flash" role="status">Done.</p>`
	if _, body := p.do(dist, "GET", "/rmas/1", nil, ""); !strings.Contains(body, done) {
		t.Errorf("the page after the upload lacks %s", done)
	}
	if _, body := p.do(dist, "GET", "/rmas/1", nil, ""); strings.Contains(body, done) {
		t.Error("the message shows again on reload")
	}

	// A cookie the server did not sign as it stands shows nothing.
	u, _ := url.Parse(p.srv.URL)
	key := bytes.Repeat([]byte("k"), 32) // newPortal's
	raw, _ := base64.RawURLEncoding.DecodeString(set.Value)
	tampered := bytes.Clone(raw)
	tampered[9] ^= 'D' ^ 'N' // "Done." becomes "None."
	for name, value := range map[string]string{
		"unsigned":       base64.RawURLEncoding.EncodeToString(append(binary.BigEndian.AppendUint64(nil, uint64(time.Now().Add(time.Minute).Unix())), 's', 'Y', 'o', 'u')),
		"plain text":     lie,
		"tampered":       base64.RawURLEncoding.EncodeToString(tampered),
		"another key":    flashCookieValue(bytes.Repeat([]byte("x"), 32), time.Now().Add(time.Minute), flashStatus, lie),
		"expired":        flashCookieValue(key, time.Now().Add(-time.Second), flashStatus, lie),
		"unknown kind":   flashCookieValue(key, time.Now().Add(time.Minute), 'x', lie),
		"session cookie": "AAAAAAAAAAEAAAAAf____wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	} {
		dist.Jar.SetCookies(u, []*http.Cookie{{Name: flashCookie, Value: value, Path: "/"}})
		_, body := p.do(dist, "GET", "/rmas/1", nil, "")
		if strings.Contains(body, `class="flash"`) || strings.Contains(body, lie) || strings.Contains(body, "None.") {
			t.Errorf("a flash cookie %s shows a message", name)
		}
		for _, c := range dist.Jar.Cookies(u) {
			if c.Name == flashCookie {
				t.Errorf("the %s flash cookie is not cleared", name)
			}
		}
	}
	// The same signature check lets the server's own through (the test's
	// signing is the server's).
	dist.Jar.SetCookies(u, []*http.Cookie{{Name: flashCookie, Value: flashCookieValue(key, time.Now().Add(time.Minute), flashStatus, "Signed."), Path: "/"}})
	if _, body := p.do(dist, "GET", "/rmas/1", nil, ""); !strings.Contains(body, `role="status">Signed.</p>`) {
		t.Error("a flash signed with the server's key is not shown")
	}
}
