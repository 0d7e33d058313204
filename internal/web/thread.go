package web

import (
	"fmt"
	"net/http"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// postMessage posts the thread form's message (templates/thread.html): to
// the other side, emailed, or, with the desk's "note" button, an internal
// note. A refused one shows the RMA page again with the message.
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	internal := r.PostFormValue("kind") == "note"
	_, err = s.svc.PostMessage(r.Context(), p.Actor, id, rma.MessageRequest{Body: r.PostFormValue("body"), Internal: internal})
	if err != nil {
		if status, msg := formFailure(err); status != 0 {
			p.Error = msg
			s.renderDetail(w, r, p, id, status)
			return
		}
		s.fail(w, r, p, err)
		return
	}
	done := p.T("thread.sent_to_desk")
	switch {
	case internal:
		done = p.T("thread.noted")
	case p.IsDesk:
		done = p.T("thread.sent")
	}
	s.redirectFlash(w, r, fmt.Sprintf("/rmas/%d#messages", id), done)
}
