package report

import (
	"fmt"
	"strconv"
)

// Durations (turnaround, time in a state) are kept as histograms in fixed
// buckets, so that a roll-up can add them up and a percentile comes from
// bucket counts instead of from every unit's duration. Each bucket also
// sums its durations exactly, so a mean is exact.
//
// A percentile is read off the cumulative counts and interpolated linearly
// inside the bucket it falls in: its error is at most that bucket's width
// (the edges below: half an hour under a day, 6 to 12 hours under a week,
// 1 to 2 days under a month, a week or more beyond), and the report gives
// the bucket with the value, so a reader knows the bounds. The last bucket
// has no upper edge: a percentile that falls in it is given as its lower
// edge, "a year or more".

// hour is an hour in seconds.
const hour = 3600

// bucketEdges are the buckets' lower edges in seconds; bucket i holds
// durations d with bucketEdges[i] <= d < bucketEdges[i+1].
var bucketEdges = func() []int64 {
	hours := []int64{
		0, 1, 2, 3, 4, 6, 8, 10, 12, 15, 18, 21, // within a day
		24, 30, 36, 42, 48, 60, 72, 84, 96, 108, 120, 132, 144, 156, 168, // to a week
		192, 216, 240, 264, 288, 312, 336, 384, 432, 480, 528, 576, 624, 672, 720, // to a month
		840, 1008, 1176, 1344, 1512, 1680, 2016, 2520, 3024, 4032, 5040, 6048, 7056, 8760, // to a year
	}
	out := make([]int64, len(hours))
	for i, h := range hours {
		out[i] = h * hour
	}
	return out
}()

// Buckets is how many buckets a histogram has.
func Buckets() int { return len(bucketEdges) }

// BucketOf is the bucket of a duration in seconds (negative durations, a
// clock that moved back, count as zero).
func BucketOf(seconds int64) int {
	lo, hi := 0, len(bucketEdges)
	for hi-lo > 1 { // the last edge <= seconds
		mid := (lo + hi) / 2
		if bucketEdges[mid] <= seconds {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// BucketBounds are bucket i's edges in seconds; hi is -1 for the last,
// which has none.
func BucketBounds(i int) (lo, hi int64) {
	if i+1 < len(bucketEdges) {
		return bucketEdges[i], bucketEdges[i+1]
	}
	return bucketEdges[i], -1
}

// bucketItem is a bucket's name in a cell's item: two digits, so items
// sort in bucket order.
func bucketItem(i int) string { return fmt.Sprintf("%02d", i) }

// parseBucket reads a bucket's item; ok is false for anything else.
func parseBucket(s string) (int, bool) {
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 || i >= len(bucketEdges) || len(s) != 2 {
		return 0, false
	}
	return i, true
}

// Histogram is durations counted in the fixed buckets: N[i] units in bucket
// i, and Sum the exact total of their durations in seconds.
type Histogram struct {
	N   []int64
	Sum int64
}

func newHistogram() *Histogram { return &Histogram{N: make([]int64, len(bucketEdges))} }

// add counts n units in bucket i, whose durations add up to sum seconds.
func (h *Histogram) add(i int, n, sum int64) {
	h.N[i] += n
	h.Sum += sum
}

// Count is how many units the histogram holds.
func (h *Histogram) Count() int64 {
	var n int64
	for _, c := range h.N {
		n += c
	}
	return n
}

// Mean is the mean duration in seconds; ok is false when it holds none.
func (h *Histogram) Mean() (float64, bool) {
	n := h.Count()
	if n == 0 {
		return 0, false
	}
	return float64(h.Sum) / float64(n), true
}

// Percentile is the duration in seconds below which p (0 < p <= 1) of the
// units fall, interpolated inside its bucket, and that bucket; ok is false
// when the histogram holds none.
func (h *Histogram) Percentile(p float64) (seconds float64, bucket int, ok bool) {
	n := h.Count()
	if n == 0 {
		return 0, 0, false
	}
	rank := p * float64(n)
	var before int64
	for i, c := range h.N {
		if c == 0 {
			continue
		}
		if float64(before+c) >= rank {
			lo, hi := BucketBounds(i)
			if hi < 0 {
				return float64(lo), i, true
			}
			within := max(rank-float64(before), 0) / float64(c)
			return float64(lo) + within*float64(hi-lo), i, true
		}
		before += c
	}
	// Rounding left rank above the total: the last bucket with units.
	for i := len(h.N) - 1; i >= 0; i-- {
		if h.N[i] > 0 {
			lo, hi := BucketBounds(i)
			if hi < 0 {
				return float64(lo), i, true
			}
			return float64(hi), i, true
		}
	}
	return 0, 0, false
}
