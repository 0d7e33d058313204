package main

import (
	"image/color"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPortalMiniCartLife: a Mini Cart shopper's tablet, through the portal
// only, in a real browser. The shopper files it broken on arrival with the
// front and back of the box and a video of the fault, choosing a refund
// (Mini Cart leaves the choice to the customer); the agent authorizes the
// refund; the shopper sends it; the technician receives it at the bench
// with the charger missing (charged at the price entered, as Mini Cart's
// missing_accessory fee says) and confirms the defect; the agent resolves
// it refunded at the price the tablet was invoiced at, and the balance is
// the refund less the charger. The shopper reads the outcome in English
// and Dutch. Every page is audited with axe-core at desktop and phone
// width.
func TestPortalMiniCartLife(t *testing.T) {
	t.Parallel()
	chromium := needChromium(t, "Mini Cart's browser test")
	out := t.ArtifactDir()
	t.Logf("screenshots: %s", out)
	dir := t.TempDir()
	base, stop := startServe(t, "--demo", "--data-dir", dir)
	t.Cleanup(func() { _ = stop() })
	photos := t.TempDir()
	front := writePNG(t, filepath.Join(photos, "box-front.png"), color.RGBA{R: 230, G: 120, B: 40, A: 255})
	back := writePNG(t, filepath.Join(photos, "box-back.png"), color.RGBA{R: 40, G: 120, B: 230, A: 255})
	fault := writePNG(t, filepath.Join(photos, "black-screen.png"), color.RGBA{R: 10, G: 10, B: 10, A: 255})

	b := startBrowser(t, chromium, out)

	// 1. The shopper files: delivered two days ago, broken on arrival, a refund.
	shopper := b.newTab("shopper", base)
	shopper.signIn("minicart@demo.example", demoPassword)
	shopper.click("opening New RMA", `nav a[href="/rmas/new"]`)
	if shopper.has("select#policy") {
		shopper.do("choosing Mini Cart's policy", chromedp.SetValue(chromedp.ID("policy"), "minicart"))
		shopper.click("going on with Mini Cart's policy", `main form button[type=submit]`)
	}
	delivered := time.Now().AddDate(0, 0, -2).Format("2006-01-02")
	shipped := time.Now().AddDate(0, 0, -5).Format("2006-01-02")
	if shopper.has("select#category_1") {
		shopper.do("choosing the product", chromedp.SetValue(chromedp.ID("category_1"), ""))
	}
	if shopper.has("input#category_1") {
		shopper.do("naming the product", chromedp.SendKeys(chromedp.ID("category_1"), "tablet"))
	}
	shopper.do("filling in the tablet",
		chromedp.SendKeys(chromedp.ID("reference"), "order 10023"),
		chromedp.SendKeys(chromedp.ID("model_1"), "MC-Tab 10"),
		chromedp.SendKeys(chromedp.ID("serial_1"), "MCT-LIFE-0001"),
		chromedp.SendKeys(chromedp.ID("fault_1"), "The screen stays black; the charging light is on."),
		chromedp.SetValue(chromedp.ID("date_delivered_1"), delivered),
		chromedp.SetValue(chromedp.ID("date_shipped_1"), shipped),
		chromedp.SetUploadFiles(chromedp.ID("doc_package_photos_1"), []string{front, back}),
		chromedp.SetUploadFiles(chromedp.ID("doc_defect_media_1"), []string{fault}),
		chromedp.Click(chromedp.CSS(`input[name="preference"][value="refund"]`)),
	)
	shopper.check("Mini Cart, filing a broken tablet, a refund chosen")
	path := shopper.click("submitting", `#new-rma button.primary`)
	m := regexp.MustCompile(`^/rmas/(\d+)$`).FindStringSubmatch(path)
	if m == nil {
		t.Fatalf("submitting led to %s: %s", path, shopper.text("main"))
	}
	id, rmaPath := m[1], path
	shopper.check("Mini Cart, the shopper's RMA, submitted")

	// 2. The agent authorizes the refund the shopper chose.
	agent := b.newTab("agent", base)
	agent.signIn("agent@demo.example", demoPassword)
	agent.open(rmaPath)
	if got := agent.text("dl.facts .state"); got != "submitted" {
		t.Fatalf("the filed RMA is %q", got)
	}
	if got := read(agent, "reading the resolution", chromedp.Value(chromedp.ID("res-"+id))); got != "refund" {
		t.Errorf("the authorize form offers %q first, not the shopper's refund", got)
	}
	agent.check("Mini Cart, the RMA to authorize")
	agent.click("authorizing the refund", `#step-authorize button[type=submit]`)
	if got := agent.text("dl.facts .state"); got != "authorized" {
		t.Fatalf("after authorizing the RMA is %q: %s", got, agent.text("main"))
	}
	number := regexp.MustCompile(`RMA-\d{2}-\d{5}-[A-Z]`).FindString(agent.text("main h1"))
	if number == "" {
		t.Fatalf("the authorized RMA's title has no number: %q", agent.text("main h1"))
	}

	// 3. The shopper sends it.
	shopper.open(rmaPath)
	shopper.do("filling in the shipment", chromedp.SendKeys(chromedp.ID("carrier"), "PostNL"), chromedp.SendKeys(chromedp.ID("tracking"), "3SMC0010023"))
	shopper.click("saying it is sent", `#step-ship button[type=submit]`)

	// 4. The technician receives it without its charger and confirms the defect.
	tech := benchTab{b.newTab("technician", base)}
	tech.signIn("tech@demo.example", demoPassword)
	tech.open("/receiving")
	tech.scan(number)
	tech.do("ticking the charger missing",
		chromedp.Click(chromedp.ID("missing_1_charger")),
		chromedp.SendKeys(chromedp.ID("price_1_charger"), "15.00"),
		chromedp.SetValue(chromedp.ID("condition_1"), "used"),
	)
	tech.check("Mini Cart, the parcel at the bench, the charger missing")
	var idNum int64
	for _, c := range id {
		idNum = idNum*10 + int64(c-'0')
	}
	if last := tech.receive(number, idNum); !strings.Contains(last, "missing: charger") || !strings.Contains(last, "15.00 EUR") {
		t.Errorf("the bench's summary: %s", last)
	}
	tech.click("opening the RMA received", `#bench-last a[href="`+rmaPath+`"]`)
	tech.click("starting the evaluation", `#step-start_evaluation button[type=submit]`)
	if got := tech.text("#eval-1"); !strings.Contains(got, "MCT-LIFE-0001") || !strings.Contains(got, "charger") || !strings.Contains(got, "The screen stays black") {
		t.Errorf("the evaluate step does not show the serial, the missing charger and the fault: %s", got)
	}
	tech.do("recording the finding",
		chromedp.SetValue(chromedp.ID("finding-1"), "defect_confirmed"),
		chromedp.SendKeys(chromedp.ID("hours-1"), "0.5"),
		chromedp.SendKeys(chromedp.ID("notes-1"), "Display connector faulty from the factory."),
	)
	tech.check("Mini Cart, evaluating the tablet")
	tech.click("saving the finding", `#step-evaluate button[type=submit]`)
	if got := tech.text("article.line"); !strings.Contains(got, "defect confirmed") {
		t.Errorf("the line does not show the finding: %q", got)
	}

	// 5. The agent refunds it at the invoiced price; the charger is charged.
	agent.open(rmaPath)
	agent.do("resolving refunded at the invoiced price",
		chromedp.SetValue(chromedp.ID("outcome"), "refunded"),
		chromedp.SendKeys(chromedp.ID("price-1"), "199.00"),
	)
	if agent.has("#currency-1") {
		agent.do("the price's currency", chromedp.Evaluate[chromedp.Void](`document.getElementById("currency-1").value = "EUR"`))
	}
	agent.check("Mini Cart, resolving refunded")
	agent.click("resolving", `#step-resolve button[type=submit]`)
	if got := agent.text("dl.facts dd"); got != "resolved · refunded" {
		t.Fatalf("after resolving the RMA shows %q: %s", got, agent.text("main"))
	}
	ledger := agent.text("#money")
	for _, want := range []string{"199.00", "15.00", "184.00"} {
		if !strings.Contains(ledger, want) {
			t.Errorf("the ledger lacks %s (the refund, the charger, the balance):\n%s", want, ledger)
		}
	}
	agent.check("Mini Cart, refunded with the charger charged")

	// 6. The shopper reads it, in English and in Dutch.
	shopper.open(rmaPath)
	if got := shopper.text("main"); !strings.Contains(got, "184.00") {
		t.Errorf("the shopper's page does not give the balance:\n%s", got)
	}
	shopper.check("Mini Cart, the shopper's RMA, refunded")
	shopper.open("/lang/nl?next=" + rmaPath)
	shopper.open(rmaPath)
	if got := shopper.text("main"); !strings.Contains(got, "184,00") && !strings.Contains(got, "184.00") {
		t.Errorf("the shopper's Dutch page does not give the balance:\n%s", got)
	}
	shopper.check("Mini Cart, the shopper's RMA, refunded, in Dutch")
	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
