package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Password reset by emailed link. The link's token is signed with the
// session key and names the user, an expiry, and a digest of the user's
// current password hash: it needs no table, and it stops working as soon
// as the password changes, so it can be used once.

const resetTTL = time.Hour

func (s *Server) resetToken(u *rma.User, expires time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(u.ID))
	binary.BigEndian.PutUint64(b[8:], uint64(expires.Unix()))
	m := hmac.New(sha256.New, s.cfg.SessionKey)
	m.Write([]byte("password-reset\x00"))
	m.Write(b[:])
	m.Write([]byte(u.PasswordHash))
	return base64.RawURLEncoding.EncodeToString(append(b[:], m.Sum(nil)...))
}

// resetUser checks a token and returns its user.
func (s *Server) resetUser(r *http.Request, token string) (*rma.User, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 16+sha256.Size {
		return nil, false
	}
	if time.Now().Unix() > int64(binary.BigEndian.Uint64(raw[8:16])) {
		return nil, false
	}
	u, err := s.svc.Store().UserByID(r.Context(), int64(binary.BigEndian.Uint64(raw[:8])))
	if err != nil {
		return nil, false
	}
	want := s.resetToken(u, time.Unix(int64(binary.BigEndian.Uint64(raw[8:16])), 0))
	return u, hmac.Equal([]byte(want), []byte(token))
}

func (s *Server) resetPage(w http.ResponseWriter, r *http.Request) {
	p := &page{translator: translator{language(r)}, request: r}
	p.Title = p.T("reset.title")
	s.render(w, http.StatusOK, "reset", p)
}

// resetRequest sends the link. The answer is the same whether or not the
// email has an account, so the form tells nobody who has one.
func (s *Server) resetRequest(w http.ResponseWriter, r *http.Request) {
	p := &page{translator: translator{language(r)}, request: r}
	p.Title = p.T("reset.title")
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	if !s.perIP.allow(clientIP(r)) || !s.perEmail.allow("reset:"+rma.NameKey(email)) { // one account, however typed
		p.Error = p.T("login.limited")
		s.render(w, http.StatusTooManyRequests, "reset", p)
		return
	}
	if u, err := s.svc.Store().UserByEmail(r.Context(), email); err == nil && s.cfg.Mail != nil {
		expires := time.Now().Add(resetTTL)
		link := strings.TrimRight(s.cfg.PublicURL, "/") + "/reset/" + s.resetToken(u, expires)
		msg := notify.NewMessage("reset-"+u.Email+"-"+expires.Format("20060102150405"), u.Email, notify.PasswordReset,
			notify.Facts{ResetURL: link, ResetExpires: expires.UTC().Format("2006-01-02 15:04 UTC")}, s.mailLanguage(r, u, p.lang)) // languages.go
		if err := s.cfg.Mail.Send(r.Context(), msg); err != nil {
			s.cfg.Log.WarnContext(r.Context(), "password reset mail", "err", err)
		}
	}
	p.Flash = p.T("reset.sent")
	s.render(w, http.StatusOK, "reset", p)
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) {
	p := &page{translator: translator{language(r)}, request: r}
	p.Title = p.T("reset.title")
	if _, ok := s.resetUser(r, r.PathValue("token")); !ok {
		p.Error = p.T("reset.invalid")
		s.render(w, http.StatusNotFound, "reset", p)
		return
	}
	p.Data = map[string]string{"Token": r.PathValue("token")}
	s.render(w, http.StatusOK, "reset_new", p)
}

func (s *Server) resetSet(w http.ResponseWriter, r *http.Request) {
	p := &page{translator: translator{language(r)}, request: r}
	p.Title = p.T("reset.title")
	token := r.PathValue("token")
	u, ok := s.resetUser(r, token)
	if !ok {
		p.Error = p.T("reset.invalid")
		s.render(w, http.StatusNotFound, "reset", p)
		return
	}
	hash, err := auth.HashPassword(r.PostFormValue("password"))
	if err != nil {
		p.Error = err.Error()
		p.Data = map[string]string{"Token": token}
		s.render(w, http.StatusUnprocessableEntity, "reset_new", p)
		return
	}
	if err := s.svc.Store().SetPassword(r.Context(), u.ID, hash); err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.redirectFlash(w, r, "/login", p.T("reset.done"))
}
