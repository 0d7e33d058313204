package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestReplies: the desk's canned replies through the API, as the portal
// keeps them: an agent adds and rewrites one, every desk role reads them, a
// technician may not write and a requester may not read; a missing title
// and a title taken are refused by name; a deleted reply is gone.
func TestReplies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	made := h.must(http.StatusCreated, "POST", "/api/v1/replies", h.keys["agent"], map[string]any{"title": " Received ", "body": "Your parcel is here."})
	rid := id(made)
	if made["title"] != "Received" {
		t.Fatalf("the title is kept trimmed: %v", made)
	}
	h.must(http.StatusOK, "PUT", fmt.Sprintf("/api/v1/replies/%d", rid), h.keys["admin"], map[string]any{"title": "Received", "body": "Your parcel arrived today."})
	list := h.must(http.StatusOK, "GET", "/api/v1/replies", h.keys["technician"], nil)
	if str(list, "replies", 0, "body") != "Your parcel arrived today." || len(list["replies"].([]any)) != 1 {
		t.Fatalf("the list: %v", list)
	}
	for _, c := range []struct {
		method, path, key string
		body              any
		status            int
		field             string
	}{
		{"POST", "/api/v1/replies", h.keys["technician"], map[string]any{"title": "t", "body": "b"}, http.StatusForbidden, ""},
		{"GET", "/api/v1/replies", h.keys["dexxon"], nil, http.StatusForbidden, ""},
		{"POST", "/api/v1/replies", h.keys["agent"], map[string]any{"title": "  ", "body": "b"}, http.StatusUnprocessableEntity, "title"},
		{"POST", "/api/v1/replies", h.keys["agent"], map[string]any{"title": "t"}, http.StatusUnprocessableEntity, "body"},
		{"POST", "/api/v1/replies", h.keys["agent"], map[string]any{"title": "Received", "body": "b"}, http.StatusConflict, ""},
		{"PUT", "/api/v1/replies/999999", h.keys["agent"], map[string]any{"title": "t", "body": "b"}, http.StatusNotFound, ""},
	} {
		r := h.do(c.method, c.path, c.key, c.body)
		if r.status != c.status || c.field != "" && !strings.Contains(string(r.body), `"`+c.field+`"`) ||
			c.status == http.StatusConflict && !strings.Contains(string(r.body), `a canned reply titled \"Received\" exists`) {
			t.Errorf("%s %s %v: %d %s, want %d naming %q", c.method, c.path, c.body, r.status, r.body, c.status, c.field)
		}
	}
	h.must(http.StatusOK, "DELETE", fmt.Sprintf("/api/v1/replies/%d", rid), h.keys["agent"], nil)
	if r := h.do("DELETE", fmt.Sprintf("/api/v1/replies/%d", rid), h.keys["agent"], nil); r.status != http.StatusNotFound {
		t.Fatalf("deleted twice: %d", r.status)
	}
}
