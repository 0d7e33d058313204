package main

import (
	"fmt"
	"image/color"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// benchTab is a technician's tab at the receiving bench.
type benchTab struct{ *tab }

// focused is the id of the element that has the keyboard focus; a page
// just loaded is given a moment, as the browser applies autofocus after
// the page's load events.
func (b benchTab) focused() string {
	b.t.Helper()
	id := ""
	for range 20 {
		if id = read(b.tab, "reading the focus", chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`)); id != "" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return id
}

// scan types number into the scan field as a scanner does (the number, then
// Enter) and waits for the parcel's page.
func (b benchTab) scan(number string) string {
	b.t.Helper()
	if f := b.focused(); f != "number" {
		b.t.Fatalf("%s: before scanning %s the focus is on %q, not the scan field", b.who, number, f)
	}
	return b.navigate("scanning "+number, chromedp.SendKeys(chromedp.ID("number"), number+kb.Enter))
}

// receive submits the parcel's form and checks the page came back to the
// scan field, empty and focused, with the parcel's summary and a link.
func (b benchTab) receive(number string, id int64) string {
	b.t.Helper()
	path := b.click("receiving "+number, `#receive button[type=submit]`)
	if path != fmt.Sprintf("/receiving?received=%d", id) {
		b.t.Fatalf("%s: receiving %s led to %s, not back to the bench: %s", b.who, number, path, b.text("main"))
	}
	if f := b.focused(); f != "number" {
		b.t.Errorf("%s: after receiving %s the focus is on %q, not the scan field", b.who, number, f)
	}
	if v := read(b.tab, "reading the scan field", chromedp.Value(chromedp.ID("number"))); v != "" {
		b.t.Errorf("%s: after receiving %s the scan field holds %q", b.who, number, v)
	}
	if !b.has(fmt.Sprintf(`#bench-last a[href="/rmas/%d"]`, id)) {
		b.t.Errorf("%s: after receiving %s the bench does not link to it", b.who, number)
	}
	return b.text("#bench-last")
}

// TestPortalReceivingLoop: a technician receives three parcels in a row at
// the bench, in a real browser, without leaving the scan field: each scan
// (typed as a scanner types, the number and Enter) shows the parcel's RMA
// beside the field, and each receipt brings the page back to the field,
// focused and empty, with the summary of the parcel just received. The
// first, a Mini Cart tablet, arrives with another serial (recorded as a
// mismatch, not tampering), without its charger (charged at the price the
// technician enters, as the policy's fee says), damaged in transit and
// photographed; the second, a WebStore4 router, and the third, another
// Mini Cart tablet, arrive as reserved. Scanning the first again says it
// was received and links to it, keeping the number. Every page is audited
// with axe-core at desktop and phone width, in English and Dutch.
func TestPortalReceivingLoop(t *testing.T) {
	t.Parallel()
	chromium := needChromium(t, "the receiving bench's browser test")
	out := t.ArtifactDir()
	t.Logf("screenshots: %s", out)
	dir := t.TempDir()
	base, stop := startServe(t, "--demo", "--data-dir", dir)
	t.Cleanup(func() { _ = stop() })
	keys, err := readDemoKeys(filepath.Join(dir, "demo-keys.env"))
	if err != nil {
		t.Fatal(err)
	}
	photo := writePNG(t, filepath.Join(t.TempDir(), "arrival.png"), color.RGBA{R: 200, G: 180, B: 150, A: 255})

	// Three parcels on their way (the steps before the bench's, through the API).
	delivered := time.Now().AddDate(0, 0, -2).Format("2006-01-02")
	type parcel struct {
		id     int64
		number string
	}
	authorized := func(key, policyID, resolution string, unit map[string]any, dates map[string]any, docs []string) parcel {
		line := map[string]any{"product": unit, "dates": dates, "fault": "does not start"}
		if docs != nil {
			line["documents"] = docs
		}
		r, _ := demoAPI(t, base, keys[key], "POST", "/api/v1/rmas", "", map[string]any{"policy": policyID, "lines": []any{line}})
		id := int64(r["id"].(float64))
		path := fmt.Sprintf("/api/v1/rmas/%d", id)
		_, tag := demoAPI(t, base, keys["AGENT_KEY"], "GET", path, "", nil)
		got, _ := demoAPI(t, base, keys["AGENT_KEY"], "POST", path+"/authorize", tag, map[string]any{"resolution": resolution})
		return parcel{id, got["number"].(string)}
	}
	tablet := func(serial string) map[string]any {
		return map[string]any{"category": "tablet", "model": "MC-Tab 10", "serial": serial}
	}
	miniCartDates := map[string]any{"delivered": delivered}
	first := authorized("MINICART_KEY", "minicart", "refund", tablet("MCT-E2E-0001"), miniCartDates, []string{"package_photos", "defect_media"})
	second := authorized("WEBSTORE4_KEY", "webstore4", "repair", map[string]any{"category": "router", "model": "WS-R9", "serial": "R9-E2E-0002"},
		map[string]any{"delivered": time.Now().AddDate(0, -3, 0).Format("2006-01-02")}, nil)
	third := authorized("MINICART_KEY", "minicart", "replace", tablet("MCT-E2E-0003"), miniCartDates, []string{"package_photos", "defect_media"})

	b := startBrowser(t, chromium, out)
	tech := benchTab{b.newTab("technician", base)}
	tech.signIn("tech@demo.example", demoPassword)
	tech.click("opening Receiving", `nav a[href="/receiving"]`)
	tech.check("receiving, the scan field")

	// 1. Another serial, the charger missing, damaged in transit, a photo.
	tech.scan(first.number)
	if got := tech.text("#h-parcel"); !strings.Contains(got, first.number) {
		t.Fatalf("the parcel beside the scan field is %q, not %s", got, first.number)
	}
	if v := read(tech.tab, "reading the serial", chromedp.Value(chromedp.ID("serial_1"))); v != "MCT-E2E-0001" {
		t.Errorf("the serial to confirm is %q, not the reserved MCT-E2E-0001", v)
	}
	tech.check("receiving, a Mini Cart parcel beside the scan field")
	tech.do("recording what arrived",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("serial_1").value = ""`),
		chromedp.SendKeys(chromedp.ID("serial_1"), "MCT-E2E-9999"),
		chromedp.Click(chromedp.ID("missing_1_charger")),
	)
	if f := tech.focused(); f != "price_1_charger" {
		t.Errorf("ticking the charger missing leaves the focus on %q, not on its price", f)
	}
	tech.do("recording what arrived",
		chromedp.SendKeys(chromedp.ID("price_1_charger"), "15.00"),
		chromedp.SetValue(chromedp.ID("condition_1"), "damaged_in_transit"),
		chromedp.SendKeys(chromedp.ID("notes_1"), "outer box crushed at one corner"),
		chromedp.SetUploadFiles(chromedp.ID("photos_1"), []string{photo}),
	)
	last := tech.receive(first.number, first.id)
	for _, want := range []string{"serial MCT-E2E-9999 received, MCT-E2E-0001 was reserved: recorded as a mismatch", "missing: charger", "damaged in transit", "15.00 EUR"} {
		if !strings.Contains(last, want) {
			t.Errorf("the summary of the first parcel lacks %q: %s", want, last)
		}
	}
	tech.check("receiving, the first parcel received")

	// 2 and 3: as reserved.
	tech.scan(second.number)
	if tech.has("#receive fieldset.accessories") {
		t.Errorf("WebStore4's parcel shows an accessory checklist its policy does not have")
	}
	tech.check("receiving, a WebStore4 parcel")
	if last := tech.receive(second.number, second.id); !strings.Contains(last, "serial R9-E2E-0002 as reserved") {
		t.Errorf("the summary of the second parcel: %s", last)
	}
	tech.scan(third.number)
	if last := tech.receive(third.number, third.id); !strings.Contains(last, "serial MCT-E2E-0003 as reserved") || strings.Contains(last, "missing") {
		t.Errorf("the summary of the third parcel: %s", last)
	}

	// The first parcel scanned again: said plainly, the number kept, a link.
	tech.scan(first.number)
	if got := tech.text("#bench-problem"); !strings.Contains(got, first.number+" was already received") || !strings.Contains(got, "Open "+first.number) {
		t.Errorf("a repeated scan says %q", got)
	}
	if v := read(tech.tab, "reading the scan field", chromedp.Value(chromedp.ID("number"))); v != first.number {
		t.Errorf("a repeated scan left %q in the scan field", v)
	}
	tech.check("receiving, a parcel scanned twice")

	// In Dutch: a wrong scan and the panel of a parcel.
	tech.open("/lang/nl?next=/receiving")
	tech.open("/receiving")
	tech.scan("RMA-26-00000-Z")
	if got := tech.text("#bench-problem"); !strings.Contains(got, "geen RMA-nummer, of een cijfer is verkeerd getypt") {
		t.Errorf("a mistyped number in Dutch: %q", got)
	}
	tech.check("receiving in Dutch, a mistyped number")
	fourth := authorized("MINICART_KEY", "minicart", "refund", tablet("MCT-E2E-0004"), miniCartDates, []string{"package_photos", "defect_media"})
	// The refused number is kept, selected: the next scan replaces it.
	tech.scan(fourth.number)
	if got := tech.text("#receive"); !strings.Contains(got, "oplader ontbreekt") {
		t.Errorf("the Dutch parcel panel: %s", got)
	}
	tech.check("receiving in Dutch, a Mini Cart parcel")

	// The router is evaluated: no fault found in 1.5 hours, which
	// WebStore4's policy charges by the hour at the desk's rate.
	routerPath := fmt.Sprintf("/rmas/%d", second.id)
	tech.open(routerPath)
	tech.click("starting the evaluation", `#step-start_evaluation button[type=submit]`)
	if got := tech.text("#eval-1"); !strings.Contains(got, "R9-E2E-0002") || !strings.Contains(got, "does not start") {
		t.Errorf("the evaluate step does not show the serial and the fault: %s", got)
	}
	tech.do("recording no fault found in 1.5 hours",
		chromedp.SetValue(chromedp.ID("finding-1"), "no_fault_found"),
		chromedp.SendKeys(chromedp.ID("hours-1"), "1,5"),
		chromedp.SendKeys(chromedp.ID("rate-1"), "65.00"),
		chromedp.SendKeys(chromedp.ID("notes-1"), "Ran 24 hours without a drop."),
	)
	if got := tech.text("#hourly-1"); !strings.Contains(got, "Geen defect gevonden en het product werkt naar behoren") {
		t.Errorf("the hourly fee is not said in WebStore4's Dutch: %s", got)
	}
	tech.check("evaluating the router in Dutch, hours and the desk's rate")
	tech.click("saving the finding", `#step-evaluate button[type=submit]`)
	if got := tech.text("#money"); !strings.Contains(got, "97,50") && !strings.Contains(got, "97.50") {
		t.Errorf("1.5 hours at 65.00 are not charged 97.50: %s", got)
	}
	tech.check("the router evaluated, in Dutch, the hours charged")

	// What the desk recorded.
	for _, p := range []parcel{first, third} {
		got, _ := demoAPI(t, base, keys["AGENT_KEY"], "GET", fmt.Sprintf("/api/v1/rmas/%d", p.id), "", nil)
		if got["state"] != "received" {
			t.Errorf("%s is %v after the bench, not received", p.number, got["state"])
		}
	}
	got, _ := demoAPI(t, base, keys["AGENT_KEY"], "GET", fmt.Sprintf("/api/v1/rmas/%d", first.id), "", nil)
	rec := got["lines"].([]any)[0].(map[string]any)["received"].(map[string]any)
	if rec["serial_mismatch"] != true || fmt.Sprint(rec["missing_accessories"]) != "[charger]" || rec["intake_condition"] != "damaged_in_transit" {
		t.Errorf("the first parcel as recorded: %v", rec)
	}
	if c := got["charges"].([]any); len(c) != 1 || c[0].(map[string]any)["kind"] != "missing_accessory" {
		t.Errorf("the first parcel's charges: %v", c)
	}
	got, _ = demoAPI(t, base, keys["AGENT_KEY"], "GET", fmt.Sprintf("/api/v1/rmas/%d", second.id), "", nil)
	if c := got["charges"].([]any); len(c) != 1 || c[0].(map[string]any)["kind"] != "no_fault_found" || c[0].(map[string]any)["quantity"] != 1.5 {
		t.Errorf("the router's charges: %v", c)
	}
	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
