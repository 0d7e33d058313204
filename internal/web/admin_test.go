package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// withAdmin adds the desk's admin to the portal and signs them in.
func (p *portal) withAdmin() *http.Client {
	p.t.Helper()
	orgs, err := p.svc.Store().Orgs(context.Background())
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := auth.NewAccounts(p.svc.Store()).CreateUser(context.Background(), rma.System, orgs[0].ID, "admin@desk.example", "Ada", rma.RoleAdmin, password); err != nil {
		p.t.Fatal(err)
	}
	return p.signIn("admin@desk.example")
}

var inviteLink = regexp.MustCompile(`https://rma\.example\.com/invite/([A-Za-z0-9_-]{43})`)

// TestAdminInvitesUser: an admin invites a requester in Dutch; the email
// is in Dutch with a one-time link; the invitee chooses a password and is
// signed in; the link then says plainly it was used; an expired or
// replaced link says so too; the audit page lists it all.
func TestAdminInvitesUser(t *testing.T) {
	p := newPortal(t)
	admin := p.withAdmin()
	_, body := p.do(admin, "GET", "/admin/users", nil, "")
	for _, want := range []string{"agent@desk.example", "rma@dist.example", `action="/admin/users"`, "Distributor"} {
		if !strings.Contains(body, want) {
			t.Fatalf("the users page lacks %q:\n%s", want, body)
		}
	}
	orgID := regexp.MustCompile(`<option value="(\d+)">Distributor</option>`).FindStringSubmatch(body)[1]

	// A refused invitation keeps what was typed and says why.
	resp, body := p.form(admin, "/admin/users", url.Values{"email": {"new@dist.example"}, "name": {"Nel"}, "org": {orgID}, "role": {"agent"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="new@dist.example"`) || !strings.Contains(body, "requester for a requester organisation") {
		t.Fatalf("a requester organisation's agent: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = p.form(admin, "/admin/users", url.Values{"email": {"new@dist.example"}, "name": {"Nel"}, "org": {orgID}, "role": {"requester"}, "language": {"nl"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: %d", resp.StatusCode)
	}
	sent := p.outbox.Sent()
	mail := sent[len(sent)-1]
	if mail.To != "new@dist.example" || !strings.Contains(mail.Subject, "uitgenodigd") || !strings.Contains(mail.Text, "admin@desk.example heeft u uitgenodigd") {
		t.Fatalf("the invitation: %+v", mail)
	}
	first := inviteLink.FindStringSubmatch(mail.Text)[1]
	_, body = p.do(admin, "GET", "/admin/users", nil, "")
	if !strings.Contains(body, "invited, link valid until") || !strings.Contains(body, "Invitation sent to new@dist.example") {
		t.Fatalf("the list after inviting:\n%s", body)
	}
	userID := regexp.MustCompile(`action="/admin/users/(\d+)/invitation"`).FindStringSubmatch(body)[1]

	// Sent again: the first link now says it was replaced.
	if resp, _ := p.form(admin, "/admin/users/"+userID+"/invitation", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resend: %d", resp.StatusCode)
	}
	sent = p.outbox.Sent()
	second := inviteLink.FindStringSubmatch(sent[len(sent)-1].Text)[1]
	guest := p.browser()
	resp, body = p.do(guest, "GET", "/invite/"+first, nil, "")
	if resp.StatusCode != http.StatusGone || !strings.Contains(body, "replaced by a newer one") {
		t.Fatalf("the replaced link: %d\n%s", resp.StatusCode, body)
	}
	resp, body = p.do(guest, "GET", "/invite/"+strings.Repeat("A", 43), nil, "")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "not valid") {
		t.Fatalf("an unknown link: %d", resp.StatusCode)
	}
	resp, body = p.do(guest, "GET", "/invite/"+second, nil, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `value="new@dist.example"`) {
		t.Fatalf("the invitation page: %d\n%s", resp.StatusCode, body)
	}
	resp, body = p.form(guest, "/invite/"+second, url.Values{"password": {"short"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "at least 10 characters") {
		t.Fatalf("a short password: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = p.form(guest, "/invite/"+second, url.Values{"password": {password}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/rmas" {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	if resp, body := p.do(guest, "GET", "/rmas", nil, ""); resp.StatusCode != http.StatusOK || !strings.Contains(body, "new@dist.example") {
		t.Fatalf("signed in after accepting: %d", resp.StatusCode)
	}
	resp, body = p.do(p.browser(), "GET", "/invite/"+second, nil, "")
	if resp.StatusCode != http.StatusGone || !strings.Contains(body, "already been used") {
		t.Fatalf("the used link: %d\n%s", resp.StatusCode, body)
	}
	p.signIn("new@dist.example") // the password works at the sign-in page too

	// An invitation that expired says so (the clock moved a week on).
	_, _ = p.form(admin, "/admin/users", url.Values{"email": {"late@dist.example"}, "org": {orgID}, "role": {"requester"}})
	sent = p.outbox.Sent()
	late := inviteLink.FindStringSubmatch(sent[len(sent)-1].Text)[1]
	ua := p.svc.Store().(rma.UserAdminStore)
	if _, err := ua.AcceptInvitation(context.Background(), auth.SessionHash(late), "$argon2id$x", time.Now().Add(auth.InvitationTTL)); rma.ErrorCode(err) != rma.EPRECONDITION {
		t.Fatalf("accepting a week later: %v", err)
	}

	// The users page: the role changes, a user is disabled and signed out.
	_, body = p.do(admin, "GET", "/admin/users", nil, "")
	agentID := regexp.MustCompile(`<tr data-email="agent@desk.example">[\s\S]*?action="/admin/users/(\d+)/role"`).FindStringSubmatch(body)[1]
	if n := strings.Count(body, `/role"`); n != 1 {
		t.Fatalf("%d role forms, want the agent's only: an admin does not change their own", n)
	}
	agent := p.signIn("agent@desk.example")
	for _, step := range []struct{ path, flash string }{
		{"/admin/users/" + agentID + "/role", "agent@desk.example is now technician."},
		{"/admin/users/" + agentID + "/disable", "agent@desk.example is disabled and signed out everywhere."},
		{"/admin/users/" + agentID + "/enable", "agent@desk.example can sign in again."},
		{"/admin/users/" + agentID + "/sign-out", "agent@desk.example is signed out everywhere (0 sessions ended)."},
	} {
		resp, _ := p.form(admin, step.path, url.Values{"role": {"technician"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", step.path, resp.StatusCode)
		}
		if _, body := p.do(admin, "GET", "/admin/users", nil, ""); !strings.Contains(body, step.flash) {
			t.Fatalf("%s: no %q", step.path, step.flash)
		}
	}
	if resp, _ := p.do(agent, "GET", "/rmas", nil, ""); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a disabled user's session lives on: %d", resp.StatusCode)
	}

	// The audit page lists it all, and filters.
	_, body = p.do(admin, "GET", "/admin/audit", nil, "")
	for _, want := range []string{"User invited", "Invitation sent again", "Invitation accepted", "Role changed", "User disabled", "User enabled",
		"Signed out everywhere", "new@dist.example", "<del>agent</del> → <ins>technician</ins>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit page lacks %q", want)
		}
	}
	_, body = p.do(admin, "GET", "/admin/audit?action=user.role", nil, "")
	if strings.Count(body, `<tr data-action=`) != 1 {
		t.Fatalf("filtered by action: %d rows", strings.Count(body, `<tr data-action=`))
	}
	_, body = p.do(admin, "GET", "/admin/audit?actor=ADMIN%40desk.example&target=new%40dist.example", nil, "")
	if n := strings.Count(body, `<tr data-action=`); n != 2 {
		t.Fatalf("by actor and target: %d rows, want the invite and its resend", n)
	}
	resp, body = p.do(admin, "GET", "/admin/audit?from=yesterday", nil, "")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "YYYY-MM-DD") {
		t.Fatalf("a bad day: %d", resp.StatusCode)
	}
	_, body = p.do(admin, "GET", "/admin/audit?limit=1", nil, "")
	if !strings.Contains(body, `rel="next"`) {
		t.Fatal("one entry a page, and no next page")
	}
}

// TestAdminKeys: a key made on the page is shown once, works, is listed
// with its prefix and last use, and revoked is refused; only admins see
// the administration.
func TestAdminKeys(t *testing.T) {
	p := newPortal(t)
	admin := p.withAdmin()
	_, body := p.do(admin, "GET", "/admin/keys", nil, "")
	orgID := regexp.MustCompile(`<option value="(\d+)">Distributor</option>`).FindStringSubmatch(body)[1]
	resp, body := p.form(admin, "/admin/keys", url.Values{"org": {orgID}, "role": {"agent"}, "name": {"ERP"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || strings.Contains(body, `id="new-key"`) {
		t.Fatalf("an agent key for a requester organisation: %d", resp.StatusCode)
	}
	resp, body = p.form(admin, "/admin/keys", url.Values{"org": {orgID}, "role": {"requester"}, "name": {"ERP link"}})
	key := regexp.MustCompile(`<code id="new-key"[^>]*>(rk_[a-z2-7]{8}_[a-z2-7]{32})</code>`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || key == nil || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("the new key: %d\n%s", resp.StatusCode, body)
	}
	actor, err := auth.Authenticate(context.Background(), p.svc.Store(), key[1])
	if err != nil || actor.Role != rma.RoleRequester {
		t.Fatalf("the key authenticates: %+v %v", actor, err)
	}
	prefix := key[1][3:11]
	_, body = p.do(admin, "GET", "/admin/keys", nil, "")
	if strings.Contains(body, key[1]) || !strings.Contains(body, `data-prefix="`+prefix+`"`) || strings.Contains(body, "never</span></td>\n    <td class=\"revoked\"><form method=\"post\" action=\"/admin/keys/"+prefix) {
		t.Fatalf("the list shows the key again, or not its last use:\n%s", body)
	}
	if resp, _ := p.form(admin, "/admin/keys/"+prefix+"/revoke", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if _, err := auth.Authenticate(context.Background(), p.svc.Store(), key[1]); rma.ErrorCode(err) != rma.EUNAUTHORIZED {
		t.Fatalf("a revoked key: %v", err)
	}
	_, body = p.do(admin, "GET", "/admin/audit?action=key.", nil, "")
	if !strings.Contains(body, "API key created") || !strings.Contains(body, "API key revoked") || !strings.Contains(body, prefix) {
		t.Fatalf("the audit page:\n%s", body)
	}
	// Nobody but an admin: the agent gets 403 on every page and form, and
	// no link to them.
	agent := p.signIn("agent@desk.example")
	if _, body := p.do(agent, "GET", "/rmas", nil, ""); strings.Contains(body, `href="/admin/users"`) {
		t.Fatal("an agent is shown the administration")
	}
	for _, c := range []struct{ method, path string }{{"GET", "/admin/users"}, {"GET", "/admin/keys"}, {"GET", "/admin/audit"},
		{"POST", "/admin/users"}, {"POST", "/admin/keys"}, {"POST", "/admin/keys/" + prefix + "/revoke"}, {"POST", "/admin/users/1/disable"}} {
		var resp *http.Response
		if c.method == "GET" {
			resp, _ = p.do(agent, "GET", c.path, nil, "")
		} else {
			resp, _ = p.form(agent, c.path, url.Values{"org": {orgID}, "role": {"requester"}})
		}
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s as an agent: %d", c.method, c.path, resp.StatusCode)
		}
	}
	if _, body := p.do(admin, "GET", "/rmas", nil, ""); !strings.Contains(body, `href="/admin/users"`) {
		t.Fatal("the admin has no link to the administration")
	}
}

// TestAdminHomeExpiredInvitations: an invitation whose link expired unused
// is on the admin home, with a link to the users.
func TestAdminHomeExpiredInvitations(t *testing.T) {
	p := newPortal(t)
	admin := p.withAdmin()
	orgs, _ := p.svc.Store().Orgs(context.Background())
	ua := p.svc.Store().(rma.UserAdminStore)
	long := time.Now().Add(-30 * 24 * time.Hour)
	u := &rma.User{OrgID: orgs[0].ID, Email: "late@desk.example", Role: rma.RoleAgent}
	if err := ua.Invite(context.Background(), u, &rma.Invitation{TokenHash: auth.SessionHash("x"), Created: long, Expires: long.Add(auth.InvitationTTL)}); err != nil {
		t.Fatal(err)
	}
	_, body := p.do(admin, "GET", "/admin", nil, "")
	if !strings.Contains(body, "Invitations that expired unused: 1.") {
		t.Fatalf("the admin home:\n%s", body)
	}
	if _, body := p.do(admin, "GET", "/admin/users", nil, ""); !strings.Contains(body, "invited, the link expired on") {
		t.Fatalf("the users page does not say the link expired")
	}
}
