package ops

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
)

// Who may read /metrics. The metrics tell how busy the desk is, how many
// RMAs sit in each state and which routes fail: nothing for the public
// internet. On the desk's own address (behind the reverse proxy that
// publishes the portal and the API) /metrics answers only a scraper that
// sends the operator's token, Authorization: Bearer TOKEN; with no token
// set it answers 404, as if there were no metrics. An operator may instead
// (or also) give metrics an address of their own (serve --ops-addr), on a
// private interface the proxy does not publish: there the token is asked
// for only when one is set.

// MinTokenLength is the shortest metrics token accepted: a token is a
// password a scraper sends on every call, so it must not be guessable.
const MinTokenLength = 16

// CheckToken says why a metrics token is unusable, or nil.
func CheckToken(token string) error {
	if len(token) < MinTokenLength {
		return errors.New("at least 16 characters")
	}
	for _, c := range token {
		if c <= ' ' || c > '~' {
			return errors.New("printable ASCII without spaces (it travels in an HTTP header)")
		}
	}
	return nil
}

// SetToken sets the token /metrics asks for ("" for none). Call it before
// serving.
func (m *Metrics) SetToken(token string) { m.token = token }

// Handler serves /metrics on the desk's address: to a caller with the
// token (401 otherwise); with no token set, 404.
func (m *Metrics) Handler() http.Handler {
	if m.token == "" {
		return http.NotFoundHandler()
	}
	return m.guard(m.exposition())
}

// OpsHandler serves the operations address: /metrics (behind the token
// when one is set), /healthz and /readyz from health, for load balancers
// and scrapers on a private network.
func (m *Metrics) OpsHandler(health http.Handler) http.Handler {
	mux := http.NewServeMux()
	metrics := m.exposition()
	if m.token != "" {
		metrics = m.guard(metrics)
	}
	mux.Handle("GET /metrics", metrics)
	mux.Handle("GET /healthz", health)
	mux.Handle("GET /readyz", health)
	return mux
}

// guard lets through only a request bearing the token. Both sides are
// hashed first, so the comparison takes as long whatever the lengths.
func (m *Metrics) guard(next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(m.token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		got, ok := "", len(h) > 7 && strings.EqualFold(h[:7], "bearer ")
		if ok {
			got = strings.TrimSpace(h[7:])
		}
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="rmadesk metrics"`)
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, "metrics need the operator's token: Authorization: Bearer RMADESK_METRICS_TOKEN", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
