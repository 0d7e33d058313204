package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// frozenClock is a clock the test moves.
type frozenClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *frozenClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *frozenClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// limitedServer is the API on a harness's desk with cfg's limits, on a
// clock the test moves.
func limitedServer(t *testing.T, h *harness, cfg Config) (*Server, *frozenClock) {
	t.Helper()
	s := New(h.svc, cfg)
	clock := &frozenClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	for _, l := range []*limiter{s.limits.perCaller, s.limits.failures} {
		if l != nil {
			l.now = clock.Now
		}
	}
	return s, clock
}

// callAs sends GET path to s from addr with key ("" for none), in process.
func callAs(s *Server, addr, key, path string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.RemoteAddr = addr
	if key != "" {
		r.Header.Set("Authorization", "Bearer "+key)
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w
}

// expectLimited checks a 429: problem+json and Retry-After in seconds.
func expectLimited(t *testing.T, what string, w *httptest.ResponseRecorder, retryAfter string) {
	t.Helper()
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("%s: %d, want 429: %s", what, w.Code, w.Body)
	}
	var p Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != 429 || w.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%s: not a problem: %s", what, w.Body)
	}
	if got := w.Header().Get("Retry-After"); got != retryAfter {
		t.Fatalf("%s: Retry-After %q, want %q", what, got, retryAfter)
	}
}

func expectStatus(t *testing.T, what string, w *httptest.ResponseRecorder, status int) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("%s: %d, want %d: %s", what, w.Code, status, w.Body)
	}
}

// wrongSecret is key with its secret changed: the same prefix, so it
// finds the key's record and fails on the hash.
func wrongSecret(key string) string {
	last := key[len(key)-1]
	if last == 'a' {
		return key[:len(key)-1] + "b"
	}
	return key[:len(key)-1] + "a"
}

// TestRateLimitPerKey: each key has its own bucket; calls without a key
// are counted per address; a wrong key spends only its own bucket.
func TestRateLimitPerKey(t *testing.T) {
	h := newHarness(t)
	s, clock := limitedServer(t, h, Config{RequestsPerSecond: 5, RequestBurst: 10})
	const addr = "192.0.2.10:4000"
	dexxon := h.keys["dexxon"]
	// A wrong key for dexxon's record, used first: it must not spend
	// dexxon's allowance.
	for i := range 10 {
		expectStatus(t, fmt.Sprintf("wrong key %d", i), callAs(s, addr, wrongSecret(dexxon), "/api/v1/me"), http.StatusUnauthorized)
	}
	expectLimited(t, "wrong key, 11th", callAs(s, addr, wrongSecret(dexxon), "/api/v1/me"), "1")
	for i := range 10 {
		expectStatus(t, fmt.Sprintf("call %d", i), callAs(s, addr, dexxon, "/api/v1/me"), http.StatusOK)
	}
	expectLimited(t, "11th call", callAs(s, addr, dexxon, "/api/v1/me"), "1")
	// The key sent as X-API-Key is the same key.
	r := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
	r.RemoteAddr = addr
	r.Header.Set("X-API-Key", dexxon)
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	expectLimited(t, "as X-API-Key", w, "1")
	// Another key, or the same key from elsewhere, is its own budget / the same budget.
	expectStatus(t, "another key", callAs(s, addr, h.keys["agent"], "/api/v1/me"), http.StatusOK)
	expectLimited(t, "the key from another address", callAs(s, "198.51.100.7:1", dexxon, "/api/v1/me"), "1")
	// No key: counted per address.
	for i := range 10 {
		expectStatus(t, fmt.Sprintf("public call %d", i), callAs(s, addr, "", "/api/v1/openapi.json"), http.StatusOK)
	}
	expectLimited(t, "11th public call", callAs(s, addr, "", "/api/v1/openapi.json"), "1")
	expectStatus(t, "public call from another address", callAs(s, "198.51.100.7:1", "", "/api/v1/openapi.json"), http.StatusOK)
	// The bucket refills at 5 a second: one call per 200 ms, a burst after 2 s.
	clock.advance(200 * time.Millisecond)
	expectStatus(t, "after 200 ms", callAs(s, addr, dexxon, "/api/v1/me"), http.StatusOK)
	expectLimited(t, "again", callAs(s, addr, dexxon, "/api/v1/me"), "1")
	clock.advance(time.Hour)
	for i := range 10 {
		expectStatus(t, fmt.Sprintf("after an hour, call %d", i), callAs(s, addr, dexxon, "/api/v1/me"), http.StatusOK)
	}
	expectLimited(t, "after an hour, 11th call", callAs(s, addr, dexxon, "/api/v1/me"), "1")
}

// TestRateLimitRetryAfter: Retry-After is the whole seconds until a token.
func TestRateLimitRetryAfter(t *testing.T) {
	h := newHarness(t)
	s, clock := limitedServer(t, h, Config{RequestsPerSecond: 0.1, RequestBurst: 1})
	key := h.keys["agent"]
	expectStatus(t, "first", callAs(s, "192.0.2.1:1", key, "/api/v1/me"), http.StatusOK)
	expectLimited(t, "second", callAs(s, "192.0.2.1:1", key, "/api/v1/me"), "10")
	clock.advance(2500 * time.Millisecond)
	expectLimited(t, "2.5 s later", callAs(s, "192.0.2.1:1", key, "/api/v1/me"), "8")
	clock.advance(7500 * time.Millisecond)
	expectStatus(t, "10 s later", callAs(s, "192.0.2.1:1", key, "/api/v1/me"), http.StatusOK)
}

// TestAuthFailureLimit: failed authentications are counted per address;
// once they are spent, every call from the address is refused, a right key
// included, until the allowance refills. Other addresses are not affected;
// IPv6 addresses count per /64.
func TestAuthFailureLimit(t *testing.T) {
	h := newHarness(t)
	s, clock := limitedServer(t, h, Config{AuthFailuresPerMinute: 6, AuthFailureBurst: 3})
	const addr = "192.0.2.20:5000"
	good := h.keys["agent"]
	expectStatus(t, "a good call", callAs(s, addr, good, "/api/v1/me"), http.StatusOK)
	expectStatus(t, "a wrong key", callAs(s, addr, wrongSecret(good), "/api/v1/me"), http.StatusUnauthorized)
	expectStatus(t, "a malformed key", callAs(s, addr, "rk_nonsense", "/api/v1/me"), http.StatusUnauthorized)
	expectStatus(t, "no key", callAs(s, addr, "", "/api/v1/me"), http.StatusUnauthorized)
	expectLimited(t, "the right key, after three failures", callAs(s, addr, good, "/api/v1/me"), "10")
	expectLimited(t, "a public route", callAs(s, addr, "", "/api/v1/openapi.json"), "10")
	expectLimited(t, "an unknown route", callAs(s, addr, "", "/api/v1/nowhere"), "10")
	expectStatus(t, "another address", callAs(s, "192.0.2.21:5000", good, "/api/v1/me"), http.StatusOK)
	// 6 a minute: one failure allowed again after 10 s.
	clock.advance(10 * time.Second)
	expectStatus(t, "after 10 s, a good call", callAs(s, addr, good, "/api/v1/me"), http.StatusOK)
	expectStatus(t, "after 10 s, a good call again", callAs(s, addr, good, "/api/v1/me"), http.StatusOK) // good calls spend nothing
	expectStatus(t, "after 10 s, a wrong key", callAs(s, addr, wrongSecret(good), "/api/v1/me"), http.StatusUnauthorized)
	expectLimited(t, "and then", callAs(s, addr, good, "/api/v1/me"), "10")
	// Forbidden is not a failure to authenticate.
	clock.advance(time.Hour)
	for i := range 10 {
		expectStatus(t, fmt.Sprintf("forbidden %d", i), callAs(s, addr, h.keys["dexxon"], "/api/v1/orgs"), http.StatusForbidden)
	}
	// IPv6: one /64 is one client.
	v6 := []string{"[2001:db8:1:2::1]:80", "[2001:db8:1:2:ffff::9]:80", "[2001:db8:1:2::3]:443"}
	for i, a := range v6 {
		expectStatus(t, "v6 failure "+a, callAs(s, a, "", "/api/v1/me"), http.StatusUnauthorized)
		_ = i
	}
	expectLimited(t, "the same /64", callAs(s, "[2001:db8:1:2::77]:1", good, "/api/v1/me"), "10")
	expectStatus(t, "the next /64", callAs(s, "[2001:db8:1:3::1]:1", good, "/api/v1/me"), http.StatusOK)
	expectStatus(t, "IPv4 mapped in IPv6 is IPv4", callAs(s, "[::ffff:192.0.2.22]:1", good, "/api/v1/me"), http.StatusOK)
}

// TestAuthFailureDefaults: the failure limit is on by default (100 at
// once, then 10 a minute) and can be turned off; the rate limit is off by
// default, for the bench and for a desk that sets none.
func TestAuthFailureDefaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	s, _ := limitedServer(t, h, Config{})
	if s.limits.perCaller != nil {
		t.Fatal("a rate limit by default")
	}
	for i := range defaultAuthFailureBurst {
		expectStatus(t, fmt.Sprintf("failure %d", i), callAs(s, "192.0.2.30:1", "", "/api/v1/me"), http.StatusUnauthorized)
	}
	expectLimited(t, "failure 101", callAs(s, "192.0.2.30:1", "", "/api/v1/me"), "6")
	for i := range 1000 {
		if w := callAs(s, "192.0.2.31:1", h.keys["agent"], "/api/v1/me"); w.Code != http.StatusOK {
			t.Fatalf("call %d without a rate limit: %d", i, w.Code)
		}
	}
	off, _ := limitedServer(t, h, Config{AuthFailuresPerMinute: -1})
	for i := range 2 * defaultAuthFailureBurst {
		expectStatus(t, fmt.Sprintf("unlimited failure %d", i), callAs(off, "192.0.2.32:1", "", "/api/v1/me"), http.StatusUnauthorized)
	}
}

// TestRateLimitConcurrent: 64 clients on one key at once get exactly the
// burst between them while the clock stands still.
func TestRateLimitConcurrent(t *testing.T) {
	h := newHarness(t)
	s, _ := limitedServer(t, h, Config{RequestsPerSecond: 50, RequestBurst: 200})
	var ok, limited atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for range 5 {
				switch w := callAs(s, "192.0.2.40:1", h.keys["agent"], "/api/v1/openapi.json"); w.Code {
				case http.StatusOK:
					ok.Add(1)
				case http.StatusTooManyRequests:
					limited.Add(1)
				default:
					t.Errorf("status %d", w.Code)
				}
			}
		})
	}
	wg.Wait()
	if ok.Load() != 200 || limited.Load() != 120 {
		t.Fatalf("%d allowed, %d limited; want 200 and 120", ok.Load(), limited.Load())
	}
}

// TestRateLimitOverHTTP: through a real server, the 429 is problem+json
// with Retry-After and nosniff.
func TestRateLimitOverHTTP(t *testing.T) {
	x := newHostile(t, "sqlite")
	x.serve(Config{RequestsPerSecond: 1, RequestBurst: 2})
	for range 2 {
		x.must(http.StatusOK, "GET", "/api/v1/me", x.keys["dexxon"], nil)
	}
	r := x.do("GET", "/api/v1/me", x.keys["dexxon"], nil)
	expectProblem(t, "third call", r, http.StatusTooManyRequests, "")
	if r.header.Get("Retry-After") != "1" || !strings.Contains(string(r.body), "retry after 1 s") {
		t.Fatalf("Retry-After %q: %s", r.header.Get("Retry-After"), r.body)
	}
}

// TestLimiterMemoryIsBounded: a spray of addresses does not grow a
// limiter past maxBuckets.
func TestLimiterMemoryIsBounded(t *testing.T) {
	l := newLimiter(1, 10)
	clock := &frozenClock{now: time.Unix(0, 0)}
	l.now = clock.Now
	for i := range maxBuckets + 5000 {
		l.spend(fmt.Sprint("address ", i))
	}
	if n := len(l.buckets); n > maxBuckets {
		t.Fatalf("%d buckets", n)
	}
	// Buckets that have refilled are the first to go.
	clock.advance(time.Minute)
	l.spend("one more")
	if n := len(l.buckets); n > 2 {
		t.Fatalf("%d buckets kept after all refilled", n)
	}
	if newLimiter(0, 10) != nil || newLimiter(-1, 10) != nil {
		t.Fatal("a limit without a rate")
	}
}

// TestGoodCallsKeepNoFailureBucket: the failure limit remembers only the
// addresses that failed.
func TestGoodCallsKeepNoFailureBucket(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	s, _ := limitedServer(t, h, Config{})
	for i := range 50 {
		expectStatus(t, "a good call", callAs(s, fmt.Sprintf("192.0.2.%d:1", i), h.keys["agent"], "/api/v1/me"), http.StatusOK)
	}
	if n := len(s.limits.failures.buckets); n != 0 {
		t.Fatalf("%d failure buckets after good calls only", n)
	}
	expectStatus(t, "a failure", callAs(s, "192.0.2.99:1", "", "/api/v1/me"), http.StatusUnauthorized)
	if n := len(s.limits.failures.buckets); n != 1 {
		t.Fatalf("%d failure buckets after one failure", n)
	}
}
