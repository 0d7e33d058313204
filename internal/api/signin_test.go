package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/sso"
)

// TestSignInSettings: the provider's settings through the API, the secret
// never sent back and kept when a PUT leaves it out, each change in the
// audit log; bad input names its field and changes nothing.
func TestSignInSettings(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	srv := httptest.NewServer(New(h.svc, Config{PublicURL: "https://desk.example/", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	t.Cleanup(srv.Close)
	old := h.srv
	h.srv = srv
	defer func() { h.srv = old }()
	admin := h.keys["admin"]
	const path = "/api/v1/settings/sign-in"
	stored := func() *sso.Settings {
		t.Helper()
		s, err := h.db.(signInStore).SignInProvider(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	audits := func() []any {
		t.Helper()
		return h.must(http.StatusOK, "GET", "/api/v1/audit?action=sign_in.", admin, nil)["items"].([]any)
	}

	first := h.must(http.StatusOK, "GET", path, admin, nil)
	if first["enabled"] != false || first["staff_passwords"] != true || first["client_secret_set"] != false || first["callback_url"] != "https://desk.example/login/oidc/callback" {
		t.Fatalf("at first: %v", first)
	}
	yes, no := true, false
	body := map[string]any{"name": "Contoso", "issuer": "https://login.contoso.example/realms/desk", "client_id": "rmadesk", "client_secret": "s3cret-value",
		"scopes": []string{"openid", "email", "groups", "email"}, "groups_claim": "groups",
		"roles":        []map[string]any{{"group": "desk-admins", "role": "admin"}, {"group": "desk-agents", "role": "agent"}},
		"create_users": &yes, "staff_passwords": &no}
	resp := h.do("PUT", path, admin, body)
	if resp.status != http.StatusOK || strings.Contains(string(resp.body), "s3cret") {
		t.Fatalf("PUT: %d %s", resp.status, resp.body)
	}
	got := resp.json(t)
	if got["enabled"] != true || got["client_secret_set"] != true || strings.Join(strs(got["scopes"]), " ") != "email groups" || str(got, "roles", 1, "group") != "desk-agents" {
		t.Fatalf("saved: %v", got)
	}
	if raw := h.do("GET", path, admin, nil); strings.Contains(string(raw.body), "s3cret") || raw.json(t)["client_secret_set"] != true {
		t.Fatalf("GET shows the secret, or not that it is set: %s", raw.body)
	}
	if s := stored(); s.ClientSecret != "s3cret-value" || s.StaffPasswords || !s.CreateUsers || s.UpdatedBy == "" {
		t.Fatalf("stored: %+v", s)
	}
	// Without a secret: kept.
	delete(body, "client_secret")
	body["name"] = "Contoso ID"
	h.must(http.StatusOK, "PUT", path, admin, body)
	if s := stored(); s.ClientSecret != "s3cret-value" || s.Name != "Contoso ID" {
		t.Fatalf("after a PUT without the secret: %+v", s)
	}
	entries := audits()
	if len(entries) != 2 {
		t.Fatalf("%d audit entries, want 2", len(entries))
	}
	raw, _ := json.Marshal(entries)
	if strings.Contains(string(raw), "s3cret") || !strings.Contains(string(raw), "(set)") || !strings.Contains(string(raw), "Contoso ID") {
		t.Fatalf("the audit log: %s", raw)
	}

	// Refused, naming the field; nothing stored, nothing logged.
	before := *stored()
	for _, tc := range []struct {
		name  string
		edit  func(m map[string]any)
		field string
	}{
		{"a role the desk has not", func(m map[string]any) {
			m["roles"] = []map[string]any{{"group": "a", "role": "admin"}, {"group": "b", "role": "requester"}}
		}, "roles[1].role"},
		{"a group as a comment", func(m map[string]any) { m["roles"] = []map[string]any{{"group": "#admins", "role": "admin"}} }, "roles[0].group"},
		{"no roles", func(m map[string]any) { m["roles"] = []any{} }, "roles"},
		{"a scope with a space", func(m map[string]any) { m["scopes"] = []string{"email", "a b"} }, "scopes[1]"},
		{"an issuer in clear text", func(m map[string]any) { m["issuer"] = "http://login.contoso.example" }, "issuer"},
		{"no client id", func(m map[string]any) { m["client_id"] = "" }, "client_id"},
		{"staff passwords left out", func(m map[string]any) { delete(m, "staff_passwords") }, "staff_passwords"},
		{"a secret and clear", func(m map[string]any) { m["client_secret"], m["clear_client_secret"] = "x", true }, "client_secret"},
		{"a role of the wrong type", func(m map[string]any) { m["roles"] = []any{map[string]any{"group": "a", "role": 7}} }, "roles[0].role"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := map[string]any{}
			for k, v := range body {
				m[k] = v
			}
			tc.edit(m)
			resp := h.do("PUT", path, admin, m)
			if resp.status != http.StatusUnprocessableEntity || str(resp.json(t), "errors", 0, "field") != tc.field {
				t.Fatalf("%d %s", resp.status, resp.body)
			}
		})
	}
	if after := stored(); after.Name != before.Name || after.Issuer != before.Issuer || len(after.Roles) != len(before.Roles) || len(audits()) != 2 {
		t.Fatalf("refused PUTs changed %+v into %+v", before, after)
	}
	// Cleared on purpose; off with an empty issuer and client ID.
	body["clear_client_secret"] = true
	if got := h.must(http.StatusOK, "PUT", path, admin, body); got["client_secret_set"] != false || stored().ClientSecret != "" {
		t.Fatalf("cleared: %v", got)
	}
	off := map[string]any{"issuer": "", "client_id": "", "create_users": &no, "staff_passwords": &yes}
	if got := h.must(http.StatusOK, "PUT", path, admin, off); got["enabled"] != false {
		t.Fatalf("off: %v", got)
	}
	for _, who := range []string{"agent", "technician", "dexxon"} {
		h.must(http.StatusForbidden, "GET", path, h.keys[who], nil)
		h.must(http.StatusForbidden, "PUT", path, h.keys[who], body)
	}

	// The deployment's settings win: shown, not changed here.
	deployed := httptest.NewServer(New(h.svc, Config{SignInProvider: &sso.Settings{Issuer: "https://idp.example", ClientID: "desk", ClientSecret: "deployed-secret",
		GroupsClaim: "groups", Roles: []sso.RoleRule{{Group: "g", Role: rma.RoleAdmin}}}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	t.Cleanup(deployed.Close)
	h.srv = deployed
	got = h.must(http.StatusOK, "GET", path, admin, nil)
	if got["from_deployment"] != true || got["issuer"] != "https://idp.example" || got["client_secret_set"] != true {
		t.Fatalf("deployed: %v", got)
	}
	h.must(http.StatusConflict, "PUT", path, admin, off)
}
