package web

import (
	"net/http"
	"slices"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// mailLanguage is the language of a message to u: the user's own, else
// their organisation's (rma.RecipientLanguage), else the language of the
// page they asked from, which is theirs more surely than the desk's
// default.
func (s *Server) mailLanguage(r *http.Request, u *rma.User, page string) string {
	ls, ok := s.svc.Store().(rma.LanguageStore)
	if !ok {
		return page
	}
	org, user, err := ls.Languages(r.Context(), u.OrgID, u.ID)
	if err != nil || org == "" && user == "" {
		return page
	}
	return rma.RecipientLanguage(org, user)
}

// rememberLanguage opens the portal in the language the user reads the
// desk in (theirs, else their organisation's) from sign-in on, unless this
// browser chose one already (the lang cookie, which the user can change).
func (s *Server) rememberLanguage(w http.ResponseWriter, r *http.Request, u *rma.User) {
	if _, err := r.Cookie("lang"); err == nil {
		return
	}
	ls, ok := s.svc.Store().(rma.LanguageStore)
	if !ok {
		return
	}
	org, user, err := ls.Languages(r.Context(), u.OrgID, u.ID)
	if err != nil || org == "" && user == "" {
		return // a failed read only leaves the browser's language in place
	}
	if lang := rma.RecipientLanguage(org, user); slices.Contains(Languages, lang) {
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Secure})
	}
}
