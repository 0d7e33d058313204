package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Saved views of the queue (per user) and the desk's canned replies.

func (s *Server) viewRoutes() {
	s.mux.HandleFunc("POST /views", s.signedIn(s.saveView))
	s.mux.HandleFunc("POST /views/{view}/delete", s.signedIn(s.deleteView))
	s.mux.HandleFunc("GET /replies", s.signedIn(s.replies))
	s.mux.HandleFunc("POST /replies", s.signedIn(s.saveReply))
	s.mux.HandleFunc("POST /replies/{reply}/delete", s.signedIn(s.deleteReply))
	s.mux.HandleFunc("POST /rmas/{id}/canned", s.signedIn(s.insertReply))
}

// savedView is a saved view as the queue links it.
type savedView struct {
	rma.SavedView
	Link    string
	Current bool
}

// queueViews are the user's saved views, the one the page shows marked.
func (s *Server) queueViews(r *http.Request, p *page) []savedView {
	views, err := s.svc.Views(r.Context(), p.Actor)
	if err != nil {
		return nil
	}
	here := currentQuery(r.URL.Query())
	out := make([]savedView, 0, len(views))
	for _, v := range views {
		out = append(out, savedView{SavedView: v, Link: "/rmas?" + v.Query, Current: v.Query == here})
	}
	return out
}

// currentQuery is the list's query as a view keeps it: the filters and
// order, never the page's cursor.
func currentQuery(q url.Values) string {
	kept := url.Values{}
	for _, k := range []string{"state", "policy", "org", "q", "overdue", "sort", "mine"} {
		if v := q.Get(k); v != "" && v != "0" {
			kept.Set(k, v)
		}
	}
	return kept.Encode()
}

func (s *Server) saveView(w http.ResponseWriter, r *http.Request, p *page) {
	query := r.PostFormValue("query")
	v, err := s.svc.SaveView(r.Context(), p.Actor, r.PostFormValue("name"), query)
	if err != nil {
		s.formBack(w, r, p, "/rmas?"+strings.TrimPrefix(query, "?"), err)
		return
	}
	s.redirectFlash(w, r, "/rmas?"+v.Query, p.T("views.saved", v.Name))
}

func (s *Server) deleteView(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "view")
	if err == nil {
		err = s.svc.DeleteView(r.Context(), p.Actor, id)
	}
	if err != nil {
		s.formBack(w, r, p, "/rmas", err)
		return
	}
	s.redirectFlash(w, r, "/rmas", p.T("views.deleted"))
}

// formBack sends a refused form back to the page it came from with the
// message, or fails the request when it is not the form's fault.
func (s *Server) formBack(w http.ResponseWriter, r *http.Request, p *page, to string, err error) {
	if status, msg := formFailure(err); status != 0 {
		s.setFlash(w, flashError, msg)
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	s.fail(w, r, p, err)
}

// replies is the desk's page of canned replies: the list, a form to add
// one, and each one's form to edit or delete it (agents and admins).
func (s *Server) replies(w http.ResponseWriter, r *http.Request, p *page) {
	list, err := s.svc.CannedReplies(r.Context(), p.Actor)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Title, p.Data = p.T("replies.title"), map[string]any{"Replies": list,
		"CanKeep": p.Actor.Role == rma.RoleAgent || p.Actor.Role == rma.RoleAdmin}
	s.render(w, http.StatusOK, "replies", p)
}

func (s *Server) saveReply(w http.ResponseWriter, r *http.Request, p *page) {
	c := &rma.CannedReply{Title: r.PostFormValue("title"), Body: r.PostFormValue("body")}
	if v := r.PostFormValue("id"); v != "" && v != "0" {
		if _, err := fmt.Sscan(v, &c.ID); err != nil {
			s.formBack(w, r, p, "/replies", rma.Invalid("id", "not a canned reply"))
			return
		}
	}
	if err := s.svc.SaveCannedReply(r.Context(), p.Actor, c); err != nil {
		s.formBack(w, r, p, "/replies", err)
		return
	}
	s.redirectFlash(w, r, "/replies", p.T("replies.saved", c.Title))
}

func (s *Server) deleteReply(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "reply")
	if err == nil {
		err = s.svc.DeleteCannedReply(r.Context(), p.Actor, id)
	}
	if err != nil {
		s.formBack(w, r, p, "/replies", err)
		return
	}
	s.redirectFlash(w, r, "/replies", p.T("replies.deleted"))
}

// insertReply puts a canned reply into the RMA page's message box: the
// page comes back with the text in it, to edit and send (no script needed).
func (s *Server) insertReply(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	list, err := s.svc.CannedReplies(r.Context(), p.Actor)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	text := r.PostFormValue("body")
	for _, c := range list {
		if fmt.Sprint(c.ID) == r.PostFormValue("reply") {
			if strings.TrimSpace(text) != "" {
				text += "\n\n"
			}
			text += c.Body
		}
	}
	s.renderDetail(w, r.WithContext(context.WithValue(r.Context(), draftKey{}, text)), p, id, http.StatusOK)
}

// draftKey carries the message box's text into the RMA page it is shown
// again on (insertReply).
type draftKey struct{}

// draft is the message box's text to show, if any.
func draft(r *http.Request) string {
	s, _ := r.Context().Value(draftKey{}).(string)
	return s
}
