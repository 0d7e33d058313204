package api

import (
	"crypto/sha256"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// Rate limits, in front of everything else the API does.
//
// Each API key has a token bucket: Config.RequestsPerSecond sustained,
// Config.RequestBurst at once. Calls without a key are counted per client
// address the same way. The bucket is found by a hash of the key as sent,
// before the key is looked up, so a flood costs no database work; a
// wrong key only ever spends its own bucket, never the real key's.
//
// Failed authentications (no key, a malformed, wrong or revoked one: every
// 401) spend a second, small bucket per client address. Once it is empty,
// every call from the address is refused before its key is looked at, so
// keys cannot be guessed faster than Config.AuthFailuresPerMinute, and a
// right guess looks no different from a wrong one while the address is
// refused. The allowance at once (Config.AuthFailureBurst) leaves room for
// a client set up with an old key.
//
// A refused call gets 429 problem+json with Retry-After: the seconds until
// its bucket holds a token again.
//
// The client address is the connection's: behind a reverse proxy every
// client has the proxy's address (X-Forwarded-For is not trusted, as anyone
// can write it). IPv6 addresses count per /64, the block one host gets.

// Defaults for the failed-authentication limit. It costs a well-configured
// client nothing, so it is on unless turned off.
const (
	defaultAuthFailuresPerMinute = 10
	defaultAuthFailureBurst      = 100
)

// maxBuckets bounds the memory of one limiter (about 100 bytes a bucket).
const maxBuckets = 100000

// limiter is a set of token buckets, one per key.
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	buckets map[string]*bucket
	now     func() time.Time
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// newLimiter returns a limiter, or nil (no limit) for a rate that is not
// positive.
func newLimiter(perSecond float64, burst int) *limiter {
	if perSecond <= 0 || math.IsNaN(perSecond) || math.IsInf(perSecond, 0) {
		return nil
	}
	return &limiter{rate: perSecond, burst: math.Max(1, float64(burst)), buckets: map[string]*bucket{}, now: time.Now}
}

// get returns key's bucket, refilled up to now; the caller holds mu.
func (l *limiter) get(key string) *bucket {
	now := l.now()
	if now.Sub(l.swept) >= time.Minute {
		l.sweep(now)
	}
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.sweep(now)
			l.evict()
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
		return b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+elapsed*l.rate)
		b.last = now
	}
	return b
}

// sweep forgets the buckets that have refilled: they are as good as new.
// It runs once a minute, and when the limiter is full.
func (l *limiter) sweep(now time.Time) {
	l.swept = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// evict forgets any tenth of the buckets, when sweeping was not enough: a
// spray of addresses may then get a fresh allowance, but memory is bounded.
func (l *limiter) evict() {
	for k := range l.buckets {
		if len(l.buckets) < maxBuckets*9/10 {
			break
		}
		delete(l.buckets, k)
	}
}

// wait is how long until b holds one token.
func (l *limiter) wait(b *bucket) time.Duration {
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// allow spends a token of key's bucket, or tells how long to wait for one.
func (l *limiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.get(key)
	if b.tokens < 1 {
		return false, l.wait(b)
	}
	b.tokens--
	return true, 0
}

// empty tells whether key's bucket has no token, and for how long, without
// spending one. A key without a bucket has a full one: none is made for it.
func (l *limiter) empty(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets[key] == nil {
		return false, 0
	}
	b := l.get(key)
	if b.tokens < 1 {
		return true, l.wait(b)
	}
	return false, 0
}

// spend takes a token from key's bucket, if it has one.
func (l *limiter) spend(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.get(key)
	b.tokens = math.Max(0, b.tokens-1)
}

// limits are the API's two limiters; nil is no limit.
type limits struct {
	perCaller *limiter // per API key, or per address without one
	failures  *limiter // failed authentications per address
}

func newLimits(cfg Config) limits {
	burst := cfg.RequestBurst
	if burst <= 0 {
		burst = int(math.Ceil(4 * cfg.RequestsPerSecond))
	}
	failRate, failBurst := cfg.AuthFailuresPerMinute, cfg.AuthFailureBurst
	if failRate == 0 {
		failRate = defaultAuthFailuresPerMinute
	}
	if failBurst <= 0 {
		failBurst = defaultAuthFailureBurst
	}
	return limits{perCaller: newLimiter(cfg.RequestsPerSecond, burst), failures: newLimiter(failRate/60, failBurst)}
}

// limit applies the limits before next.
func (s *Server) limit(next http.Handler) http.Handler {
	lim := s.limits
	if lim.perCaller == nil && lim.failures == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := clientAddr(r)
		if lim.failures != nil {
			if empty, wait := lim.failures.empty(addr); empty {
				tooManyRequests(w, r, wait, "too many failed authentications from this address")
				return
			}
		}
		if lim.perCaller != nil {
			caller := "address " + addr
			if key, ok := bearer(r); ok {
				sum := sha256.Sum256([]byte(key))
				caller = "key " + string(sum[:16])
			}
			if ok, wait := lim.perCaller.allow(caller); !ok {
				tooManyRequests(w, r, wait, "rate limit reached")
				return
			}
		}
		if lim.failures == nil {
			next.ServeHTTP(w, r)
			return
		}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == http.StatusUnauthorized {
			lim.failures.spend(addr)
		}
	})
}

// tooManyRequests answers 429 with the whole seconds to wait.
func tooManyRequests(w http.ResponseWriter, r *http.Request, wait time.Duration, why string) {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	w.Header().Set("Cache-Control", "no-store")
	writeProblem(w, r, Problem{Status: http.StatusTooManyRequests, Detail: fmt.Sprintf("%s: retry after %d s", why, secs)})
}

// clientAddr is the address a call is counted against: the connection's
// IP, or its /64 for IPv6.
func clientAddr(r *http.Request) string {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	ip := ap.Addr().Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// statusWriter notes the status of an answer.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// warrantyCheckLimiter is the public warranty check's limiter: perMinute a
// client address, as many at once; 0 the default, negative none.
func warrantyCheckLimiter(perMinute float64) *limiter {
	if perMinute == 0 {
		perMinute = DefaultWarrantyChecksPerMinute
	}
	if perMinute < 0 {
		return nil
	}
	return newLimiter(perMinute/60, int(math.Ceil(perMinute)))
}
