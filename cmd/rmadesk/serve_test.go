package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startBound is how long a test waits for a server to be ready: generous,
// since a busy 2-core machine running the race detector can take many
// seconds to migrate and seed a demo desk.
const startBound = 2 * time.Minute

// startServe runs `rmadesk serve` in-process on a loopback port and returns
// its base URL and a function that stops it and returns its error. It
// returns once /readyz answers 200 (and, with --demo, once the demo desk is
// seeded); if that does not happen within startBound the test fails with
// everything the server printed.
func startServe(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(&env{ctx: ctx, stdin: strings.NewReader(""), stdout: out, stderr: errOut}, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...))
	}()
	t.Cleanup(cancel)
	return awaitServe(t, args, out, errOut, done, cancel)
}

// startServeWith is startServe in a process of its own, the test binary
// run again as rmadesk (TestMain), with environ added to its environment:
// a test that gives the desk a mail relay or a public URL this way leaves
// the test process's environment alone (t.Setenv would), so it may run in
// parallel with the others. Built with -race, the process is checked as
// the test is: a race it finds is an exit code other than 0.
func startServeWith(t *testing.T, environ []string, args ...string) (string, func() error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(append(os.Environ(), "RMADESK_RUN_MAIN=1"), environ...)
	out, errOut := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() {
		err := cmd.Wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			code = -1
		}
		done <- code
	}()
	terminate := func() { _ = cmd.Process.Signal(syscall.SIGTERM) }
	t.Cleanup(func() {
		terminate()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	return awaitServe(t, args, out, errOut, done, terminate)
}

// awaitServe waits for a server started with args to answer /readyz (and,
// with --demo, to have seeded the demo desk), and returns its base URL and
// a function that stops it (stop) and checks it exited 0.
func awaitServe(t *testing.T, args []string, out, errOut *syncBuffer, done chan int, stop func()) (string, func() error) {
	t.Helper()
	fail := func(why string) {
		stop()
		t.Fatalf("serve %s\nstdout:\n%s\nstderr:\n%s", why, out.String(), errOut.String())
	}
	addr := regexp.MustCompile(`addr=(http://127\.0\.0\.1:\d+)`)
	demo := slices.Contains(args, "--demo")
	deadline := time.Now().Add(startBound)
	base := ""
	for {
		if base == "" {
			if m := addr.FindStringSubmatch(errOut.String()); m != nil {
				base = m[1]
			}
		}
		if base != "" && ready(base) && (!demo || strings.Contains(out.String(), "docs/API.md")) {
			break
		}
		if time.Now().After(deadline) {
			fail(fmt.Sprintf("was not ready within %s", startBound))
		}
		select {
		case code := <-done:
			done <- code // for stop, which the test may still call
			fail(fmt.Sprintf("exited %d before it was ready", code))
		case <-time.After(20 * time.Millisecond):
		}
	}
	stopped := func() error {
		stop()
		select {
		case code := <-done:
			done <- code // a second call finds it too
			if code != 0 {
				t.Errorf("serve exited %d: %s", code, errOut.String())
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30 s")
		}
		return nil
	}
	return base, stopped
}

// ready reports whether the server at base answers /readyz with 200.
func ready(base string) bool {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(base + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func readKeys(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keys := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if ok {
			keys[name] = value
		}
	}
	return keys
}

func call(t *testing.T, method, url, key, body string, headers ...string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m, resp.Header
}

// TestServeDemo runs the README's first command as a user would, files the
// example RMA with the printed keys, stops the server gracefully, starts it
// again on the same data directory and finds the RMA still there.
func TestServeDemo(t *testing.T) {
	t.Setenv("RMADESK_METRICS_TOKEN", testMetricsToken)
	dir := t.TempDir()
	base, stop := startServe(t, "--demo", "--data-dir", dir)
	keys := readKeys(t, filepath.Join(dir, "demo-keys.env"))
	for _, k := range []string{"ADMIN_KEY", "AGENT_KEY", "TECH_KEY", "DEXXON_KEY", "PLEXTOR_KEY", "WEBSTORE4_KEY", "PIXFRA_KEY", "MINICART_KEY"} {
		if !strings.HasPrefix(keys[k], "rk_") {
			t.Fatalf("demo key %s missing: %v", k, keys)
		}
	}
	if keys["RMADESK"] != base {
		t.Fatalf("RMADESK=%q, server at %s", keys["RMADESK"], base)
	}
	body, err := os.ReadFile(filepath.Join("..", "..", "examples", "api", "dexxon-submit.json"))
	if err != nil {
		t.Fatal(err)
	}
	status, rma, _ := call(t, "POST", base+"/api/v1/rmas", keys["DEXXON_KEY"], string(body), "Idempotency-Key", "try-1")
	if status != http.StatusCreated || rma["decision"] != "accept" {
		t.Fatalf("submit: %d %v", status, rma)
	}
	for _, probe := range []string{"/healthz", "/readyz"} {
		if status, body, _ := call(t, "GET", base+probe, "", ""); status != http.StatusOK {
			t.Fatalf("%s: %d %v", probe, status, body)
		}
	}
	if status, _ := getMetrics(t, base, ""); status != http.StatusUnauthorized {
		t.Errorf("/metrics without the token: %d, want 401", status)
	}
	_, metrics := getMetrics(t, base, testMetricsToken)
	for _, want := range []string{
		`rmadesk_http_requests_total{method="POST",route="POST /api/v1/rmas",status="201"} 1`,
		`rmadesk_rmas{state="submitted"} 1`,
		`rmadesk_http_request_duration_seconds_bucket{method="POST",route="POST /api/v1/rmas",le="+Inf"} 1`,
		`rmadesk_jobs{state="queued"}`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	stop()

	base, stop = startServe(t, "--data-dir", dir)
	defer stop()
	status, list, _ := call(t, "GET", base+"/api/v1/rmas?state=submitted", keys["AGENT_KEY"], "")
	if status != http.StatusOK || len(list["items"].([]any)) != 1 {
		t.Fatalf("after a restart: %d %v", status, list)
	}
	// A second --demo run reuses the organisations and makes fresh keys.
	if _, err := os.Stat(filepath.Join(dir, "rmadesk.db")); err != nil {
		t.Fatal(err)
	}
}

func TestOrgAndAPIKeyCommands(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "", "org", "create", "--data-dir", dir, "--name", "Acme Distribution", "--role", "distributor", "--country", "DE")
	if code != 0 || !strings.Contains(out, "Acme Distribution") {
		t.Fatalf("org create: %d %s %s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "apikey", "create", "--data-dir", dir, "--org", "Acme Distribution", "--role", "requester")
	if code != 0 || !regexp.MustCompile(`^rk_[a-z2-7]{8}_[a-z2-7]{32}\n$`).MatchString(out) {
		t.Fatalf("apikey create: %d %q %s", code, out, errOut)
	}
	bad := []struct {
		args []string
		want string
	}{
		{[]string{"apikey", "create", "--data-dir", dir, "--org", "Nobody", "--role", "requester"}, `--org: no organisation named "Nobody"`},
		{[]string{"apikey", "create", "--data-dir", dir, "--org", "Acme Distribution", "--role", "agent"}, "--role: role: a requester organisation's keys have role requester"},
		{[]string{"apikey", "create", "--data-dir", dir, "--org", "Acme Distribution", "--role", "boss"}, `--role: "boss" is not a role`},
		{[]string{"org", "create", "--data-dir", dir, "--name", "X", "--role", "king"}, `--role: unknown role "king"`},
		{[]string{"org", "create", "--data-dir", dir, "--name", "Y", "--role", "dealer", "--country", "UK"}, `--country: "UK" is not an ISO 3166-1 alpha-2 country code`},
		{[]string{"serve", "--log-format", "xml"}, `--log-format: "xml" is not text or json`},
		{[]string{"serve", "--vat-rate", "121"}, `--vat-rate: 121 is not a percentage from 0 to 100`},
		{[]string{"migrate", "--db", "mysql://x"}, `--db: "mysql://x" is not a database URL`},
	}
	for _, tc := range bad {
		code, _, errOut := runCLI(t, "", tc.args...)
		if code != exitBadInput || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
	code, out, errOut = runCLI(t, "a long enough password\n", "user", "create", "--data-dir", dir, "--org", "Acme Distribution", "--email", "rma@acme.example", "--role", "requester")
	if code != 0 || !strings.Contains(out, "rma@acme.example") {
		t.Fatalf("user create: %d %s %s", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "short\n", "user", "create", "--data-dir", dir, "--org", "Acme Distribution", "--email", "b@acme.example", "--role", "requester")
	if code != exitBadInput || !strings.Contains(errOut, "password (the first line of standard input): at least 10 characters") {
		t.Fatalf("short password: %d %s", code, errOut)
	}
	code, out, _ = runCLI(t, "", "migrate", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "latest schema") {
		t.Fatalf("migrate: %d %s", code, out)
	}
}

// TestAPIDocRuns runs the shell blocks of docs/API.md, in order, against a
// fresh demo server, as a reader pasting them would.
func TestAPIDocRuns(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl", "sed", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is needed to run docs/API.md: %v", tool, err)
			}
			t.Skipf("%s not installed: docs/API.md not run", tool)
		}
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "API.md"))
	if err != nil {
		t.Fatal(err)
	}
	var script strings.Builder
	script.WriteString("set -euo pipefail\n")
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(doc), -1) {
		script.WriteString(m[1])
	}
	dir := t.TempDir()
	_, stop := startServe(t, "--demo", "--data-dir", dir)
	defer stop()
	cmd := exec.Command("bash", "-c", strings.ReplaceAll(script.String(), "rmadesk-data/demo-keys.env", filepath.Join(dir, "demo-keys.env")))
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("docs/API.md failed: %v\n%s", err, out)
	}
	for _, want := range []string{"RMA number RMA-", "in_transit", "received", "in_evaluation", "credited", "application/pdf", "closed", "\nclose\n",
		"pixfra-eu: Pixfra Europe Repair Station, Industrieweg 44, 5145 PV Waalwijk", "alphen: Dexxon Data Media and Storage B.V., Curieweg 15, 2408 BZ Alphen aan den Rijn",
		"\npixfra-eu\n", "\nreceived\ntrue\n", "flag_part_mismatch: 1.0.01.08.43501 -> 1.0.01.08.43777",
		"\nat_supplier\n", "\nin_evaluation\nThe supplier does not cover", "net cost -34.00 EUR", "\ncreate\nship\nverdict\n", "predicted by plextor: ",
		"line 1: authorized\nline 2: rejected, out of its three years", "the desk reads 3 messages, 1 internal", "the requester reads 2",
		"is now technician\ndisabled\ninvited\n", "/invite/", "the new key acts for Demo Partner for Dexxon", "the revoked key: 401",
		"role: agent -> technician", "key.revoke ",
		"line 218: unknown key \"yeers\"", "changed warranty.terms [part=device category=thermal-camera] clause warranty-chart", "pixfra version 2 published, from",
		"filed: accept by version 1\nshadow: 1 compared, 1 changed\ndecision accept -> reject: 1\nshadow stopped",
		"return-rate: summary, by_model, by_month", "defect_confirmed: ", "currency,net_cost,credits,refunds,replacement_units", "state,units,mean_days,p50_days",
		"reports for a requester: 403",
		"2 new, 0 unchanged; no organisation named Another Partner B.V.", "1 new from the CSV", "review: warranty_start_records, in_warranty, sold_to_other",
		"the warranty runs from the desk's records: delivered", "DX-DEMO-0002 sold to Another Partner B.V. on ", "another partner's unit, to the Dexxon partner: 404",
		"in_warranty until ", "\ncannot_confirm\nmodel\nmodel\nin_warranty\n",
		"\nwhsec_\n21\n", "\nwhsec_\n404\n", "disabled: true", // webhooks (issue 17)
		"label for RMA-", "\n%PDF-\n", "the label, to another partner: 404", "supplier label: application/pdf",
		"number,requester,state\n", ",Demo Partner for Dexxon,closed\n", " line 1: DX24031500123 ",
		"rma_id,rma_number,requester_id,requester,id,line,kind,basis,description,quantity,amount,currency,clause,created,deducted\n",
		"\nDemo Partner for Dexxon\n422 created_from: ", "reply: Parcel received\n", "reply deleted: true\n", "test mail: 409 the desk has no mail relay"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
