package storetest

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// testNotes: an internal note is kept apart from the messages (it reads
// back marked), and the email a message causes is written with it, in
// the same transaction; a message that is refused writes no email.
func testNotes(t *testing.T, open Opener) {
	t.Run("internal notes read back marked", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Pixfra")
		a := mkRMA(t, s, simpleRMA(t, o.ID, "a", minute(0)))
		var want []rma.Message
		for _, m := range []*rma.Message{
			{RMAID: a.ID, Author: "anna@dist.example", Body: "Is it on its way?", Created: minute(5)},
			{RMAID: a.ID, Author: "agent@desk.example", FromDesk: true, Internal: true, Body: "Waiting on the station.", Created: minute(6)},
		} {
			must(t, s.AddMessage(t.Context(), m, &rma.Event{Actor: m.Author, Action: "add_message"}))
			want = append(want, *m)
		}
		got, err := s.Messages(t.Context(), a.ID)
		must(t, err)
		wantSame(t, "Messages", want, got)
	})
	t.Run("a message's email is written with it", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Pixfra")
		a := mkRMA(t, s, simpleRMA(t, o.ID, "a", minute(0)))
		job := rma.Job{Kind: rma.JobNotify, RunAt: minute(7), Payload: map[string]any{"event": "message", "to": "desk", "body": "Hello"}}
		m := &rma.Message{RMAID: a.ID, Author: "anna@dist.example", Body: "Hello", Created: minute(7), Jobs: []rma.Job{job}}
		must(t, s.AddMessage(t.Context(), m, &rma.Event{Actor: m.Author, Action: "add_message"}))
		if m.Jobs != nil {
			t.Fatal("the message's jobs are kept after they were written")
		}
		jobs, err := s.Jobs(t.Context(), rma.JobQueued, 10)
		must(t, err)
		if len(jobs) != 1 || jobs[0].RMAID != a.ID || jobs[0].Payload["to"] != "desk" || jobs[0].Payload["body"] != "Hello" {
			t.Fatalf("queued jobs: %+v", jobs)
		}
		// A message on an unknown RMA writes no email either.
		bad := &rma.Message{RMAID: a.ID + 100, Body: "x", Jobs: []rma.Job{job}}
		wantCode(t, s.AddMessage(t.Context(), bad, &rma.Event{Actor: "x", Action: "add_message"}), rma.ENOTFOUND)
		if jobs, err = s.Jobs(t.Context(), rma.JobQueued, 10); err != nil || len(jobs) != 1 {
			t.Fatalf("after a refused message, %d jobs queued (%v)", len(jobs), err)
		}
	})
}
