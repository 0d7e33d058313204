package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// jobWrite is a job encoded before its transaction begins, so that bad
// input is refused without touching the database, and the job itself is
// changed only once the transaction has committed: a transaction that is
// retried, or rolled back, leaves it as the caller made it.
type jobWrite struct {
	job         *rma.Job
	payload     string
	runAt       time.Time
	created     time.Time
	runText     any
	createdText any
	max         int
}

func encodeJob(j *rma.Job) (*jobWrite, error) {
	if j.Kind == "" {
		return nil, rma.Invalid("job.kind", "required")
	}
	created := j.Created
	if created.IsZero() {
		created = now()
	}
	runAt := j.RunAt
	if runAt.IsZero() {
		runAt = created
	}
	max := j.MaxAttempts
	if max <= 0 {
		max = rma.DefaultMaxAttempts
	}
	payload, err := json.Marshal(j.Payload)
	if err != nil {
		return nil, rma.Invalid("job.payload", "%v", err)
	}
	if j.Payload == nil {
		payload = []byte("{}")
	}
	var enc encoder
	w := &jobWrite{job: j, payload: string(payload), runAt: runAt.UTC(), created: created.UTC(), max: max,
		runText: enc.Time("run_at", runAt), createdText: enc.Time("created", created)}
	if enc.Err != nil {
		return nil, enc.Err
	}
	return w, nil
}

// encodeJobs encodes the jobs a change causes (RMA.Jobs).
func encodeJobs(jobs []rma.Job) ([]*jobWrite, error) {
	out := make([]*jobWrite, len(jobs))
	for i := range jobs {
		w, err := encodeJob(&jobs[i])
		if err != nil {
			return nil, err
		}
		out[i] = w
	}
	return out, nil
}

// insert writes the job; a job about no RMA is about rmaID, the RMA whose
// change causes it (0: none).
func (w *jobWrite) insert(ctx context.Context, q querier, rmaID int64) (int64, error) {
	if w.job.RMAID != 0 {
		rmaID = w.job.RMAID
	}
	var id int64
	err := q.QueryRowContext(ctx,
		`INSERT INTO jobs (kind, rma_id, payload, run_at, state, attempts, max_attempts, created, updated)
		 VALUES ($1, $2, $3, $4, 'queued', 0, $5, $6, $6) RETURNING id`,
		w.job.Kind, nullID(rmaID), w.payload, w.runText, w.max, w.createdText).Scan(&id)
	return id, err
}

// set records on the job what the store gave it, once committed.
func (w *jobWrite) set(id, rmaID int64) {
	j := w.job
	if j.RMAID == 0 {
		j.RMAID = rmaID
	}
	j.ID, j.State, j.RunAt, j.MaxAttempts, j.Created, j.Updated = id, rma.JobQueued, w.runAt, w.max, w.created, w.created
}

// insertJobs writes the jobs of a change inside its transaction.
func insertJobs(ctx context.Context, tx *sql.Tx, rmaID int64, jobs []*jobWrite) ([]int64, error) {
	ids := make([]int64, len(jobs))
	for i, w := range jobs {
		id, err := w.insert(ctx, tx, rmaID)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

// newJobCols and newJobRows are the jobs of a new RMA as rows, written
// with the RMA's other rows in one statement (create.write). Their IDs are
// not read back: the RMA's Jobs are emptied once it is committed, and
// nothing asks for them.
var newJobCols = []string{"kind", "rma_id", "payload", "run_at", "state", "attempts", "max_attempts", "created", "updated"}

func newJobRows(rmaID int64, jobs []*jobWrite) [][]any {
	rows := make([][]any, len(jobs))
	for i, w := range jobs {
		id := rmaID
		if w.job.RMAID != 0 {
			id = w.job.RMAID
		}
		rows[i] = []any{w.job.Kind, nullID(id), w.payload, w.runText, "queued", 0, w.max, w.createdText, w.createdText}
	}
	return rows
}

// setJobs records the committed jobs' IDs on them (none when ids is nil).
func setJobs(jobs []*jobWrite, ids []int64, rmaID int64) {
	for i, w := range jobs {
		var id int64
		if ids != nil {
			id = ids[i]
		}
		w.set(id, rmaID)
	}
}
