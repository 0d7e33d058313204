package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestAssignAPI: the desk assigns an RMA to one of its users at the
// version it read, finds it by assignee in urgency order, and sees the
// requester's unread message; a requester sees neither, may not assign,
// and a user who is not of the desk is refused naming the field. On both
// databases.
func TestAssignAPI(t *testing.T) {
	t.Parallel()
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			h := newHarnessOn(t, backend)
			ctx := t.Context()
			accounts := auth.NewAccounts(h.db)
			desk, err := h.db.OrgByName(ctx, "Desk")
			if err != nil {
				t.Fatal(err)
			}
			anna, err := accounts.CreateUser(ctx, rma.System, desk.ID, "anna@desk.example", "", rma.RoleAgent, "a long enough password")
			if err != nil {
				t.Fatal(err)
			}
			them, err := accounts.CreateUser(ctx, rma.System, h.orgs["pixfra"].ID, "rma@dist.example", "", rma.RoleRequester, "a long enough password")
			if err != nil {
				t.Fatal(err)
			}
			rmaID := id(h.submit(h.keys["pixfra"], pixfraTwoUnits()))
			path := fmt.Sprintf("/api/v1/rmas/%d/assign", rmaID)
			h.must(http.StatusPreconditionRequired, "POST", path, h.keys["agent"], map[string]any{"assignee": anna.ID})
			h.must(http.StatusForbidden, "POST", path, h.keys["pixfra"], map[string]any{"assignee": anna.ID}, "If-Match", h.etag(rmaID))
			bad := h.do("POST", path, h.keys["agent"], map[string]any{"assignee": them.ID}, "If-Match", h.etag(rmaID))
			if bad.status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.body), `"field":"assignee"`) {
				t.Fatalf("assigning to a requester: %d %s", bad.status, bad.body)
			}
			stale := h.etag(rmaID)
			r := h.must(http.StatusOK, "POST", path, h.keys["agent"], map[string]any{"assignee": anna.ID}, "If-Match", stale)
			if int64(r["assignee"].(float64)) != anna.ID {
				t.Fatalf("assigned: %v", r["assignee"])
			}
			h.must(http.StatusPreconditionFailed, "POST", path, h.keys["agent"], map[string]any{"assignee": nil}, "If-Match", stale)
			list := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas?order=urgency&assignee=%d", anna.ID), h.keys["agent"], nil)
			if items := list["items"].([]any); len(items) != 1 || int64(field(items, 0, "id").(float64)) != rmaID {
				t.Fatalf("anna's queue: %v", list)
			}
			h.must(http.StatusUnprocessableEntity, "GET", "/api/v1/rmas?order=loudest", h.keys["agent"], nil)

			h.must(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/rmas/%d/messages", rmaID), h.keys["pixfra"], map[string]any{"body": "News?"})
			if got := h.get(rmaID); got["unread"] != true {
				t.Fatalf("the desk's view after the requester wrote: unread %v", got["unread"])
			}
			mine := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d", rmaID), h.keys["pixfra"], nil)
			if _, ok := mine["assignee"]; ok {
				t.Fatal("the requester sees the assignee")
			}
			if _, ok := mine["unread"]; ok {
				t.Fatal("the requester sees the desk's unread marker")
			}
			if !strings.Contains(fmt.Sprint(events(h, rmaID)), "assign->submitted") {
				t.Fatalf("the history lacks the assignment: %v", events(h, rmaID))
			}
		})
	}
}
