package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

func testCreateRMA(t *testing.T, open Opener) {
	t.Run("every field survives", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		r := fullRMA(t, o.ID)
		must(t, s.CreateRMA(t.Context(), r, submitEvent(r.Created), "key-1"))
		got := reload(t, s, r.ID)
		if z := zeroFields(got); len(z) > 0 {
			t.Fatalf("the fixture leaves fields zero, so their round trip is untested:\n%s", joinLines(z))
		}
		wantSame(t, "RMA", r, got)
	})
	t.Run("sets IDs, version and the first event", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		r := fullRMA(t, o.ID)
		ev := submitEvent(r.Created)
		must(t, s.CreateRMA(t.Context(), r, ev, ""))
		if r.ID == 0 || r.Version != 1 {
			t.Fatalf("ID %d, Version %d; want an ID and version 1", r.ID, r.Version)
		}
		seen := map[int64]bool{}
		for i, l := range r.Lines {
			if l.ID == 0 || seen[l.ID] {
				t.Fatalf("line %d has ID %d", i, l.ID)
			}
			seen[l.ID] = true
		}
		for i, c := range r.Charges {
			if c.ID == 0 {
				t.Fatalf("charge %d has no ID", i)
			}
		}
		if ev.ID == 0 || ev.RMAID != r.ID || ev.Seq != 1 {
			t.Fatalf("event ID %d, RMAID %d, Seq %d; want an ID, %d, 1", ev.ID, ev.RMAID, ev.Seq, r.ID)
		}
		evs, err := s.Events(t.Context(), r.ID)
		must(t, err)
		wantSame(t, "events", []rma.Event{*ev}, evs)
	})
	t.Run("zero values and store timestamps", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		// No number, no lines, no dates, zero enums, no times: what a
		// submission looks like before anything is decided.
		r := &rma.RMA{OrgID: o.ID, State: rma.Submitted}
		must(t, s.CreateRMA(t.Context(), r, nil, ""))
		if r.Created.IsZero() || r.Updated.IsZero() {
			t.Fatalf("Created %s, Updated %s: want both set by the store", r.Created, r.Updated)
		}
		got := reload(t, s, r.ID)
		wantSame(t, "RMA", r, got)
		if got.Number != "" || !got.NumberExpires.IsZero() || got.Kind != policy.Defect || got.Verdict != policy.Accept {
			t.Fatalf("zero values changed: %+v", got)
		}
		evs, err := s.Events(t.Context(), r.ID)
		must(t, err)
		if len(evs) != 0 {
			t.Fatalf("a nil event stored %d events", len(evs))
		}
	})
	t.Run("line numbers default to their position", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		r := simpleRMA(t, o.ID, "A", minute(0))
		r.Lines = append(r.Lines, r.Lines[0])
		r.Lines[0].No, r.Lines[1].No = 0, 0
		must(t, s.CreateRMA(t.Context(), r, nil, ""))
		got := reload(t, s, r.ID)
		if len(got.Lines) != 2 || got.Lines[0].No != 1 || got.Lines[1].No != 2 || r.Lines[1].No != 2 {
			t.Fatalf("lines numbered %+v", got.Lines)
		}
	})
	// Each refusal leaves the store as it was: no RMA, no number, no event.
	for _, tc := range []struct {
		name   string
		code   string
		change func(t *testing.T, r *rma.RMA, other *rma.RMA)
	}{
		{"unknown organisation", rma.ENOTFOUND, func(t *testing.T, r, _ *rma.RMA) { r.OrgID = 99999 }},
		{"current number taken", rma.ECONFLICT, func(t *testing.T, r, other *rma.RMA) {
			r.Number = other.Number
			r.Numbers = []rma.NumberRecord{{Number: other.Number, Issued: day("2026-03-02"), Current: true}}
		}},
		{"earlier number taken", rma.ECONFLICT, func(t *testing.T, r, other *rma.RMA) {
			r.Number = rma.FormatNumber(26, 777)
			r.Numbers = []rma.NumberRecord{
				{Number: other.Numbers[0].Number, Issued: day("2026-03-01")},
				{Number: r.Number, Issued: day("2026-03-02"), Current: true},
			}
		}},
		{"claim that would not read back", rma.EINVALID, func(t *testing.T, r, _ *rma.RMA) {
			r.Lines[0].Claim.Requester.Role = policy.RoleUnknown // the contract requires a role
		}},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			s := open(t)
			o := mkOrg(t, s, "Dexxon")
			other := fullRMA(t, o.ID)
			must(t, s.CreateRMA(t.Context(), other, nil, ""))
			r := simpleRMA(t, o.ID, "B", minute(10))
			tc.change(t, r, other)
			wantCode(t, s.CreateRMA(t.Context(), r, submitEvent(r.Created), ""), tc.code)
			if r.ID != 0 {
				t.Fatalf("a refused RMA got ID %d", r.ID)
			}
			page, _, err := s.ListRMAs(t.Context(), rma.ListFilter{})
			must(t, err)
			if len(page) != 1 || page[0].ID != other.ID {
				t.Fatalf("after the refusal the store lists %d RMAs, want only the first", len(page))
			}
			if r.Number != "" && r.Number != other.Number {
				_, err := s.RMAByNumber(t.Context(), r.Number)
				wantCode(t, err, rma.ENOTFOUND)
			}
		})
	}
	t.Run("refused: nil", func(t *testing.T) {
		s := open(t)
		wantCode(t, s.CreateRMA(t.Context(), nil, nil, ""), rma.EINVALID)
	})
	t.Run("not found", func(t *testing.T) {
		s := open(t)
		_, err := s.RMA(t.Context(), 12345)
		wantCode(t, err, rma.ENOTFOUND)
	})
}

func testIdempotency(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name               string
		firstKey, otherKey string
		sameOrg            bool
		wantConflict       bool
	}{
		{"same key, same organisation", "order-1", "order-1", true, true},
		{"same key, other organisation", "order-1", "order-1", false, false},
		{"other key, same organisation", "order-1", "order-2", true, false},
		{"no key twice", "", "", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			o1, o2 := mkOrg(t, s, "Dexxon"), mkOrg(t, s, "Minicart")
			first := simpleRMA(t, o1.ID, "first", minute(0))
			must(t, s.CreateRMA(t.Context(), first, submitEvent(first.Created), tc.firstKey))

			org := o2
			if tc.sameOrg {
				org = o1
			}
			second := simpleRMA(t, org.ID, "second", minute(1))
			second.Number = rma.FormatNumber(26, 2)
			second.Numbers = []rma.NumberRecord{{Number: second.Number, Issued: day("2026-03-02"), Current: true}}
			err := s.CreateRMA(t.Context(), second, submitEvent(second.Created), tc.otherKey)
			page, _, lerr := s.ListRMAs(t.Context(), rma.ListFilter{})
			must(t, lerr)
			if !tc.wantConflict {
				must(t, err)
				if len(page) != 2 {
					t.Fatalf("%d RMAs stored, want 2", len(page))
				}
				return
			}
			wantCode(t, err, rma.ECONFLICT)
			var de *rma.Error
			if !errors.As(err, &de) || de.ExistingID != first.ID {
				t.Fatalf("ExistingID is not %d in %#v", first.ID, err)
			}
			if second.ID != 0 {
				t.Fatalf("the refused RMA got ID %d", second.ID)
			}
			if len(page) != 1 {
				t.Fatalf("%d RMAs stored, want only the first", len(page))
			}
			_, err = s.RMAByNumber(t.Context(), second.Number)
			wantCode(t, err, rma.ENOTFOUND)
			evs, err := s.Events(t.Context(), first.ID)
			must(t, err)
			if len(evs) != 1 {
				t.Fatalf("the first RMA has %d events, want 1", len(evs))
			}
		})
	}
}

// saved is an RMA after CreateRMA, with its events, to compare against
// after a save that must change nothing.
type saved struct {
	rma    *rma.RMA
	events []rma.Event
}

func snapshot(t *testing.T, s rma.Store, id int64) saved {
	t.Helper()
	evs, err := s.Events(t.Context(), id)
	must(t, err)
	return saved{reload(t, s, id), evs}
}

func (before saved) wantUnchanged(t *testing.T, s rma.Store) {
	t.Helper()
	after := snapshot(t, s, before.rma.ID)
	wantSame(t, "RMA after a refused save", before.rma, after.rma)
	wantSame(t, "events after a refused save", before.events, after.events)
}

// receive changes r the way receiving and evaluating a parcel does: state,
// line fields, a new line, a reissued number, new deadlines, a new charge.
func receive(t *testing.T, r *rma.RMA) []*rma.Event {
	r.State = rma.InEvaluation
	r.Outcome = rma.Repaired
	r.Resolution = "repair"
	r.Updated = minute(120)
	r.NumberExpires = day("2026-05-01")
	l := &r.Lines[0]
	l.ReceivedSerial, l.ReceivedModel, l.SerialMismatch = "SN-RECV-1", "PX-999", true
	l.MissingAccessories = []string{"strap"}
	l.EnclosedDocuments = []policy.Document{policy.ShipmentSlip}
	l.Finding, l.EvaluationNotes = rma.DefectConfirmed, "sensor dead"
	l.ReplacementSerial, l.ReplacementWarrantyEnd = "SN-REPL-1", day("2027-03-02")
	r.Lines = append(r.Lines, rma.Line{No: len(r.Lines) + 1, Claim: unitClaim(t, "SN-ADDED", "PX-ADDED"), Quantity: 1,
		Decision: policy.Decision{Policy: "dexxon", Verdict: policy.NeedsInfo, Route: policy.RouteChargeable}})
	for i := range r.Numbers {
		r.Numbers[i].Current = false
	}
	r.Number = rma.FormatNumber(26, 9999)
	r.Numbers = append(r.Numbers, rma.NumberRecord{Number: r.Number, Issued: day("2026-04-01"), Expires: day("2026-05-01"), Current: true})
	r.Deadlines = []rma.Deadline{{Name: "evaluation", Owner: "vendor", Due: day("2026-04-10"), Clause: "6.1", Text: "evaluate within 7 days"}}
	r.Charges = append(r.Charges, rma.Charge{LineNo: 1, Kind: "transport", Basis: "fixed", Quantity: 1,
		Amount: rma.Money{Cents: 1500, Currency: "EUR"}, Created: minute(121)})
	return []*rma.Event{
		{At: minute(120), Actor: "tech@pixfra.example", Action: string(rma.ActReceive), From: rma.Authorized, To: rma.Received},
		{At: minute(121), Actor: "tech@pixfra.example", Action: string(rma.ActStartEvaluation), From: rma.Received, To: rma.InEvaluation,
			Details: map[string]any{"bench": "B2"}},
	}
}

func testSaveRMA(t *testing.T, open Opener) {
	setup := func(t *testing.T) (rma.Store, *rma.RMA) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		r := fullRMA(t, o.ID)
		must(t, s.CreateRMA(t.Context(), r, submitEvent(r.Created), ""))
		return s, r
	}
	t.Run("writes everything", func(t *testing.T) {
		s, r := setup(t)
		r = reload(t, s, r.ID)
		oldNumber := r.Number
		evs := receive(t, r)
		must(t, s.SaveRMA(t.Context(), r, 1, evs...))
		if r.Version != 2 {
			t.Fatalf("Version %d after a save, want 2", r.Version)
		}
		if r.Lines[2].ID == 0 || r.Charges[2].ID == 0 {
			t.Fatalf("the added line (%d) or charge (%d) got no ID", r.Lines[2].ID, r.Charges[2].ID)
		}
		wantSame(t, "RMA after save", r, reload(t, s, r.ID))
		got, err := s.Events(t.Context(), r.ID)
		must(t, err)
		if len(got) != 3 || got[1].Seq != 2 || got[2].Seq != 3 || evs[0].Seq != 2 || evs[1].Seq != 3 {
			t.Fatalf("events after save: %+v", got)
		}
		wantSame(t, "appended events", []rma.Event{*evs[0], *evs[1]}, got[1:])
		for _, n := range []string{oldNumber, r.Number} {
			byNumber, err := s.RMAByNumber(t.Context(), n)
			must(t, err)
			if byNumber.ID != r.ID {
				t.Fatalf("number %s finds RMA %d", n, byNumber.ID)
			}
		}
	})
	t.Run("a second save needs the new version", func(t *testing.T) {
		s, r := setup(t)
		r.Reason = "first"
		must(t, s.SaveRMA(t.Context(), r, 1))
		r.Reason = "second"
		must(t, s.SaveRMA(t.Context(), r, 2))
		if got := reload(t, s, r.ID); got.Reason != "second" || got.Version != 3 {
			t.Fatalf("reason %q version %d", got.Reason, got.Version)
		}
	})
	t.Run("stale version writes nothing", func(t *testing.T) {
		s, r := setup(t)
		stale := reload(t, s, r.ID)
		r.Reason = "saved first"
		must(t, s.SaveRMA(t.Context(), r, 1, &rma.Event{Actor: "a", Action: "note"}))
		before := snapshot(t, s, r.ID)
		evs := receive(t, stale)
		wantCode(t, s.SaveRMA(t.Context(), stale, 1, evs...), rma.EPRECONDITION)
		if stale.Version != 1 || evs[0].ID != 0 {
			t.Fatalf("a refused save changed its arguments: version %d, event ID %d", stale.Version, evs[0].ID)
		}
		before.wantUnchanged(t, s)
	})
	t.Run("concurrent writers: one wins", func(t *testing.T) {
		s, r := setup(t)
		const writers = 8
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range writers {
			mine := reload(t, s, r.ID)
			wg.Go(func() {
				mine.Reason = "writer"
				errs[i] = s.SaveRMA(context.Background(), mine, 1, &rma.Event{Actor: "w", Action: "note"})
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else if rma.ErrorCode(err) != rma.EPRECONDITION {
				t.Fatalf("a losing writer got %v, want %s", err, rma.EPRECONDITION)
			}
		}
		evs, err := s.Events(t.Context(), r.ID)
		must(t, err)
		if won != 1 || len(evs) != 2 || reload(t, s, r.ID).Version != 2 {
			t.Fatalf("%d writers won, %d events, want 1 and 2", won, len(evs))
		}
	})
	t.Run("a failure midway writes nothing", func(t *testing.T) {
		s, r := setup(t)
		other := simpleRMA(t, r.OrgID, "other", minute(5))
		other.Number = rma.FormatNumber(26, 31337)
		other.Numbers = []rma.NumberRecord{{Number: other.Number, Issued: day("2026-03-02"), Current: true}}
		mkRMA(t, s, other)
		before := snapshot(t, s, r.ID)

		// Everything in receive() is valid; only the last number collides,
		// which the database finds after the RMA row, its lines and its
		// deadlines have been written inside the transaction.
		changed := reload(t, s, r.ID)
		evs := receive(t, changed)
		changed.Numbers = append(changed.Numbers, rma.NumberRecord{Number: other.Number, Issued: day("2026-04-02")})
		wantCode(t, s.SaveRMA(t.Context(), changed, 1, evs...), rma.ECONFLICT)
		before.wantUnchanged(t, s)
		page, _, err := s.ListRMAs(t.Context(), rma.ListFilter{Query: "SN-RECV"})
		must(t, err)
		if len(page) != 0 {
			t.Fatal("search terms of the failed save were kept")
		}
		// The version was not spent: the same save without the collision succeeds.
		changed = reload(t, s, r.ID)
		must(t, s.SaveRMA(t.Context(), changed, 1, receive(t, changed)...))
	})
	t.Run("a cancelled context writes nothing", func(t *testing.T) {
		s, r := setup(t)
		before := snapshot(t, s, r.ID)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		changed := reload(t, s, r.ID)
		if err := s.SaveRMA(ctx, changed, 1, receive(t, changed)...); err == nil {
			t.Fatal("SaveRMA with a cancelled context succeeded")
		}
		before.wantUnchanged(t, s)
	})
	t.Run("a line of another RMA is refused", func(t *testing.T) {
		s, r := setup(t)
		other := mkRMA(t, s, simpleRMA(t, r.OrgID, "other", minute(5)))
		before := snapshot(t, s, r.ID)
		changed := reload(t, s, r.ID)
		changed.Reason = "hijack"
		changed.Lines[1].ID = other.Lines[0].ID
		wantCode(t, s.SaveRMA(t.Context(), changed, 1), rma.EINVALID)
		before.wantUnchanged(t, s)
		wantSame(t, "the other RMA", other, reload(t, s, other.ID))
	})
	t.Run("stored charges are not rewritten", func(t *testing.T) {
		s, r := setup(t)
		changed := reload(t, s, r.ID)
		want := append([]rma.Charge(nil), changed.Charges...)
		changed.Charges[0].Amount.Cents = 1
		changed.Charges[0].Description = "edited"
		must(t, s.SaveRMA(t.Context(), changed, 1))
		wantSame(t, "charges", want, reload(t, s, r.ID).Charges)
	})
	t.Run("unknown RMA", func(t *testing.T) {
		s, r := setup(t)
		ghost := *r
		ghost.ID = 99999
		wantCode(t, s.SaveRMA(t.Context(), &ghost, 1), rma.ENOTFOUND)
	})
}

func testRMAByNumber(t *testing.T, open Opener) {
	s := open(t)
	o := mkOrg(t, s, "Dexxon")
	r := fullRMA(t, o.ID)
	must(t, s.CreateRMA(t.Context(), r, nil, ""))
	// An authorized RMA whose number is not (yet) in its Numbers list is
	// still found by it.
	bare := simpleRMA(t, o.ID, "bare", minute(1))
	bare.Number = rma.FormatNumber(26, 4242)
	mkRMA(t, s, bare)
	for _, tc := range []struct {
		name, number string
		want         int64
	}{
		{"current number", r.Number, r.ID},
		{"earlier number", r.Numbers[0].Number, r.ID},
		{"number outside the list", bare.Number, bare.ID},
		{"unknown number", rma.FormatNumber(26, 1), 0},
		{"empty", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.RMAByNumber(t.Context(), tc.number)
			if tc.want == 0 {
				wantCode(t, err, rma.ENOTFOUND)
				return
			}
			must(t, err)
			if got.ID != tc.want {
				t.Fatalf("found RMA %d, want %d", got.ID, tc.want)
			}
			if tc.want == r.ID {
				wantSame(t, "RMA", r, got)
			}
		})
	}
}
