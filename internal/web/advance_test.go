package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
)

// TestAdvanceReplacementPage: on the netvendor example pack, the agent's
// authorize form offers advance replacement for the line whose decision
// offers it; a ticked box without a serial brings the form back naming
// the field; with one, the RMA page shows the agent and the requester the
// replacement shipped, the day the defective unit is due and the deposit
// held; once the due day has passed, the line is flagged overdue and the
// queue's overdue filter finds the RMA; after the job, the page says the
// deposit was kept. In Dutch too.
func TestAdvanceReplacementPage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "web.db")
	sqlitetest.Prepare(t, dbPath)
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	data, err := os.ReadFile("../../examples/policies/netvendor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.LoadFS(fstest.MapFS{"netvendor.yaml": {Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	files, err := filestore.Open(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	svc := rma.NewService(db, set, rma.WithClock(func() time.Time { return now }))
	accounts := auth.NewAccounts(db)
	desk, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Desk", IsDesk: true})
	if err != nil {
		t.Fatal(err)
	}
	partner, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Partner", Role: "partner", Country: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		org   int64
		email string
		role  rma.Role
	}{{desk.ID, "agent@desk.example", rma.RoleAgent}, {partner.ID, "rma@partner.example", rma.RoleRequester}} {
		if _, err := accounts.CreateUser(ctx, rma.System, u.org, u.email, "", u.role, password); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(svc, Config{Files: files, SessionKey: bytes.Repeat([]byte("k"), 32), Mail: &notify.Outbox{}, PublicURL: "https://rma.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	p := &portal{t: t, srv: srv, svc: svc}

	c, err := policy.ParseClaim([]byte(`{"requester": {"role": "partner"}, "product": {"category": "switch", "model": "NV-S8", "serial": "NVS8-1"}, "dates": {"invoice": "2025-06-01", "reported": "2026-03-02"}}`))
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := svc.Submit(ctx, rma.Actor{OrgID: partner.ID, Role: rma.RoleRequester, Name: "partner"}, rma.SubmitRequest{PolicyID: "netvendor",
		Lines: []rma.LineRequest{{Claim: c}}}) // no price on file: the authorize form asks it
	if err != nil {
		t.Fatal(err)
	}
	agent := p.signIn("agent@desk.example")
	requester := p.signIn("rma@partner.example")
	path := fmt.Sprintf("/rmas/%d", r.ID)
	// Before authorization the requester reads that it may ask for it.
	if _, body := p.do(requester, "GET", path, nil, ""); !strings.Contains(body, "Ask for it in a message if you need it.") {
		t.Errorf("the requester's page does not say advance replacement is offered")
	}
	_, body := p.do(agent, "GET", path, nil, "")
	for _, want := range []string{`name="advance_line" value="1"`, `name="advance_serial_1"`, `name="advance_price_1"`, "The policy offers this unit advance replacement"} {
		if !strings.Contains(body, want) {
			t.Fatalf("the authorize form lacks %q", want)
		}
	}
	version := regexp.MustCompile(`id="step-authorize">\s*<input type="hidden" name="version" value="(\d+)"`).FindStringSubmatch(body)
	if version == nil {
		t.Fatalf("no authorize step:\n%s", body)
	}
	authorize := func(serial, price string) (*http.Response, string) {
		return p.form(agent, path+"/act/authorize", url.Values{"version": {version[1]}, "resolution": {"replace"},
			"advance_line": {"1"}, "advance_serial_1": {serial}, "advance_tracking_1": {"1Z999"}, "advance_price_1": {price}, "advance_currency_1": {"EUR"}})
	}
	for _, c := range []struct{ serial, price, field string }{
		{"", "450,00", "advance[0].serial"},
		{"NVS8-900001", "", "has no price"},
		{"NVS8-900001", "four fifty", "advance[0].last_invoiced_price.amount"},
	} {
		if resp, body := authorize(c.serial, c.price); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.field) {
			t.Fatalf("advance replacement %q at %q: %d, want the form back naming %s", c.serial, c.price, resp.StatusCode, c.field)
		}
	}
	if resp, _ := authorize("NVS8-900001", "450,00"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("authorize: %d", resp.StatusCode)
	}
	for who, client := range map[string]*http.Client{"agent": agent, "requester": requester} {
		_, body := p.do(client, "GET", path, nil, "")
		for _, want := range []string{"Replacement NVS8-900001 shipped in advance on 2026-03-02", "tracking 1Z999",
			"The defective unit is due back by 2026-03-17.", "Deposit held: 450.00 EUR.", "the deposit is kept"} {
			if !strings.Contains(body, want) {
				t.Errorf("the %s's page lacks %q", who, want)
			}
		}
	}
	_, body = p.do(requester, "GET", path, nil, "", "Accept-Language", "nl")
	if !strings.Contains(body, "Vervanging NVS8-900001 vooraf verzonden op 2026-03-02") {
		t.Errorf("the Dutch page lacks the replacement shipped")
	}

	now = now.Add(16 * 24 * time.Hour) // 18 March: the unit is overdue
	_, body = p.do(agent, "GET", path, nil, "")
	if !strings.Contains(body, "The defective unit is overdue: it was due by 2026-03-17.") {
		t.Errorf("the page does not flag the overdue unit")
	}
	if _, list := p.do(agent, "GET", "/rmas?overdue=1", nil, ""); !strings.Contains(list, path) {
		t.Errorf("the queue's overdue filter does not find the RMA")
	}
	if err := svc.SettleAdvance(ctx, r.ID, 1); err != nil {
		t.Fatal(err)
	}
	for who, client := range map[string]*http.Client{"agent": agent, "requester": requester} {
		_, body := p.do(client, "GET", path, nil, "")
		if !strings.Contains(body, "the deposit of 450.00 EUR was kept on 2026-03-18") {
			t.Errorf("the %s's page does not say the deposit was kept", who)
		}
	}
}
