package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The audit log (internal/audit): entries round-trip, come newest first a
// keyset page at a time, filter by action, actor, target and time, and an
// entry recorded with a change is kept with it or not at all.

func auditStore(t *testing.T, s rma.Store) audit.Store {
	t.Helper()
	as, ok := s.(audit.Store)
	if !ok {
		t.Fatal("the store keeps no audit log (audit.Store)")
	}
	return as
}

// auditEntries returns every entry a filter finds, walking all its pages.
func auditEntries(t *testing.T, as audit.Store, f audit.Filter) []audit.Entry {
	t.Helper()
	var all []audit.Entry
	for range 1000 {
		page, next, err := as.AuditLog(t.Context(), f)
		must(t, err)
		all = append(all, page...)
		if next == "" {
			return all
		}
		f.Cursor = next
	}
	t.Fatal("the pages never end")
	return nil
}

func auditActions(es []audit.Entry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, fmt.Sprintf("%s %s", e.Action, e.TargetName))
	}
	return out
}

func testAudit(t *testing.T, open Opener) {
	admin := rma.Actor{OrgID: 1, UserID: 7, Role: rma.RoleAdmin, Name: "Ada@Desk.example"}
	key := rma.Actor{OrgID: 1, KeyID: 3, Role: rma.RoleAdmin, Name: "Desk (key abcd2345)"}

	t.Run("round trip, newest first", func(t *testing.T) {
		as := auditStore(t, open(t))
		at := minute(5).Truncate(time.Microsecond)
		e := audit.Of(admin, audit.UserRole, audit.TargetUser, "12", "bob@dexxon.example",
			audit.Change{Field: "role", From: "agent", To: "admin"}, audit.Change{Field: "name", From: "", To: "Bob ✓"})
		e.At = at
		must(t, as.AppendAudit(t.Context(), &e))
		if e.ID == 0 || !e.At.Equal(at) {
			t.Fatalf("appended: ID %d, At %s", e.ID, e.At)
		}
		bare := audit.Of(key, audit.KeyRevoke, audit.TargetKey, "abcd2345", "")
		must(t, as.AppendAudit(t.Context(), &bare))
		if bare.At.IsZero() || bare.ID <= e.ID {
			t.Fatalf("an entry without a time: ID %d (after %d), At %s", bare.ID, e.ID, bare.At)
		}
		got, next, err := as.AuditLog(t.Context(), audit.Filter{})
		must(t, err)
		if next != "" || len(got) != 2 {
			t.Fatalf("AuditLog: %d entries, next %q", len(got), next)
		}
		bare.Changes = []audit.Change{}
		wantSame(t, "newest entry", bare, got[0])
		wantSame(t, "older entry", e, got[1])
	})

	t.Run("refuses what it cannot keep", func(t *testing.T) {
		as := auditStore(t, open(t))
		for name, e := range map[string]audit.Entry{
			"no action":   audit.Of(admin, "", audit.TargetUser, "1", "x"),
			"no actor":    {Action: audit.UserRole},
			"a NUL":       audit.Of(admin, audit.UserRole, audit.TargetUser, "1", "x\x00y"),
			"invalid UTF": audit.Of(admin, audit.UserRole, audit.TargetUser, "1", "", audit.Change{Field: "role", To: "\xff"}),
		} {
			wantCode(t, as.AppendAudit(t.Context(), &e), rma.EINVALID)
			if e.ID != 0 {
				t.Fatalf("%s: got an ID", name)
			}
		}
		if got := auditEntries(t, as, audit.Filter{}); len(got) != 0 {
			t.Fatalf("kept %v", auditActions(got))
		}
		for _, f := range []audit.Filter{{Cursor: "nonsense"}, {Cursor: "YXVkaXQsLTE"}, {Limit: -1}, {Limit: audit.MaxLimit + 1},
			{Actor: "a\x00b"}, {From: minute(2), To: minute(1)}} {
			_, _, err := as.AuditLog(t.Context(), f)
			wantCode(t, err, rma.EINVALID)
		}
	})

	t.Run("filters and pages", func(t *testing.T) {
		as := auditStore(t, open(t))
		add := func(actor rma.Actor, action, kind, id, name string, at time.Time) {
			e := audit.Of(actor, action, kind, id, name)
			e.At = at
			must(t, as.AppendAudit(t.Context(), &e))
		}
		add(admin, audit.UserInvite, audit.TargetUser, "20", "bob@dexxon.example", minute(1))
		add(admin, audit.UserRole, audit.TargetUser, "20", "bob@dexxon.example", minute(2))
		add(key, audit.KeyCreate, audit.TargetKey, "abcd2345", "Dexxon", minute(3))
		add(admin, audit.UserDisable, audit.TargetUser, "21", "carla@pixfra.example", minute(4))
		add(key, audit.KeyRevoke, audit.TargetKey, "abcd2345", "Dexxon", minute(5))
		add(admin, "useless.thing", audit.TargetOrg, "4", "Dexxon", minute(6))
		for _, tc := range []struct {
			name string
			f    audit.Filter
			want []string
		}{
			{"everything", audit.Filter{}, []string{"useless.thing Dexxon", "key.revoke Dexxon", "user.disable carla@pixfra.example",
				"key.create Dexxon", "user.role bob@dexxon.example", "user.invite bob@dexxon.example"}},
			{"one action", audit.Filter{Action: audit.UserRole}, []string{"user.role bob@dexxon.example"}},
			{"a kind of action", audit.Filter{Action: "user."}, []string{"user.disable carla@pixfra.example",
				"user.role bob@dexxon.example", "user.invite bob@dexxon.example"}},
			{"no such action", audit.Filter{Action: "user"}, []string{}},
			{"the actor in another case", audit.Filter{Actor: "ada@desk.EXAMPLE"}, []string{"useless.thing Dexxon",
				"user.disable carla@pixfra.example", "user.role bob@dexxon.example", "user.invite bob@dexxon.example"}},
			{"the target by name", audit.Filter{Target: "BOB@dexxon.example"}, []string{"user.role bob@dexxon.example", "user.invite bob@dexxon.example"}},
			{"the target by ID", audit.Filter{Target: "abcd2345"}, []string{"key.revoke Dexxon", "key.create Dexxon"}},
			{"a name several targets have", audit.Filter{Target: "dexxon"}, []string{"useless.thing Dexxon", "key.revoke Dexxon", "key.create Dexxon"}},
			{"from", audit.Filter{From: minute(5)}, []string{"useless.thing Dexxon", "key.revoke Dexxon"}},
			{"to, excluded", audit.Filter{To: minute(2)}, []string{"user.invite bob@dexxon.example"}},
			{"all together", audit.Filter{Action: "key.", Actor: key.Name, Target: "Dexxon", From: minute(3), To: minute(4)}, []string{"key.create Dexxon"}},
		} {
			for _, limit := range []int{0, 1, 2} {
				f := tc.f
				f.Limit = limit
				got := auditActions(auditEntries(t, as, f))
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("%s, pages of %d: got %q, want %q", tc.name, limit, got, tc.want)
				}
			}
		}
		// A page's cursor names its last entry: entries added meanwhile
		// neither repeat on the next page nor push one off it.
		first, next, err := as.AuditLog(t.Context(), audit.Filter{Limit: 2})
		must(t, err)
		add(admin, audit.UserEnable, audit.TargetUser, "21", "carla@pixfra.example", minute(7))
		rest := auditEntries(t, as, audit.Filter{Limit: 2, Cursor: next})
		if len(first) != 2 || len(rest) != 4 || rest[0].Action != audit.UserDisable {
			t.Fatalf("pages around an insert: %q then %q", auditActions(first), auditActions(rest))
		}
	})

	t.Run("recorded with its change", func(t *testing.T) {
		s := open(t)
		as := auditStore(t, s)
		u := mkUser(t, s, mkOrg(t, s, "Dexxon"), "anna@dexxon.example")
		ctx := t.Context()

		// One write: the entry is in its transaction, once.
		e := audit.Of(admin, audit.UserDisable, audit.TargetUser, fmt.Sprint(u.ID), u.Email, audit.Change{Field: "disabled", From: "no", To: "yes"})
		must(t, audit.Record(ctx, as, &e, func(ctx context.Context) error {
			if err := s.SetUserDisabled(ctx, u.ID, true); err != nil {
				return err
			}
			_, err := s.DeleteUserSessions(ctx, u.ID) // a second write does not record it again
			return err
		}))
		if e.ID == 0 {
			t.Fatal("the entry has no ID")
		}

		// A change the store refuses records nothing.
		bad := audit.Of(admin, audit.UserEnable, audit.TargetUser, "999999", "nobody")
		err := audit.Record(ctx, as, &bad, func(ctx context.Context) error { return s.SetUserDisabled(ctx, 999999, false) })
		wantCode(t, err, rma.ENOTFOUND)

		// A change that fails before it writes records nothing either.
		failed := errors.New("the mail server is down")
		sent := audit.Of(admin, audit.UserInviteResend, audit.TargetUser, fmt.Sprint(u.ID), u.Email)
		if err := audit.Record(ctx, as, &sent, func(ctx context.Context) error { return failed }); !errors.Is(err, failed) {
			t.Fatalf("Record returned %v, want the change's error", err)
		}

		// A change that wrote nothing still has its entry, after it.
		none := audit.Of(admin, audit.UserSessionsEnd, audit.TargetUser, fmt.Sprint(u.ID), u.Email)
		must(t, audit.Record(ctx, as, &none, func(ctx context.Context) error { return nil }))

		// An entry alone.
		alone := audit.Of(admin, audit.KeyRevoke, audit.TargetKey, "abcd2345", "Dexxon")
		must(t, audit.Record(ctx, as, &alone, nil))

		got := auditActions(auditEntries(t, as, audit.Filter{}))
		want := []string{"key.revoke Dexxon", "user.sessions_end anna@dexxon.example", "user.disable anna@dexxon.example"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("log %q, want %q", got, want)
		}
		if u2, err := s.UserByID(ctx, u.ID); err != nil || !u2.Disabled {
			t.Fatalf("the change itself: %+v, %v", u2, err)
		}
		// An invalid entry stops the change before it is made.
		invalid := audit.Of(admin, "", audit.TargetUser, fmt.Sprint(u.ID), u.Email)
		ran := false
		wantCode(t, audit.Record(ctx, as, &invalid, func(ctx context.Context) error { ran = true; return nil }), rma.EINVALID)
		if ran {
			t.Fatal("the change ran with an entry the log cannot keep")
		}
	})
}
