// Package ops owns what operators need of a running instance: liveness and
// readiness probes, Prometheus metrics, and the middleware that counts and
// times requests.
package ops

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Readier is a store that can say whether it is ready: reachable, and its
// schema migrated to the version this binary expects.
type Readier interface {
	Ready(ctx context.Context) error
}

// StateCounter counts RMAs by state, for the rmadesk_rmas gauge.
type StateCounter interface {
	CountRMAsByState(ctx context.Context) (map[rma.State]int, error)
}

// DeadlockCounter is a store that counts the writes its database broke
// off as deadlocked (PostgreSQL's; SQLite has one writer and none).
type DeadlockCounter interface {
	Deadlocks() int64
}

// JobStats are a runner's counters since start.
type JobStats interface {
	Stats() (ran, failed int64)
}

// Metrics holds the instance's Prometheus registry.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	token    string // what /metrics asks for (access.go)
}

// NewMetrics registers the collectors: requests by route and status,
// latency, RMAs by state and the job queue, read from the store at scrape
// time so every instance reports the shared truth.
func NewMetrics(store rma.Store, runner JobStats) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rmadesk_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
	}, []string{"route", "method", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "rmadesk_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route", "method"})
	m.reg.MustRegister(m.requests, m.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.reg.MustRegister(&storeCollector{store: store, runner: runner})
	return m
}

// Register adds collectors of other packages (the webhook dispatcher's).
func (m *Metrics) Register(cs ...prometheus.Collector) { m.reg.MustRegister(cs...) }

// exposition is the Prometheus text, to whoever asks: Handler and
// OpsHandler (access.go) decide who may.
func (m *Metrics) exposition() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Instrument counts and times requests. The route label is the ServeMux
// pattern that matched, never the raw path, so IDs do not explode the
// label set.
func (m *Metrics) Instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
		m.latency.WithLabelValues(route, r.Method).Observe(time.Since(start).Seconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the real writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

type storeCollector struct {
	store  rma.Store
	runner JobStats
}

var (
	rmasDesc   = prometheus.NewDesc("rmadesk_rmas", "RMAs by state.", []string{"state"}, nil)
	jobsDesc   = prometheus.NewDesc("rmadesk_jobs", "Background jobs by state (queued is the queue depth; dead need an admin).", []string{"state"}, nil)
	ranDesc    = prometheus.NewDesc("rmadesk_jobs_run_total", "Jobs this instance ran to completion.", nil, nil)
	failedDesc = prometheus.NewDesc("rmadesk_jobs_failed_total", "Job runs that failed in this instance.", nil, nil)
	deadDesc   = prometheus.NewDesc("rmadesk_store_deadlocks_total",
		"Writes of this instance the database broke off as deadlocked and the store ran again (each cost about a second); should stay 0.", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- rmasDesc
	ch <- jobsDesc
	ch <- ranDesc
	ch <- failedDesc
	ch <- deadDesc
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if sc, ok := c.store.(StateCounter); ok {
		if counts, err := sc.CountRMAsByState(ctx); err == nil {
			for _, st := range rma.States {
				ch <- prometheus.MustNewConstMetric(rmasDesc, prometheus.GaugeValue, float64(counts[st]), string(st))
			}
		}
	}
	if counts, err := c.store.JobCounts(ctx); err == nil {
		for _, st := range []rma.JobState{rma.JobQueued, rma.JobRunning, rma.JobDone, rma.JobDead} {
			ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(counts[st]), string(st))
		}
	}
	if c.runner != nil {
		ran, failed := c.runner.Stats()
		ch <- prometheus.MustNewConstMetric(ranDesc, prometheus.CounterValue, float64(ran))
		ch <- prometheus.MustNewConstMetric(failedDesc, prometheus.CounterValue, float64(failed))
	}
	if d, ok := c.store.(DeadlockCounter); ok {
		ch <- prometheus.MustNewConstMetric(deadDesc, prometheus.CounterValue, float64(d.Deadlocks()))
	}
}

// Health serves /healthz (the process answers) and /readyz (the database
// is reachable and migrated: a load balancer sends traffic only then).
func Health(store rma.Store) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeStatus(w, http.StatusOK, "ok", "")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if rd, ok := store.(Readier); ok {
			if err := rd.Ready(ctx); err != nil {
				writeStatus(w, http.StatusServiceUnavailable, "not ready", err.Error())
				return
			}
		}
		writeStatus(w, http.StatusOK, "ready", "")
	})
	return mux
}

func writeStatus(w http.ResponseWriter, code int, status, detail string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	body := map[string]string{"status": status}
	if detail != "" {
		body["detail"] = detail
	}
	_ = json.NewEncoder(w).Encode(body)
}
