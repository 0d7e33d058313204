package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// userKey makes a person of org and an API key that is theirs (the store
// keeps a key's user; Authenticate gives it to the actor).
func userKey(h *harness, org *rma.Org, email string, role rma.Role) string {
	h.t.Helper()
	u, err := auth.NewAccounts(h.db).CreateUser(h.t.Context(), rma.System, org.ID, email, "", role, "a long enough password")
	if err != nil {
		h.t.Fatal(err)
	}
	key, prefix, hash, err := auth.NewKey()
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.db.CreateAPIKey(h.t.Context(), &rma.APIKey{OrgID: org.ID, UserID: u.ID, Role: role, Prefix: prefix, Hash: hash, Name: email}); err != nil {
		h.t.Fatal(err)
	}
	return key
}

// TestSavedViews: a person's views through the API, the same the portal
// keeps; another person's are not theirs, and a key that is no person's
// is told views belong to users.
func TestSavedViews(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	desk := deskOrg(h)
	anna := userKey(h, desk, "anna@desk.example", rma.RoleAgent)
	bob := userKey(h, desk, "bob@desk.example", rma.RoleAgent)
	partner := userKey(h, h.orgs["dexxon"], "piet@dexxon.example", rma.RoleRequester)

	list := func(key string) []any {
		t.Helper()
		return h.must(http.StatusOK, "GET", "/api/v1/views", key, nil)["views"].([]any)
	}
	if n := len(list(anna)); n != 0 {
		t.Fatalf("%d views at first", n)
	}
	mine := h.must(http.StatusCreated, "POST", "/api/v1/views", anna, map[string]any{"name": " Mine, urgent ", "query": "?state=submitted&sort=urgency&mine=1"})
	if mine["name"] != "Mine, urgent" || mine["query"] != "mine=1&sort=urgency&state=submitted" || mine["link"] != "/rmas?mine=1&sort=urgency&state=submitted" {
		t.Fatalf("saved: %v", mine)
	}
	// The same name again replaces it, keeping its id.
	again := h.must(http.StatusOK, "POST", "/api/v1/views", anna, map[string]any{"name": "Mine, urgent", "query": "state=authorized"})
	if id(again) != id(mine) || again["query"] != "state=authorized" {
		t.Fatalf("replaced: %v", again)
	}
	h.must(http.StatusCreated, "POST", "/api/v1/views", partner, map[string]any{"name": "Open", "query": "state=needs_info"})
	if got := list(anna); len(got) != 1 || str(got[0], "query") != "state=authorized" {
		t.Fatalf("anna's views: %v", got)
	}
	if n := len(list(bob)); n != 0 {
		t.Fatalf("bob sees %d views of others", n)
	}
	// Refused, and nothing kept.
	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"no name", map[string]any{"name": " ", "query": "state=submitted"}, "name"},
		{"a long name", map[string]any{"name": strings.Repeat("x", 101), "query": ""}, "name"},
		{"a cursor", map[string]any{"name": "Page 2", "query": "state=submitted&cursor=abc"}, "query"},
		{"a key twice", map[string]any{"name": "Twice", "query": "state=submitted&state=closed"}, "query"},
		{"not a query", map[string]any{"name": "Bad", "query": "state=%zz"}, "query"},
		{"unknown field", map[string]any{"name": "X", "query": "", "colour": "red"}, "colour"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := h.do("POST", "/api/v1/views", anna, tc.body)
			if resp.status != http.StatusUnprocessableEntity || str(resp.json(t), "errors", 0, "field") != tc.field {
				t.Fatalf("%d %s", resp.status, resp.body)
			}
		})
	}
	if n := len(list(anna)); n != 1 {
		t.Fatalf("%d views after refused saves", n)
	}
	// Another person's view is not there for bob.
	path := fmt.Sprintf("/api/v1/views/%d", id(mine))
	h.must(http.StatusNotFound, "DELETE", path, bob, nil)
	h.must(http.StatusOK, "DELETE", path, anna, nil)
	h.must(http.StatusNotFound, "DELETE", path, anna, nil)
	h.must(http.StatusNotFound, "DELETE", "/api/v1/views/abc", anna, nil)
	if n := len(list(anna)); n != 0 {
		t.Fatalf("%d views after the delete", n)
	}
	// A key that is its organisation's: 403 saying why.
	for _, rq := range []struct{ method, path string }{{"GET", "/api/v1/views"}, {"POST", "/api/v1/views"}, {"DELETE", "/api/v1/views/1"}} {
		resp := h.do(rq.method, rq.path, h.keys["agent"], map[string]any{"name": "x", "query": ""})
		if resp.status != http.StatusForbidden || str(resp.json(t), "detail") != "saved views belong to users: this API key is its organisation's, not a person's" {
			t.Fatalf("%s %s with an organisation's key: %d %s", rq.method, rq.path, resp.status, resp.body)
		}
	}
}

// deskOrg is the harness's desk organisation.
func deskOrg(h *harness) *rma.Org {
	h.t.Helper()
	orgs, err := auth.NewAccounts(h.db).Orgs(h.t.Context(), rma.System)
	if err != nil {
		h.t.Fatal(err)
	}
	for i := range orgs {
		if orgs[i].IsDesk {
			return &orgs[i]
		}
	}
	h.t.Fatal("no desk")
	return nil
}
