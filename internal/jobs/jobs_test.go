package jobs_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/jobs"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
	"github.com/rmadesk/rmadesk/policies"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

type desk struct {
	svc       *rma.Service
	db        *sqlite.DB
	clock     *clock
	requester rma.Actor
	agent     rma.Actor
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	ctx := context.Background()
	db := sqlitetest.Open(t)
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	svc := rma.NewService(db, set, rma.WithClock(c.Now))
	accounts := auth.NewAccounts(db)
	deskOrg, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Desk", IsDesk: true, Email: "desk@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	org, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Distributor", Role: "distributor", Country: "DE", Email: "rma@distributor.example"})
	if err != nil {
		t.Fatal(err)
	}
	return &desk{svc: svc, db: db, clock: c,
		requester: rma.Actor{OrgID: org.ID, Role: rma.RoleRequester, Name: "distributor"},
		agent:     rma.Actor{OrgID: deskOrg.ID, Role: rma.RoleAgent, Name: "agent"}}
}

func (d *desk) authorizedPixfra(t *testing.T) *rma.RMA {
	t.Helper()
	c, err := policy.ParseClaim([]byte(`{"requester": {"role": "distributor"}, "product": {"category": "thermal-camera"},
		"dates": {"invoice": "2025-06-01", "reported": "2026-03-02"},
		"documents": ["vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"]}`))
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := d.svc.Submit(context.Background(), d.requester, rma.SubmitRequest{PolicyID: "pixfra", Lines: []rma.LineRequest{{Claim: c, PartNumber: "1.0.01.08.43501"}}})
	if err != nil {
		t.Fatal(err)
	}
	r, err = d.svc.Authorize(context.Background(), d.agent, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "repair"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func drain(t *testing.T, r *jobs.Runner) int {
	t.Helper()
	n := 0
	for {
		did, err := r.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !did {
			return n
		}
		n++
	}
}

func subjects(o *notify.Outbox) string {
	var s []string
	for _, m := range o.Sent() {
		s = append(s, m.To+": "+m.Subject)
	}
	return strings.Join(s, "\n")
}

// TestNumberExpiresWhileNobodyLooks: the expiry job moves an authorized
// RMA whose number lapsed to expired and tells the requester; before the
// day, it does nothing.
func TestNumberExpiresWhileNobodyLooks(t *testing.T) {
	d := newDesk(t)
	r := d.authorizedPixfra(t)
	out := &notify.Outbox{}
	runner := jobs.New(d.svc, jobs.Config{Sender: out, Now: d.clock.Now, Worker: "w1"})
	if n := drain(t, runner); n != 2 {
		t.Fatalf("ran %d jobs now, want 2 (submitted, authorized)", n)
	}
	if got := subjects(out); !strings.Contains(got, "Received:") || !strings.Contains(got, "Authorized: "+r.Number) {
		t.Fatalf("notifications:\n%s", got)
	}
	d.clock.set(time.Date(2026, 3, 30, 9, 0, 0, 0, time.UTC)) // two days before the last day (2026-04-01)
	drain(t, runner)
	if got := subjects(out); !strings.Contains(got, "RMA number expires soon") {
		t.Fatalf("no expiry warning:\n%s", got)
	}
	got, _ := d.svc.Store().RMA(context.Background(), r.ID)
	if got.State != rma.Authorized {
		t.Fatalf("expired early: %s", got.State)
	}
	d.clock.set(time.Date(2026, 4, 2, 0, 0, 1, 0, time.UTC))
	drain(t, runner)
	got, _ = d.svc.Store().RMA(context.Background(), r.ID)
	if got.State != rma.Expired {
		t.Fatalf("state %s, want expired", got.State)
	}
	if s := subjects(out); !strings.Contains(s, "rma@distributor.example: RMA number expired") {
		t.Fatalf("no expiry notice:\n%s", s)
	}
	counts, _ := d.db.JobCounts(context.Background())
	if counts[rma.JobQueued] != 0 || counts[rma.JobDead] != 0 {
		t.Fatalf("jobs left: %v", counts)
	}
}

// TestEachJobOnce: several workers on one database; each job's effect
// happens once.
func TestEachJobOnce(t *testing.T) {
	d := newDesk(t)
	const n = 12
	var ids []int64
	for range n {
		ids = append(ids, d.authorizedPixfra(t).ID)
	}
	d.clock.set(time.Date(2026, 4, 2, 1, 0, 0, 0, time.UTC))
	out := &notify.Outbox{}
	var wg sync.WaitGroup
	for w := range 4 {
		runner := jobs.New(d.svc, jobs.Config{Sender: out, Now: d.clock.Now, Worker: "w" + string(rune('a'+w))})
		wg.Add(1)
		go func() { defer wg.Done(); drain(t, runner) }()
	}
	wg.Wait()
	expiredNotices := 0
	for _, m := range out.Sent() {
		if strings.HasPrefix(m.Subject, "RMA number expired") {
			expiredNotices++
		}
	}
	if expiredNotices != n {
		t.Fatalf("%d expiry notices for %d RMAs", expiredNotices, n)
	}
	for _, id := range ids {
		evs, err := d.db.Events(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		expires := 0
		for _, e := range evs {
			if e.Action == string(rma.ActExpire) {
				expires++
			}
		}
		if expires != 1 {
			t.Fatalf("RMA %d expired %d times", id, expires)
		}
	}
}

// failing is a sender that is down.
type failing struct{}

func (failing) Send(context.Context, notify.Message) error {
	return context.DeadlineExceeded
}

// TestFailingJobsRetryThenDie: a sender that keeps failing makes its jobs
// retry with backoff and end dead, listed for admins.
func TestFailingJobsRetryThenDie(t *testing.T) {
	d := newDesk(t)
	d.authorizedPixfra(t)
	runner := jobs.New(d.svc, jobs.Config{Sender: failing{}, Now: d.clock.Now, Worker: "w"})
	for i := range 40 {
		drain(t, runner)
		d.clock.set(d.clock.Now().Add(2 * time.Hour))
		_ = i
	}
	dead, err := d.db.Jobs(context.Background(), rma.JobDead, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) < 2 || dead[0].Attempts != rma.DefaultMaxAttempts || !strings.Contains(dead[0].LastError, "deadline exceeded") {
		t.Fatalf("dead jobs: %+v", dead)
	}
	if _, failed := runner.Stats(); failed < int64(2*rma.DefaultMaxAttempts) {
		t.Fatalf("failures counted: %d", failed)
	}
}
