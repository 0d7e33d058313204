package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// arrangeSteps orders the RMA page's steps: only those the policy allows
// too (rma.PolicyAllows), the one the engine suggests first; the
// destructive ones (reject, withdraw) go apart, for the desk, to be
// confirmed (templates/steps.html). A requester's steps stay as they are:
// its own page arranges them (requester.go).
func arrangeSteps(pol *policy.Policy, r *rma.RMA, isDesk bool, actions []rma.Action, today calendar.Date) (suggested rma.Action, steps, danger []rma.Action) {
	for _, a := range actions {
		if !rma.PolicyAllows(pol, r, a, today) {
			continue
		}
		if isDesk && rma.Destructive(a) {
			danger = append(danger, a)
			continue
		}
		steps = append(steps, a)
	}
	suggested = rma.SuggestedStep(pol, r, append(slices.Clone(steps), danger...))
	if i := slices.Index(steps, suggested); i > 0 {
		steps = append(append([]rma.Action{suggested}, steps[:i]...), steps[i+1:]...)
	}
	return suggested, steps, danger
}

// confirmData is the page that asks the desk to confirm a destructive step.
type confirmData struct {
	ID       int64
	Version  int
	Action   rma.Action
	Reason   string
	Question string
	Yes      string
}

// confirmStep answers the desk's reject or withdraw form with a page that
// asks to confirm it (the form posted again with confirm=1); a rejection
// without a reason comes back to the RMA page saying so.
func (s *Server) confirmStep(w http.ResponseWriter, r *http.Request, p *page, id int64, a rma.Action) {
	got, err := s.svc.Get(r.Context(), p.Actor, id)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if a == rma.ActReject && reason == "" {
		p.Error = "reason: " + p.T("list.bulk_reason_required")
		s.renderDetail(w, r, p, id, http.StatusUnprocessableEntity)
		return
	}
	name := p.T("rma.unnumbered", got.ID)
	if got.Number != "" {
		name = got.Number
	}
	c := &confirmData{ID: id, Version: formVersion(r), Action: a, Reason: reason,
		Question: p.T("steps.confirm."+string(a), name), Yes: p.T("steps.confirm_yes." + string(a))}
	p.Title, p.Data = p.T("steps.confirm_title", p.T("action."+string(a))), c
	s.render(w, http.StatusOK, "confirm_step", p)
}
