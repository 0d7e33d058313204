package storetest

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// mkSupplier stores a supplier with every field set.
func mkSupplier(t *testing.T, s rma.Store, name string) *rma.Supplier {
	t.Helper()
	sup := &rma.Supplier{
		Org: rma.Org{Name: name, Country: "DE", Email: "rma@" + name + ".example", Created: base,
			Address: rma.Address{Street: "Industriestraße 12", Postcode: "40549", City: "Düsseldorf", Region: "NRW",
				Country: "DE", Contact: "RMA intake", Phone: "+49 211 555 0100", Note: "Gate 3"}},
		PolicyID: "plextor", ClaimRole: policy.Dealer, ResponseDays: 21,
	}
	must(t, s.CreateSupplier(t.Context(), sup))
	return sup
}

func testSuppliers(t *testing.T, open Opener) {
	t.Run("every field survives", func(t *testing.T) {
		s := open(t)
		sup := mkSupplier(t, s, "Plextor Parts")
		if sup.ID == 0 || !sup.Supplier || sup.IsDesk {
			t.Fatalf("ID %d, Supplier %v, IsDesk %v", sup.ID, sup.Supplier, sup.IsDesk)
		}
		got, err := s.Supplier(t.Context(), sup.ID)
		must(t, err)
		// Role is a requester's (a supplier files no claims), and a
		// supplier is never the desk.
		if z := zeroFields(got); len(z) != 2 || z[0] != ".Org.IsDesk" || z[1] != ".Org.Role" {
			t.Fatalf("the fixture leaves fields zero:\n%s", joinLines(z))
		}
		wantSame(t, "supplier", sup, got)
		list, err := s.Suppliers(t.Context())
		must(t, err)
		wantSame(t, "suppliers", []rma.Supplier{*sup}, list)
		// The organisation says it is a supplier wherever it is read.
		o, err := s.Org(t.Context(), sup.ID)
		must(t, err)
		if !o.Supplier || o.Name != sup.Name {
			t.Fatalf("org %+v", o)
		}
	})
	t.Run("only suppliers are suppliers", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		_, err := s.Supplier(t.Context(), o.ID)
		wantCode(t, err, rma.ENOTFOUND)
		if o2, err := s.Org(t.Context(), o.ID); err != nil || o2.Supplier {
			t.Fatalf("a requester reads as a supplier: %+v %v", o2, err)
		}
		list, err := s.Suppliers(t.Context())
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("%d suppliers", len(list))
		}
	})
	t.Run("a name is an organisation's, once", func(t *testing.T) {
		s := open(t)
		mkOrg(t, s, "Dexxon")
		err := s.CreateSupplier(t.Context(), &rma.Supplier{Org: rma.Org{Name: "DEXXON", Country: "NL"}})
		wantCode(t, err, rma.ECONFLICT)
		list, err := s.Suppliers(t.Context())
		must(t, err)
		if len(list) != 0 {
			t.Fatal("a refused supplier left its row")
		}
	})
}

// evaluated is a stored RMA in evaluation with two lines found defective.
func evaluated(t *testing.T, s rma.Store, orgID int64, ref string) *rma.RMA {
	t.Helper()
	r := simpleRMA(t, orgID, ref, minute(0))
	r.State, r.Number = rma.InEvaluation, "RMA-26-"+ref
	second := r.Lines[0]
	second.No, second.Claim = 2, unitClaim(t, "SN2-"+ref, "MODEL-"+ref)
	r.Lines = append(r.Lines, second)
	for i := range r.Lines {
		r.Lines[i].Finding = rma.DefectConfirmed
	}
	return mkRMA(t, s, r)
}

// toSupplier moves r to at_supplier with its event, as the service would.
func toSupplier(r *rma.RMA, action rma.Action, to rma.State) rma.RMASave {
	from := r.State
	r.State = to
	return rma.RMASave{RMA: r, ExpectVersion: r.Version,
		Events: []*rma.Event{{At: minute(10), Actor: "agent", Action: string(action), From: from, To: to, Details: map[string]any{"supplier": "x"}}}}
}

func testSupplierRMAs(t *testing.T, open Opener) {
	newBatch := func(t *testing.T, s rma.Store) (*rma.Supplier, *rma.RMA, *rma.RMA, *rma.SupplierRMA) {
		o := mkOrg(t, s, "Webshop")
		sup := mkSupplier(t, s, "Supplier")
		a, b := evaluated(t, s, o.ID, "00001-A"), evaluated(t, s, o.ID, "00002-B")
		sr := &rma.SupplierRMA{SupplierID: sup.ID, Number: "SUP-26-00001", Reference: "S-77", Due: day("2026-04-01"), Note: "batch",
			Created: minute(10), Updated: minute(10),
			Lines: []rma.SupplierLine{{RMAID: a.ID, LineNo: 1}, {RMAID: a.ID, LineNo: 2}, {RMAID: b.ID, LineNo: 2}}}
		ev := &rma.SupplierEvent{At: minute(10), Actor: "agent", Action: "create", Details: map[string]any{"lines": float64(3)}}
		must(t, s.CreateSupplierRMA(t.Context(), sr, ev, []rma.RMASave{toSupplier(b, rma.ActForwardToSupplier, rma.AtSupplier), toSupplier(a, rma.ActForwardToSupplier, rma.AtSupplier)}))
		if sr.ID == 0 || sr.Version != 1 || ev.Seq != 1 || ev.SupplierRMAID != sr.ID {
			t.Fatalf("supplier RMA %d version %d, event seq %d of %d", sr.ID, sr.Version, ev.Seq, ev.SupplierRMAID)
		}
		return sup, a, b, sr
	}
	t.Run("created with its RMAs in one transaction", func(t *testing.T) {
		s := open(t)
		sup, a, b, sr := newBatch(t, s)
		got, err := s.SupplierRMA(t.Context(), sr.ID)
		must(t, err)
		if got.SupplierName != sup.Name || got.Number != "SUP-26-00001" || got.Reference != "S-77" || got.Due != day("2026-04-01") ||
			got.Note != "batch" || !got.Created.Equal(minute(10)) || got.Version != 1 || got.State() != rma.SupplierOpen {
			t.Fatalf("supplier RMA %+v", got)
		}
		if len(got.Lines) != 3 || got.Lines[2].RMAID != b.ID || got.Lines[2].LineNo != 2 || got.Lines[0].RMANumber != a.Number ||
			got.Lines[0].SupplierNo != sr.Number || got.Lines[0].ID != sr.Lines[0].ID || got.Lines[0].ID == 0 {
			t.Fatalf("lines %+v (stored %+v)", got.Lines, sr.Lines)
		}
		for _, r := range []*rma.RMA{a, b} {
			back := reload(t, s, r.ID)
			if back.State != rma.AtSupplier || back.Version != 2 || r.Version != 2 {
				t.Fatalf("RMA %d: state %s, version %d (in memory %d)", r.ID, back.State, back.Version, r.Version)
			}
			evs, err := s.Events(t.Context(), r.ID)
			must(t, err)
			if len(evs) != 2 || evs[1].Action != "forward_to_supplier" || evs[1].To != rma.AtSupplier {
				t.Fatalf("RMA %d history %+v", r.ID, evs)
			}
		}
		back := reload(t, s, a.ID)
		if len(back.Supplier) != 2 || back.Supplier[1].LineNo != 2 || back.Supplier[1].SupplierName != sup.Name ||
			back.Supplier[1].SupplierNo != sr.Number || back.Supplier[1].Verdict != "" || back.SupplierLineOf(2) == nil {
			t.Fatalf("RMA's supplier lines %+v", back.Supplier)
		}
	})
	t.Run("an RMA that moved stores nothing", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Webshop")
		sup := mkSupplier(t, s, "Supplier")
		a, b := evaluated(t, s, o.ID, "00001-A"), evaluated(t, s, o.ID, "00002-B")
		sr := &rma.SupplierRMA{SupplierID: sup.ID, Number: "SUP-26-00001", Lines: []rma.SupplierLine{{RMAID: a.ID, LineNo: 1}, {RMAID: b.ID, LineNo: 1}}}
		stale := toSupplier(b, rma.ActForwardToSupplier, rma.AtSupplier)
		stale.ExpectVersion = 7
		err := s.CreateSupplierRMA(t.Context(), sr, &rma.SupplierEvent{Action: "create"}, []rma.RMASave{toSupplier(a, rma.ActForwardToSupplier, rma.AtSupplier), stale})
		wantCode(t, err, rma.EPRECONDITION)
		if back := reload(t, s, a.ID); back.State != rma.InEvaluation || back.Version != 1 || len(back.Supplier) != 0 {
			t.Fatalf("the other RMA was written: %s version %d, %d supplier lines", back.State, back.Version, len(back.Supplier))
		}
		list, err := s.SupplierRMAs(t.Context(), rma.SupplierRMAFilter{})
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("%d supplier RMAs after a refusal", len(list))
		}
	})
	t.Run("shipment, verdicts and history", func(t *testing.T) {
		s := open(t)
		_, a, b, sr := newBatch(t, s)
		sr.Carrier, sr.Tracking, sr.Shipped, sr.Updated = "DHL", "JD0001", day("2026-03-03"), minute(20)
		must(t, s.SaveSupplierRMA(t.Context(), sr, 1, []*rma.SupplierEvent{{At: minute(20), Actor: "agent", Action: "ship"}},
			[]rma.RMASave{toSupplier(a, rma.ActShipToSupplier, rma.AtSupplier)}))
		if sr.Version != 2 {
			t.Fatalf("version %d after a save", sr.Version)
		}
		// A save of the version already moved on writes nothing.
		err := s.SaveSupplierRMA(t.Context(), sr, 1, []*rma.SupplierEvent{{Action: "ship"}}, nil)
		wantCode(t, err, rma.EPRECONDITION)
		sr.Lines[0].Verdict, sr.Lines[0].Remedy, sr.Lines[0].Credit, sr.Lines[0].Notes, sr.Lines[0].Decided =
			rma.SupplierCovered, rma.SupplierCredited, rma.Money{Cents: 7500, Currency: "EUR"}, "credit note CN-1", minute(30)
		sr.Lines[2].Verdict, sr.Lines[2].Remedy, sr.Lines[2].Charge, sr.Lines[2].Decided =
			rma.SupplierNotCovered, rma.SupplierReturned, rma.Money{Cents: 2500, Currency: "EUR"}, minute(30)
		sr.Lines[1].Verdict, sr.Lines[1].Remedy, sr.Lines[1].ReplacementSerial, sr.Lines[1].Decided =
			rma.SupplierCovered, rma.SupplierReplaced, "NEW-1", minute(30)
		must(t, s.SaveSupplierRMA(t.Context(), sr, 2, []*rma.SupplierEvent{{At: minute(30), Actor: "agent", Action: "verdict",
			Details: map[string]any{"lines": float64(3)}}}, []rma.RMASave{toSupplier(b, rma.ActBackFromSupplier, rma.InEvaluation)}))
		got, err := s.SupplierRMA(t.Context(), sr.ID)
		must(t, err)
		if got.State() != rma.SupplierAnswered || got.Carrier != "DHL" || got.Tracking != "JD0001" || got.Shipped != day("2026-03-03") || got.Version != 3 {
			t.Fatalf("supplier RMA %+v", got)
		}
		for i, what := range []string{"verdict with credit", "verdict with replacement", "verdict with charge"} {
			want := sr.Lines[i] // with what is read with a line
			want.SupplierNo, want.SupplierID, want.SupplierName, want.RMANumber = sr.Number, sr.SupplierID, "Supplier", a.Number
			if i == 2 {
				want.RMANumber = b.Number
			}
			wantSame(t, what, want, got.Lines[i])
		}
		evs, err := s.SupplierEvents(t.Context(), sr.ID)
		must(t, err)
		if len(evs) != 3 || evs[0].Action != "create" || evs[2].Action != "verdict" || evs[2].Seq != 3 || !evs[2].At.Equal(minute(30)) ||
			evs[2].Details["lines"] != float64(3) {
			t.Fatalf("history %+v", evs)
		}
		back := reload(t, s, b.ID)
		if back.State != rma.InEvaluation || back.SupplierLineOf(2).Charge.Cents != 2500 {
			t.Fatalf("RMA %s with %+v", back.State, back.Supplier)
		}
		if rec := reload(t, s, a.ID).Recovery(); len(rec.Recovered) != 1 || rec.Recovered[0].Cents != 7500 || rec.NetCost[0].Cents != -7500 {
			t.Fatalf("recovery %+v", rec)
		}
	})
	t.Run("lines added before the shipment", func(t *testing.T) {
		s := open(t)
		_, a, _, sr := newBatch(t, s)
		o := mkOrg(t, s, "Third")
		c := evaluated(t, s, o.ID, "00003-C")
		sr.Lines = append(sr.Lines, rma.SupplierLine{RMAID: c.ID, LineNo: 1}, rma.SupplierLine{RMAID: c.ID, LineNo: 2})
		must(t, s.SaveSupplierRMA(t.Context(), sr, 1, []*rma.SupplierEvent{{At: minute(15), Action: "add_lines"}},
			[]rma.RMASave{toSupplier(c, rma.ActForwardToSupplier, rma.AtSupplier)}))
		if sr.Lines[3].ID == 0 || sr.Lines[4].ID == 0 || sr.Lines[0].ID == 0 {
			t.Fatalf("line IDs %+v", sr.Lines)
		}
		got, err := s.SupplierRMA(t.Context(), sr.ID)
		must(t, err)
		if len(got.Lines) != 5 || got.Lines[3].RMAID != c.ID || got.Lines[4].LineNo != 2 || got.Lines[3].ID != sr.Lines[3].ID || got.Lines[0].RMAID != a.ID {
			t.Fatalf("lines %+v", got.Lines)
		}
		if back := reload(t, s, c.ID); back.State != rma.AtSupplier || len(back.Supplier) != 2 {
			t.Fatalf("the added RMA: %s, %d supplier lines", back.State, len(back.Supplier))
		}
		// A line twice in one supplier RMA is refused, and nothing is written.
		sr.Lines = append(sr.Lines, rma.SupplierLine{RMAID: c.ID, LineNo: 1})
		err = s.SaveSupplierRMA(t.Context(), sr, 2, nil, nil)
		wantCode(t, err, rma.ECONFLICT)
		if got, _ := s.SupplierRMA(t.Context(), sr.ID); len(got.Lines) != 5 || got.Version != 2 {
			t.Fatalf("after a refused save: %d lines, version %d", len(got.Lines), got.Version)
		}
	})
	t.Run("lists", func(t *testing.T) {
		s := open(t)
		sup, a, b, sr := newBatch(t, s)
		o := mkOrg(t, s, "Other")
		c := evaluated(t, s, o.ID, "00003-C")
		other := mkSupplier(t, s, "Other supplier")
		sr2 := &rma.SupplierRMA{SupplierID: other.ID, Number: "SUP-26-00002", Lines: []rma.SupplierLine{{RMAID: c.ID, LineNo: 1, Verdict: rma.SupplierCovered, Remedy: rma.SupplierRepaired}}}
		must(t, s.CreateSupplierRMA(t.Context(), sr2, &rma.SupplierEvent{Action: "create"}, nil))
		for _, tc := range []struct {
			name string
			f    rma.SupplierRMAFilter
			want []int64
		}{
			{"all, newest first", rma.SupplierRMAFilter{}, []int64{sr2.ID, sr.ID}},
			{"one supplier", rma.SupplierRMAFilter{SupplierID: sup.ID}, []int64{sr.ID}},
			{"holding an RMA's line", rma.SupplierRMAFilter{RMAID: b.ID}, []int64{sr.ID}},
			{"open: a verdict pending", rma.SupplierRMAFilter{Open: true}, []int64{sr.ID}},
			{"limit", rma.SupplierRMAFilter{Limit: 1}, []int64{sr2.ID}},
			{"overdue: due before today, a verdict pending", rma.SupplierRMAFilter{Overdue: true, Today: day("2026-04-02")}, []int64{sr.ID}},
			{"not overdue on its due day", rma.SupplierRMAFilter{Overdue: true, Today: day("2026-04-01")}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				list, err := s.SupplierRMAs(t.Context(), tc.f)
				must(t, err)
				var ids []int64
				for _, x := range list {
					ids = append(ids, x.ID)
				}
				wantSame(t, "IDs", tc.want, ids)
				if len(list) > 0 && list[len(list)-1].ID == sr.ID && len(list[len(list)-1].Lines) != 3 {
					t.Fatalf("lines not listed: %+v", list[len(list)-1].Lines)
				}
			})
		}
		_ = a
		_, err := s.SupplierRMA(t.Context(), 999)
		wantCode(t, err, rma.ENOTFOUND)
	})
}
