package bench

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// Every value falls in a bucket whose upper bound is at or above it and
// within 1/64 of it, and buckets are in order.
func TestBuckets(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	values := []uint64{0, 1, 63, 64, 65, 127, 128, 1000, 1 << 20, 1<<39 - 1}
	for range 10000 {
		values = append(values, rnd.Uint64N(1<<36))
	}
	for _, v := range values {
		b := bucketOf(v)
		ub := upperBound(b)
		if ub < v || (v >= subBuckets && float64(ub-v) > float64(v)/subBuckets) {
			t.Fatalf("value %d: bucket %d up to %d", v, b, ub)
		}
		if b > 0 && upperBound(b-1) >= v {
			t.Fatalf("value %d: the bucket before, %d, reaches %d", v, b-1, upperBound(b-1))
		}
	}
}

// Quantiles of known latencies: 1..1000 µs, once each.
func TestQuantiles(t *testing.T) {
	var h Histogram
	for i := 1000; i >= 1; i-- {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Microsecond}, {0.9, 900 * time.Microsecond}, {0.99, 990 * time.Microsecond}, {1, 1000 * time.Microsecond}} {
		got := h.Quantile(tc.q)
		if got < tc.want || float64(got-tc.want) > float64(tc.want)/subBuckets+float64(time.Microsecond) {
			t.Errorf("q%.2f = %s, want %s within 1/64", tc.q, got, tc.want)
		}
	}
	if h.Count() != 1000 || h.Max() != time.Millisecond || h.Mean() != 500*time.Microsecond {
		t.Errorf("count %d, max %s, mean %s", h.Count(), h.Max(), h.Mean())
	}
	var empty Histogram
	if empty.Quantile(0.99) != 0 || empty.Mean() != 0 {
		t.Error("an empty histogram has latencies")
	}
}

func TestNextCursorAndETag(t *testing.T) {
	for body, want := range map[string]string{
		`{"items":[{"id":1,"next":"inner"}],"next":"abc"}`: "abc",
		`{"items":[]}`:             "",
		`{"items":[],"next":null}`: "",
		`not json "next": 1`:       "",
	} {
		if got := nextCursor([]byte(body)); got != want {
			t.Errorf("nextCursor(%s) = %q, want %q", body, got, want)
		}
	}
	if c, ok := parseETag(`"12-3"`); !ok || c != (created{id: 12, version: 3}) {
		t.Errorf("parseETag: %+v %v", c, ok)
	}
	for _, bad := range []string{``, `"12"`, `"a-1"`, `"1-b"`} {
		if _, ok := parseETag(bad); ok {
			t.Errorf("parseETag(%q) accepted", bad)
		}
	}
}

func TestSummary(t *testing.T) {
	op := &OpStats{Name: OpSubmit}
	for range 100 {
		op.Latency.Record(10 * time.Millisecond)
		op.OK.Add(1)
	}
	rep := &Report{Workload: "submit", Clients: 4, Elapsed: time.Second, Ops: []*OpStats{op}}
	got := Summary(rep, &Raw{PerCommit: 200})
	if got != "submit: 100/s p99 10.0ms raw-ratio 0.50" {
		t.Errorf("summary %q", got)
	}
	if !slices.Contains(Workloads, "recall") {
		t.Error("recall is not a workload")
	}
}
