package storetest

import (
	"encoding/base64"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// listFixture is five RMAs over two organisations and two policies, filed a
// minute apart (a first, e last), each with something to filter on.
type listFixture struct {
	s          rma.Store
	org1, org2 *rma.Org
	byRef      map[string]*rma.RMA
}

func newListFixture(t *testing.T, open Opener) *listFixture {
	s := open(t)
	f := &listFixture{s: s, org1: mkOrg(t, s, "Dexxon"), org2: mkOrg(t, s, "Pixfra"), byRef: map[string]*rma.RMA{}}
	add := func(ref string, org *rma.Org, state rma.State, policyID string, change func(r *rma.RMA)) {
		r := simpleRMA(t, org.ID, ref, minute(len(f.byRef)))
		r.State, r.PolicyID = state, policyID
		if change != nil {
			change(r)
		}
		f.byRef[ref] = mkRMA(t, s, r)
	}
	number := func(r *rma.RMA, seqs ...int) {
		for i, n := range seqs {
			r.Numbers = append(r.Numbers, rma.NumberRecord{Number: rma.FormatNumber(26, n), Issued: day("2026-03-02"), Current: i == len(seqs)-1})
		}
		r.Number = r.Numbers[len(r.Numbers)-1].Number
	}
	add("a", f.org1, rma.Submitted, "dexxon", func(r *rma.RMA) {
		r.Lines[0].Claim = unitClaim(t, "SN-ALPHA-1", "PX-200")
	})
	add("b", f.org1, rma.Authorized, "dexxon", func(r *rma.RMA) {
		number(r, 2)
		r.Deadlines = []rma.Deadline{{Name: "ship", Owner: "requester", Due: day("2026-03-01"), Clause: "5.3", Text: "ship it"}}
	})
	add("c", f.org2, rma.Authorized, "pixfra", func(r *rma.RMA) {
		number(r, 3, 13)
		r.Deadlines = []rma.Deadline{{Name: "ship", Owner: "requester", Due: day("2026-03-01"), Met: minute(30)}}
	})
	add("d", f.org2, rma.InEvaluation, "pixfra", func(r *rma.RMA) {
		number(r, 4)
		r.Lines[0].ReplacementSerial = "SN-REPL-77"
		r.Lines[0].Claim = unitClaim(t, "X-SERIAL", "X-MODEL") // two terms with one prefix: one row
		r.Deadlines = []rma.Deadline{
			{Name: "evaluation", Owner: "vendor", Due: day("2026-03-10")},
			{Name: "report", Owner: "vendor", Due: day("2026-03-11")},
		}
	})
	add("e", f.org2, rma.Resolved, "pixfra", func(r *rma.RMA) {
		r.Lines[0].Claim = unitClaim(t, "SN-E", "Über-Kamera")
		r.Deadlines = []rma.Deadline{{Name: "invoice", Owner: "vendor", Due: day("2026-02-01")}}
	})
	return f
}

// refs are the references of a page, in its order.
func refs(page []rma.RMA) []string {
	out := make([]string, len(page))
	for i, r := range page {
		out[i] = r.Reference
	}
	return out
}

func testListRMAs(t *testing.T, open Opener) {
	f := newListFixture(t, open)
	today := day("2026-03-10")
	for _, tc := range []struct {
		name   string
		filter rma.ListFilter
		want   []string
	}{
		{"everything, newest first", rma.ListFilter{}, []string{"e", "d", "c", "b", "a"}},
		{"one organisation", rma.ListFilter{OrgID: f.org1.ID}, []string{"b", "a"}},
		{"one state", rma.ListFilter{States: []rma.State{rma.Authorized}}, []string{"c", "b"}},
		{"two states", rma.ListFilter{States: []rma.State{rma.Authorized, rma.Resolved}}, []string{"e", "c", "b"}},
		{"state nobody is in", rma.ListFilter{States: []rma.State{rma.Closed}}, nil},
		{"policy", rma.ListFilter{PolicyID: "pixfra"}, []string{"e", "d", "c"}},
		// Overdue: open and due before today. c's deadline is met; d's is due today.
		{"overdue", rma.ListFilter{Overdue: true, Today: today}, []string{"e", "b"}},
		{"overdue in one organisation", rma.ListFilter{Overdue: true, Today: today, OrgID: f.org2.ID}, []string{"e"}},
		{"overdue on a later day", rma.ListFilter{Overdue: true, Today: day("2026-03-12")}, []string{"e", "d", "b"}},
		{"organisation, state and policy", rma.ListFilter{OrgID: f.org2.ID, States: []rma.State{rma.Authorized, rma.InEvaluation}, PolicyID: "pixfra"}, []string{"d", "c"}},
		{"number prefix", rma.ListFilter{Query: rma.FormatNumber(26, 3)[:10]}, []string{"d", "c", "b"}},
		{"number prefix in lower case", rma.ListFilter{Query: "rma-26-0000"}, []string{"d", "c", "b"}},
		{"whole current number", rma.ListFilter{Query: rma.FormatNumber(26, 13)}, []string{"c"}},
		{"earlier number", rma.ListFilter{Query: rma.FormatNumber(26, 3)}, []string{"c"}},
		{"serial prefix", rma.ListFilter{Query: "sn-alpha"}, []string{"a"}},
		{"model prefix with spaces and case", rma.ListFilter{Query: "  px-2 "}, []string{"a"}},
		{"replacement serial", rma.ListFilter{Query: "SN-REPL"}, []string{"d"}},
		{"several terms of one RMA match once", rma.ListFilter{Query: "x-"}, []string{"d"}},
		{"non-ASCII in any case", rma.ListFilter{Query: "üBER"}, []string{"e"}},
		{"query and organisation", rma.ListFilter{Query: "SN-", OrgID: f.org1.ID}, []string{"b", "a"}},
		{"no match", rma.ListFilter{Query: "zzz"}, nil},
		{"not a prefix of the middle", rma.ListFilter{Query: "ALPHA"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, next, err := f.s.ListRMAs(t.Context(), tc.filter)
			must(t, err)
			if got := refs(page); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			if next != "" {
				t.Fatalf("one page holds everything, but the cursor is %q", next)
			}
		})
	}
	t.Run("pages carry deadlines, not lines", func(t *testing.T) {
		page, _, err := f.s.ListRMAs(t.Context(), rma.ListFilter{})
		must(t, err)
		for _, got := range page {
			want := f.byRef[got.Reference]
			if len(got.Lines) != 0 {
				t.Fatalf("%s: a list row has %d lines", got.Reference, len(got.Lines))
			}
			wantSame(t, got.Reference+" deadlines", want.Deadlines, got.Deadlines)
			// Every field of the RMA row itself is there.
			row := *want
			row.Lines, row.Numbers, row.Charges, row.Deadlines = nil, nil, nil, got.Deadlines
			got.Numbers, got.Charges = nil, nil
			wantSame(t, got.Reference, row, got)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		garbage := base64.RawURLEncoding.EncodeToString([]byte("no comma here"))
		negative := base64.RawURLEncoding.EncodeToString([]byte(base.Format(time.RFC3339Nano) + ",-4"))
		for _, tc := range []struct {
			name   string
			filter rma.ListFilter
		}{
			{"cursor not base64", rma.ListFilter{Cursor: "!!!"}},
			{"cursor of garbage", rma.ListFilter{Cursor: garbage}},
			{"cursor with a negative id", rma.ListFilter{Cursor: negative}},
			{"limit too large", rma.ListFilter{Limit: 201}},
			{"negative limit", rma.ListFilter{Limit: -1}},
			{"overdue without today", rma.ListFilter{Overdue: true}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, _, err := f.s.ListRMAs(t.Context(), tc.filter)
				wantCode(t, err, rma.EINVALID)
			})
		}
	})
}

// pageAll follows cursors to the end and returns the IDs in order.
func pageAll(t *testing.T, s rma.Store, f rma.ListFilter) []int64 {
	t.Helper()
	var ids []int64
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("the cursor never ends")
		}
		page, next, err := s.ListRMAs(t.Context(), f)
		must(t, err)
		if f.Limit > 0 && len(page) > f.Limit {
			t.Fatalf("page of %d rows, limit %d", len(page), f.Limit)
		}
		if len(page) == 0 && next != "" {
			t.Fatal("an empty page with a cursor")
		}
		for _, r := range page {
			ids = append(ids, r.ID)
		}
		if next == "" {
			return ids
		}
		f.Cursor = next
	}
}

// newestFirst orders RMAs as lists do: by Created, then ID, both descending.
func newestFirst(rs []*rma.RMA) []int64 {
	sorted := slices.Clone(rs)
	slices.SortFunc(sorted, func(a, b *rma.RMA) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	ids := make([]int64, len(sorted))
	for i, r := range sorted {
		ids[i] = r.ID
	}
	return ids
}

func testPagination(t *testing.T, open Opener) {
	// 20 RMAs in two organisations; pairs share a Created time, so the ID
	// decides their order.
	setup := func(t *testing.T) (rma.Store, []*rma.RMA, *rma.Org) {
		s := open(t)
		o1, o2 := mkOrg(t, s, "Dexxon"), mkOrg(t, s, "Minicart")
		var all []*rma.RMA
		for i := range 20 {
			org := o1
			if i%3 == 0 {
				org = o2
			}
			all = append(all, mkRMA(t, s, simpleRMA(t, org.ID, fmt.Sprintf("p%02d", i), minute(i/2))))
		}
		return s, all, o2
	}
	s, all, o2 := setup(t)
	want := newestFirst(all)
	for _, limit := range []int{1, 3, 5, 7, 19, 20, 21, 200} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			if got := pageAll(t, s, rma.ListFilter{Limit: limit}); !slices.Equal(got, want) {
				t.Fatalf("pages gave\n%v\nwant\n%v", got, want)
			}
		})
	}
	t.Run("with a filter", func(t *testing.T) {
		var inOrg []*rma.RMA
		for _, r := range all {
			if r.OrgID == o2.ID {
				inOrg = append(inOrg, r)
			}
		}
		if got := pageAll(t, s, rma.ListFilter{OrgID: o2.ID, Limit: 2}); !slices.Equal(got, newestFirst(inOrg)) {
			t.Fatalf("pages gave %v, want %v", got, newestFirst(inOrg))
		}
	})
	t.Run("default limit is 50", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		for i := range 51 {
			mkRMA(t, s, simpleRMA(t, o.ID, fmt.Sprint(i), minute(i)))
		}
		page, next, err := s.ListRMAs(t.Context(), rma.ListFilter{})
		must(t, err)
		if len(page) != 50 || next == "" {
			t.Fatalf("first page %d rows, cursor %q; want 50 and a cursor", len(page), next)
		}
		page, next, err = s.ListRMAs(t.Context(), rma.ListFilter{Cursor: next})
		must(t, err)
		if len(page) != 1 || next != "" {
			t.Fatalf("second page %d rows, cursor %q; want 1 and none", len(page), next)
		}
	})
	t.Run("RMAs filed while paging", func(t *testing.T) {
		s, all, _ := setup(t)
		page, next, err := s.ListRMAs(t.Context(), rma.ListFilter{Limit: 6})
		must(t, err)
		seen := map[int64]int{}
		for _, r := range page {
			seen[r.ID]++
		}
		// Two newer RMAs (above the cursor: not on later pages) and one
		// older than all (below it: on the last page).
		newer1 := mkRMA(t, s, simpleRMA(t, all[0].OrgID, "new1", minute(100)))
		newer2 := mkRMA(t, s, simpleRMA(t, all[0].OrgID, "new2", minute(100)))
		older := mkRMA(t, s, simpleRMA(t, all[0].OrgID, "old", minute(-100)))
		for _, id := range pageAll(t, s, rma.ListFilter{Limit: 6, Cursor: next}) {
			seen[id]++
		}
		for _, r := range all {
			if seen[r.ID] != 1 {
				t.Fatalf("%s seen %d times", r.Reference, seen[r.ID])
			}
		}
		if seen[newer1.ID]+seen[newer2.ID] != 0 || seen[older.ID] != 1 {
			t.Fatalf("newer RMAs seen %d and %d times, older %d; want 0, 0, 1", seen[newer1.ID], seen[newer2.ID], seen[older.ID])
		}
	})
	t.Run("empty store", func(t *testing.T) {
		s := open(t)
		page, next, err := s.ListRMAs(t.Context(), rma.ListFilter{Overdue: true, Today: calendar.DateOf(2026, 1, 1)})
		must(t, err)
		if len(page) != 0 || next != "" {
			t.Fatalf("%d rows, cursor %q", len(page), next)
		}
	})
}
