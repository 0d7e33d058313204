package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// demoAPI calls the demo desk's API with a key; ifMatch "" sends none.
func demoAPI(t *testing.T, base, key, method, path, ifMatch string, body any) (map[string]any, string) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	return m, resp.Header.Get("ETag")
}

// TestPortalSupplierSteps: in a real browser, an agent of the demo desk
// sends a WebStore4 customer's router to the demo's supplier from the RMA
// page, records the shipment and the supplier's verdict on the supplier
// RMA's page, and finds the RMA back in evaluation; the customer, reading
// Dutch, sees that its unit went to the supplier and the verdict, never
// the supplier. Every page is audited with axe-core.
func TestPortalSupplierSteps(t *testing.T) {
	t.Parallel()
	chromium := needChromium(t, "the supplier pages' browser test")
	out := t.ArtifactDir()
	dir := t.TempDir()
	base, stop := startServe(t, "--demo", "--data-dir", dir)
	t.Cleanup(func() { _ = stop() })
	keys, err := readDemoKeys(filepath.Join(dir, "demo-keys.env"))
	if err != nil {
		t.Fatal(err)
	}

	// The customer files, the desk receives and confirms the defect (the
	// steps before this test's, through the API).
	delivered := time.Now().AddDate(0, -2, 0).Format("2006-01-02")
	r, _ := demoAPI(t, base, keys["WEBSTORE4_KEY"], "POST", "/api/v1/rmas", "", map[string]any{"policy": "webstore4", "lines": []any{
		map[string]any{"product": map[string]any{"category": "router", "model": "WS-R9", "serial": "R9-E2E-0001"},
			"dates": map[string]any{"delivered": delivered}, "fault": "reboots every hour"}}})
	id := int64(r["id"].(float64))
	rmaPath := fmt.Sprintf("/api/v1/rmas/%d", id)
	step := func(action string, body any) {
		_, tag := demoAPI(t, base, keys["AGENT_KEY"], "GET", rmaPath, "", nil)
		demoAPI(t, base, keys["AGENT_KEY"], "POST", rmaPath+"/"+action, tag, body)
	}
	step("authorize", map[string]any{"resolution": "repair"})
	got, _ := demoAPI(t, base, keys["AGENT_KEY"], "GET", rmaPath, "", nil)
	demoAPI(t, base, keys["TECH_KEY"], "POST", "/api/v1/receiving", "", map[string]any{"number": got["number"]})
	step("start_evaluation", nil)
	step("evaluate", map[string]any{"lines": []any{map[string]any{"line": 1, "finding": "defect_confirmed"}}})
	sups, _ := demoAPI(t, base, keys["AGENT_KEY"], "GET", "/api/v1/suppliers", "", nil)
	var supplierID float64
	for _, s := range sups["suppliers"].([]any) {
		if s.(map[string]any)["name"] == "Demo Supplier for WebStore4" {
			supplierID = s.(map[string]any)["id"].(float64)
		}
	}
	if supplierID == 0 {
		t.Fatalf("the demo desk has no supplier for WebStore4: %v", sups)
	}

	b := startBrowser(t, chromium, out)
	agent := b.newTab("agent", base)
	agent.signIn("agent@demo.example", demoPassword)
	page := fmt.Sprintf("/rmas/%d", id)
	agent.open(page)
	agent.check("RMA in evaluation, with the supplier step")
	agent.do("choosing the supplier", chromedp.SetValue(chromedp.ID(fmt.Sprintf("sup-%d", id)), fmt.Sprint(supplierID)),
		chromedp.SendKeys(chromedp.ID(fmt.Sprintf("supref-%d", id)), "NW-RMA-8812"))
	sr := agent.click("sending the line to the supplier", "#step-forward_to_supplier button[type=submit]")
	if !regexp.MustCompile(`^/supplier-rmas/\d+$`).MatchString(sr) {
		t.Fatalf("forwarding led to %s: %s", sr, agent.text("main"))
	}
	if got := agent.text("#sup-state"); got != "not shipped yet" {
		t.Fatalf("a new supplier RMA is %q", got)
	}
	agent.check("supplier RMA, to ship")
	agent.do("filling in the shipment", chromedp.SendKeys(chromedp.ID("sup-carrier"), "PostNL"), chromedp.SendKeys(chromedp.ID("sup-tracking"), "3SSUP0001"))
	agent.click("recording the shipment", "#sup-ship button[type=submit]")
	if got := agent.text("#sup-state"); got != "at the supplier" {
		t.Fatalf("a shipped supplier RMA is %q", got)
	}
	agent.check("supplier RMA, awaiting the verdict")
	key := fmt.Sprintf("%d_1", id)
	agent.do("filling in the verdict", chromedp.SetValue(chromedp.ID("verdict-"+key), "covered"), chromedp.SetValue(chromedp.ID("remedy-"+key), "repaired"),
		chromedp.SendKeys(chromedp.ID("notes-"+key), "new main board"))
	agent.click("recording the verdict", "#sup-verdicts button[type=submit]")
	if got := agent.text("#sup-state"); got != "answered" {
		t.Fatalf("after the verdict the supplier RMA is %q", got)
	}
	agent.check("supplier RMA, answered")
	agent.click("opening the supplier RMAs", `nav a[href="/supplier-rmas"]`)
	if list := agent.text("main"); !strings.Contains(list, "Demo Supplier for WebStore4") || !strings.Contains(list, "NW-RMA-8812") {
		t.Fatalf("the supplier RMAs list:\n%s", list)
	}
	agent.check("supplier RMAs")
	// The supplier RMA and the RMA with its supplier step, in Dutch too
	// (axe-core at both widths), then back to English for what follows.
	for _, p := range []struct{ name, path string }{{"supplier RMA, answered", sr}, {"supplier RMAs", "/supplier-rmas"}, {"RMA back from the supplier", page}} {
		agent.open("/lang/nl?next=" + url.QueryEscape(p.path))
		agent.check(p.name + ", in Dutch")
	}
	agent.open("/lang/en?next=" + url.QueryEscape(page))
	agent.open(page)
	if got := agent.text("dl.facts .state"); got != "in evaluation" {
		t.Fatalf("the RMA back from the supplier is %q", got)
	}
	if s := agent.text("#h-supplier + ul"); !strings.Contains(s, "covered") || !strings.Contains(s, "Demo Supplier for WebStore4") {
		t.Fatalf("the desk's supplier section: %s", s)
	}

	// The customer reads Dutch: the verdict, no supplier.
	customer := b.newTab("customer", base)
	customer.signIn("webstore4@demo.example", demoPassword)
	customer.open("/lang/nl?next=" + page)
	customer.open(page)
	mine := customer.text("main")
	if !strings.Contains(mine, "Oordeel van de leverancier over regel 1: gedekt.") || !strings.Contains(mine, "terug van de leverancier") ||
		strings.Contains(mine, "Demo Supplier") || strings.Contains(mine, "NW-RMA-8812") {
		t.Fatalf("the customer's page:\n%s", mine)
	}
	customer.check("the customer's RMA after the supplier's verdict, in Dutch")
	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
