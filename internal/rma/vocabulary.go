package rma

// Issue 14: a policy's own documents (policy vocabulary) are documents of
// the RMA like the format's: a file of one counts as it (ProvideInfo), and
// a requester provides one by its id.

// declaresDocument reports whether r's policy declares the document kind
// (issue 14, policy vocabulary): a file of it counts as that document.
func (s *Service) declaresDocument(r *RMA, kind string) bool {
	p := s.policies.Version(r.PolicyID, r.PolicyVersion)
	if p == nil {
		return false
	}
	_, ok := p.DeclaredDocument(kind)
	return ok
}
