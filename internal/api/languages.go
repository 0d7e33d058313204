package api

import (
	"net/http"
	"strconv"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// The language organisations and users read the desk's emails in (issue
// 12): admins set it; "" clears it, and then the organisation's, else the
// desk's default (English) applies.

// LanguageBody is PUT /api/v1/orgs/{id}/language and
// /api/v1/users/{user}/language.
type LanguageBody struct {
	Language *string `json:"language"`
}

func (b LanguageBody) value() (string, error) {
	if b.Language == nil {
		return "", rma.Invalid("language", "required (one of en, nl, or \"\" for none)")
	}
	return *b.Language, nil
}

func (s *Server) setOrgLanguage(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// The body is read first (a malformed one is 400 or 422 whoever it is
	// for), then the organisation is found (404), then the language checked.
	var b LanguageBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	if _, err := s.svc.Store().Org(r.Context(), id); err != nil {
		return err
	}
	lang, err := b.value()
	if err != nil {
		return err
	}
	o, l, err := s.accounts.SetOrgLanguage(r.Context(), actor, id, lang)
	if err != nil {
		return err
	}
	v := orgView(*o)
	v["language"] = l
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) setUserLanguage(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	if !rma.Can(actor.Role, rma.OpAdminister) {
		return rma.Errorf(rma.EFORBIDDEN, "role %s may not manage users", actor.Role)
	}
	var b LanguageBody // read first, as for an organisation
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	u, err := s.userByRef(r, r.PathValue("user"))
	if err != nil {
		return err
	}
	lang, err := b.value()
	if err != nil {
		return err
	}
	l, err := s.accounts.SetUserLanguage(r.Context(), actor, u, lang)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": map[string]any{"id": u.ID, "email": u.Email, "org_id": u.OrgID, "language": l}})
	return nil
}

// userByRef finds a user by ID or email address.
func (s *Server) userByRef(r *http.Request, ref string) (*rma.User, error) {
	store := s.svc.Store()
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if id <= 0 {
			return nil, rma.Errorf(rma.ENOTFOUND, "user %q not found", ref)
		}
		return store.UserByID(r.Context(), id)
	}
	if err := checkText("user", ref, 200); err != nil {
		return nil, rma.Errorf(rma.ENOTFOUND, "user not found") // no such text names anyone
	}
	return store.UserByEmail(r.Context(), ref)
}

// languagesOf are the organisation's and the user's languages for views
// ("" where none is set, or the store keeps none).
func (s *Server) languagesOf(r *http.Request, orgID, userID int64) (org, user string, err error) {
	ls, ok := s.svc.Store().(rma.LanguageStore)
	if !ok {
		return "", "", nil
	}
	return ls.Languages(r.Context(), orgID, userID)
}

// orgLanguages are every organisation's languages that are set, for lists.
func (s *Server) orgLanguages(r *http.Request) (map[int64]string, error) {
	ls, ok := s.svc.Store().(rma.LanguageStore)
	if !ok {
		return nil, nil
	}
	return ls.OrgLanguages(r.Context())
}
