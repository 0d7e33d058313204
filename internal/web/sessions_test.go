package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/policies"
)

// Sessions are server-side: every door that ends one (sign-out, a new
// password, a disabled user, an admin's "sign out everywhere", the idle and
// absolute timeouts) ends it for whoever holds a copy of the cookie, on
// every instance sharing the database.

// sessionClock is a wall clock a test can move.
type sessionClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *sessionClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *sessionClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// countingStore counts the account reads a request makes. It keeps the
// audit log of the store it wraps, which every change of an account is
// recorded in.
type countingStore struct {
	rma.Store
	keptLog
	sessions, users, orgs, touches atomic.Int64
}

type keptLog = audit.Store

func (c *countingStore) Session(ctx context.Context, hash string) (*rma.Session, *rma.User, *rma.Org, error) {
	c.sessions.Add(1)
	return c.Store.Session(ctx, hash)
}

func (c *countingStore) UserByID(ctx context.Context, id int64) (*rma.User, error) {
	c.users.Add(1)
	return c.Store.UserByID(ctx, id)
}

func (c *countingStore) Org(ctx context.Context, id int64) (*rma.Org, error) {
	c.orgs.Add(1)
	return c.Store.Org(ctx, id)
}

func (c *countingStore) TouchSession(ctx context.Context, hash string, at time.Time) error {
	c.touches.Add(1)
	return c.Store.TouchSession(ctx, hash, at)
}

// instances are n portals, each with its own handle on one SQLite file,
// as n instances of the desk sharing a database, with the accounts of
// newPortal and a movable clock.
type instances struct {
	portals  []*portal
	stores   []*countingStore
	accounts *auth.Accounts
	clock    *sessionClock
}

func newInstances(t *testing.T, n int) *instances {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filestore.Open(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	x := &instances{clock: &sessionClock{now: time.Now().UTC()}}
	for i := range n {
		db, err := sqlite.Open(ctx, filepath.Join(dir, "web.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		store := &countingStore{Store: db, keptLog: db}
		svc := rma.NewService(store, set)
		if i == 0 {
			x.accounts = auth.NewAccounts(db)
			desk, err := x.accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Desk", IsDesk: true})
			if err != nil {
				t.Fatal(err)
			}
			dist, err := x.accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Distributor", Role: "distributor", Country: "DE"})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range []struct {
				org   int64
				email string
				role  rma.Role
			}{{desk.ID, "agent@desk.example", rma.RoleAgent}, {dist.ID, "rma@dist.example", rma.RoleRequester}} {
				if _, err := x.accounts.CreateUser(ctx, rma.System, u.org, u.email, "", u.role, password); err != nil {
					t.Fatal(err)
				}
			}
		}
		outbox := &notify.Outbox{}
		s, err := New(svc, Config{Files: files, SessionKey: bytes.Repeat([]byte("k"), 32), Mail: outbox,
			PublicURL: "https://rma.example.com", Now: x.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s.Handler())
		t.Cleanup(srv.Close)
		x.portals = append(x.portals, &portal{t: t, srv: srv, svc: svc, outbox: outbox})
		x.stores = append(x.stores, store)
	}
	return x
}

// signedIn reports whether c's session signs it in on p.
func signedIn(p *portal, c *http.Client) bool {
	p.t.Helper()
	resp, _ := p.do(c, "GET", "/rmas", nil, "")
	switch {
	case resp.StatusCode == http.StatusOK:
		return true
	case resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login"):
		return false
	}
	p.t.Fatalf("GET /rmas: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	return false
}

// copyCookie is a second browser holding c's session cookie for p, as a
// thief who copied it would.
func copyCookie(p *portal, c *http.Client) *http.Client {
	p.t.Helper()
	u, _ := url.Parse(p.srv.URL)
	var token string
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			token = ck.Value
		}
	}
	if token == "" {
		p.t.Fatal("no session cookie")
	}
	thief := p.browser()
	thief.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: token}})
	return thief
}

// moveTo gives c's cookies for one portal's address to another's.
func moveTo(from, to *portal, c *http.Client) *http.Client {
	f, _ := url.Parse(from.srv.URL)
	tu, _ := url.Parse(to.srv.URL)
	out := to.browser()
	out.Jar.SetCookies(tu, c.Jar.Cookies(f))
	return out
}

// TestSignOutEndsTheSession: after sign-out, a copy of the cookie signs
// nobody in.
func TestSignOutEndsTheSession(t *testing.T) {
	x := newInstances(t, 1)
	p := x.portals[0]
	c := p.signIn("rma@dist.example")
	stolen := copyCookie(p, c)
	if !signedIn(p, stolen) {
		t.Fatal("the copied cookie does not sign in before sign-out")
	}
	if resp, _ := p.form(c, "/logout", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	if signedIn(p, stolen) {
		t.Fatal("a copy of the cookie still signs in after sign-out")
	}
	if signedIn(p, c) {
		t.Fatal("the browser that signed out is still signed in")
	}
}

// TestPasswordResetEndsSessions: a new password set through the emailed
// link ends every session of the user, not anyone else's.
func TestPasswordResetEndsSessions(t *testing.T) {
	x := newInstances(t, 1)
	p := x.portals[0]
	victim, other := p.signIn("rma@dist.example"), p.signIn("agent@desk.example")
	stolen := copyCookie(p, victim)
	if resp, _ := p.form(p.browser(), "/reset", url.Values{"email": {"rma@dist.example"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("reset request: %d", resp.StatusCode)
	}
	sent := p.outbox.Sent()
	if len(sent) != 1 {
		t.Fatalf("%d mails", len(sent))
	}
	link := regexp.MustCompile(`https://rma\.example\.com(/reset/[A-Za-z0-9_-]+)`).FindStringSubmatch(sent[0].Text)
	if link == nil {
		t.Fatalf("no link in %q", sent[0].Text)
	}
	if resp, _ := p.form(p.browser(), link[1], url.Values{"password": {"a brand new password"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set the password: %d", resp.StatusCode)
	}
	if signedIn(p, victim) || signedIn(p, stolen) {
		t.Fatal("a session outlived the password reset")
	}
	if !signedIn(p, other) {
		t.Fatal("another user's session ended")
	}
}

// TestDisabledUser: a disabled user loses their sessions at once and
// cannot sign in (told so only with the right password); enabled again,
// they can.
func TestDisabledUser(t *testing.T) {
	x := newInstances(t, 2)
	a, b := x.portals[0], x.portals[1]
	c := a.signIn("rma@dist.example")
	other := a.signIn("agent@desk.example")
	u, err := x.stores[1].UserByEmail(context.Background(), "rma@dist.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := auth.NewAccounts(x.stores[1]).SetUserDisabled(context.Background(), rma.System, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if signedIn(a, c) || signedIn(b, moveTo(a, b, c)) {
		t.Fatal("a disabled user is still signed in")
	}
	if !signedIn(a, other) {
		t.Fatal("another user's session ended")
	}
	resp, body := a.form(a.browser(), "/login", url.Values{"email": {"rma@dist.example"}, "password": {password}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "This account is disabled") {
		t.Fatalf("sign in when disabled: %d", resp.StatusCode)
	}
	resp, body = a.form(a.browser(), "/login", url.Values{"email": {"rma@dist.example"}, "password": {"a wrong password"}})
	if resp.StatusCode != http.StatusUnauthorized || strings.Contains(body, "disabled") {
		t.Fatalf("a wrong password for a disabled account: %d (it must not tell the account is disabled)", resp.StatusCode)
	}
	if err := x.accounts.SetUserDisabled(context.Background(), rma.System, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if !signedIn(b, b.signIn("rma@dist.example")) {
		t.Fatal("enabled again, the user cannot sign in")
	}
}

// TestSessionsOnEveryInstance: two portals on one database. A session made
// on one serves on the other; ended on either (sign-out, an admin's "sign
// out everywhere"), it is refused by both at once.
func TestSessionsOnEveryInstance(t *testing.T) {
	x := newInstances(t, 2)
	a, b := x.portals[0], x.portals[1]
	onA := a.signIn("rma@dist.example")
	onB := moveTo(a, b, onA)
	if !signedIn(b, onB) {
		t.Fatal("a session made on one instance does not serve on the other")
	}
	if resp, _ := b.form(onB, "/logout", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out on b: %d", resp.StatusCode)
	}
	if signedIn(a, onA) {
		t.Fatal("signed out on b, still signed in on a")
	}

	// Sign out everywhere: three browsers, on both instances.
	browsers := []*http.Client{a.signIn("rma@dist.example"), a.signIn("rma@dist.example"), b.signIn("rma@dist.example")}
	agent := a.signIn("agent@desk.example")
	u, err := x.stores[0].UserByEmail(context.Background(), "rma@dist.example")
	if err != nil {
		t.Fatal(err)
	}
	n, err := auth.NewAccounts(x.stores[1]).EndUserSessions(context.Background(), rma.System, u.ID)
	if err != nil || n != 3 {
		t.Fatalf("ended %d sessions (%v), want 3", n, err)
	}
	for i, c := range browsers {
		p := a
		if i == 2 {
			p = b
		}
		if signedIn(p, c) {
			t.Fatalf("browser %d is still signed in", i)
		}
	}
	if !signedIn(a, agent) {
		t.Fatal("another user's session ended")
	}
}

// TestSessionTimeouts: idle two hours, a session ends; however active, it
// ends twelve hours after sign-in. Activity is written at most every five
// minutes, and a request reads the session, its user and organisation in
// one query.
func TestSessionTimeouts(t *testing.T) {
	x := newInstances(t, 1)
	p, store := x.portals[0], x.stores[0]

	idle := p.signIn("rma@dist.example")
	x.clock.advance(auth.DefaultSessionIdle - time.Minute)
	if !signedIn(p, idle) {
		t.Fatal("ended before the idle timeout")
	}
	x.clock.advance(auth.DefaultSessionIdle - time.Minute) // used a minute short of two hours ago
	if !signedIn(p, idle) {
		t.Fatal("the last request did not count as activity")
	}
	x.clock.advance(auth.DefaultSessionIdle + time.Second)
	if signedIn(p, idle) {
		t.Fatal("still signed in after two idle hours")
	}

	busy := p.signIn("rma@dist.example")
	for elapsed := time.Duration(0); elapsed < auth.DefaultSessionAbsolute-time.Hour; elapsed += time.Hour {
		x.clock.advance(time.Hour)
		if !signedIn(p, busy) {
			t.Fatalf("a busy session ended after %s", elapsed+time.Hour)
		}
	}
	x.clock.advance(time.Hour)
	if signedIn(p, busy) {
		t.Fatal("a busy session outlived the absolute timeout")
	}

	cheap := p.signIn("rma@dist.example")
	store.sessions.Store(0)
	store.users.Store(0)
	store.orgs.Store(0)
	store.touches.Store(0)
	for range 5 {
		if !signedIn(p, cheap) {
			t.Fatal("signed out")
		}
	}
	if s, u, o, w := store.sessions.Load(), store.users.Load(), store.orgs.Load(), store.touches.Load(); s != 5 || u != 0 || o != 0 || w != 0 {
		t.Fatalf("5 requests read %d sessions, %d users, %d organisations and wrote %d times; want 5 session reads and nothing else", s, u, o, w)
	}
	x.clock.advance(6 * time.Minute)
	signedIn(p, cheap)
	signedIn(p, cheap)
	if w := store.touches.Load(); w != 1 {
		t.Fatalf("two requests six minutes on wrote last-seen %d times, want 1", w)
	}
}
