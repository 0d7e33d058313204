package storetest

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// locationStore is the store as rma.LocationStore: every store must be one.
func locationStore(t *testing.T, s rma.Store) rma.LocationStore {
	t.Helper()
	ls, ok := s.(rma.LocationStore)
	if !ok {
		t.Fatalf("%T does not keep service locations (rma.LocationStore)", s)
	}
	return ls
}

var tilburg = rma.Address{Street: "Ringbaan-Oost 102", Postcode: "5013 CD", City: "Tilburg", Region: "Noord-Brabant",
	Country: "NL", Contact: "RMA intake", Phone: "+31 13 555 0142", Note: "Dock 4"}

func testLocations(t *testing.T, open Opener) {
	t.Run("round trip", func(t *testing.T) {
		s := open(t)
		ls := locationStore(t, s)
		eu := &rma.Location{Code: "pixfra-eu", Name: "Pixfra Europe repair station", Address: tilburg, Active: true, Created: minute(1)}
		must(t, ls.CreateLocation(t.Context(), eu))
		if eu.ID == 0 || !eu.Updated.Equal(eu.Created) {
			t.Fatalf("CreateLocation set ID %d, updated %v (created %v)", eu.ID, eu.Updated, eu.Created)
		}
		if z := zeroFields(eu); len(z) > 0 {
			t.Fatalf("the fixture leaves fields zero, so their round trip is untested:\n%s", joinLines(z))
		}
		got, err := ls.LocationByCode(t.Context(), "pixfra-eu")
		must(t, err)
		wantSame(t, "LocationByCode", eu, got)
		// Inactive locations are kept and listed, ordered by code.
		na := &rma.Location{Code: "pixfra-na", Name: "Pixfra North America", Address: rma.Address{Street: "1200 Commerce Dr", Postcode: "75093", City: "Plano", Region: "TX", Country: "US"}}
		must(t, ls.CreateLocation(t.Context(), na))
		all, err := ls.Locations(t.Context())
		must(t, err)
		if len(all) != 2 || all[0].Code != "pixfra-eu" || all[1].Code != "pixfra-na" || all[1].Active {
			t.Fatalf("Locations = %+v; want pixfra-eu, then pixfra-na inactive", all)
		}
		wantSame(t, "Locations[1]", na, &all[1])
	})
	t.Run("codes are unique", func(t *testing.T) {
		s := open(t)
		ls := locationStore(t, s)
		must(t, ls.CreateLocation(t.Context(), &rma.Location{Code: "alphen", Name: "Dexxon", Address: tilburg, Active: true}))
		wantCode(t, ls.CreateLocation(t.Context(), &rma.Location{Code: "alphen", Name: "Other", Address: tilburg}), rma.ECONFLICT)
	})
	t.Run("update rewrites by code", func(t *testing.T) {
		s := open(t)
		ls := locationStore(t, s)
		l := &rma.Location{Code: "pixfra-eu", Name: "Pixfra Europe", Address: tilburg, Active: true, Created: minute(1)}
		must(t, ls.CreateLocation(t.Context(), l))
		l.Name, l.Active = "Pixfra Europe (moved)", false
		l.Address.Street, l.Address.Phone, l.Address.Note = "Ringbaan-West 9", "", ""
		must(t, ls.UpdateLocation(t.Context(), l))
		if !l.Updated.After(l.Created) {
			t.Fatalf("Updated %v not after Created %v", l.Updated, l.Created)
		}
		got, err := ls.LocationByCode(t.Context(), "pixfra-eu")
		must(t, err)
		wantSame(t, "updated location", l, got)
		wantCode(t, ls.UpdateLocation(t.Context(), &rma.Location{Code: "nowhere", Name: "x"}), rma.ENOTFOUND)
	})
	t.Run("unknown code is not found", func(t *testing.T) {
		s := open(t)
		ls := locationStore(t, s)
		for _, code := range []string{"nowhere", "bad\x00code"} {
			_, err := ls.LocationByCode(t.Context(), code)
			wantCode(t, err, rma.ENOTFOUND)
		}
	})
	t.Run("organisation address", func(t *testing.T) {
		s := open(t)
		ls := locationStore(t, s)
		// Created with an address, and given one later: every read of an
		// organisation carries it (by ID, by name, the list).
		with := &rma.Org{Name: "Demo Distributor", Role: policy.Distributor, Country: "DE", Address: rma.Address{
			Street: "Hafenstraße 12", Postcode: "20457", City: "Hamburg", Country: "DE", Contact: "Lager", Phone: "+49 40 555 0199"}, Created: minute(1)}
		must(t, s.CreateOrg(t.Context(), with))
		got, err := s.Org(t.Context(), with.ID)
		must(t, err)
		wantSame(t, "Org with address", with, got)
		later := mkOrg(t, s, "Dealer")
		must(t, ls.SetOrgAddress(t.Context(), later.ID, tilburg))
		later.Address = tilburg
		got, err = s.OrgByName(t.Context(), "dealer")
		must(t, err)
		wantSame(t, "OrgByName after SetOrgAddress", later, got)
		orgs, err := s.Orgs(t.Context())
		must(t, err)
		if len(orgs) != 2 || orgs[1].Address != tilburg {
			t.Fatalf("Orgs = %+v; want the second with the address", orgs)
		}
		wantCode(t, ls.SetOrgAddress(t.Context(), later.ID+100, tilburg), rma.ENOTFOUND)
	})
	t.Run("an RMA keeps its copy of the location", func(t *testing.T) {
		s := open(t)
		ls := locationStore(t, s)
		o := mkOrg(t, s, "Dealer")
		l := &rma.Location{Code: "pixfra-eu", Name: "Pixfra Europe", Address: tilburg, Active: true}
		must(t, ls.CreateLocation(t.Context(), l))
		r := simpleRMA(t, o.ID, "A", minute(1))
		r.Location, r.ShipTo = l.Code, &rma.ShipTo{Code: l.Code, Name: l.Name, Address: l.Address}
		r.Lines[0].PartNumber = "1.0.01.08.43501"
		mkRMA(t, s, r)
		l.Address.Street = "Elsewhere 1"
		must(t, ls.UpdateLocation(t.Context(), l))
		got := reload(t, s, r.ID)
		if got.ShipTo == nil || got.ShipTo.Address != tilburg || got.Lines[0].PartNumber != "1.0.01.08.43501" {
			t.Fatalf("ShipTo %+v, part number %q: want the address as copied and the part number", got.ShipTo, got.Lines[0].PartNumber)
		}
		// SaveRMA clears it too: an RMA without one reads back nil.
		got.ShipTo = nil
		must(t, s.SaveRMA(t.Context(), got, got.Version))
		if again := reload(t, s, r.ID); again.ShipTo != nil {
			t.Fatalf("ShipTo %+v after saving nil", again.ShipTo)
		}
	})
}
