package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Passwords are hashed with argon2id (RFC 9106's second recommended
// setting: 64 MiB, 3 passes) and stored in the PHC string format, so the
// parameters travel with the hash and can be raised later without breaking
// existing passwords.
const (
	argonThreads = 2
	argonKeyLen  = 32
	minPassword  = 10
)

// cost is the passes and KiB of memory a new hash takes.
var cost = struct{ time, memory uint32 }{3, 64 * 1024}

// LowerCostForTests makes new hashes cheap (one pass over 64 KiB) in a
// test binary: the portal's tests sign in hundreds of times, and argon2
// at its real cost was three quarters of their CPU. A stored hash carries
// its parameters, so checking one runs the same code at either cost.
// Call it before any test runs (TestMain); outside a test binary it
// panics, so no desk can be built with it.
func LowerCostForTests() {
	if !testing.Testing() {
		panic("auth.LowerCostForTests called outside a test binary")
	}
	cost.time, cost.memory = 1, 64
}

// HashPassword returns the stored form of a password.
func HashPassword(password string) (string, error) {
	if len(password) < minPassword {
		return "", rma.Invalid("password", "at least %d characters", minPassword)
	}
	if len(password) > 1024 {
		return "", rma.Invalid("password", "at most 1024 characters")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, cost.time, cost.memory, argonThreads, argonKeyLen)
	return phc(salt, key), nil
}

// CheckPassword reports whether password matches the stored hash.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || mem == 0 || mem > 1<<22 || t == 0 || t > 20 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// UserStore is what signing in needs of the store.
type UserStore interface {
	CreateUser(ctx context.Context, u *rma.User) error
	UserByEmail(ctx context.Context, email string) (*rma.User, error)
	Org(ctx context.Context, id int64) (*rma.Org, error)
}

// phc is a hash's stored form, with the parameters it was made with.
func phc(salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, cost.memory, cost.time, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// dummyHash is checked when the email is unknown, so a sign-in takes as
// long whether or not the account exists: the same parameters, a key no
// password derives. It is written out rather than hashed: hashing it cost
// every start of every command 260 ms and 64 MiB, which the process then
// held until the runtime gave it back.
func dummyHash() string { return phc(make([]byte, 16), make([]byte, argonKeyLen)) }

// SignIn returns the actor for an email and password, or EUNAUTHORIZED for
// any mismatch (the caller cannot tell which part was wrong).
func SignIn(ctx context.Context, store UserStore, email, password string) (rma.Actor, *rma.User, error) {
	denied := rma.Errorf(rma.EUNAUTHORIZED, "wrong email or password")
	u, err := store.UserByEmail(ctx, strings.TrimSpace(email))
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		CheckPassword(dummyHash(), password)
		return rma.Actor{}, nil, denied
	}
	if err != nil {
		return rma.Actor{}, nil, err
	}
	if u.PasswordHash == "" || !CheckPassword(u.PasswordHash, password) {
		return rma.Actor{}, nil, denied
	}
	if u.Disabled {
		return rma.Actor{}, nil, errDisabled // told only to whoever knows the password
	}
	a, err := UserActor(ctx, store, u)
	return a, u, err
}

// UserActor is the actor a signed-in user acts as.
func UserActor(ctx context.Context, store UserStore, u *rma.User) (rma.Actor, error) {
	org, err := store.Org(ctx, u.OrgID)
	if err != nil {
		return rma.Actor{}, err
	}
	return ActorOf(u, org), nil
}

// CreateUser adds a user with a password to an organisation (admins only).
func (a *Accounts) CreateUser(ctx context.Context, actor rma.Actor, orgID int64, email, name string, role rma.Role, password string) (*rma.User, error) {
	return a.CreateUserHashed(ctx, actor, orgID, email, name, role, func() (string, error) { return HashPassword(password) })
}

// CreateUserHashed is CreateUser with the password's hash made by hash,
// once the user is found valid: users that share a password (a demo's
// public one) may share its hash, where each hash costs a third of a
// second and 64 MB.
func (a *Accounts) CreateUserHashed(ctx context.Context, actor rma.Actor, orgID int64, email, name string, role rma.Role, hash func() (string, error)) (*rma.User, error) {
	if !rma.Can(actor.Role, rma.OpAdminister) {
		return nil, rma.Errorf(rma.EFORBIDDEN, "role %s may not manage users", actor.Role)
	}
	org, err := a.store.Org(ctx, orgID)
	if err != nil {
		return nil, err
	}
	// Stored NFC without invisible characters; unique by rma.NameKey, so
	// an address in another case or encoding is the same account.
	email, err = rma.CleanEmail("email", email)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) == "" {
		name = ""
	} else if name, err = rma.CleanName("name", name, 200); err != nil {
		return nil, err
	}
	if _, ok := rma.ParseRole(string(role)); !ok || org.IsDesk == (role == rma.RoleRequester) {
		return nil, rma.Invalid("role", "requester for a requester organisation; agent, technician or admin for the desk")
	}
	h, err := hash()
	if err != nil {
		return nil, err
	}
	u := &rma.User{OrgID: orgID, Email: email, Name: name, Role: role, PasswordHash: h}
	if err := a.store.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}
