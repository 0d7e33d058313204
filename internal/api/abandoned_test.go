package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

// A request whose client went away is not an error of the desk: no ERROR
// line in the log, and 499. Any other failure is still logged as one.
func TestAbandonedRequestIsNotAnError(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest("GET", "/api/v1/rmas?q=dx", nil).WithContext(ctx)
	w := httptest.NewRecorder()
	s.writeError(w, r, fmt.Errorf("sqlite: list rmas: %w", context.Canceled))
	if w.Code != 499 || strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("abandoned: status %d, log %q", w.Code, logs.String())
	}

	// The same error while the client still waits is a failure.
	r = httptest.NewRequest("GET", "/api/v1/rmas", nil)
	w = httptest.NewRecorder()
	s.writeError(w, r, errors.New("sqlite: list rmas: disk I/O error"))
	if w.Code != 500 || !strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("failure: status %d, log %q", w.Code, logs.String())
	}
}
