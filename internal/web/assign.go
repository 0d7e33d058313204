package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/rmadesk/rmadesk/internal/rma"
)

func (s *Server) agentRoutes() {
	s.mux.HandleFunc("POST /rmas/{id}/assign", s.signedIn(s.assign))
	s.viewRoutes() // views.go
}

// deskView adds what the desk's RMA page shows of the desk itself: the
// people it may be assigned to. Opening the page reads the requester's
// messages, so the unread marker goes.
func (s *Server) deskView(r *http.Request, p *page, d *detailData) {
	d.Draft = draft(r) // views.go: a canned reply put in the message box
	if !p.IsDesk {
		return
	}
	d.Desk, _ = s.svc.DeskUsers(r.Context(), p.Actor)        // an empty list leaves "take it"
	d.Replies, _ = s.svc.CannedReplies(r.Context(), p.Actor) // none: the message box alone
	if err := s.svc.MarkRead(r.Context(), p.Actor, d.RMA); err != nil {
		s.cfg.Log.ErrorContext(r.Context(), "portal", "path", r.URL.Path, "err", err)
	}
}

// assignView is the assignee box of the RMA page.
type assignView struct {
	Name string // the assignee's email; "" nobody
	Mine bool
}

// Assignment is who holds the RMA, as the page says it.
func (p *page) Assignment(d *detailData) assignView {
	var a assignView
	for _, u := range d.Desk {
		if u.ID == d.RMA.AssigneeID && u.ID != 0 {
			a.Name = u.Email
		}
	}
	if d.RMA.AssigneeID != 0 && a.Name == "" {
		a.Name = fmt.Sprintf("#%d", d.RMA.AssigneeID)
	}
	a.Mine = d.RMA.AssigneeID != 0 && d.RMA.AssigneeID == p.Actor.UserID
	return a
}

// assign takes the RMA ("me"), hands it to a colleague (a user ID), or lets
// it go (empty), at the version the page showed.
func (s *Server) assign(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	var to int64
	switch v := r.PostFormValue("assignee"); v {
	case "":
	case "me":
		to = p.Actor.UserID
	default:
		if to, err = strconv.ParseInt(v, 10, 64); err != nil || to <= 0 {
			err = rma.Invalid("assignee", "not a user")
		}
	}
	if err == nil {
		_, err = s.svc.Assign(r.Context(), p.Actor, id, formVersion(r), to)
	}
	back := fmt.Sprintf("/rmas/%d", id)
	switch {
	case err == nil:
		s.redirectFlash(w, r, back, p.T("as.done"))
	case rma.ErrorCode(err) == rma.EPRECONDITION:
		s.setFlash(w, flashError, p.T("rma.changed"))
		http.Redirect(w, r, back, http.StatusSeeOther)
	default:
		if status, msg := formFailure(err); status != 0 {
			p.Error = msg
			s.renderDetail(w, r, p, id, status)
			return
		}
		s.fail(w, r, p, err)
	}
}
