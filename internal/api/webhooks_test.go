package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestWebhookEndpoints: a requester makes an endpoint for its own
// organisation and sees its secret once; another organisation cannot see
// or change it; a requester cannot ask for the desk's own events; the
// admin sees every organisation's; a rotation gives a new secret; the
// audit log records the changes without the secret.
func TestWebhookEndpoints(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	own, other, admin := h.keys["dexxon"], h.keys["other"], h.keys["admin"]
	created := h.must(http.StatusCreated, "POST", "/api/v1/webhooks/endpoints", own,
		map[string]any{"url": "https://erp.example/hooks", "event_types": []string{"rma.authorized", "rma.created"}})
	secret, _ := created["secret"].(string)
	if !strings.HasPrefix(secret, "whsec_") || created["org_id"] != float64(h.orgs["dexxon"].ID) {
		t.Fatalf("created %v", created)
	}
	path := fmt.Sprintf("/api/v1/webhooks/endpoints/%v", created["id"])
	got := h.must(http.StatusOK, "GET", path, own, nil)
	if _, ok := got["secret"]; ok {
		t.Fatalf("the secret is shown again: %v", got)
	}
	if r := h.do("GET", path, other, nil); r.status != http.StatusNotFound {
		t.Fatalf("another organisation reads the endpoint: %d", r.status)
	}
	if r := h.do("PATCH", path, other, map[string]any{"disabled": true}); r.status != http.StatusNotFound {
		t.Fatalf("another organisation changes the endpoint: %d", r.status)
	}
	if r := h.do("POST", "/api/v1/webhooks/endpoints", own, map[string]any{"url": "https://erp.example/notes", "event_types": []string{"rma.note_added"}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.body), "event_types[0]") {
		t.Fatalf("a requester asked for the desk's notes: %d %s", r.status, r.body)
	}
	if r := h.do("POST", "/api/v1/webhooks/endpoints", own, map[string]any{"url": "https://erp.example/x", "org_id": h.orgs["other"].ID}); r.status != http.StatusNotFound {
		t.Fatalf("a requester made an endpoint for another organisation: %d %s", r.status, r.body)
	}
	for _, c := range []struct{ url, field string }{{"ftp://erp.example", "url"}, {"https://user:pw@erp.example", "url"}, {"/relative", "url"},
		// a desk that does not deliver to private addresses refuses one written in the URL when it is saved
		{"https://127.0.0.1:8443/hooks", "url"}, {"http://192.168.1.20/hooks", "url"}} {
		r := h.do("POST", "/api/v1/webhooks/endpoints", own, map[string]any{"url": c.url})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `"field":"`+c.field+`"`) {
			t.Errorf("url %q: %d %s", c.url, r.status, r.body)
		}
	}
	if list := h.must(http.StatusOK, "GET", "/api/v1/webhooks/endpoints", other, nil); len(list["items"].([]any)) != 0 {
		t.Fatalf("another organisation lists %v", list)
	}
	if list := h.must(http.StatusOK, "GET", "/api/v1/webhooks/endpoints", admin, nil); len(list["items"].([]any)) != 1 {
		t.Fatalf("the admin lists %v", list)
	}
	rotated := h.must(http.StatusOK, "POST", path+"/rotate-secret", own, nil)
	if s, _ := rotated["secret"].(string); s == secret || !strings.HasPrefix(s, "whsec_") || rotated["previous_secret_until"] == nil {
		t.Fatalf("rotated %v", rotated)
	}
	patched := h.must(http.StatusOK, "PATCH", path, own, map[string]any{"disabled": true})
	if patched["disabled"] != true {
		t.Fatalf("patched %v", patched)
	}
	h.must(http.StatusOK, "DELETE", path, admin, nil)
	if r := h.do("GET", path, own, nil); r.status != http.StatusNotFound {
		t.Fatalf("a deleted endpoint: %d", r.status)
	}
	log := h.must(http.StatusOK, "GET", "/api/v1/audit?action=webhook.", admin, nil)
	var actions []string
	for _, e := range log["items"].([]any) {
		actions = append(actions, e.(map[string]any)["action"].(string))
	}
	if got := strings.Join(actions, " "); got != "webhook.delete webhook.update webhook.rotate_secret webhook.create" {
		t.Errorf("audit log: %s", got)
	}
	if strings.Contains(fmt.Sprint(log), "whsec_") {
		t.Errorf("the audit log holds a secret")
	}
}
