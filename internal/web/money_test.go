package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestMoneyForms: the portal's money forms without a browser.
//   - Dexxon's destruction with a credit asks each line's price: without
//     one the page comes back (422) saying so, nothing written; a price
//     typed the Dutch way (10,50) is taken; the credit note is then the
//     requester's to download.
//   - Mini Cart refunded by the customer's choice: the resolve form starts
//     at refunded (the only outcome allowed) and asks the price; a price
//     that is no amount comes back naming the field; the import duties the
//     return incurred are charged once it is on its way, and the balance
//     is the refund less the duties.
//   - An RMA with more than one outcome allowed starts at none.
func TestMoneyForms(t *testing.T) {
	p := newPortal(t)
	ctx := context.Background()
	accounts := auth.NewAccounts(p.svc.Store())
	partner, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "A partner", Role: "partner", Country: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.CreateUser(ctx, rma.System, partner.ID, "me@partner.example", "", rma.RoleRequester, password); err != nil {
		t.Fatal(err)
	}
	me := p.signIn("me@partner.example")
	agent := p.signIn("agent@desk.example")
	version := func(body string) string {
		m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no form: %s", body)
		}
		return m[1]
	}
	submit := func(actor rma.Actor, policyID, js string, pref string) *rma.RMA {
		t.Helper()
		c, err := policy.ParseClaim([]byte(js))
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := p.svc.Submit(ctx, actor, rma.SubmitRequest{PolicyID: policyID, Preference: pref, Lines: []rma.LineRequest{{Claim: c, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	partnerActor := rma.Actor{OrgID: partner.ID, Role: rma.RoleRequester, Name: "me"}
	r := submit(partnerActor, "dexxon", `{"requester": {"role": "partner"}, "product": {"category": "ssd"}, "dates": {"invoice": "2025-06-01", "reported": "2026-03-02"}}`, "")
	page := "/rmas/" + itoa(r.ID)
	_, body := p.do(agent, "GET", page, nil, "")
	if !strings.Contains(body, `id="step-credit_without_return"`) || !strings.Contains(body, `name="price_1"`) {
		t.Fatalf("the destruction form asks no price: %s", body)
	}
	resp, body := p.form(agent, page+"/act/credit_without_return", url.Values{"version": {version(body)}, "line": {"1"}, "note": {"destroy"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "last_invoiced_price") || !strings.Contains(body, `name="price_1"`) {
		t.Fatalf("a credit without a price: %d %s", resp.StatusCode, body)
	}
	if got, _ := p.svc.Get(ctx, rma.System, r.ID); got.Version != r.Version {
		t.Fatal("a refused credit wrote something")
	}
	resp, body = p.form(agent, page+"/act/credit_without_return", url.Values{"version": {version(body)}, "line": {"1"}, "price_1": {"10,50"}, "currency_1": {"eur"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a credit with a price: %d %s", resp.StatusCode, body)
	}
	if _, body = p.do(me, "GET", page, nil, ""); !strings.Contains(body, "the desk pays 10.50 EUR to the requester") || !strings.Contains(body, `href="`+page+`/credit-note.pdf"`) {
		t.Fatalf("the partner's page after the credit: %s", body)
	}
	resp, pdf := p.do(me, "GET", page+"/credit-note.pdf", nil, "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix([]byte(pdf), []byte("%PDF-")) ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "CN-2026-00001.pdf") {
		t.Fatalf("the credit note: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := p.do(me, "GET", page+"/invoice.pdf", nil, ""); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("an invoice of an RMA without charges: %d", resp.StatusCode)
	}

	// Mini Cart: a refund by the customer's choice.
	shop, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "A shopper", Role: "consumer", Country: "ES"})
	if err != nil {
		t.Fatal(err)
	}
	shopper := rma.Actor{OrgID: shop.ID, Role: rma.RoleRequester, Name: "shopper"}
	r = submit(shopper, "minicart", `{"requester": {"role": "consumer"}, "product": {"category": "tablet", "part": "device"},
		"dates": {"shipped": "2026-02-20", "delivered": "2026-02-27", "reported": "2026-03-02"}, "documents": ["package_photos", "defect_media"]}`, "refund")
	desk := rma.Actor{Role: rma.RoleAgent, Name: "agent"}
	step := func(got *rma.RMA, err error) *rma.RMA {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	r = step(p.svc.Authorize(ctx, desk, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "refund"}))
	// The parcel is on its way: the import duties it incurred are
	// charged (a fee of Mini Cart's whatever the finding), at the amount
	// the desk paid.
	page = "/rmas/" + itoa(r.ID)
	_, body = p.do(agent, "GET", page, nil, "")
	if !strings.Contains(body, `<option value="1:import_duties">`) || strings.Contains(body, `<option value="1:transport">`) {
		t.Fatalf("before the finding the charge form offers: %s", regexp.MustCompile(`(?s)<select id="fee".*?</select>`).FindString(body))
	}
	if resp, body := p.form(agent, page+"/charges", url.Values{"version": {version(body)}, "fee": {"1:import_duties"}, "quantity": {"1"}, "unit_price": {"8,40"}, "currency": {"EUR"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("charging import duties: %d %s", resp.StatusCode, body)
	}
	r = step(p.svc.Get(ctx, desk, r.ID))
	r = step(p.svc.Receive(ctx, desk, r.Number, 0, 0, nil))
	r = step(p.svc.StartEvaluation(ctx, desk, r.ID, r.Version))
	step(p.svc.Evaluate(ctx, desk, r.ID, r.Version, []rma.LineFinding{{LineNo: 1, Finding: rma.DefectConfirmed}}))
	_, body = p.do(agent, "GET", page, nil, "")
	if sel := outcomeSelect(body); !strings.Contains(sel, `<option value="refunded" selected>`) || strings.Contains(sel, `<option value="">`) || !strings.Contains(body, `id="price-1"`) {
		t.Fatalf("the resolve form for a refund by choice: %s", body)
	}
	resp, body = p.form(agent, page+"/act/resolve", url.Values{"version": {version(body)}, "outcome": {"refunded"}, "line": {"1"}, "price_1": {"49.999"}, "currency_1": {"EUR"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "prices[0].last_invoiced_price.amount") {
		t.Fatalf("a price that is no amount: %d %s", resp.StatusCode, body)
	}
	resp, body = p.form(agent, page+"/act/resolve", url.Values{"version": {version(body)}, "outcome": {"refunded"}, "line": {"1"}, "price_1": {"49.90"}, "currency_1": {"EUR"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the refund: %d %s", resp.StatusCode, body)
	}
	if _, body = p.do(agent, "GET", page, nil, ""); !strings.Contains(body, "the desk pays 41.50 EUR to the requester") || !strings.Contains(body, "refund") ||
		!strings.Contains(body, "import duties") {
		t.Fatalf("the refund's balance: %s", body)
	}

	// Without the customer's choice, Mini Cart allows a replacement or a
	// refund: the form chooses neither.
	r = submit(shopper, "minicart", `{"requester": {"role": "consumer"}, "product": {"category": "tablet", "part": "device"},
		"dates": {"shipped": "2026-02-20", "delivered": "2026-02-27", "reported": "2026-03-02"}, "documents": ["package_photos", "defect_media"]}`, "")
	r = step(p.svc.Authorize(ctx, desk, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "replace"}))
	r = step(p.svc.Receive(ctx, desk, r.Number, 0, 0, nil))
	r = step(p.svc.StartEvaluation(ctx, desk, r.ID, r.Version))
	r = step(p.svc.Evaluate(ctx, desk, r.ID, r.Version, []rma.LineFinding{{LineNo: 1, Finding: rma.DefectConfirmed}}))
	_, body = p.do(agent, "GET", "/rmas/"+itoa(r.ID), nil, "")
	if sel := outcomeSelect(body); !strings.Contains(sel, `<option value="">Choose how it ends…</option>`) || strings.Contains(sel, "selected") {
		t.Fatalf("with two outcomes allowed the form chose one: %s", body)
	}
	resp, body = p.form(agent, "/rmas/"+itoa(r.ID)+"/act/resolve", url.Values{"version": {version(body)}, "outcome": {""}, "line": {"1"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "choose how the RMA ends") {
		t.Fatalf("resolving with no outcome chosen: %d %s", resp.StatusCode, body)
	}
}

// TestPriceAtFiling: where the policy credits or refunds at the invoiced
// price, the new-RMA form asks each unit's price (Dexxon, Mini Cart; not
// Pixfra); a price typed the Dutch way is kept on the line, one that is no
// amount comes back naming lines[0].last_invoiced_price.amount.
func TestPriceAtFiling(t *testing.T) {
	p := newPortal(t)
	ctx := context.Background()
	accounts := auth.NewAccounts(p.svc.Store())
	partner, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "A partner", Role: "partner", Country: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.CreateUser(ctx, rma.System, partner.ID, "me@partner.example", "", rma.RoleRequester, password); err != nil {
		t.Fatal(err)
	}
	me := p.signIn("me@partner.example")
	if _, body := p.do(me, "GET", "/rmas/new?policy=dexxon", nil, ""); !strings.Contains(body, `name="price_1"`) {
		t.Fatalf("the Dexxon form asks no price: %s", body)
	}
	dist := p.signIn("rma@dist.example")
	if _, body := p.do(dist, "GET", "/rmas/new?policy=pixfra", nil, ""); strings.Contains(body, `name="price_1"`) {
		t.Fatalf("the Pixfra form asks a price its policy never pays back")
	}
	post := func(price string) (*http.Response, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range map[string]string{"policy": "dexxon", "lines": "1", "kind": "defect", "category_1": "ssd", "model_1": "DX-1",
			"quantity_1": "1", "fault_1": "dead", "date_invoice_1": "2025-06-01", "price_1": price, "currency_1": "EUR"} {
			_ = mw.WriteField(k, v)
		}
		mw.Close()
		return p.do(me, "POST", "/rmas/new", &buf, mw.FormDataContentType())
	}
	if resp, body := post("12.345"); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "lines[0].last_invoiced_price.amount") {
		t.Fatalf("a price that is no amount: %d %s", resp.StatusCode, body)
	}
	resp, body := post("89,90")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("filing with a price: %d %s", resp.StatusCode, body)
	}
	got, err := p.svc.Get(ctx, rma.System, atoi(strings.TrimPrefix(resp.Header.Get("Location"), "/rmas/")))
	if err != nil {
		t.Fatal(err)
	}
	if pr := got.Lines[0].LastInvoicedPrice; pr.Cents != 8990 || pr.Currency != "EUR" {
		t.Fatalf("the line's price: %+v", pr)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// outcomeSelect is the resolve form's outcome list in a page.
func outcomeSelect(body string) string {
	return regexp.MustCompile(`(?s)<select id="outcome".*?</select>`).FindString(body)
}
