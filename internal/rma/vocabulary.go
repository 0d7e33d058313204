package rma

// Issue 14: a policy's own documents (policy vocabulary) are documents of
// the RMA like the format's: a file of one counts as it (ProvideInfo), and
// a requester provides one by its id, and a technician may find a unit not
// covered for a policy's own condition.

import "github.com/rmadesk/rmadesk/internal/policy"

// declaresDocument reports whether r's policy declares the document kind
// (issue 14, policy vocabulary): a file of it counts as that document.
func (s *Service) declaresDocument(r *RMA, kind string) bool {
	p := s.Policies().Version(r.PolicyID, r.PolicyVersion)
	if p == nil {
		return false
	}
	_, ok := p.DeclaredDocument(kind)
	return ok
}

// declaresCondition reports whether p declares the condition id: a
// technician may find a unit not covered for it.
func declaresCondition(p *policy.Policy, id string) bool {
	_, ok := p.DeclaredCondition(id)
	return ok
}
