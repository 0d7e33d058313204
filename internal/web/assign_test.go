package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestAssignAndUnread: a requester's message marks the RMA in the desk's
// queue until someone of the desk opens it; an agent takes the RMA, finds
// it under "only mine", and a hand-over to someone who is not of the desk
// is refused on the page, naming the field.
func TestAssignAndUnread(t *testing.T) {
	p := newPortal(t)
	dist := p.signIn("rma@dist.example")
	form, ct := pixfraForm(t, true)
	if resp, body := p.do(dist, "POST", "/rmas/new", form, ct); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	if resp, _ := p.form(dist, "/rmas/1/messages", url.Values{"body": {"Any news?"}, "kind": {"message"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("message: %d", resp.StatusCode)
	}
	agent := p.signIn("agent@desk.example")
	const badge = `<strong class="unread">new reply</strong>`
	if _, queue := p.do(agent, "GET", "/rmas", nil, ""); !strings.Contains(queue, badge) {
		t.Fatal("the queue does not mark the requester's unread message")
	}
	_, page := p.do(agent, "GET", "/rmas/1", nil, "")
	if _, queue := p.do(agent, "GET", "/rmas", nil, ""); strings.Contains(queue, badge) {
		t.Fatal("the queue still marks the message after the agent opened the RMA")
	}
	if !strings.Contains(page, "Nobody handles this RMA yet.") {
		t.Fatal("the page does not say nobody handles the RMA")
	}
	if _, mine := p.do(agent, "GET", "/rmas?mine=1", nil, ""); strings.Contains(mine, `href="/rmas/1"`) {
		t.Fatal("an RMA nobody holds is under only mine")
	}
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)[1]
	if resp, _ := p.form(agent, "/rmas/1/assign", url.Values{"version": {version}, "assignee": {"me"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("taking it: %d", resp.StatusCode)
	}
	_, page = p.do(agent, "GET", "/rmas/1", nil, "")
	if !strings.Contains(page, "You handle this RMA.") || !strings.Contains(page, "<strong>assigned</strong>") {
		t.Fatal("after taking it the page does not say so, or the history lacks it")
	}
	if _, mine := p.do(agent, "GET", "/rmas?mine=1", nil, ""); !strings.Contains(mine, `href="/rmas/1"`) || !strings.Contains(mine, "agent@desk.example") {
		t.Fatal("the RMA taken is not under only mine, with its assignee")
	}
	version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)[1]
	resp, body := p.form(agent, "/rmas/1/assign", url.Values{"version": {version}, "assignee": {"2"}}) // user 2 is the distributor's
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "assignee: rma@dist.example is not a user of the desk") {
		t.Fatalf("handing it to the requester: %d", resp.StatusCode)
	}
	// A requester has no assignee box and may not assign.
	if _, mineToo := p.do(dist, "GET", "/rmas/1", nil, ""); strings.Contains(mineToo, `action="/rmas/1/assign"`) {
		t.Fatal("the requester is offered to assign")
	}
	if resp, _ := p.form(dist, "/rmas/1/assign", url.Values{"version": {version}, "assignee": {"me"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a requester assigning: %d, want 403", resp.StatusCode)
	}
}
