package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPortalMoney drives three lives through the portal only, on the demo
// desk, in a real browser (issue 13, point 4):
//   - Dexxon credited at the last invoiced price: the partner files with
//     no price, the agent enters the price when resolving (the outcome
//     chosen already: the only one the policy allows), the partner
//     downloads the credit note, in English and in Dutch, and pdftotext
//     finds its number, both parties' addresses and the amount;
//   - Dexxon no fault found: no credit, and the page says the unit goes
//     back at the partner's cost, which the desk charges on an invoice;
//   - WebStore4 no fault found: 1.5 h at the desk's hourly rate, on a
//     charge invoice read back.
//
// The desk adds 21 % VAT on its documents (serve --vat-rate).
//
// Every page on the way is audited with axe-core and seen at phone width;
// the resolved pages in Dutch too.
func TestPortalMoney(t *testing.T) {
	t.Parallel()
	chromium := needChromium(t, "the money pages' browser test")
	out := t.ArtifactDir()
	dir := t.TempDir()
	// The desk adds 21 % VAT to its documents (a desk setting): the
	// ledger's amounts are the net.
	base, stop := startServe(t, "--demo", "--data-dir", dir, "--vat-rate", "21")
	t.Cleanup(func() { _ = stop() })
	b := startBrowser(t, chromium, out)
	year := time.Now().Year() // the demo desk's date is today's: documents are numbered by its year

	agent := b.newTab("agent", base)
	agent.signIn("agent@demo.example", demoPassword)
	tech := b.newTab("technician", base)
	tech.signIn("tech@demo.example", demoPassword)
	partner := b.newTab("dexxon-partner", base)
	partner.signIn("dexxon@demo.example", demoPassword)

	invoiced := time.Now().AddDate(-1, 0, 0).Format("2006-01-02")
	// 1. Dexxon, credited at the last invoiced price.
	id := fileInPortal(t, partner, "dexxon", "ssd", "DX-MONEY-0001", "DX-SSD-1TB", "Not detected by the BIOS",
		chromedp.SetValue(chromedp.ID("date_invoice_1"), invoiced))
	returnedAndEvaluated(t, agent, partner, tech, id, "return", "defect_confirmed")
	agent.open("/rmas/" + id)
	if got := read(agent, "reading the chosen outcome", chromedp.Value(chromedp.ID("outcome"))); got != "credited" {
		t.Errorf("the resolve form starts at %q, want credited (the only outcome Dexxon's policy allows for a confirmed defect)", got)
	}
	agent.check("Dexxon RMA to resolve, asking the last invoiced price")
	// Without the price (the partner gave none) the form comes back
	// saying what is missing.
	agent.do("resolving without a price", chromedp.Click(chromedp.CSS("#step-resolve button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("p.error[role=alert]")))
	if got := agent.text("main"); !strings.Contains(got, "last_invoiced_price") && !strings.Contains(got, "last invoiced price") {
		t.Errorf("resolving a credit without a price does not say the price is missing:\n%.600s", got)
	}
	agent.do("typing the last invoiced price", chromedp.SendKeys(chromedp.ID("price-1"), "121.00"),
		chromedp.SetValue(chromedp.ID("outcome"), "credited"))
	agent.click("resolving the Dexxon RMA", "#step-resolve button[type=submit]")
	if got := agent.text("dl.facts dd"); !strings.Contains(got, "credited") {
		t.Errorf("after resolving, the RMA shows %q", got)
	}
	if got := agent.text("#balance-EUR"); !strings.Contains(got, "121.00 EUR") || !strings.Contains(got, "the desk pays") {
		t.Errorf("the balance reads %q, want the desk paying 121.00 EUR", got)
	}
	agent.check("Dexxon RMA credited, with its balance")

	partner.open("/rmas/" + id)
	if !partner.has("a#credit-note") || partner.has("a#invoice") {
		t.Fatalf("the partner's resolved RMA links a credit note %v and an invoice %v; want only the credit note", partner.has("a#credit-note"), partner.has("a#invoice"))
	}
	partner.check("my Dexxon RMA credited, with the credit note")
	cn := downloadPDF(t, base+"/rmas/"+id+"/credit-note.pdf", partner.cookies())
	text := pdfText(t, cn, 1, 0)
	number := fmt.Sprintf("CN-%d-00001", year)
	for _, want := range []string{"Credit note", number, "Demo Desk", "Nieuwe Uitleg 1", "2514 BP Den Haag",
		"Demo Partner for Dexxon", "Stationsplein 8", "3511 ED Utrecht", "121.00 EUR", "VAT 21 % 25.41 EUR", "Total credited 146.41 EUR", "DX-MONEY-0001"} {
		if !strings.Contains(text, want) {
			t.Errorf("the credit note lacks %q:\n%s", want, text)
		}
	}
	// The printable summary: both parties, the ledger, the credit note's number.
	partner.click("opening the printable summary", "a#summary-link")
	if got := partner.text("main"); !strings.Contains(got, number) || !strings.Contains(got, "Stationsplein 8") || !strings.Contains(got, "Nieuwe Uitleg 1") ||
		!strings.Contains(got, "the desk pays 121.00 EUR") {
		t.Errorf("the printable summary lacks the credit note, an address or the balance:\n%s", got)
	}
	partner.check("printable summary of my Dexxon RMA")
	partner.open("/lang/nl?next=/rmas/" + id)
	if got := partner.text("a#credit-note"); !strings.Contains(got, "Creditnota") {
		t.Errorf("in Dutch the link reads %q", got)
	}
	partner.check("mijn Dexxon-RMA gecrediteerd")
	if nl := pdfText(t, downloadPDF(t, base+"/rmas/"+id+"/credit-note.pdf", partner.cookies()), 1, 0); !strings.Contains(nl, "Creditnota") || !strings.Contains(nl, number) || !strings.Contains(nl, "121,00 EUR") {
		t.Errorf("the Dutch credit note (the same number, %s):\n%s", number, nl)
	}
	partner.open("/lang/en?next=/rmas")

	// 2. Dexxon, no fault found: no credit, sent back at the partner's cost.
	id = fileInPortal(t, partner, "dexxon", "ssd", "DX-MONEY-0002", "DX-SSD-2TB", "Sometimes slow",
		chromedp.SetValue(chromedp.ID("date_invoice_1"), invoiced))
	returnedAndEvaluated(t, agent, partner, tech, id, "return", "no_fault_found")
	agent.open("/rmas/" + id)
	if got := read(agent, "reading the chosen outcome", chromedp.Value(chromedp.ID("outcome"))); got != "no_fault_found" {
		t.Errorf("the resolve form starts at %q, want no_fault_found", got)
	}
	if agent.has("#price-1") {
		t.Error("the resolve form asks a price where nothing is credited")
	}
	if got := agent.text("#returns"); !strings.Contains(got, "at the requester's cost") || !strings.Contains(got, "partner's expense") {
		t.Errorf("the page does not say the unit goes back at the partner's cost: %q", got)
	}
	agent.check("Dexxon RMA without fault, to resolve")
	agent.do("charging the way back", chromedp.SetValue(chromedp.ID("fee"), "1:transport"), chromedp.SendKeys(chromedp.ID("quantity"), "1"),
		chromedp.SendKeys(chromedp.ID("unit-price"), "14.95"))
	agent.click("recording the transport charge", "#charge-form button[type=submit]")
	agent.click("resolving without fault", "#step-resolve button[type=submit]")
	if got := agent.text("#balance-EUR"); !strings.Contains(got, "the requester pays 14.95 EUR") {
		t.Errorf("the balance reads %q, want the requester paying 14.95 EUR", got)
	}
	if agent.has("a#credit-note") || !agent.has("a#invoice") {
		t.Error("an RMA without fault links a credit note, or no invoice for the way back")
	}
	agent.check("Dexxon RMA without fault, resolved")
	partner.open("/rmas/" + id)
	partner.check("my Dexxon RMA without fault")
	inv := pdfText(t, downloadPDF(t, base+"/rmas/"+id+"/invoice.pdf", partner.cookies()), 1, 0)
	for _, want := range []string{"Invoice", fmt.Sprintf("INV-%d-00001", year), "Transport", "14.95 EUR", "Demo Partner for Dexxon"} {
		if !strings.Contains(inv, want) {
			t.Errorf("the way back's invoice lacks %q:\n%s", want, inv)
		}
	}

	// 3. WebStore4, no fault found: 1.5 h at the desk's hourly rate.
	customer := b.newTab("webstore4-customer", base)
	customer.signIn("webstore4@demo.example", demoPassword)
	delivered := time.Now().AddDate(0, -3, 0).Format("2006-01-02")
	id = fileInPortal(t, customer, "webstore4", "router", "WS-MONEY-0001", "WS-R9", "Drops Wi-Fi every evening",
		chromedp.SetValue(chromedp.ID("date_delivered_1"), delivered))
	returnedAndEvaluated(t, agent, customer, tech, id, "repair", "no_fault_found")
	agent.open("/rmas/" + id)
	agent.do("charging the research", chromedp.SetValue(chromedp.ID("fee"), "1:no_fault_found"), chromedp.SendKeys(chromedp.ID("quantity"), "1.5"),
		chromedp.SendKeys(chromedp.ID("unit-price"), "70.00"))
	agent.click("recording 1.5 h at the hourly rate", "#charge-form button[type=submit]")
	if got := agent.text("#money table"); !strings.Contains(got, "1.5 h") || !strings.Contains(got, "105.00 EUR") {
		t.Errorf("the ledger does not show 1.5 h for 105.00 EUR: %q", got)
	}
	agent.click("resolving without fault", "#step-resolve button[type=submit]")
	agent.check("WebStore4 RMA without fault, charged")
	customer.open("/rmas/" + id)
	if got := customer.text("#balance-EUR"); !strings.Contains(got, "105.00 EUR") {
		t.Errorf("the customer's balance reads %q", got)
	}
	customer.check("my WebStore4 RMA, charged")
	inv = pdfText(t, downloadPDF(t, base+"/rmas/"+id+"/invoice.pdf", customer.cookies()), 1, 0)
	for _, want := range []string{"Invoice", fmt.Sprintf("INV-%d-00002", year), "Investigation, no fault found", "1.5 h", "70.00 EUR", "105.00 EUR",
		"VAT 21 % 22.05 EUR", "Total due 127.05 EUR", "Demo Consumer at WebStore4", "Kerkstraat 12"} {
		if !strings.Contains(inv, want) {
			t.Errorf("the WebStore4 invoice lacks %q:\n%s", want, inv)
		}
	}
	customer.open("/lang/nl?next=/rmas/" + id)
	customer.check("mijn WebStore4-RMA met kosten")

	for _, e := range b.consoleErrors() {
		if strings.Contains(e, "/act/resolve") && strings.Contains(e, "422") {
			continue // the resolution refused on purpose above, without a price
		}
		t.Errorf("browser console: %s", e)
	}
}

// fileInPortal files a one-unit RMA as the signed-in requester through
// the new-RMA form, and returns its ID.
func fileInPortal(t *testing.T, req *tab, policyID, category, serial, model, fault string, dates ...chromedp.Action[chromedp.Void]) string {
	t.Helper()
	req.open("/rmas/new")
	if req.has("select#policy") {
		req.do("choosing the policy", chromedp.SetValue(chromedp.ID("policy"), policyID))
		req.click("going on with the policy", `main form button[type=submit]`)
	}
	// The category is a list where the policy names its categories (the
	// first is taken unless category is one of them), else typed.
	js := fmt.Sprintf(`(e => { if (e.tagName === "SELECT") { const o = [...e.options].find(o => o.value === %[1]q) || [...e.options].find(o => o.value); e.value = o ? o.value : ""; } else { e.value = %[1]q; } })(document.getElementById("category_1"))`, category)
	steps := append([]chromedp.Action[chromedp.Void]{
		chromedp.Evaluate[chromedp.Void](js),
		chromedp.SendKeys(chromedp.ID("model_1"), model),
		chromedp.SendKeys(chromedp.ID("serial_1"), serial),
		chromedp.SendKeys(chromedp.ID("fault_1"), fault),
	}, dates...)
	req.do("filling in the unit", steps...)
	path := req.click("submitting the RMA", `#new-rma button.primary`)
	m := regexp.MustCompile(`^/rmas/(\d+)$`).FindStringSubmatch(path)
	if m == nil {
		t.Fatalf("submitting led to %s, not an RMA page: %s", path, req.text("main"))
	}
	return m[1]
}

// returnedAndEvaluated takes a filed RMA through the portal to its
// finding: the agent authorizes it, the requester ships, the bench
// receives it and records the finding.
func returnedAndEvaluated(t *testing.T, agent, req, tech *tab, id, resolution, finding string) {
	t.Helper()
	agent.open("/rmas/" + id)
	agent.do("choosing the resolution", chromedp.SetValue(chromedp.ID("res-"+id), resolution))
	agent.click("authorizing", `#step-authorize button[type=submit]`)
	number := regexp.MustCompile(`RMA-\d{2}-\d{5}-[A-Z]`).FindString(agent.text("main h1"))
	if number == "" {
		t.Fatalf("the authorized RMA has no number: %s", agent.text("main"))
	}
	req.open("/rmas/" + id)
	req.do("filling in the shipment", chromedp.SendKeys(chromedp.ID("carrier"), "PostNL"), chromedp.SendKeys(chromedp.ID("tracking"), "3S"+strings.ReplaceAll(number, "-", "")))
	req.click("shipping", `#step-ship button[type=submit]`)
	tech.open("/receiving?number=" + number)
	tech.click("receiving the parcel", `#receive button[type=submit]`)
	tech.open("/rmas/" + id)
	tech.click("starting the evaluation", `#step-start_evaluation button[type=submit]`)
	tech.do("recording the finding", chromedp.SetValue(chromedp.ID("finding-1"), finding))
	tech.click("saving the finding", `#step-evaluate button[type=submit]`)
	if got := tech.text("dl.facts .state"); got != "in evaluation" {
		t.Fatalf("after the evaluation the RMA is %q: %s", got, tech.text("main"))
	}
}

// downloadPDF fetches a document as the person whose cookies these are
// (a click on the link would save it where the test cannot read it).
func downloadPDF(t *testing.T, url string, cookies []*http.Cookie) []byte {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Fatalf("GET %s: %d %s: %.300s", url, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	return body
}
