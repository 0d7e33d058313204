package web

import (
	"net/http"

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
