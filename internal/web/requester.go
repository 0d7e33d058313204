package web

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The requester's status page is the RMA's page as a requester sees it
// (template "requester_status", included by detail.html): where the RMA
// is among the steps of its life, what the requester must do now (with
// the form for it), the desk's notes, the tracking given, and the verdict
// on each unit in plain words. Withdrawing sits apart, at the end of the
// page (template "requester_withdraw"), and asks for confirmation on a
// page of its own, so it is never one click and works without JavaScript.

func (s *Server) requesterRoutes() {
	s.mux.HandleFunc("GET /rmas/{id}/withdraw", s.signedIn(s.withdrawConfirm))
}

// lifeSteps are the steps of an RMA's usual life, in order, each with the
// states whose reaching marks it done.
var lifeSteps = []struct {
	Key    string
	States []rma.State
}{
	{"submitted", []rma.State{rma.Submitted, rma.NeedsInfo}},
	{"authorized", []rma.State{rma.Authorized}},
	{"in_transit", []rma.State{rma.InTransit}},
	{"received", []rma.State{rma.Received}},
	{"in_evaluation", []rma.State{rma.InEvaluation, rma.AtSupplier}},
	{"resolved", []rma.State{rma.Resolved, rma.Closed}},
}

// offPath are the states that end an RMA outside its usual life.
var offPath = []rma.State{rma.Rejected, rma.Referred, rma.CreditedWithoutReturn, rma.Expired}

// lifeStep is one step of the status page's list.
type lifeStep struct {
	Key     string
	At      time.Time // when it was reached; zero: not yet
	Current bool
}

// deskNote is something the desk wrote on a step, shown to the requester.
type deskNote struct {
	At     time.Time
	Action string
	Text   string
}

// requesterStatus is what the status page shows above the RMA's details.
type requesterStatus struct {
	Steps    []lifeStep
	Todo     string // the key of what the requester must do now
	Notes    []deskNote
	Carrier  string
	Tracking string
	Shipped  time.Time
	Units    []plainUnit // the verdict on each unit, while the desk decides
	Can      map[string]bool
	Enclose  []string // documents to put in the parcel
}

// Status is the requester's view of the RMA page's data.
func (p *page) Status(d *detailData) requesterStatus {
	r := d.RMA
	st := requesterStatus{Todo: "st.todo." + string(r.State), Can: map[string]bool{}}
	for _, a := range d.Actions {
		st.Can[string(a)] = true
	}
	reached := map[rma.State]time.Time{}
	for _, e := range d.Events {
		if _, seen := reached[e.To]; !seen && e.To != "" {
			reached[e.To] = e.At
		}
		switch rma.Action(e.Action) {
		case rma.ActShip:
			st.Carrier, _ = e.Details["carrier"].(string)
			st.Tracking, _ = e.Details["tracking"].(string)
			st.Shipped = e.At
		case rma.ActAuthorize, rma.ActResolve, rma.ActCreditWithoutReturn, rma.ActResolveRemotely:
			if note, _ := e.Details["note"].(string); note != "" {
				st.Notes = append(st.Notes, deskNote{At: e.At, Action: e.Action, Text: note})
			}
		case rma.ActRequestInfo, rma.ActReject, rma.ActRefer:
			if reason, _ := e.Details["reason"].(string); reason != "" && e.Actor != "engine" {
				st.Notes = append(st.Notes, deskNote{At: e.At, Action: e.Action, Text: reason})
			}
		}
	}
	ended := r.State == rma.Resolved || r.State == rma.Closed || slices.Contains(offPath, r.State)
	current := -1
	for _, ls := range lifeSteps {
		step := lifeStep{Key: ls.Key}
		for _, s := range ls.States {
			if at, ok := reached[s]; ok && (step.At.IsZero() || at.Before(step.At)) {
				step.At = at
			}
		}
		if step.At.IsZero() && ended {
			continue // a step this RMA skipped or will not reach
		}
		if slices.Contains(ls.States, r.State) {
			current = len(st.Steps)
		}
		st.Steps = append(st.Steps, step)
	}
	if slices.Contains(offPath, r.State) {
		st.Steps = append(st.Steps, lifeStep{Key: string(r.State), At: reached[r.State]})
		current = len(st.Steps) - 1
	}
	if current >= 0 {
		st.Steps[current].Current = true
	}
	if r.State == rma.Submitted || r.State == rma.NeedsInfo {
		for _, l := range r.Lines {
			st.Units = append(st.Units, p.FiledUnit(d.Policy, l.No, l.Decision))
		}
	}
	if r.State == rma.Authorized {
		seen := map[policy.Document]bool{}
		for _, l := range r.Lines {
			for _, doc := range l.Decision.EncloseDocuments {
				if !seen[doc] {
					seen[doc] = true
					st.Enclose = append(st.Enclose, p.T("doc."+doc.String()))
				}
			}
			for _, name := range declaredNames(d.Policy, p.lang, l.Decision.EncloseDeclared) { // vocabulary.go
				if !slices.Contains(st.Enclose, name) {
					st.Enclose = append(st.Enclose, name)
				}
			}
		}
	}
	return st
}

// withdrawConfirm asks whether the requester really withdraws the RMA:
// the form that does it is on this page only (POST .../act/cancel).
func (s *Server) withdrawConfirm(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	got, err := s.svc.Get(r.Context(), p.Actor, id)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	if !rma.Can(p.Actor.Role, rma.ActCancel) || !slices.Contains(rma.AllowedActions(got.State), rma.ActCancel) {
		s.fail(w, r, p, rma.Errorf(rma.ECONFLICT, "this RMA can no longer be withdrawn (it is %s)", got.State))
		return
	}
	p.Title = p.T("st.withdraw_title")
	p.Data = got
	s.render(w, http.StatusOK, "withdraw", p)
}

// rmaName is how the pages name an RMA: its number, else its ID.
func (p *page) RMAName(r *rma.RMA) string {
	if r.Number != "" {
		return r.Number
	}
	return fmt.Sprintf("#%d", r.ID)
}
