package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/check"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestPortalHistoryAroundMessages: through the portal, a message or an
// upload is a change to the RMA (issue 10, point 12). An agent's authorize
// form rendered before the requester's message is refused with "Someone
// changed this RMA meanwhile" and the page shows the message; once
// authorized, the requester's next message and upload are recorded in
// authorized, never in the state the page showed before, and the checker
// finds the history whole.
func TestPortalHistoryAroundMessages(t *testing.T) {
	p := newPortal(t)
	dist := p.signIn("rma@dist.example")
	form, ct := pixfraForm(t, true)
	if resp, body := p.do(dist, "POST", "/rmas/new", form, ct); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	agent := p.signIn("agent@desk.example")
	versionOn := func() string {
		_, body := p.do(agent, "GET", "/rmas/1", nil, "")
		v := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
		if v == nil {
			t.Fatal("no version in the agent's forms")
		}
		return v[1]
	}
	upload := func(c *http.Client) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("kind", "other")
		fw, _ := mw.CreateFormFile("file", "extra.png")
		fw.Write(png)
		mw.Close()
		if resp, body := p.do(c, "POST", "/rmas/1/documents", &buf, mw.FormDataContentType()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", resp.StatusCode, body)
		}
	}
	message := func(c *http.Client, text string) {
		if resp, body := p.form(c, "/rmas/1/messages", url.Values{"body": {text}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("message: %d %s", resp.StatusCode, body)
		}
	}

	before := versionOn()
	message(dist, "The camera only shows a grey image.")
	resp, _ := p.form(agent, "/rmas/1/act/authorize", url.Values{"version": {before}, "resolution": {"repair"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/rmas/1" {
		t.Fatalf("authorize at the version before the message: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := p.do(agent, "GET", "/rmas/1", nil, "")
	if !strings.Contains(body, "Someone changed this RMA meanwhile.") || !strings.Contains(body, "grey image") {
		t.Fatal("after an authorize at the version before a message, the page does not say the RMA changed and show the message")
	}
	if r, err := p.svc.Store().RMA(t.Context(), 1); err != nil || r.State != rma.Submitted {
		t.Fatalf("the stale authorize changed the RMA: %v %v", r, err)
	}
	resp, _ = p.form(agent, "/rmas/1/act/authorize", url.Values{"version": {versionOn()}, "resolution": {"repair"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("authorize: %d", resp.StatusCode)
	}
	message(dist, "Sent today.")
	upload(dist)

	evs, err := p.svc.Store().Events(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		got = append(got, e.Action+"("+string(e.From)+"->"+string(e.To)+")")
	}
	want := "submit(->submitted) add_document(submitted->submitted) add_document(submitted->submitted) " +
		"add_message(submitted->submitted) authorize(submitted->authorized) " +
		"add_message(authorized->authorized) add_document(authorized->authorized)"
	if strings.Join(got, " ") != want {
		t.Fatalf("history\n  %s\nwant\n  %s", strings.Join(got, " "), want)
	}
	rep, err := check.Run(t.Context(), p.svc.Store(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 {
		t.Fatalf("check: %v", rep.Problems)
	}
}
