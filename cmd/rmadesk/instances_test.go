package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/rmadesk/rmadesk/internal/filestore/s3test"
	"github.com/rmadesk/rmadesk/internal/store/pgtest"
)

// instance is one `rmadesk serve` process: this test binary run as rmadesk.
type instance struct {
	cmd  *exec.Cmd
	base string
	mu   sync.Mutex
	logs []map[string]any
	done chan struct{}
}

func startInstance(t *testing.T, args ...string) *instance {
	t.Helper()
	return startInstanceWith(t, nil, args...)
}

// startInstanceWith is startInstance with environ added to the process's
// environment (the bucket's settings and keys, which are read from there).
func startInstanceWith(t *testing.T, environ []string, args ...string) *instance {
	t.Helper()
	in := &instance{done: make(chan struct{})}
	in.cmd = exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"}, args...)...)
	in.cmd.Env = append(append(os.Environ(), "RMADESK_RUN_MAIN=1", "RMADESK_METRICS_TOKEN="+testMetricsToken), environ...)
	stderr, err := in.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := make(chan string, 1)
	go func() {
		defer close(in.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var rec map[string]any
			if json.Unmarshal(sc.Bytes(), &rec) != nil {
				continue
			}
			in.mu.Lock()
			in.logs = append(in.logs, rec)
			in.mu.Unlock()
			if rec["msg"] == "rmadesk serving" {
				started <- rec["addr"].(string)
			}
		}
	}()
	select {
	case in.base = <-started:
	case <-time.After(startBound):
		in.cmd.Process.Kill()
		<-in.done
		in.mu.Lock()
		defer in.mu.Unlock()
		t.Fatalf("instance did not start within %s; its log:\n%v", startBound, in.logs)
	}
	for deadline := time.Now().Add(startBound); !ready(in.base); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			in.cmd.Process.Kill()
			t.Fatalf("instance at %s did not answer /readyz within %s", in.base, startBound)
		}
	}
	t.Cleanup(func() { in.cmd.Process.Kill(); in.cmd.Wait() })
	return in
}

// stop sends SIGTERM, as systemd does, and waits for a clean exit.
func (in *instance) stop(t *testing.T) {
	t.Helper()
	if err := in.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-in.done
	if err := in.cmd.Wait(); err != nil {
		t.Fatalf("instance exited with %v", err)
	}
}

func (in *instance) notifications() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	var ids []string
	for _, rec := range in.logs {
		if rec["msg"] == "notification" {
			ids = append(ids, fmt.Sprint(rec["id"]))
		}
	}
	return ids
}

// TestTwoInstancesOnePostgreSQL runs two rmadesk processes on one
// PostgreSQL database and drives them at once: no duplicate RMA number, no
// lost transition (one of two agents wins each race, the other gets 412,
// whichever instance each hit), a retried submission through the other
// instance finds the first, and each background job's effect happens once.
// The attachments are in a bucket of an S3-compatible server, the two
// instances' only shared storage beside the database: a document uploaded
// through one downloads through the other.
func TestTwoInstancesOnePostgreSQL(t *testing.T) {
	url := pgtest.URL(t)
	bucket := s3test.Config(t)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"org", "create", "--db", url, "--name", "Desk", "--desk"},
		{"org", "create", "--db", url, "--name", "Partner", "--role", "partner", "--country", "NL", "--email", "rma@partner.example"},
	} {
		if code, _, errOut := runCLI(t, "", args...); code != 0 {
			t.Fatalf("%v: %s", args, errOut)
		}
	}
	key := func(org, role string) string {
		code, out, errOut := runCLI(t, "", "apikey", "create", "--db", url, "--org", org, "--role", role)
		if code != 0 {
			t.Fatalf("apikey: %s", errOut)
		}
		return strings.TrimSpace(out)
	}
	agent, partner := key("Desk", "agent"), key("Partner", "requester")
	a := startInstanceWith(t, s3test.Env(bucket), "--db", url, "--data-dir", filepath.Join(dir, "a"))
	b := startInstanceWith(t, s3test.Env(bucket), "--db", url, "--data-dir", filepath.Join(dir, "b"))
	instances := []*instance{a, b}

	body, err := os.ReadFile(filepath.Join("..", "..", "examples", "api", "dexxon-submit.json"))
	if err != nil {
		t.Fatal(err)
	}
	const n = 24
	ids := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			idem := fmt.Sprintf("order-%d", i)
			status, r, _ := call(t, "POST", instances[i%2].base+"/api/v1/rmas", partner, string(body), "Idempotency-Key", idem)
			if status != http.StatusCreated {
				t.Errorf("submit %d: %d %v", i, status, r)
				return
			}
			ids[i] = int64(r["id"].(float64))
			// The client retries through the other instance.
			status, again, _ := call(t, "POST", instances[(i+1)%2].base+"/api/v1/rmas", partner, string(body), "Idempotency-Key", idem)
			if status != http.StatusOK || int64(again["id"].(float64)) != ids[i] {
				t.Errorf("retry %d through the other instance: %d %v", i, status, again)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// Two agents, one per instance, authorize each RMA with the same ETag.
	numbers := make(chan string, n)
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tag := fmt.Sprintf(`"%d-1"`, id)
			statuses := make([]int, 2)
			results := make([]map[string]any, 2)
			var race sync.WaitGroup
			for k, in := range instances {
				race.Add(1)
				go func() {
					defer race.Done()
					statuses[k], results[k], _ = call(t, "POST", fmt.Sprintf("%s/api/v1/rmas/%d/authorize", in.base, id), agent, `{"resolution": "return"}`, "If-Match", tag)
				}()
			}
			race.Wait()
			won := 0
			for k, s := range statuses {
				switch s {
				case http.StatusOK:
					won++
					numbers <- results[k]["number"].(string)
				case http.StatusPreconditionFailed:
				default:
					t.Errorf("RMA %d: status %d %v", id, s, results[k])
				}
			}
			if won != 1 {
				t.Errorf("RMA %d: %d agents won, want exactly 1 (%v)", id, won, statuses)
			}
		}()
	}
	wg.Wait()
	close(numbers)
	seen := map[string]bool{}
	for num := range numbers {
		if seen[num] {
			t.Errorf("RMA number %s issued twice", num)
		}
		seen[num] = true
	}
	if len(seen) != n {
		t.Fatalf("%d numbers for %d RMAs", len(seen), n)
	}
	for _, id := range ids {
		_, evs, _ := call(t, "GET", fmt.Sprintf("%s/api/v1/rmas/%d/events", a.base, id), agent, "")
		if got := len(evs["events"].([]any)); got != 2 {
			t.Errorf("RMA %d has %d events, want 2 (submit and one authorize)", id, got)
		}
	}

	// Each RMA queued two notifications due now (submitted, authorized):
	// both instances run jobs; each message is sent once.
	want := 2 * n
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && len(a.notifications())+len(b.notifications()) < want {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // a duplicate would show up by now
	sent := map[string]int{}
	for _, in := range instances {
		for _, id := range in.notifications() {
			sent[id]++
		}
	}
	if len(sent) != want {
		t.Fatalf("%d distinct notifications, want %d", len(sent), want)
	}
	for id, times := range sent {
		if times != 1 {
			t.Errorf("notification %s sent %d times", id, times)
		}
	}
	if len(a.notifications()) == 0 || len(b.notifications()) == 0 {
		t.Logf("one instance ran every job (a %d, b %d): allowed, but the race was not exercised", len(a.notifications()), len(b.notifications()))
	}
	// A receipt uploaded through a downloads through b, byte for byte; it
	// is in the bucket, and neither instance's data directory has files.
	receipt := "%PDF-1.4\n% a receipt uploaded through instance a\n"
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	_ = mw.WriteField("kind", "purchase_receipt")
	fw, _ := mw.CreateFormFile("file", "receipt.pdf")
	fw.Write([]byte(receipt))
	mw.Close()
	status, doc, _ := call(t, "POST", fmt.Sprintf("%s/api/v1/rmas/%d/documents", a.base, ids[0]), partner, form.String(), "Content-Type", mw.FormDataContentType())
	if status != http.StatusCreated {
		t.Fatalf("upload through a: %d %v", status, doc)
	}
	req, _ := http.NewRequest("GET", b.base+str(doc, "url"), nil)
	req.Header.Set("Authorization", "Bearer "+agent)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(got) != receipt || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download through b: %d %q %v", resp.StatusCode, got, resp.Header)
	}
	sum := sha256.Sum256([]byte(receipt))
	object := bucket.Prefix + "/" + hex.EncodeToString(sum[:1]) + "/" + hex.EncodeToString(sum[:])
	if _, err := s3test.Client(t).StatObject(context.Background(), bucket.Bucket, object, minio.StatObjectOptions{}); err != nil {
		t.Errorf("the receipt is not in the bucket as %s: %v", object, err)
	}
	for _, sub := range []string{"a", "b"} {
		if _, err := os.Stat(filepath.Join(dir, sub, "files")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("instance %s made a files directory: %v", sub, err)
		}
	}

	_, metrics := getMetrics(t, a.base, testMetricsToken)
	if !strings.Contains(metrics, fmt.Sprintf(`rmadesk_rmas{state="authorized"} %d`, n)) {
		t.Errorf("metrics do not count %d authorized RMAs:\n%s", n, grep(metrics, "rmadesk_rmas"))
	}
	// Both instances wrote at once; neither deadlocked (store.Rows.Shared).
	if !strings.Contains(metrics, "\nrmadesk_store_deadlocks_total 0\n") {
		t.Errorf("instance a's deadlocks:\n%s", grep(metrics, "rmadesk_store_deadlocks_total"))
	}
	for _, in := range instances {
		in.stop(t)
	}
}

func grep(s, prefix string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, prefix) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
