package bench

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// Histogram counts latencies in logarithmic buckets with 64 steps per
// power of two (a value is reported within 1.6% above its true value), in
// microseconds, so its size is fixed however long the run: many clients
// record into one without a lock.
type Histogram struct {
	counts [histBuckets]atomic.Int64
	n      atomic.Int64
	sum    atomic.Int64 // microseconds
	max    atomic.Int64 // nanoseconds, exact
}

const (
	subBits     = 6
	subBuckets  = 1 << subBits
	histBuckets = subBuckets * 40 // up to 2^40 µs: far beyond any run
)

func bucketOf(us uint64) int {
	if us < subBuckets {
		return int(us)
	}
	e := bits.Len64(us) - subBits - 1 // us>>e is in [64, 128)
	b := subBuckets + e*subBuckets + int(us>>e) - subBuckets
	if b >= histBuckets {
		return histBuckets - 1
	}
	return b
}

// upperBound is the largest value, in microseconds, of bucket b.
func upperBound(b int) uint64 {
	if b < subBuckets {
		return uint64(b)
	}
	e := (b - subBuckets) / subBuckets
	sub := (b-subBuckets)%subBuckets + subBuckets
	return (uint64(sub+1) << e) - 1
}

// Record adds one latency.
func (h *Histogram) Record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucketOf(uint64(d/time.Microsecond))].Add(1)
	h.n.Add(1)
	h.sum.Add(int64(d / time.Microsecond))
	for {
		m := h.max.Load()
		if int64(d) <= m || h.max.CompareAndSwap(m, int64(d)) {
			return
		}
	}
}

// Count is the number of latencies recorded.
func (h *Histogram) Count() int64 { return h.n.Load() }

// Max is the largest latency recorded.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max.Load()) }

// Mean is the average latency.
func (h *Histogram) Mean() time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	return time.Duration(h.sum.Load()/n) * time.Microsecond
}

// Quantile returns the latency below which a fraction q of the recorded
// ones lie (the bucket's upper bound, never above the maximum).
func (h *Histogram) Quantile(q float64) time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	rank := int64(q*float64(n) + 0.5)
	if rank < 1 {
		rank = 1
	}
	var seen int64
	for b := range h.counts {
		seen += h.counts[b].Load()
		if seen >= rank {
			v := time.Duration(upperBound(b)+1) * time.Microsecond
			return min(v, h.Max())
		}
	}
	return h.Max()
}
