package ops

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
)

const token = "a-metrics-token-0123456789"

func newMetrics(t *testing.T) *Metrics {
	t.Helper()
	db := sqlitetest.Open(t)
	return NewMetrics(db, nil)
}

// scrape asks h for /metrics with the Authorization header auth ("" for
// none) and says whether metrics came back, with the status.
func scrape(t *testing.T, h http.Handler, auth string) (int, bool) {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	body, _ := io.ReadAll(w.Result().Body)
	return w.Code, strings.Contains(string(body), "rmadesk_jobs") || strings.Contains(string(body), "go_goroutines")
}

// TestMetricsNeedTheToken: on the desk's address, /metrics answers 404
// without a token configured and 401 without the right one; only the token
// gets the metrics. On the operations address it is open without a token
// configured (the address is private), and guarded with one.
func TestMetricsNeedTheToken(t *testing.T) {
	m := newMetrics(t)
	if code, got := scrape(t, m.Handler(), ""); code != http.StatusNotFound || got {
		t.Fatalf("no token configured: %d, metrics %v; want 404 and none", code, got)
	}
	if code, got := scrape(t, m.Handler(), "Bearer "+token); code != http.StatusNotFound || got {
		t.Fatalf("no token configured, one sent: %d, metrics %v; want 404 and none", code, got)
	}
	ops := m.OpsHandler(http.NotFoundHandler())
	if code, got := scrape(t, ops, ""); code != http.StatusOK || !got {
		t.Fatalf("operations address without a token: %d, metrics %v", code, got)
	}

	m = newMetrics(t)
	m.SetToken(token)
	for _, h := range []http.Handler{m.Handler(), m.OpsHandler(http.NotFoundHandler())} {
		for _, auth := range []string{"", "Bearer", "Bearer wrong-token-0123456789", "Basic " + token, "Bearer " + token + "x", "Bearer " + token[:len(token)-1]} {
			code, got := scrape(t, h, auth)
			if code != http.StatusUnauthorized || got {
				t.Errorf("Authorization %q: %d, metrics %v; want 401 and none", auth, code, got)
			}
		}
		if code, got := scrape(t, h, "Bearer "+token); code != http.StatusOK || !got {
			t.Errorf("with the token: %d, metrics %v", code, got)
		}
		if code, got := scrape(t, h, "bearer  "+token); code != http.StatusOK || !got {
			t.Errorf("with the token, scheme in lower case: %d, metrics %v", code, got)
		}
	}
}

func TestCheckToken(t *testing.T) {
	for _, bad := range []string{"short", "fifteen-chars!!", "has a space in it here", "tab\tinside-the-token", "ünïcödé-token-long-enough"} {
		if CheckToken(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if err := CheckToken(token); err != nil {
		t.Fatal(err)
	}
}
