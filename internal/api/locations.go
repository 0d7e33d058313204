package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Service locations and organisations' addresses (issue 12). Admins keep
// them; the desk's roles list them, since an agent picks one when
// authorizing. An address is rma.Address as JSON, checked whole by the
// service (a courier refuses a parcel without a street, postcode or city).

// LocationDeskView is a service location of the desk.
type LocationDeskView struct {
	Code    string      `json:"code"`
	Name    string      `json:"name"`
	Address rma.Address `json:"address"`
	Lines   []string    `json:"lines"` // the address as printed on labels
	Active  bool        `json:"active"`
	Created time.Time   `json:"created"`
	Updated time.Time   `json:"updated"`
}

func locationView(l rma.Location) LocationDeskView {
	return LocationDeskView{Code: l.Code, Name: l.Name, Address: l.Address, Lines: l.Address.Lines(), Active: l.Active, Created: l.Created, Updated: l.Updated}
}

// ShipToView is where an RMA's goods go, as copied at its authorization.
type ShipToView struct {
	Code    string      `json:"code"`
	Name    string      `json:"name"`
	Address rma.Address `json:"address"`
	Lines   []string    `json:"lines"`
}

func shipToView(s *rma.ShipTo) *ShipToView {
	if s == nil {
		return nil
	}
	return &ShipToView{Code: s.Code, Name: s.Name, Address: s.Address, Lines: s.Lines()}
}

// LocationBody is POST /api/v1/locations.
type LocationBody struct {
	Code    string      `json:"code"`
	Name    string      `json:"name"`
	Address rma.Address `json:"address"`
	Active  *bool       `json:"active,omitempty"`
}

// LocationPatch is PATCH /api/v1/locations/{code}: absent fields stay.
type LocationPatch struct {
	Name    *string      `json:"name,omitempty"`
	Address *rma.Address `json:"address,omitempty"`
	Active  *bool        `json:"active,omitempty"`
}

func (s *Server) listLocations(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	ls, err := s.svc.Locations(r.Context(), actor)
	if err != nil {
		return err
	}
	out := []LocationDeskView{}
	for _, l := range ls {
		out = append(out, locationView(l))
	}
	writeJSON(w, http.StatusOK, map[string]any{"locations": out})
	return nil
}

// A code no location can have (a NUL, invalid UTF-8, far too long) is not
// found, as any other code nobody gave: the store says so without asking.
func (s *Server) getLocation(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	l, err := s.svc.Location(r.Context(), actor, r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, locationView(*l))
	return nil
}

func (s *Server) createLocation(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var b LocationBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	var l *rma.Location
	err := s.record(r.Context(), locationCreated(actor, b), func(ctx context.Context) (err error) { // orgadmin.go: the audit log
		l, err = s.svc.CreateLocation(ctx, actor, rma.NewLocation{Code: b.Code, Name: b.Name, Address: b.Address, Active: b.Active})
		return err
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", v1+"/locations/"+l.Code)
	writeJSON(w, http.StatusCreated, locationView(*l))
	return nil
}

func (s *Server) updateLocation(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var b LocationPatch
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	e, err := s.locationUpdated(r, actor, b) // orgadmin.go: the audit log
	if err != nil {
		return err
	}
	var l *rma.Location
	err = s.record(r.Context(), e, func(ctx context.Context) (err error) {
		l, err = s.svc.UpdateLocation(ctx, actor, r.PathValue("code"), rma.LocationUpdate{Name: b.Name, Address: b.Address, Active: b.Active})
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, locationView(*l))
	return nil
}

// setOrgAddress is PUT /api/v1/orgs/{id}/address: the body is the address.
func (s *Server) setOrgAddress(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var a rma.Address
	if err := decodeJSON(w, r, &a); err != nil {
		return err
	}
	before, err := s.svc.Store().Org(r.Context(), id)
	if err != nil {
		return err
	}
	var o *rma.Org
	after := a
	if after.Country == "" {
		after.Country = before.Country
	}
	_ = after.Check("address") // as the service will keep it, for the audit log; the service refuses a bad one
	e := audit.Of(actor, audit.OrgAddress, audit.TargetOrg, strconv.FormatInt(id, 10), before.Name, audit.AddressDiff("address", before.Address, after)...)
	err = s.record(r.Context(), e, func(ctx context.Context) (err error) {
		o, err = s.svc.SetOrgAddress(ctx, actor, id, a)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, orgView(*o))
	return nil
}
