package store_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store"
	"github.com/rmadesk/rmadesk/internal/store/pgtest"
	"github.com/rmadesk/rmadesk/internal/store/postgres"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/storetest"
)

func wantCode(t testing.TB, err error, want string) {
	t.Helper()
	if got := rma.ErrorCode(err); err == nil || got != want {
		t.Fatalf("got %v (%s), want %s", err, got, want)
	}
}

// TestReopenKeepsData: what a store wrote is there when the database is
// opened again: the RMA, its number, its idempotency key, a sequence.
func TestReopenKeepsData(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(t *testing.T) func() (DB, error) // a new database, and how to open it
	}{
		{"sqlite", func(t *testing.T) func() (DB, error) {
			path := filepath.Join(t.TempDir(), "desk.db")
			return func() (DB, error) { return sqlite.Open(t.Context(), path) }
		}},
		{"postgres", func(t *testing.T) func() (DB, error) {
			url := pgtest.URL(t)
			return func() (DB, error) { return postgres.Open(t.Context(), url) }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			open := tc.open(t)
			db, err := open()
			must(t, err)
			org := &rma.Org{Name: "Dexxon"}
			must(t, db.CreateOrg(ctx, org))
			r := &rma.RMA{OrgID: org.ID, State: rma.Submitted, Reference: "PO-1", Number: "RMA-26-00001-C",
				Numbers: []rma.NumberRecord{{Number: "RMA-26-00001-C", Current: true}}}
			must(t, db.CreateRMA(ctx, r, &rma.Event{Action: "submit", To: rma.Submitted}, "k1"))
			seq, err := db.NextSequence(ctx, "rma-2026")
			must(t, err)
			path := db.Path()
			must(t, db.Close())

			db, err = open()
			must(t, err)
			defer db.Close()
			if db.Path() != path {
				t.Fatalf("Path() = %q, want %q", db.Path(), path)
			}
			got, err := db.RMAByNumber(ctx, r.Number)
			must(t, err)
			if got.ID != r.ID || got.Reference != "PO-1" || got.Version != 1 || !got.Created.Equal(r.Created) {
				t.Fatalf("after reopening: %+v", got)
			}
			// The store's own timestamp reads back exactly, nanoseconds and
			// all (PostgreSQL's TIMESTAMPTZ would keep microseconds).
			if got.Created != r.Created {
				t.Fatalf("created %v, want exactly %v", got.Created, r.Created)
			}
			var de *rma.Error
			err = db.CreateRMA(ctx, &rma.RMA{OrgID: org.ID, State: rma.Submitted}, nil, "k1")
			if rma.ErrorCode(err) != rma.ECONFLICT || !errors.As(err, &de) || de.ExistingID != r.ID {
				t.Fatalf("the idempotency key did not survive: %v", err)
			}
			if next, err := db.NextSequence(ctx, "rma-2026"); err != nil || next <= seq {
				t.Fatalf("sequence after reopening: %d, %v; want more than %d", next, err, seq)
			}
		})
	}
}

// TestDamagedRowsAreErrors: a row that no longer decodes (edited by hand,
// or written by a buggy version) is an error for that read, not a panic.
func TestDamagedRowsAreErrors(t *testing.T) {
	eachDB(t, func(t *testing.T, db DB) {
		ctx := t.Context()
		org := &rma.Org{Name: "Dexxon"}
		must(t, db.CreateOrg(ctx, org))
		for _, tc := range []struct{ name, update string }{
			{"decision", `UPDATE rma_lines SET decision = '{"decision": "maybe"}' WHERE rma_id = $1`},
			{"decision not JSON", `UPDATE rma_lines SET decision = 'nope' WHERE rma_id = $1`},
			{"claim", `UPDATE rma_lines SET claim = '{"kind": 7}' WHERE rma_id = $1`},
			{"enclosed documents", `UPDATE rma_lines SET enclosed_documents = '["passport"]' WHERE rma_id = $1`},
			{"date", `UPDATE rmas SET reported = '2026-02-30' WHERE id = $1`},
			{"time", `UPDATE rmas SET created = 'yesterday' WHERE id = $1`},
			{"kind", `UPDATE rmas SET kind = 'barter' WHERE id = $1`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := &rma.RMA{OrgID: org.ID, State: rma.Submitted, Lines: []rma.Line{{Quantity: 1}}}
				must(t, db.CreateRMA(ctx, r, nil, ""))
				_, err := db.SQL().ExecContext(ctx, tc.update, r.ID)
				must(t, err)
				_, err = db.RMA(ctx, r.ID)
				wantCode(t, err, rma.EINTERNAL)
			})
		}
	})
}

// TestOutOfRangeEnumsAreRefused: policy's enums panic when asked for the
// name of a value they do not have; the store refuses such a value as bad
// input instead of letting the panic end the server.
func TestOutOfRangeEnumsAreRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, db DB) {
		ctx := t.Context()
		t.Run("org role", func(t *testing.T) {
			wantCode(t, db.CreateOrg(ctx, &rma.Org{Name: "x", Role: policy.Role(200)}), rma.EINVALID)
		})
		org := &rma.Org{Name: "Dexxon"}
		must(t, db.CreateOrg(ctx, org))
		for _, tc := range []struct {
			name   string
			change func(r *rma.RMA)
		}{
			{"kind", func(r *rma.RMA) { r.Kind = policy.Kind(9) }},
			{"verdict", func(r *rma.RMA) { r.Verdict = policy.Verdict(42) }},
			{"route", func(r *rma.RMA) { r.Route = policy.Route(77) }},
			{"decision verdict", func(r *rma.RMA) { r.Lines[0].Decision.Verdict = policy.Verdict(42) }},
			{"enclosed document", func(r *rma.RMA) { r.Lines[0].EnclosedDocuments = []policy.Document{policy.Document(99)} }},
			{"claim role", func(r *rma.RMA) {
				r.Lines[0].Claim.Requester.Role = policy.Role(99)
				r.Lines[0].Claim.Dates.Reported = calendar.MustParseDate("2026-03-02")
			}},
			{"job without a kind", func(r *rma.RMA) { r.Jobs = []rma.Job{{}} }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := &rma.RMA{OrgID: org.ID, State: rma.Submitted, Lines: []rma.Line{{Quantity: 1}}}
				tc.change(r)
				wantCode(t, db.CreateRMA(ctx, r, nil, ""), rma.EINVALID)
			})
		}
	})
}

// TestCreateRMAs: a batch is stored whole; a batch with refusals in it is
// stored but for them, each refusal with its own answer: a key used in an
// earlier batch or earlier in the same one, an organisation that does not
// exist, a missing RMA.
func TestCreateRMAs(t *testing.T) {
	eachDB(t, func(t *testing.T, db DB) {
		ctx := t.Context()
		org := &rma.Org{Name: "Partner", Role: policy.Partner, Country: "NL"}
		must(t, db.CreateOrg(ctx, org))
		batch := func(prefix string, n int) ([]*rma.RMA, []*rma.Event, []string) {
			rs, evs, keys := make([]*rma.RMA, n), make([]*rma.Event, n), make([]string, n)
			for i := range rs {
				rs[i] = &rma.RMA{OrgID: org.ID, State: rma.Submitted, Reference: fmt.Sprintf("%s-%d", prefix, i),
					Lines: []rma.Line{{Quantity: 1, ReceivedSerial: fmt.Sprintf("%s-SN%d", prefix, i)}},
					Jobs:  []rma.Job{{Kind: rma.JobNotify}}}
				evs[i] = &rma.Event{Action: "submit", To: rma.Submitted}
				keys[i] = fmt.Sprintf("%s-%d", prefix, i)
			}
			return rs, evs, keys
		}

		rs, evs, keys := batch("a", 20)
		errs, err := db.CreateRMAs(ctx, rs, evs, keys)
		must(t, err)
		for i, e := range errs {
			if e != nil || rs[i].ID == 0 || evs[i].Seq != 1 || evs[i].RMAID != rs[i].ID || len(rs[i].Jobs) != 0 || rs[i].Lines[0].ID == 0 {
				t.Fatalf("item %d: %v, ID %d, event seq %d", i, e, rs[i].ID, evs[i].Seq)
			}
		}

		rs2, evs2, keys2 := batch("b", 10)
		keys2[4] = keys[2] // filed in the first batch
		keys2[7] = keys2[3]
		rs2[6].OrgID = 999999
		rs2[8] = nil
		errs, err = db.CreateRMAs(ctx, rs2, evs2, keys2)
		must(t, err)
		for i, e := range errs {
			var de *rma.Error
			switch i {
			case 4:
				if !errors.As(e, &de) || de.Code != rma.ECONFLICT || de.ExistingID != rs[2].ID {
					t.Fatalf("item 4: %v, want the conflict naming RMA %d", e, rs[2].ID)
				}
			case 7:
				if !errors.As(e, &de) || de.Code != rma.ECONFLICT || de.ExistingID != rs2[3].ID {
					t.Fatalf("item 7: %v, want the conflict naming RMA %d", e, rs2[3].ID)
				}
			case 6:
				wantCode(t, e, rma.ENOTFOUND)
			case 8:
				wantCode(t, e, rma.EINVALID)
			default:
				if e != nil || rs2[i].ID == 0 {
					t.Fatalf("item %d: %v (ID %d)", i, e, rs2[i].ID)
				}
			}
			if e != nil && i != 8 && (rs2[i].ID != 0 || len(rs2[i].Jobs) != 1 || evs2[i].ID != 0) {
				t.Fatalf("item %d was refused but changed: %+v, %+v", i, rs2[i], evs2[i])
			}
		}
		page, _, err := db.ListRMAs(ctx, rma.ListFilter{Limit: 100})
		must(t, err)
		if len(page) != 26 {
			t.Fatalf("%d RMAs stored, want 26", len(page))
		}
		// Nothing of a refused item was written.
		for _, i := range []int{4, 6, 7} {
			hits, err := db.LinesBySerial(ctx, fmt.Sprintf("b-SN%d", i))
			if err != nil || len(hits) != 0 {
				t.Fatalf("item %d was refused but left lines: %v, %v", i, hits, err)
			}
		}
		counts, err := db.JobCounts(ctx)
		must(t, err)
		if counts[rma.JobQueued] != 26 {
			t.Fatalf("%d jobs queued, want 26", counts[rma.JobQueued])
		}
	})
}

// TestPrefixSearchIsByteOrder: search finds exactly the RMAs with a term
// that starts with the query, for terms where a linguistic collation and
// byte order disagree (punctuation, accents, the last code point).
func TestPrefixSearchIsByteOrder(t *testing.T) {
	eachDB(t, func(t *testing.T, db DB) {
		ctx := t.Context()
		org := &rma.Org{Name: "Dexxon"}
		must(t, db.CreateOrg(ctx, org))
		terms := []string{"px-2", "px-200", "px2z", "px-3", "px_2", "über", "ubers", "über-kamera", "uber",
			"a\U0010FFFF", "a\U0010FFFFb", "b", "\uD7FFx", "\uE000", "ÿ", "z"}
		for i, term := range terms {
			r := &rma.RMA{OrgID: org.ID, State: rma.Submitted, Reference: term,
				Lines:   []rma.Line{{No: 1, ReceivedSerial: term}},
				Created: time.Date(2026, 3, 2, 9, 0, i, 0, time.UTC)}
			must(t, db.CreateRMA(ctx, r, nil, ""))
		}
		for _, q := range []string{"px-2", "px", "px2", "ü", "u", "Ü", "a\U0010FFFF", "\U0010FFFF", "\uD7FF", "b", "y", "p"} {
			var want []string
			for _, term := range terms {
				if strings.HasPrefix(store.SearchKey(term), store.SearchKey(q)) {
					want = append(want, term)
				}
			}
			page, _, err := db.ListRMAs(ctx, rma.ListFilter{Query: q, Limit: 200})
			must(t, err)
			var got []string
			for _, r := range page {
				got = append(got, r.Reference)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("query %q found %q, want %q", q, got, want)
			}
		}
	})
}

// TestBulkLoad: on PostgreSQL a batch of new RMAs goes in with COPY (IDs
// reserved first), and what is stored is what the one-by-one path stores:
// every RMA reads back as filed, with its line, deadline, event, search
// terms and jobs. A batch with a refusal in it is written one by one.
func TestBulkLoad(t *testing.T) {
	db := openPostgres(t)
	ctx := t.Context()
	org := storetest.Partner(t, db)
	subs := storetest.Submissions(t, db, org, 40, "bulk")
	rs, evs, keys := make([]*rma.RMA, len(subs)), make([]*rma.Event, len(subs)), make([]string, len(subs))
	for i, s := range subs {
		rs[i], evs[i], keys[i] = s.R, s.Ev, s.Key
	}
	jobsPer := len(rs[0].Jobs)
	errs, err := db.CreateRMAs(ctx, rs, evs, keys)
	must(t, err)
	if n := db.Store.BulkLoads(); n != 1 {
		t.Fatalf("%d bulk loads, want the batch in one", n)
	}
	if last, first := rs[len(rs)-1].ID, rs[0].ID; last-first != int64(len(rs)-1) {
		t.Fatalf("IDs %d to %d for %d RMAs: the load drew IDs it did not use", first, last, len(rs))
	}
	for i, r := range rs {
		if errs[i] != nil {
			t.Fatalf("item %d: %v", i, errs[i])
		}
		got, err := db.RMA(ctx, r.ID)
		must(t, err)
		if got.Reference != r.Reference || len(got.Lines) != 1 || got.Lines[0].ID != r.Lines[0].ID ||
			got.Lines[0].Claim.Product.Serial != r.Lines[0].Claim.Product.Serial || len(got.Deadlines) != len(r.Deadlines) ||
			got.Version != 1 || got.Deadlines[0].Due != r.Deadlines[0].Due {
			t.Fatalf("item %d reads back as %+v, filed as %+v", i, got, r)
		}
		hist, err := db.Events(ctx, r.ID)
		must(t, err)
		if len(hist) != 1 || hist[0].ID != evs[i].ID || hist[0].Seq != 1 || evs[i].RMAID != r.ID {
			t.Fatalf("item %d's history %+v, event %+v", i, hist, evs[i])
		}
		hits, err := db.LinesBySerial(ctx, r.Lines[0].Claim.Product.Serial)
		if err != nil || len(hits) != 1 || hits[0].RMAID != r.ID {
			t.Fatalf("item %d by serial: %v %v", i, hits, err)
		}
	}
	counts, err := db.JobCounts(ctx)
	must(t, err)
	if counts[rma.JobQueued] != len(rs)*jobsPer {
		t.Fatalf("%d jobs queued, want %d", counts[rma.JobQueued], len(rs)*jobsPer)
	}
	// The same keys again, with one new: the load is refused as a whole,
	// and each item gets its own answer.
	again := storetest.Submissions(t, db, org, 41, "bulk")
	rs, evs, keys = make([]*rma.RMA, len(again)), make([]*rma.Event, len(again)), make([]string, len(again))
	for i, s := range again {
		rs[i], evs[i], keys[i] = s.R, s.Ev, s.Key
	}
	errs, err = db.CreateRMAs(ctx, rs, evs, keys)
	must(t, err)
	for i, e := range errs {
		if (i < 40) != (rma.ErrorCode(e) == rma.ECONFLICT) || (i == 40 && e != nil) {
			t.Fatalf("item %d: %v", i, e)
		}
	}
	if n := db.Store.BulkLoads(); n != 1 {
		t.Fatalf("%d bulk loads: a refused batch must be written one by one", n)
	}
}

// TestSubmissionsWrittenTogether: on PostgreSQL, submissions that arrive
// while others are written are written together, in one transaction; each
// caller still gets its own truth: a key used twice at the same instant has
// one winner, and the loser is told which RMA holds it.
func TestSubmissionsWrittenTogether(t *testing.T) {
	db := openPostgres(t)
	ctx := t.Context()
	org := storetest.Partner(t, db)
	// One at a time, a submission is written alone and draws one ID:
	// nothing tried and rolled back first.
	alone := storetest.Submissions(t, db, org, 3, "alone")
	for _, s := range alone {
		must(t, db.CreateRMA(ctx, s.R, s.Ev, s.Key))
	}
	if alone[1].R.ID != alone[0].R.ID+1 || alone[2].R.ID != alone[1].R.ID+1 {
		t.Fatalf("IDs %d, %d, %d: a lone submission wasted IDs", alone[0].R.ID, alone[1].R.ID, alone[2].R.ID)
	}
	create := func(subs []storetest.Submission) []error {
		errs := make([]error, len(subs))
		pending, release := db.Store.HoldCreates()
		var wg sync.WaitGroup
		for i, s := range subs {
			wg.Go(func() { errs[i] = db.CreateRMA(ctx, s.R, s.Ev, s.Key) })
		}
		for pending() < len(subs) {
			time.Sleep(time.Millisecond)
		}
		release()
		wg.Wait()
		return errs
	}
	// Forty at once: written together, each as filed.
	subs := storetest.Submissions(t, db, org, 40, "together")
	for i, err := range create(subs) {
		if err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
		s := subs[i]
		got, err := db.RMA(ctx, s.R.ID)
		must(t, err)
		if got.Reference != s.R.Reference || got.Lines[0].ID != s.R.Lines[0].ID || s.Ev.Seq != 1 || s.Ev.RMAID != s.R.ID {
			t.Fatalf("item %d reads back as %+v", i, got)
		}
	}
	if db.Store.CreateBatches() == 0 {
		t.Fatal("forty submissions queued together were not written together")
	}
	// Twenty keys sent twice at once: a batch refused for its repeated
	// keys is written one by one, one winner a key.
	subs = storetest.Submissions(t, db, org, 40, "twice")
	for i := 20; i < 40; i++ {
		subs[i].Key = subs[i-20].Key
	}
	errs := create(subs)
	holder := map[string]int64{}
	for i, s := range subs {
		if errs[i] == nil {
			if holder[s.Key] != 0 {
				t.Fatalf("key %s won twice", s.Key)
			}
			holder[s.Key] = s.R.ID
		}
	}
	for i, s := range subs {
		var de *rma.Error
		switch {
		case errs[i] == nil:
		case errors.As(errs[i], &de) && de.Code == rma.ECONFLICT && de.ExistingID == holder[s.Key]:
			if s.R.ID != 0 {
				t.Fatalf("item %d lost but has an ID", i)
			}
		default:
			t.Fatalf("item %d: %v (holder %d)", i, errs[i], holder[s.Key])
		}
	}
	if len(holder) != 20 {
		t.Fatalf("%d keys held, want 20", len(holder))
	}
}
