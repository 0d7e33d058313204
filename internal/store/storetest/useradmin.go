package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Administering users (rma.UserAdminStore, issue 15): the list, roles,
// invitations and their one use, the last sign-in, and keys' last use.

func userAdminStore(t *testing.T, s rma.Store) rma.UserAdminStore {
	t.Helper()
	us, ok := s.(rma.UserAdminStore)
	if !ok {
		t.Fatal("the store does not administer users (rma.UserAdminStore)")
	}
	return us
}

// invitationAt is an invitation made at created, valid for a week.
func invitationAt(n int, created time.Time) *rma.Invitation {
	return &rma.Invitation{TokenHash: fmt.Sprintf("%064x", n), Created: created, Expires: created.Add(7 * 24 * time.Hour)}
}

func testUserAdmin(t *testing.T, open Opener) {
	now := time.Now().UTC().Truncate(time.Microsecond)

	t.Run("users, roles and the last sign-in", func(t *testing.T) {
		s := open(t)
		ua := userAdminStore(t, s)
		ctx := t.Context()
		dexxon, desk := mkOrg(t, s, "Dexxon"), &rma.Org{Name: "The desk", IsDesk: true}
		must(t, s.CreateOrg(ctx, desk))
		anna := mkUser(t, s, dexxon, "anna@dexxon.example")
		bob := &rma.User{OrgID: desk.ID, Email: "bob@desk.example", Role: rma.RoleAgent, PasswordHash: "$argon2id$x", Created: minute(2)}
		must(t, s.CreateUser(ctx, bob))
		all, err := ua.Users(ctx, 0)
		must(t, err)
		if len(all) != 2 || all[0].ID != anna.ID || all[1].ID != bob.ID {
			t.Fatalf("Users(0) = %+v", all)
		}
		wantSame(t, "listed user", *anna, all[0])
		one, err := ua.Users(ctx, desk.ID)
		must(t, err)
		if len(one) != 1 || one[0].ID != bob.ID {
			t.Fatalf("Users(desk) = %+v", one)
		}
		must(t, ua.SetUserRole(ctx, bob.ID, rma.RoleAdmin))
		got, err := s.UserByID(ctx, bob.ID)
		must(t, err)
		if got.Role != rma.RoleAdmin || !got.LastSignIn.IsZero() {
			t.Fatalf("after SetUserRole: %+v", got)
		}
		wantCode(t, ua.SetUserRole(ctx, 999999, rma.RoleAgent), rma.ENOTFOUND)
		wantCode(t, ua.SetUserRole(ctx, bob.ID, "owner"), rma.EINVALID)
		ss := mkSession(t, s, bob, 1)
		got, err = s.UserByID(ctx, bob.ID)
		must(t, err)
		if !got.LastSignIn.Equal(ss.Created) {
			t.Fatalf("LastSignIn %s, want the session's start %s", got.LastSignIn, ss.Created)
		}
	})

	t.Run("an invitation is used once", func(t *testing.T) {
		s := open(t)
		ua := userAdminStore(t, s)
		ctx := t.Context()
		org := mkOrg(t, s, "Dexxon")
		u := &rma.User{OrgID: org.ID, Email: "Carla@Dexxon.example", Name: "Carla", Role: rma.RoleRequester}
		inv := invitationAt(1, now)
		must(t, ua.Invite(ctx, u, inv))
		if u.ID == 0 || inv.UserID != u.ID || u.PasswordHash != "" {
			t.Fatalf("invited: user %+v, invitation %+v", u, inv)
		}
		got, gotUser, err := ua.Invitation(ctx, inv.TokenHash)
		must(t, err)
		wantSame(t, "Invitation", inv, got)
		wantSame(t, "invited user", u, gotUser)
		open, err := ua.OpenInvitations(ctx)
		must(t, err)
		if len(open) != 1 || open[0].TokenHash != inv.TokenHash {
			t.Fatalf("OpenInvitations = %+v", open)
		}
		// The same email again, in another case: taken, and nothing written.
		wantCode(t, ua.Invite(ctx, &rma.User{OrgID: org.ID, Email: "carla@dexxon.EXAMPLE", Role: rma.RoleRequester}, invitationAt(2, now)), rma.ECONFLICT)
		_, _, err = ua.Invitation(ctx, invitationAt(2, now).TokenHash)
		wantCode(t, err, rma.ENOTFOUND)

		accepted, err := ua.AcceptInvitation(ctx, inv.TokenHash, "$argon2id$new", now.Add(time.Hour))
		must(t, err)
		if accepted.ID != u.ID || accepted.PasswordHash != "$argon2id$new" {
			t.Fatalf("accepted: %+v", accepted)
		}
		got, _, err = ua.Invitation(ctx, inv.TokenHash)
		must(t, err)
		if !got.Used.Equal(now.Add(time.Hour)) {
			t.Fatalf("Used = %s", got.Used)
		}
		_, err = ua.AcceptInvitation(ctx, inv.TokenHash, "$argon2id$other", now.Add(2*time.Hour))
		wantCode(t, err, rma.ECONFLICT)
		if u2, _ := s.UserByID(ctx, u.ID); u2.PasswordHash != "$argon2id$new" {
			t.Fatal("a used invitation set the password again")
		}
		_, err = ua.AcceptInvitation(ctx, fmt.Sprintf("%064x", 99), "$argon2id$x", now)
		wantCode(t, err, rma.ENOTFOUND)
		if open, _ := ua.OpenInvitations(ctx); len(open) != 0 {
			t.Fatalf("a used invitation is still open: %+v", open)
		}
	})

	t.Run("a newer invitation replaces the older; an expired one is refused", func(t *testing.T) {
		s := open(t)
		ua := userAdminStore(t, s)
		ctx := t.Context()
		u := &rma.User{OrgID: mkOrg(t, s, "Dexxon").ID, Email: "dan@dexxon.example", Role: rma.RoleRequester}
		first := invitationAt(1, now)
		must(t, ua.Invite(ctx, u, first))
		second := invitationAt(2, now.Add(time.Minute))
		must(t, ua.Invite(ctx, u, second)) // u has its ID: the same user
		got, _, err := ua.Invitation(ctx, first.TokenHash)
		must(t, err)
		if !got.Replaced.Equal(second.Created) || !got.Used.IsZero() {
			t.Fatalf("the first invitation after the second: %+v", got)
		}
		_, err = ua.AcceptInvitation(ctx, first.TokenHash, "$argon2id$x", now.Add(2*time.Minute))
		wantCode(t, err, rma.ECONFLICT)
		open, err := ua.OpenInvitations(ctx)
		must(t, err)
		if len(open) != 1 || open[0].TokenHash != second.TokenHash {
			t.Fatalf("OpenInvitations = %+v", open)
		}
		_, err = ua.AcceptInvitation(ctx, second.TokenHash, "$argon2id$x", second.Expires)
		wantCode(t, err, rma.EPRECONDITION)
		if u2, _ := s.UserByID(ctx, u.ID); u2.PasswordHash != "" {
			t.Fatal("an expired invitation set the password")
		}
		wantCode(t, ua.Invite(ctx, &rma.User{ID: 999999}, invitationAt(3, now)), rma.ENOTFOUND)
	})

	t.Run("a key's last use", func(t *testing.T) {
		s := open(t)
		ua := userAdminStore(t, s)
		ctx := t.Context()
		org := mkOrg(t, s, "Dexxon")
		k := &rma.APIKey{OrgID: org.ID, Role: rma.RoleRequester, Prefix: "abcd2345", Hash: "h", Created: minute(1)}
		must(t, s.CreateAPIKey(ctx, k))
		must(t, ua.TouchAPIKey(ctx, k.ID, now))
		must(t, ua.TouchAPIKey(ctx, k.ID, now.Add(-time.Hour))) // earlier: kept as it was
		got, _, err := s.APIKeyAndOrg(ctx, k.Prefix)
		must(t, err)
		if !got.LastUsed.Equal(now) {
			t.Fatalf("LastUsed %s, want %s", got.LastUsed, now)
		}
		keys, err := s.APIKeys(ctx, 0)
		must(t, err)
		if len(keys) != 1 || !keys[0].LastUsed.Equal(now) {
			t.Fatalf("APIKeys = %+v", keys)
		}
	})
}
