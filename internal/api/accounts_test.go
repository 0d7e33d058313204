package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/postgres"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
)

// secondInstance is the harness's API served by a second server with its
// own handle on the same database, as a second instance of the desk.
func secondInstance(t *testing.T, h *harness) *harness {
	t.Helper()
	var db interface {
		rma.Store
		Close() error
	}
	var err error
	if h.backend == "postgres" {
		db, err = postgres.Open(context.Background(), h.pgURL)
	} else {
		db, err = sqlite.Open(context.Background(), filepath.Join(h.dir, "rmadesk.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv := httptest.NewServer(New(rma.NewService(db, h.svc.Policies()), Config{}).Handler())
	t.Cleanup(srv.Close)
	other := *h
	other.srv, other.db = srv, db
	return &other
}

// keyPrefix is the prefix of a key rk_PREFIX_SECRET.
func keyPrefix(key string) string { return strings.Split(key, "_")[1] }

// TestRevokeKey: an admin lists the keys (never a secret or a hash) and
// revokes one; the key is refused at once, on this instance and on another
// sharing the database.
func TestRevokeKey(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { revokeKey(t, newHarnessOn(t, b)) })
	}
}

func revokeKey(t *testing.T, h *harness) {
	other := secondInstance(t, h)
	list := h.must(http.StatusOK, "GET", "/api/v1/keys", h.keys["admin"], nil)
	keys := list["keys"].([]any)
	if len(keys) != len(h.keys) {
		t.Fatalf("%d keys listed, want %d", len(keys), len(h.keys))
	}
	byPrefix := map[string]map[string]any{}
	for _, k := range keys {
		k := k.(map[string]any)
		for _, secret := range []string{"key", "hash", "secret"} {
			if _, ok := k[secret]; ok {
				t.Fatalf("the list shows %q: %v", secret, k)
			}
		}
		if k["revoked"] != nil || k["org"] == "" || k["created"] == "" {
			t.Fatalf("listed key %v", k)
		}
		byPrefix[str(k, "prefix")] = k
	}
	for name, key := range h.keys {
		if byPrefix[keyPrefix(key)] == nil {
			t.Fatalf("key %s (%s) not listed", name, keyPrefix(key))
		}
	}
	if strings.Contains(string(h.do("GET", "/api/v1/keys", h.keys["admin"], nil).body), strings.Split(h.keys["dexxon"], "_")[2]) {
		t.Fatal("the list holds a key's secret")
	}
	one := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/keys?org=%d", h.orgs["dexxon"].ID), h.keys["admin"], nil)
	if ks := one["keys"].([]any); len(ks) != 1 || str(ks[0].(map[string]any), "prefix") != keyPrefix(h.keys["dexxon"]) {
		t.Fatalf("?org=: %v", one)
	}
	h.must(http.StatusNotFound, "GET", "/api/v1/keys?org=999999", h.keys["admin"], nil)
	h.must(http.StatusUnprocessableEntity, "GET", "/api/v1/keys?org=x", h.keys["admin"], nil)

	// Both instances take the key before; neither after.
	h.must(http.StatusOK, "GET", "/api/v1/me", h.keys["dexxon"], nil)
	other.must(http.StatusOK, "GET", "/api/v1/me", h.keys["dexxon"], nil)
	revoked := other.must(http.StatusOK, "DELETE", "/api/v1/keys/"+keyPrefix(h.keys["dexxon"]), h.keys["admin"], nil)
	if revoked["revoked"] == nil || str(revoked, "prefix") != keyPrefix(h.keys["dexxon"]) || revoked["org"] != "Org dexxon" {
		t.Fatalf("revoked: %v", revoked)
	}
	h.must(http.StatusUnauthorized, "GET", "/api/v1/me", h.keys["dexxon"], nil)
	other.must(http.StatusUnauthorized, "GET", "/api/v1/me", h.keys["dexxon"], nil)
	h.must(http.StatusOK, "GET", "/api/v1/me", h.keys["other"], nil) // only that key

	again := h.must(http.StatusOK, "DELETE", "/api/v1/keys/"+keyPrefix(h.keys["dexxon"]), h.keys["admin"], nil)
	if again["revoked"] != revoked["revoked"] {
		t.Fatalf("revoking again moved the time: %v, was %v", again["revoked"], revoked["revoked"])
	}
	after := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/keys?org=%d", h.orgs["dexxon"].ID), h.keys["admin"], nil)
	if k := after["keys"].([]any)[0].(map[string]any); k["revoked"] != revoked["revoked"] {
		t.Fatalf("the list shows %v", k)
	}
	h.must(http.StatusNotFound, "DELETE", "/api/v1/keys/aaaaaaaa", h.keys["admin"], nil)
	h.must(http.StatusNotFound, "DELETE", "/api/v1/keys/"+h.keys["other"], h.keys["admin"], nil) // the whole key is not a prefix
	h.must(http.StatusForbidden, "DELETE", "/api/v1/keys/"+keyPrefix(h.keys["other"]), h.keys["agent"], nil)
	h.must(http.StatusOK, "GET", "/api/v1/me", h.keys["other"], nil)
}

// TestSignOutEverywhereRoute: an admin ends every portal session of a user
// (named by ID or email), on every instance.
func TestSignOutEverywhereRoute(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { signOutEverywhere(t, newHarnessOn(t, b)) })
	}
}

func signOutEverywhere(t *testing.T, h *harness) {
	ctx := context.Background()
	other := secondInstance(t, h)
	accounts := auth.NewAccounts(h.db)
	u, err := accounts.CreateUser(ctx, rma.System, h.orgs["dexxon"].ID, "anna@dexxon.example", "", rma.RoleRequester, "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	bystander, err := accounts.CreateUser(ctx, rma.System, h.orgs["dexxon"].ID, "bob@dexxon.example", "", rma.RoleRequester, "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	start := func(u *rma.User) string {
		token, _, err := auth.StartSession(ctx, h.db, u, time.Now(), auth.SessionLimits{})
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	live := func(token string) bool {
		_, _, _, err := auth.ResumeSession(ctx, other.db, token, time.Now(), auth.SessionLimits{})
		if err != nil && rma.ErrorCode(err) != rma.EUNAUTHORIZED {
			t.Fatal(err)
		}
		return err == nil
	}
	tokens := []string{start(u), start(u)}
	theirs := start(bystander)
	got := other.must(http.StatusOK, "DELETE", "/api/v1/users/anna@dexxon.example/sessions", h.keys["admin"], nil)
	if got["sessions_ended"] != float64(2) || field(got, "user", "id") != float64(u.ID) {
		t.Fatalf("answer: %v", got)
	}
	for _, tok := range tokens {
		if live(tok) {
			t.Fatal("a session outlived sign out everywhere")
		}
	}
	if !live(theirs) {
		t.Fatal("another user's session ended")
	}
	tokens = []string{start(u)}
	got = h.must(http.StatusOK, "DELETE", fmt.Sprintf("/api/v1/users/%d/sessions", u.ID), h.keys["admin"], nil)
	if got["sessions_ended"] != float64(1) || live(tokens[0]) {
		t.Fatalf("by ID: %v", got)
	}
	h.must(http.StatusNotFound, "DELETE", "/api/v1/users/nobody@dexxon.example/sessions", h.keys["admin"], nil)
	h.must(http.StatusNotFound, "DELETE", "/api/v1/users/999999/sessions", h.keys["admin"], nil)
	h.must(http.StatusForbidden, "DELETE", "/api/v1/users/anna@dexxon.example/sessions", h.keys["agent"], nil)
}
