package api

import (
	"bytes"
	"context"
	"encoding/json"
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

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/pgtest"
	"github.com/rmadesk/rmadesk/internal/store/postgres"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
	"github.com/rmadesk/rmadesk/policies"
)

// harness is a real desk: a SQLite file, the embedded policies, the API on
// a loopback httptest server, a clock the test can move, and keys for the
// desk's roles and one requester organisation per seed pack.
type harness struct {
	t       testing.TB
	backend string // "sqlite" or "postgres"
	pgURL   string
	dir     string
	db      interface {
		rma.Store
		Close() error
	}
	svc   *rma.Service
	srv   *httptest.Server
	clock *testClock
	keys  map[string]string // "admin", "agent", "technician", "dexxon", ..., "other"
	orgs  map[string]*rma.Org

	// packs are example packs (examples/policies/*.yaml) loaded beside the
	// seeds (issue 14: advance_test.go, fees_test.go).
	packs []string
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// requesterOrgs is one organisation per pack, with the role and country
// its claims carry.
var requesterOrgs = []struct{ name, role, country string }{
	{"dexxon", "partner", "NL"},
	{"plextor", "dealer", "BE"},
	{"webstore4", "consumer", "NL"},
	{"pixfra", "distributor", "DE"},
	{"minicart", "consumer", "ES"},
	{"other", "partner", "NL"}, // a second requester: must never see the others' RMAs
}

// startDay is the harness's "today" unless a test moves the clock.
var startDay = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// backends are the databases the lifecycle tests run on.
var backends = []string{"sqlite", "postgres"}

// TestMain hashes the tests' passwords cheaply (auth.LowerCostForTests).
func TestMain(m *testing.M) {
	auth.LowerCostForTests()
	pgtest.Main(m)
}

// pgMigrated gives each PostgreSQL desk a copy of a database migrated
// once, as sqlitetest does for SQLite.
var pgMigrated = pgtest.Template(func(ctx context.Context, url string) error {
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	return db.Close()
})

func newHarness(t *testing.T) *harness { return newHarnessOn(t, "sqlite") }

func newHarnessOn(t testing.TB, backend string) *harness {
	t.Helper()
	h := &harness{t: t, backend: backend, dir: t.TempDir(), clock: &testClock{now: startDay}, keys: map[string]string{}, orgs: map[string]*rma.Org{}}
	if backend == "postgres" {
		h.pgURL = pgMigrated(t)
	}
	h.open()
	ctx := context.Background()
	accounts := auth.NewAccounts(h.db)
	desk, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Desk", IsDesk: true, Country: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range []rma.Role{rma.RoleAdmin, rma.RoleAgent, rma.RoleTechnician} {
		k, _, err := accounts.CreateKey(ctx, rma.System, desk.ID, role, string(role))
		if err != nil {
			t.Fatal(err)
		}
		h.keys[string(role)] = k
	}
	for _, o := range requesterOrgs {
		org, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Org " + o.name, Role: o.role, Country: o.country})
		if err != nil {
			t.Fatal(err)
		}
		k, _, err := accounts.CreateKey(ctx, rma.System, org.ID, rma.RoleRequester, o.name)
		if err != nil {
			t.Fatal(err)
		}
		h.keys[o.name], h.orgs[o.name] = k, org
	}
	return h
}

// open starts (or restarts) the server on the harness's database file.
func (h *harness) open() {
	h.t.Helper()
	var err error
	if h.backend == "postgres" {
		h.db, err = postgres.Open(context.Background(), h.pgURL)
	} else {
		path := filepath.Join(h.dir, "rmadesk.db")
		if _, err := os.Stat(path); os.IsNotExist(err) {
			sqlitetest.Prepare(h.t, path) // a copy of a file migrated once
		}
		h.db, err = sqlite.Open(context.Background(), path)
	}
	if err != nil {
		h.t.Fatal(err)
	}
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		h.t.Fatal(err)
	}
	set = h.withPacks(set) // advance_test.go
	files, err := filestore.Open(filepath.Join(h.dir, "files"))
	if err != nil {
		h.t.Fatal(err)
	}
	h.svc = rma.NewService(h.db, set, rma.WithClock(h.clock.Now))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h.srv = httptest.NewServer(New(h.svc, Config{Files: files, Log: log, MaxUpload: 1 << 20,
		WarrantyChecksPerMinute: -1, // registry_test.go tests the limit on a server of its own
		// TestAccessEveryRoute calls every route without a key; the limit on
		// failed authentications is ratelimit_test.go's, on servers of its own.
		AuthFailuresPerMinute: -1}).Handler())
	h.t.Cleanup(h.close)
}

func (h *harness) close() {
	if h.srv != nil {
		h.srv.Close()
		h.srv = nil
	}
	if h.db != nil {
		h.db.Close()
		h.db = nil
	}
}

// restart stops the server and closes the database, then opens both again.
func (h *harness) restart() {
	h.close()
	h.open()
}

// response is an API answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object (%d): %s", r.status, r.body)
	}
	return m
}

// do sends a request; body is a string (sent as is) or a value (JSON).
func (h *harness) do(method, path, key string, body any, headers ...string) *response {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}
}

// must sends a request and fails the test unless the status is want.
func (h *harness) must(want int, method, path, key string, body any, headers ...string) map[string]any {
	h.t.Helper()
	r := h.do(method, path, key, body, headers...)
	if r.status != want {
		h.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.body)
	}
	if len(r.body) == 0 {
		return nil
	}
	return r.json(h.t)
}

// submit files an RMA and returns it.
func (h *harness) submit(key string, body any) map[string]any {
	h.t.Helper()
	return h.must(http.StatusCreated, "POST", "/api/v1/rmas", key, body)
}

// act performs a state change with the RMA's current ETag.
func (h *harness) act(key string, rmaID any, action string, body any) map[string]any {
	h.t.Helper()
	return h.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/rmas/%v/%s", rmaID, action), key, body, "If-Match", h.etag(rmaID))
}

func (h *harness) etag(rmaID any) string {
	h.t.Helper()
	r := h.do("GET", fmt.Sprintf("/api/v1/rmas/%v", rmaID), h.keys["admin"], nil)
	if r.status != http.StatusOK {
		h.t.Fatalf("GET RMA %v: %d %s", rmaID, r.status, r.body)
	}
	return r.header.Get("ETag")
}

func (h *harness) get(rmaID any) map[string]any {
	h.t.Helper()
	return h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%v", rmaID), h.keys["admin"], nil)
}

// field walks a decoded JSON value: field(m, "lines", 0, "decision", "route").
func field(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func str(v any, path ...any) string {
	s, _ := field(v, path...).(string)
	return s
}

func id(m map[string]any) int64 {
	f, _ := m["id"].(float64)
	return int64(f)
}
