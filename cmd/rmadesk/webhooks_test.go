package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/jobs"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/webhook"
	"github.com/rmadesk/rmadesk/policies"
)

// TestWebhooksSurviveCrashes kills `rmadesk serve` with SIGKILL while
// requesters submit and its dispatcher delivers, and counts what a real
// receiver got once a last instance has run: every acknowledged
// submission's rma.created arrived, verified with the endpoint's secret,
// each RMA's under one webhook-id however often it came (the outbox is
// written in the submission's transaction; a delivery cut short is sent
// again).
func TestWebhooksSurviveCrashes(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"org", "create", "--data-dir", dir, "--name", "Desk", "--desk"},
		{"org", "create", "--data-dir", dir, "--name", "Partner", "--role", "partner", "--country", "NL"},
	} {
		if code, _, errOut := runCLI(t, "", args...); code != 0 {
			t.Fatalf("%v: %s", args, errOut)
		}
	}
	code, out, errOut := runCLI(t, "", "apikey", "create", "--data-dir", dir, "--org", "Partner", "--role", "requester")
	if code != 0 {
		t.Fatalf("apikey: %s", errOut)
	}
	partner := strings.TrimSpace(out)

	var mu sync.Mutex
	ids := map[int64]map[string]int{} // RMA -> webhook-id -> deliveries
	var secret string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if err := webhook.Verify(secret, r.Header, body, time.Now()); err != nil {
			t.Errorf("receiver: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var m struct {
			Type string
			Data struct {
				RMAID int64 `json:"rma_id"`
			}
		}
		if err := json.Unmarshal(body, &m); err != nil || m.Type != "rma.created" {
			t.Errorf("receiver: %s (%v)", body, err)
		}
		if ids[m.Data.RMAID] == nil {
			ids[m.Data.RMAID] = map[string]int{}
		}
		ids[m.Data.RMAID][r.Header.Get("webhook-id")]++
	}))
	defer recv.Close()
	code, out, errOut = runCLI(t, "", "webhook", "create", "--data-dir", dir, "--org", "Desk", "--url", recv.URL, "--events", "rma.created")
	if code != 0 {
		t.Fatalf("webhook create: %s", errOut)
	}
	_, secret, _ = strings.Cut(strings.TrimSpace(out), " ")
	if !strings.HasPrefix(secret, webhook.SecretPrefix) {
		t.Fatalf("webhook create printed %q", out)
	}
	body, err := os.ReadFile(filepath.Join("..", "..", "examples", "api", "dexxon-submit.json"))
	if err != nil {
		t.Fatal(err)
	}

	flags := []string{"--data-dir", dir, "--webhook-allow-private", "--webhook-timeout", "1s"}
	acked := map[int64]bool{}
	killUnderLoad(t, flags, 4, 6, 300*time.Millisecond, 900*time.Millisecond, func(base string, cycle, c, i int, client *http.Client) {
		if id, ok := submitOnce(client, base, partner, string(body), fmt.Sprintf("w%d-%d-%d", cycle, c, i)); ok {
			mu.Lock()
			acked[id] = true
			mu.Unlock()
		}
	}, nil)
	if len(acked) == 0 {
		t.Fatal("no submission was acknowledged")
	}

	// A last instance delivers what the others left.
	in := startInstance(t, flags...)
	defer func() { in.cmd.Process.Kill(); in.cmd.Wait() }()
	missing := func() []int64 {
		mu.Lock()
		defer mu.Unlock()
		var out []int64
		for id := range acked {
			if len(ids[id]) == 0 {
				out = append(out, id)
			}
		}
		return out
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(missing()) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if m := missing(); len(m) > 0 {
		t.Fatalf("%d of %d acknowledged submissions never reached the receiver, e.g. RMA %d", len(m), len(acked), m[0])
	}
	mu.Lock()
	defer mu.Unlock()
	again := 0
	for id, seen := range ids {
		if len(seen) != 1 {
			t.Errorf("RMA %d arrived under %d webhook-ids: %v", id, len(seen), seen)
		}
		for _, n := range seen {
			again += n - 1
		}
	}
	t.Logf("4 crashes; %d submissions acknowledged, %d RMAs delivered, %d deliveries sent again", len(acked), len(ids), again)
}

// TestWebhookDisabledEmail: an endpoint the desk disables is news for its
// organisation, by email, in the organisation's language, saying why; the
// email is a job, so a relay that fails once delays it, under the same
// message ID, rather than losing it.
func TestWebhookDisabledEmail(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "rmadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	org := &rma.Org{Name: "Partner", Country: "NL", Email: "ict@partner.example"}
	if err := db.CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	if err := db.SetOrgLanguage(ctx, org.ID, "nl"); err != nil {
		t.Fatal(err)
	}
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	relay := &flakyRelay{failures: 1}
	runner := jobs.New(rma.NewService(db, set, rma.WithClock(clock)), jobs.Config{Sender: relay, Log: quiet, Now: clock})

	tell := webhookDisabled(db, clock, quiet)
	ep := &webhook.Endpoint{ID: 7, OrgID: org.ID, URL: "https://erp.partner.example/hooks"}
	tell(ctx, ep, webhook.Outcome{State: webhook.Failed, Disable: "410", Gone: true})
	ep.FailingSince = time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC)
	tell(ctx, ep, webhook.Outcome{State: webhook.Failed, Disable: "failing"})
	if _, err := runner.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	if got := relay.Sent(); len(got) != 1 || !strings.Contains(got[0].Text, "mislukt sinds vrijdag 20 maart 2026") {
		t.Fatalf("with the relay failing once: %d messages, want the second job's", len(got))
	}
	now = now.Add(time.Minute) // past the first retry's backoff
	if _, err := runner.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := relay.Sent()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	for i, want := range []string{"mislukt sinds vrijdag 20 maart 2026", "status 410"} {
		m := msgs[i]
		if m.To != org.Email || !strings.Contains(m.Subject, "Webhook-adres uitgeschakeld") || !strings.Contains(m.Text, ep.URL) || !strings.Contains(m.Text, want) {
			t.Errorf("message %d: to %s, %q:\n%s", i, m.To, m.Subject, m.Text)
		}
	}
	if relay.tried[0].ID != msgs[1].ID {
		t.Errorf("the retry is message %s, the failed try was %s", msgs[1].ID, relay.tried[0].ID)
	}
}

// flakyRelay fails its first sends, then delivers like notify.Outbox.
type flakyRelay struct {
	notify.Outbox
	failures int
	tried    []notify.Message // the sends it failed
}

func (f *flakyRelay) Send(ctx context.Context, m notify.Message) error {
	if len(f.tried) < f.failures {
		f.tried = append(f.tried, m)
		return errors.New("421 relay busy")
	}
	return f.Outbox.Send(ctx, m)
}
