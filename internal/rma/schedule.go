package rma

import (
	"context"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// The jobs a change causes. They are put on the RMA and written with it in
// one transaction (Store.SaveRMA), then run by internal/jobs, in this or any
// other instance.

// Notification events (the payload's "event"); internal/notify renders them.
const (
	NoteSubmitted     = "submitted"
	NoteNeedsInfo     = "needs_info"
	NoteAuthorized    = "authorized"
	NoteRejected      = "rejected"
	NoteExpiresSoon   = "expires_soon"
	NoteNumberExpired = "number_expired"
	NoteResolved      = "resolved"
	NoteDeadlineDue   = "deadline_due"
	NoteOverdue       = "overdue"
)

// expiresSoonDays is how long before an RMA number lapses the requester is
// reminded to send the parcel.
const expiresSoonDays = 2

// morning is when day-based jobs run in the desk's zone: reminders arrive
// at the start of a working day, not at midnight.
const morning = 8 * time.Hour

func (s *Service) at(d calendar.Date, offset time.Duration) time.Time {
	y, m, day := d.YMD()
	return time.Date(y, m, day, 0, 0, 0, 0, s.zone).Add(offset).UTC()
}

// notify queues a notification to the requester (or the desk) about r.
func (r *RMA) notify(event, audience string, at time.Time) {
	r.Jobs = append(r.Jobs, Job{Kind: JobNotify, RunAt: at, Payload: map[string]any{"event": event, "to": audience}})
}

// scheduleDeadlines queues, for each open deadline the vendor owes, one
// reminder job on its due day. The same job escalates the day after
// (ReminderStep): one row per deadline in the submission's transaction,
// not two.
func (s *Service) scheduleDeadlines(r *RMA, names map[string]bool) {
	for _, d := range r.Deadlines {
		if !names[d.Name] || !d.Met.IsZero() {
			continue
		}
		r.Jobs = append(r.Jobs, Job{Kind: JobDeadlineReminder, RunAt: s.at(d.Due, morning),
			Payload: map[string]any{"deadline": d.Name, "due": d.Due.String()}})
	}
}

// ReminderStep says what a deadline reminder running at now tells the
// desk: before the morning after the due day, that the deadline is due,
// and to run again that morning; from then on, that it is overdue, and
// the job is done (again is zero). A reminder that first runs late (the
// desk was down) says only that the deadline is overdue.
func (s *Service) ReminderStep(d *Deadline, now time.Time) (event string, again time.Time) {
	escalate := s.at(d.Due.AddDays(1), morning)
	if now.Before(escalate) {
		return NoteDeadlineDue, escalate
	}
	return NoteOverdue, time.Time{}
}

// scheduleExpiry queues the expiry of r's current number for the first
// moment after its last valid day, and a reminder before.
func (s *Service) scheduleExpiry(r *RMA, now time.Time) {
	r.Jobs = append(r.Jobs, Job{Kind: JobExpireNumber, RunAt: s.at(r.NumberExpires.AddDays(1), 0),
		Payload: map[string]any{"number": r.Number}})
	if soon := s.at(r.NumberExpires.AddDays(-expiresSoonDays), morning); soon.After(now) {
		r.notify(NoteExpiresSoon, "requester", soon)
	}
}

// RetryLater is returned by a job's work when it ran too early; the queue
// runs it again at At without counting it as a failure of the work.
type RetryLater struct{ At time.Time }

func (e *RetryLater) Error() string { return "not due until " + e.At.Format(time.RFC3339) }

// ExpireLapsed is the expiry job's work: if number is still the RMA's
// current number, authorized and past its last day, the RMA moves to
// expired and the requester is told. Anything else means the job has
// nothing left to do (the goods came, the number was reissued, a person
// expired it already), so its effect happens once however often it runs.
func (s *Service) ExpireLapsed(ctx context.Context, rmaID int64, number string) error {
	r, err := s.store.RMA(ctx, rmaID)
	if err != nil {
		return err
	}
	if r.Number != number || r.State != Authorized {
		return nil
	}
	if s.Today() <= r.NumberExpires {
		return &RetryLater{At: s.at(r.NumberExpires.AddDays(1), 0)}
	}
	_, err = s.transitionLoaded(ctx, System, r, r.Version, ActExpire, func(c *change) error {
		c.ev.Details["number"] = number
		c.ev.Details["by"] = "expiry job"
		c.r.notify(NoteNumberExpired, "requester", c.now)
		return nil
	})
	return err
}

// DeadlineStillOpen tells a reminder job whether the deadline it is about
// is still open (and the facts for the message).
func (s *Service) DeadlineStillOpen(ctx context.Context, rmaID int64, name string) (*RMA, *Deadline, error) {
	r, err := s.store.RMA(ctx, rmaID)
	if err != nil {
		return nil, nil, err
	}
	for i := range r.Deadlines {
		if d := &r.Deadlines[i]; d.Name == name && d.Met.IsZero() {
			return r, d, nil
		}
	}
	return r, nil, nil
}
