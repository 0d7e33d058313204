// Package webhook owns the desk's outgoing webhooks after the Standard
// Webhooks specification: the signature (signature.go), what an event is
// called and who may hear it (events.go), and the Dispatcher that delivers
// them (dispatch.go) with its retry schedule and its guard against
// requests into the desk's own network (guard.go).
//
// The outbox is the store's: every event the desk appends to an RMA's
// history is written to webhook_outbox in the same transaction, so a change
// that committed is an event that will be delivered, whatever crashes
// between. The Dispatcher fans the outbox out to the endpoints that want
// each event (one delivery per endpoint and event, its webhook-id fixed
// there) and delivers them, at least once: a delivery whose worker died is
// taken up again when its lease lapses, with the same webhook-id, which is
// what receivers deduplicate on.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SecretPrefix marks a secret in the specification's form: "whsec_" and
// the key in standard base64.
const SecretPrefix = "whsec_"

// NewSecret makes a random 24-byte key in the whsec_ form (Svix's length;
// the specification asks for 24 to 64 bytes).
func NewSecret() string {
	key := make([]byte, 24)
	if _, err := rand.Read(key); err != nil {
		panic(err) // crypto/rand does not fail on the platforms we build for
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(key)
}

// secretKey is the key a secret stands for. Like the reference libraries,
// the prefix is optional.
func secretKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(key) == 0 {
		return nil, errors.New("a webhook secret is whsec_ followed by a base64 key")
	}
	return key, nil
}

// Sign is one signature, "v1," and base64 of HMAC-SHA256 over
// id.timestamp.body.
func Sign(secret, id string, timestamp time.Time, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	return sign(key, id, timestamp.Unix(), body), nil
}

func sign(key []byte, id string, unix int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, unix)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Headers sets the specification's three headers: the signature is one per
// secret, space-separated, so a receiver that has either the new or the
// previous secret during a rotation verifies the message.
func Headers(h http.Header, id string, timestamp time.Time, body []byte, secrets ...string) error {
	var sigs []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		sig, err := Sign(s, id, timestamp, body)
		if err != nil {
			return err
		}
		sigs = append(sigs, sig)
	}
	if len(sigs) == 0 {
		return errors.New("no secret to sign with")
	}
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", strconv.FormatInt(timestamp.Unix(), 10))
	h.Set("webhook-signature", strings.Join(sigs, " "))
	return nil
}

// Tolerance is how far a message's timestamp may be from the receiver's
// clock, either way, before Verify refuses it as a replay.
const Tolerance = 5 * time.Minute

// Verification errors.
var (
	ErrMissingHeaders = errors.New("webhook-id, webhook-timestamp and webhook-signature are required")
	ErrTimestamp      = errors.New("webhook-timestamp is too far from now")
	ErrSignature      = errors.New("no webhook-signature matches")
)

// Verify is what a receiver does (docs/API.md): the timestamp within
// Tolerance of now, and one of the space-separated v1 signatures equal, in
// constant time, to the one its secret makes.
func Verify(secret string, h http.Header, body []byte, now time.Time) error {
	key, err := secretKey(secret)
	if err != nil {
		return err
	}
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return ErrMissingHeaders
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	if d := now.Sub(time.Unix(unix, 0)); d > Tolerance || d < -Tolerance {
		return ErrTimestamp
	}
	want := []byte(sign(key, id, unix, body))
	for _, sig := range strings.Fields(sigs) {
		if subtle.ConstantTimeCompare([]byte(sig), want) == 1 {
			return nil
		}
	}
	return ErrSignature
}
