package storetest

import (
	"slices"
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// testAssign: an RMA's assignee is written at the version read, with its
// event, and read back with the RMA; a stale version writes nothing. The
// unread marker is set by a requester's message, left by an internal
// note, cleared by the desk's reply or its reading, and none of these is
// undone by a save of the RMA. The queue filters by assignee.
func testAssign(t *testing.T, open Opener) {
	setup := func(t *testing.T) (rma.Store, rma.AssignStore, *rma.User, *rma.User, *rma.RMA) {
		s := open(t)
		as, ok := s.(rma.AssignStore)
		if !ok {
			t.Fatal("the store keeps no assignees (rma.AssignStore)")
		}
		desk := &rma.Org{Name: "Desk", IsDesk: true, Country: "NL", Created: base}
		must(t, s.CreateOrg(t.Context(), desk))
		dist := mkOrg(t, s, "Pixfra")
		anna := &rma.User{OrgID: desk.ID, Email: "anna@desk.example", Role: rma.RoleAgent, Created: minute(1)}
		bob := &rma.User{OrgID: desk.ID, Email: "bob@desk.example", Role: rma.RoleAgent, Created: minute(1)}
		gone := &rma.User{OrgID: desk.ID, Email: "gone@desk.example", Role: rma.RoleAgent, Created: minute(1), Disabled: true}
		them := &rma.User{OrgID: dist.ID, Email: "rma@dist.example", Role: rma.RoleRequester, Created: minute(1)}
		for _, u := range []*rma.User{anna, bob, gone, them} {
			must(t, s.CreateUser(t.Context(), u))
		}
		return s, as, anna, bob, mkRMA(t, s, simpleRMA(t, dist.ID, "a", minute(2)))
	}
	t.Run("assign at the version read, with its event", func(t *testing.T) {
		s, as, anna, bob, r := setup(t)
		ev := &rma.Event{At: minute(3), Actor: "bob@desk.example", Action: "assign", Details: map[string]any{"assignee": anna.Email}}
		must(t, as.SetAssignee(t.Context(), r.ID, anna.ID, r.Version, ev))
		got := reload(t, s, r.ID)
		if got.AssigneeID != anna.ID || got.Version != r.Version+1 {
			t.Fatalf("assignee %d version %d, want %d and %d", got.AssigneeID, got.Version, anna.ID, r.Version+1)
		}
		if ev.ID == 0 || ev.From != rma.Submitted || ev.To != rma.Submitted {
			t.Fatalf("the event: %+v", ev)
		}
		wantCode(t, as.SetAssignee(t.Context(), r.ID, bob.ID, r.Version, &rma.Event{Actor: "x", Action: "assign"}), rma.EPRECONDITION)
		if got := reload(t, s, r.ID); got.AssigneeID != anna.ID {
			t.Fatal("a stale assignment was written")
		}
		wantCode(t, as.SetAssignee(t.Context(), r.ID+100, bob.ID, 1, &rma.Event{Actor: "x", Action: "assign"}), rma.ENOTFOUND)
		// A save of the RMA keeps the assignee.
		got = reload(t, s, r.ID)
		got.AssigneeID = 0
		must(t, s.SaveRMA(t.Context(), got, got.Version, &rma.Event{At: minute(4), Actor: "x", Action: "request_info", From: rma.Submitted, To: rma.NeedsInfo}))
		if got := reload(t, s, r.ID); got.AssigneeID != anna.ID {
			t.Fatal("saving the RMA dropped its assignee")
		}
		// To nobody.
		got = reload(t, s, r.ID)
		must(t, as.SetAssignee(t.Context(), r.ID, 0, got.Version, &rma.Event{Actor: "x", Action: "assign"}))
		if got := reload(t, s, r.ID); got.AssigneeID != 0 {
			t.Fatal("unassigning kept the assignee")
		}
	})
	t.Run("the queue of one assignee", func(t *testing.T) {
		s, as, anna, bob, r := setup(t)
		other := mkRMA(t, s, simpleRMA(t, r.OrgID, "b", minute(5)))
		must(t, as.SetAssignee(t.Context(), r.ID, anna.ID, r.Version, &rma.Event{Actor: "x", Action: "assign"}))
		must(t, as.SetAssignee(t.Context(), other.ID, bob.ID, other.Version, &rma.Event{Actor: "x", Action: "assign"}))
		for _, tc := range []struct {
			user *rma.User
			want []int64
		}{{anna, []int64{r.ID}}, {bob, []int64{other.ID}}} {
			if got := pageAll(t, s, rma.ListFilter{Assignee: tc.user.ID, Order: rma.OrderUrgency}); !slices.Equal(got, tc.want) {
				t.Fatalf("%s's queue: %v, want %v", tc.user.Email, got, tc.want)
			}
		}
	})
	t.Run("unread marker", func(t *testing.T) {
		s, as, _, _, r := setup(t)
		post := func(fromDesk, internal bool) {
			must(t, s.AddMessage(t.Context(), &rma.Message{RMAID: r.ID, Author: "x", FromDesk: fromDesk, Internal: internal, Body: "b"}, &rma.Event{Actor: "x", Action: "add_message"}))
		}
		steps := []struct {
			name string
			do   func()
			want bool
		}{
			{"a requester's message", func() { post(false, false) }, true},
			{"an internal note", func() { post(true, true) }, true},
			{"the desk's reply", func() { post(true, false) }, false},
			{"another message", func() { post(false, false) }, true},
			{"a save of the RMA", func() {
				got := reload(t, s, r.ID)
				got.Unread = false
				must(t, s.SaveRMA(t.Context(), got, got.Version, &rma.Event{Actor: "x", Action: "request_info", From: rma.Submitted, To: rma.NeedsInfo}))
			}, true},
			{"the desk read it", func() { must(t, as.MarkRead(t.Context(), r.ID)) }, false},
		}
		for _, st := range steps {
			st.do()
			if got := reload(t, s, r.ID).Unread; got != st.want {
				t.Fatalf("after %s, unread is %v", st.name, got)
			}
		}
	})
	t.Run("desk users", func(t *testing.T) {
		_, as, anna, bob, _ := setup(t)
		users, err := as.DeskUsers(t.Context())
		must(t, err)
		var emails []string
		for _, u := range users {
			emails = append(emails, u.Email)
		}
		if !slices.Equal(emails, []string{anna.Email, bob.Email}) {
			t.Fatalf("desk users %v: want the desk's users who may sign in", emails)
		}
	})
}
