package api

import (
	"net/http"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// POST /api/v1/rmas/preview: a whole RMA's decision without filing it, as
// the portal's form previews it before the requester sends. The body is
// POST /rmas's; the answer is what POST /rmas would file today (the state
// it would start in, each line's decision with its reasons and clauses,
// the route, the service location, the deadlines), and nothing is written:
// no RMA, event, job, outbox row or idempotency record. A body POST /rmas
// would refuse is refused the same way, naming the field. POST
// /policies/{id}/check decides one claim; this, a whole submission.

func (s *Server) previewRoutes() []Route {
	return []Route{{Method: "POST", Path: v1 + "/rmas/preview", Op: rma.OpSubmit, handler: s.preview}}
}

// PreviewView is an RMA as POST /rmas would file it: RMA's fields that
// exist before it is filed.
type PreviewView struct {
	Preview         bool              `json:"preview"` // always true: nothing was filed
	Policy          string            `json:"policy"`
	PolicyVersion   string            `json:"policy_version"`
	Kind            policy.Kind       `json:"kind"`
	State           rma.State         `json:"state"`
	Decision        policy.Verdict    `json:"decision"`
	Route           policy.Route      `json:"route"`
	Reason          string            `json:"reason,omitempty"` // what is missing, when it would start in needs_info
	Offered         []string          `json:"resolutions_offered"`
	Preference      string            `json:"preference,omitempty"`
	PreferenceOf    []string          `json:"preference_choices,omitempty"`
	ServiceLocation *LocationView     `json:"service_location,omitempty"`
	Reported        string            `json:"reported"`
	Lines           []LineView        `json:"lines"`
	Deadlines       []DeadlineView    `json:"deadlines"`
	ExpectedFees    []ExpectedFeeView `json:"expected_fees,omitempty"`
}

func (s *Server) preview(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	req, err := s.submitRequest(w, r) // handlers.go
	if err != nil {
		return err
	}
	got, err := s.svc.Preview(r.Context(), actor, req)
	if err != nil {
		return err
	}
	v := s.rmaView(got, s.svc.Today(), actor)
	writeJSON(w, http.StatusOK, PreviewView{Preview: true, Policy: v.Policy, PolicyVersion: v.PolicyVersion, Kind: v.Kind, State: v.State,
		Decision: v.Decision, Route: v.Route, Reason: v.Reason, Offered: v.Offered, Preference: v.Preference, PreferenceOf: v.PreferenceOf,
		ServiceLocation: v.ServiceLocation, Reported: v.Reported, Lines: v.Lines, Deadlines: v.Deadlines, ExpectedFees: v.ExpectedFees})
	return nil
}
