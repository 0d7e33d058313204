package storetest

import (
	"errors"
	"fmt"
	"iter"
	"maps"
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// units is a load of us, as a source.
func units(us ...rma.Unit) iter.Seq2[rma.Unit, error] {
	return func(yield func(rma.Unit, error) bool) {
		for _, u := range us {
			if !yield(u, nil) {
				return
			}
		}
	}
}

func unitStore(t *testing.T, st rma.Store) rma.UnitStore {
	t.Helper()
	us, ok := st.(rma.UnitStore)
	if !ok {
		t.Fatal("the store keeps no serial registry (rma.UnitStore)")
	}
	return us
}

func wantSold(t *testing.T, us rma.UnitStore, from, to, model, org string, want map[string]int64) {
	t.Helper()
	got, err := us.UnitsSold(t.Context(), day(from), day(to), model, org)
	must(t, err)
	if !maps.Equal(got, want) {
		t.Errorf("UnitsSold(%s..%s, %q, %q) = %v, want %v", from, to, model, org, got, want)
	}
}

// testUnits: the serial registry. A load creates, replaces whole, and
// leaves alone what it loads again unchanged; lookups match serials in any
// case; the sales roll-up follows every write (a unit moved to another
// day or model, a replacement that is no sale); a load with a bad unit or
// a serial twice writes nothing.
func testUnits(t *testing.T, open Opener) {
	st := open(t)
	us := unitStore(t, st)
	ctx := t.Context()
	acme := mkOrg(t, st, "Acme Distribution")
	keeps, err := us.KeepsUnits(ctx)
	must(t, err)
	if keeps {
		t.Fatal("an empty registry keeps units")
	}
	a := rma.Unit{Serial: "px-1001", PartNumber: "PN-7", Model: "TS240", Category: "thermal-camera", SoldTo: "ACME distribution",
		InvoiceDate: day("2024-03-15"), InvoiceNo: "INV-1", Delivered: day("2024-03-18"), Manufactured: day("2024-01-08"),
		Price: rma.Money{Cents: 129900, Currency: "EUR"}, PolicyID: "pixfra"}
	b := rma.Unit{Serial: "PX-1002", Model: "TS240", Delivered: day("2024-03-16")}
	c := rma.Unit{Serial: "PX-1003", Model: "TS640", SoldTo: "Other Partner", InvoiceDate: day("2024-04-01")}
	load, err := us.LoadUnits(ctx, units(a, b, c))
	must(t, err)
	if load.Units != 3 || load.Created != 3 || load.Updated != 0 || load.Unchanged != 0 {
		t.Fatalf("first load: %+v", load)
	}
	if len(load.UnknownSoldTo) != 1 || load.UnknownSoldTo[0] != (rma.NameCount{Name: "Other Partner", Units: 1}) {
		t.Errorf("unknown sold-to names %+v, want Other Partner only (Acme's name matches in any case)", load.UnknownSoldTo)
	}
	got, err := us.Unit(ctx, " PX-1001 ")
	must(t, err)
	if got.Serial != "px-1001" || got.SoldTo != a.SoldTo || got.InvoiceDate != a.InvoiceDate || got.Delivered != a.Delivered ||
		got.Manufactured != a.Manufactured || got.Price != a.Price || got.PartNumber != "PN-7" || got.InvoiceNo != "INV-1" ||
		got.PolicyID != "pixfra" || got.Replacement() || got.Created.IsZero() {
		t.Errorf("unit read back: %+v", got)
	}
	_, err = us.Unit(ctx, "PX-9999")
	wantCode(t, err, rma.ENOTFOUND)
	_, err = us.Unit(ctx, "bad\x00serial")
	wantCode(t, err, rma.ENOTFOUND)
	keeps, err = us.KeepsUnits(ctx)
	must(t, err)
	if !keeps {
		t.Error("a registry with sales keeps no units")
	}

	// Sold on the invoice date, else the delivery date.
	wantSold(t, us, "2024-03-01", "2024-03-31", "", "", map[string]int64{"TS240": 2})
	wantSold(t, us, "2024-03-16", "2024-03-16", "", "", map[string]int64{"TS240": 1})
	wantSold(t, us, "2024-01-01", "2024-12-31", "", "", map[string]int64{"TS240": 2, "TS640": 1})
	wantSold(t, us, "2024-01-01", "2024-12-31", "TS640", "", map[string]int64{"TS640": 1})
	wantSold(t, us, "2024-01-01", "2024-12-31", "", fmt.Sprint(acme.ID), map[string]int64{"TS240": 1})
	wantSold(t, us, "2024-01-01", "2024-12-31", "TS640", fmt.Sprint(acme.ID), map[string]int64{})
	_, err = us.UnitsSold(ctx, day("2024-01-01"), day("2024-12-31"), "", "acme")
	wantCode(t, err, rma.EINVALID)
	_, err = us.UnitsSold(ctx, day("2024-01-01"), day("2024-12-31"), "", "999999")
	wantCode(t, err, rma.ENOTFOUND)
	_, err = us.UnitsSold(ctx, day("2024-12-31"), day("2024-01-01"), "", "")
	wantCode(t, err, rma.EINVALID)

	// A reload: a unchanged, b moved to another model and day, d new. A
	// unit replaced whole loses what the load leaves out.
	b2 := rma.Unit{Serial: "px-1002", Model: "TS640", InvoiceDate: day("2024-05-02")}
	d := rma.Unit{Serial: "PX-1004", Model: "TS240", SoldTo: "Acme Distribution", InvoiceDate: day("2024-03-20")}
	load, err = us.LoadUnits(ctx, units(a, b2, d))
	must(t, err)
	if load.Units != 3 || load.Created != 1 || load.Updated != 1 || load.Unchanged != 1 {
		t.Fatalf("reload: %+v, want 1 created, 1 updated, 1 unchanged", load)
	}
	got, err = us.Unit(ctx, "PX-1002")
	must(t, err)
	if got.Serial != "px-1002" || got.Model != "TS640" || !got.Delivered.IsZero() {
		t.Errorf("replaced unit: %+v, want the load's fields only", got)
	}
	wantSold(t, us, "2024-03-01", "2024-03-31", "", "", map[string]int64{"TS240": 2})
	wantSold(t, us, "2024-01-01", "2024-12-31", "", "", map[string]int64{"TS240": 2, "TS640": 2})
	wantSold(t, us, "2024-01-01", "2024-12-31", "", fmt.Sprint(acme.ID), map[string]int64{"TS240": 2})

	// A bad load writes nothing: a serial twice (named by position), and
	// an error of the source after good units.
	_, err = us.LoadUnits(ctx, units(rma.Unit{Serial: "NEW-1", Model: "X", InvoiceDate: day("2024-03-02")}, c, rma.Unit{Serial: "new-1"}))
	var dup *rma.DuplicateUnitError
	if !errors.As(err, &dup) || dup.First != 0 || dup.Again != 2 {
		t.Fatalf("a serial twice: %v, want a DuplicateUnitError of units 0 and 2", err)
	}
	bad := errors.New("line 3: the source broke")
	_, err = us.LoadUnits(ctx, func(yield func(rma.Unit, error) bool) {
		if yield(rma.Unit{Serial: "NEW-2", Model: "X", InvoiceDate: day("2024-03-02")}, nil) {
			yield(rma.Unit{}, bad)
		}
	})
	if !errors.Is(err, bad) {
		t.Fatalf("a source's error: %v", err)
	}
	for _, s := range []string{"NEW-1", "NEW-2"} {
		_, err = us.Unit(ctx, s)
		wantCode(t, err, rma.ENOTFOUND)
	}
	wantSold(t, us, "2024-03-01", "2024-03-31", "", "", map[string]int64{"TS240": 2})
	n, repl, err := us.CountUnits(ctx)
	must(t, err)
	if n != 4 || repl != 0 {
		t.Errorf("CountUnits = %d, %d; want 4 units, no replacement", n, repl)
	}
	// An empty load is no error.
	load, err = us.LoadUnits(ctx, units())
	must(t, err)
	if load.Units != 0 {
		t.Errorf("empty load: %+v", load)
	}
}

// testReplacementUnits: the units an RMA's change ships are written with
// it, carry their warranty end and the serial they replace, count as no
// sale, and are found from the original.
func testReplacementUnits(t *testing.T, open Opener) {
	st := open(t)
	us := unitStore(t, st)
	ctx := t.Context()
	org := mkOrg(t, st, "Acme Retail")
	_, err := us.LoadUnits(ctx, units(rma.Unit{Serial: "PL-1", Model: "PX-760A", SoldTo: "Acme Retail", InvoiceDate: day("2025-01-10")}))
	must(t, err)
	r := mkRMA(t, st, simpleRMA(t, org.ID, "REF-1", minute(0)))
	r.Units = []rma.Unit{{Serial: "PL-2", Model: "PX-760A", SoldTo: "Acme Retail", Delivered: day("2026-03-02"), PolicyID: "plextor",
		RMAID: r.ID, RMANumber: "RMA-26-00001-A", Replaces: "pl-1", WarrantyEnd: day("2027-01-09")}}
	must(t, st.SaveRMA(ctx, r, r.Version, &rma.Event{At: minute(5), Actor: "agent", Action: "resolve", From: r.State, To: r.State}))
	if r.Units != nil {
		t.Error("the saved RMA keeps its units: they are written once")
	}
	got, err := us.Unit(ctx, "pl-2")
	must(t, err)
	if !got.Replacement() || got.RMAID != r.ID || got.RMANumber != "RMA-26-00001-A" || got.Replaces != "pl-1" ||
		got.WarrantyEnd != day("2027-01-09") || got.Delivered != day("2026-03-02") {
		t.Errorf("replacement read back: %+v", got)
	}
	by, err := us.ReplacedBy(ctx, "PL-1")
	must(t, err)
	if len(by) != 1 || by[0].Serial != "PL-2" {
		t.Errorf("ReplacedBy(PL-1) = %+v", by)
	}
	by, err = us.ReplacedBy(ctx, "PL-2")
	must(t, err)
	if len(by) != 0 {
		t.Errorf("ReplacedBy(PL-2) = %+v, want none", by)
	}
	// A replacement is no sale.
	wantSold(t, us, "2025-01-01", "2026-12-31", "", "", map[string]int64{"PX-760A": 1})
	n, repl, err := us.CountUnits(ctx)
	must(t, err)
	if n != 2 || repl != 1 {
		t.Errorf("CountUnits = %d, %d; want 2, 1", n, repl)
	}
	// A change that fails writes its units neither.
	r.Units = []rma.Unit{{Serial: "PL-3", RMAID: r.ID, Replaces: "PL-2"}}
	wantCode(t, st.SaveRMA(ctx, r, r.Version-1, &rma.Event{At: minute(6), Actor: "agent", Action: "resolve", From: r.State, To: r.State}), rma.EPRECONDITION)
	_, err = us.Unit(ctx, "PL-3")
	wantCode(t, err, rma.ENOTFOUND)
}

// testWarrantyCheckSettings: the defaults until saved, then what was saved.
func testWarrantyCheckSettings(t *testing.T, open Opener) {
	us := unitStore(t, open(t))
	ctx := t.Context()
	s, err := us.WarrantyCheckSettings(ctx)
	must(t, err)
	if s != rma.DefaultWarrantyCheckSettings {
		t.Errorf("unsaved settings %+v, want the defaults", s)
	}
	want := rma.WarrantyCheckSettings{Enabled: false, SecondFactor: rma.FactorModel, RevealUnknown: true, DefaultPolicy: "pixfra"}
	must(t, us.SaveWarrantyCheckSettings(ctx, want))
	must(t, us.SaveWarrantyCheckSettings(ctx, want))
	if s, err = us.WarrantyCheckSettings(ctx); err != nil || s != want {
		t.Errorf("saved settings %+v (%v), want %+v", s, err, want)
	}
}
