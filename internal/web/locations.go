package web

import (
	"net/http"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// authorizeLocations are the desk's active service locations the authorize
// form offers (issue 12), and the code the policy's rules would choose,
// shown as the default. A desk that keeps no locations offers none: the
// policy's address is used.
func (s *Server) authorizeLocations(r *http.Request, p *page, got *rma.RMA) ([]rma.Location, string) {
	all, err := s.svc.Locations(r.Context(), p.Actor)
	if err != nil {
		return nil, ""
	}
	var active []rma.Location
	for _, l := range all {
		if l.Active {
			active = append(active, l)
		}
	}
	return active, got.Location
}
