package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pixfraClaim is a thermal camera invoiced on invoiced: within Pixfra's
// three years, outside the one year of the draft below.
func pixfraClaim(serial, invoiced string) map[string]any {
	return map[string]any{"policy": "pixfra", "reference": "PO-" + serial, "lines": []any{map[string]any{
		"product":     map[string]any{"category": "thermal-camera", "part": "device", "model": "Arc A435", "serial": serial},
		"part_number": "1.0.01.08.43501", "dates": map[string]any{"invoice": invoiced},
		"documents": []string{"vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"},
		"fault":     "No thermal image after power-on."}}}
}

// TestPortalAdminPolicies: in a real browser, the demo desk's admin opens
// the Pixfra pack and a version clause by clause, uploads a draft that
// cuts a thermal camera's warranty to one year with a misspelt key (the
// finding is shown on its line), fixes it, compares it with the version in
// force, and publishes it for a day three days ahead. A claim filed through
// the API before that day is decided by version 1; the desk's date moved
// past it, the same claim is decided by version 2 and rejected, while the
// earlier RMA keeps version 1. Every page is audited with axe-core at
// desktop and phone width, in English and in Dutch.
func TestPortalAdminPolicies(t *testing.T) {
	chromium := needChromium(t, "the policy pages' browser test")
	out := t.ArtifactDir()
	t.Logf("screenshots: %s", out)
	dir := t.TempDir()
	base, stop := startServe(t, "--demo", "--data-dir", dir)
	t.Cleanup(func() { _ = stop() })
	keys, err := readDemoKeys(filepath.Join(dir, "demo-keys.env"))
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC()
	invoiced := today.AddDate(-2, 0, 0).Format("2006-01-02")
	publishOn := today.AddDate(0, 0, 3).Format("2006-01-02")

	// Before the draft: a claim decided by version 1.
	before, _ := demoAPI(t, base, keys["PIXFRA_KEY"], "POST", "/api/v1/rmas", "", pixfraClaim("PXF-BEFORE-1", invoiced))
	if before["policy_version"] != "1" || before["decision"] == "reject" {
		t.Fatalf("before the draft: version %v, decision %v", before["policy_version"], before["decision"])
	}

	b := startBrowser(t, chromium, out)
	admin := b.newTab("admin", base)
	admin.signIn("admin@demo.example", demoPassword)
	admin.open("/admin/policies")
	admin.check("the policies")
	admin.click("opening Pixfra", `#policies a[href="/admin/policies/pixfra"]`)
	admin.check("Pixfra's versions")
	admin.click("opening version 1", `#versions a[href="/admin/policies/pixfra/versions/1"]`)
	if got := admin.text("#clause-warranty-chart"); !strings.Contains(got, "thermal-camera") {
		t.Errorf("the warranty chart clause does not list its rules: %s", got)
	}
	admin.check("Pixfra version 1, clause by clause")

	// A draft with a misspelt key: refused, the finding on its line.
	src, err := os.ReadFile("../../policies/pixfra.yaml")
	if err != nil {
		t.Fatal(err)
	}
	term := "    - category: thermal-camera\n      part: device\n      years: 3\n"
	at := strings.Index(string(src), term)
	if at < 0 {
		t.Fatal("pixfra.yaml has no thermal-camera term")
	}
	line := strings.Count(string(src[:at]), "\n") + 3
	bad := strings.Replace(string(src), term, strings.Replace(term, "years: 3", "yeers: 1", 1), 1)
	good := strings.Replace(string(src), term, strings.Replace(term, "years: 3", "years: 1", 1), 1)
	admin.open("/admin/policies/pixfra")
	admin.do("pasting a draft with an error",
		chromedp.SetValue(chromedp.ID("draft-source"), bad),
		chromedp.SetValue(chromedp.ID("draft-version"), "2"),
		chromedp.SetValue(chromedp.ID("draft-date"), publishOn),
	)
	admin.navigateStatus("saving the draft with an error", http.StatusUnprocessableEntity, chromedp.Click(chromedp.CSS(`#new-draft button[type=submit]`)))
	finding := admin.text(fmt.Sprintf("tr#L%d", line))
	if !strings.Contains(finding, "yeers") || !strings.Contains(finding, fmt.Sprintf("line %d, column", line)) {
		t.Fatalf("line %d does not carry the finding: %q", line, finding)
	}
	admin.check("a draft refused, the finding on its line")

	// Fixed: saved as a draft, compared with version 1.
	admin.do("correcting the draft", chromedp.SetValue(chromedp.ID("draft-source"), good))
	path := admin.click("saving the corrected draft", `#new-draft button[type=submit]`)
	if !strings.HasPrefix(path, "/admin/policies/pixfra/drafts/") {
		t.Fatalf("saving led to %s: %s", path, admin.text("main"))
	}
	if got := admin.text("#draft-version-shown"); got != "2" {
		t.Errorf("the draft's version is %q", got)
	}
	draftID := strings.TrimPrefix(path, "/admin/policies/pixfra/drafts/")
	if href := read(admin, "reading the what-if link", chromedp.AttributeValue(chromedp.ID("draft-whatif"), "href")); href.Value != "/admin/policies/pixfra/whatif?draft="+draftID {
		t.Errorf("the what-if link is %q", href.Value)
	}
	admin.check("the draft, saved")
	admin.click("comparing with version 1", "#draft-diff")
	if got := admin.text("#diff-rules"); !strings.Contains(got, "warranty.terms") || !strings.Contains(got, "warranty-chart") {
		t.Errorf("the rule-by-rule diff: %s", got)
	}
	admin.check("the draft compared with version 1")

	// Published for a day three days ahead.
	admin.open(path)
	admin.do("choosing the day", chromedp.SetValue(chromedp.ID("publish-date"), publishOn))
	admin.click("publishing", `#publish button[type=submit]`)
	if got := admin.text("main"); !strings.Contains(got, "Version 2 is published") || !strings.Contains(got, "takes effect later") {
		t.Errorf("after publishing: %s", got)
	}
	admin.check("version 2 published for a later day")
	admin.open("/admin/policies/pixfra/versions/2")
	if !admin.has("form#retire") {
		t.Error("a version to come offers no withdrawal")
	}
	admin.check("version 2, to come, may be withdrawn")

	// Until that day version 1 decides; from it, version 2.
	still, _ := demoAPI(t, base, keys["PIXFRA_KEY"], "POST", "/api/v1/rmas", "", pixfraClaim("PXF-BEFORE-2", invoiced))
	if still["policy_version"] != "1" {
		t.Fatalf("before the day version %v decided", still["policy_version"])
	}
	demoAPI(t, base, keys["ADMIN_KEY"], "POST", "/api/v1/clock/advance", "", map[string]any{"days": 3})
	after, _ := demoAPI(t, base, keys["PIXFRA_KEY"], "POST", "/api/v1/rmas", "", pixfraClaim("PXF-AFTER-1", invoiced))
	if after["policy_version"] != "2" || after["decision"] != "reject" {
		t.Fatalf("after the day: version %v, decision %v", after["policy_version"], after["decision"])
	}
	again, _ := demoAPI(t, base, keys["PIXFRA_KEY"], "GET", fmt.Sprintf("/api/v1/rmas/%v", before["id"]), "", nil)
	if again["policy_version"] != "1" || again["decision"] != before["decision"] {
		t.Fatalf("the earlier RMA: version %v, decision %v", again["policy_version"], again["decision"])
	}
	admin.open("/admin/policies")
	if got := admin.text("#policies"); !strings.Contains(got, "version 2") {
		t.Errorf("the list after the day: %s", got)
	}

	// The pages in Dutch.
	admin.open("/lang/nl?next=/admin/policies/pixfra")
	admin.open("/admin/policies/pixfra")
	if got := admin.text("main h2"); !strings.Contains(got, "Versies") {
		t.Errorf("Dutch: %s", got)
	}
	admin.check("Pixfra's versions, in Dutch")
	admin.open("/admin/policies/pixfra/diff?from=1&to=2")
	admin.check("versions compared, in Dutch")
	admin.open("/admin/policies/pixfra/versions/2")
	admin.check("Pixfra version 2, in Dutch")
	var errs []string
	for _, e := range b.consoleErrors() {
		// Chromium logs the refused draft's 422, which the test asked for.
		if !strings.Contains(e, "/admin/policies/pixfra/drafts:1: error: Failed to load resource: the server responded with a status of 422") {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
