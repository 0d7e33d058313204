package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestWebhookForms: a requester's refused endpoint form comes back filled
// in, each message on its field, in the page's language, never a 500; a
// good one shows the secret once; the desk's agent is refused the pages as
// the API refuses it; the admin's audit log has the change.
func TestWebhookForms(t *testing.T) {
	p := newPortal(t)
	admin := p.withAdmin()
	req := p.signIn("rma@dist.example")
	if _, body := p.do(req, "GET", "/rmas", nil, ""); !strings.Contains(body, `href="/webhooks"`) {
		t.Fatal("the requester's navigation does not link the webhooks")
	}
	if resp, _ := p.do(p.signIn("agent@desk.example"), "GET", "/webhooks", nil, ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the agent's /webhooks: %d, want 403", resp.StatusCode)
	}

	good := url.Values{"url": {"https://erp.dist.example/hooks"}, "description": {"ERP"}, "scope": {"some"}, "event_types": {"rma.created", "rma.authorized"}}
	with := func(k string, v ...string) url.Values {
		out := url.Values{}
		for kk, vv := range good {
			out[kk] = vv
		}
		if v == nil {
			out.Del(k)
		} else {
			out[k] = v
		}
		return out
	}
	for _, c := range []struct {
		name   string
		form   url.Values
		field  string
		en, nl string
	}{
		{"not http", with("url", "ftp://erp.dist.example/hooks"), "url", "starting with https://", "begint met https://"},
		{"no URL", with("url", ""), "url", "starting with https://", "begint met https://"},
		{"unparsable", with("url", "https://erp dist/%zz"), "url", "starting with https://", "begint met https://"},
		{"with a password", with("url", "https://a:b@erp.dist.example/"), "url", "without a user name", "zonder gebruikersnaam"},
		{"loopback", with("url", "https://127.0.0.1:8443/hooks"), "url", "127.0.0.1 is a private", "127.0.0.1 is een privé"},
		{"localhost", with("url", "http://localhost/hooks"), "url", "localhost is a private", "localhost is een privé"},
		{"no types ticked", with("event_types"), "event_types", "Tick at least one event", "Vink minstens één gebeurtenis aan"},
		{"the desk's type", with("event_types", "rma.note_added"), "event_types", "Choose events from the list", "Kies gebeurtenissen uit de lijst"},
		{"an unknown type", with("event_types", "rma.exploded"), "event_types", "Choose events from the list", "Kies gebeurtenissen uit de lijst"},
		{"long description", with("description", strings.Repeat("x", 501)), "description", "At most 500 characters", "Hoogstens 500 tekens"},
	} {
		for _, lang := range []string{"en", "nl"} {
			p.do(req, "GET", "/lang/"+lang+"?next=/webhooks", nil, "")
			resp, body := p.form(req, "/webhooks/new", c.form)
			want := c.en
			if lang == "nl" {
				want = c.nl
			}
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-`+c.field+`-err"`) || !strings.Contains(body, want) {
				t.Errorf("%s (%s): %d, want 422 with %q on %s\n%s", c.name, lang, resp.StatusCode, want, c.field, body)
			}
			if v := c.form.Get("url"); v != "" && !strings.Contains(body, `value="`+strings.ReplaceAll(v, "&", "&amp;")) {
				t.Errorf("%s (%s): the form lost the URL typed", c.name, lang)
			}
		}
	}
	p.do(req, "GET", "/lang/en?next=/webhooks", nil, "")
	if _, body := p.do(req, "GET", "/webhooks", nil, ""); !strings.Contains(body, "No endpoints yet") {
		t.Fatalf("a refused form saved an endpoint:\n%s", body)
	}

	resp, body := p.form(req, "/webhooks/new", good)
	// The page escapes a "+" of the secret as &#43;, which a browser shows as "+".
	secret := regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`).FindString(html.UnescapeString(body))
	if resp.StatusCode != http.StatusOK || secret == "" || !strings.Contains(body, "only time the secret is shown") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d %q\n%s", resp.StatusCode, secret, body)
	}
	_, body = p.do(req, "GET", "/webhooks", nil, "")
	if strings.Contains(html.UnescapeString(body), secret) || !strings.Contains(body, "https://erp.dist.example/hooks") || !strings.Contains(body, "RMA submitted") {
		t.Fatalf("the list after creating:\n%s", body)
	}
	id := regexp.MustCompile(`href="/webhooks/(\d+)"`).FindStringSubmatch(body)[1]

	// The edit form and the replay form refuse as the new one does.
	resp, body = p.form(req, "/webhooks/"+id, with("url", "https://10.0.0.7/hooks"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "10.0.0.7 is a private") {
		t.Errorf("edit to a private address: %d\n%s", resp.StatusCode, body)
	}
	for _, c := range []struct {
		form  url.Values
		field string
		want  string
	}{
		{url.Values{"from": {"yesterday"}}, "from", "Enter a date and time"},
		{url.Values{"from": {""}}, "from", "Enter a date and time"},
		{url.Values{"from": {"2026-03-02T10:00"}, "to": {"2026-03-01T10:00"}}, "to", "Must be after the start"},
	} {
		resp, body = p.form(req, "/webhooks/"+id+"/replay", c.form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-`+c.field+`-err"`) || !strings.Contains(body, c.want) {
			t.Errorf("replay %v: %d\n%s", c.form, resp.StatusCode, body)
		}
	}
	if resp, _ = p.form(req, "/webhooks/"+id+"/replay", url.Values{"from": {"2026-03-01T00:00"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("replay a range: %d", resp.StatusCode)
	}
	if resp, _ = p.form(req, "/webhooks/"+id+"/replay", url.Values{"delivery": {"nine"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("replay a delivery that is not a number: %d", resp.StatusCode)
	}
	if resp, _ = p.do(req, "GET", "/webhooks/999999", nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another endpoint: %d", resp.StatusCode)
	}

	_, body = p.do(admin, "GET", "/admin/audit?action=webhook.", nil, "")
	for _, want := range []string{"Webhook endpoint added", "Webhook messages sent again", "https://erp.dist.example/hooks"} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit log lacks %q:\n%s", want, body)
		}
	}
}
