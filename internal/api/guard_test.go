package api

import (
	"encoding/json"
	"strings"
	"testing"
)

// Issue 10's points 6–11: the desk never does what the policy forbids, and
// says what it did in the words of the policy, with the real number.

// TestNumberFilledEverywhere: once authorized, every text of the API that
// names the RMA number carries it (point 9): Dexxon's instructions and its
// service location's address read "RMA Number <number>" in the policy.
func TestNumberFilledEverywhere(t *testing.T) {
	h := newHarness(t)
	rmaID := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	r := h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "return"})
	number := str(r, "number")
	for _, key := range []string{"dexxon", "agent"} {
		got := h.get(rmaID)
		if key == "dexxon" {
			got = h.must(200, "GET", "/api/v1/rmas/"+jsonNumber(rmaID), h.keys[key], nil)
		}
		body, _ := json.Marshal(got)
		if strings.Contains(string(body), "<number>") || strings.Contains(string(body), `\u003cnumber\u003e`) {
			t.Errorf("%s sees the placeholder: %s", key, body)
		}
		if !strings.Contains(strings.Join(strs(got["service_location"].(map[string]any)["address"]), "\n"), "RMA Number "+number) {
			t.Errorf("service_location.address lacks the number: %v", got["service_location"])
		}
		found := false
		for _, in := range got["instructions"].([]any) {
			if strings.Contains(str(in, "text"), "RMA Number "+number+",") {
				found = true
			}
		}
		if !found {
			t.Errorf("no instruction names %s: %v", number, got["instructions"])
		}
	}
}

func strs(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }
