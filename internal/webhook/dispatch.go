package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Delivery is one event on its way to one endpoint.
type Delivery struct {
	ID         int64
	EndpointID int64
	EventID    int64
	MessageID  string // webhook-id
	Type       string
	Body       []byte
	State      string // Pending, Delivered, Failed
	Attempts   int
	NextAt     time.Time
	LastStatus int
	LastError  string
	Created    time.Time
	Updated    time.Time
}

// A delivery's states.
const (
	Pending   = "pending"
	Delivered = "delivered"
	Failed    = "failed" // its schedule ran out, its endpoint answered 410, or it was disabled
)

// Attempt is one request of a delivery: the endpoint's log.
type Attempt struct {
	ID         int64
	DeliveryID int64
	EndpointID int64
	MessageID  string
	Type       string
	Attempt    int
	At         time.Time
	Status     int // 0: no answer (Error says why)
	Latency    time.Duration
	Response   string // the first ResponseExcerpt bytes of the answer
	Error      string
}

// Outcome is what an attempt leaves: the delivery's next state, and the
// endpoint's.
type Outcome struct {
	State   string
	NextAt  time.Time // Pending: when to try again
	Success bool      // the endpoint answered 2xx: it is well again
	// Disable is why the endpoint is disabled now, for the log; "" leaves
	// it enabled. Gone says the receiver asked for it (410); otherwise it
	// failed for DisableAfter.
	Disable string
	Gone    bool
}

// Store is what the Dispatcher needs of the desk's store.
type Store interface {
	// FanOutWebhooks takes up to limit events from the outbox and, in one
	// transaction, writes a pending delivery for each enabled endpoint
	// that wants each one and removes them from the outbox; it returns how
	// many events it took.
	FanOutWebhooks(ctx context.Context, limit int, at time.Time) (int, error)
	// ClaimWebhookDelivery leases the next due delivery of an enabled
	// endpoint for lease, counting the attempt; ENOTFOUND when none is due.
	ClaimWebhookDelivery(ctx context.Context, worker string, at time.Time, lease time.Duration) (*Delivery, *Endpoint, error)
	// FinishWebhookAttempt logs the attempt and moves the delivery and its
	// endpoint as o says, if the worker still holds the delivery's lease.
	FinishWebhookAttempt(ctx context.Context, worker string, a *Attempt, o Outcome) error
}

// ResponseExcerpt is how much of an answer the log keeps.
const ResponseExcerpt = 1024

// DefaultSchedule is the pause before each retry: about three days in all
// (Svix's schedule, stretched), each with up to a fifth of jitter so a
// receiver that comes back is not hit by every retry at once.
var DefaultSchedule = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour,
	10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// Config tunes a Dispatcher.
type Config struct {
	Log    *slog.Logger
	Worker string // unique per process; default host:pid
	// AllowPrivate lets deliveries reach loopback, private and link-local
	// addresses: a desk whose receivers live on its own network.
	AllowPrivate bool
	Timeout      time.Duration   // one request; default 15 seconds
	Schedule     []time.Duration // default DefaultSchedule
	// DisableAfter disables an endpoint that has failed every attempt for
	// this long; default 5 days.
	DisableAfter time.Duration
	Lease        time.Duration // default twice Timeout
	Poll         time.Duration // the pause when nothing is due; default 1 second
	Now          func() time.Time
	// Disabled hears of an endpoint disabled by failure (an email to its
	// organisation), with the outcome that disabled it; nil: only the log.
	Disabled func(ctx context.Context, ep *Endpoint, o Outcome)
}

// Dispatcher fans the outbox out and delivers.
type Dispatcher struct {
	store  Store
	cfg    Config
	client *http.Client

	attempts *prometheus.CounterVec
	disabled prometheus.Counter
	fanned   prometheus.Counter
	latency  prometheus.Histogram
}

// NewDispatcher makes a Dispatcher over a store.
func NewDispatcher(store Store, cfg Config) *Dispatcher {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Worker == "" {
		host, _ := os.Hostname()
		cfg.Worker = host + ":" + strconv.Itoa(os.Getpid())
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Schedule == nil {
		cfg.Schedule = DefaultSchedule
	}
	if cfg.DisableAfter <= 0 {
		cfg.DisableAfter = 5 * 24 * time.Hour
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * cfg.Timeout
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	dialer := &net.Dialer{Timeout: cfg.Timeout, Control: dialControl(cfg.AllowPrivate)}
	d := &Dispatcher{store: store, cfg: cfg, client: &http.Client{
		Timeout: cfg.Timeout,
		// No proxy: a proxy would connect for us, past the guard.
		Transport: &http.Transport{DialContext: dialer.DialContext, ForceAttemptHTTP2: true,
			TLSHandshakeTimeout: cfg.Timeout, ResponseHeaderTimeout: cfg.Timeout, MaxIdleConnsPerHost: 4},
		// A redirect is an answer, not a new address to post to: following
		// it would send the event where the endpoint's owner did not say.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	d.attempts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rmadesk_webhook_attempts_total", Help: "Webhook delivery attempts by outcome: delivered, retry, failed, refused (the private-address guard).",
	}, []string{"outcome"})
	d.disabled = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "rmadesk_webhook_endpoints_disabled_total", Help: "Webhook endpoints disabled by a 410 Gone or by failing too long.",
	})
	d.fanned = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "rmadesk_webhook_events_total", Help: "Events taken from the webhook outbox.",
	})
	d.latency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "rmadesk_webhook_attempt_duration_seconds", Help: "How long receivers took to answer.",
		Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 15},
	})
	return d
}

// Collectors are the Dispatcher's Prometheus counters, for /metrics.
func (d *Dispatcher) Collectors() []prometheus.Collector {
	return []prometheus.Collector{d.attempts, d.disabled, d.fanned, d.latency}
}

// Run works until ctx is cancelled.
func (d *Dispatcher) Run(ctx context.Context) {
	for {
		did, err := d.RunOnce(context.WithoutCancel(ctx))
		if err != nil {
			d.cfg.Log.WarnContext(ctx, "webhooks", "err", err)
		}
		if ctx.Err() != nil {
			return
		}
		if !did {
			select {
			case <-ctx.Done():
				return
			case <-time.After(d.cfg.Poll):
			}
		}
	}
}

// RunOnce fans out a batch of the outbox and makes one due delivery
// attempt; it reports whether there was anything to do.
func (d *Dispatcher) RunOnce(ctx context.Context) (bool, error) {
	n, err := d.store.FanOutWebhooks(ctx, 500, d.cfg.Now())
	if err != nil {
		return false, fmt.Errorf("webhook outbox: %w", err)
	}
	d.fanned.Add(float64(n))
	del, ep, err := d.store.ClaimWebhookDelivery(ctx, d.cfg.Worker, d.cfg.Now(), d.cfg.Lease)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return n > 0, nil
	}
	if err != nil {
		return n > 0, fmt.Errorf("claim webhook delivery: %w", err)
	}
	a, o := d.attempt(ctx, del, ep)
	if o.Disable != "" {
		d.disabled.Inc()
		d.cfg.Log.WarnContext(ctx, "webhook endpoint disabled", "endpoint", ep.ID, "url", ep.URL, "reason", o.Disable)
	}
	if err := d.store.FinishWebhookAttempt(ctx, d.cfg.Worker, a, o); err != nil {
		return true, fmt.Errorf("webhook delivery %d: %w", del.ID, err)
	}
	if o.Disable != "" && d.cfg.Disabled != nil {
		d.cfg.Disabled(ctx, ep, o)
	}
	return true, nil
}

// attempt posts the delivery once and says what follows.
func (d *Dispatcher) attempt(ctx context.Context, del *Delivery, ep *Endpoint) (*Attempt, Outcome) {
	now := d.cfg.Now()
	a := &Attempt{DeliveryID: del.ID, EndpointID: ep.ID, MessageID: del.MessageID, Type: del.Type, Attempt: del.Attempts, At: now.UTC()}
	secrets := []string{ep.Secret}
	if ep.PreviousSecret != "" && now.Before(ep.PreviousUntil) {
		secrets = append(secrets, ep.PreviousSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(del.Body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "rmadesk-webhooks")
		// A fresh timestamp and signature for each attempt, the same id.
		err = Headers(req.Header, del.MessageID, now, del.Body, secrets...)
	}
	var resp *http.Response
	if err == nil {
		resp, err = d.client.Do(req)
	}
	a.Latency = d.cfg.Now().Sub(now)
	d.latency.Observe(a.Latency.Seconds())
	if err != nil {
		a.Error = err.Error()
		var refused *ErrPrivateAddress
		if errors.As(err, &refused) {
			d.attempts.WithLabelValues("refused").Inc()
		}
		return a, d.failure(del, ep, now, 0)
	}
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, ResponseExcerpt))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	resp.Body.Close()
	a.Status, a.Response = resp.StatusCode, strings.ToValidUTF8(string(excerpt), string(utf8.RuneError))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		d.attempts.WithLabelValues("delivered").Inc()
		return a, Outcome{State: Delivered, Success: true}
	case resp.StatusCode == http.StatusGone:
		// The receiver says this endpoint is gone for good (the
		// specification's advice): stop sending to it.
		d.attempts.WithLabelValues("failed").Inc()
		return a, Outcome{State: Failed, Disable: "the receiver answered 410 Gone", Gone: true}
	}
	a.Error = resp.Status
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		a.Error = resp.Status + ": redirects are not followed"
	}
	return a, d.failure(del, ep, now, retryAfter(resp.Header.Get("Retry-After"), now))
}

// failure schedules the next attempt after del.Attempts failed, or gives
// up: the schedule ran out, or the endpoint has failed everything for
// DisableAfter.
func (d *Dispatcher) failure(del *Delivery, ep *Endpoint, now time.Time, after time.Duration) Outcome {
	if !ep.FailingSince.IsZero() && now.Sub(ep.FailingSince) >= d.cfg.DisableAfter {
		d.attempts.WithLabelValues("failed").Inc()
		return Outcome{State: Failed, Disable: fmt.Sprintf("every delivery failed since %s", ep.FailingSince.UTC().Format(time.RFC3339))}
	}
	if del.Attempts > len(d.cfg.Schedule) {
		d.attempts.WithLabelValues("failed").Inc()
		return Outcome{State: Failed}
	}
	wait := d.cfg.Schedule[del.Attempts-1]
	wait += time.Duration(rand.Int64N(int64(wait)/5 + 1)) // jitter
	// Retry-After is honoured when it asks for more patience than the
	// schedule, up to a day: a receiver cannot park a delivery for ever.
	if after > wait {
		wait = min(after, 24*time.Hour)
	}
	d.attempts.WithLabelValues("retry").Inc()
	return Outcome{State: Pending, NextAt: now.Add(wait)}
}

// retryAfter reads Retry-After, in seconds or as an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
