package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSavedViewsAndCannedReplies: an agent saves the queue as it is under
// a name (its filters and order, never the page's cursor), finds it among
// its views and deletes it; a requester has views of its own. The agent
// keeps a canned reply and puts it in an RMA's message box without script;
// a requester may neither read nor keep canned replies.
func TestSavedViewsAndCannedReplies(t *testing.T) {
	p := newPortal(t)
	dist := p.signIn("rma@dist.example")
	form, ct := pixfraForm(t, true)
	if resp, body := p.do(dist, "POST", "/rmas/new", form, ct); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	agent := p.signIn("agent@desk.example")
	resp, _ := p.form(agent, "/views", url.Values{"name": {"Pixfra, most urgent"}, "query": {"policy=pixfra&sort=urgency&cursor=abc&bogus=1"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/rmas?policy=pixfra&sort=urgency" {
		t.Fatalf("saving a view: %d to %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, queue := p.do(agent, "GET", "/rmas?policy=pixfra&sort=urgency", nil, "")
	if !strings.Contains(queue, `<a href="/rmas?policy=pixfra&amp;sort=urgency" aria-current="page">Pixfra, most urgent</a>`) {
		t.Fatal("the queue does not list the saved view as the one shown")
	}
	if _, theirs := p.do(dist, "GET", "/rmas", nil, ""); strings.Contains(theirs, "Pixfra, most urgent") {
		t.Fatal("the requester sees the agent's view")
	}
	if resp, _ := p.form(agent, "/views", url.Values{"name": {"  "}, "query": {"sort=oldest"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a view without a name: %d", resp.StatusCode)
	}
	if _, back := p.do(agent, "GET", "/rmas?sort=oldest", nil, ""); !strings.Contains(back, "name: required") {
		t.Fatal("a view without a name does not say so")
	}
	if resp, _ := p.form(agent, "/views/1/delete", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("deleting the view: %d", resp.StatusCode)
	}
	if _, queue = p.do(agent, "GET", "/rmas", nil, ""); strings.Contains(queue, "Pixfra, most urgent") {
		t.Fatal("the deleted view is still listed")
	}

	const text = "Please print the label from the RMA page and tape it to the box."
	if resp, _ := p.form(agent, "/replies", url.Values{"title": {"Label"}, "body": {text}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("adding a canned reply: %d", resp.StatusCode)
	}
	_, page := p.do(agent, "GET", "/rmas/1", nil, "")
	if !strings.Contains(page, `<option value="1" data-body="`+text+`">Label</option>`) {
		t.Fatal("the message box does not offer the canned reply")
	}
	resp, page = p.form(agent, "/rmas/1/canned", url.Values{"reply": {"1"}, "body": {"Hello,"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(html.UnescapeString(page), "Hello,\n\n"+text+"</textarea>") {
		t.Fatalf("putting the canned reply in the message: %d", resp.StatusCode)
	}
	if resp, _ := p.do(dist, "GET", "/replies", nil, ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a requester reading canned replies: %d, want 403", resp.StatusCode)
	}
	if resp, _ := p.form(dist, "/replies", url.Values{"title": {"x"}, "body": {"y"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a requester keeping a canned reply: %d, want 403", resp.StatusCode)
	}
	if resp, _ := p.form(agent, "/replies/1/delete", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("deleting the canned reply: %d", resp.StatusCode)
	}
	if _, list := p.do(agent, "GET", "/replies", nil, ""); !strings.Contains(list, "No canned replies yet.") {
		t.Fatal("the deleted canned reply is still listed")
	}
}
