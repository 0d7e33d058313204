package api

import (
	"net/http"
	"strings"
	"testing"
)

// TestOrgNamesThatLookTheSame: over the API, on both databases, an
// organisation whose name differs from another's only by characters that
// cannot be seen is refused naming the field (422), and one that differs
// only by case, Unicode form or compatibility form is the same name (409);
// nothing is stored for either (issue 10, point 20).
func TestOrgNamesThatLookTheSame(t *testing.T) {
	t.Parallel()
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			h := newHarnessOn(t, backend)
			admin := h.keys["admin"]
			org := func(name, email string) map[string]any {
				return map[string]any{"name": name, "role": "partner", "country": "NL", "email": email}
			}
			got := h.must(http.StatusCreated, "POST", "/api/v1/orgs", admin, org("Demo Partner for Dexxon", "partner@demo.example"))
			if got["name"] != "Demo Partner for Dexxon" {
				t.Fatalf("created %v", got)
			}
			h.must(http.StatusCreated, "POST", "/api/v1/orgs", admin, org("Cafe\u0301 M\u00fcller", ""))
			for _, c := range []struct{ why, name, email, field string }{
				{"zero-width space", "Demo Partner\u200b for Dexxon", "", "name"},
				{"word joiner", "Demo\u2060 Partner for Dexxon", "", "name"},
				{"right-to-left override", "Demo Partner for \u202exxon", "", "name"},
				{"Cyrillic e", "Demo Partner for D\u0435xxon", "", "name"},
				{"an invisible email", "Another Partner", "partner\u200b@demo.example", "email"},
			} {
				r := h.do("POST", "/api/v1/orgs", admin, org(c.name, c.email))
				if r.status != http.StatusUnprocessableEntity || str(r.json(t), "errors", 0, "field") != c.field {
					t.Errorf("%s: %d %s; want 422 naming %s", c.why, r.status, r.body, c.field)
				}
			}
			for _, c := range []struct{ why, name string }{
				{"case", "DEMO PARTNER FOR DEXXON"},
				{"fullwidth D", "\uff24emo Partner for Dexxon"},
				{"two spaces", "Demo  Partner for Dexxon"},
				{"NFC after NFD", "caf\u00e9 m\u00fcller"},
			} {
				if r := h.do("POST", "/api/v1/orgs", admin, org(c.name, "")); r.status != http.StatusConflict {
					t.Errorf("%s: %d %s; want 409", c.why, r.status, r.body)
				}
			}
			list := h.must(http.StatusOK, "GET", "/api/v1/orgs", admin, nil)
			n := 0
			for _, o := range list["orgs"].([]any) {
				name := o.(map[string]any)["name"].(string)
				if strings.Contains(strings.ToLower(name), "partner") || strings.Contains(strings.ToLower(name), "ller") {
					n++
				}
				if name == "Cafe\u0301 M\u00fcller" {
					t.Errorf("stored NFD: %q", name)
				}
			}
			if n != 2 {
				t.Errorf("%d look-alike organisations stored, want 2:\n%v", n, list)
			}
		})
	}
}
