package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// The desk's canned replies (the portal's /replies): texts its agents and
// admins keep to put into a message. Every desk role reads them; agents
// and admins write them. A reply is sent as a message
// (POST /rmas/{id}/messages), edited or not: the API has no message box to
// put it in.

func (s *Server) replyRoutes() []Route {
	return []Route{
		{Method: "GET", Path: v1 + "/replies", Op: rma.OpListAll, handler: s.listReplies},
		{Method: "POST", Path: v1 + "/replies", Op: rma.OpKeepReplies, handler: s.saveReply},
		{Method: "PUT", Path: v1 + "/replies/{reply}", Op: rma.OpKeepReplies, handler: s.saveReply},
		{Method: "DELETE", Path: v1 + "/replies/{reply}", Op: rma.OpKeepReplies, handler: s.deleteReply},
	}
}

// ReplyBody is a canned reply as written.
type ReplyBody struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// ReplyView is a canned reply.
type ReplyView struct {
	ID      int64     `json:"id"`
	Title   string    `json:"title"`
	Body    string    `json:"body"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

func replyView(c *rma.CannedReply) ReplyView {
	return ReplyView{ID: c.ID, Title: c.Title, Body: c.Body, Created: c.Created, Updated: c.Updated}
}

func (s *Server) listReplies(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	list, err := s.svc.CannedReplies(r.Context(), actor)
	if err != nil {
		return err
	}
	out := struct {
		Replies []ReplyView `json:"replies"`
	}{Replies: []ReplyView{}}
	for i := range list {
		out.Replies = append(out.Replies, replyView(&list[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// saveReply adds a reply (POST) or rewrites one (PUT .../{reply}).
func (s *Server) saveReply(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var body ReplyBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	c := &rma.CannedReply{Title: body.Title, Body: body.Body}
	status := http.StatusCreated
	if r.PathValue("reply") != "" {
		id, err := pathID(r, "reply")
		if err != nil {
			return err
		}
		c.ID, status = id, http.StatusOK
		// The reply first, then what is wrong with the body: a reply
		// that is not there is 404 whatever the body says.
		list, err := s.svc.CannedReplies(r.Context(), actor)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(list, func(x rma.CannedReply) bool { return x.ID == id }) {
			return rma.Errorf(rma.ENOTFOUND, "no canned reply %d", id)
		}
	}
	if err := s.svc.SaveCannedReply(r.Context(), actor, c); err != nil {
		return err
	}
	writeJSON(w, status, replyView(c))
	return nil
}

func (s *Server) deleteReply(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "reply")
	if err != nil {
		return err
	}
	if err := s.svc.DeleteCannedReply(r.Context(), actor, id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "deleted": true})
	return nil
}
