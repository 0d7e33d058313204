package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPortalAdminWhatIf: on a demo desk, the Pixfra distributor files a
// thermal camera invoiced eight months ago (in its three-year warranty).
// The admin opens the what-if page of Pixfra, pastes a draft that cuts
// the camera's warranty to six months, and sees the line change (its
// decision, its warranty's last day, the reasons with their clauses) and
// the money; a draft with an error shows the finding on its line. Every
// page is audited with axe-core at desktop and phone width, in English
// and Dutch.
func TestPortalAdminWhatIf(t *testing.T) {
	chromium := needChromium(t, "the what-if browser test")
	out := t.ArtifactDir()
	base, stop := startServe(t, "--demo", "--data-dir", t.TempDir())
	t.Cleanup(func() { _ = stop() })
	pack, err := os.ReadFile(filepath.Join("..", "..", "policies", "pixfra.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	camera := "    - category: thermal-camera\n      part: device\n      years: 3\n"
	if !strings.Contains(string(pack), camera) {
		t.Fatal("the Pixfra pack changed")
	}
	draft := func(term string) string {
		return strings.Replace(string(pack), camera, "    - category: thermal-camera\n      part: device\n      "+term+"\n", 1)
	}

	b := startBrowser(t, chromium, out)
	req := b.newTab("distributor", base)
	req.signIn("pixfra@demo.example", demoPassword)
	invoiced := time.Now().AddDate(0, -8, 0).Format("2006-01-02")
	req.click("opening New RMA", `nav a[href="/rmas/new"]`)
	if req.has("select#policy") {
		req.do("choosing the Pixfra policy", chromedp.SetValue(chromedp.ID("policy"), "pixfra"))
		req.click("going on with the Pixfra policy", `main form button[type=submit]`)
	}
	req.do("filling in the unit",
		chromedp.SendKeys(chromedp.ID("category_1"), "thermal-camera"),
		chromedp.SetValue(chromedp.ID("part_1"), "device"),
		chromedp.SendKeys(chromedp.ID("model_1"), "Arc A435"),
		chromedp.SendKeys(chromedp.ID("serial_1"), "PXF-WHATIF-1"),
		chromedp.SendKeys(chromedp.ID("part_number_1"), "1.0.01.08.43501"),
		chromedp.SendKeys(chromedp.ID("fault_1"), "No image after start-up."),
		chromedp.SetValue(chromedp.ID("date_invoice_1"), invoiced),
		chromedp.Click(chromedp.CSS(`input[name="has_vendor_invoice_1"]`)),
	)
	rmaPath := req.click("submitting the RMA", `#new-rma button.primary`)
	m := regexp.MustCompile(`^/rmas/(\d+)$`).FindStringSubmatch(rmaPath)
	if m == nil {
		t.Fatalf("submitting led to %s, not an RMA page: %s", rmaPath, req.text("main"))
	}
	id := m[1]

	admin := b.newTab("admin", base)
	admin.signIn("admin@demo.example", demoPassword)
	admin.open("/admin/policies/pixfra/whatif")
	admin.check("what-if form")

	// A draft with an error: the finding on its line, the draft kept.
	bad := draft("years: three")
	line := strings.Count(bad[:strings.Index(bad, "years: three")], "\n") + 1
	admin.do("pasting a draft with an error", chromedp.SetValue(chromedp.ID("draft_yaml"), bad),
		chromedp.Click(chromedp.CSS(`#whatif-form button[type=submit]`)), chromedp.WaitVisible(chromedp.ID("findings")))
	if f := admin.text("#findings"); !strings.Contains(f, fmt.Sprintf("line %d: warranty.terms[2].years", line)) {
		t.Errorf("the finding is not on its line:\n%s", f)
	}
	admin.check("what-if with a lint error")

	admin.do("pasting a six-month draft", chromedp.SetValue(chromedp.ID("draft_yaml"), draft("months: 6")))
	admin.click("running the what-if", `#whatif-form button[type=submit]`)
	summary := admin.text("#whatif-summary")
	if !strings.Contains(summary, "1 lines replayed: 1 changed") || !strings.Contains(summary, "warranty ends earlier: 1 lines") {
		t.Errorf("the summary:\n%s", summary)
	}
	changed := admin.text("#whatif-changed")
	for _, want := range []string{"→ reject", "[warranty-chart]", "out of warranty"} {
		if !strings.Contains(changed, want) {
			t.Errorf("the changed line lacks %q:\n%s", want, changed)
		}
	}
	if !admin.has(`#whatif-changed a[href="/rmas/`+id+`"]`) || !admin.has(".whatif-money table") {
		t.Errorf("no link to the RMA, or no money table:\n%s", admin.text("main"))
	}
	admin.check("what-if with changed lines and money")

	admin.open("/lang/nl?next=/admin/policies/pixfra/whatif")
	admin.open("/admin/policies/pixfra/whatif")
	admin.do("pasting the draft again", chromedp.SetValue(chromedp.ID("draft_yaml"), draft("months: 6")))
	admin.click("running the what-if in Dutch", `#whatif-form button[type=submit]`)
	if s := admin.text("#whatif-summary"); !strings.Contains(s, "regels opnieuw beslist") {
		t.Errorf("the Dutch summary:\n%s", s)
	}
	admin.check("what-if in Dutch")
	// The draft with an error was answered 422, as a refused form is:
	// the browser logs that status, nothing else may be logged.
	var errs []string
	for _, e := range b.consoleErrors() {
		if !strings.Contains(e, "status of 422") {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
