package rma

import (
	"context"
	"time"
)

// The job queue as an administrator sees it (issue 15): how many jobs wait,
// run, failed and are dead, and a dead or failed job sent back to run now.
// A failed job is a queued one whose last attempt failed: it waits for its
// retry, and an administrator who fixed the cause (the mail relay was down)
// need not wait for the backoff.

// JobView names what the admin's queue lists: the job states, and
// JobPending and JobFailed, the queued jobs without and with a failure.
type JobView string

const (
	JobPending JobView = "pending" // queued, never failed
	JobFailed  JobView = "failed"  // queued for a retry after a failure
)

// JobViews are the lists of the admin's queue, in the order shown.
var JobViews = []JobView{JobPending, JobView(JobRunning), JobFailed, JobView(JobDead), JobView(JobDone)}

// ParseJobView checks a list's name; "queued" (every queued job) is kept
// for the API's first callers.
func ParseJobView(field, s string) (JobView, error) {
	switch v := JobView(s); v {
	case JobPending, JobFailed, JobView(JobQueued), JobView(JobRunning), JobView(JobDone), JobView(JobDead):
		return v, nil
	}
	return "", Invalid(field, "unknown job state %q (pending, running, failed, dead, done, queued)", s)
}

// JobQueueStore is what the admin's queue needs of the store beyond
// JobStore. The one store implements it; storetest holds it to the
// contract.
type JobQueueStore interface {
	// QueuedJobs lists queued jobs, oldest due first: those whose last
	// attempt failed (failed), or those that never failed.
	QueuedJobs(ctx context.Context, failed bool, limit int) ([]Job, error)
	// CountFailedJobs counts the queued jobs whose last attempt failed.
	CountFailedJobs(ctx context.Context) (int, error)
	// RetryJob queues a dead job, or a queued job that failed, to run at
	// at with its attempts counted afresh and its last error cleared: it
	// is pending again. ENOTFOUND; ECONFLICT for a job in any other state.
	RetryJob(ctx context.Context, id int64, at time.Time) (*Job, error)
	// Job finds one job; ENOTFOUND.
	Job(ctx context.Context, id int64) (*Job, error)
}

// JobCountsView are the queue's counts by the admin's lists.
type JobCountsView struct {
	Pending, Running, Failed, Dead, Done int
}

func (s *Service) jobQueue(actor Actor) (JobQueueStore, error) {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return nil, err
	}
	js, ok := s.store.(JobQueueStore)
	if !ok {
		return nil, Errorf(EINTERNAL, "this store keeps no job queue")
	}
	return js, nil
}

// JobQueueCounts counts the jobs by the admin's lists (admins only).
func (s *Service) JobQueueCounts(ctx context.Context, actor Actor) (JobCountsView, error) {
	js, err := s.jobQueue(actor)
	if err != nil {
		return JobCountsView{}, err
	}
	by, err := s.store.JobCounts(ctx)
	if err != nil {
		return JobCountsView{}, err
	}
	failed, err := js.CountFailedJobs(ctx)
	if err != nil {
		return JobCountsView{}, err
	}
	return JobCountsView{Pending: by[JobQueued] - failed, Running: by[JobRunning], Failed: failed, Dead: by[JobDead], Done: by[JobDone]}, nil
}

// JobList lists the jobs of one of the admin's lists, oldest due first
// (admins only).
func (s *Service) JobList(ctx context.Context, actor Actor, v JobView, limit int) ([]Job, error) {
	js, err := s.jobQueue(actor)
	if err != nil {
		return nil, err
	}
	switch v {
	case JobPending, JobFailed:
		return js.QueuedJobs(ctx, v == JobFailed, limit)
	}
	return s.store.Jobs(ctx, JobState(v), limit)
}

// RetryJob sends a dead or failed job back to the queue to run now, by the
// desk's clock (admins only).
func (s *Service) RetryJob(ctx context.Context, actor Actor, id int64) (*Job, error) {
	js, err := s.jobQueue(actor)
	if err != nil {
		return nil, err
	}
	return js.RetryJob(ctx, id, s.now())
}

// Job finds one job (admins only).
func (s *Service) Job(ctx context.Context, actor Actor, id int64) (*Job, error) {
	js, err := s.jobQueue(actor)
	if err != nil {
		return nil, err
	}
	return js.Job(ctx, id)
}
