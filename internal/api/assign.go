package api

import (
	"net/http"
	"strconv"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// The desk's queue in the API: who holds an RMA (POST .../assign) and the
// order and assignee filters of GET /rmas (queueFilter).

// AssignBody is POST /api/v1/rmas/{id}/assign.
type AssignBody struct {
	// Assignee is the desk user's ID; null or 0 lets the RMA go.
	Assignee *int64 `json:"assignee"`
}

func (s *Server) assignRoutes() []Route {
	return []Route{{Method: "POST", Path: v1 + "/rmas/{id}/assign", Op: rma.OpListAll, handler: s.assign}}
}

func (s *Server) assign(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(r, id)
	if err != nil {
		return err
	}
	var b AssignBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	var to int64
	if b.Assignee != nil {
		to = *b.Assignee
	}
	if to < 0 {
		return rma.Invalid("assignee", "must be a user ID, or null")
	}
	got, err := s.svc.Assign(r.Context(), actor, id, version, to)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(got.ID, got.Version))
	writeJSON(w, http.StatusOK, s.rmaView(got, s.svc.Today(), actor))
	return nil
}

// queueFilter reads GET /rmas's order and assignee parameters into f.
func queueFilter(q map[string][]string, actor rma.Actor, f *rma.ListFilter) error {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if v := get("order"); v != "" {
		o, err := rma.ParseListOrder(v)
		if err != nil {
			return err
		}
		f.Order = o
	}
	if v := get("assignee"); v != "" && actor.Role.IsDesk() {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return rma.Invalid("assignee", "must be a user ID")
		}
		f.Assignee = id
	}
	return nil
}
