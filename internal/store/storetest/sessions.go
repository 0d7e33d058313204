package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Sessions, disabled users and the administration of API keys. Session
// times are taken from the wall clock, not the fixtures' base: CreateSession
// removes sessions whose expiry has passed by the store's clock.

// sessionTimes are a fresh session's times: made a minute ago, seen now,
// ending in twelve hours.
func sessionTimes() (created, seen, expires time.Time) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	return now.Add(-time.Minute), now, now.Add(12 * time.Hour)
}

// mkSession stores a session for user with a made-up token hash.
func mkSession(t *testing.T, s rma.Store, user *rma.User, n int) *rma.Session {
	t.Helper()
	created, seen, expires := sessionTimes()
	ss := &rma.Session{TokenHash: fmt.Sprintf("%064x", user.ID*1000+int64(n)), UserID: user.ID, Created: created, LastSeen: seen, Expires: expires}
	must(t, s.CreateSession(t.Context(), ss))
	return ss
}

func mkUser(t *testing.T, s rma.Store, org *rma.Org, email string) *rma.User {
	t.Helper()
	u := &rma.User{OrgID: org.ID, Email: email, Name: email, Role: rma.RoleRequester, PasswordHash: "$argon2id$x", Created: minute(1)}
	must(t, s.CreateUser(t.Context(), u))
	return u
}

// wantNoSession fails unless the hash finds no session.
func wantNoSession(t *testing.T, s rma.Store, hash string) {
	t.Helper()
	_, _, _, err := s.Session(t.Context(), hash)
	wantCode(t, err, rma.ENOTFOUND)
}

func testSessions(t *testing.T, open Opener) {
	t.Run("round trip with user and organisation", func(t *testing.T) {
		s := open(t)
		org := mkOrg(t, s, "Dexxon")
		u := mkUser(t, s, org, "anna@dexxon.example")
		ss := mkSession(t, s, u, 1)
		got, gotUser, gotOrg, err := s.Session(t.Context(), ss.TokenHash)
		must(t, err)
		wantSame(t, "Session", ss, got)
		u.LastSignIn = ss.Created // a session is a sign-in
		wantSame(t, "Session user", u, gotUser)
		wantSame(t, "Session org", org, gotOrg)
	})
	t.Run("unknown token", func(t *testing.T) {
		s := open(t)
		wantNoSession(t, s, fmt.Sprintf("%064x", 42))
		wantNoSession(t, s, "")
	})
	t.Run("a token hash is unique", func(t *testing.T) {
		s := open(t)
		u := mkUser(t, s, mkOrg(t, s, "Dexxon"), "anna@dexxon.example")
		ss := mkSession(t, s, u, 1)
		again := *ss
		wantCode(t, s.CreateSession(t.Context(), &again), rma.ECONFLICT)
	})
	t.Run("unknown user", func(t *testing.T) {
		s := open(t)
		created, seen, expires := sessionTimes()
		wantCode(t, s.CreateSession(t.Context(), &rma.Session{TokenHash: "ab", UserID: 4242, Created: created, LastSeen: seen, Expires: expires}), rma.ENOTFOUND)
	})
	t.Run("sign-out ends one session", func(t *testing.T) {
		s := open(t)
		u := mkUser(t, s, mkOrg(t, s, "Dexxon"), "anna@dexxon.example")
		one, two := mkSession(t, s, u, 1), mkSession(t, s, u, 2)
		must(t, s.DeleteSession(t.Context(), one.TokenHash))
		wantNoSession(t, s, one.TokenHash)
		must(t, s.DeleteSession(t.Context(), one.TokenHash)) // again: no error
		if _, _, _, err := s.Session(t.Context(), two.TokenHash); err != nil {
			t.Fatalf("the other session ended too: %v", err)
		}
	})
	t.Run("sign out everywhere ends every session of the user only", func(t *testing.T) {
		s := open(t)
		org := mkOrg(t, s, "Dexxon")
		u, other := mkUser(t, s, org, "anna@dexxon.example"), mkUser(t, s, org, "bob@dexxon.example")
		mine := []*rma.Session{mkSession(t, s, u, 1), mkSession(t, s, u, 2), mkSession(t, s, u, 3)}
		theirs := mkSession(t, s, other, 1)
		n, err := s.DeleteUserSessions(t.Context(), u.ID)
		must(t, err)
		if n != 3 {
			t.Fatalf("ended %d sessions, want 3", n)
		}
		for _, ss := range mine {
			wantNoSession(t, s, ss.TokenHash)
		}
		if _, _, _, err := s.Session(t.Context(), theirs.TokenHash); err != nil {
			t.Fatalf("another user's session ended: %v", err)
		}
		n, err = s.DeleteUserSessions(t.Context(), u.ID)
		must(t, err)
		if n != 0 {
			t.Fatalf("ended %d sessions the second time", n)
		}
	})
	t.Run("a new password ends the user's sessions", func(t *testing.T) {
		s := open(t)
		org := mkOrg(t, s, "Dexxon")
		u, other := mkUser(t, s, org, "anna@dexxon.example"), mkUser(t, s, org, "bob@dexxon.example")
		ss, theirs := mkSession(t, s, u, 1), mkSession(t, s, other, 1)
		must(t, s.SetPassword(t.Context(), u.ID, "$argon2id$new"))
		wantNoSession(t, s, ss.TokenHash)
		if _, _, _, err := s.Session(t.Context(), theirs.TokenHash); err != nil {
			t.Fatalf("another user's session ended: %v", err)
		}
	})
	t.Run("disabling ends the sessions and reads back", func(t *testing.T) {
		s := open(t)
		org := mkOrg(t, s, "Dexxon")
		u, other := mkUser(t, s, org, "anna@dexxon.example"), mkUser(t, s, org, "bob@dexxon.example")
		ss, theirs := mkSession(t, s, u, 1), mkSession(t, s, other, 1)
		must(t, s.SetUserDisabled(t.Context(), u.ID, true))
		wantNoSession(t, s, ss.TokenHash)
		if _, _, _, err := s.Session(t.Context(), theirs.TokenHash); err != nil {
			t.Fatalf("another user's session ended: %v", err)
		}
		byID, err := s.UserByID(t.Context(), u.ID)
		must(t, err)
		byEmail, err := s.UserByEmail(t.Context(), u.Email)
		must(t, err)
		if !byID.Disabled || !byEmail.Disabled {
			t.Fatalf("disabled reads back as %v (by ID), %v (by email)", byID.Disabled, byEmail.Disabled)
		}
		// A session made anyway (a sign-in that raced the disabling) shows
		// the user disabled, so the caller refuses it.
		late := mkSession(t, s, u, 2)
		_, lateUser, _, err := s.Session(t.Context(), late.TokenHash)
		must(t, err)
		if !lateUser.Disabled {
			t.Fatal("a session of a disabled user reads the user as enabled")
		}
		must(t, s.SetUserDisabled(t.Context(), u.ID, false))
		byID, err = s.UserByID(t.Context(), u.ID)
		must(t, err)
		if byID.Disabled {
			t.Fatal("still disabled after enabling")
		}
		wantCode(t, s.SetUserDisabled(t.Context(), u.ID+1000, true), rma.ENOTFOUND)
	})
	t.Run("a user created disabled reads back", func(t *testing.T) {
		s := open(t)
		u := &rma.User{OrgID: mkOrg(t, s, "Dexxon").ID, Email: "gone@dexxon.example", Role: rma.RoleRequester, Disabled: true, Created: minute(1)}
		must(t, s.CreateUser(t.Context(), u))
		got, err := s.UserByID(t.Context(), u.ID)
		must(t, err)
		wantSame(t, "User", u, got)
	})
	t.Run("touch moves last seen forward only", func(t *testing.T) {
		s := open(t)
		u := mkUser(t, s, mkOrg(t, s, "Dexxon"), "anna@dexxon.example")
		ss := mkSession(t, s, u, 1)
		later := ss.LastSeen.Add(10 * time.Minute)
		must(t, s.TouchSession(t.Context(), ss.TokenHash, later))
		must(t, s.TouchSession(t.Context(), ss.TokenHash, ss.LastSeen)) // earlier: ignored
		got, _, _, err := s.Session(t.Context(), ss.TokenHash)
		must(t, err)
		if !got.LastSeen.Equal(later) || !got.Created.Equal(ss.Created) || !got.Expires.Equal(ss.Expires) {
			t.Fatalf("after touching: %+v, want last seen %s", got, later)
		}
		must(t, s.TouchSession(t.Context(), "unknown", later)) // a session gone meanwhile: no error
	})
	t.Run("a new session sweeps expired ones", func(t *testing.T) {
		s := open(t)
		u := mkUser(t, s, mkOrg(t, s, "Dexxon"), "anna@dexxon.example")
		now := time.Now().UTC().Truncate(time.Microsecond)
		dead := &rma.Session{TokenHash: "dead", UserID: u.ID, Created: now.Add(-13 * time.Hour), LastSeen: now.Add(-2 * time.Hour), Expires: now.Add(-time.Hour)}
		must(t, s.CreateSession(t.Context(), dead))
		live := mkSession(t, s, u, 1)
		wantNoSession(t, s, dead.TokenHash)
		if _, _, _, err := s.Session(t.Context(), live.TokenHash); err != nil {
			t.Fatal(err)
		}
	})
}

func testAPIKeyAdmin(t *testing.T, open Opener) {
	t.Run("list all or one organisation's, revoked too", func(t *testing.T) {
		s := open(t)
		a, b := mkOrg(t, s, "Dexxon"), mkOrg(t, s, "Pixfra")
		keys := []*rma.APIKey{
			{OrgID: a.ID, Role: rma.RoleRequester, Prefix: "aaaaaaa1", Hash: "h1", Name: "ERP", Created: minute(1)},
			{OrgID: b.ID, Role: rma.RoleRequester, Prefix: "bbbbbbb2", Hash: "h2", Created: minute(2)},
			{OrgID: a.ID, Role: rma.RoleRequester, Prefix: "aaaaaaa3", Hash: "h3", Created: minute(3), Revoked: minute(4)},
		}
		for _, k := range keys {
			must(t, s.CreateAPIKey(t.Context(), k))
		}
		all, err := s.APIKeys(t.Context(), 0)
		must(t, err)
		wantSame(t, "APIKeys(all)", []rma.APIKey{*keys[0], *keys[1], *keys[2]}, all)
		ofA, err := s.APIKeys(t.Context(), a.ID)
		must(t, err)
		wantSame(t, "APIKeys(org)", []rma.APIKey{*keys[0], *keys[2]}, ofA)
		none, err := s.APIKeys(t.Context(), a.ID+b.ID+1000)
		must(t, err)
		if len(none) != 0 {
			t.Fatalf("an unknown organisation has %d keys", len(none))
		}
	})
	t.Run("revoke refuses the key at once and keeps the first time", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		k := &rma.APIKey{OrgID: o.ID, Role: rma.RoleRequester, Prefix: "aaaaaaa1", Hash: "h1", Created: minute(1)}
		other := &rma.APIKey{OrgID: o.ID, Role: rma.RoleRequester, Prefix: "aaaaaaa2", Hash: "h2", Created: minute(1)}
		must(t, s.CreateAPIKey(t.Context(), k))
		must(t, s.CreateAPIKey(t.Context(), other))
		got, err := s.RevokeAPIKey(t.Context(), k.Prefix, minute(5))
		must(t, err)
		want := *k
		want.Revoked = minute(5)
		wantSame(t, "revoked key", &want, got)
		_, _, err = s.APIKeyAndOrg(t.Context(), k.Prefix)
		wantCode(t, err, rma.ENOTFOUND)
		again, err := s.RevokeAPIKey(t.Context(), k.Prefix, minute(9))
		must(t, err)
		if !again.Revoked.Equal(minute(5)) {
			t.Fatalf("revoking again moved the time to %s", again.Revoked)
		}
		if _, _, err := s.APIKeyAndOrg(t.Context(), other.Prefix); err != nil {
			t.Fatalf("another key was revoked too: %v", err)
		}
		_, err = s.RevokeAPIKey(t.Context(), "nosuchky", minute(5))
		wantCode(t, err, rma.ENOTFOUND)
	})
}

// TwoHandles opens two stores on one new database, as two instances of
// the desk would: what one ends, the other must refuse at its next read.
type TwoHandles func(t *testing.T) (rma.Store, rma.Store)

// RunShared runs the cases that need two instances on one database.
func RunShared(t *testing.T, open TwoHandles) {
	t.Run("sessions end on every instance", func(t *testing.T) {
		a, b := open(t)
		org := mkOrg(t, a, "Dexxon")
		u := mkUser(t, a, org, "anna@dexxon.example")
		one, two, three := mkSession(t, a, u, 1), mkSession(t, a, u, 2), mkSession(t, a, u, 3)
		if _, _, _, err := b.Session(t.Context(), one.TokenHash); err != nil {
			t.Fatalf("the other instance does not see the session: %v", err)
		}
		must(t, a.DeleteSession(t.Context(), one.TokenHash))
		wantNoSession(t, b, one.TokenHash)
		if _, err := b.DeleteUserSessions(t.Context(), u.ID); err != nil {
			t.Fatal(err)
		}
		wantNoSession(t, a, two.TokenHash)
		wantNoSession(t, a, three.TokenHash)
		four := mkSession(t, b, u, 4)
		must(t, a.SetPassword(t.Context(), u.ID, "$argon2id$new"))
		wantNoSession(t, b, four.TokenHash)
		five := mkSession(t, b, u, 5)
		must(t, a.SetUserDisabled(t.Context(), u.ID, true))
		wantNoSession(t, b, five.TokenHash)
		got, err := b.UserByEmail(t.Context(), u.Email)
		must(t, err)
		if !got.Disabled {
			t.Fatal("the other instance reads the user as enabled")
		}
	})
	t.Run("a revoked key is refused on every instance", func(t *testing.T) {
		a, b := open(t)
		o := mkOrg(t, a, "Dexxon")
		k := &rma.APIKey{OrgID: o.ID, Role: rma.RoleRequester, Prefix: "aaaaaaa1", Hash: "h1", Created: minute(1)}
		must(t, a.CreateAPIKey(t.Context(), k))
		if _, _, err := b.APIKeyAndOrg(t.Context(), k.Prefix); err != nil {
			t.Fatalf("the other instance does not find the key: %v", err)
		}
		if _, err := a.RevokeAPIKey(t.Context(), k.Prefix, minute(2)); err != nil {
			t.Fatal(err)
		}
		_, _, err := b.APIKeyAndOrg(t.Context(), k.Prefix)
		wantCode(t, err, rma.ENOTFOUND)
	})
}
