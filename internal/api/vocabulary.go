package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Issue 14: a pack's own documents and conditions (policy vocabulary), the
// purchase channel, and an organisation's standing.
//
// A claim's documents and conditions may name what the chosen policy
// declares beside the format's names. The API checks them against that
// policy at the door, with the field's path (lines[0].documents[2]), so a
// typo is the requester's to fix rather than a person's to puzzle over; the
// engine, which also decides claims that never pass here, sends an unknown
// condition to a person instead.

// checkDeclaredNames checks one claim's names against p; prefix is the
// line's path with its dot ("lines[0].") or "".
func checkDeclaredNames(p *policy.Policy, prefix string, documents, conditions []string) error {
	for _, check := range []struct {
		names []string
		kind  string
	}{{documents, "documents"}, {conditions, "conditions"}} {
		err := p.CheckClaimNames(prefix, check.names, check.kind)
		var fe *policy.FieldError
		if errors.As(err, &fe) {
			return rma.Invalid(fe.Field, "%s", fe.Msg)
		}
	}
	return nil
}

// checkSubmitNames checks every line's names against the policy the body
// names; an unknown policy is left to Submit, which says which exist.
func (s *Server) checkSubmitNames(body *SubmitBody) error {
	p, err := s.policyInForce(body.Policy)
	if err != nil {
		return nil
	}
	for i, lb := range body.Lines {
		if err := checkDeclaredNames(p, fmt.Sprintf("lines[%d].", i), lb.Documents, lb.Conditions); err != nil {
			return err
		}
	}
	return nil
}

// addClaimName puts a document or condition name on a claim: a format's
// name into its set, any other well-formed one into its other names, for
// the policy to know (checkDeclaredNames).
func addClaimName(c *policy.Claim, kind, field, name string) error {
	var err error
	switch kind {
	case "documents":
		var d policy.Document
		if d, err = policy.ParseDocument(name); err == nil {
			c.Documents = c.Documents.With(d)
			return nil
		}
		if policy.ValidName(name) {
			c.OtherDocuments = policy.AddName(c.OtherDocuments, name)
			return nil
		}
	case "conditions":
		var cond policy.Condition
		if cond, err = policy.ParseCondition(name); err == nil {
			c.Conditions = c.Conditions.With(cond)
			return nil
		}
		if policy.ValidName(name) {
			c.OtherConditions = policy.AddName(c.OtherConditions, name)
			return nil
		}
	}
	return rma.Invalid(field, "%v, or one the policy declares (lower-case letters, digits and '_')", err)
}

// StandingBody is PUT /api/v1/orgs/{id}/standing.
type StandingBody struct {
	Standing string `json:"standing"`
}

// setOrgStanding sets the account standing the desk puts on the
// organisation's claims (rma/standing.go). Admin only.
func (s *Server) setOrgStanding(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b StandingBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	o, err := s.svc.Store().Org(r.Context(), id)
	if err != nil {
		return err
	}
	if o.IsDesk || o.Supplier {
		return rma.Invalid("standing", "only a requester organisation has a standing")
	}
	standing, err := rma.CheckStanding("standing", b.Standing)
	if err != nil {
		return err
	}
	if err := s.accounts.SetOrgStanding(r.Context(), actor, id, standing); err != nil {
		return err
	}
	v := orgView(*o)
	v["standing"] = standing.String()
	writeJSON(w, http.StatusOK, v)
	return nil
}

// orgStandings are the organisations' standings other than good, for the
// list of organisations; nil where the store keeps none.
func (s *Server) orgStandings(r *http.Request) (map[int64]policy.Standing, error) {
	ss, ok := s.svc.Store().(rma.StandingStore)
	if !ok {
		return nil, nil
	}
	return ss.OrgStandings(r.Context())
}

func standingOf(m map[int64]policy.Standing, id int64) string {
	if st, ok := m[id]; ok {
		return st.String()
	}
	return policy.StandingGood.String()
}
