package main

import (
	"fmt"
	"image/color"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// TestPortalPolicyVersionLife is a policy version's whole life (issue 15)
// through the portal's pages only, on the demo desk and its past
// (demohistory.go). The Pixfra distributor sees its RMAs of the last
// months. The admin uploads a draft of Pixfra's pack as a file (a thermal
// camera covered one year instead of three, with a misspelt key) and reads
// the finding on its line; corrects the line in the page and saves the
// draft; finds it waiting on the admin home and opens it from there;
// compares it with version 1; runs the what-if from the draft's page over
// the desk's past and reads the lines it changes (the decisions, the
// reasons with their clauses) and the money under each version; and
// publishes it for a day three days ahead. A camera the distributor files
// before that day is decided by version 1; once the desk's date is past it
// (`rmadesk clock advance`, as a demo desk's admin moves it) the same
// camera is decided by version 2 and refused, in the distributor's words
// with the new clause, while the RMAs filed before keep version 1. Every
// page is audited with axe-core at desktop and phone width, in English and
// in Dutch.
func TestPortalPolicyVersionLife(t *testing.T) {
	t.Parallel()
	chromium := needChromium(t, "the policy version's browser test")
	out := t.ArtifactDir()
	t.Logf("screenshots: %s", out)
	dir := t.TempDir()
	base, stop := startServe(t, "--demo", "--data-dir", dir)
	t.Cleanup(func() { _ = stop() })
	keys, err := readDemoKeys(filepath.Join(dir, "demo-keys.env"))
	if err != nil {
		t.Fatal(err)
	}
	files := t.TempDir()
	labelPhoto := writePNG(t, filepath.Join(files, "label.png"), color.RGBA{R: 240, G: 240, B: 235, A: 255})
	appearancePhoto := writePNG(t, filepath.Join(files, "appearance.png"), color.RGBA{R: 40, G: 44, B: 52, A: 255})

	// Version 2 as Pixfra's new terms would have it: a thermal camera is
	// covered one year, and the chart's clause says so. The file as first
	// written misspells "years".
	src, err := os.ReadFile(filepath.Join("..", "..", "policies", "pixfra.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	term := "    - category: thermal-camera\n      part: device\n      years: 3\n"
	chart := "Thermal Commercial Vision Camera 3 years on components"
	at := strings.Index(string(src), term)
	if at < 0 || !strings.Contains(string(src), chart) || !strings.Contains(string(src), "\nversion: \"1\"\n") {
		t.Fatal("pixfra.yaml changed: its version, its thermal-camera term or its warranty chart")
	}
	line := strings.Count(string(src[:at]), "\n") + 3
	draft := func(years string) string {
		return strings.NewReplacer(term, strings.Replace(term, "years: 3", years, 1),
			chart, "Thermal Commercial Vision Camera 1 year on components", "\nversion: \"1\"\n", "\nversion: \"2\"\n").Replace(string(src))
	}
	good, bad := draft("years: 1"), draft("yeers: 1")
	if strings.Count(bad, "yeers") != 1 || strings.Count(string(src), "\n") != strings.Count(bad, "\n") {
		t.Fatal("the misspelt draft is not the pack with one line misspelt")
	}
	upload := filepath.Join(files, "pixfra-2.yaml")
	if err := os.WriteFile(upload, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}

	b := startBrowser(t, chromium, out)

	// The distributor and its past on the demo desk.
	req := b.newTab("distributor", base)
	req.signIn("pixfra@demo.example", demoPassword)
	for _, ref := range []string{"PO-HH-24117", "PO-HH-25032", "PO-HH-25190", "PO-HH-25233"} {
		rowLink(t, req, ref)
	}
	req.check("my RMAs of the past months")
	today, err := calendar.ParseDate(read(req, "reading the desk's date", chromedp.AttributeValue(chromedp.CSS("#desk-date time"), "datetime")).Value)
	if err != nil {
		t.Fatal(err)
	}
	oldPath := rowLink(t, req, "PO-HH-24117")

	// The admin: the packs, Pixfra's versions, version 1 clause by clause.
	admin := b.newTab("admin", base)
	admin.signIn("admin@demo.example", demoPassword)
	admin.open("/admin/policies")
	admin.check("the policies")
	admin.click("opening Pixfra", `#policies a[href="/admin/policies/pixfra"]`)
	admin.check("Pixfra's versions")
	admin.click("opening version 1", `#versions a[href="/admin/policies/pixfra/versions/1"]`)
	if got := admin.text("#clause-warranty-chart"); !strings.Contains(got, "thermal-camera") || !strings.Contains(got, "3 years on components") {
		t.Errorf("the warranty chart clause does not quote the three years or list its rules: %s", got)
	}
	admin.check("Pixfra version 1, clause by clause")

	// The draft uploaded as a file: refused, the finding on its line, the
	// file's text kept in the page to correct.
	admin.open("/admin/policies/pixfra")
	admin.do("choosing the draft's file", chromedp.SetUploadFiles(chromedp.ID("draft-file"), []string{upload}))
	admin.navigateStatus("uploading the draft", http.StatusUnprocessableEntity, chromedp.Click(chromedp.CSS(`#new-draft button[type=submit]`)))
	finding := admin.text(fmt.Sprintf("tr#L%d", line))
	if !strings.Contains(finding, "yeers") || !strings.Contains(finding, fmt.Sprintf("line %d, column", line)) {
		t.Fatalf("line %d does not carry the finding: %q", line, finding)
	}
	if got := admin.text(".error"); !strings.Contains(got, "The draft was not saved: 1 problem(s)") {
		t.Errorf("the refusal says: %q", got)
	}
	kept := read(admin, "reading the text area", chromedp.Value(chromedp.ID("draft-source")))
	if kept != bad {
		t.Fatalf("the page lost the uploaded file's text: %d bytes kept of %d", len(kept), len(bad))
	}
	admin.check("the uploaded draft refused, the finding on its line")
	admin.do("correcting the line", chromedp.SetValue(chromedp.ID("draft-source"), strings.Replace(kept, "yeers: 1", "years: 1", 1)))
	if fixed := read(admin, "reading the corrected text", chromedp.Value(chromedp.ID("draft-source"))); fixed != good {
		t.Fatal("the corrected text is not the good draft")
	}
	draftPath := admin.click("saving the corrected draft", `#new-draft button[type=submit]`)
	m := regexp.MustCompile(`^/admin/policies/pixfra/drafts/(\d+)$`).FindStringSubmatch(draftPath)
	if m == nil {
		t.Fatalf("saving led to %s: %s", draftPath, admin.text("main"))
	}
	draftID := m[1]
	if got := admin.text("#draft-version-shown"); got != "2" {
		t.Errorf("the draft's version is %q", got)
	}
	admin.check("the draft, saved")

	// The admin home calls for the draft; the admin goes to it from there.
	admin.click("opening Administration", `nav a[href="/admin"]`)
	if got := admin.text("#attention"); !strings.Contains(got, "Policy drafts not yet published: 1.") ||
		!strings.Contains(got, "pixfra version 2, saved by admin@demo.example on ") {
		t.Errorf("the admin home's attention list:\n%s", got)
	}
	admin.check("the admin home, a draft waiting")
	admin.click("opening the draft from the admin home", `#attention a[href="`+draftPath+`"]`)
	admin.click("comparing with version 1", "#draft-diff")
	if got := admin.text("#diff-rules"); !strings.Contains(got, "warranty.terms") || !strings.Contains(got, "warranty-chart") {
		t.Errorf("the rule-by-rule diff: %s", got)
	}
	admin.check("the draft compared with version 1")

	// The what-if from the draft's page, over the demo's past.
	admin.open(draftPath)
	whatifPath := admin.click("opening the what-if", "#draft-whatif")
	if whatifPath != "/admin/policies/pixfra/whatif?draft="+draftID {
		t.Errorf("the draft's what-if link led to %s", whatifPath)
	}
	if got := admin.text("#whatif-stored"); !strings.Contains(got, "Replays the draft of version 2, saved by admin@demo.example on ") {
		t.Errorf("the what-if page does not say which draft it replays: %q", got)
	}
	admin.check("the what-if of the stored draft")
	admin.click("running the what-if", `#whatif-form button[type=submit]`)
	whatIf(t, admin, "en")
	if !admin.has(`#whatif-changed a[href="` + oldPath + `"]`) {
		t.Errorf("the changed lines do not link the replaced camera's RMA %s", oldPath)
	}
	admin.check("the what-if: the lines that change and the money")

	// Another draft may be replayed instead: the first file, with its
	// error, is refused with the finding on its line.
	admin.do("choosing the first file instead", chromedp.Click(chromedp.CSS("details.other-draft summary")),
		chromedp.SetUploadFiles(chromedp.ID("draft_file"), []string{upload}))
	admin.navigateStatus("running the what-if of the file", http.StatusUnprocessableEntity, chromedp.Click(chromedp.CSS(`#whatif-form button[type=submit]`)))
	if got := admin.text("#findings"); !strings.Contains(got, fmt.Sprintf("line %d: warranty.terms[2].yeers", line)) {
		t.Errorf("the what-if's finding is not on its line:\n%s", got)
	}
	if got := admin.text("#whatif-stored"); !strings.Contains(got, "The text below is replayed instead of the draft of version 2") {
		t.Errorf("the page does not say which draft a run replays now: %q", got)
	}
	admin.check("the what-if refuses a draft with an error")

	admin.open("/lang/nl?next=" + whatifPath)
	admin.click("running the what-if in Dutch", `#whatif-form button[type=submit]`)
	whatIf(t, admin, "nl")
	admin.check("the what-if in Dutch")
	admin.open("/lang/en?next=" + draftPath)

	// Published for a day three days ahead.
	publishOn := today.AddDays(3).String()
	admin.do("choosing the day", chromedp.SetValue(chromedp.ID("publish-date"), publishOn))
	admin.click("publishing", `#publish button[type=submit]`)
	if got := admin.text("main"); !strings.Contains(got, "Version 2 is published; it decides claims reported from "+publishOn+" on.") ||
		!strings.Contains(got, "published, takes effect later") {
		t.Errorf("after publishing: %s", got)
	}
	admin.check("version 2 published for a later day")
	admin.open("/admin/policies/pixfra/versions/2")
	if !admin.has("form#retire") {
		t.Error("a version to come offers no withdrawal")
	}
	admin.check("version 2, to come, may be withdrawn")

	// Until that day version 1 decides a camera invoiced two years ago.
	invoiced := today.AddDays(-730).String()
	before := fileCamera(t, req, "PXF-A435-3102", invoiced, labelPhoto, appearancePhoto)
	if got := req.text("dl.facts"); !strings.Contains(got, "(pixfra 1)") {
		t.Errorf("before the day the RMA is not decided by version 1:\n%s", got)
	}
	if got := req.text("#h-lines ~ article"); !strings.Contains(got, "3 years") || !strings.Contains(got, "in warranty") {
		t.Errorf("before the day the camera is not in its three years:\n%s", got)
	}
	req.check("a camera filed before version 2 takes effect")

	// The desk's date moved past the day, as a demo desk's admin moves it.
	code, moved, errOut := runCLI(t, "", "clock", "advance", "--days", "3", "--url", base, "--key", keys["ADMIN_KEY"])
	if code != 0 || !strings.Contains(moved, " (test clock: 3 days 0 hours ahead)") {
		t.Fatalf("clock advance: exit %d %s%s", code, moved, errOut)
	}

	// From that day version 2 decides the same camera: refused, with the
	// new clause's words on demand.
	after := fileCamera(t, req, "PXF-A435-3103", invoiced, labelPhoto, appearancePhoto)
	if got := req.text("dl.facts"); !strings.Contains(got, "(pixfra 2)") || !strings.Contains(got, "reject") {
		t.Errorf("after the day the RMA is not rejected by version 2:\n%s", got)
	}
	if got := req.text("#desk-date"); !strings.Contains(got, "(test clock: 3 days 0 hours ahead)") {
		t.Errorf("the page does not say the desk's date is moved: %q", got)
	}
	if got := req.text("#h-lines ~ article"); !strings.Contains(got, "1 year") || !strings.Contains(got, "not in warranty") {
		t.Errorf("after the day the camera is not out of its one year:\n%s", got)
	}
	req.do("showing the policy's words", chromedp.Click(chromedp.CSS(".status article details.clause summary")))
	if got := req.text(".status article details.clause[open]"); !strings.Contains(got, "1 year on components") {
		t.Errorf("the refusal does not quote version 2's clause:\n%s", got)
	}
	req.check("a camera filed after version 2 took effect, refused")

	// The RMAs filed before keep version 1: the camera of three days ago
	// and the camera replaced in the spring.
	req.open(before)
	if got := req.text("dl.facts"); !strings.Contains(got, "(pixfra 1)") || !strings.Contains(got, "accept") {
		t.Errorf("the camera filed before the day changed version:\n%s", got)
	}
	req.open(oldPath)
	if got := req.text("main"); !strings.Contains(got, "(pixfra 1)") || !strings.Contains(got, "PXF-A435-3917") {
		t.Errorf("the replaced camera's RMA changed version or lost its replacement:\n%s", got)
	}
	req.open("/lang/nl?next=" + oldPath)
	req.check("an RMA of the spring, version 1, in Dutch")

	// The desk reads the refused camera's reasons with their clauses.
	admin.open(after)
	if got := admin.text("#h-lines ~ article"); !strings.Contains(got, "out of warranty: 1 year from invoice "+today.AddDays(-730).String()) || !strings.Contains(got, "[clause warranty-chart]") {
		t.Errorf("the desk's page of the refused camera:\n%s", got)
	}
	admin.check("the desk's page of the camera refused by version 2")
	admin.open("/admin/policies")
	if got := admin.text("#policies"); !strings.Contains(got, "version 2 · since "+publishOn) {
		t.Errorf("the list after the day: %s", got)
	}
	if got := admin.text("main"); strings.Contains(got, "Policy drafts") {
		t.Errorf("the published draft is still called for")
	}

	// The policy pages in Dutch.
	admin.open("/lang/nl?next=/admin/policies/pixfra")
	if got := admin.text("main h2"); !strings.Contains(got, "Versies") {
		t.Errorf("Dutch: %s", got)
	}
	admin.check("Pixfra's versions, in Dutch")
	admin.open("/admin/policies/pixfra/diff?from=1&to=2")
	admin.check("versions compared, in Dutch")
	admin.open("/admin/policies/pixfra/versions/2")
	admin.check("Pixfra version 2, in Dutch")
	admin.open("/admin")
	admin.check("the admin home, in Dutch")

	var errs []string
	for _, e := range b.consoleErrors() {
		// Chromium logs the refused uploads' 422s, which the test asked for.
		if !strings.Contains(e, "/admin/policies/pixfra/drafts:1: error: Failed to load resource: the server responded with a status of 422") &&
			!strings.Contains(e, "/admin/policies/pixfra/whatif:1: error: Failed to load resource: the server responded with a status of 422") {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// whatIf checks the what-if's report over the demo's past (demohistory.go)
// under the one-year draft: three of its four lines change, two of them
// from accepted to rejected, and the camera replaced would not have been.
func whatIf(t *testing.T, admin *tab, lang string) {
	t.Helper()
	summary := admin.text("#whatif-summary")
	money := admin.text(".whatif-money table")
	changed := admin.text("#whatif-changed")
	want := map[string][]string{
		"en": {"4 lines replayed: 3 changed, 1 unchanged.", "decision accept → reject: 2 lines", "warranty ends earlier: 3 lines"},
		"nl": {"4 regels opnieuw beslist: 3 anders, 1 gelijk.", "beslissing geaccepteerd → afgewezen: 2 regels", "garantie eindigt eerder: 3 regels"},
	}
	for _, w := range want[lang] {
		if !strings.Contains(summary, w) {
			t.Errorf("%s: the summary lacks %q:\n%s", lang, w, summary)
		}
	}
	rows := map[string]string{"en": "Replacements (units)\t1\t0\t-1", "nl": "\t1\t0\t-1"}
	for _, w := range []string{rows[lang], "1249.00\t0.00\t-1249.00"} {
		if !strings.Contains(money, w) {
			t.Errorf("%s: the money lacks %q:\n%s", lang, w, money)
		}
	}
	lines := map[string][]string{
		"en": {"accept → reject", "in warranty: 3 years from invoice", "out of warranty: 1 year from invoice", "[warranty-chart]"},
		"nl": {"geaccepteerd → afgewezen", "[warranty-chart]"},
	}
	for _, w := range lines[lang] {
		if !strings.Contains(changed, w) {
			t.Errorf("%s: the changed lines lack %q:\n%s", lang, w, changed)
		}
	}
	if n := read(admin, "counting the changed lines", chromedp.Evaluate[int](`document.querySelectorAll("#whatif-changed tbody tr").length`)); n != 3 {
		t.Errorf("%s: %d changed lines shown, want 3", lang, n)
	}
}

// rowLink is the path of the RMA whose reference is ref in the list shown.
func rowLink(t *testing.T, tb *tab, ref string) string {
	t.Helper()
	href := read(tb, "finding "+ref, chromedp.Evaluate[string](fmt.Sprintf(
		`[...document.querySelectorAll("table.queue tbody tr")].filter(tr => tr.querySelector("td.c-ref").textContent === %q).map(tr => tr.querySelector("a").getAttribute("href"))[0] || ""`, ref)))
	if href == "" {
		t.Fatalf("no RMA with reference %s in the list", ref)
	}
	return href
}

// fileCamera files one Arc A435 through the portal's New RMA form, with
// its photos and the other documents to follow, and returns its page.
func fileCamera(t *testing.T, req *tab, serial, invoiced, labelPhoto, appearancePhoto string) string {
	t.Helper()
	req.click("opening New RMA", `nav a[href="/rmas/new"]`)
	if req.has("select#policy") {
		req.do("choosing the Pixfra policy", chromedp.SetValue(chromedp.ID("policy"), "pixfra"))
		req.click("going on with the Pixfra policy", `main form button[type=submit]`)
	}
	req.do("filling in the camera",
		chromedp.SendKeys(chromedp.ID("reference"), "PO-"+serial),
		chromedp.SendKeys(chromedp.ID("category_1"), "thermal-camera"),
		chromedp.SetValue(chromedp.ID("part_1"), "device"),
		chromedp.SendKeys(chromedp.ID("model_1"), "Arc A435"),
		chromedp.SendKeys(chromedp.ID("serial_1"), serial),
		chromedp.SendKeys(chromedp.ID("part_number_1"), "1.0.01.08.43501"),
		chromedp.SendKeys(chromedp.ID("fault_1"), "No thermal image after power-on."),
		chromedp.SetValue(chromedp.ID("date_invoice_1"), invoiced),
		chromedp.Click(chromedp.CSS(`input[name="has_vendor_invoice_1"]`)),
		chromedp.Click(chromedp.CSS(`input[name="has_purchase_receipt_1"]`)),
		chromedp.Click(chromedp.CSS(`input[name="has_shipping_document_1"]`)),
		chromedp.SetUploadFiles(chromedp.ID("doc_label_photo_1"), []string{labelPhoto}),
		chromedp.SetUploadFiles(chromedp.ID("doc_appearance_photo_1"), []string{appearancePhoto}),
	)
	path := req.click("submitting the RMA", `#new-rma button.primary`)
	if !regexp.MustCompile(`^/rmas/\d+$`).MatchString(path) {
		t.Fatalf("submitting led to %s, not an RMA page: %s", path, req.text("main"))
	}
	return path
}
