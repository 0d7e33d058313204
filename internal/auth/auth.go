// Package auth owns credentials: API keys (made, hashed, checked) and the
// Actor a request acts as. Who may do what once authenticated is the rma
// package's rule (rma.Can); this package only says who is asking.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// An API key reads rk_PREFIX_SECRET: the prefix finds the key's record, the
// whole key is compared by its SHA-256. Keys carry 160 random bits, so a
// fast hash is enough: there is no password to guess.
const keyScheme = "rk_"

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewKey makes a key; the caller shows it once and stores only the prefix
// and the hash.
func NewKey() (key, prefix, hash string, err error) {
	var p [5]byte
	var s [20]byte
	if _, err := rand.Read(p[:]); err != nil {
		return "", "", "", err
	}
	if _, err := rand.Read(s[:]); err != nil {
		return "", "", "", err
	}
	prefix = strings.ToLower(b32.EncodeToString(p[:]))
	key = keyScheme + prefix + "_" + strings.ToLower(b32.EncodeToString(s[:]))
	return key, prefix, HashKey(key), nil
}

// HashKey returns the stored form of a key.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// prefixOf returns the prefix of a well-formed key.
func prefixOf(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, keyScheme)
	if !ok {
		return "", false
	}
	prefix, secret, ok := strings.Cut(rest, "_")
	if !ok || len(prefix) != 8 || len(secret) != 32 {
		return "", false
	}
	return prefix, true
}

// KeyStore is what Authenticate needs of the store.
type KeyStore interface {
	APIKeyAndOrg(ctx context.Context, prefix string) (*rma.APIKey, *rma.Org, error)
}

// Authenticate returns the actor an API key stands for, or EUNAUTHORIZED.
// Every failure looks the same to the caller.
func Authenticate(ctx context.Context, store KeyStore, key string) (rma.Actor, error) {
	denied := rma.Errorf(rma.EUNAUTHORIZED, "missing or invalid API key")
	prefix, ok := prefixOf(key)
	if !ok {
		return rma.Actor{}, denied
	}
	k, org, err := store.APIKeyAndOrg(ctx, prefix)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return rma.Actor{}, denied
	}
	if err != nil {
		return rma.Actor{}, err
	}
	if subtle.ConstantTimeCompare([]byte(k.Hash), []byte(HashKey(key))) != 1 || !k.Revoked.IsZero() {
		return rma.Actor{}, denied
	}
	if now := time.Now(); now.Sub(k.LastUsed) >= touchEvery {
		// When the key was last used, for the admin's list: written at most
		// every few minutes, like a session's last-seen time, and best
		// effort: the call is allowed either way.
		if t, ok := store.(interface {
			TouchAPIKey(ctx context.Context, keyID int64, at time.Time) error
		}); ok {
			_ = t.TouchAPIKey(ctx, k.ID, now.UTC())
		}
	}
	// A requester organisation's key can never act as the desk, whatever
	// role was written on it.
	role := k.Role
	if !org.IsDesk && role != rma.RoleRequester {
		role = rma.RoleRequester
	}
	if org.IsDesk && role == rma.RoleRequester || org.Supplier {
		return rma.Actor{}, denied
	}
	return rma.Actor{OrgID: k.OrgID, UserID: k.UserID, KeyID: k.ID, Role: role, Name: org.Name + " (key " + prefix + ")", Org: org}, nil
}
