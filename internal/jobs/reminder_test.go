package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/jobs"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestOneReminderJobEscalates: a deadline the vendor owes (Dexxon: an
// answer within 14 days of the request) costs the submission one job row,
// which reminds the desk on the due day and escalates the morning after;
// a deadline met meanwhile says nothing.
func TestOneReminderJobEscalates(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	submit := d.dexxonPartner(t)
	late := submit()
	// The submission's jobs: its notification and one reminder per vendor
	// deadline (Dexxon has one).
	if counts, _ := d.db.JobCounts(ctx); len(late.Deadlines) != 1 || counts[rma.JobQueued] != 2 {
		t.Fatalf("%d deadlines, %d jobs queued: want the notification and one reminder", len(late.Deadlines), counts[rma.JobQueued])
	}
	answered := submit()
	if _, err := d.svc.Authorize(ctx, d.agent, answered.ID, answered.Version, rma.AuthorizeRequest{Resolution: "return"}); err != nil {
		t.Fatal(err)
	}
	out := &notify.Outbox{}
	runner := jobs.New(d.svc, jobs.Config{Sender: out, Now: d.clock.Now, Worker: "w1"})
	drain(t, runner)
	due := late.Deadlines[0].Due
	count := func(subject string) int { return strings.Count(subjects(out), subject) }
	y, m, day := due.YMD()
	d.clock.set(time.Date(y, m, day, 9, 0, 0, 0, time.UTC))
	drain(t, runner)
	if count("desk@example.com") != 1 || count("overdue") != 0 {
		t.Fatalf("on the due day, one reminder to the desk:\n%s", subjects(out))
	}
	d.clock.set(d.clock.Now().Add(24 * time.Hour))
	drain(t, runner)
	if count("desk@example.com") != 2 || count("verdue") != 1 {
		t.Fatalf("the morning after, one escalation:\n%s", subjects(out))
	}
	d.clock.set(d.clock.Now().Add(7 * 24 * time.Hour))
	drain(t, runner)
	if count("desk@example.com") != 2 {
		t.Fatalf("the escalation ended the job:\n%s", subjects(out))
	}
	ids := map[string]bool{}
	for _, m := range out.Sent() {
		if ids[m.ID] {
			t.Fatalf("two messages share the ID %s", m.ID)
		}
		ids[m.ID] = true
	}
	counts, _ := d.db.JobCounts(ctx)
	if counts[rma.JobQueued] != 0 || counts[rma.JobDead] != 0 {
		t.Fatalf("jobs left: %v", counts)
	}
}
