package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// testMetricsToken is the metrics token the serve tests run with.
const testMetricsToken = "test-metrics-token-0123456789"

// getMetrics scrapes base's /metrics with the token auth ("" for none):
// the status and the text.
func getMetrics(t *testing.T, base, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", base+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// freeAddr is a loopback address nothing listens on (for a moment).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

const metricLine = "rmadesk_jobs{state="

// TestServeMetricsNeedTheToken: the desk's address answers /metrics only
// with RMADESK_METRICS_TOKEN; without the variable, not at all (404). With
// --ops-addr, /metrics, /healthz and /readyz are also on that address,
// open when no token is set, behind it when one is.
func TestServeMetricsNeedTheToken(t *testing.T) {
	t.Run("no token, no operations address", func(t *testing.T) {
		t.Setenv("RMADESK_METRICS_TOKEN", "")
		base, stop := startServe(t, "--data-dir", t.TempDir())
		defer stop()
		for _, token := range []string{"", testMetricsToken} {
			if status, body := getMetrics(t, base, token); status != http.StatusNotFound || strings.Contains(body, metricLine) {
				t.Fatalf("token %q: %d %.200s; want 404 and no metrics", token, status, body)
			}
		}
	})
	t.Run("token", func(t *testing.T) {
		t.Setenv("RMADESK_METRICS_TOKEN", testMetricsToken)
		opsAddr := freeAddr(t)
		base, stop := startServe(t, "--data-dir", t.TempDir(), "--ops-addr", opsAddr)
		defer stop()
		for _, where := range []string{base, "http://" + opsAddr} {
			for _, token := range []string{"", "wrong-token-0123456789"} {
				if status, body := getMetrics(t, where, token); status != http.StatusUnauthorized || strings.Contains(body, metricLine) {
					t.Fatalf("%s, token %q: %d %.200s; want 401 and no metrics", where, token, status, body)
				}
			}
			if status, body := getMetrics(t, where, testMetricsToken); status != http.StatusOK || !strings.Contains(body, metricLine) {
				t.Fatalf("%s with the token: %d %.200s", where, status, body)
			}
		}
		for _, probe := range []string{"/healthz", "/readyz"} {
			for _, where := range []string{base, "http://" + opsAddr} {
				if status, _, _ := call(t, "GET", where+probe, "", ""); status != http.StatusOK {
					t.Fatalf("%s%s: %d", where, probe, status)
				}
			}
		}
	})
	t.Run("operations address without a token", func(t *testing.T) {
		t.Setenv("RMADESK_METRICS_TOKEN", "")
		opsAddr := freeAddr(t)
		base, stop := startServe(t, "--data-dir", t.TempDir(), "--ops-addr", opsAddr)
		defer stop()
		if status, body := getMetrics(t, "http://"+opsAddr, ""); status != http.StatusOK || !strings.Contains(body, metricLine) {
			t.Fatalf("operations address: %d %.200s", status, body)
		}
		if status, _ := getMetrics(t, base, ""); status != http.StatusNotFound {
			t.Fatalf("the desk's address: %d, want 404", status)
		}
	})
	t.Run("a weak token is refused", func(t *testing.T) {
		t.Setenv("RMADESK_METRICS_TOKEN", "secret")
		code, _, errOut := runCLI(t, "", "serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir())
		if code != exitBadInput || !strings.Contains(errOut, "RMADESK_METRICS_TOKEN: at least 16 characters") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}
