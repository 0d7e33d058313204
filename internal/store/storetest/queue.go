package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// testQueueOrder: the desk's queue (ListFilter.Order urgency) is ordered
// by the next open deadline across every page, not within one: with more
// RMAs than a page, the most urgent one is first on page 1 even though it
// was filed last. A met deadline no longer counts, and an RMA without an
// open deadline comes after every one with one.
func testQueueOrder(t *testing.T, open Opener) {
	// 23 RMAs: the i-th filed has its open deadline due in 30+((i*7)%23)
	// days, every fifth has none open (met, or none at all), and the last
	// filed is due first.
	type want struct {
		id  int64
		due calendar.Date // 0: none open
	}
	setup := func(t *testing.T) (rma.Store, []want, *rma.Org) {
		s := open(t)
		o1, o2 := mkOrg(t, s, "Pixfra"), mkOrg(t, s, "Dexxon")
		var all []want
		for i := range 23 {
			org := o1
			if i%2 == 1 {
				org = o2
			}
			r := simpleRMA(t, org.ID, fmt.Sprintf("q%02d", i), minute(i))
			due := day("2026-03-02").AddDays(30 + (i*7)%23)
			switch {
			case i == 22:
				due = day("2026-03-03") // filed last, due first
			case i%5 == 0:
				due = 0
				// A met deadline, earlier than any open one, must not count.
				r.Deadlines = append(r.Deadlines, rma.Deadline{Name: "instructions", Owner: "vendor", Due: day("2026-03-01"), Met: minute(i), Clause: "5.2"})
			}
			if due != 0 {
				r.Deadlines = append(r.Deadlines, rma.Deadline{Name: "ship", Owner: "requester", Due: due, Clause: "5.3"},
					rma.Deadline{Name: "later", Owner: "vendor", Due: due.AddDays(10), Clause: "5.4"})
			}
			mkRMA(t, s, r)
			all = append(all, want{r.ID, due})
		}
		return s, all, o1
	}
	order := func(ws []want) []int64 {
		ws = slices.Clone(ws)
		slices.SortStableFunc(ws, func(a, b want) int {
			ka, kb := a.due, b.due
			if ka == 0 {
				ka = calendar.Date(1 << 30)
			}
			if kb == 0 {
				kb = calendar.Date(1 << 30)
			}
			if ka != kb {
				return int(ka - kb)
			}
			return int(a.id - b.id)
		})
		ids := make([]int64, len(ws))
		for i, w := range ws {
			ids[i] = w.id
		}
		return ids
	}
	s, all, o1 := setup(t)
	t.Run("the most urgent is first on page 1", func(t *testing.T) {
		page, next, err := s.ListRMAs(t.Context(), rma.ListFilter{Order: rma.OrderUrgency, Limit: 10})
		must(t, err)
		if next == "" || len(page) != 10 {
			t.Fatalf("a page of %d with cursor %q: more RMAs than a page were filed", len(page), next)
		}
		if page[0].ID != all[22].id {
			t.Fatalf("page 1 starts with RMA %d, want %d (filed last, due first)", page[0].ID, all[22].id)
		}
	})
	for _, limit := range []int{1, 4, 10, 22, 23, 50} {
		t.Run(fmt.Sprintf("every page in order, limit %d", limit), func(t *testing.T) {
			if got, w := pageAll(t, s, rma.ListFilter{Order: rma.OrderUrgency, Limit: limit}), order(all); !slices.Equal(got, w) {
				t.Fatalf("pages gave\n%v\nwant\n%v", got, w)
			}
		})
	}
	t.Run("with a filter", func(t *testing.T) {
		var mine []want
		for _, w := range all {
			if r := reload(t, s, w.id); r.OrgID == o1.ID {
				mine = append(mine, w)
			}
		}
		if got, w := pageAll(t, s, rma.ListFilter{Order: rma.OrderUrgency, OrgID: o1.ID, States: []rma.State{rma.Submitted}, Limit: 3}), order(mine); !slices.Equal(got, w) {
			t.Fatalf("pages gave\n%v\nwant\n%v", got, w)
		}
	})
	t.Run("oldest first", func(t *testing.T) {
		var w []int64
		for _, x := range all {
			w = append(w, x.id)
		}
		if got := pageAll(t, s, rma.ListFilter{Order: rma.OrderOldest, Limit: 6}); !slices.Equal(got, w) {
			t.Fatalf("pages gave\n%v\nwant\n%v", got, w)
		}
	})
	t.Run("a save that meets the deadline moves the RMA", func(t *testing.T) {
		s, all, _ := setup(t)
		r := reload(t, s, all[22].id)
		for i := range r.Deadlines {
			r.Deadlines[i].Met = minute(100)
		}
		must(t, s.SaveRMA(t.Context(), r, r.Version, &rma.Event{At: minute(100), Actor: "agent", Action: "receive", From: rma.Submitted, To: rma.Submitted}))
		all[22].due = 0
		if got, w := pageAll(t, s, rma.ListFilter{Order: rma.OrderUrgency, Limit: 5}), order(all); !slices.Equal(got, w) {
			t.Fatalf("pages gave\n%v\nwant\n%v", got, w)
		}
	})
	t.Run("a cursor of another order is refused", func(t *testing.T) {
		_, next, err := s.ListRMAs(t.Context(), rma.ListFilter{Limit: 2})
		must(t, err)
		_, _, err = s.ListRMAs(t.Context(), rma.ListFilter{Order: rma.OrderUrgency, Cursor: next})
		if rma.ErrorCode(err) != rma.EINVALID {
			t.Fatalf("a newest-first cursor in the urgency order: %v", err)
		}
		if _, _, err := s.ListRMAs(t.Context(), rma.ListFilter{Order: "loudest"}); rma.ErrorCode(err) != rma.EINVALID {
			t.Fatalf("an unknown order: %v", err)
		}
	})
}
