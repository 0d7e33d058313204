package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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

// newPortalWithExample is newPortal serving an example pack
// (examples/policies/<id>.yaml) beside the seeds, with a requester
// organisation of role and country whose user is rma@example.example.
func newPortalWithExample(t *testing.T, id, role, country string) *portal {
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
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "policies", id+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ex, err := policy.Load(id+".yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	seeds, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.NewSet(append(seeds.All(), ex))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filestore.Open(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	svc := rma.NewService(db, set, rma.WithClock(func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }))
	accounts := auth.NewAccounts(db)
	org, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Requester", Role: role, Country: country})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.CreateUser(ctx, rma.System, org.ID, "rma@example.example", "", rma.RoleRequester, password); err != nil {
		t.Fatal(err)
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

// TestNewFormTermsDates: a policy whose terms read the registration, the
// replacement's shipment and the part number gets them asked in plain
// words (the part number not required, as the policy does not require
// it); a replacement unit filed through the form is decided under the
// replacement's 90 days, from the line's part number.
func TestNewFormTermsDates(t *testing.T) {
	p := newPortalWithExample(t, "componentco", "consumer", "US")
	c := p.signIn("rma@example.example")
	_, body := p.do(c, "GET", "/rmas/new?policy=componentco", nil, "")
	for _, want := range []string{
		`name="date_registered_1"`, `Date you registered the product with the maker`,
		`name="date_replaced_1"`, `Date this unit was sent to you as a replacement`,
		`name="date_purchase_1"`, `name="date_manufactured_1"`, `name="date_shipped_1"`,
		`name="part_number_1" value="" aria-describedby="pn-hint-1"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the form lacks %s", want)
		}
	}
	for _, not := range []string{`name="date_invoice_1"`, `name="date_delivered_1"`} {
		if strings.Contains(body, not) {
			t.Errorf("the form has %s, which the policy does not read", not)
		}
	}

	form, ct := multipartBody([]formPart{{name: "policy", value: "componentco"}, {name: "lines", value: "1"}, {name: "kind", value: "defect"},
		{name: "category_1", value: "ssd"}, {name: "model_1", value: "Vanta S2"}, {name: "serial_1", value: "CC2450A0913"},
		{name: "part_number_1", value: "CS-S2-1T"}, {name: "quantity_1", value: "1"}, {name: "fault_1", value: "drops off the bus"},
		{name: "date_purchase_1", value: "2023-06-01"}, {name: "date_replaced_1", value: "2026-01-16"}})
	resp, body := p.do(c, "POST", "/rmas/new", form, ct)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	got, err := p.svc.Store().RMA(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	l := got.Lines[0]
	if l.Claim.Dates.Replaced.String() != "2026-01-16" || l.PartNumber != "CS-S2-1T" {
		t.Fatalf("filed %+v", l)
	}
	if w := l.Decision.Warranty; l.Decision.Verdict != policy.Accept || w.LastDayBy != policy.LastDayByReplacement || w.LastDay.String() != "2026-04-16" {
		t.Fatalf("decided %+v", l.Decision)
	}
}
