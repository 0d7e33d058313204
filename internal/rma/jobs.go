package rma

import (
	"context"
	"time"
)

// Job is durable background work: expiring an RMA number, reminding of a
// deadline, delivering a notification. Jobs caused by a change of state are
// put on the RMA (RMA.Jobs) and written by CreateRMA or SaveRMA in the same
// transaction as the change, so there is never a change without its job or
// a job without its change.
type Job struct {
	ID          int64
	Kind        string // JobExpireNumber, JobDeadlineReminder, JobNotify
	RMAID       int64  // 0 when the job is about no RMA
	Payload     map[string]any
	RunAt       time.Time // not before
	State       JobState
	Attempts    int // runs started so far
	MaxAttempts int // then the job is dead; 0 means DefaultMaxAttempts
	LastError   string
	LockedBy    string    // the worker running it
	LockedUntil time.Time // its lease: after it, another worker may take the job
	Created     time.Time
	Updated     time.Time
}

// JobState is where a job is.
type JobState string

const (
	JobQueued  JobState = "queued"  // waiting for RunAt, or for a retry
	JobRunning JobState = "running" // leased by a worker
	JobDone    JobState = "done"
	JobDead    JobState = "dead" // failed MaxAttempts times: an admin looks at it
)

// Job kinds.
const (
	JobExpireNumber     = "expire_number"
	JobDeadlineReminder = "deadline_reminder"
	JobNotify           = "notify"
	// JobWebhookDisabled tells an organisation that the desk disabled one
	// of its webhook endpoints (internal/webhook): a job, so that a relay
	// that is down delays the email rather than losing it.
	JobWebhookDisabled = "webhook_disabled"
)

// DefaultMaxAttempts is how often a job is tried before it is dead.
const DefaultMaxAttempts = 8

// JobStore is the part of the Store that runs jobs. Claiming is exclusive:
// two workers, in one process or in several instances on one database,
// never hold the same job at once (PostgreSQL: FOR UPDATE SKIP LOCKED;
// SQLite: its single writer).
type JobStore interface {
	// EnqueueJob stores a job that no change of state causes.
	EnqueueJob(ctx context.Context, j *Job) error
	// ClaimJob leases the next job due at now to worker until now+lease,
	// counting the attempt: a queued job whose RunAt has come, or a running
	// job whose lease has lapsed (its worker died). ENOTFOUND when none.
	ClaimJob(ctx context.Context, worker string, now time.Time, lease time.Duration) (*Job, error)
	// CompleteJob marks a job done; EPRECONDITION if worker no longer holds it.
	CompleteJob(ctx context.Context, id int64, worker string) error
	// FailJob records a failure: the job is queued again at retryAt, or
	// dead when it has used its attempts. EPRECONDITION if worker no
	// longer holds it.
	FailJob(ctx context.Context, id int64, worker string, msg string, retryAt time.Time) error
	// Jobs lists jobs in a state, oldest first, at most limit.
	Jobs(ctx context.Context, state JobState, limit int) ([]Job, error)
	// JobCounts counts jobs by state, for metrics and readiness.
	JobCounts(ctx context.Context) (map[JobState]int, error)
}
