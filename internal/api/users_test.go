package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
)

// auditActionsOf reads GET /api/v1/audit with a query: each entry as
// "action target".
func auditActionsOf(h *harness, query string) []string {
	h.t.Helper()
	page := h.must(http.StatusOK, "GET", "/api/v1/audit?"+query, h.keys["admin"], nil)
	out := []string{}
	for _, it := range page["items"].([]any) {
		e := it.(map[string]any)
		out = append(out, fmt.Sprintf("%s %s", e["action"], e["target"].(map[string]any)["name"]))
	}
	return out
}

// TestUsersAndInvitations: an admin invites a user (without mail the link
// comes back), lists, changes the role, disables and enables, sends the
// invitation again; the invitee uses the newest link once; every step is
// in the audit log, on both databases.
func TestUsersAndInvitations(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { usersAndInvitations(t, newHarnessOn(t, b)) })
	}
}

func usersAndInvitations(t *testing.T, h *harness) {
	admin := h.keys["admin"]
	desk := h.must(http.StatusOK, "GET", "/api/v1/me", admin, nil)["org"].(map[string]any)["id"]
	invited := h.must(http.StatusCreated, "POST", "/api/v1/users", admin,
		map[string]any{"org_id": desk, "email": "Erin@Desk.example", "name": "Erin", "role": "agent", "language": "nl"})
	user := invited["user"].(map[string]any)
	inv := invited["invitation"].(map[string]any)
	if user["status"] != "invited" || user["role"] != "agent" || user["last_sign_in"] != nil || inv["mailed"] != false {
		t.Fatalf("invited: %v", invited)
	}
	link, _ := inv["link"].(string)
	if !strings.Contains(link, "/invite/") {
		t.Fatalf("no link without mail: %v", inv)
	}
	id := fmt.Sprint(user["id"])

	// Refused: the same email in another case, a requester role at the
	// desk, an organisation that is not there, another role than admin.
	h.must(http.StatusConflict, "POST", "/api/v1/users", admin, map[string]any{"org_id": desk, "email": "erin@desk.EXAMPLE", "role": "agent"})
	h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/users", admin, map[string]any{"org_id": desk, "email": "x@desk.example", "role": "requester"})
	h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/users", admin, map[string]any{"org_id": h.orgs["dexxon"].ID, "email": "x@dexxon.example", "role": "agent"})
	h.must(http.StatusUnprocessableEntity, "POST", "/api/v1/users", admin, map[string]any{"org_id": 99999, "email": "x@desk.example", "role": "agent"})
	h.must(http.StatusForbidden, "POST", "/api/v1/users", h.keys["agent"], map[string]any{"org_id": desk, "email": "x@desk.example", "role": "agent"})

	list := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/users?org=%v", desk), admin, nil)["users"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["email"] != "Erin@Desk.example" {
		t.Fatalf("users of the desk: %v", list)
	}

	u := h.must(http.StatusOK, "PUT", "/api/v1/users/"+id+"/role", admin, map[string]any{"role": "technician"})
	if u["role"] != "technician" {
		t.Fatalf("role: %v", u)
	}
	h.must(http.StatusUnprocessableEntity, "PUT", "/api/v1/users/"+id+"/role", admin, map[string]any{"role": "requester"})
	if u = h.must(http.StatusOK, "PUT", "/api/v1/users/erin@desk.example/disabled", admin, map[string]any{"disabled": true}); u["status"] != "disabled" {
		t.Fatalf("disabled: %v", u)
	}
	h.must(http.StatusUnprocessableEntity, "PUT", "/api/v1/users/"+id+"/disabled", admin, map[string]any{})
	h.must(http.StatusOK, "PUT", "/api/v1/users/"+id+"/disabled", admin, map[string]any{"disabled": false})

	// Sent again: the first link is replaced, the second one works once.
	again := h.must(http.StatusOK, "POST", "/api/v1/users/"+id+"/invitation", admin, nil)
	second := again["invitation"].(map[string]any)["link"].(string)
	if second == link {
		t.Fatal("the same link again")
	}
	accounts := auth.NewAccounts(h.db)
	token := func(link string) string { return link[strings.LastIndex(link, "/")+1:] }
	if _, _, err := accounts.Invitation(t.Context(), token(link)); err != auth.ErrInvitationReplaced {
		t.Fatalf("the first link: %v, want replaced", err)
	}
	if _, err := accounts.AcceptInvitation(t.Context(), token(second), "a long enough password"); err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.AcceptInvitation(t.Context(), token(second), "another long password"); err != auth.ErrInvitationUsed {
		t.Fatalf("the link used again: %v", err)
	}
	if _, _, err := auth.SignIn(t.Context(), h.db, "erin@desk.example", "a long enough password"); err != nil {
		t.Fatalf("sign in with the chosen password: %v", err)
	}
	h.must(http.StatusConflict, "POST", "/api/v1/users/"+id+"/invitation", admin, nil)
	h.must(http.StatusOK, "DELETE", "/api/v1/users/"+id+"/sessions", admin, nil)

	got := auditActionsOf(h, "action=user.")
	want := []string{"user.sessions_end Erin@Desk.example", "user.invite_accept Erin@Desk.example", "user.invite_resend Erin@Desk.example",
		"user.enable Erin@Desk.example", "user.disable Erin@Desk.example", "user.role Erin@Desk.example", "user.invite Erin@Desk.example"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("audit %q,\nwant %q", got, want)
	}
	// The entries name the user by ID too, and say what changed.
	page := h.must(http.StatusOK, "GET", "/api/v1/audit?action=user.role&target="+id, admin, nil)["items"].([]any)
	if len(page) != 1 {
		t.Fatalf("by target id: %v", page)
	}
	role := page[0].(map[string]any)
	if c := role["changes"].([]any)[0].(map[string]any); c["field"] != "role" || c["from"] != "agent" || c["to"] != "technician" {
		t.Fatalf("the role's change: %v", role)
	}
	if a := role["actor"].(map[string]any); a["name"] != "Desk (key "+h.keys["admin"][3:11]+")" || a["key_id"] == nil {
		t.Fatalf("the actor: %v", a)
	}
}

// TestKeysAudited: a key made for a requester organisation works and shows
// when it was last used; revoked, its next call is 401; both are in the
// audit log.
func TestKeysAudited(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.keys["admin"]
	made := h.must(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/orgs/%d/keys", h.orgs["dexxon"].ID), admin, map[string]any{"role": "requester", "name": "ERP link"})
	key, prefix := made["key"].(string), made["prefix"].(string)
	h.must(http.StatusOK, "GET", "/api/v1/rmas", key, nil)
	keys := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/keys?org=%d", h.orgs["dexxon"].ID), admin, nil)["keys"].([]any)
	var mine map[string]any
	for _, k := range keys {
		if k.(map[string]any)["prefix"] == prefix {
			mine = k.(map[string]any)
		}
	}
	if mine == nil || mine["last_used"] == nil || mine["revoked"] != nil {
		t.Fatalf("the key listed: %v", keys)
	}
	h.must(http.StatusOK, "DELETE", "/api/v1/keys/"+prefix, admin, nil)
	h.must(http.StatusUnauthorized, "GET", "/api/v1/rmas", key, nil)
	got := auditActionsOf(h, "action=key.&target="+prefix)
	if want := []string{"key.revoke Org dexxon", "key.create Org dexxon"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("audit %q, want %q", got, want)
	}
	// The harness's own keys were made by the system: in the log too.
	if got := auditActionsOf(h, "actor=system&action=key.create&limit=200"); len(got) != 3+len(requesterOrgs) {
		t.Fatalf("the system's keys: %d entries", len(got))
	}
}

// TestAuditPages: the log's filters are checked, and its pages follow one
// another without repeats.
func TestAuditPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.keys["admin"]
	for _, q := range []string{"from=yesterday", "to=2026-13-01", "limit=0", "limit=201", "cursor=nonsense", "actor=" + url.QueryEscape("a\x00b")} {
		h.must(http.StatusUnprocessableEntity, "GET", "/api/v1/audit?"+q, admin, nil)
	}
	h.must(http.StatusForbidden, "GET", "/api/v1/audit", h.keys["agent"], nil)
	seen := map[any]bool{}
	next := ""
	for pages := 0; ; pages++ {
		q := "limit=4"
		if next != "" {
			q += "&cursor=" + url.QueryEscape(next)
		}
		page := h.must(http.StatusOK, "GET", "/api/v1/audit?"+q, admin, nil)
		for _, it := range page["items"].([]any) {
			id := it.(map[string]any)["id"]
			if seen[id] {
				t.Fatalf("entry %v on two pages", id)
			}
			seen[id] = true
		}
		next, _ = page["next"].(string)
		if next == "" {
			break
		}
		if pages > 10 {
			t.Fatal("the pages never end")
		}
	}
	// The harness made keys and organisations, each an entry.
	all := h.must(http.StatusOK, "GET", "/api/v1/audit?limit=200", admin, nil)["items"].([]any)
	if len(seen) != len(all) || len(seen) < 3+len(requesterOrgs) {
		t.Fatalf("%d entries on pages of 4, %d on one page, want them the same and one at least per key the harness made", len(seen), len(all))
	}
	// Days are whole days in UTC: today's entries are from today to today.
	today := h.must(http.StatusOK, "GET", "/api/v1/audit?limit=200&from="+todayUTC()+"&to="+todayUTC(), admin, nil)["items"].([]any)
	if len(today) != len(seen) {
		t.Fatalf("today: %d entries, want %d", len(today), len(seen))
	}
	if none := h.must(http.StatusOK, "GET", "/api/v1/audit?to=2000-01-01", admin, nil)["items"].([]any); len(none) != 0 {
		t.Fatalf("before 2000: %v", none)
	}
}

func todayUTC() string { return time.Now().UTC().Format(time.DateOnly) }
