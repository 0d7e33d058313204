// Package jobs runs the desk's durable background work: it claims due jobs
// from the store (one worker per job, across every instance on the
// database), runs them, and completes them or schedules a retry with
// backoff; a job that fails too often is dead and listed for admins.
//
// The work itself is the rma.Service's (ExpireLapsed, DeadlineStillOpen)
// and notify's (composing and sending messages). Each piece is written so
// that running it twice has the effect of running it once: a claimed job
// whose worker dies is taken over when its lease lapses.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Runner claims and runs jobs.
type Runner struct {
	svc    *rma.Service
	store  rma.Store
	sender notify.Sender
	log    *slog.Logger
	worker string
	lease  time.Duration
	poll   time.Duration
	now    func() time.Time

	publicURL string
	label     Labeler
	vat       int // basis points, on credit notes and invoices

	ran, failed atomic.Int64
}

// Labeler renders an RMA's return label (PDF), attached to the message
// that authorizes the return.
type Labeler func(ctx context.Context, r *rma.RMA, lang string) ([]byte, error)

// Config tunes a Runner.
type Config struct {
	Sender notify.Sender
	Log    *slog.Logger
	Worker string        // a name unique per process; default host:pid
	Lease  time.Duration // how long a claim holds; default 2 minutes
	Poll   time.Duration // the pause when nothing is due; default 1 second
	Now    func() time.Time
	// PublicURL is where people reach the portal (https://rma.example.com):
	// messages link to the RMA's page. Empty: no link.
	PublicURL string
	Label     Labeler // nil: no label attached
	// VATBasisPoints is the VAT credit notes and invoices add (moneydocs.go).
	VATBasisPoints int
}

// New makes a Runner for a service's store.
func New(svc *rma.Service, cfg Config) *Runner {
	r := &Runner{svc: svc, store: svc.Store(), sender: cfg.Sender, log: cfg.Log, worker: cfg.Worker,
		lease: cfg.Lease, poll: cfg.Poll, now: cfg.Now, publicURL: strings.TrimRight(cfg.PublicURL, "/"), label: cfg.Label}
	r.vat = cfg.VATBasisPoints
	if r.log == nil {
		r.log = slog.Default()
	}
	if r.sender == nil {
		r.sender = notify.LogSender{Log: r.log}
	}
	if r.worker == "" {
		host, _ := os.Hostname()
		r.worker = host + ":" + strconv.Itoa(os.Getpid())
	}
	if r.lease <= 0 {
		r.lease = 2 * time.Minute
	}
	if r.poll <= 0 {
		r.poll = time.Second
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r
}

// Stats are what the runner has done since it started.
func (r *Runner) Stats() (ran, failed int64) { return r.ran.Load(), r.failed.Load() }

// Run works until ctx is cancelled; a job in progress is finished first
// (within its lease), so a graceful shutdown leaves no job half-done.
func (r *Runner) Run(ctx context.Context) {
	for {
		did, err := r.RunOnce(context.WithoutCancel(ctx))
		if err != nil {
			r.log.WarnContext(ctx, "job queue", "err", err)
		}
		if ctx.Err() != nil {
			return
		}
		if !did {
			select {
			case <-ctx.Done():
				return
			case <-time.After(r.poll):
			}
		}
	}
}

// RunOnce claims and runs one due job; it reports whether there was one.
func (r *Runner) RunOnce(ctx context.Context) (bool, error) {
	j, err := r.store.ClaimJob(ctx, r.worker, r.now(), r.lease)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	runCtx, cancel := context.WithTimeout(ctx, r.lease*3/4) // finish well inside the lease
	workErr := r.work(runCtx, j)
	cancel()
	if workErr == nil {
		r.ran.Add(1)
		return true, r.store.CompleteJob(ctx, j.ID, r.worker)
	}
	var later *rma.RetryLater
	retryAt := r.now().Add(backoff(j.Attempts))
	if errors.As(workErr, &later) {
		retryAt = later.At
	} else {
		r.failed.Add(1)
		r.log.WarnContext(ctx, "job failed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", workErr)
	}
	return true, r.store.FailJob(ctx, j.ID, r.worker, workErr.Error(), retryAt)
}

// backoff grows from 10 seconds, doubling per attempt, to at most an hour.
func backoff(attempts int) time.Duration {
	d := 10 * time.Second * time.Duration(math.Pow(2, float64(max(attempts-1, 0))))
	return min(d, time.Hour)
}

func (r *Runner) work(ctx context.Context, j *rma.Job) error {
	switch j.Kind {
	case rma.JobExpireNumber:
		number, _ := j.Payload["number"].(string)
		err := r.svc.ExpireLapsed(ctx, j.RMAID, number)
		if rma.ErrorCode(err) == rma.EPRECONDITION {
			// Someone changed the RMA meanwhile: look again soon.
			return fmt.Errorf("RMA %d changed while expiring: %w", j.RMAID, err)
		}
		return err
	case rma.JobDeadlineReminder:
		name, _ := j.Payload["deadline"].(string)
		rm, d, err := r.svc.DeadlineStillOpen(ctx, j.RMAID, name)
		if err != nil || d == nil {
			return err // met meanwhile: nothing to say
		}
		// Reminders queued before one job did both steps carry their event.
		event, _ := j.Payload["event"].(string)
		var again time.Time
		if event == "" {
			event, again = r.svc.ReminderStep(d, r.now())
		}
		if err := r.send(ctx, j, rm, event, "desk", notify.Facts{Deadline: d.Name, Due: d.Due.String()}); err != nil {
			return err
		}
		if !again.IsZero() {
			return &rma.RetryLater{At: again} // the escalation, the morning after
		}
		return nil
	case rma.JobAdvanceReturn:
		return r.advanceReturn(ctx, j) // advance.go
	case rma.JobWebhookDisabled:
		return r.webhookDisabled(ctx, j) // webhooks.go
	case rma.JobNotify:
		rm, err := r.store.RMA(ctx, j.RMAID)
		if err != nil {
			return err
		}
		event, _ := j.Payload["event"].(string)
		to, _ := j.Payload["to"].(string)
		var f notify.Facts
		if event == rma.NoteMessage {
			// The message is quoted from the job, as it was written.
			f.MessageAuthor, _ = j.Payload["author"].(string)
			f.MessageBody, _ = j.Payload["body"].(string)
			f.ToDesk = to == "desk"
		}
		return r.send(ctx, j, rm, event, to, f)
	}
	return fmt.Errorf("unknown job kind %q", j.Kind)
}

// send composes the message about rm for the audience and delivers it.
// With no address on file there is nobody to tell: the job is done.
func (r *Runner) send(ctx context.Context, j *rma.Job, rm *rma.RMA, event, audience string, f notify.Facts) error {
	to, orgID, err := r.address(ctx, rm, audience)
	if err != nil || to == "" {
		return err
	}
	// The recipient's language: the organisation's the address is (language.go).
	lang, err := r.language(ctx, orgID)
	if err != nil {
		return err
	}
	f.RMAID, f.Number, f.Reference, f.Policy, f.State = rm.ID, rm.Number, rm.Reference, rm.PolicyID, string(rm.State)
	f.Expires, f.Reason, f.Outcome = rm.NumberExpires.String(), rm.Reason, string(rm.Outcome)
	if event == rma.NoteAdvanceNotReturned {
		advanceFacts(rm, lang, &f) // advance.go
	}
	if r.publicURL != "" {
		f.PortalURL = fmt.Sprintf("%s/rmas/%d", r.publicURL, rm.ID)
	}
	if p := r.svc.Policies().Version(rm.PolicyID, rm.PolicyVersion); p != nil {
		f.Policy, _ = p.Text(lang, "title")
		g := rma.GuideFor(p, rm)
		for _, in := range g.Instructions {
			// In the recipient's language where the pack has it, else the pack's own.
			text, _ := p.Say(lang, in.Key, in.Text)
			f.Instructions = append(f.Instructions, rma.FillNumber(text, rm.Number))
		}
		f.ReturnAddress = g.Address
	}
	// One job can send two messages (a reminder, then its escalation): the
	// event is part of the message's identity.
	msg := notify.NewMessage(fmt.Sprintf("rmadesk-job-%d-%s", j.ID, event), to, notify.Event(event), f, lang)
	if event == rma.NoteAuthorized && r.label != nil && rm.Number != "" {
		pdf, err := r.label(ctx, rm, lang)
		if err != nil {
			return fmt.Errorf("rendering the label of RMA %d: %w", rm.ID, err)
		}
		f.LabelAttached = true
		msg = notify.NewMessage(msg.ID, to, notify.Event(event), f, lang)
		msg.Attachments = []notify.Attachment{{Name: rm.Number + ".pdf", ContentType: "application/pdf", Data: pdf}}
	}
	if event == rma.NoteResolved {
		// The credit note and the invoice go with the news (moneydocs.go).
		docs, err := r.moneyDocuments(ctx, rm, lang, &f)
		if err != nil {
			return err
		}
		if len(docs) > 0 {
			msg = notify.NewMessage(msg.ID, to, notify.Event(event), f, lang)
			msg.Attachments = docs
		}
	}
	return r.sender.Send(ctx, msg)
}

// address is where a message for the audience goes, and the organisation
// whose address it is.
func (r *Runner) address(ctx context.Context, rm *rma.RMA, audience string) (string, int64, error) {
	if audience != "desk" {
		org, err := r.store.Org(ctx, rm.OrgID)
		if err != nil {
			return "", 0, err
		}
		return org.Email, org.ID, nil
	}
	// An RMA someone of the desk handles: to them, not to the whole desk
	// (rma/assign.go); a user disabled since goes back to the desk's address.
	if rm.AssigneeID != 0 {
		if u, err := r.store.UserByID(ctx, rm.AssigneeID); err == nil && !u.Disabled && u.Email != "" {
			return u.Email, u.OrgID, nil
		} else if err != nil && rma.ErrorCode(err) != rma.ENOTFOUND {
			return "", 0, err
		}
	}
	orgs, err := r.store.Orgs(ctx)
	if err != nil {
		return "", 0, err
	}
	for _, o := range orgs {
		if o.IsDesk && o.Email != "" {
			return o.Email, o.ID, nil
		}
	}
	return "", 0, nil
}
