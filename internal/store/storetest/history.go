package storetest

import (
	"slices"
	"sync"
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
)

func testEvents(t *testing.T, open Opener) {
	t.Run("every writer appends in order", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		r := simpleRMA(t, o.ID, "a", minute(0))
		first := submitEvent(minute(0))
		must(t, s.CreateRMA(t.Context(), r, first, ""))
		authorize := &rma.Event{At: minute(10), Actor: "agent@pixfra.example", Action: string(rma.ActAuthorize),
			From: rma.Submitted, To: rma.Authorized, Details: map[string]any{"number": "RMA-26-00001-C", "valid_days": float64(14), "override": false}}
		ship := &rma.Event{At: minute(11), Actor: "system", Action: string(rma.ActShip), From: rma.Authorized, To: rma.InTransit}
		r.State = rma.InTransit
		must(t, s.SaveRMA(t.Context(), r, 1, authorize, ship))
		doc := &rma.Event{At: minute(12), Actor: "anna", Action: "add_document", From: rma.InTransit, To: rma.InTransit}
		must(t, s.AddDocument(t.Context(), &rma.Document{RMAID: r.ID, Kind: "other", Filename: "a.pdf"}, doc))
		msg := &rma.Event{At: minute(13), Actor: "anna", Action: "add_message", From: rma.InTransit, To: rma.InTransit}
		must(t, s.AddMessage(t.Context(), &rma.Message{RMAID: r.ID, Author: "anna", Body: "sent"}, msg))

		got, err := s.Events(t.Context(), r.ID)
		must(t, err)
		want := []rma.Event{*first, *authorize, *ship, *doc, *msg}
		for i, ev := range want {
			if ev.Seq != i+1 || ev.RMAID != r.ID || ev.ID == 0 {
				t.Fatalf("event %d was given Seq %d, RMAID %d, ID %d", i, ev.Seq, ev.RMAID, ev.ID)
			}
		}
		wantSame(t, "events", want, got)
	})
	t.Run("histories are per RMA", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		a := mkRMA(t, s, simpleRMA(t, o.ID, "a", minute(0)))
		b := mkRMA(t, s, simpleRMA(t, o.ID, "b", minute(1)))
		note := &rma.Event{Actor: "x", Action: "note"}
		must(t, s.SaveRMA(t.Context(), b, 1, note))
		if note.Seq != 2 || note.At.IsZero() {
			t.Fatalf("b's second event has Seq %d, At %s", note.Seq, note.At)
		}
		evs, err := s.Events(t.Context(), a.ID)
		must(t, err)
		if len(evs) != 1 {
			t.Fatalf("a has %d events, want 1", len(evs))
		}
	})
	t.Run("unknown RMA", func(t *testing.T) {
		s := open(t)
		_, err := s.Events(t.Context(), 777)
		wantCode(t, err, rma.ENOTFOUND)
	})
}

func testNextSequence(t *testing.T, open Opener) {
	t.Run("counts per name", func(t *testing.T) {
		s := open(t)
		var got []int64
		for _, name := range []string{"rma-2026", "rma-2026", "rma-2027", "rma-2026"} {
			v, err := s.NextSequence(t.Context(), name)
			must(t, err)
			got = append(got, v)
		}
		// Gaps are allowed, repeats are not; a fresh store starts low and counts up.
		if got[0] >= got[1] || got[1] >= got[3] {
			t.Fatalf("rma-2026 gave %d, %d, %d: want increasing", got[0], got[1], got[3])
		}
		if got[0] != 1 || got[2] != 1 {
			t.Fatalf("first values %d and %d, want 1", got[0], got[2])
		}
	})
	t.Run("unique under concurrency", func(t *testing.T) {
		s := open(t)
		const workers, each = 8, 25
		values := make([][]int64, workers)
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for range each {
					v, err := s.NextSequence(t.Context(), "rma-2026")
					if err != nil {
						errs[w] = err
						return
					}
					values[w] = append(values[w], v)
				}
			})
		}
		wg.Wait()
		seen := map[int64]bool{}
		for w := range workers {
			must(t, errs[w])
			for _, v := range values[w] {
				if seen[v] {
					t.Fatalf("value %d issued twice", v)
				}
				seen[v] = true
			}
		}
		if len(seen) != workers*each {
			t.Fatalf("%d values, want %d", len(seen), workers*each)
		}
	})
}

func testDocuments(t *testing.T, open Opener) {
	setup := func(t *testing.T) (rma.Store, *rma.RMA, *rma.RMA) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		return s, mkRMA(t, s, simpleRMA(t, o.ID, "a", minute(0))), mkRMA(t, s, simpleRMA(t, o.ID, "b", minute(1)))
	}
	t.Run("round trip", func(t *testing.T) {
		s, a, b := setup(t)
		var want []rma.Document
		for i, d := range []*rma.Document{
			{RMAID: a.ID, LineNo: 1, Kind: "purchase_receipt", Filename: "receipt.pdf", ContentType: "application/pdf",
				Size: 48213, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
				Path: "docs/2026/03/9f86d0.pdf", UploadedBy: "anna@dexxon.example", Created: minute(3)},
			{RMAID: a.ID, Kind: "other", Filename: "photo.jpg", ContentType: "image/jpeg", Size: 1},
		} {
			ev := &rma.Event{Actor: "anna", Action: "add_document", Details: map[string]any{"filename": d.Filename}}
			must(t, s.AddDocument(t.Context(), d, ev))
			if d.ID == 0 || d.Created.IsZero() || ev.Seq != i+2 {
				t.Fatalf("document ID %d, Created %s, event Seq %d", d.ID, d.Created, ev.Seq)
			}
			got, err := s.Document(t.Context(), d.ID)
			must(t, err)
			wantSame(t, "Document", d, got)
			want = append(want, *d)
		}
		got, err := s.Documents(t.Context(), a.ID)
		must(t, err)
		wantSame(t, "Documents", want, got)
		got, err = s.Documents(t.Context(), b.ID)
		must(t, err)
		if len(got) != 0 {
			t.Fatalf("b has %d documents", len(got))
		}
	})
	t.Run("unknown RMA writes nothing", func(t *testing.T) {
		s, a, _ := setup(t)
		wantCode(t, s.AddDocument(t.Context(), &rma.Document{RMAID: 999, Filename: "x"}, &rma.Event{RMAID: a.ID, Action: "add_document"}), rma.ENOTFOUND)
		evs, err := s.Events(t.Context(), a.ID)
		must(t, err)
		if len(evs) != 1 {
			t.Fatalf("a has %d events", len(evs))
		}
		_, err = s.Documents(t.Context(), 999)
		wantCode(t, err, rma.ENOTFOUND)
	})
	t.Run("not found", func(t *testing.T) {
		s, _, _ := setup(t)
		_, err := s.Document(t.Context(), 4711)
		wantCode(t, err, rma.ENOTFOUND)
	})
}

func testMessages(t *testing.T, open Opener) {
	t.Run("round trip in order", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		a := mkRMA(t, s, simpleRMA(t, o.ID, "a", minute(0)))
		b := mkRMA(t, s, simpleRMA(t, o.ID, "b", minute(1)))
		var want []rma.Message
		for _, m := range []*rma.Message{
			{RMAID: a.ID, Author: "anna@dexxon.example", Body: "The unit is packed.", Created: minute(5)},
			{RMAID: a.ID, Author: "desk@pixfra.example", FromDesk: true, Body: "Thanks — label attached.\nLine two.", Created: minute(6)},
			{RMAID: a.ID, Author: "anna@dexxon.example", Body: "Shipped."},
		} {
			ev := &rma.Event{Actor: m.Author, Action: "add_message"}
			must(t, s.AddMessage(t.Context(), m, ev))
			if m.ID == 0 || m.Created.IsZero() || ev.ID == 0 {
				t.Fatalf("message ID %d, Created %s, event ID %d", m.ID, m.Created, ev.ID)
			}
			want = append(want, *m)
		}
		got, err := s.Messages(t.Context(), a.ID)
		must(t, err)
		wantSame(t, "Messages", want, got)
		got, err = s.Messages(t.Context(), b.ID)
		must(t, err)
		if len(got) != 0 {
			t.Fatalf("b has %d messages", len(got))
		}
		evs, err := s.Events(t.Context(), a.ID)
		must(t, err)
		if len(evs) != 4 {
			t.Fatalf("a has %d events, want 4", len(evs))
		}
	})
	t.Run("unknown RMA", func(t *testing.T) {
		s := open(t)
		wantCode(t, s.AddMessage(t.Context(), &rma.Message{RMAID: 31, Body: "x"}, nil), rma.ENOTFOUND)
		_, err := s.Messages(t.Context(), 31)
		wantCode(t, err, rma.ENOTFOUND)
	})
}

func testLinesBySerial(t *testing.T, open Opener) {
	s := open(t)
	o := mkOrg(t, s, "Dexxon")
	// claimed: the unit S1 was claimed; replaced: S9 was claimed and S1 sent
	// as its replacement; received: S0 was claimed but S1 arrived.
	claimed := simpleRMA(t, o.ID, "claimed", minute(0))
	claimed.Lines[0].Claim = unitClaim(t, "S1", "PX-1")
	claimed.State, claimed.Outcome, claimed.PolicyVersion = rma.Resolved, rma.Replaced, "2026-01"
	claimed.Number = rma.FormatNumber(26, 10)
	mkRMA(t, s, claimed)
	replaced := simpleRMA(t, o.ID, "replaced", minute(1))
	replaced.Lines[0].Claim = unitClaim(t, "S9", "PX-1")
	replaced.Lines[0].ReplacementSerial = "S1"
	mkRMA(t, s, replaced)
	received := simpleRMA(t, o.ID, "received", minute(2))
	received.Lines = append(received.Lines, received.Lines[0])
	received.Lines[1].No = 2
	received.Lines[1].Claim = unitClaim(t, "S0", "PX-1")
	received.Lines[1].ReceivedSerial = "S1"
	received.Lines[1].SerialMismatch = true
	mkRMA(t, s, received)
	mkRMA(t, s, simpleRMA(t, o.ID, "unrelated", minute(3)))

	hit := func(r *rma.RMA, line int, asReplacement bool) rma.SerialHit {
		return rma.SerialHit{RMAID: r.ID, OrgID: r.OrgID, Number: r.Number, State: r.State, Outcome: r.Outcome, PolicyID: r.PolicyID,
			PolicyVersion: r.PolicyVersion, Reported: r.Reported, Line: r.Lines[line], AsReplacement: asReplacement}
	}
	for _, tc := range []struct {
		name, serial string
		want         []rma.SerialHit
	}{
		{"unit, replacement and received unit", "S1", []rma.SerialHit{hit(claimed, 0, false), hit(replaced, 0, true), hit(received, 1, false)}},
		{"claimed unit only", "S9", []rma.SerialHit{hit(replaced, 0, false)}},
		{"exact, not a prefix", "S", nil},
		{"unknown", "NOPE", nil},
		{"empty", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.LinesBySerial(t.Context(), tc.serial)
			must(t, err)
			// The order between RMAs is not part of the contract.
			slices.SortStableFunc(got, func(a, b rma.SerialHit) int { return int(a.RMAID - b.RMAID) })
			wantSame(t, "hits", tc.want, got)
		})
	}
}
