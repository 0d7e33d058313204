package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestPortalReports: on a demo desk whose Dexxon partner filed three units
// of two models this month (two of them credited), beside the four units
// of the demo's Pixfra past (demohistory.go), an agent opens the
// reports from the navigation, reads the index and the findings, filters
// the return rate by one model, and downloads its CSV, whose content is
// the table the page shows. Every page is audited with axe-core at desktop
// and phone width, in English and Dutch; a requester finds no reports and
// a technician is refused.
func TestPortalReports(t *testing.T) {
	chromium := needChromium(t, "the reports' browser test")
	out := t.ArtifactDir()
	dir := t.TempDir()
	base, stop := startServe(t, "--demo", "--data-dir", dir)
	t.Cleanup(func() { _ = stop() })
	keys, err := readDemoKeys(filepath.Join(dir, "demo-keys.env"))
	if err != nil {
		t.Fatal(err)
	}

	// The history, through the API: two DX-REP-A units credited, one
	// DX-REP-B unit waiting.
	file := func(model, serial string, qty int) int64 {
		r, _ := demoAPI(t, base, keys["DEXXON_KEY"], "POST", "/api/v1/rmas", "", map[string]any{"policy": "dexxon", "lines": []any{
			map[string]any{"product": map[string]any{"category": "ssd", "model": model, "serial": serial},
				"dates": map[string]any{"purchase": time.Now().AddDate(0, -3, 0).Format("2006-01-02")}, "documents": []string{"purchase_receipt"},
				"quantity": qty, "fault": "not detected", "last_invoiced_price": map[string]any{"amount": "89.90", "currency": "EUR"}}}})
		return int64(r["id"].(float64))
	}
	a := file("DX-REP-A", "REP-A-1", 2)
	file("DX-REP-B", "REP-B-1", 1)
	rmaPath := fmt.Sprintf("/api/v1/rmas/%d", a)
	step := func(action string, body any) {
		_, tag := demoAPI(t, base, keys["AGENT_KEY"], "GET", rmaPath, "", nil)
		demoAPI(t, base, keys["AGENT_KEY"], "POST", rmaPath+"/"+action, tag, body)
	}
	step("authorize", map[string]any{"resolution": "return"})
	got, _ := demoAPI(t, base, keys["AGENT_KEY"], "GET", rmaPath, "", nil)
	demoAPI(t, base, keys["TECH_KEY"], "POST", "/api/v1/receiving", "", map[string]any{"number": got["number"]})
	step("start_evaluation", nil)
	step("evaluate", map[string]any{"lines": []any{map[string]any{"line": 1, "finding": "defect_confirmed"}}})
	step("resolve", map[string]any{"outcome": "credited"})
	month := time.Now().UTC().Format("2006-01")

	b := startBrowser(t, chromium, out)
	agent := b.newTab("agent", base)
	agent.signIn("agent@demo.example", demoPassword)
	agent.click("opening the reports", `nav a[href="/reports"]`)
	if cards := agent.text("#report-cards"); !strings.Contains(cards, "Return rate") || !strings.Contains(cards, "Units returned\n7") && !strings.Contains(cards, "Units returned 7") {
		t.Errorf("the index:\n%s", cards)
	}
	if !agent.has("#card-findings svg.chart[role=img] title") {
		t.Error("the findings card has no chart")
	}
	agent.check("reports")

	agent.click("opening the findings", `#card-findings h2 a`)
	if s := agent.text("#table-summary"); !strings.Contains(s, "defect confirmed") || !strings.Contains(s, "100.0%") {
		t.Errorf("the findings' summary:\n%s", s)
	}
	agent.check("findings")

	// The return rate of one model, filtered in the form; the link is the
	// filter, so it can be shared.
	agent.open("/reports/return-rate")
	if notes := agent.text("#report-notes"); !strings.Contains(notes, "No units sold are registered") {
		t.Errorf("the notes:\n%s", notes)
	}
	agent.do("filtering by model", chromedp.SendKeys(chromedp.ID("model"), "DX-REP-A"))
	path := agent.click("showing the filtered report", "#report-show")
	if !strings.Contains(path, "model=DX-REP-A") {
		t.Errorf("the filter is not in the link: %s", path)
	}
	table := agent.text("#table-by_model table")
	if !strings.Contains(table, "DX-REP-A") || strings.Contains(table, "DX-REP-B") {
		t.Errorf("the filtered table:\n%s", table)
	}
	agent.check("return rate of one model")

	// The CSV, downloaded as a person does, and read.
	csv := agent.downloadCSV("#csv-by_model", t.TempDir())
	if want := "model,units_returned,units_sold,return_rate\nDX-REP-A,2,,\n"; csv != want {
		t.Errorf("the downloaded CSV:\n%s\nwant\n%s", csv, want)
	}

	// A mistake in the filter is shown on its field.
	agent.navigateStatus("a month that is not one", http.StatusUnprocessableEntity, chromedp.Navigate(base+"/reports/return-rate?from=2026-13"))
	if msg := agent.text("#from-error"); !strings.Contains(msg, "not a month") {
		t.Errorf("the field's message: %q", msg)
	}
	agent.check("a filter with a mistake")

	// In Dutch, every report.
	agent.open("/lang/nl?next=" + url.QueryEscape("/reports"))
	if h := agent.text("h1"); h != "Rapporten" {
		t.Errorf("the Dutch index is %q", h)
	}
	agent.check("reports, in Dutch")
	for _, name := range []string{"return-rate", "findings", "doa", "reasons", "turnaround", "deadlines", "money", "repeats"} {
		agent.open("/reports/" + name + "?from=" + month + "&to=" + month)
		page := agent.text("main")
		for _, english := range []string{"Units", "Summary", "Download", "month", "Every ", "Net warranty", "Median"} {
			if strings.Contains(page, english) {
				t.Errorf("%s in Dutch reads %q:\n%s", name, english, page)
			}
		}
		agent.check(name + ", in Dutch")
	}
	agent.open("/lang/en?next=" + url.QueryEscape("/reports"))
	for _, name := range []string{"doa", "reasons", "turnaround", "deadlines", "money", "repeats"} {
		agent.open("/reports/" + name)
		agent.check(name)
	}

	// A requester has no reports; a technician is refused.
	req := b.newTab("requester", base)
	req.signIn("dexxon@demo.example", demoPassword)
	if req.has(`nav a[href="/reports"]`) {
		t.Error("a requester sees the reports in the navigation")
	}
	req.navigateStatus("a requester opening the reports", http.StatusNotFound, chromedp.Navigate(base+"/reports"))
	tech := b.newTab("technician", base)
	tech.signIn("tech@demo.example", demoPassword)
	tech.navigateStatus("a technician opening a report", http.StatusForbidden, chromedp.Navigate(base+"/reports/findings"))

	var errs []string
	for _, e := range b.consoleErrors() {
		if !strings.Contains(e, "status of 422") && !strings.Contains(e, "status of 404") && !strings.Contains(e, "status of 403") {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

// downloadCSV clicks the link css selects, as a person downloads a file,
// and returns the file's content once Chromium has saved it in dir.
func (tb *tab) downloadCSV(css, dir string) string {
	tb.t.Helper()
	c := chromedp.FromContext(tb.ctx)
	enabled := true
	if _, err := chromedp.CallBrowser(tb.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, BrowserContextID: c.BrowserContextID, DownloadPath: dir, EventsEnabled: &enabled}); err != nil {
		tb.t.Fatalf("%s: allowing downloads: %v", tb.who, err)
	}
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	names := map[string]string{}
	begun := make(chan struct{}, 1)
	go func() {
		for ev, err := range chromedp.BrowserEvents(ctx, cdpbrowser.DownloadWillBegin) {
			if err != nil {
				return
			}
			names[ev.GUID] = ev.SuggestedFilename
			begun <- struct{}{}
			return
		}
	}()
	done := make(chan cdpbrowser.EventDownloadProgress, 1)
	go func() {
		for ev, err := range chromedp.BrowserEvents(ctx, cdpbrowser.DownloadProgress) {
			if err != nil {
				return
			}
			if ev.State == cdpbrowser.DownloadProgressStateCompleted || ev.State == cdpbrowser.DownloadProgressStateCanceled {
				done <- ev
				return
			}
		}
	}()
	tb.do("downloading "+css, chromedp.Click(chromedp.CSS(css)))
	select {
	case <-begun:
	case <-ctx.Done():
		tb.t.Fatalf("%s: the download of %s did not begin", tb.who, css)
	}
	var ev cdpbrowser.EventDownloadProgress
	select {
	case ev = <-done:
	case <-ctx.Done():
		tb.t.Fatalf("%s: the download of %s did not finish", tb.who, css)
	}
	if ev.State != cdpbrowser.DownloadProgressStateCompleted {
		tb.t.Fatalf("%s: the download of %s ended %s", tb.who, css, ev.State)
	}
	path := ev.FilePath
	if path == "" {
		path = filepath.Join(dir, names[ev.GUID])
	}
	data, err := os.ReadFile(path)
	if err != nil {
		tb.t.Fatalf("%s: reading the download: %v", tb.who, err)
	}
	if name := filepath.Base(path); !strings.HasPrefix(name, "rmadesk-return-rate-by_model-") || !strings.HasSuffix(name, ".csv") {
		tb.t.Errorf("%s: the download is named %s", tb.who, name)
	}
	return string(data)
}
