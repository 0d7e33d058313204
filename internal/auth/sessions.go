package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strconv"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Portal sessions live in the database. The browser's cookie holds a
// random token (256 bits); the store keeps only its SHA-256, so neither a
// copy of the database nor its backups sign anybody in. Every signed-in
// request reads its session with the user and the organisation in one
// query, so a session ended anywhere (sign-out, a new password, a disabled
// user, an admin's "sign out everywhere") is refused by every instance at
// its next request.

// Session limits when the caller sets none. A desk's agents work a shift:
// twelve hours is the longest a session lives however busy it is; two
// hours without a request ends it sooner (a browser left open on a shared
// bench, say).
const (
	DefaultSessionIdle     = 2 * time.Hour
	DefaultSessionAbsolute = 12 * time.Hour
)

// touchEvery is how stale a session's last-seen time may get before a
// request writes it: the idle timeout is that much coarse, and a busy
// session costs one write every few minutes, not one per request.
const touchEvery = 5 * time.Minute

// SessionLimits are the idle and absolute timeouts.
type SessionLimits struct {
	Idle     time.Duration
	Absolute time.Duration
}

func (l SessionLimits) orDefault() SessionLimits {
	if l.Idle <= 0 {
		l.Idle = DefaultSessionIdle
	}
	if l.Absolute <= 0 {
		l.Absolute = DefaultSessionAbsolute
	}
	return l
}

// SessionStore is what portal sessions need of the store.
type SessionStore interface {
	CreateSession(ctx context.Context, s *rma.Session) error
	Session(ctx context.Context, tokenHash string) (*rma.Session, *rma.User, *rma.Org, error)
	TouchSession(ctx context.Context, tokenHash string, at time.Time) error
	DeleteSession(ctx context.Context, tokenHash string) error
}

// sessionTokenLen is the length of a token as the cookie holds it: 32
// bytes in unpadded base64url.
const sessionTokenLen = 43

// SessionHash is the stored form of a session token.
func SessionHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newToken makes a random token of sessionTokenLen characters (256 bits,
// unpadded base64url): a session's, or an invitation's. Only its SHA-256
// (SessionHash) is stored.
func newToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// wellFormedToken reports whether t could be one of newToken's, so that
// a malformed one needs no look-up.
func wellFormedToken(t string) bool {
	if len(t) != sessionTokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(t)
	return err == nil
}

// StartSession signs u in: it stores a new session and returns the token
// for the cookie. A disabled user gets none.
func StartSession(ctx context.Context, store SessionStore, u *rma.User, now time.Time, limits SessionLimits) (string, *rma.Session, error) {
	if u.Disabled {
		return "", nil, errDisabled
	}
	limits = limits.orDefault()
	token, err := newToken()
	if err != nil {
		return "", nil, err
	}
	now = now.UTC()
	s := &rma.Session{TokenHash: SessionHash(token), UserID: u.ID, Created: now, LastSeen: now, Expires: now.Add(limits.Absolute)}
	if err := store.CreateSession(ctx, s); err != nil {
		return "", nil, err
	}
	return token, s, nil
}

// ResumeSession returns who a session token signs in, with the user and
// the organisation, or EUNAUTHORIZED when the token is malformed, unknown,
// ended, past its absolute end, idle too long, or its user disabled. A
// session found dead is deleted.
func ResumeSession(ctx context.Context, store SessionStore, token string, now time.Time, limits SessionLimits) (rma.Actor, *rma.User, *rma.Org, error) {
	denied := rma.Errorf(rma.EUNAUTHORIZED, "not signed in")
	if !wellFormedToken(token) {
		return rma.Actor{}, nil, nil, denied // not one of ours: no need to ask the database
	}
	limits = limits.orDefault()
	hash := SessionHash(token)
	s, u, org, err := store.Session(ctx, hash)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return rma.Actor{}, nil, nil, denied
	}
	if err != nil {
		return rma.Actor{}, nil, nil, err
	}
	if u.Disabled || !now.Before(s.Expires) || !now.Before(s.LastSeen.Add(limits.Idle)) {
		// Best effort: the row is refused either way, and a later sign-in
		// sweeps it when it has expired.
		_ = store.DeleteSession(ctx, hash)
		return rma.Actor{}, nil, nil, denied
	}
	if now.Sub(s.LastSeen) >= touchEvery {
		// Best effort: the session is valid either way, and a request must
		// not fail because its browser went away before the write (a
		// cancelled context); a touch missed only brings the idle end
		// closer, never further.
		_ = store.TouchSession(ctx, hash, now.UTC())
	}
	return ActorOf(u, org), u, org, nil
}

// EndSession signs a session token out; a token that signs nobody in is no
// error.
func EndSession(ctx context.Context, store SessionStore, token string) error {
	if len(token) != sessionTokenLen {
		return nil
	}
	return store.DeleteSession(ctx, SessionHash(token))
}

// ActorOf is the actor a user of org acts as: a requester organisation's
// people are requesters, whatever role was written on them.
func ActorOf(u *rma.User, org *rma.Org) rma.Actor {
	role := u.Role
	if !org.IsDesk {
		role = rma.RoleRequester
	}
	return rma.Actor{OrgID: u.OrgID, UserID: u.ID, Role: role, Name: u.Email, Org: org}
}

// errDisabled is a sign-in refused because the account is disabled: said
// only to whoever gave its right password.
var errDisabled = rma.Errorf(rma.EFORBIDDEN, "this account is disabled")

// IsDisabled reports whether err refused a disabled account.
func IsDisabled(err error) bool { return err == errDisabled }

// AccountAdminStore is what disabling users, ending their sessions and
// revoking keys need of the store.
type AccountAdminStore interface {
	UserByID(ctx context.Context, id int64) (*rma.User, error)
	SetUserDisabled(ctx context.Context, userID int64, disabled bool) error
	DeleteUserSessions(ctx context.Context, userID int64) (int, error)
	APIKeys(ctx context.Context, orgID int64) ([]rma.APIKey, error)
	RevokeAPIKey(ctx context.Context, prefix string, at time.Time) (*rma.APIKey, error)
}

// SetUserDisabled disables a user (who cannot sign in and loses every
// session at once) or enables them again. Admins only.
// An admin does not disable themselves (the desk could be left without
// one who can enable them again).
func (a *Accounts) SetUserDisabled(ctx context.Context, actor rma.Actor, userID int64, disabled bool) error {
	if err := a.admin(actor, "manage users"); err != nil {
		return err
	}
	u, err := a.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if disabled && actor.UserID == u.ID {
		return rma.Invalid("disabled", "you cannot disable your own account: ask another admin")
	}
	action := audit.UserEnable
	if disabled {
		action = audit.UserDisable
	}
	e := userTarget(actor, action, u, audit.Change{Field: "disabled", From: strconv.FormatBool(u.Disabled), To: strconv.FormatBool(disabled)})
	return a.record(ctx, e, func(ctx context.Context) error { return a.store.SetUserDisabled(ctx, userID, disabled) })
}

// EndUserSessions signs a user out everywhere and returns how many sessions
// ended. Admins only; an unknown user is ENOTFOUND.
func (a *Accounts) EndUserSessions(ctx context.Context, actor rma.Actor, userID int64) (int, error) {
	if !rma.Can(actor.Role, rma.OpAdminister) {
		return 0, rma.Errorf(rma.EFORBIDDEN, "role %s may not manage users", actor.Role)
	}
	u, err := a.store.UserByID(ctx, userID)
	if err != nil {
		return 0, err
	}
	var n int
	err = a.record(ctx, userTarget(actor, audit.UserSessionsEnd, u), func(ctx context.Context) error {
		var err error
		n, err = a.store.DeleteUserSessions(ctx, userID)
		return err
	})
	return n, err
}

// Keys lists API keys, revoked ones too: every organisation's (orgID 0)
// or one's. Admins only. The hashes stay in the store's records; callers
// show prefixes.
func (a *Accounts) Keys(ctx context.Context, actor rma.Actor, orgID int64) ([]rma.APIKey, error) {
	if !rma.Can(actor.Role, rma.OpAdminister) {
		return nil, rma.Errorf(rma.EFORBIDDEN, "role %s may not manage keys", actor.Role)
	}
	return a.store.APIKeys(ctx, orgID)
}

// RevokeKey revokes the key with this prefix, refused from its next call
// on every instance (each call reads the key). Revoking a revoked key
// changes nothing. Admins only; a prefix that is no key's is ENOTFOUND.
func (a *Accounts) RevokeKey(ctx context.Context, actor rma.Actor, prefix string) (*rma.APIKey, error) {
	if !rma.Can(actor.Role, rma.OpAdminister) {
		return nil, rma.Errorf(rma.EFORBIDDEN, "role %s may not manage keys", actor.Role)
	}
	if !validPrefix(prefix) {
		return nil, rma.Errorf(rma.ENOTFOUND, "no API key has the prefix %q", prefix)
	}
	keys, err := a.store.APIKeys(ctx, 0)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(keys, func(k rma.APIKey) bool { return k.Prefix == prefix })
	if i < 0 {
		return nil, rma.Errorf(rma.ENOTFOUND, "no API key has the prefix %q", prefix)
	}
	org, err := a.store.Org(ctx, keys[i].OrgID)
	if err != nil {
		return nil, err
	}
	at := a.now().UTC()
	change := audit.Change{Field: "revoked", To: at.Format(time.RFC3339)}
	if was := keys[i].Revoked; !was.IsZero() {
		change = audit.Change{Field: "revoked", From: was.Format(time.RFC3339), To: was.Format(time.RFC3339)} // it stays revoked since then
	}
	var k *rma.APIKey
	e := audit.Of(actor, audit.KeyRevoke, audit.TargetKey, prefix, org.Name, change)
	err = a.record(ctx, e, func(ctx context.Context) error {
		var err error
		k, err = a.store.RevokeAPIKey(ctx, prefix, at)
		return err
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// validPrefix reports whether p could be a key's prefix: eight characters
// of lower-case base32, as NewKey makes them.
func validPrefix(p string) bool {
	if len(p) != 8 {
		return false
	}
	for _, c := range p {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}
