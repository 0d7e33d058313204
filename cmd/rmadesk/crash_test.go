package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/check"
	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
)

// ack is what the server acknowledged with a 2xx: it must survive any crash.
type ack struct {
	authorized bool
	number     string
	message    bool
}

// TestCrashUnderLoad kills `rmadesk serve` with SIGKILL at random moments
// while clients submit, authorize, post messages and read, then checks the
// database as the next start would find it: every acknowledged submission
// is there with its events, every acknowledged authorization kept its
// number, no number was issued twice, no state is impossible, and
// `rmadesk check` finds nothing. RMADESK_CRASH_CYCLES sets the number of
// kills (make crash: 50); make check runs a short form.
func TestCrashUnderLoad(t *testing.T) {
	cycles := 6
	if v := os.Getenv("RMADESK_CRASH_CYCLES"); v != "" {
		cycles, _ = strconv.Atoi(v)
	}
	dir := t.TempDir()
	for _, args := range [][]string{
		{"org", "create", "--data-dir", dir, "--name", "Desk", "--desk"},
		{"org", "create", "--data-dir", dir, "--name", "Partner", "--role", "partner", "--country", "NL"},
	} {
		if code, _, errOut := runCLI(t, "", args...); code != 0 {
			t.Fatalf("%v: %s", args, errOut)
		}
	}
	key := func(org, role string) string {
		code, out, errOut := runCLI(t, "", "apikey", "create", "--data-dir", dir, "--org", org, "--role", role)
		if code != 0 {
			t.Fatalf("apikey: %s", errOut)
		}
		return strings.TrimSpace(out)
	}
	agent, partner := key("Desk", "agent"), key("Partner", "requester")
	body, err := os.ReadFile(filepath.Join("..", "..", "examples", "api", "dexxon-submit.json"))
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	acked := map[int64]*ack{}
	total := 0
	flags := []string{"--data-dir", dir, "--jobs=false"}
	killUnderLoad(t, flags, cycles, 12, 150*time.Millisecond, 500*time.Millisecond, func(base string, cycle, c, i int, client *http.Client) {
		if c%4 == 3 { // a reader: the queue, to load the database while it dies
			req, _ := http.NewRequest("GET", base+"/api/v1/rmas?limit=20", nil)
			req.Header.Set("Authorization", "Bearer "+agent)
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
			}
			return
		}
		id, ok := submitOnce(client, base, partner, string(body), fmt.Sprintf("c%d-%d-%d", cycle, c, i))
		if !ok {
			return
		}
		mu.Lock()
		acked[id] = &ack{}
		total++
		mu.Unlock()
		if i%2 == 0 {
			if number, ok := authorizeOnce(client, base, agent, id); ok {
				mu.Lock()
				acked[id].authorized, acked[id].number = true, number
				mu.Unlock()
			}
		}
		if i%3 == 0 {
			if messageOnce(client, base, partner, id) {
				mu.Lock()
				acked[id].message = true
				mu.Unlock()
			}
		}
	}, func() { verifyAfterCrash(t, dir, acked) })
	t.Logf("%d crashes under load; %d submissions acknowledged, %d authorizations; none lost", cycles, total, countAuthorized(acked))
}

// killUnderLoad starts serve with flags, cycles times over: workers
// goroutines call work against it (i counts one worker's calls) until it
// is killed with SIGKILL (no shutdown, no flush) at a random moment from
// pause to pause+spread after its start; then after runs, on what the
// instance left behind.
func killUnderLoad(t *testing.T, flags []string, cycles, workers int, pause, spread time.Duration,
	work func(base string, cycle, worker, i int, client *http.Client), after func()) {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for cycle := range cycles {
		in := startInstance(t, flags...)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for c := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 5 * time.Second}
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					work(in.base, cycle, c, i, client)
				}
			}()
		}
		time.Sleep(pause + time.Duration(rng.Int64N(int64(spread))))
		if err := in.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		in.cmd.Wait()
		close(stop)
		wg.Wait()
		if after != nil {
			after()
		}
	}
}

func countAuthorized(acked map[int64]*ack) int {
	n := 0
	for _, a := range acked {
		if a.authorized {
			n++
		}
	}
	return n
}

func submitOnce(c *http.Client, base, key, body, idem string) (int64, bool) {
	req, _ := http.NewRequest("POST", base+"/api/v1/rmas", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", idem)
	resp, err := c.Do(req)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return 0, false
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(resp.Header.Get("Location"), "/api/v1/rmas/"), 10, 64)
	return id, err == nil
}

func authorizeOnce(c *http.Client, base, key string, id int64) (string, bool) {
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/rmas/%d/authorize", base, id), strings.NewReader(`{"resolution": "return"}`))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("If-Match", fmt.Sprintf(`"%d-1"`, id))
	resp, err := c.Do(req)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", false
	}
	var body struct {
		Number string `json:"number"`
	}
	if decodeJSONBody(resp, &body) != nil {
		return "", false
	}
	return body.Number, body.Number != ""
}

func messageOnce(c *http.Client, base, key string, id int64) bool {
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/rmas/%d/messages", base, id), strings.NewReader(`{"body": "sent"}`))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusCreated
}

// verifyAfterCrash opens the database as the next start would (recovering
// its WAL) and checks every acknowledgement against it.
func verifyAfterCrash(t *testing.T, dir string, acked map[int64]*ack) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "rmadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for id, a := range acked {
		r, err := db.RMA(ctx, id)
		if err != nil {
			t.Fatalf("acknowledged RMA %d is lost: %v", id, err)
		}
		evs, err := db.Events(ctx, id)
		if err != nil || len(evs) == 0 {
			t.Fatalf("acknowledged RMA %d has no history: %v", id, err)
		}
		if a.authorized && (r.Number != a.number || r.State != rma.Authorized) {
			t.Fatalf("acknowledged authorization of RMA %d lost: %s %s, acknowledged %s", id, r.State, r.Number, a.number)
		}
		if a.message {
			msgs, err := db.Messages(ctx, id)
			if err != nil || len(msgs) == 0 {
				t.Fatalf("acknowledged message on RMA %d lost: %v", id, err)
			}
		}
	}
	files, err := filestore.Open(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := check.Run(ctx, db, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		t.Errorf("rmadesk check: %s", p)
	}
	if rep.RMAs < len(acked) {
		t.Fatalf("the check saw %d RMAs, %d were acknowledged", rep.RMAs, len(acked))
	}
}

func decodeJSONBody(resp *http.Response, v any) error {
	return json.NewDecoder(resp.Body).Decode(v)
}
