package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/rma"
)

const jobColumns = `id, kind, rma_id, payload, run_at, state, attempts, max_attempts, last_error, locked_by, locked_until, created, updated`

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

// EnqueueJob stores a job that no change of state causes.
func (db *DB) EnqueueJob(ctx context.Context, j *rma.Job) error {
	if j == nil {
		return rma.Invalid("job", "missing")
	}
	w, err := encodeJob(j)
	if err != nil {
		return err
	}
	var id int64
	err = db.write(ctx, "enqueue job", func(tx *sql.Tx) error {
		var err error
		id, err = w.insert(ctx, tx, 0)
		return err
	})
	if err != nil {
		return err
	}
	w.set(id, 0)
	return nil
}

// ClaimJob leases the next due job. Several workers, in one process or in
// several, claim at once: the select locks the row it returns FOR UPDATE
// and SKIP LOCKED passes over rows other claims have locked, so each claim
// gets a job of its own without waiting for the others. A job another
// claim has just leased and committed no longer matches when its row is
// locked (PostgreSQL checks the condition again on the latest version), so
// it is skipped too.
func (db *DB) ClaimJob(ctx context.Context, worker string, at time.Time, lease time.Duration) (*rma.Job, error) {
	var enc encoder
	nowText, untilText := enc.Time("now", at), enc.Time("until", at.Add(lease))
	if enc.Err != nil {
		return nil, enc.Err
	}
	var job *rma.Job
	err := db.write(ctx, "claim job", func(tx *sql.Tx) error {
		job = nil
		for {
			j, err := nextDue(ctx, tx, nowText)
			if err != nil {
				return err
			}
			if j.State == rma.JobRunning && j.Attempts >= j.MaxAttempts {
				// Its last worker died holding it: no attempt is left. The
				// row stays locked by this transaction and no longer
				// matches, so the next round finds the next job.
				if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'dead', locked_by = '', locked_until = NULL,
					last_error = 'the worker stopped without finishing (lease lapsed)', updated = $2 WHERE id = $1`, j.ID, nowText); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'running', attempts = attempts + 1,
				locked_by = $2, locked_until = $3, updated = $4 WHERE id = $1`, j.ID, worker, untilText, nowText); err != nil {
				return err
			}
			j.State, j.Attempts, j.LockedBy, j.LockedUntil, j.Updated = rma.JobRunning, j.Attempts+1, worker, at.Add(lease).UTC(), at.UTC()
			job = j
			return nil
		}
	})
	if err != nil {
		return nil, err
	}
	return job, nil
}

// nextDue locks the job to claim: of the queued jobs due and the running
// jobs whose lease lapsed, the first by (run_at, id), skipping the ones
// other workers hold. The two kinds are looked up apart, each the head of
// its index's range: asked in one query with OR, the server collects every
// due job to sort them, and a backlog of notifications (a recall) would
// make each claim slower. The one not chosen stays locked by this
// transaction until it ends: other workers skip it meanwhile, as they
// would skip a job being claimed.
func nextDue(ctx context.Context, tx *sql.Tx, nowText any) (*rma.Job, error) {
	queued, err := scanJob(tx.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs
		WHERE state = 'queued' AND run_at <= $1 ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`, nowText))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	// Running jobs are few (one per worker): sorting the lapsed ones is cheap.
	lapsed, err := scanJob(tx.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs
		WHERE state = 'running' AND locked_until <= $1 ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`, nowText))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	switch {
	case queued == nil && lapsed == nil:
		return nil, rma.Errorf(rma.ENOTFOUND, "no job due")
	case queued == nil:
		return lapsed, nil
	case lapsed == nil:
		return queued, nil
	case lapsed.RunAt.Before(queued.RunAt) || lapsed.RunAt.Equal(queued.RunAt) && lapsed.ID < queued.ID:
		return lapsed, nil
	}
	return queued, nil
}

// CompleteJob marks a job done if worker still holds it.
func (db *DB) CompleteJob(ctx context.Context, id int64, worker string) error {
	if !storable(worker) {
		return notHeld(id, worker) // no job can be held by a name that cannot be stored
	}
	var enc encoder
	nowText := enc.Time("now", now())
	return db.write(ctx, "complete job", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'done', locked_by = '', locked_until = NULL, updated = $3
			WHERE id = $1 AND locked_by = $2 AND state = 'running'`, id, worker, nowText)
		return heldBy(res, err, id, worker)
	})
}

// maxErrorLen bounds a stored failure message.
const maxErrorLen = 2000

// FailJob queues the job again at retryAt, or buries it when its attempts
// are used up.
func (db *DB) FailJob(ctx context.Context, id int64, worker string, msg string, retryAt time.Time) error {
	if !storable(worker) {
		return notHeld(id, worker)
	}
	var enc encoder
	nowText, retryText := enc.Time("now", now()), enc.Time("retry_at", retryAt)
	if enc.Err != nil {
		return enc.Err
	}
	msg = errorText(msg)
	return db.write(ctx, "fail job", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET
			state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
			run_at = $3, last_error = $4, locked_by = '', locked_until = NULL, updated = $5
			WHERE id = $1 AND locked_by = $2 AND state = 'running'`, id, worker, retryText, msg, nowText)
		return heldBy(res, err, id, worker)
	})
}

// errorText makes a failure message storable: it comes from anywhere (a
// remote server's reply), and a job whose failure cannot be recorded would
// stay leased until its lease lapsed. NULs are dropped, invalid UTF-8
// replaced, and the message cut at a character boundary.
func errorText(msg string) string {
	msg = strings.ToValidUTF8(strings.ReplaceAll(msg, "\x00", ""), "\uFFFD")
	if len(msg) <= maxErrorLen {
		return msg
	}
	cut := maxErrorLen
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut]
}

func heldBy(res sql.Result, err error, id int64, worker string) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notHeld(id, worker)
	}
	return nil
}

func notHeld(id int64, worker string) error {
	return rma.Errorf(rma.EPRECONDITION, "job %d is not held by %s", id, worker)
}

// Jobs lists jobs in a state, oldest first.
func (db *DB) Jobs(ctx context.Context, state rma.JobState, limit int) ([]rma.Job, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	if !storable(string(state)) {
		return nil, nil
	}
	rows, err := db.pool.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE state = $1 ORDER BY run_at, id LIMIT $2`, string(state), limit)
	if err != nil {
		return nil, storeError("jobs", err)
	}
	defer rows.Close()
	var out []rma.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, storeError("jobs", err)
		}
		out = append(out, *j)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError("jobs", err)
	}
	return out, nil
}

// JobCounts counts jobs by state.
func (db *DB) JobCounts(ctx context.Context) (map[rma.JobState]int, error) {
	rows, err := db.pool.QueryContext(ctx, `SELECT state, COUNT(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, storeError("job counts", err)
	}
	defer rows.Close()
	out := map[rma.JobState]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, storeError("job counts", err)
		}
		out[rma.JobState(s)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, storeError("job counts", err)
	}
	return out, nil
}

func scanJob(row interface{ Scan(...any) error }) (*rma.Job, error) {
	var j rma.Job
	var rmaID sql.NullInt64
	var payload, runAt, state, created, updated string
	var lockedUntil sql.NullString
	if err := row.Scan(&j.ID, &j.Kind, &rmaID, &payload, &runAt, &state, &j.Attempts, &j.MaxAttempts,
		&j.LastError, &j.LockedBy, &lockedUntil, &created, &updated); err != nil {
		return nil, err
	}
	j.RMAID, j.State = rmaID.Int64, rma.JobState(state)
	if err := json.Unmarshal([]byte(payload), &j.Payload); err != nil {
		return nil, err
	}
	var dec decoder
	j.RunAt = dec.Time("run_at", sql.NullString{String: runAt, Valid: true})
	j.LockedUntil = dec.Time("locked_until", lockedUntil)
	j.Created = dec.Time("created", sql.NullString{String: created, Valid: true})
	j.Updated = dec.Time("updated", sql.NullString{String: updated, Valid: true})
	return &j, dec.Err
}
