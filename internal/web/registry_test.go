package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// registryPortal is the test portal with an admin and a few units: one
// of Pixfra's sold to the portal's distributor, in warranty; one sold to
// another distributor; one out of warranty.
func registryPortal(t *testing.T) *portal {
	t.Helper()
	p := newPortal(t)
	ctx := context.Background()
	accounts := auth.NewAccounts(p.svc.Store())
	desk, err := p.svc.Store().OrgByName(ctx, "Desk")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.CreateUser(ctx, rma.System, desk.ID, "admin@desk.example", "", rma.RoleAdmin, password); err != nil {
		t.Fatal(err)
	}
	units := []rma.Unit{
		{Serial: "PXF-1001", Model: "Arc A435", Category: "thermal-camera", SoldTo: "Distributor", Delivered: calendar.MustParseDate("2024-05-02"), PolicyID: "pixfra"},
		{Serial: "PXF-1002", Model: "Arc A435", Category: "thermal-camera", SoldTo: "Other Distributor GmbH", InvoiceDate: calendar.MustParseDate("2024-06-01"), PolicyID: "pixfra"},
		{Serial: "PXF-0900", Model: "Arc A435", Category: "thermal-camera", SoldTo: "Distributor", InvoiceDate: calendar.MustParseDate("2021-01-10"), PolicyID: "pixfra"},
	}
	src := rma.UnitSource{Field: func(i int, c string) string { return fmt.Sprintf("units[%d].%s", i, c) }, Units: func(yield func(rma.Unit, error) bool) {
		for _, u := range units {
			if !yield(u, nil) {
				return
			}
		}
	}}
	if _, err := p.svc.ImportUnits(ctx, rma.Actor{Role: rma.RoleAdmin, Name: "test"}, src); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPublicWarrantyPage: anyone checks a serial without signing in, in
// English and Dutch; an unknown serial and a wrong model read alike; the
// policy's own words say how to file.
func TestPublicWarrantyPage(t *testing.T) {
	p := registryPortal(t)
	c := p.browser()
	resp, body := p.do(c, "GET", "/warranty", nil, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="serial"`) || strings.Contains(body, `name="model"`) {
		t.Fatalf("the page: %d %s", resp.StatusCode, body)
	}
	resp, body = p.form(c, "/warranty", url.Values{"serial": {" pxf-1001 "}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "In warranty until 2027-05-01.") || !strings.Contains(body, "Pixfra RMA Policy (Pixfra)") ||
		!strings.Contains(body, "please contact the seller with whom you bought the products") {
		t.Fatalf("in warranty: %d %s", resp.StatusCode, body)
	}
	if strings.Contains(body, "Distributor") {
		t.Fatal("the page says who bought the unit")
	}
	_, body = p.form(c, "/warranty", url.Values{"serial": {"PXF-0900"}})
	if !strings.Contains(body, "The warranty ended on 2024-01-09.") {
		t.Fatalf("out of warranty: %s", body)
	}
	_, unknown := p.form(c, "/warranty", url.Values{"serial": {"NOPE-1"}})
	if !strings.Contains(unknown, "We cannot confirm this unit") {
		t.Fatalf("unknown serial: %s", unknown)
	}
	resp, body = p.form(c, "/warranty", url.Values{"serial": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="serial-err"`) || !strings.Contains(body, `aria-invalid="true"`) {
		t.Fatalf("no serial: %d %s", resp.StatusCode, body)
	}
	// Dutch: the engine's answer and the pack's own Dutch words.
	resp, body = p.do(c, "POST", "/warranty", strings.NewReader(url.Values{"serial": {"PXF-1001"}}.Encode()), "application/x-www-form-urlencoded", "Accept-Language", "nl")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "In garantie tot en met 2027-05-01.") || !strings.Contains(body, "RMA-beleid van Pixfra") ||
		!strings.Contains(body, "neem dan contact op met") || !strings.Contains(body, `<html lang="nl">`) {
		t.Fatalf("in Dutch: %d %s", resp.StatusCode, body)
	}
	// The desk asks for the model: the form shows it, and a wrong one
	// answers as an unknown serial does.
	if err := p.svc.SetWarrantyCheckSettings(context.Background(), rma.Actor{Role: rma.RoleAdmin}, rma.WarrantyCheckSettings{Enabled: true, SecondFactor: rma.FactorModel}); err != nil {
		t.Fatal(err)
	}
	resp, body = p.form(c, "/warranty", url.Values{"serial": {"PXF-1001"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="model-err"`) {
		t.Fatalf("model required: %d %s", resp.StatusCode, body)
	}
	_, wrong := p.form(c, "/warranty", url.Values{"serial": {"PXF-1001"}, "model": {"TS240"}})
	_, unknownToo := p.form(c, "/warranty", url.Values{"serial": {"NOPE-1"}, "model": {"TS240"}})
	answer := func(s string) string {
		i := strings.Index(s, `id="wc-answer"`)
		if i < 0 {
			return ""
		}
		return s[i : i+strings.Index(s[i:], "</p>")]
	}
	if answer(wrong) == "" || answer(wrong) != answer(unknownToo) {
		t.Fatalf("a wrong model %q and an unknown serial %q must read alike", answer(wrong), answer(unknownToo))
	}
	if _, body = p.form(c, "/warranty", url.Values{"serial": {"PXF-1001"}, "model": {"arc a435"}}); !strings.Contains(body, "In warranty until") {
		t.Fatalf("the right model: %s", body)
	}
	// Off: no page.
	if err := p.svc.SetWarrantyCheckSettings(context.Background(), rma.Actor{Role: rma.RoleAdmin}, rma.WarrantyCheckSettings{Enabled: false, SecondFactor: rma.FactorNone}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := p.do(c, "GET", "/warranty", nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a desk without the check: %d", resp.StatusCode)
	}
}

// TestPublicWarrantyPageLimit: an address that checks too fast is told to
// wait, with Retry-After.
func TestPublicWarrantyPageLimit(t *testing.T) {
	p := registryPortal(t)
	c := p.browser()
	for i := range defaultWarrantyChecksPerMinute {
		if resp, _ := p.form(c, "/warranty", url.Values{"serial": {fmt.Sprint("S", i)}}); resp.StatusCode != http.StatusOK {
			t.Fatalf("check %d: %d", i, resp.StatusCode)
		}
	}
	resp, body := p.form(c, "/warranty", url.Values{"serial": {"S99"}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "try again in a minute") {
		t.Fatalf("past the limit: %d %v", resp.StatusCode, resp.Header)
	}
}

func csvUpload(t *testing.T, policy, name, text string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("policy", policy)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(text))
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// TestRegistryAdminPage: an admin loads a CSV file and sets the check; a
// bad file is named by line and column and loads nothing; others may not.
func TestRegistryAdminPage(t *testing.T) {
	p := registryPortal(t)
	admin := p.signIn("admin@desk.example")
	resp, body := p.do(admin, "GET", "/admin/registry", nil, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Units in the registry: 3, of which replacements the desk sent: 0.") {
		t.Fatalf("the page: %d %s", resp.StatusCode, body)
	}
	form, ct := csvUpload(t, "pixfra", "units.csv", "serial,model,sold_to,delivered\nPXF-2001,Arc A435,Distributor,2025-01-02\nPXF-1001,Arc A435,Distributor,2024-05-02\nPXF-2002,Arc A435,Unknown AG,2025-01-03\n")
	resp, body = p.do(admin, "POST", "/admin/registry/load", form, ct)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "3 units loaded: 2 new, 1 updated, 0 unchanged.") || !strings.Contains(body, "Unknown AG (1)") {
		t.Fatalf("a load: %d %s", resp.StatusCode, body)
	}
	form, ct = csvUpload(t, "", "bad.csv", "serial,delivered\nPXF-3001,2025-01-02\nPXF-3002,02/01/2025\n")
	resp, body = p.do(admin, "POST", "/admin/registry/load", form, ct)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Nothing was loaded from bad.csv. line 3, column delivered") {
		t.Fatalf("a bad file: %d %s", resp.StatusCode, body)
	}
	form, ct = csvUpload(t, "", "bad.csv", "serial,delivered\nPXF-3001,2025-01-02\nPXF-3002,02/01/2025\n")
	resp, body = p.do(admin, "POST", "/admin/registry/load", form, ct, "Accept-Language", "nl")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Er is niets geladen uit bad.csv: regel 3, kolom delivered klopt niet.") {
		t.Fatalf("a bad file, in Dutch: %d %s", resp.StatusCode, body)
	}
	if _, err := p.svc.UnitLife(context.Background(), rma.Actor{Role: rma.RoleAgent}, "PXF-3001"); rma.ErrorCode(err) != rma.ENOTFOUND {
		t.Fatalf("a refused file loaded its first line: %v", err)
	}
	resp, _ = p.form(admin, "/admin/registry/check", url.Values{"enabled": {"on"}, "second_factor": {"purchase_date"}, "default_policy": {"pixfra"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings: %d", resp.StatusCode)
	}
	set, _ := p.svc.WarrantyCheckSettings(context.Background())
	if set != (rma.WarrantyCheckSettings{Enabled: true, SecondFactor: rma.FactorPurchaseDate, DefaultPolicy: "pixfra"}) {
		t.Fatalf("saved settings: %+v", set)
	}
	resp, body = p.form(admin, "/admin/registry/check", url.Values{"enabled": {"on"}, "second_factor": {"fingerprint"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "The settings were not saved") {
		t.Fatalf("bad settings: %d %s", resp.StatusCode, body)
	}
	entries, _, err := p.svc.Store().(audit.Store).AuditLog(context.Background(), audit.Filter{Action: "registry."})
	if err != nil || len(entries) != 2 || entries[0].Action != audit.RegistryCheckSettings || entries[1].Changes[0].To != "portal: units.csv" {
		t.Fatalf("the audit log: %+v %v", entries, err)
	}
	agent := p.signIn("agent@desk.example")
	if resp, _ := p.do(agent, "GET", "/admin/registry", nil, ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("an agent: %d", resp.StatusCode)
	}
	requester := p.signIn("rma@dist.example")
	if resp, _ := p.do(requester, "GET", "/admin/registry", nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a requester: %d", resp.StatusCode)
	}
}

// TestUnitPage: the desk sees any unit's life and whom it was sold to;
// a requester sees the units sold to it, without that, and no other.
func TestUnitPage(t *testing.T) {
	p := registryPortal(t)
	agent := p.signIn("agent@desk.example")
	resp, body := p.do(agent, "GET", "/units/pxf-1002", nil, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Unit PXF-1002") || !strings.Contains(body, "Other Distributor GmbH") ||
		!strings.Contains(body, "In warranty until 2027-05-31.") || !strings.Contains(body, "No RMA names this serial number.") {
		t.Fatalf("the desk's view: %d %s", resp.StatusCode, body)
	}
	if resp, _ := p.do(agent, "GET", "/units?serial=PXF-1001", nil, ""); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/units/PXF-1001" {
		t.Fatalf("the finder: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, queue := p.do(agent, "GET", "/rmas?q=pxf-1001", nil, "")
	if !strings.Contains(queue, `id="unit-found"`) || !strings.Contains(queue, `href="/units/PXF-1001"`) {
		t.Fatalf("the queue's search names the unit: %s", queue)
	}
	requester := p.signIn("rma@dist.example")
	resp, body = p.do(requester, "GET", "/units/PXF-1001", nil, "")
	if resp.StatusCode != http.StatusOK || strings.Contains(body, "Sold to") || !strings.Contains(body, "In warranty until 2027-05-01.") {
		t.Fatalf("the buyer's view: %d %s", resp.StatusCode, body)
	}
	if resp, _ := p.do(requester, "GET", "/units/PXF-1002", nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another distributor's unit: %d", resp.StatusCode)
	}
}
