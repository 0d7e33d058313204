package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"time"
)

// A status message for the next page ("Done.", "Received RMA-…") travels
// in a cookie the server signs, never in the URL: a link anyone can make
// (?flash=Your+account+is+suspended) would put an attacker's words in the
// desk's voice. The cookie is short-lived, read once and cleared by the
// page that shows it; one that is unsigned, tampered with, expired or
// signed for another purpose shows nothing.

const (
	flashCookie = "rmadesk_flash"
	// flashTTL is how long a message waits for its page: the redirect that
	// follows at once, with room for a slow network.
	flashTTL = 2 * time.Minute
	// maxFlashBytes keeps the cookie well inside what browsers store.
	maxFlashBytes = 1000
)

// flashKind tells a status (shown as such) from an error (an alert).
type flashKind byte

const (
	flashStatus flashKind = 's'
	flashError  flashKind = 'e'
)

// flashMAC signs a flash payload with the session key, under its own
// label so that no other signed value (a session, a reset token) can be
// passed off as a flash or the other way round.
func (s *Server) flashMAC(payload []byte) []byte {
	m := hmac.New(sha256.New, s.cfg.SessionKey)
	m.Write([]byte("flash\x00"))
	m.Write(payload)
	return m.Sum(nil)
}

// setFlash leaves msg for the next page this browser shows.
func (s *Server) setFlash(w http.ResponseWriter, kind flashKind, msg string) {
	if len(msg) > maxFlashBytes {
		msg = msg[:maxFlashBytes] // the server's own text; never this long
	}
	payload := make([]byte, 9, 9+len(msg))
	binary.BigEndian.PutUint64(payload[:8], uint64(time.Now().Add(flashTTL).Unix()))
	payload[8] = byte(kind)
	payload = append(payload, msg...)
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(append(payload, s.flashMAC(payload)...)),
		Path: "/", MaxAge: int(flashTTL.Seconds()), HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
}

// takeFlash puts the message left for this page, if any, on p (unless
// the page has its own), and clears the cookie so that a reload does not
// show it again. Whatever the cookie holds, it is cleared; only a valid one
// is shown. render calls it, so a handler that only redirects leaves the
// message for the page it redirects to.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request, p *page) {
	if r == nil {
		return
	}
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(raw) < 9+sha256.Size {
		return
	}
	payload, mac := raw[:len(raw)-sha256.Size], raw[len(raw)-sha256.Size:]
	if !hmac.Equal(s.flashMAC(payload), mac) || time.Now().Unix() > int64(binary.BigEndian.Uint64(payload[:8])) {
		return
	}
	switch msg := string(payload[9:]); flashKind(payload[8]) {
	case flashStatus:
		if p.Flash == "" {
			p.Flash = msg
		}
	case flashError:
		if p.Error == "" {
			p.Error = msg
		}
	}
}

// redirectFlash sends the browser to a page of this site with a status
// message for it.
func (s *Server) redirectFlash(w http.ResponseWriter, r *http.Request, to, flash string) {
	s.setFlash(w, flashStatus, flash)
	http.Redirect(w, r, to, http.StatusSeeOther)
}
