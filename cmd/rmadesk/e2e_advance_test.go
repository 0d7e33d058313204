package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPortalAdvanceReplacement: a desk serving the seed packs and the
// netvendor example pack (issue 14). Through the portal only, a partner in
// the Netherlands files a switch with its price; its RMA page says the
// policy offers advance replacement and that it may ask for it. The agent
// ships the replacement in advance on the authorize form; both then read
// the replacement shipped, the day the defective unit is due and the
// deposit held, in English and Dutch. Every page is audited with axe-core
// and at phone width.
func TestPortalAdvanceReplacement(t *testing.T) {
	t.Parallel()
	chromium := needChromium(t, "the advance replacement's browser test")
	out := t.ArtifactDir()
	packs := t.TempDir()
	seeds, err := filepath.Glob(filepath.Join("..", "..", "policies", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(seeds, filepath.Join("..", "..", "examples", "policies", "netvendor.yaml")) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(packs, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base, stop := startServe(t, "--demo", "--data-dir", t.TempDir(), "--dir", packs)
	t.Cleanup(func() { _ = stop() })

	b := startBrowser(t, chromium, out)
	req := b.newTab("partner", base)
	req.signIn("dexxon@demo.example", demoPassword)
	invoiced := time.Now().AddDate(0, -3, 0).Format("2006-01-02")
	id := fileInPortal(t, req, "netvendor", "switch", "NVS8-BRW-0001", "NV-S8", "Ports 1-8 dead after a power cut.",
		chromedp.SetValue(chromedp.ID("date_invoice_1"), invoiced),
		chromedp.SendKeys(chromedp.ID("price_1"), "450,00"))
	rmaPath := "/rmas/" + id
	if mine := req.text("main"); !strings.Contains(mine, "Ask for it in a message if you need it.") {
		t.Errorf("the partner is not told advance replacement is offered:\n%s", mine)
	}
	req.check("netvendor RMA, advance replacement offered")

	agent := b.newTab("agent", base)
	agent.signIn("agent@demo.example", demoPassword)
	agent.open(rmaPath)
	agent.check("netvendor RMA to authorize, with advance replacement")
	agent.do("shipping the replacement in advance",
		chromedp.SetValue(chromedp.ID("res-"+id), "replace"),
		chromedp.Click(chromedp.CSS(`input[name="advance_line"][value="1"]`)),
		chromedp.SendKeys(chromedp.ID("adv-serial-1"), "NVS8-900001"),
		chromedp.SendKeys(chromedp.ID("adv-tracking-1"), "1Z999AA10123456784"))
	agent.click("authorizing with advance replacement", `#step-authorize button[type=submit]`)
	if got := agent.text("dl.facts .state"); got != "authorized" {
		t.Fatalf("after authorizing the RMA is %q: %s", got, agent.text("main"))
	}
	shipped := agent.text("#h-lines ~ article .advance")
	for _, want := range []string{"Replacement NVS8-900001 shipped in advance on", "tracking 1Z999AA10123456784", "The defective unit is due back by", "Deposit held: 450.00 EUR."} {
		if !strings.Contains(shipped, want) {
			t.Errorf("the agent's page lacks %q:\n%s", want, shipped)
		}
	}
	agent.check("netvendor RMA, replacement shipped in advance")

	req.open(rmaPath)
	if mine := req.text("#h-lines ~ article .advance"); !strings.Contains(mine, "Replacement NVS8-900001 shipped in advance") || !strings.Contains(mine, "Deposit held: 450.00 EUR.") {
		t.Errorf("the partner's page:\n%s", mine)
	}
	req.check("my netvendor RMA, replacement shipped in advance")
	req.open("/lang/nl?next=" + rmaPath)
	req.open(rmaPath)
	if mine := req.text("#h-lines ~ article .advance"); !strings.Contains(mine, "Vervanging NVS8-900001 vooraf verzonden op") || !strings.Contains(mine, "Borg aangehouden") {
		t.Errorf("the Dutch page:\n%s", mine)
	}
	req.check("my netvendor RMA in Dutch, replacement shipped in advance")
	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
