package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// evaluatedForSupplier files a WebStore4 router for the portal's
// distributor and takes it through to a confirmed defect, and adds a
// supplier; it returns the RMA and the supplier.
func evaluatedForSupplier(p *portal) (*rma.RMA, *rma.Supplier) {
	p.t.Helper()
	r := evaluatedRMA(p, "R9-PORTAL")
	sup, err := p.svc.CreateSupplier(p.t.Context(), rma.System, rma.NewSupplier{Name: "Router Wholesale", Country: "NL", Email: "rma@routers.example",
		Address: rma.Address{Street: "Transportweg 18", Postcode: "2742 RH", City: "Waddinxveen", Country: "NL"}})
	if err != nil {
		p.t.Fatal(err)
	}
	return r, sup
}

// evaluatedRMA files a WebStore4 router with serial and confirms its defect.
func evaluatedRMA(p *portal, serial string) *rma.RMA {
	p.t.Helper()
	ctx := p.t.Context()
	dist, err := p.svc.Store().OrgByName(ctx, "Distributor")
	if err != nil {
		p.t.Fatal(err)
	}
	requester := rma.Actor{OrgID: dist.ID, Role: rma.RoleRequester, Name: "rma@dist.example"}
	agent := rma.Actor{Role: rma.RoleAgent, Name: "agent"}
	c, err := policy.ParseClaim([]byte(`{"requester": {"role": "distributor"}, "product": {"category": "router", "model": "WS-R9", "serial": "` + serial + `"},
		"dates": {"delivered": "2025-06-01", "reported": "2026-03-02"}}`))
	if err != nil {
		p.t.Fatal(err)
	}
	r, _, err := p.svc.Submit(ctx, requester, rma.SubmitRequest{PolicyID: "webstore4", Lines: []rma.LineRequest{{Claim: c, Fault: "reboots"}}})
	if err != nil {
		p.t.Fatal(err)
	}
	steps := []func() (*rma.RMA, error){
		func() (*rma.RMA, error) {
			return p.svc.Authorize(ctx, agent, r.ID, 0, rma.AuthorizeRequest{Resolution: "repair"})
		},
		func() (*rma.RMA, error) { return p.svc.Receive(ctx, agent, r.Number, 0, 0, nil) },
		func() (*rma.RMA, error) { return p.svc.StartEvaluation(ctx, agent, r.ID, 0) },
		func() (*rma.RMA, error) {
			return p.svc.Evaluate(ctx, agent, r.ID, 0, []rma.LineFinding{{LineNo: 1, Finding: rma.DefectConfirmed}})
		},
	}
	for _, step := range steps {
		if r, err = step(); err != nil {
			p.t.Fatal(err)
		}
	}
	return r
}

// TestSupplierPages: the agent forwards a line from the RMA page, records
// the shipment and the verdict on the supplier RMA's page; a refused form
// comes back with the field at fault; the requester sees only that its unit
// is at the supplier, and the verdict; both languages.
func TestSupplierPages(t *testing.T) {
	p := newPortal(t)
	r, sup := evaluatedForSupplier(p)
	agent := p.signIn("agent@desk.example")
	_, page := p.do(agent, "GET", fmt.Sprintf("/rmas/%d", r.ID), nil, "")
	if !strings.Contains(page, `id="step-forward_to_supplier"`) || !strings.Contains(page, "Router Wholesale") {
		t.Fatalf("no forward form on the RMA page:\n%s", page)
	}
	// No line ticked: refused, naming the field.
	resp, body := p.form(agent, fmt.Sprintf("/rmas/%d/act/forward_to_supplier", r.ID), url.Values{
		"version": {fmt.Sprint(r.Version)}, "supplier": {fmt.Sprint(sup.ID)}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "lines: required") {
		t.Fatalf("no lines: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = p.form(agent, fmt.Sprintf("/rmas/%d/act/forward_to_supplier", r.ID), url.Values{
		"version": {fmt.Sprint(r.Version)}, "supplier": {fmt.Sprint(sup.ID)}, "line": {"1"}, "reference": {"RW-1"}})
	to := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !regexp.MustCompile(`^/supplier-rmas/\d+$`).MatchString(to) {
		t.Fatalf("forward: %d to %q", resp.StatusCode, to)
	}
	_, page = p.do(agent, "GET", to, nil, "")
	if !strings.Contains(page, "not shipped yet") || !strings.Contains(page, "RW-1") || !strings.Contains(page, `id="sup-ship"`) {
		t.Fatalf("supplier RMA page:\n%s", page)
	}
	// A second RMA's unit joins the same parcel, from its own page.
	r2 := evaluatedRMA(p, "R9-PORTAL-2")
	_, page2 := p.do(agent, "GET", fmt.Sprintf("/rmas/%d", r2.ID), nil, "")
	sid := strings.TrimPrefix(to, "/supplier-rmas/")
	if !strings.Contains(page2, fmt.Sprintf(`id="batch-%d"`, r2.ID)) || !strings.Contains(page2, `<option value="`+sid+`">SUP-26-00001`) {
		t.Fatalf("no open supplier RMA to add to:\n%s", page2)
	}
	resp, _ = p.form(agent, fmt.Sprintf("/rmas/%d/act/forward_to_supplier", r2.ID), url.Values{
		"version": {fmt.Sprint(r2.Version)}, "supplier_rma": {sid}, "line": {"1"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != to {
		t.Fatalf("adding to the supplier RMA: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = p.do(agent, "GET", to, nil, "")
	if !strings.Contains(page, r2.Number) || !strings.Contains(page, r.Number) {
		t.Fatalf("the supplier RMA lacks one of the RMAs:\n%s", page)
	}
	_, list := p.do(agent, "GET", "/supplier-rmas?open=1", nil, "")
	if !strings.Contains(list, "Router Wholesale") || !strings.Contains(list, to) {
		t.Fatalf("supplier RMA list:\n%s", list)
	}
	version := func() string {
		_, page := p.do(agent, "GET", to, nil, "")
		m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no version on\n%s", page)
		}
		return m[1]
	}
	resp, _ = p.form(agent, to+"/ship", url.Values{"version": {version()}, "carrier": {"PostNL"}, "tracking": {"3S0001"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("ship: %d", resp.StatusCode)
	}
	key := fmt.Sprintf("%d_1", r.ID)
	resp, body = p.form(agent, to+"/verdicts", url.Values{"version": {version()}, "line": {key}, "verdict_" + key: {"covered"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "lines[0].remedy") || !strings.Contains(body, `id="sup-verdicts"`) {
		t.Fatalf("a verdict without its remedy: %d\n%s", resp.StatusCode, body)
	}
	// The requester, meanwhile, in Dutch: its unit is at the supplier.
	requester := p.signIn("rma@dist.example")
	p.do(requester, "GET", "/lang/nl?next=/rmas", nil, "")
	_, mine := p.do(requester, "GET", fmt.Sprintf("/rmas/%d", r.ID), nil, "")
	if !strings.Contains(mine, "bij de leverancier") || !strings.Contains(mine, "Dit product is bij de leverancier") || strings.Contains(mine, "Router Wholesale") {
		t.Fatalf("the requester's page:\n%s", mine)
	}
	if resp, _ := p.do(requester, "GET", to, nil, ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the requester opens the supplier RMA: %d", resp.StatusCode)
	}
	key2 := fmt.Sprintf("%d_1", r2.ID)
	resp, _ = p.form(agent, to+"/verdicts", url.Values{"version": {version()}, "line": {key, key2}, "verdict_" + key: {"covered"}, "remedy_" + key: {"repaired"},
		"notes_" + key: {"new board"}, "verdict_" + key2: {"not_covered"}, "charge_" + key2: {"45,50"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verdict: %d", resp.StatusCode)
	}
	_, page = p.do(agent, "GET", to, nil, "")
	if !strings.Contains(page, "answered") || !strings.Contains(page, "covered · repaired") || !strings.Contains(page, "45.50 EUR") {
		t.Fatalf("answered page:\n%s", page)
	}
	_, page = p.do(agent, "GET", fmt.Sprintf("/rmas/%d", r.ID), nil, "")
	if !strings.Contains(page, "in evaluation") || !strings.Contains(page, "verdict on line 1: covered.") || !strings.Contains(page, "back from the supplier") {
		t.Fatalf("the RMA back from the supplier:\n%s", page)
	}
	_, mine = p.do(requester, "GET", fmt.Sprintf("/rmas/%d", r.ID), nil, "")
	if !strings.Contains(mine, "Oordeel van de leverancier over regel 1: gedekt.") || strings.Contains(mine, to) ||
		!strings.Contains(mine, "De leverancier dekt het defect onder zijn garantie; het product wordt kosteloos gerepareerd of vervangen.") {
		t.Fatalf("the requester's page after the verdict:\n%s", mine)
	}
	// Not covered: what WebStore4 does next, in the page's language.
	_, mine = p.do(requester, "GET", fmt.Sprintf("/rmas/%d", r2.ID), nil, "")
	if !strings.Contains(mine, "niet gedekt.") || !strings.Contains(mine, "WebStore4 neemt contact met u op over de verdere") {
		t.Fatalf("the requester's page after a not-covered verdict:\n%s", mine)
	}
}
