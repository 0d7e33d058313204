package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The end-to-end test drives Debian's Chromium through chromedp. These are
// its tools: a browser, a tab per person (each in its own browser context,
// so each has its own cookies), and the checks every page gets: an axe-core
// audit, a look at phone width, and screenshots.

// stepTimeout bounds each browser step; the steps wait for elements, not
// for the clock, so this only turns a hang into a failure that says where.
const stepTimeout = 20 * time.Second

// chromiumPath finds Debian's chromium, or "" when it is not installed.
func chromiumPath() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// needChromium is chromiumPath for a browser test: without chromium the
// test is skipped, saying what it would have shown, and under CI=true it
// fails (scripts/deps.sh installs chromium there).
func needChromium(t *testing.T, what string) string {
	t.Helper()
	chromium := chromiumPath()
	if chromium == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; scripts/deps.sh installs it")
		}
		t.Skip("chromium is not installed (scripts/deps.sh installs it): skipping " + what)
	}
	return chromium
}

// browser is one headless Chromium for the whole test.
type browser struct {
	t   *testing.T
	ctx context.Context // holds the started browser; tabs are its children
	out string          // where screenshots go
	axe string          // the vendored axe-core, injected into each page audited

	mu      sync.Mutex
	shots   int      // screenshots taken, to number them in the order taken
	console []string // errors the pages wrote to their consoles
}

func startBrowser(t *testing.T, path, out string) *browser {
	t.Helper()
	axe, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	// The machine's network is closed: everything Chromium would fetch for
	// itself (updates, sync, QUIC probes) is turned off, or its connections
	// are refused and slow it down.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // the tests run as root, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		// Wait for Chromium to exit before its profile directory is removed.
		if c := chromedp.FromContext(allocCtx); c != nil && c.Allocator != nil {
			c.Allocator.Wait()
		}
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no timeout
		t.Fatalf("starting %s: %v", path, err)
	}
	return &browser{t: t, ctx: ctx, out: out, axe: string(axe)}
}

// tab is one person's window on the portal.
type tab struct {
	b    *browser
	t    *testing.T
	who  string
	base string
	ctx  context.Context
}

// newTab opens a tab in a browser context of its own: its own cookies, so
// the requester and the desk are signed in side by side.
func (b *browser) newTab(who, base string) *tab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // opens the tab, with no timeout
		b.t.Fatalf("%s: opening a tab: %v", who, err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			// Chromium asks every site for /favicon.ico by itself; the
			// portal has none, and no page refers to one.
			if (m.Type == chromedp.ConsoleError || m.IsException()) && !strings.HasSuffix(m.URL, "/favicon.ico") {
				b.mu.Lock()
				b.console = append(b.console, fmt.Sprintf("%s: %s:%d: %s", who, m.URL, m.Line+1, m))
				b.mu.Unlock()
			}
		}
	}()
	return &tab{b: b, t: b.t, who: who, base: base, ctx: ctx}
}

// do runs browser steps, failing the test with what was being done.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("%s: %s: %v", tb.who, what, err)
	}
}

// read runs one browser step that returns a value.
func read[T any](tb *tab, what string, a chromedp.Action[T]) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.t.Fatalf("%s: %s: %v", tb.who, what, err)
	}
	return v
}

// navigate runs steps that load a page (a click on a link or a submit
// button, or a navigation) and checks the page came with status 200; it
// returns the page's path.
func (tb *tab) navigate(what string, steps ...chromedp.Action[chromedp.Void]) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		tb.t.Fatalf("%s: %s: %v", tb.who, what, err)
	}
	if resp.Status != http.StatusOK {
		text := read(tb, "reading the page", chromedp.Text(chromedp.CSS("main")))
		tb.t.Fatalf("%s: %s: %s answered %d: %s", tb.who, what, resp.URL, resp.Status, text)
	}
	return strings.TrimPrefix(resp.URL, tb.base)
}

// open loads a page of the portal by its path.
func (tb *tab) open(path string) string {
	tb.t.Helper()
	return tb.navigate("opening "+path, chromedp.Navigate(tb.base+path))
}

// click clicks what css selects and waits for the page it leads to.
func (tb *tab) click(what, css string) string {
	tb.t.Helper()
	return tb.navigate(what, chromedp.Click(chromedp.CSS(css)))
}

// text is the visible text of what css selects, waiting for it to appear.
func (tb *tab) text(css string) string {
	tb.t.Helper()
	return read(tb, "reading "+css, chromedp.Text(chromedp.CSS(css), chromedp.NodeVisible))
}

// has reports whether css selects anything on the page as it is now.
func (tb *tab) has(css string) bool {
	tb.t.Helper()
	b, _ := json.Marshal(css)
	return read(tb, "looking for "+css, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%s) !== null", b)))
}

func (tb *tab) signIn(email, password string) {
	tb.t.Helper()
	tb.open("/login")
	tb.do("filling in the sign-in form",
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
	)
	if path := tb.click("signing in as "+email, `main form button[type=submit]`); !strings.HasPrefix(path, "/rmas") {
		tb.t.Fatalf("%s: signing in led to %s, not the RMA list: %s", tb.who, path, tb.text("main"))
	}
}

// cookies returns the tab's cookies for the portal, for a request made
// from Go on the person's behalf.
func (tb *tab) cookies() []*http.Cookie {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{tb.base + "/"}})
	if err != nil {
		tb.t.Fatalf("%s: reading cookies: %v", tb.who, err)
	}
	var out []*http.Cookie
	for _, c := range res.Cookies {
		out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	return out
}

var unsafeName = regexp.MustCompile(`[^a-z0-9-]+`)

// screenshot saves the whole page as PNG and returns the file's path.
func (tb *tab) screenshot(name string) string {
	tb.t.Helper()
	png := read(tb, "screenshot "+name, chromedp.FullScreenshot(100))
	tb.b.mu.Lock()
	tb.b.shots++
	n := tb.b.shots
	tb.b.mu.Unlock()
	path := filepath.Join(tb.b.out, fmt.Sprintf("%02d-%s-%s.png", n, tb.who, unsafeName.ReplaceAllString(strings.ToLower(name), "-")))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	return path
}

// check audits the page the tab shows with axe-core, looks at it at phone
// width, and takes its screenshots (desktop and phone). Problems are
// reported as errors, so one test run lists all of them. It returns the
// desktop screenshot's path.
func (tb *tab) check(name string) string {
	tb.t.Helper()
	tb.do("sizing the window", desktop)
	tb.audit(name)
	shot := tb.screenshot(name)
	tb.atPhoneWidth(name)
	return shot
}

// axeViolation is one rule axe-core found broken, with the elements that
// break it.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  json.RawMessage `json:"target"`
		HTML    string          `json:"html"`
		Summary string          `json:"failureSummary"`
	} `json:"nodes"`
}

// axeRun runs every rule of axe-core's default set (WCAG 2.0, 2.1 and 2.2
// A and AA, and best practices) on the document; only the violations come
// back in full, and the number of rules that passed (none would mean axe
// did not run).
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify({violations: r.violations, passed: r.passes.length}))`

func (tb *tab) audit(name string) {
	tb.t.Helper()
	tb.do("injecting axe-core into "+name, chromedp.Evaluate[chromedp.Void](tb.b.axe))
	raw := read(tb, "running axe-core on "+name, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	var res struct {
		Violations []axeViolation `json:"violations"`
		Passed     int            `json:"passed"`
	}
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		tb.t.Fatalf("%s: axe-core's answer on %s: %v", tb.who, name, err)
	}
	if res.Passed == 0 {
		tb.t.Fatalf("%s: axe-core passed no rule on %s: it did not run", tb.who, name)
	}
	tb.t.Logf("%s: %s: axe-core: %d rules passed, %d violated", tb.who, name, res.Passed, len(res.Violations))
	for _, v := range res.Violations {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %s: axe %s (%s): %s <%s>", tb.who, name, v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n\t%s %s\n\t\t%s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n\t\t"))
		}
		// Any violation fails, whatever its impact (issue 13: axe-core
		// finds nothing on any page).
		tb.t.Error(b.String())
	}
}

// desktop is the window every page is first seen in, so that screenshots
// do not depend on the browser's window decorations.
var desktop = chromedp.EmulateViewport(1280, 900)

// phoneWidth is an iPhone's CSS width. phoneCheck lists what sticks out
// past it, if anything does: a phone browser widens the layout to fit such
// an element, and the page then scrolls sideways or shows shrunk.
const (
	phoneWidth, phoneHeight = 375, 812
	phoneCheck              = `(() => {
  const w = window.innerWidth, sw = document.documentElement.scrollWidth;
  const wide = [];
  if (sw > w || w > 375) {
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > 376) {
        wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
          (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "") +
          " (right edge " + Math.round(r.right) + ")");
      }
    }
  }
  return {innerWidth: w, scrollWidth: sw, wide: wide.slice(0, 12)};
})()`
)

type phoneLayout struct {
	InnerWidth  int      `json:"innerWidth"`
	ScrollWidth int      `json:"scrollWidth"`
	Wide        []string `json:"wide"`
}

// atPhoneWidth shows the page as a phone would (375 CSS pixels, the
// viewport meta tag honoured), checks nothing makes it scroll sideways,
// takes a screenshot, and goes back to the desktop window. The page is not
// reloaded, so what the page's script put in it stays.
func (tb *tab) atPhoneWidth(name string) {
	tb.t.Helper()
	tb.do("emulating a phone", chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	defer tb.do("back to the desktop window", desktop)
	l := read(tb, "measuring "+name+" at phone width", chromedp.Evaluate[phoneLayout](phoneCheck))
	if l.InnerWidth > phoneWidth || l.ScrollWidth > l.InnerWidth {
		msg := fmt.Sprintf("%s: %s at phone width: the page is %d px wide in a %d px window (wanted %d); too wide: %s",
			tb.who, name, l.ScrollWidth, l.InnerWidth, phoneWidth, strings.Join(l.Wide, ", "))
		tb.t.Error(msg)
	}
	// A phone's layout is another page to axe-core: what a narrow window
	// hides, folds or stacks is checked again.
	tb.audit(name + " at phone width")
	tb.screenshot(name + " phone")
}

// consoleErrors is what the pages wrote to their consoles as errors.
func (b *browser) consoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}
