package main

import (
	"image/color"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestPortalPlextorDOAReplaced: a Plextor DOA claim's whole life through
// the portal only, in a real browser. The requester files it on the form
// Plextor's policy shapes (its two dates, each with the document it counts
// with; no category to choose), first without the invoice, when the
// verdict says in plain words what to add, then with it, when the drive is
// dead on arrival; opening the spare unit keeps the invoice chosen, and
// Enter in a field files the RMA. The agent authorizes the replacement,
// the requester's status page says what to do (label, address, deadline,
// the desk's note; no longer "Request an RMA number") and takes the
// tracking, the technician receives it and confirms the defect, the agent
// resolves it replaced, and the requester's page shows each step. Every
// requester page is audited with axe-core at desktop and phone width, in
// English and Dutch. Last, a second request is withdrawn, which takes a
// confirmation page.
func TestPortalPlextorDOAReplaced(t *testing.T) {
	t.Parallel()
	chromium := needChromium(t, "the requester's browser test")
	out := t.ArtifactDir()
	t.Logf("screenshots: %s", out)
	dir := t.TempDir()
	base, stop := startServe(t, "--demo", "--data-dir", dir)
	t.Cleanup(func() { _ = stop() })
	invoice := writePNG(t, filepath.Join(t.TempDir(), "invoice.png"), color.RGBA{R: 250, G: 250, B: 250, A: 255})
	b := startBrowser(t, chromium, out)

	req := b.newTab("requester", base)
	req.signIn("plextor@demo.example", demoPassword)
	// both checks a requester page in English and in Dutch.
	both := func(name string) {
		t.Helper()
		at := read(req, "reading the location", chromedp.Location())
		path := strings.TrimPrefix(at, base)
		req.check(name)
		req.open("/lang/nl?next=" + path)
		req.check(name + " nl")
		req.open("/lang/en?next=" + path)
	}

	// 1. The form Plextor's policy shapes.
	req.click("opening New RMA", `nav a[href="/rmas/new"]`)
	if req.has("select#policy") {
		req.check("new RMA, choosing the policy")
		req.do("choosing the Plextor policy", chromedp.SetValue(chromedp.ID("policy"), "plextor"))
		req.click("going on with the Plextor policy", `main form button[type=submit]`)
	}
	for css, want := range map[string]bool{
		"#date_purchase_1": true, "#date_invoice_1": true, "#doc_vendor_invoice_1[multiple]": true, "#doc_purchase_receipt_1": true,
		"#date_shipped_1": false, "#date_manufactured_1": false, "select#category_1": false, "#part_1": false, "#part_number_1": false,
	} {
		if got := req.has(css); got != want {
			t.Errorf("the Plextor form has %s: %v, want %v", css, got, want)
		}
	}
	both("new RMA, Plextor form")
	invoiced := time.Now().AddDate(0, 0, -5).Format("2006-01-02") // within the 15 days of Plextor's DOA
	req.do("filling in the drive",
		chromedp.SendKeys(chromedp.ID("reference"), "PO-PX-4711"),
		chromedp.SendKeys(chromedp.ID("category_1"), "optical drive"),
		chromedp.SendKeys(chromedp.ID("model_1"), "PX-760A"),
		chromedp.SendKeys(chromedp.ID("serial_1"), "PX760DOA0001"),
		chromedp.SendKeys(chromedp.ID("fault_1"), "Does not power on out of the box."),
		chromedp.SetValue(chromedp.ID("date_invoice_1"), invoiced),
	)

	// 2. Checked without the invoice: the verdict says, in plain words,
	// that the invoice date counts only with the invoice, and where to add it.
	req.do("checking against the policy", chromedp.Click(chromedp.ID("preview")), chromedp.WaitVisible(chromedp.CSS("#verdicts section.verdict")))
	verdict := req.text("#verdicts")
	for _, want := range []string{"Unit 1: something is missing", "the invoice date with the vendor's invoice added", "The vendor's invoice, under unit 1 above."} {
		if !strings.Contains(verdict, want) {
			t.Errorf("the verdict without the invoice lacks %q:\n%s", want, verdict)
		}
	}
	for _, never := range []string{"missing_warranty_start", "dates.", "vendor_invoice", "doa_conditions_not_met"} {
		if strings.Contains(verdict, never) {
			t.Errorf("the requester's verdict shows %q:\n%s", never, verdict)
		}
	}
	req.check("new RMA, the invoice missing")

	// 3. The invoice chosen, a second unit opened in place (no round trip:
	// the invoice stays chosen), then left out.
	req.do("choosing the invoice", chromedp.SetUploadFiles(chromedp.ID("doc_vendor_invoice_1"), []string{invoice}))
	formAt := read(req, "reading the location", chromedp.Location())
	req.do("opening another unit", chromedp.Click(chromedp.CSS("details.unit-spare summary")), chromedp.WaitVisible(chromedp.ID("model_2")),
		chromedp.WaitReady(chromedp.CSS("details.unit-spare #model_3"))) // the next spare
	// The script unfolds the unit on the details' toggle event, which
	// comes after the click has returned: wait for it (the step's timeout
	// fails the test if the unit stays folded).
	req.do("waiting for the unit opened to unfold", chromedp.WaitNotPresent(chromedp.CSS("details #model_2")))
	if n := read(req, "counting the chosen files", chromedp.Evaluate[int](`document.getElementById("doc_vendor_invoice_1").files.length`)); n != 1 {
		t.Errorf("after adding a unit %d files are chosen for unit 1, want 1", n)
	}
	if at := read(req, "reading the location", chromedp.Location()); at != formAt {
		t.Errorf("adding a unit left the page: %s, then %s", formAt, at)
	}
	req.do("leaving unit 2 out", chromedp.Click(chromedp.CSS(`input[name="leave_2"]`)))
	if shown := read(req, "looking at unit 2", chromedp.Evaluate[bool](`document.getElementById("model_2").offsetParent !== null`)); shown {
		t.Error("a unit left out still shows its fields")
	}
	req.do("checking against the policy again", chromedp.Click(chromedp.ID("preview")),
		chromedp.WaitVisible(chromedp.CSS("#verdicts article.v-accept")))
	if got := req.text("#verdicts"); !strings.Contains(got, "Unit 1: the policy accepts it") || !strings.Contains(got, "It counts as dead on arrival.") {
		t.Errorf("the verdict with the invoice:\n%s", got)
	}
	req.do("opening the clause", chromedp.Click(chromedp.CSS("#verdicts details.clause summary")))
	req.check("new RMA, dead on arrival")

	// 4. Enter in a field files the RMA (the submit button is the form's
	// default), with the invoice.
	path := req.navigate("pressing Enter in the model field", chromedp.SendKeys(chromedp.ID("model_1"), kb.Enter))
	m := regexp.MustCompile(`^/rmas/(\d+)$`).FindStringSubmatch(path)
	if m == nil {
		t.Fatalf("Enter led to %s, not an RMA page: %s", path, req.text("main"))
	}
	id, rmaPath := m[1], path
	if got := req.text(".progress li.current"); !strings.Contains(got, "Request sent") {
		t.Errorf("after filing the current step is %q", got)
	}
	if got := req.text("#todo"); !strings.Contains(got, "Nothing for now") {
		t.Errorf("after filing the requester is told %q", got)
	}
	if got := req.text("main"); !strings.Contains(got, "Unit 1:") || strings.Contains(got, "Unit 2") || !strings.Contains(got, "invoice.png") {
		t.Errorf("the filed RMA is not one unit with the invoice:\n%s", got)
	}
	both("my RMA, submitted")

	// 5. The agent authorizes the replacement, with a note.
	agent := b.newTab("agent", base)
	agent.signIn("agent@demo.example", demoPassword)
	agent.open(rmaPath)
	agent.do("authorizing with a note",
		chromedp.SetValue(chromedp.ID("res-"+id), "replace"),
		chromedp.SendKeys(chromedp.ID("an-"+id), "Please pack the drive in its original box."))
	agent.click("authorizing", `#step-authorize button[type=submit]`)
	number := regexp.MustCompile(`RMA-\d{2}-\d{5}-[A-Z]`).FindString(agent.text("main h1"))
	if number == "" {
		t.Fatalf("the authorized RMA has no number: %s", agent.text("main"))
	}

	// 6. The requester: what to do now, the note, the address; ships.
	req.open(rmaPath)
	if got := req.text(".progress li.current"); !strings.Contains(got, "Approved") {
		t.Errorf("after authorizing the current step is %q", got)
	}
	todo := req.text("#todo")
	for _, want := range []string{"Send the unit back by", "Print the return label", "the address below"} {
		if !strings.Contains(todo, want) {
			t.Errorf("what to do after authorizing lacks %q:\n%s", want, todo)
		}
	}
	page := req.text("main")
	if !strings.Contains(page, "Please pack the drive in its original box.") {
		t.Errorf("the requester does not see the desk's note:\n%s", page)
	}
	if strings.Contains(page, "Request an RMA number first") {
		t.Errorf("with number %s the page still asks to request one:\n%s", number, page)
	}
	if !req.has(`a[href="` + rmaPath + `/label.pdf"]`) {
		t.Error("no label to print")
	}
	both("my RMA, authorized")
	req.do("filling in the shipment", chromedp.SendKeys(chromedp.ID("carrier"), "bpost"), chromedp.SendKeys(chromedp.ID("tracking"), "323299901234567"))
	req.click("saying it is sent", `#step-ship button[type=submit]`)
	if got := req.text("main"); !strings.Contains(got, "323299901234567") || !strings.Contains(got, "Parcel on its way") {
		t.Errorf("after shipping the page lacks the tracking or the step:\n%s", got)
	}
	both("my RMA, on its way")

	// 7. The technician receives it and confirms the defect.
	tech := b.newTab("technician", base)
	tech.signIn("tech@demo.example", demoPassword)
	tech.open("/receiving?number=" + number)
	tech.click("receiving the parcel", `#receive button[type=submit]`)
	tech.open(rmaPath)
	tech.click("starting the evaluation", `#step-start_evaluation button[type=submit]`)
	tech.do("recording the finding", chromedp.SetValue(chromedp.ID("finding-1"), "defect_confirmed"))
	tech.click("saving the finding", `#step-evaluate button[type=submit]`)
	req.open(rmaPath)
	if got := req.text(".progress li.current"); !strings.Contains(got, "Unit checked") {
		t.Errorf("after the evaluation the current step is %q", got)
	}
	both("my RMA, checked")

	// 8. The agent resolves it replaced.
	agent.open(rmaPath)
	agent.do("choosing the outcome",
		chromedp.SetValue(chromedp.ID("outcome"), "replaced"),
		chromedp.SendKeys(chromedp.ID("repl-1"), "PX760NEW0001"),
		chromedp.SendKeys(chromedp.ID("rnote"), "Replaced by a new drive."))
	agent.click("resolving", `#step-resolve button[type=submit]`)
	if got := agent.text("dl.facts dd"); got != "resolved · replaced" {
		t.Errorf("after resolving the agent sees %q", got)
	}

	// 9. The requester sees every step and the outcome.
	req.open(rmaPath)
	steps := req.text(".progress")
	for _, want := range []string{"Request sent", "Approved", "Parcel on its way", "Parcel received", "Unit checked", "Resolved"} {
		if !strings.Contains(steps, want) {
			t.Errorf("the steps lack %q: %s", want, steps)
		}
	}
	if got := req.text("#todo"); !strings.Contains(got, "resolved (replaced)") {
		t.Errorf("the resolved RMA tells the requester %q", got)
	}
	if got := req.text("main"); !strings.Contains(got, "PX760NEW0001") || !strings.Contains(got, "Replaced by a new drive.") {
		t.Errorf("the requester does not see the replacement or the note:\n%s", got)
	}
	if req.has("#h-withdraw") {
		t.Error("a resolved RMA offers to withdraw it")
	}
	both("my RMA, replaced")

	// 10. Withdrawing another request takes a confirmation page; "No"
	// keeps it, "Yes" withdraws it.
	req.open("/rmas/new?policy=plextor")
	req.do("filling in a second drive", chromedp.SendKeys(chromedp.ID("category_1"), "optical drive"), chromedp.SendKeys(chromedp.ID("model_1"), "PX-716A"), chromedp.SetValue(chromedp.ID("date_invoice_1"), invoiced))
	second := req.click("submitting", `#new-rma button.primary`)
	if !req.has("#h-withdraw") || req.has("#todo #h-withdraw") {
		t.Error("withdrawing is not offered apart from the next steps")
	}
	req.click("asking to withdraw", `#h-withdraw ~ p a.button`)
	both("withdraw, confirm")
	if got := req.click("keeping it", `main form a.button`); got != second {
		t.Errorf("'No, keep it' led to %s", got)
	}
	if got := req.text("dl.facts .state"); got == "resolved" {
		t.Error("the request was withdrawn without confirmation")
	}
	req.click("asking to withdraw", `#h-withdraw ~ p a.button`)
	req.click("withdrawing", `main form button[type=submit]`)
	if got := req.text("dl.facts dd"); got != "resolved · withdrawn" {
		t.Errorf("after withdrawing the RMA is %q", got)
	}

	for _, e := range b.consoleErrors() {
		t.Errorf("browser console: %s", e)
	}
}

// TestPortalNewRMAWithoutScript: with JavaScript off, a Mini Cart customer
// files three units, each with its own photos (the front and the back of
// the box as two files of one field): the second and third units are
// opened from the form's folded spares, so nothing is posted and no chosen
// file is lost, and Enter in a field files the RMA.
func TestPortalNewRMAWithoutScript(t *testing.T) {
	t.Parallel()
	chromium := needChromium(t, "the requester's browser test")
	out := t.ArtifactDir()
	dir := t.TempDir()
	base, stop := startServe(t, "--demo", "--data-dir", dir)
	t.Cleanup(func() { _ = stop() })
	photos := t.TempDir()
	front := writePNG(t, filepath.Join(photos, "front.png"), color.RGBA{R: 200, G: 30, B: 30, A: 255})
	back := writePNG(t, filepath.Join(photos, "back.png"), color.RGBA{R: 30, G: 200, B: 30, A: 255})
	defect := writePNG(t, filepath.Join(photos, "defect.png"), color.RGBA{R: 30, G: 30, B: 200, A: 255})
	b := startBrowser(t, chromium, out)
	req := b.newTab("customer", base)
	req.signIn("minicart@demo.example", demoPassword)
	scripts := func(on bool) {
		t.Helper()
		if _, err := chromedp.Call(req.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
			t.Fatalf("switching scripts: %v", err)
		}
	}
	scripts(false)
	req.open("/rmas/new?policy=minicart")
	// The add-a-unit button the script hides shows: the page's scripts are off.
	if shown := read(req, "looking for the add-a-unit button", chromedp.Evaluate[bool](`document.querySelector(".noscript-add").offsetParent !== null`)); !shown {
		t.Fatal("the page's script ran: the add-a-unit button is hidden")
	}
	delivered := time.Now().AddDate(0, 0, -3).Format("2006-01-02")
	unit := func(n, serial string, files map[string][]string) {
		req.do("filling in unit "+n,
			chromedp.SendKeys(chromedp.ID("category_"+n), "e-bike charger"),
			chromedp.SendKeys(chromedp.ID("model_"+n), "MC-CH-42"),
			chromedp.SendKeys(chromedp.ID("serial_"+n), serial),
			chromedp.SendKeys(chromedp.ID("fault_"+n), "No output voltage."),
			chromedp.SetValue(chromedp.ID("date_delivered_"+n), delivered),
		)
		for field, paths := range files {
			req.do("choosing "+field, chromedp.SetUploadFiles(chromedp.ID(field), paths))
		}
	}
	unit("1", "MC-0001", map[string][]string{"doc_package_photos_1": {front, back}, "doc_defect_media_1": {defect}})
	req.do("opening the spare unit", chromedp.Click(chromedp.CSS("details.unit-spare summary")), chromedp.WaitVisible(chromedp.ID("model_2")))
	unit("2", "MC-0002", map[string][]string{"doc_defect_media_2": {defect}})
	// The next spare is folded inside the one just opened.
	req.do("opening the next spare unit", chromedp.Click(chromedp.CSS("#unit-2 ~ details.unit-spare > summary")), chromedp.WaitVisible(chromedp.ID("model_3")))
	unit("3", "MC-0003", map[string][]string{"doc_package_photos_3": {front, back}})
	path := req.navigate("pressing Enter in unit 3's serial", chromedp.SendKeys(chromedp.ID("serial_3"), kb.Enter))
	scripts(true)
	if !regexp.MustCompile(`^/rmas/\d+$`).MatchString(path) {
		t.Fatalf("Enter led to %s, not an RMA page: %s", path, req.text("main"))
	}
	page := req.text("main")
	for _, want := range []string{"MC-0001", "MC-0002", "MC-0003"} {
		if !strings.Contains(page, want) {
			t.Errorf("the RMA lacks unit %s:\n%s", want, page)
		}
	}
	if n := read(req, "counting the documents", chromedp.Evaluate[int](`document.querySelectorAll(".docs li").length`)); n != 6 {
		t.Errorf("the RMA has %d documents, want 6 (3 of unit 1, 1 of unit 2, 2 of unit 3):\n%s", n, page)
	}
	req.screenshot("filed without script")
}
