package webhook

import (
	"net/http"
	"testing"
	"time"
)

// The specification's published vector (standard-webhooks, the reference
// libraries' tests): a receiver's library verifies what we send only if we
// reproduce it exactly.
const (
	vectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorUnix   = 1614265330
	vectorBody   = `{"test": 2432232314}`
	vectorSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignMatchesTheSpecificationVector(t *testing.T) {
	got, err := Sign(vectorSecret, vectorID, time.Unix(vectorUnix, 0), []byte(vectorBody))
	if err != nil {
		t.Fatal(err)
	}
	if got != vectorSig {
		t.Fatalf("Sign = %s, want %s", got, vectorSig)
	}
}

func TestVerify(t *testing.T) {
	at := time.Unix(vectorUnix, 0)
	other := NewSecret()
	header := func(sig string) http.Header {
		h := http.Header{}
		h.Set("webhook-id", vectorID)
		h.Set("webhook-timestamp", "1614265330")
		h.Set("webhook-signature", sig)
		return h
	}
	rotated := http.Header{}
	if err := Headers(rotated, vectorID, at, []byte(vectorBody), other, vectorSecret); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		h    http.Header
		body string
		now  time.Time
		want error
	}{
		{"the vector", header(vectorSig), vectorBody, at, nil},
		{"one of several signatures", header("v1,bm9wZQ== " + vectorSig), vectorBody, at, nil},
		{"signed with the new and the previous secret", rotated, vectorBody, at, nil},
		{"another body", header(vectorSig), `{"test": 2432232315}`, at, ErrSignature},
		{"a signature of another scheme", header("v1a," + vectorSig[3:]), vectorBody, at, ErrSignature},
		{"too old", header(vectorSig), vectorBody, at.Add(Tolerance + time.Second), ErrTimestamp},
		{"from the future", header(vectorSig), vectorBody, at.Add(-Tolerance - time.Second), ErrTimestamp},
		{"no signature", header(""), vectorBody, at, ErrMissingHeaders},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := Verify(vectorSecret, c.h, []byte(c.body), c.now); err != c.want {
				t.Fatalf("Verify = %v, want %v", err, c.want)
			}
		})
	}
	if err := Verify(other, header(vectorSig), []byte(vectorBody), at); err != ErrSignature {
		t.Fatalf("another secret: %v", err)
	}
	if _, err := Sign("whsec_not base64!", vectorID, at, nil); err == nil {
		t.Fatal("a secret that is not base64 signed")
	}
}
