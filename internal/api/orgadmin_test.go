package api

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestUpdateOrg: an admin renames an organisation and changes its role,
// country and email; a bad value is 422 naming the field and changes
// nothing; a taken name is 409; the desk has no role to change; a
// supplier's pack changes and only a supplier has one.
func TestUpdateOrg(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { updateOrg(t, newHarnessOn(t, b)) })
	}
}

func updateOrg(t *testing.T, h *harness) {
	org := h.orgs["other"]
	path := fmt.Sprintf("/api/v1/orgs/%d", org.ID)
	got := h.must(http.StatusOK, "PATCH", path, h.keys["admin"], map[string]any{"name": "Other Stores", "role": "distributor", "country": "de", "email": "rma@other.example"})
	if got["name"] != "Other Stores" || got["role"] != "distributor" || got["country"] != "DE" || got["email"] != "rma@other.example" || got["standing"] != "good" {
		t.Fatalf("after PATCH: %v", got)
	}
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"bad role", map[string]any{"role": "reseller"}, "role"},
		{"bad country", map[string]any{"country": "UK"}, "country"},
		{"bad email", map[string]any{"email": "not an address"}, "email"},
		{"empty name", map[string]any{"name": " "}, "name"},
		{"policy of a requester", map[string]any{"policy": "dexxon"}, "policy"},
		{"unknown key", map[string]any{"colour": "red"}, "colour"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := h.do("PATCH", path, h.keys["admin"], tc.body)
			if resp.status != http.StatusUnprocessableEntity && resp.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 422: %s", resp.status, resp.body)
			}
			if f := str(resp.json(t), "errors", 0, "field"); f != tc.field {
				t.Fatalf("field %q, want %q: %s", f, tc.field, resp.body)
			}
		})
	}
	if o, err := h.db.Org(t.Context(), org.ID); err != nil || o.Name != "Other Stores" || o.Country != "DE" {
		t.Fatalf("a refused PATCH changed the organisation: %+v, %v", o, err)
	}
	h.must(http.StatusConflict, "PATCH", path, h.keys["admin"], map[string]any{"name": h.orgs["dexxon"].Name})
	h.must(http.StatusNotFound, "PATCH", "/api/v1/orgs/999999", h.keys["admin"], map[string]any{"name": "Nobody"})
	h.must(http.StatusForbidden, "PATCH", path, h.keys["agent"], map[string]any{"name": "Agent's"})
	h.must(http.StatusForbidden, "PATCH", path, h.keys["other"], map[string]any{"name": "Mine"})

	desk := h.must(http.StatusOK, "GET", "/api/v1/me", h.keys["admin"], nil)
	deskID := int64(desk["org"].(map[string]any)["id"].(float64))
	h.must(http.StatusUnprocessableEntity, "PATCH", fmt.Sprintf("/api/v1/orgs/%d", deskID), h.keys["admin"], map[string]any{"role": "dealer"})

	sup := mkSupplier(h, "Patch Supplier", "")
	got = h.must(http.StatusOK, "PATCH", fmt.Sprintf("/api/v1/orgs/%d", sup), h.keys["admin"], map[string]any{"policy": "pixfra"})
	if got["policy"] != "pixfra" || got["role"] != "supplier" {
		t.Fatalf("supplier after PATCH: %v", got)
	}
	resp := h.do("PATCH", fmt.Sprintf("/api/v1/orgs/%d", sup), h.keys["admin"], map[string]any{"policy": "nosuch"})
	if resp.status != http.StatusUnprocessableEntity || str(resp.json(t), "errors", 0, "field") != "policy" {
		t.Fatalf("unknown pack: %d %s", resp.status, resp.body)
	}
	// The changes are in the audit log, by the admin's key; the refused ones are not.
	log := append(auditLog(t, h, audit.OrgPolicy), auditLog(t, h, audit.OrgUpdate)...)
	if len(log) != 2 || log[1].Action != audit.OrgUpdate || log[0].Action != audit.OrgPolicy || log[1].TargetID != fmt.Sprint(org.ID) {
		t.Fatalf("audit log: %+v", log)
	}
	want := []audit.Change{{Field: "name", From: org.Name, To: "Other Stores"}, {Field: "role", From: org.Role.String(), To: "distributor"},
		{Field: "country", From: org.Country, To: "DE"}, {Field: "email", From: org.Email, To: "rma@other.example"}}
	if !reflect.DeepEqual(log[1].Changes, want) || !strings.Contains(log[1].ActorName, "key") {
		t.Fatalf("org.update entry: %+v", log[1])
	}
	if c := log[0].Changes; len(c) != 1 || c[0] != (audit.Change{Field: "policy", From: "", To: "pixfra"}) {
		t.Fatalf("org.policy entry: %+v", log[0])
	}
}

// auditLog is the audit log's entries of actions starting with prefix,
// newest first.
func auditLog(t *testing.T, h *harness, prefix string) []audit.Entry {
	t.Helper()
	entries, _, err := h.db.(audit.Store).AuditLog(t.Context(), audit.Filter{Action: prefix})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// TestRetryJob: the queue lists a dead job and a failed one apart from the
// pending ones; an admin sends each back to run now; a pending job is 409,
// a missing one 404, and only an admin may.
func TestRetryJob(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { retryJob(t, newHarnessOn(t, b)) })
	}
}

func retryJob(t *testing.T, h *harness) {
	ctx := t.Context()
	now := h.clock.Now()
	mk := func(max int) *rma.Job {
		j := &rma.Job{Kind: rma.JobNotify, RunAt: now.Add(-time.Hour), MaxAttempts: max, Payload: map[string]any{"to": "x@example.com"}}
		if err := h.db.EnqueueJob(ctx, j); err != nil {
			t.Fatal(err)
		}
		c, err := h.db.ClaimJob(ctx, "test", now, time.Minute)
		if err != nil || c.ID != j.ID {
			t.Fatalf("claim: %+v, %v", c, err)
		}
		if err := h.db.FailJob(ctx, j.ID, "test", "relay refused", now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		return j
	}
	dead, failed := mk(1), mk(5)
	pending := &rma.Job{Kind: rma.JobNotify, RunAt: now.Add(48 * time.Hour)}
	if err := h.db.EnqueueJob(ctx, pending); err != nil {
		t.Fatal(err)
	}
	ids := func(state string) []int64 {
		t.Helper()
		var out []int64
		for _, j := range h.must(http.StatusOK, "GET", "/api/v1/jobs?state="+state, h.keys["admin"], nil)["jobs"].([]any) {
			out = append(out, int64(j.(map[string]any)["id"].(float64)))
		}
		return out
	}
	if got := ids("dead"); len(got) != 1 || got[0] != dead.ID {
		t.Fatalf("dead: %v", got)
	}
	if got := ids("failed"); len(got) != 1 || got[0] != failed.ID {
		t.Fatalf("failed: %v", got)
	}
	for _, id := range ids("pending") {
		if id == failed.ID || id == dead.ID {
			t.Fatalf("pending lists %d", id)
		}
	}
	h.must(http.StatusUnprocessableEntity, "GET", "/api/v1/jobs?state=stuck", h.keys["admin"], nil)
	for _, j := range []*rma.Job{dead, failed} {
		got := h.must(http.StatusOK, "POST", fmt.Sprintf("/api/v1/jobs/%d/retry", j.ID), h.keys["admin"], nil)
		if got["state"] != "queued" || got["attempts"].(float64) != 0 || got["last_error"] != nil {
			t.Fatalf("retried: %v", got)
		}
		runAt, _ := time.Parse(time.RFC3339Nano, got["run_at"].(string))
		if runAt.After(h.clock.Now().Add(time.Second)) {
			t.Fatalf("retried to run at %v, not now (%v)", runAt, h.clock.Now())
		}
	}
	if got := ids("dead"); len(got) != 0 {
		t.Fatalf("dead after retry: %v", got)
	}
	if log := auditLog(t, h, "job."); len(log) != 2 || log[0].TargetID != fmt.Sprint(failed.ID) || log[1].TargetID != fmt.Sprint(dead.ID) ||
		log[1].Changes[0] != (audit.Change{Field: "state", From: "dead", To: "queued"}) || log[1].Changes[1].From != "relay refused" {
		t.Fatalf("audit log: %+v", log)
	}
	h.must(http.StatusConflict, "POST", fmt.Sprintf("/api/v1/jobs/%d/retry", pending.ID), h.keys["admin"], nil)
	h.must(http.StatusNotFound, "POST", "/api/v1/jobs/999999/retry", h.keys["admin"], nil)
	h.must(http.StatusForbidden, "POST", fmt.Sprintf("/api/v1/jobs/%d/retry", dead.ID), h.keys["agent"], nil)
	if log := auditLog(t, h, "job."); len(log) != 2 {
		t.Fatalf("refused retries were recorded: %+v", log)
	}
}
