package web

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestExpectedFeesOnThePage: a desk running the usshop example pack shows
// the agent, before resolving, the restocking fee a refund will deduct
// (25% of 129.00: the unit was opened), in English and Dutch; the resolve
// form waives it with a reason, which the history keeps, and the refund
// is then the whole price. A waiver without a reason comes back naming
// the field.
func TestExpectedFeesOnThePage(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "policies", "usshop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	usshop, err := policy.Load("usshop.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	p := newPortal(t, usshop)
	ctx := context.Background()
	shop, err := auth.NewAccounts(p.svc.Store()).CreateOrg(ctx, rma.System, auth.NewOrg{Name: "A consumer", Role: "consumer", Country: "US"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := policy.ParseClaim([]byte(`{"kind": "withdrawal", "requester": {"role": "consumer"}, "product": {"category": "electronics", "model": "Bluetooth speaker",
		"price": {"amount": "129.00", "currency": "USD"}}, "dates": {"delivered": "2026-02-20", "reported": "2026-03-02"}, "conditions": ["opened"]}`))
	if err != nil {
		t.Fatal(err)
	}
	desk := rma.Actor{Role: rma.RoleAgent, Name: "agent"}
	step := func(got *rma.RMA, err error) *rma.RMA {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	r, _, err := p.svc.Submit(ctx, rma.Actor{OrgID: shop.ID, Role: rma.RoleRequester, Name: "shopper"},
		rma.SubmitRequest{PolicyID: "usshop", Kind: policy.Withdrawal, Lines: []rma.LineRequest{{Claim: c, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	r = step(p.svc.Authorize(ctx, desk, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "refund"}))
	r = step(p.svc.Receive(ctx, desk, r.Number, 0, 0, nil))
	step(p.svc.StartEvaluation(ctx, desk, r.ID, r.Version))

	agent := p.signIn("agent@desk.example")
	page := "/rmas/" + itoa(r.ID)
	_, body := p.do(agent, "GET", page, nil, "")
	fees := regexp.MustCompile(`(?s)<ul class="expected-fees" id="expected-fees">.*?</ul>`).FindString(body)
	if !strings.Contains(fees, "Line 1: restocking fee, 25% of the price (opened): <strong>32.25 USD</strong>") || !strings.Contains(fees, "[restocking]") ||
		!strings.Contains(body, `name="waive" value="1:restocking"`) {
		t.Fatalf("the expected fee on the page: %s\n%s", fees, body)
	}
	_, nl := p.do(agent, "GET", page, nil, "", "Accept-Language", "nl")
	if got := regexp.MustCompile(`(?s)<ul class="expected-fees" id="expected-fees">.*?</ul>`).FindString(nl); !strings.Contains(got, "Regel 1: terugnamekosten, 25% van de prijs (geopend): <strong>32,25 USD</strong>") {
		t.Fatalf("the expected fee in Dutch: %s", got)
	}
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1]
	resp, body := p.form(agent, page+"/act/resolve", url.Values{"version": {version}, "outcome": {"refunded"}, "line": {"1"},
		"price_1": {"129.00"}, "currency_1": {"USD"}, "waive": {"1:restocking"}, "waive_reason_1:restocking": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "waive_fees[0].reason") {
		t.Fatalf("a waiver without a reason: %d %s", resp.StatusCode, body)
	}
	resp, body = p.form(agent, page+"/act/resolve", url.Values{"version": {version}, "outcome": {"refunded"}, "line": {"1"},
		"price_1": {"129.00"}, "currency_1": {"USD"}, "waive": {"1:restocking"}, "waive_reason_1:restocking": {"our courier damaged the box"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the refund with the fee waived: %d %s", resp.StatusCode, body)
	}
	got := step(p.svc.Get(ctx, desk, r.ID))
	if len(got.Charges) != 1 || got.Charges[0].Amount.Cents != -12900 {
		t.Fatalf("ledger: %+v", got.Charges)
	}
	evs, err := p.svc.Store().Events(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; last.Details["fees_waived"] != "line 1 restocking: our courier damaged the box" {
		t.Fatalf("history: %+v", last.Details)
	}
}
