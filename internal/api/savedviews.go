package api

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Saved views of the queue (the portal's views above the RMA list): a
// person's named filters, the same ones in the portal and here. A view
// belongs to a user; an API key that is its organisation's, not a
// person's, gets 403 saying so, as the portal's views are nothing of a
// key's. Every role keeps views (a requester its own list's too).

func (s *Server) savedViewRoutes() []Route {
	return []Route{
		{Method: "GET", Path: v1 + "/views", Op: rma.OpRead, handler: s.listViews},
		{Method: "POST", Path: v1 + "/views", Op: rma.OpRead, handler: s.saveView},
		{Method: "DELETE", Path: v1 + "/views/{view}", Op: rma.OpRead, handler: s.deleteView},
	}
}

// ViewBody is a view as saved.
type ViewBody struct {
	Name  string `json:"name"`
	Query string `json:"query"` // the queue's query: state=submitted&sort=urgency&mine=1
}

// SavedViewJSON is a saved view.
type SavedViewJSON struct {
	ID      int64     `json:"id"`
	Name    string    `json:"name"`
	Query   string    `json:"query"`
	Link    string    `json:"link"` // the portal's queue with the view applied
	Created time.Time `json:"created"`
}

func savedView(v *rma.SavedView) SavedViewJSON {
	return SavedViewJSON{ID: v.ID, Name: v.Name, Query: v.Query, Link: "/rmas?" + v.Query, Created: v.Created}
}

// viewsAreUsers refuses a key that is no person's.
func viewsAreUsers(actor rma.Actor) error {
	if actor.UserID == 0 {
		return rma.Errorf(rma.EFORBIDDEN, "saved views belong to users: this API key is its organisation's, not a person's")
	}
	return nil
}

func (s *Server) listViews(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	if err := viewsAreUsers(actor); err != nil {
		return err
	}
	list, err := s.svc.Views(r.Context(), actor)
	if err != nil {
		return err
	}
	out := struct {
		Views []SavedViewJSON `json:"views"`
	}{Views: []SavedViewJSON{}}
	for i := range list {
		out.Views = append(out.Views, savedView(&list[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// saveView keeps a view: 201 for a new name, 200 when the user's view of
// that name is replaced (its id kept), as the portal's Save does.
func (s *Server) saveView(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	if err := viewsAreUsers(actor); err != nil {
		return err
	}
	var body ViewBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if err := checkViewQuery(body.Query); err != nil {
		return err
	}
	before, err := s.svc.Views(r.Context(), actor)
	if err != nil {
		return err
	}
	v, err := s.svc.SaveView(r.Context(), actor, body.Name, body.Query)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if slices.ContainsFunc(before, func(x rma.SavedView) bool { return x.ID == v.ID }) {
		status = http.StatusOK
	}
	writeJSON(w, status, savedView(v))
	return nil
}

// checkViewQuery refuses what a view would not keep, instead of dropping
// it unsaid: a parameter the queue's views do not save (a page's cursor),
// or one given twice.
func checkViewQuery(query string) error {
	if len(query) > 2000 {
		return rma.Invalid("query", "at most 2000 characters")
	}
	q, err := url.ParseQuery(strings.TrimPrefix(query, "?"))
	if err != nil {
		return rma.Invalid("query", "not a query string such as state=submitted&sort=urgency")
	}
	keys := rma.ViewKeys()
	for k, v := range q {
		if !slices.Contains(keys, k) {
			return rma.Invalid("query", "%q is not kept by a view (it keeps %s)", k, strings.Join(keys, ", "))
		}
		if len(v) > 1 {
			return rma.Invalid("query", "%q is given %d times", k, len(v))
		}
	}
	return nil
}

func (s *Server) deleteView(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	if err := viewsAreUsers(actor); err != nil {
		return err
	}
	id, err := pathID(r, "view")
	if err != nil {
		return err
	}
	if err := s.svc.DeleteView(r.Context(), actor, id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "deleted": true})
	return nil
}
