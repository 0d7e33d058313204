package web

import (
	"net/http"
	"strings"

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

// receivedUnit is what the receiving form read off the unit, for line 1
// (most RMAs hold one unit; the API takes every line): nil when the bench
// typed nothing, so the number alone receives the parcel as before.
func receivedUnit(r *http.Request) []rma.ReceivedLine {
	l := rma.ReceivedLine{LineNo: 1, Serial: strings.TrimSpace(r.PostFormValue("serial")),
		Model: strings.TrimSpace(r.PostFormValue("model")), PartNumber: strings.TrimSpace(r.PostFormValue("part_number"))}
	if l.Serial == "" && l.Model == "" && l.PartNumber == "" {
		return nil
	}
	return []rma.ReceivedLine{l}
}
