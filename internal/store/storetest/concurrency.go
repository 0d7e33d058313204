package storetest

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/check"
	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/policies"
)

// testConcurrentHistory drives the desk's use cases on a real store: on
// many RMAs at once, one goroutine walks each RMA through transitions
// (request info, provide info, authorize, ship, reject, cancel) while
// others post messages from both sides and upload documents to the same
// RMA. Whatever the interleaving, every write answers as if alone (a
// transition whose version moved retries, as a client would after a 412),
// and the integrity checker (what `rmadesk check` runs) finds no history
// that contradicts itself: each message and document is recorded in the
// state the RMA was really in when it was written (issue 10, point 12).
//
// Where store.go was silent the suite decides: adding a document or a
// message moves the RMA's version, like any other write to it.
func testConcurrentHistory(t *testing.T, open Opener) {
	t.Run("a document or message records the state at writing and moves the version", func(t *testing.T) {
		testStateAtWriting(t, open)
	})
	t.Run("many interleavings replay", func(t *testing.T) { testInterleavings(t, open) })
}

// testStateAtWriting: the caller read the RMA in submitted; a transition to
// needs_info committed before its document and message were written. Each
// event says needs_info (what the caller put in From and To is not what
// happened), each write moves the version by one, and updated moves
// forward only.
func testStateAtWriting(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	o := mkOrg(t, s, "Dexxon")
	r := mkRMA(t, s, simpleRMA(t, o.ID, "a", minute(0)))
	stale := r.State
	moved := reload(t, s, r.ID)
	moved.State, moved.Updated = rma.NeedsInfo, minute(10)
	must(t, s.SaveRMA(ctx, moved, moved.Version,
		&rma.Event{At: minute(10), Actor: "agent", Action: string(rma.ActRequestInfo), From: stale, To: rma.NeedsInfo}))

	doc := &rma.Document{RMAID: r.ID, Kind: "other", Filename: "a.pdf", ContentType: "application/pdf", Size: 1, Created: minute(5)}
	docEv := &rma.Event{At: minute(5), Actor: "anna", Action: string(rma.OpAddDocument), From: stale, To: stale}
	must(t, s.AddDocument(ctx, doc, docEv))
	msg := &rma.Message{RMAID: r.ID, Author: "anna", Body: "attached", Created: minute(11)}
	msgEv := &rma.Event{At: minute(11), Actor: "anna", Action: string(rma.OpAddMessage), From: stale, To: stale}
	must(t, s.AddMessage(ctx, msg, msgEv))
	for _, ev := range []*rma.Event{docEv, msgEv} {
		if ev.From != rma.NeedsInfo || ev.To != rma.NeedsInfo {
			t.Errorf("%s: the caller's event says %s -> %s, want needs_info", ev.Action, ev.From, ev.To)
		}
	}
	evs, err := s.Events(ctx, r.ID)
	must(t, err)
	if len(evs) != 4 {
		t.Fatalf("%d events, want 4", len(evs))
	}
	for _, e := range evs[2:] {
		if e.From != rma.NeedsInfo || e.To != rma.NeedsInfo {
			t.Errorf("stored event %d (%s) says %s -> %s, want needs_info", e.Seq, e.Action, e.From, e.To)
		}
	}
	got := reload(t, s, r.ID)
	if got.Version != moved.Version+2 {
		t.Errorf("version %d after a save at %d and a document and a message, want %d", got.Version, moved.Version, moved.Version+2)
	}
	// The document (minute 5) came after the save (minute 10) but carries
	// an earlier time: updated stays at 10, then the message moves it to 11.
	if !got.Updated.Equal(minute(11)) {
		t.Errorf("updated %s, want %s", got.Updated, minute(11))
	}
	wantCode(t, s.AddMessage(ctx, &rma.Message{RMAID: 4711, Body: "x"}, &rma.Event{Action: string(rma.OpAddMessage)}), rma.ENOTFOUND)
}

func testInterleavings(t *testing.T, open Opener) {
	s := open(t)
	ctx := t.Context()
	set, err := policy.LoadFS(policies.FS)
	must(t, err)
	files, err := filestore.Open(t.TempDir())
	must(t, err)
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	svc := rma.NewService(s, set, rma.WithClock(func() time.Time { return now }))
	partner := &rma.Org{Name: "Partner", Role: policy.Partner, Country: "NL"}
	must(t, s.CreateOrg(ctx, partner))
	desk := &rma.Org{Name: "Desk", IsDesk: true, Country: "NL"}
	must(t, s.CreateOrg(ctx, desk))
	requester := rma.Actor{OrgID: partner.ID, Role: rma.RoleRequester, Name: "partner"}
	agent := rma.Actor{OrgID: desk.ID, Role: rma.RoleAgent, Name: "agent"}
	claim, err := policy.ParseClaim([]byte(`{"requester": {"role": "partner"}, "product": {"category": "ssd", "model": "DX-SSD-1TB"}, "dates": {"invoice": "2025-06-01", "reported": "2026-03-02"}}`))
	must(t, err)

	// Each RMA follows one script; every step is legal from the state the
	// step before left, so a refusal is a failure of the store.
	type step struct {
		name string
		do   func(id int64, version int) (*rma.RMA, error)
	}
	requestInfo := step{"request_info", func(id int64, v int) (*rma.RMA, error) {
		return svc.RequestInfo(ctx, agent, id, v, "the purchase receipt, please")
	}}
	provideInfo := step{"provide_info", func(id int64, v int) (*rma.RMA, error) {
		return svc.ProvideInfo(ctx, requester, id, v, nil)
	}}
	authorize := step{"authorize", func(id int64, v int) (*rma.RMA, error) {
		return svc.Authorize(ctx, agent, id, v, rma.AuthorizeRequest{Resolution: "return"})
	}}
	ship := step{"ship", func(id int64, v int) (*rma.RMA, error) {
		return svc.Ship(ctx, requester, id, v, "DHL", "JD0001")
	}}
	reject := step{"reject", func(id int64, v int) (*rma.RMA, error) {
		return svc.Reject(ctx, agent, id, v, "not ours")
	}}
	cancel := step{"cancel", func(id int64, v int) (*rma.RMA, error) {
		return svc.Cancel(ctx, requester, id, v, "found the cable loose")
	}}
	scripts := [][]step{
		{requestInfo, provideInfo, authorize, ship},
		{requestInfo, reject},
		{authorize, cancel},
		{cancel},
		{reject},
		{requestInfo, provideInfo, requestInfo, provideInfo, authorize},
	}

	const rmas, messages, uploads = 30, 4, 3
	ids := make([]int64, rmas)
	for i := range ids {
		r, _, err := svc.Submit(ctx, requester, rma.SubmitRequest{PolicyID: "dexxon", Reference: fmt.Sprint("PO-", i),
			Lines: []rma.LineRequest{{Claim: claim, Fault: "not detected"}}})
		must(t, err)
		if r.State != rma.Submitted {
			t.Fatalf("RMA %d filed in %s, want submitted", r.ID, r.State)
		}
		ids[i] = r.ID
	}

	var mu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, id := range ids {
		// The transitions, each at the version just read: a message or
		// document written meanwhile moves it, and the step is tried again.
		wg.Go(func() {
			<-start
			for _, st := range scripts[i%len(scripts)] {
				for attempt := 1; ; attempt++ {
					cur, err := s.RMA(ctx, id)
					if err != nil {
						fail("RMA %d: read before %s: %v", id, st.name, err)
						return
					}
					_, err = st.do(id, cur.Version)
					if err == nil {
						break
					}
					if rma.ErrorCode(err) != rma.EPRECONDITION || attempt == 1000 {
						fail("RMA %d: %s from %s (attempt %d): %v", id, st.name, cur.State, attempt, err)
						return
					}
					runtime.Gosched()
				}
			}
		})
		for m := range messages {
			wg.Go(func() {
				<-start
				who := requester
				if m%2 == 1 {
					who = agent
				}
				if _, err := svc.AddMessage(ctx, who, id, fmt.Sprintf("message %d", m)); err != nil {
					fail("RMA %d: message %d: %v", id, m, err)
				}
			})
		}
		for u := range uploads {
			wg.Go(func() {
				<-start
				kind := "other"
				if u == 0 {
					kind = "purchase_receipt"
				}
				pdf := fmt.Appendf(nil, "%%PDF-1.4\n%% RMA %d upload %d\n%%%%EOF\n", id, u)
				if _, err := svc.AddDocument(ctx, requester, id, files, rma.NewDocument{Kind: kind,
					Filename: fmt.Sprintf("upload-%d.pdf", u), ContentType: "application/pdf", Content: bytes.NewReader(pdf)}); err != nil {
					fail("RMA %d: upload %d: %v", id, u, err)
				}
			})
		}
	}
	close(start)
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	if t.Failed() {
		t.FailNow()
	}

	rep, err := check.Run(ctx, s, files)
	must(t, err)
	flagged := map[int64]bool{}
	for _, p := range rep.Problems {
		if !flagged[p.RMAID] && len(flagged) < 5 {
			t.Errorf("check: %s", p)
		}
		flagged[p.RMAID] = true
	}
	if len(rep.Problems) > 0 {
		t.Fatalf("check flagged %d of %d RMAs", len(flagged), rep.RMAs)
	}
	if rep.RMAs != rmas || rep.Documents != rmas*uploads {
		t.Fatalf("check read %d RMAs and %d documents, want %d and %d", rep.RMAs, rep.Documents, rmas, rmas*uploads)
	}

	// Every write moved the version: the submission is version 1, and each
	// save and each message and document adds one.
	for i, id := range ids {
		r, err := s.RMA(ctx, id)
		must(t, err)
		evs, err := s.Events(ctx, id)
		must(t, err)
		saves, adds := 0, 0
		for _, e := range evs[1:] {
			switch rma.Action(e.Action) {
			case rma.OpAddMessage, rma.OpAddDocument:
				adds++
			default:
				if e.Actor != "engine" { // the engine's request_info rides on provide_info's save
					saves++
				}
			}
		}
		if adds != messages+uploads || saves != len(scripts[i%len(scripts)]) {
			t.Errorf("RMA %d: %d messages and documents, %d transitions in its history; want %d and %d",
				id, adds, saves, messages+uploads, len(scripts[i%len(scripts)]))
		}
		if r.Version != 1+saves+adds {
			t.Errorf("RMA %d is at version %d after %d saves and %d messages and documents, want %d", id, r.Version, saves, adds, 1+saves+adds)
		}
	}
}
