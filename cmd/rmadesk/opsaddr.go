package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/rmadesk/rmadesk/internal/ops"
)

// Who may read /metrics (internal/ops/access.go): on the desk's address
// only a scraper with RMADESK_METRICS_TOKEN (without one, 404), so the
// reverse proxy that publishes the portal and the API cannot publish the
// metrics by accident; and, with --ops-addr, an address of its own for
// /metrics, /healthz and /readyz on a private interface, where the token
// is asked for only when set. The token is read from the environment
// only, never a flag: a flag's value is in every process list.

// metricsAccess gives metrics the operator's token, if there is one.
func metricsAccess(metrics *ops.Metrics) error {
	token := os.Getenv("RMADESK_METRICS_TOKEN")
	if token == "" {
		return nil
	}
	if err := ops.CheckToken(token); err != nil {
		return badInputf("RMADESK_METRICS_TOKEN: %v", err)
	}
	metrics.SetToken(token)
	return nil
}

// startOps serves the operations address, when one is given, until the
// returned stop is called.
func startOps(addr string, metrics *ops.Metrics, health http.Handler, log *slog.Logger) (stop func(context.Context) error, err error) {
	if addr == "" {
		return func(context.Context) error { return nil }, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, badInputf("--ops-addr: %v", err)
	}
	srv := &http.Server{
		Handler:           metrics.OpsHandler(health),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("operations address", "err", err)
		}
	}()
	// Not "addr": readers of the log (and the tests) take addr= for the
	// desk's own address.
	log.Info("operations address", "ops", "http://"+ln.Addr().String(), "metrics_token", metricsTokenSet())
	return srv.Shutdown, nil
}

func metricsTokenSet() bool { return os.Getenv("RMADESK_METRICS_TOKEN") != "" }
