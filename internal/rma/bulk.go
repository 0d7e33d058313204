package rma

// What an authorization from the queue (several RMAs at once, the portal's
// and the API's bulk action) asks for when nobody chose a resolution.

// QueueResolution is the resolution a bulk authorization of r asks for: none
// when the requester's choice is on record (Authorize takes it), else the
// first the policy offers on r's route that takes the goods back; the
// others (destroy and credit, refer, remote fix) need their own step.
func (s *Service) QueueResolution(r *RMA) string {
	if r.Preference != "" {
		return ""
	}
	p := s.Policies().Version(r.PolicyID, r.PolicyVersion)
	if p == nil {
		return ""
	}
	rule := p.ResolutionFor(r.Route)
	if rule == nil {
		return ""
	}
	for _, o := range rule.Offer {
		switch o {
		case "destroy_and_credit", "refer_to_manufacturer", "remote_fix":
			continue
		}
		return o
	}
	return ""
}
