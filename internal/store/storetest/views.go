package storetest

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// testViews: a user's saved views are the user's alone, a name saved again
// replaces the query; the desk's canned replies are created, edited and
// deleted, a title is unique, and an unknown one is ENOTFOUND.
func testViews(t *testing.T, open Opener) {
	setup := func(t *testing.T) (rma.ViewStore, *rma.User, *rma.User) {
		s := open(t)
		vs, ok := s.(rma.ViewStore)
		if !ok {
			t.Fatal("the store keeps no views (rma.ViewStore)")
		}
		o := mkOrg(t, s, "Desk")
		a := &rma.User{OrgID: o.ID, Email: "anna@desk.example", Role: rma.RoleAgent, Created: minute(1)}
		b := &rma.User{OrgID: o.ID, Email: "bob@desk.example", Role: rma.RoleAgent, Created: minute(1)}
		must(t, s.CreateUser(t.Context(), a))
		must(t, s.CreateUser(t.Context(), b))
		return vs, a, b
	}
	t.Run("views per user", func(t *testing.T) {
		vs, a, b := setup(t)
		mine := &rma.SavedView{UserID: a.ID, Name: "Pixfra overdue", Query: "policy=pixfra&overdue=1", Created: minute(2)}
		must(t, vs.SaveView(t.Context(), mine))
		must(t, vs.SaveView(t.Context(), &rma.SavedView{UserID: a.ID, Name: "Mine", Query: "mine=1", Created: minute(3)}))
		must(t, vs.SaveView(t.Context(), &rma.SavedView{UserID: b.ID, Name: "Mine", Query: "mine=1&sort=oldest", Created: minute(3)}))
		again := &rma.SavedView{UserID: a.ID, Name: "Pixfra overdue", Query: "policy=pixfra&overdue=1&sort=urgency", Created: minute(4)}
		must(t, vs.SaveView(t.Context(), again))
		if again.ID != mine.ID {
			t.Fatalf("a name saved again made view %d, not %d", again.ID, mine.ID)
		}
		got, err := vs.Views(t.Context(), a.ID)
		must(t, err)
		if len(got) != 2 || got[0].Name != "Mine" || got[1].Query != "policy=pixfra&overdue=1&sort=urgency" || !got[1].Created.Equal(minute(2)) {
			t.Fatalf("anna's views: %+v", got)
		}
		wantCode(t, vs.DeleteView(t.Context(), b.ID, mine.ID), rma.ENOTFOUND) // not bob's
		must(t, vs.DeleteView(t.Context(), a.ID, mine.ID))
		if got, _ := vs.Views(t.Context(), a.ID); len(got) != 1 {
			t.Fatalf("after deleting one, anna has %d views", len(got))
		}
		if got, _ := vs.Views(t.Context(), b.ID); len(got) != 1 || got[0].Query != "mine=1&sort=oldest" {
			t.Fatalf("bob's views: %+v", got)
		}
	})
	t.Run("canned replies", func(t *testing.T) {
		vs, _, _ := setup(t)
		c := &rma.CannedReply{Title: "Label missing", Body: "Please print the label from the RMA page.", Created: minute(1), Updated: minute(1)}
		must(t, vs.SaveCannedReply(t.Context(), c))
		must(t, vs.SaveCannedReply(t.Context(), &rma.CannedReply{Title: "Christmas", Body: "Closed 24 Dec to 1 Jan.", Created: minute(2), Updated: minute(2)}))
		wantCode(t, vs.SaveCannedReply(t.Context(), &rma.CannedReply{Title: "Christmas", Body: "again"}), rma.ECONFLICT)
		c.Body, c.Updated = "Print the label from the RMA page, and tape it on the box.", minute(5)
		must(t, vs.SaveCannedReply(t.Context(), c))
		got, err := vs.CannedReplies(t.Context())
		must(t, err)
		if len(got) != 2 || got[0].Title != "Christmas" || got[1].Body != c.Body || !got[1].Created.Equal(minute(1)) || !got[1].Updated.Equal(minute(5)) {
			t.Fatalf("replies: %+v", got)
		}
		must(t, vs.DeleteCannedReply(t.Context(), c.ID))
		wantCode(t, vs.DeleteCannedReply(t.Context(), c.ID), rma.ENOTFOUND)
		wantCode(t, vs.SaveCannedReply(t.Context(), &rma.CannedReply{ID: c.ID, Title: "x", Body: "y"}), rma.ENOTFOUND)
	})
}
