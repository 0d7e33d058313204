package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// adminPortal is the test portal with an admin signed in.
func adminPortal(t *testing.T) (*portal, *http.Client) {
	t.Helper()
	p := newPortal(t)
	accounts := auth.NewAccounts(p.svc.Store())
	desk, err := accounts.OrgByName(t.Context(), "Desk")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.CreateUser(t.Context(), rma.System, desk.ID, "admin@desk.example", "", rma.RoleAdmin, password); err != nil {
		t.Fatal(err)
	}
	return p, p.signIn("admin@desk.example")
}

func (p *portal) get(c *http.Client, path string, want int) string {
	p.t.Helper()
	resp, body := p.do(c, "GET", path, nil, "")
	if resp.StatusCode != want {
		p.t.Fatalf("GET %s: %d, want %d: %s", path, resp.StatusCode, want, body)
	}
	return body
}

// TestAdminDoors: only admins reach /admin; the desk's other roles get
// 403, requesters 404; only admins see the admin navigation.
func TestAdminDoors(t *testing.T) {
	p, admin := adminPortal(t)
	agent, requester := p.signIn("agent@desk.example"), p.signIn("rma@dist.example")
	paths := []string{"/admin", "/admin/orgs", "/admin/orgs/new", "/admin/orgs/1", "/admin/locations", "/admin/locations/new", "/admin/jobs", "/admin/settings"}
	for _, path := range paths {
		body := p.get(admin, path, http.StatusOK)
		if !strings.Contains(body, `id="admin-nav"`) {
			t.Errorf("%s: no admin navigation for the admin", path)
		}
		p.get(agent, path, http.StatusForbidden)
		p.get(requester, path, http.StatusNotFound)
	}
	for _, c := range []*http.Client{agent, requester} {
		resp, _ := p.form(c, "/admin/jobs/1/retry", url.Values{})
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("a retry by a non-admin: %d", resp.StatusCode)
		}
		resp, _ = p.form(c, "/admin/orgs/new", url.Values{"name": {"Sneaky"}, "role": {"dealer"}, "country": {"NL"}})
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("an org created by a non-admin: %d", resp.StatusCode)
		}
	}
	if _, err := p.svc.Store().OrgByName(t.Context(), "Sneaky"); rma.ErrorCode(err) != rma.ENOTFOUND {
		t.Fatalf("a non-admin created an organisation: %v", err)
	}
	if body := p.get(agent, "/rmas", http.StatusOK); strings.Contains(body, `href="/admin"`) || strings.Contains(body, "admin-nav") {
		t.Error("an agent sees the admin navigation")
	}
	body := p.get(admin, "/rmas", http.StatusOK)
	for _, link := range adminLinks {
		if !strings.Contains(body, `href="`+link.Path+`"`) {
			t.Errorf("the admin's navigation on /rmas lacks %s", link.Path)
		}
	}
}

// TestAdminOrgForms: a requester organisation is created with its address
// after a mistake that the form shows on its field, keeping what was typed;
// it is edited (language, standing, role); a supplier's pack changes; a
// taken name is said on the name field.
func TestAdminOrgForms(t *testing.T) {
	p, admin := adminPortal(t)
	good := url.Values{"name": {"Fietsen Jansen"}, "role": {"dealer"}, "country": {"NL"}, "email": {"rma@jansen.example"},
		"language": {""}, "standing": {"good"},
		"address.street": {"Kerkstraat"}, "address.postcode": {"1017 GC"}, "address.city": {"Amsterdam"}}
	resp, body := p.form(admin, "/admin/orgs/new", good)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a street without a number: %d", resp.StatusCode)
	}
	for _, want := range []string{`id="f-address-street-err"`, `aria-invalid="true"`, "has no number", `value="Fietsen Jansen"`, `value="1017 GC"`, `href="#f-address-street"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if _, err := p.svc.Store().OrgByName(t.Context(), "Fietsen Jansen"); rma.ErrorCode(err) != rma.ENOTFOUND {
		t.Fatalf("a refused form wrote the organisation: %v", err)
	}
	bad := url.Values{"name": {""}, "role": {"reseller"}, "country": {"XX"}, "email": {"nope"}}
	_, body = p.form(admin, "/admin/orgs/new", bad)
	for _, id := range []string{"f-name-err", "f-role-err", "f-country-err", "f-email-err"} {
		if !strings.Contains(body, `id="`+id+`"`) {
			t.Errorf("every mistake is shown at once: no %s", id)
		}
	}

	good.Set("address.street", "Kerkstraat 12")
	resp, _ = p.form(admin, "/admin/orgs/new", good)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	org, err := p.svc.Store().OrgByName(t.Context(), "Fietsen Jansen")
	if err != nil || org.Address.Street != "Kerkstraat 12" || org.Address.Country != "NL" || org.Role.String() != "dealer" {
		t.Fatalf("created: %+v, %v", org, err)
	}
	edit := resp.Header.Get("Location")
	if edit != fmt.Sprintf("/admin/orgs/%d", org.ID) {
		t.Fatalf("after creating, sent to %s", edit)
	}
	body = p.get(admin, edit, http.StatusOK)
	if !strings.Contains(body, "Fietsen Jansen is created.") || !strings.Contains(body, `value="Kerkstraat 12"`) {
		t.Errorf("the edit page after creating: %s", body)
	}

	good.Set("language", "nl")
	good.Set("standing", "on_hold")
	good.Set("role", "partner")
	resp, _ = p.form(admin, edit, good)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	langs, _ := p.svc.Store().(rma.LanguageStore).OrgLanguages(t.Context())
	st, _ := p.svc.Store().(rma.StandingStore).OrgStanding(t.Context(), org.ID)
	org, _ = p.svc.Store().Org(t.Context(), org.ID)
	if langs[org.ID] != "nl" || st.String() != "on_hold" || org.Role.String() != "partner" {
		t.Fatalf("after the edit: language %q, standing %s, role %s", langs[org.ID], st, org.Role)
	}
	body = p.get(admin, "/admin/orgs?role=requesters", http.StatusOK)
	if !strings.Contains(body, "Fietsen Jansen") || !strings.Contains(body, "on hold") || strings.Contains(body, ">Desk<") {
		t.Errorf("the requesters' list: %s", body)
	}

	if body = p.get(admin, "/admin/orgs?role=partner", http.StatusOK); !strings.Contains(body, "Fietsen Jansen") || strings.Contains(body, ">Distributor<") {
		t.Errorf("the partners' list: %s", body)
	}
	if body = p.get(admin, "/admin/orgs?role=distributor", http.StatusOK); strings.Contains(body, "Fietsen Jansen") || !strings.Contains(body, ">Distributor<") {
		t.Errorf("the distributors' list: %s", body)
	}
	good.Set("name", "Distributor")
	resp, body = p.form(admin, edit, good)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-name-err"`) || !strings.Contains(body, "Another organisation has this name.") {
		t.Fatalf("a taken name: %d", resp.StatusCode)
	}

	sup := url.Values{"name": {"Parts GmbH"}, "role": {"supplier"}, "country": {"DE"}, "email": {"rma@parts.example"}, "policy": {"pixfra"},
		"address.street": {"Hafenstraße 3"}, "address.postcode": {"20457"}, "address.city": {"Hamburg"}}
	resp, _ = p.form(admin, "/admin/orgs/new", sup)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create a supplier: %d", resp.StatusCode)
	}
	supEdit := resp.Header.Get("Location")
	sup.Set("policy", "dexxon")
	if resp, _ = p.form(admin, supEdit, sup); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit the supplier: %d", resp.StatusCode)
	}
	sups, _ := p.svc.Store().Suppliers(t.Context())
	if len(sups) != 1 || sups[0].PolicyID != "dexxon" {
		t.Fatalf("suppliers: %+v", sups)
	}
	if body = p.get(admin, "/admin/orgs?role=suppliers", http.StatusOK); !strings.Contains(body, "Parts GmbH") || strings.Contains(body, "Fietsen Jansen") {
		t.Errorf("the suppliers' list: %s", body)
	}
	if body = p.get(admin, "/admin", http.StatusOK); !strings.Contains(body, "1 requester organisations have no postal address") {
		t.Errorf("the admin home does not count Distributor, which has no address")
	}
	// Every change is in the audit log, by the admin; the refused forms are not.
	var got []string
	for _, e := range auditLog(t, p, "") {
		if e.ActorName == "admin@desk.example" || strings.Contains(e.ActorName, "admin") {
			got = append(got, e.Action+" "+e.TargetName)
		}
	}
	want := []string{"org.policy Parts GmbH", "org.create Parts GmbH", "org.standing Fietsen Jansen", "org.language Fietsen Jansen",
		"org.update Fietsen Jansen", "org.address Fietsen Jansen", "org.create Fietsen Jansen"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("audit log:\n got %q\nwant %q", got, want)
	}
}

// auditLog is the audit log's entries of actions starting with prefix,
// newest first.
func auditLog(t *testing.T, p *portal, prefix string) []audit.Entry {
	t.Helper()
	entries, _, err := p.svc.Store().(audit.Store).AuditLog(t.Context(), audit.Filter{Action: prefix, Limit: audit.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// TestAdminLocationForms: a location is created after a mistake shown on
// its field, and edited; the policies' rules that send goods to it are
// listed beside it.
func TestAdminLocationForms(t *testing.T) {
	p, admin := adminPortal(t)
	loc := url.Values{"code": {"Pixfra EU"}, "name": {"Pixfra Europe"}, "active": {"1"},
		"address.street": {"Industrieweg 44"}, "address.postcode": {"5145 PV"}, "address.city": {"Waalwijk"}, "address.country": {"NL"}}
	resp, body := p.form(admin, "/admin/locations/new", loc)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-code-err"`) || !strings.Contains(body, `value="Industrieweg 44"`) {
		t.Fatalf("a bad code: %d", resp.StatusCode)
	}
	loc.Set("code", "pixfra-eu")
	if resp, _ = p.form(admin, "/admin/locations/new", loc); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/locations/pixfra-eu" {
		t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body = p.form(admin, "/admin/locations/new", loc); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Another location has this code.") {
		t.Fatalf("a taken code: %d", resp.StatusCode)
	}
	body = p.get(admin, "/admin/locations/pixfra-eu", http.StatusOK)
	if !strings.Contains(body, "pixfra: europe") {
		t.Errorf("the location does not say Pixfra's rule sends Europe's goods to it: %s", body)
	}
	loc.Set("name", "Pixfra Service Europe")
	loc.Set("address.city", "")
	if resp, body = p.form(admin, "/admin/locations/pixfra-eu", loc); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-address-city-err"`) {
		t.Fatalf("no city: %d", resp.StatusCode)
	}
	loc.Set("address.city", "Waalwijk")
	loc.Del("active")
	if resp, _ = p.form(admin, "/admin/locations/pixfra-eu", loc); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	l, err := p.svc.Location(t.Context(), rma.System, "pixfra-eu")
	if err != nil || l.Name != "Pixfra Service Europe" || l.Active {
		t.Fatalf("after the edit: %+v, %v", l, err)
	}
	if body = p.get(admin, "/admin/locations", http.StatusOK); !strings.Contains(body, "Pixfra Service Europe") {
		t.Error("the list lacks the location")
	}
	log := auditLog(t, p, "location.")
	if len(log) != 2 || log[0].Action != audit.LocationUpdate || log[1].Action != audit.LocationCreate || log[0].TargetID != "pixfra-eu" ||
		len(log[0].Changes) != 2 || log[0].Changes[0] != (audit.Change{Field: "name", From: "Pixfra Europe", To: "Pixfra Service Europe"}) {
		t.Fatalf("audit log: %+v", log)
	}
}

// TestAdminJobs: the queue counts and lists a dead job; the admin retries
// it and it is pending again; a second retry says it is no longer dead.
func TestAdminJobs(t *testing.T) {
	p, admin := adminPortal(t)
	db := p.svc.Store()
	ctx := t.Context()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	j := &rma.Job{Kind: rma.JobNotify, RunAt: now.Add(-time.Hour), MaxAttempts: 1}
	if err := db.EnqueueJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimJob(ctx, "t", now, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := db.FailJob(ctx, j.ID, "t", "dial tcp: connection refused", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	home := p.get(admin, "/admin", http.StatusOK)
	if !strings.Contains(home, "1 jobs gave up") || !strings.Contains(home, `href="/admin/jobs?state=dead"`) {
		t.Errorf("the home does not call for the dead job: %s", home)
	}
	body := p.get(admin, "/admin/jobs", http.StatusOK)
	if !strings.Contains(body, fmt.Sprintf(`id="job-%d"`, j.ID)) || !strings.Contains(body, "connection refused") || !strings.Contains(body, "Gave up (1)") {
		t.Fatalf("the dead list: %s", body)
	}
	resp, _ := p.form(admin, fmt.Sprintf("/admin/jobs/%d/retry", j.ID), url.Values{"state": {"dead"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/jobs?state=dead" {
		t.Fatalf("retry: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	body = p.get(admin, "/admin/jobs?state=dead", http.StatusOK)
	if !strings.Contains(body, fmt.Sprintf("Job %d is queued to run now.", j.ID)) || !strings.Contains(body, "Gave up (0)") {
		t.Errorf("after the retry: %s", body)
	}
	got, err := db.(rma.JobQueueStore).Job(ctx, j.ID)
	if err != nil || got.State != rma.JobQueued || !got.RunAt.Equal(now) {
		t.Fatalf("the job after its retry: %+v, %v", got, err)
	}
	if body = p.get(admin, "/admin/jobs?state=pending", http.StatusOK); !strings.Contains(body, fmt.Sprintf(`id="job-%d"`, j.ID)) {
		t.Errorf("a retried job is not pending: %s", body)
	}
	resp, _ = p.form(admin, fmt.Sprintf("/admin/jobs/%d/retry", j.ID), url.Values{"state": {"dead"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a second retry: %d", resp.StatusCode)
	}
	resp, _ = p.form(admin, "/admin/jobs/999999/retry", url.Values{})
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("retry of no job: %d", resp.StatusCode)
	}
	p.get(admin, "/admin/jobs?state=stuck", http.StatusNotFound)
	if log := auditLog(t, p, "job."); len(log) != 1 || log[0].ActorName != "admin@desk.example" || log[0].Changes[1].From != "dial tcp: connection refused" {
		t.Fatalf("audit log: %+v", log)
	}
}

// failingSender is a relay that refuses everything.
type failingSender struct{}

func (failingSender) Send(context.Context, notify.Message) error {
	return &notify.DeliveryError{Step: "connect", Err: errors.New("dial tcp 127.0.0.1:2525: connect: connection refused")}
}

// TestAdminSettings: the page says what the desk runs with; a test mail
// goes through the sender, a bad address is shown on its field, and a
// relay's refusal is said in plain words.
func TestAdminSettings(t *testing.T) {
	p, admin := adminPortal(t)
	body := p.get(admin, "/admin/settings", http.StatusOK)
	for _, want := range []string{"https://rma.example.com", "Desk date", "none: emails are only written to the log"} {
		if !strings.Contains(body, want) {
			t.Errorf("settings lack %q", want)
		}
	}
	resp, body := p.form(admin, "/admin/settings/test-mail", url.Values{"to": {"not an address"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="f-to-err"`) || !strings.Contains(body, `value="not an address"`) {
		t.Fatalf("a bad address: %d", resp.StatusCode)
	}
	resp, body = p.form(admin, "/admin/settings/test-mail", url.Values{"to": {"ops@desk.example"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "accepted the test mail to ops@desk.example") {
		t.Fatalf("the test mail: %d %s", resp.StatusCode, body)
	}
	sent := p.outbox.Sent()
	if len(sent) != 1 || sent[0].To != "ops@desk.example" || !strings.Contains(sent[0].Text, "admin@desk.example") {
		t.Fatalf("sent: %+v", sent)
	}
	if log := auditLog(t, p, audit.MailTest); len(log) != 1 || log[0].TargetName != "ops@desk.example" || log[0].Changes[1].To != "sent" {
		t.Fatalf("audit log: %+v", log)
	}

	pg := &page{translator: translator{"en"}}
	if got := relayProblem(pg, failingSender{}.Send(context.Background(), notify.Message{})); !strings.Contains(got, "could not connect to the mail relay") ||
		!strings.Contains(got, "connection refused") {
		t.Errorf("the relay's refusal reads %q", got)
	}
	pg = &page{translator: translator{"nl"}}
	if got := relayProblem(pg, &notify.DeliveryError{Step: "send", Code: 550, Err: errors.New("5.1.1 no such user")}); !strings.Contains(got, "De mailserver weigerde het bericht (antwoord 550)") {
		t.Errorf("in Dutch: %q", got)
	}
}
