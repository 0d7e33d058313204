package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// POST /api/v1/rmas/bulk: one step on several RMAs of the queue at once,
// as the portal's queue does it (authorize or reject the ticked rows).
//
// Per RMA, not all or nothing, like the portal: each RMA is its own
// change, in its own transaction, with its own event in its history; one
// that cannot take the step (already authorized, another agent's change
// got there first, not found) is reported in its result and the others go
// ahead. The answer lists every id in the order sent, each with ok and the
// state it is in now, or the problem that kept it back, naming ids[i]. A
// body that is wrong as a whole (an unknown action, a rejection without a
// reason, an id that is not a positive number or is repeated, too many
// ids) is refused with 400/422 before any RMA is touched.
//
// versions, optional, is If-Match for each: the version the caller saw
// of ids[i] (as the portal's queue sends the version of each row it
// shows); an RMA changed since gets 412 in its result, not the step.
// Without it, each RMA is taken as it stands when its turn comes, and the
// state machine refuses a step its state no longer allows (409).

// MaxBulkIDs bounds one bulk request: the queue's largest page (GET
// /rmas?limit=100), so a client can act on what it listed in one call,
// and a call that writes one transaction per RMA stays well inside the
// server's write timeout.
const MaxBulkIDs = 100

func (s *Server) bulkRoutes() []Route {
	// Authorize and reject are the same roles' (agents and admins); each
	// RMA's change checks its own action again.
	return []Route{{Method: "POST", Path: v1 + "/rmas/bulk", Op: rma.ActAuthorize, handler: s.bulk}}
}

// BulkBody is POST /api/v1/rmas/bulk.
type BulkBody struct {
	Action string  `json:"action"`
	IDs    []int64 `json:"ids"`
	// Versions, when given, is the version of each RMA the caller saw,
	// in the order of ids (If-Match for each).
	Versions []int `json:"versions,omitempty"`
	// Reason is required to reject (the requester reads it).
	Reason string `json:"reason,omitempty"`
	// Resolution, to authorize: the same for every RMA; empty, each RMA
	// gets what the portal's queue gives it (the requester's choice, else
	// the first resolution its policy offers that takes the goods back).
	Resolution string `json:"resolution,omitempty"`
	Note       string `json:"note,omitempty"` // to authorize: for the requester, on each
}

// BulkResult is what became of one RMA.
type BulkResult struct {
	ID      int64     `json:"id"`
	OK      bool      `json:"ok"`
	State   rma.State `json:"state,omitempty"`   // as it is now, done or not (absent when not found)
	Version int       `json:"version,omitempty"` // its ETag's version, for a next step
	Number  string    `json:"number,omitempty"`
	Problem *Problem  `json:"problem,omitempty"` // why it was not done; errors[0].field is ids[i]
}

// BulkView is the answer: how many were done, and each RMA's result.
type BulkView struct {
	Action  string       `json:"action"`
	Done    int          `json:"done"`
	Failed  int          `json:"failed"`
	Results []BulkResult `json:"results"`
}

var bulkActions = []string{string(rma.ActAuthorize), string(rma.ActReject)}

// check refuses a body that is wrong as a whole, before anything is done.
func (b *BulkBody) check() error {
	switch b.Action {
	case string(rma.ActAuthorize):
		if b.Reason != "" {
			return rma.Invalid("reason", "is for reject: an authorization takes a note")
		}
		if len(b.Note) > 2000 {
			return rma.Invalid("note", "at most 2000 characters")
		}
		if len(b.Resolution) > 100 {
			return rma.Invalid("resolution", "at most 100 characters")
		}
	case string(rma.ActReject):
		if strings.TrimSpace(b.Reason) == "" {
			return rma.Invalid("reason", "required to reject: the requesters read it")
		}
		if len(b.Reason) > 2000 {
			return rma.Invalid("reason", "at most 2000 characters")
		}
		if b.Resolution != "" || b.Note != "" {
			field := "resolution"
			if b.Note != "" {
				field = "note"
			}
			return rma.Invalid(field, "is for authorize: a rejection takes a reason")
		}
	case "":
		return rma.Invalid("action", "required: one of %s", strings.Join(bulkActions, ", "))
	default:
		return rma.Invalid("action", "%q is not a bulk action: one of %s", b.Action, strings.Join(bulkActions, ", "))
	}
	if len(b.IDs) == 0 {
		return rma.Invalid("ids", "required: the RMAs to %s", b.Action)
	}
	if len(b.IDs) > MaxBulkIDs {
		return rma.Invalid("ids", "%d ids: at most %d in one request", len(b.IDs), MaxBulkIDs)
	}
	seen := make(map[int64]int, len(b.IDs))
	for i, id := range b.IDs {
		field := fmt.Sprintf("ids[%d]", i)
		if id <= 0 {
			return rma.Invalid(field, "%d is not an RMA id (a positive number)", id)
		}
		if j, ok := seen[id]; ok {
			return rma.Invalid(field, "RMA %d is already ids[%d]: name each RMA once", id, j)
		}
		seen[id] = i
	}
	if b.Versions != nil && len(b.Versions) != len(b.IDs) {
		return rma.Invalid("versions", "%d versions for %d ids: one for each, in the same order", len(b.Versions), len(b.IDs))
	}
	for i, v := range b.Versions {
		if v < 1 {
			return rma.Invalid(fmt.Sprintf("versions[%d]", i), "%d is not a version (1 or more)", v)
		}
	}
	return nil
}

func (s *Server) bulk(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var body BulkBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if err := body.check(); err != nil {
		return err
	}
	out := BulkView{Action: body.Action, Results: make([]BulkResult, 0, len(body.IDs))}
	for i, id := range body.IDs {
		res := BulkResult{ID: id}
		version := 0
		if body.Versions != nil {
			version = body.Versions[i]
		}
		done, err := s.bulkOne(r, actor, &body, id, version)
		if err == nil {
			res.OK, out.Done = true, out.Done+1
		} else {
			out.Failed++
			res.Problem = s.itemProblem(r, fmt.Sprintf("ids[%d]", i), err)
			if r.Context().Err() != nil {
				// The client is gone: the rest is not done, and said so.
				done = nil
			}
		}
		if done != nil {
			res.State, res.Version, res.Number = done.State, done.Version, done.Number
		}
		out.Results = append(out.Results, res)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// bulkOne takes the step on one RMA; it returns the RMA as it is after,
// or, when the step was refused, as it stands (nil when not found).
func (s *Server) bulkOne(r *http.Request, actor rma.Actor, b *BulkBody, id int64, version int) (*rma.RMA, error) {
	ctx := r.Context()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	got, err := s.svc.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	var done *rma.RMA
	switch b.Action {
	case string(rma.ActAuthorize):
		resolution := b.Resolution
		if resolution == "" {
			resolution = s.svc.QueueResolution(got)
		}
		done, err = s.svc.Authorize(ctx, actor, id, version, rma.AuthorizeRequest{Resolution: resolution, Note: b.Note})
	case string(rma.ActReject):
		done, err = s.svc.Reject(ctx, actor, id, version, strings.TrimSpace(b.Reason))
	}
	if err != nil {
		return got, err
	}
	return done, nil
}

// itemProblem is one item's error as a problem, its first field the
// item's path in the body (ids[3]), then the field the domain named.
// Anything not the domain's is logged and shown as a bare internal error.
func (s *Server) itemProblem(r *http.Request, path string, err error) *Problem {
	var e *rma.Error
	if !errors.As(err, &e) {
		status, title, detail := http.StatusInternalServerError, http.StatusText(http.StatusInternalServerError), "internal error; it has been logged"
		if r.Context().Err() != nil {
			// Nobody reads it (the client is gone), but a proxy's log may.
			status, title, detail = 499, "Client Closed Request", "not done: the request was cancelled"
		} else {
			s.log.ErrorContext(r.Context(), "bulk item failed", "item", path, "err", err)
		}
		return &Problem{Type: "about:blank", Title: title, Status: status, Detail: path + ": " + detail,
			Errors: []FieldProblem{{Field: path, Detail: detail}}}
	}
	p := &Problem{Type: "about:blank", Status: statusOf[e.Code], Detail: path + ": " + e.Error(), Allowed: e.Allowed}
	if p.Status == 0 {
		p.Status = http.StatusInternalServerError
	}
	p.Title = http.StatusText(p.Status)
	p.Errors = []FieldProblem{{Field: path, Detail: e.Error()}}
	if e.Field != "" {
		p.Errors = append(p.Errors, FieldProblem{Field: e.Field, Detail: e.Message})
	}
	return p
}
