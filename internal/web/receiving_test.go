package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// authorizedFor files an RMA of one unit under policyID as the portal's
// distributor and authorizes it, as the steps before the bench would.
func authorizedFor(t *testing.T, p *portal, policyID, serial string, dates policy.Dates, docs ...policy.Document) *rma.RMA {
	t.Helper()
	ctx := context.Background()
	orgs, err := p.svc.Store().Orgs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var dist *rma.Org
	for i := range orgs {
		if orgs[i].Name == "Distributor" {
			dist = &orgs[i]
		}
	}
	var set policy.DocumentSet
	for _, d := range docs {
		set = set.With(d)
	}
	req := rma.SubmitRequest{PolicyID: policyID, Lines: []rma.LineRequest{{Quantity: 1, Fault: "dead on arrival",
		Claim: policy.Claim{Product: policy.Product{Category: "tablet", Model: "MC-Tab 10", Serial: serial}, Dates: dates, Documents: set}}}}
	r, _, err := p.svc.Submit(ctx, rma.Actor{OrgID: dist.ID, Role: rma.RoleRequester, Name: "rma@dist.example", Org: dist}, req)
	if err != nil {
		t.Fatal(err)
	}
	resolution := "refund"
	if policyID == "webstore4" {
		resolution = "repair"
	}
	r, err = p.svc.Authorize(ctx, rma.Actor{Role: rma.RoleAgent, Name: "agent"}, r.ID, r.Version, rma.AuthorizeRequest{Resolution: resolution})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var miniCartDates = policy.Dates{Shipped: calendar.MustParseDate("2026-02-20"), Delivered: calendar.MustParseDate("2026-02-27")}

// TestReceivingLoop drives the bench without JavaScript: a number looked up
// shows its parcel beside the scan field, with the reserved serial to
// confirm and Mini Cart's accessories as a checklist; receiving it with
// another serial, the charger missing at a price, the state it arrived in
// and a photo returns to the scan field with the summary and a link, and
// records a mismatch (never a condition), a charge and the photo. A
// repeated scan, a mistyped number and an unknown one each say why in
// plain words, keep what was typed, and link to the RMA where there is
// one; a refused price names its field and receives nothing. In Dutch too.
func TestReceivingLoop(t *testing.T) {
	p := newPortal(t)
	r := authorizedFor(t, p, "minicart", "MCT-0001", miniCartDates, policy.PackagePhotos, policy.DefectMedia)
	agent := p.signIn("agent@desk.example")

	_, body := p.do(agent, "GET", "/receiving", nil, "")
	if !strings.Contains(body, `id="number"`) || strings.Contains(body, `id="receive"`) {
		t.Fatalf("the bench opens on anything but the scan field:\n%s", body)
	}
	_, body = p.do(agent, "GET", "/receiving?number="+url.QueryEscape(strings.ToLower(r.Number)), nil, "")
	for _, want := range []string{`value="` + strings.ToLower(r.Number) + `"`, "Parcel " + r.Number, `name="serial_1" value="MCT-0001"`,
		`name="missing_1" value="charger"`, `name="missing_1" value="cable"`, `name="missing_1" value="battery"`, `name="price_1_charger"`,
		`<option value="damaged_in_transit">damaged in transit</option>`, `name="photos_1"`, "Distributor"} {
		if !strings.Contains(body, want) {
			t.Errorf("the parcel's panel lacks %q", want)
		}
	}

	// A price that is no amount: refused with its field, nothing received.
	form, ct := multipartBody([]formPart{{name: "number", value: r.Number}, {name: "serial_1", value: "MCT-0002"},
		{name: "missing_1", value: "charger"}, {name: "price_1_charger", value: "fifteen"}, {name: "currency", value: "EUR"}})
	resp, body := p.do(agent, "POST", "/receiving", form, ct)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "lines[0].missing_accessories[0].price.amount") ||
		!strings.Contains(body, `name="serial_1" value="MCT-0002"`) || !strings.Contains(body, `value="charger" id="missing_1_charger" checked`) {
		t.Fatalf("a bad price: %d, want 422 naming the field with the form as typed:\n%s", resp.StatusCode, body)
	}
	if got, _ := p.svc.Get(context.Background(), rma.Actor{Role: rma.RoleAgent}, r.ID); got.State != rma.Authorized {
		t.Fatalf("a refused receipt left the RMA %s", got.State)
	}

	// Shown at an older version (a document came meanwhile): said plainly,
	// the form as typed, nothing received.
	resp, body = p.form(agent, "/receiving", url.Values{"number": {r.Number}, "version": {fmt.Sprint(r.Version - 1)}, "serial_1": {"MCT-0002"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Someone changed this RMA meanwhile") ||
		!strings.Contains(body, `name="serial_1" value="MCT-0002"`) || !strings.Contains(body, fmt.Sprintf(`name="version" value="%d"`, r.Version)) {
		t.Fatalf("a stale form: %d\n%s", resp.StatusCode, body)
	}

	form, ct = multipartBody([]formPart{{name: "number", value: r.Number}, {name: "version", value: fmt.Sprint(r.Version)},
		{name: "serial_1", value: "MCT-0002"}, {name: "model_1", value: "MC-Tab 10"},
		{name: "missing_1", value: "charger"}, {name: "price_1_charger", value: "15,00"}, {name: "currency", value: "EUR"},
		{name: "condition_1", value: "damaged_in_transit"}, {name: "notes_1", value: "box crushed"},
		{name: "photos_1", filename: "arrival.png", content: bytes.NewReader(png)}})
	resp, body = p.do(agent, "POST", "/receiving", form, ct)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/receiving?received=%d", r.ID) {
		t.Fatalf("receiving: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	got, err := p.svc.Records(context.Background(), rma.Actor{Role: rma.RoleAgent}, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	l := got.RMA.Lines[0]
	if got.RMA.State != rma.Received || !l.SerialMismatch || l.FindingCondition != "" || l.IntakeCondition != "damaged_in_transit" ||
		strings.Join(l.MissingAccessories, ",") != "charger" || len(got.RMA.Charges) != 1 || got.RMA.Charges[0].Amount != (rma.Money{Cents: 1500, Currency: "EUR"}) {
		t.Fatalf("received: %s %+v %+v", got.RMA.State, l, got.RMA.Charges)
	}
	if len(got.Documents) != 1 || got.Documents[0].LineNo != 1 || got.Documents[0].ContentType != "image/png" {
		t.Fatalf("the photo: %+v", got.Documents)
	}
	_, body = p.do(agent, "GET", resp.Header.Get("Location"), nil, "")
	for _, want := range []string{"Received: " + r.Number, `id="number" name="number" value=""`, fmt.Sprintf(`<a href="/rmas/%d">%s</a>`, r.ID, r.Number),
		"serial MCT-0002 received, MCT-0001 was reserved: recorded as a mismatch", "missing: charger", "damaged in transit", "15.00 EUR"} {
		if !strings.Contains(body, want) {
			t.Errorf("after receiving, the bench lacks %q:\n%s", want, body)
		}
	}

	// The requester reads what was missing and how it arrived on the RMA page.
	dist := p.signIn("rma@dist.example")
	_, body = p.do(dist, "GET", fmt.Sprintf("/rmas/%d", r.ID), nil, "")
	if !strings.Contains(body, "Missing on arrival: charger") || !strings.Contains(body, "State on arrival: damaged in transit") {
		t.Errorf("the requester's RMA page does not say what was missing and how it arrived:\n%s", body)
	}

	// The same parcel scanned again, then a mistyped and an unknown number.
	_, body = p.do(agent, "GET", "/receiving?number="+url.QueryEscape(r.Number), nil, "")
	if !strings.Contains(body, r.Number+" was already received, on 2026-03-02") || !strings.Contains(body, fmt.Sprintf(`<a href="/rmas/%d">Open %s</a>`, r.ID, r.Number)) ||
		!strings.Contains(body, `value="`+r.Number+`"`) || strings.Contains(body, `id="receive"`) {
		t.Fatalf("a repeated scan:\n%s", body)
	}
	resp, body = p.form(agent, "/receiving", url.Values{"number": {r.Number}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "was already received") || strings.Contains(body, "allowed:") {
		t.Fatalf("a repeated receipt: %d\n%s", resp.StatusCode, body)
	}
	typo := []byte(r.Number)
	typo[8], typo[9] = typo[9], typo[8]
	if typo[8] == typo[9] {
		typo[8] = '0' + (typo[8]-'0'+1)%10
	}
	for _, c := range []struct{ number, want string }{
		{string(typo), string(typo) + " is not an RMA number, or a digit is mistyped."},
		{rma.FormatNumber(26, 99999), "No RMA has number " + rma.FormatNumber(26, 99999)},
	} {
		_, body = p.do(agent, "GET", "/receiving?number="+url.QueryEscape(c.number), nil, "")
		if !strings.Contains(body, c.want) || !strings.Contains(body, `value="`+c.number+`"`) {
			t.Errorf("scanning %s: want %q and the number kept:\n%s", c.number, c.want, body)
		}
	}

	// In Dutch.
	p.do(agent, "GET", "/lang/nl", nil, "")
	_, body = p.do(agent, "GET", "/receiving?number="+url.QueryEscape(r.Number), nil, "")
	if !strings.Contains(body, r.Number+" is al ontvangen, op 2026-03-02") {
		t.Errorf("the Dutch bench does not say the parcel was received:\n%s", body)
	}
	r2 := authorizedFor(t, p, "minicart", "MCT-0003", miniCartDates, policy.PackagePhotos, policy.DefectMedia)
	_, body = p.do(agent, "GET", "/receiving?number="+url.QueryEscape(r2.Number), nil, "")
	for _, want := range []string{"Pakket " + r2.Number, "goedgekeurd · terug te betalen", "oplader ontbreekt", "beschadigd tijdens transport", "Serienummer op de eenheid"} {
		if !strings.Contains(body, want) {
			t.Errorf("the Dutch parcel panel lacks %q", want)
		}
	}
}

// TestReceivingRefusesTheRequester: the bench is the desk's; a requester
// gets no parcel panel and cannot receive.
func TestReceivingRefusesTheRequester(t *testing.T) {
	p := newPortal(t)
	r := authorizedFor(t, p, "minicart", "MCT-0009", miniCartDates, policy.PackagePhotos, policy.DefectMedia)
	dist := p.signIn("rma@dist.example")
	if resp, _ := p.do(dist, "GET", "/receiving?number="+url.QueryEscape(r.Number), nil, ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a requester at the bench: %d", resp.StatusCode)
	}
	if resp, _ := p.form(dist, "/receiving", url.Values{"number": {r.Number}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a requester receiving: %d", resp.StatusCode)
	}
}

// TestBenchVocabulariesNamed: every accessory a pack may list and every
// state on arrival is named in every language of the portal, so no
// checklist or summary shows a raw code.
func TestBenchVocabulariesNamed(t *testing.T) {
	for _, lang := range Languages {
		for _, a := range policy.AccessoryNames() {
			if _, ok := catalogue[lang]["accessory."+a]; !ok {
				t.Errorf("%s: accessory %q has no name", lang, a)
			}
		}
		for _, c := range rma.IntakeConditions {
			if _, ok := catalogue[lang]["intake."+c]; !ok {
				t.Errorf("%s: state on arrival %q has no name", lang, c)
			}
		}
	}
}
