package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/store/pgtest"
)

// TestDemoClock drives a demo desk's test clock through the API and the
// CLI, on each database: a Pixfra RMA is authorized, `rmadesk clock advance
// --days 31` moves the desk's date, the expiry job has expired the number
// by the time the command returns, and reissuing gives a new number valid
// for 30 days from the desk's new date; the portal says the date is moved,
// in English and Dutch. The same desk restarted without --demo keeps real
// time and refuses to move it, through the API (409) and the CLI (exit 2,
// one line).
func TestDemoClock(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"--data-dir", dir}
			if backend == "postgres" {
				args = append(args, "--db", pgtest.URL(t))
			}
			demoClock(t, dir, args)
		})
	}
}

func demoClock(t *testing.T, dir string, args []string) {
	base, stop := startServe(t, append([]string{"--demo"}, args...)...)
	keys := readKeys(t, filepath.Join(dir, "demo-keys.env"))
	realToday := time.Now().UTC().Format(time.DateOnly)

	status, clock, _ := call(t, "GET", base+"/api/v1/clock", keys["PIXFRA_KEY"], "")
	if status != http.StatusOK || clock["demo"] != true || clock["moved"] != false || clock["today"] != realToday {
		t.Fatalf("a fresh demo desk's clock: %d %v", status, clock)
	}

	// A Pixfra RMA, authorized: its number is valid for 30 natural days.
	invoice := time.Now().UTC().AddDate(0, -6, 0).Format(time.DateOnly)
	body := `{"policy": "pixfra", "lines": [{"product": {"category": "thermal-camera", "part": "device", "model": "Arc A435", "serial": "PXF26CLK01"},
		"dates": {"invoice": "` + invoice + `"}, "fault": "no image", "part_number": "1.0.01.08.43501",
		"documents": ["vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"]}]}`
	status, r, _ := call(t, "POST", base+"/api/v1/rmas", keys["PIXFRA_KEY"], body, "Idempotency-Key", "clock-1")
	if status != http.StatusCreated || r["decision"] != "accept" {
		t.Fatalf("submit: %d %v", status, r)
	}
	rmaURL := fmt.Sprintf("%s/api/v1/rmas/%d", base, int64(r["id"].(float64)))
	status, r, hdr := call(t, "POST", rmaURL+"/authorize", keys["AGENT_KEY"], `{"resolution": "repair"}`, "If-Match", etag(t, rmaURL, keys["AGENT_KEY"]))
	first, _ := r["number"].(string)
	if status != http.StatusOK || r["state"] != "authorized" || first == "" || r["number_expires"] != addDays(realToday, 30) {
		t.Fatalf("authorize: %d %v %v", status, r, hdr)
	}

	// Bad moves are bad input, on the CLI and in the API, and move nothing.
	t.Setenv("RMADESK", base)
	t.Setenv("ADMIN_KEY", keys["ADMIN_KEY"])
	if code, _, errOut := runCLI(t, "", "clock", "advance", "--days", "-3"); code != exitBadInput || errOut != "rmadesk: --days: -3: the desk's date only moves forward\n" {
		t.Errorf("clock advance --days -3: exit %d, %q", code, errOut)
	}
	for _, bad := range []string{`{"days": 0}`, `{"days": -1}`, `{"hours": -2}`, `{"days": 4000}`} {
		status, p, h := call(t, "POST", base+"/api/v1/clock/advance", keys["ADMIN_KEY"], bad)
		if status != http.StatusUnprocessableEntity || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") || p["errors"] == nil {
			t.Errorf("advance %s: %d %v", bad, status, p)
		}
	}
	if status, p, _ := call(t, "POST", base+"/api/v1/clock/advance", keys["AGENT_KEY"], `{"days": 1}`); status != http.StatusForbidden {
		t.Errorf("an agent moves the clock: %d %v", status, p)
	}

	// The move: the expiry job has run when the command returns.
	code, out, errOut := runCLI(t, "", "clock", "advance", "--days", "31")
	moved := addDays(realToday, 31)
	if code != 0 || !strings.HasPrefix(out, "desk date "+moved+" (test clock: 31 days 0 hours ahead); ") || !strings.HasSuffix(out, " due jobs ran\n") ||
		strings.Contains(out, "; 0 due jobs ran") {
		t.Fatalf("clock advance --days 31: exit %d\n%s%s", code, out, errOut)
	}
	status, r, _ = call(t, "GET", rmaURL, keys["AGENT_KEY"], "")
	if status != http.StatusOK || r["state"] != "expired" || r["number"] != first {
		t.Fatalf("31 days later the number has lapsed: %d %v %v", status, r["state"], r["number"])
	}
	status, evs, _ := call(t, "GET", rmaURL+"/events", keys["AGENT_KEY"], "")
	if status != http.StatusOK || !strings.Contains(fmt.Sprint(evs), "expiry job") {
		t.Fatalf("the expiry is the job's: %v", evs)
	}
	status, r, _ = call(t, "POST", rmaURL+"/reissue", keys["AGENT_KEY"], "", "If-Match", etag(t, rmaURL, keys["AGENT_KEY"]))
	second, _ := r["number"].(string)
	if status != http.StatusOK || r["state"] != "authorized" || second == "" || second == first || r["number_expires"] != addDays(moved, 30) {
		t.Fatalf("reissue: %d %v", status, r)
	}
	if code, out, _ := runCLI(t, "", "clock", "show"); code != 0 || out != "desk date "+moved+" (test clock: 31 days 0 hours ahead)\n" {
		t.Errorf("clock show: %d %q", code, out)
	}

	// The portal's header says whose date it is, in English and in Dutch.
	browser := portalBrowser(t, base, "agent@demo.example", demoPassword)
	for _, lang := range []struct{ code, want string }{
		{"en", `Desk date <time datetime="` + moved + `">` + moved + `</time> <strong>(test clock: 31 days 0 hours ahead)</strong>`},
		{"nl", `Datum van de desk <time datetime="` + moved + `">` + moved + `</time> <strong>(testklok: 31 dagen 0 uur vooruit)</strong>`},
	} {
		resp, err := browser.Get(base + "/lang/" + lang.code + "?next=/rmas")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		page := portalPage(t, browser, base+"/rmas")
		if !strings.Contains(page, lang.want) {
			t.Errorf("%s: the header lacks %q", lang.code, lang.want)
		}
	}
	stop()

	// An archive carries the moved date with the records dated by it.
	archive, moved2 := filepath.Join(t.TempDir(), "archive"), t.TempDir()
	if code, out, errOut := runCLI(t, "", append([]string{"export", "--out", archive}, args...)...); code != 0 ||
		!regexp.MustCompile(`(?m)^  desk_clock\s+1\s`).MatchString(out) {
		t.Fatalf("export: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, "", "import", "--in", archive, "--data-dir", moved2); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	copied, stopCopy := startServe(t, "--demo", "--data-dir", moved2)
	status, clock, _ = call(t, "GET", copied+"/api/v1/clock", keys["ADMIN_KEY"], "")
	stopCopy()
	if status != http.StatusOK || clock["today"] != moved || clock["moved"] != true {
		t.Fatalf("the imported demo desk's clock: %d %v", status, clock)
	}

	// The same database without --demo: real time, and no move.
	base, stop = startServe(t, args...)
	defer stop()
	status, clock, _ = call(t, "GET", base+"/api/v1/clock", keys["ADMIN_KEY"], "")
	if status != http.StatusOK || clock["demo"] != false || clock["moved"] != false || clock["today"] != realToday {
		t.Fatalf("a production desk's clock: %d %v", status, clock)
	}
	status, p, h := call(t, "POST", base+"/api/v1/clock/advance", keys["ADMIN_KEY"], `{"days": 31}`)
	if status != http.StatusConflict || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") ||
		!strings.Contains(fmt.Sprint(p["detail"]), "only a desk started with --demo") {
		t.Fatalf("a production desk moves its clock: %d %v", status, p)
	}
	t.Setenv("RMADESK", base)
	code, out, errOut = runCLI(t, "", "clock", "advance", "--days", "31")
	if want := "rmadesk: clock advance: the desk answered 409: this desk's clock is real time: only a desk started with --demo can move its date\n"; code != exitBadInput || out != "" || errOut != want {
		t.Fatalf("clock advance on a production desk: exit %d, stdout %q, stderr %q, want 2 and %q", code, out, errOut, want)
	}
	if page := portalPage(t, portalBrowser(t, base, "agent@demo.example", demoPassword), base+"/rmas"); !strings.Contains(page, `<time datetime="`+realToday+`">`) || strings.Contains(page, "test clock") {
		t.Errorf("the production desk's header does not show the real date plainly")
	}
}

// etag reads an RMA's current ETag.
func etag(t *testing.T, rmaURL, key string) string {
	t.Helper()
	status, _, h := call(t, "GET", rmaURL, key, "")
	if status != http.StatusOK || h.Get("ETag") == "" {
		t.Fatalf("GET %s: %d, ETag %q", rmaURL, status, h.Get("ETag"))
	}
	return h.Get("ETag")
}

func addDays(day string, n int) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(err)
	}
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}

func portalPage(t *testing.T, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return string(b)
}

// TestReadmeClockRuns runs the README's test-clock section against a fresh
// demo desk, with this test binary standing in for `go run ./cmd/rmadesk`,
// so the minute it promises stays true.
func TestReadmeClockRuns(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "sed", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is needed to run the README's clock section: %v", tool, err)
			}
			t.Skipf("%s not installed: the README's clock section not run", tool)
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Watch a Pixfra number expire")
	if !ok {
		t.Fatal("README.md has no section on the test clock")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(section, -1)
	if len(blocks) != 1 {
		t.Fatalf("%d sh blocks in the clock section, want 1", len(blocks))
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, stop := startServe(t, "--demo", "--data-dir", dir)
	defer stop()
	script := strings.NewReplacer("rmadesk-data/demo-keys.env", filepath.Join(dir, "demo-keys.env"),
		"go run ./cmd/rmadesk", "RMADESK_RUN_MAIN=1 '"+self+"'").Replace(blocks[0][1])
	cmd := exec.Command("bash", "-c", "set -euo pipefail\n"+script)
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's clock section failed: %v\n%s", err, out)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	moved := addDays(today, 31)
	lines := regexp.MustCompile(`(?m)^(authorized|expired): (RMA-\d\d-\d{5}-[A-Z]) valid until (\S+)$`).FindAllStringSubmatch(string(out), -1)
	if len(lines) != 3 || !strings.Contains(string(out), "desk date "+moved+" (test clock: 31 days 0 hours ahead); ") {
		t.Fatalf("unexpected output:\n%s", out)
	}
	first, lapsed, second := lines[0], lines[1], lines[2]
	if first[1] != "authorized" || first[3] != addDays(today, 30) ||
		lapsed[1] != "expired" || lapsed[2] != first[2] ||
		second[1] != "authorized" || second[2] == first[2] || second[3] != addDays(moved, 30) {
		t.Fatalf("the number did not lapse and come back as the README says:\n%s", out)
	}
}

// TestDemoClockSharedByInstances: two demo instances on one PostgreSQL
// database; the date moved through one reaches the other within seconds
// (it reads the shared offset every clockRefresh), so the other's jobs
// and pages go by the same date.
func TestDemoClockSharedByInstances(t *testing.T) {
	url := pgtest.URL(t)
	dirA, dirB := t.TempDir(), t.TempDir()
	a, stopA := startServe(t, "--demo", "--db", url, "--data-dir", dirA)
	defer stopA()
	b, stopB := startServe(t, "--demo", "--db", url, "--data-dir", dirB)
	defer stopB()
	keyA := readKeys(t, filepath.Join(dirA, "demo-keys.env"))["ADMIN_KEY"]
	keyB := readKeys(t, filepath.Join(dirB, "demo-keys.env"))["ADMIN_KEY"]
	if status, p, _ := call(t, "POST", a+"/api/v1/clock/advance", keyA, `{"days": 2, "hours": 5}`); status != http.StatusOK || p["offset_seconds"] != float64(53*3600) {
		t.Fatalf("advance through A: %d %v", status, p)
	}
	deadline := time.Now().Add(4 * clockRefresh)
	for {
		status, c, _ := call(t, "GET", b+"/api/v1/clock", keyB, "")
		if status == http.StatusOK && c["offset_seconds"] == float64(53*3600) && c["moved"] == true {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance B still says %d %v, %s after the move", status, c, 4*clockRefresh)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// A move through B adds to A's: both count.
	if status, p, _ := call(t, "POST", b+"/api/v1/clock/advance", keyB, `{"hours": 19}`); status != http.StatusOK || p["offset_seconds"] != float64(3*24*3600) {
		t.Fatalf("advance through B: %d %v", status, p)
	}
}
