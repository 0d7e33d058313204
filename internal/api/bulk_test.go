package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestBulk: a bulk step is done per RMA, each result says what became of
// its RMA; a body wrong as a whole changes nothing.
func TestBulk(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var ids []int64
	for range 4 {
		ids = append(ids, id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90"))))
	}
	h.act(h.keys["agent"], ids[1], "authorize", map[string]any{"resolution": "return"})
	before := map[int64]int{}
	for _, x := range ids {
		before[x] = len(events(h, x))
	}
	unchanged := func(t *testing.T) {
		t.Helper()
		for _, x := range ids {
			if n := len(events(h, x)); n != before[x] {
				t.Fatalf("RMA %d: %d events, had %d", x, n, before[x])
			}
		}
	}

	// Refused as a whole: nothing done.
	many := make([]int64, MaxBulkIDs+1)
	for i := range many {
		many[i] = int64(i + 1)
	}
	for _, tc := range []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"no action", map[string]any{"ids": ids}, 422, "action"},
		{"unknown action", map[string]any{"action": "close", "ids": ids}, 422, "action"},
		{"reject without a reason", map[string]any{"action": "reject", "ids": ids}, 422, "reason"},
		{"reject with a note", map[string]any{"action": "reject", "ids": ids, "reason": "no", "note": "n"}, 422, "note"},
		{"no ids", map[string]any{"action": "authorize", "ids": []int64{}}, 422, "ids"},
		{"too many ids", map[string]any{"action": "authorize", "ids": many}, 422, "ids"},
		{"an id repeated", map[string]any{"action": "authorize", "ids": []int64{ids[0], ids[2], ids[0]}}, 422, "ids[2]"},
		{"an id not positive", map[string]any{"action": "authorize", "ids": []int64{ids[0], 0}}, 422, "ids[1]"},
		{"an id not a number", `{"action": "authorize", "ids": [1, 2, 3, "four"]}`, 422, "ids[3]"},
		{"unknown field", map[string]any{"action": "authorize", "ids": ids, "colour": "red"}, 422, "colour"},
		{"versions not one each", map[string]any{"action": "authorize", "ids": ids, "versions": []int{1}}, 422, "versions"},
		{"a version not positive", map[string]any{"action": "authorize", "ids": ids[:2], "versions": []int{1, 0}}, 422, "versions[1]"},
		{"malformed", `{"action": "authorize", "ids": [`, 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := h.do("POST", "/api/v1/rmas/bulk", h.keys["agent"], tc.body)
			if resp.status != tc.status || !strings.HasPrefix(resp.header.Get("Content-Type"), "application/problem+json") {
				t.Fatalf("status %d: %s", resp.status, resp.body)
			}
			if tc.field != "" && str(resp.json(t), "errors", 0, "field") != tc.field {
				t.Fatalf("field %q, want %q: %s", str(resp.json(t), "errors", 0, "field"), tc.field, resp.body)
			}
			unchanged(t)
		})
	}
	for _, who := range []string{"dexxon", "technician"} {
		if resp := h.do("POST", "/api/v1/rmas/bulk", h.keys[who], map[string]any{"action": "authorize", "ids": ids}); resp.status != http.StatusForbidden {
			t.Fatalf("%s: %d %s", who, resp.status, resp.body)
		}
	}
	unchanged(t)

	// Per RMA: the ones that can are authorized, the one already
	// authorized and the one that does not exist are reported.
	got := h.must(http.StatusOK, "POST", "/api/v1/rmas/bulk", h.keys["agent"],
		map[string]any{"action": "authorize", "ids": []int64{ids[0], ids[1], 999999, ids[2]}, "note": "Send it in the original box."})
	if got["done"] != 2.0 || got["failed"] != 2.0 || got["action"] != "authorize" {
		t.Fatalf("answer: %v", got)
	}
	for i, want := range []struct {
		id     int64
		ok     bool
		state  string
		status float64
	}{{ids[0], true, "authorized", 0}, {ids[1], false, "authorized", 409}, {999999, false, "", 404}, {ids[2], true, "authorized", 0}} {
		res := field(got, "results", i)
		if field(res, "id") != float64(want.id) || field(res, "ok") != want.ok || str(res, "state") != want.state {
			t.Errorf("results[%d] = %v, want %+v", i, res, want)
		}
		if want.ok && (str(res, "number") == "" || field(res, "problem") != nil) {
			t.Errorf("results[%d] done without a number, or with a problem: %v", i, res)
		}
		if !want.ok && (field(res, "problem", "status") != want.status || str(res, "problem", "errors", 0, "field") != fmt.Sprintf("ids[%d]", i)) {
			t.Errorf("results[%d]'s problem: %v", i, field(res, "problem"))
		}
	}
	if n := len(events(h, ids[0])); n != before[ids[0]]+1 {
		t.Fatalf("authorized: %d events", n)
	}
	if n := len(events(h, ids[1])); n != before[ids[1]] {
		t.Fatalf("the refused RMA has %d events, had %d", n, before[ids[1]])
	}
	if str(h.get(ids[0]), "resolution") == "" {
		t.Fatal("authorized without a resolution")
	}

	// With versions: each RMA changed since the caller saw it (both here)
	// is 412 in its result, and stays as it is.
	v3 := int(field(h.get(ids[3]), "version").(float64))
	got = h.must(http.StatusOK, "POST", "/api/v1/rmas/bulk", h.keys["agent"], map[string]any{"action": "reject", "ids": []int64{ids[3], ids[0]}, "versions": []int{v3 + 1, 1}, "reason": "Stale."})
	if got["done"] != 0.0 || field(got, "results", 0, "problem", "status") != 412.0 || str(got, "results", 0, "state") != "submitted" {
		t.Fatalf("stale versions: %v", got)
	}
	// Reject: the reason goes on each. Retried with its Idempotency-Key,
	// the first answer comes back and nothing is done twice.
	reject := map[string]any{"action": "reject", "ids": []int64{ids[3]}, "reason": "Outside the warranty period."}
	got = h.must(http.StatusOK, "POST", "/api/v1/rmas/bulk", h.keys["admin"], reject, "Idempotency-Key", "bulk-1")
	if got["done"] != 1.0 || str(got, "results", 0, "state") != "rejected" || str(h.get(ids[3]), "reason") != "Outside the warranty period." {
		t.Fatalf("reject: %v", got)
	}
	events3 := len(events(h, ids[3]))
	again := h.do("POST", "/api/v1/rmas/bulk", h.keys["admin"], reject, "Idempotency-Key", "bulk-1")
	if again.status != http.StatusOK || again.header.Get("Idempotent-Replayed") != "true" || again.json(t)["done"] != 1.0 || len(events(h, ids[3])) != events3 {
		t.Fatalf("retried: %d %v %s", again.status, again.header, again.body)
	}
}

// BenchmarkBulkAuthorize: 100 RMAs authorized in one bulk call, against
// the same 100 one call each (the ETag read first, as a client does),
// over HTTP on loopback; filing them is not timed. docs/BENCHMARKS.md.
func BenchmarkBulkAuthorize(b *testing.B) {
	for _, backend := range backends {
		for _, mode := range []string{"bulk", "one by one"} {
			b.Run(backend+"/"+mode, func(b *testing.B) {
				h := newHarnessOn(b, backend)
				for range b.N {
					b.StopTimer()
					ids := make([]int64, MaxBulkIDs)
					for i := range ids {
						ids[i] = id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
					}
					b.StartTimer()
					if mode == "bulk" {
						if got := h.must(http.StatusOK, "POST", "/api/v1/rmas/bulk", h.keys["agent"], map[string]any{"action": "authorize", "ids": ids}); got["done"] != float64(len(ids)) {
							b.Fatalf("bulk: %v", got)
						}
						continue
					}
					for _, x := range ids {
						h.act(h.keys["agent"], x, "authorize", map[string]any{"resolution": "return"})
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*MaxBulkIDs), "µs/RMA")
			})
		}
	}
}
