package web

import (
	"net/http"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Sessions are rows in the database (auth/sessions.go); the cookie holds
// the session's random token and nothing else. Every signed-in request
// reads the row with its user and organisation in one query, so a session
// ended on one instance (sign-out, a new password, a disabled user, an
// admin's "sign out everywhere") is refused by every other at once.

const sessionCookie = "rmadesk_session"

func (s *Server) sessionLimits() auth.SessionLimits {
	return auth.SessionLimits{Idle: s.cfg.SessionIdle, Absolute: s.cfg.SessionTTL}
}

// startSession signs u in and gives the browser the session's cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *rma.User) error {
	token, sess, err := auth.StartSession(r.Context(), s.svc.Store(), u, s.cfg.Now(), s.sessionLimits())
	if err != nil {
		return err
	}
	// The cookie lives as long as the session could; the database decides
	// whether it still does.
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode, MaxAge: int(sess.Expires.Sub(sess.Created).Seconds())})
	return nil
}

func (s *Server) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.cfg.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// session is who the request's cookie signs in: EUNAUTHORIZED when it
// signs in nobody.
func (s *Server) session(r *http.Request) (rma.Actor, *rma.User, *rma.Org, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return rma.Actor{}, nil, nil, rma.Errorf(rma.EUNAUTHORIZED, "not signed in")
	}
	return auth.ResumeSession(r.Context(), s.svc.Store(), c.Value, s.cfg.Now(), s.sessionLimits())
}

// endSession deletes the request's session, if it has one.
func (s *Server) endSession(r *http.Request) error {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	return auth.EndSession(r.Context(), s.svc.Store(), c.Value)
}
