package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestLanguages: an admin sets an organisation's and a user's language;
// the views show them, /me says which language the caller's emails go in,
// and a language the desk does not write in is a 422 naming the field.
func TestLanguages(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { languages(t, newHarnessOn(t, b)) })
	}
}

func languages(t *testing.T, h *harness) {
	org := h.orgs["dexxon"]
	admin := h.keys["admin"]
	orgPath := fmt.Sprintf("/api/v1/orgs/%d/language", org.ID)

	me := h.must(http.StatusOK, "GET", "/api/v1/me", h.keys["dexxon"], nil)
	if str(me, "language") != "en" || str(me, "org", "language") != "" {
		t.Fatalf("before: /me = %v", me)
	}
	got := h.must(http.StatusOK, "PUT", orgPath, admin, map[string]any{"language": "NL"})
	if str(got, "language") != "nl" || id(got) != org.ID {
		t.Fatalf("PUT language: %v", got)
	}
	me = h.must(http.StatusOK, "GET", "/api/v1/me", h.keys["dexxon"], nil)
	if str(me, "language") != "nl" || str(me, "org", "language") != "nl" {
		t.Fatalf("after: /me = %v", me)
	}
	list := h.must(http.StatusOK, "GET", "/api/v1/orgs", admin, nil)
	seen := false
	for _, o := range list["orgs"].([]any) {
		o := o.(map[string]any)
		want := ""
		if int64(o["id"].(float64)) == org.ID {
			want, seen = "nl", true
		}
		if o["language"] != want {
			t.Errorf("GET /orgs: %v has language %q, want %q", o["name"], o["language"], want)
		}
	}
	if !seen {
		t.Fatal("GET /orgs does not list the organisation")
	}

	// A user's own language comes before the organisation's.
	user, err := auth.NewAccounts(h.db).CreateUser(context.Background(), rma.System, org.ID, "jan@dexxon.example", "Jan", rma.RoleRequester, "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	u := h.must(http.StatusOK, "PUT", "/api/v1/users/jan@dexxon.example/language", admin, map[string]any{"language": "en"})
	if str(u, "user", "language") != "en" || str(u, "user", "email") != user.Email {
		t.Fatalf("PUT user language: %v", u)
	}
	orgLang, userLang, err := h.db.(rma.LanguageStore).Languages(context.Background(), org.ID, user.ID)
	if err != nil || orgLang != "nl" || userLang != "en" || rma.RecipientLanguage(orgLang, userLang) != "en" {
		t.Fatalf("stored: %q, %q, %v", orgLang, userLang, err)
	}

	bad := []struct {
		name, path string
		body       any
		status     int
		field      string
	}{
		{"unknown language", orgPath, map[string]any{"language": "fr"}, http.StatusUnprocessableEntity, "language"},
		{"no language", orgPath, map[string]any{}, http.StatusUnprocessableEntity, "language"},
		{"not text", orgPath, map[string]any{"language": 7}, http.StatusUnprocessableEntity, "language"},
		{"unknown field", orgPath, map[string]any{"language": "nl", "lang": "nl"}, http.StatusUnprocessableEntity, "lang"},
		{"no such organisation", "/api/v1/orgs/999999/language", map[string]any{"language": "nl"}, http.StatusNotFound, ""},
		{"no such user", "/api/v1/users/nobody@example.com/language", map[string]any{"language": "nl"}, http.StatusNotFound, ""},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("PUT", tc.path, admin, tc.body)
			if r.status != tc.status || r.header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status %d (%s), want %d problem+json: %s", r.status, r.header.Get("Content-Type"), tc.status, r.body)
			}
			if tc.field != "" {
				if f := str(r.json(t), "errors", 0, "field"); f != tc.field {
					t.Errorf("field %q, want %q: %s", f, tc.field, r.body)
				}
			}
		})
	}
	// Nothing was half-written by the refusals.
	if me := h.must(http.StatusOK, "GET", "/api/v1/me", h.keys["dexxon"], nil); str(me, "org", "language") != "nl" {
		t.Fatalf("after refusals: %v", me)
	}
}
