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

// TestPortalMessageThread: in a real browser, a Pixfra distributor files an
// RMA and writes to the desk; the desk's address gets it by email (the
// in-process SMTP server), quoted, with the link back to the RMA. The agent
// keeps an internal note and replies; the distributor's organisation gets
// the reply by email, and neither its page nor any email shows the note.
// Every page is audited with axe-core, at phone width, in English and Dutch.
func TestPortalMessageThread(t *testing.T) {
	t.Parallel()
	chromium := needChromium(t, "the message thread's browser test")
	mailbox := startMailbox(t)
	const publicURL = "https://rma.thread.example"
	out := t.ArtifactDir()
	dir := t.TempDir()
	base, stop := startServeWith(t, mailbox.relay("returns@desk.thread.example", publicURL), "--demo", "--data-dir", dir)
	t.Cleanup(func() { _ = stop() })
	photos := t.TempDir()
	labelPhoto := writePNG(t, filepath.Join(photos, "label.png"), color.RGBA{R: 240, G: 240, B: 235, A: 255})
	appearancePhoto := writePNG(t, filepath.Join(photos, "appearance.png"), color.RGBA{R: 40, G: 44, B: 52, A: 255})

	b := startBrowser(t, chromium, out)
	req := b.newTab("distributor", base)
	req.signIn("pixfra@demo.example", demoPassword)
	req.click("opening New RMA", `nav a[href="/rmas/new"]`)
	if req.has("select#policy") {
		req.do("choosing the Pixfra policy", chromedp.SetValue(chromedp.ID("policy"), "pixfra"))
		req.click("going on with the Pixfra policy", `main form button[type=submit]`)
	}
	req.do("filling in the unit",
		chromedp.SendKeys(chromedp.ID("category_1"), "thermal-camera"),
		chromedp.SetValue(chromedp.ID("part_1"), "device"),
		chromedp.SendKeys(chromedp.ID("model_1"), "Arc A435"),
		chromedp.SendKeys(chromedp.ID("serial_1"), "PXF26TH0001"),
		chromedp.SendKeys(chromedp.ID("part_number_1"), "1.0.01.08.43501"),
		chromedp.SendKeys(chromedp.ID("fault_1"), "Image freezes after ten minutes."),
		chromedp.SetValue(chromedp.ID("date_invoice_1"), time.Now().AddDate(-1, 0, 0).Format("2006-01-02")),
		chromedp.Click(chromedp.CSS(`input[name="has_vendor_invoice_1"]`)),
		chromedp.Click(chromedp.CSS(`input[name="has_purchase_receipt_1"]`)),
		chromedp.Click(chromedp.CSS(`input[name="has_shipping_document_1"]`)),
		chromedp.SetUploadFiles(chromedp.ID("doc_label_photo_1"), []string{labelPhoto}),
		chromedp.SetUploadFiles(chromedp.ID("doc_appearance_photo_1"), []string{appearancePhoto}),
	)
	rmaPath := req.click("submitting the RMA", `#new-rma button.primary`)
	if !regexp.MustCompile(`^/rmas/\d+$`).MatchString(rmaPath) {
		t.Fatalf("submitting led to %s, not an RMA page: %s", rmaPath, req.text("main"))
	}
	link := publicURL + rmaPath

	// 1. The distributor writes; the desk's address gets it.
	const question = "Is the repair station open between Christmas and New Year?"
	req.do("writing to the desk", chromedp.SendKeys(chromedp.ID("msg"), question))
	req.click("sending the message", `.thread-form button[value=message]`)
	if got := req.text("p.flash"); !strings.Contains(got, "the desk gets it by email") {
		t.Errorf("after sending, the page says %q", got)
	}
	toDesk := mailbox.waitFor(t, "desk@demo.example", 20*time.Second, "New message on")[0]
	for _, want := range []string{question, link, "The requester wrote"} {
		if !strings.Contains(toDesk.Text, want) {
			t.Errorf("the desk's email lacks %q:\n%s", want, toDesk.Text)
		}
	}

	// 2. The agent reads it, keeps a note, and replies.
	agent := b.newTab("agent", base)
	agent.signIn("agent@demo.example", demoPassword)
	agent.open(rmaPath)
	if got := agent.text("#messages + ul"); !strings.Contains(got, question) {
		t.Fatalf("the desk's page lacks the question:\n%s", got)
	}
	const note = "Station closes 24 Dec; do not promise a date before 5 Jan."
	agent.do("writing an internal note", chromedp.SendKeys(chromedp.ID("msg"), note))
	agent.click("saving the internal note", `.thread-form button[value=note]`)
	if got := agent.text("#messages + ul li.internal"); !strings.Contains(got, "Internal note") || !strings.Contains(got, note) {
		t.Fatalf("the note on the desk's page: %q", got)
	}
	// A canned reply, kept on its page and put into the message box.
	agent.open("/replies")
	agent.check("canned replies, none yet")
	const reply = "The station is closed from 24 December; we will send your unit on after New Year."
	agent.do("adding a canned reply", chromedp.SendKeys(chromedp.ID("reply-new-title"), "Christmas closure"),
		chromedp.SendKeys(chromedp.ID("reply-new-body"), reply))
	agent.click("saving the canned reply", `#reply-new-h + form button[type=submit]`)
	agent.check("canned replies")
	agent.open(rmaPath)
	// The script puts it in place, nothing sent (without it, the server does: TestSavedViewsAndCannedReplies).
	agent.do("marking the page", chromedp.Evaluate[chromedp.Void](`window.samePage = true`))
	agent.do("putting the canned reply in the message", chromedp.Click(chromedp.CSS(`.canned button[type=submit]`)))
	if !read(agent, "checking the page stayed", chromedp.Evaluate[bool](`window.samePage === true`)) {
		t.Error("putting a canned reply in the message loaded another page")
	}
	if got := read(agent, "reading the message box", chromedp.Value(chromedp.ID("msg"))); got != reply {
		t.Fatalf("the message box holds %q after the canned reply was put in", got)
	}
	agent.click("sending the reply", `.thread-form button[value=message]`)
	agent.check("RMA with a message, an internal note and a reply")
	// The agent takes the RMA and saves the queue of its own as a view.
	agent.click("taking the RMA", `#as-take button[type=submit]`)
	if got := agent.text("#as-now"); got != "You handle this RMA." {
		t.Fatalf("after taking it the page says %q", got)
	}
	agent.open("/rmas?mine=1")
	if !agent.has(`table.queue a[href="` + rmaPath + `"]`) {
		t.Fatal("the RMA taken is not in the agent's own queue")
	}
	agent.do("naming the view", chromedp.Click(chromedp.CSS(".views summary")), chromedp.SendKeys(chromedp.ID("view-name"), "Mine"))
	agent.click("saving the view", `.views form button[type=submit]`)
	if !agent.has(`.views a[aria-current="page"]`) {
		t.Fatal("the saved view is not listed as the one shown")
	}
	agent.check("my queue as a saved view")
	// Rejecting asks first, on a page of its own.
	agent.open(rmaPath)
	agent.do("giving a reason to reject", chromedp.SendKeys(chromedp.ID("reason-reject"), "Not a Pixfra unit."))
	agent.click("rejecting", `#step-reject button[type=submit]`)
	if got := agent.text("main p"); !strings.Contains(got, "cannot be undone") {
		t.Fatalf("rejecting did not ask to confirm: %q", got)
	}
	agent.check("confirm the rejection")
	agent.click("not rejecting after all", `main a.button`)
	if got := agent.text("dl.facts .state"); got != "submitted" {
		t.Fatalf("after not confirming, the RMA is %q", got)
	}
	toRequester := mailbox.waitFor(t, "pixfra@demo.example", 20*time.Second, "New message on")[0]
	for _, want := range []string{reply, link, "The desk wrote to you"} {
		if !strings.Contains(toRequester.Text, want) {
			t.Errorf("the distributor's email lacks %q:\n%s", want, toRequester.Text)
		}
	}

	// 3. The distributor reads the reply, never the note.
	req.open(rmaPath)
	thread := req.text("#messages + ul")
	if !strings.Contains(thread, reply) || strings.Contains(thread, "Station closes") || strings.Contains(req.text("main"), "Internal note") {
		t.Fatalf("the distributor's thread:\n%s", thread)
	}
	req.check("my RMA with the desk's reply")
	// Now that the agent handles the RMA, the distributor's next message
	// goes to the agent rather than to the whole desk.
	const thanks = "Thank you, after New Year is fine."
	req.do("writing back", chromedp.SendKeys(chromedp.ID("msg"), thanks))
	req.click("sending the answer", `.thread-form button[value=message]`)
	if toAgent := mailbox.waitFor(t, "agent@demo.example", 20*time.Second, "New message on")[0]; !strings.Contains(toAgent.Text, thanks) {
		t.Errorf("the assignee's email lacks the message:\n%s", toAgent.Text)
	}
	req.open("/lang/nl?next=" + rmaPath)
	req.open(rmaPath)
	req.check("my RMA with the desk's reply, in Dutch")
	agent.open("/lang/nl?next=" + rmaPath)
	agent.open(rmaPath)
	agent.check("RMA with a message, an internal note and a reply, in Dutch")
	agent.do("giving a reason to reject, in Dutch", chromedp.SendKeys(chromedp.ID("reason-reject"), "Geen Pixfra-apparaat."))
	agent.click("rejecting, in Dutch", `#step-reject button[type=submit]`)
	if got := agent.text("main p"); !strings.Contains(got, "kan niet ongedaan worden gemaakt") {
		t.Fatalf("the Dutch confirmation says %q", got)
	}
	agent.check("confirm the rejection, in Dutch")
	agent.click("not rejecting after all, in Dutch", `main a.button`)
	agent.open("/rmas?mine=1")
	agent.check("my queue, in Dutch")
	agent.open("/replies")
	agent.check("canned replies, in Dutch")
	for _, m := range mailbox.messages() {
		if strings.Contains(m.Text, "Station closes") {
			t.Errorf("an email to %v quotes the internal note: %q", m.To, m.Subject)
		}
	}
	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
