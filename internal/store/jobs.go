package store

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

// jobCols are the columns a new job is written with.
var jobCols = []string{"kind", "rma_id", "payload", "run_at", "state", "attempts", "max_attempts", "created", "updated"}

// jobRMA is where a new job's rma_id sits in its row.
const jobRMA = 1

// jobRow encodes a new job for jobCols before its transaction begins, so
// that bad input is refused without touching the database, with the values
// the store fills in when the caller left them zero.
func jobRow(j *rma.Job) (row []any, created, runAt time.Time, max int, err error) {
	if j.Kind == "" {
		return nil, created, runAt, 0, rma.Invalid("job.kind", "required")
	}
	created = j.Created
	if created.IsZero() {
		created = now()
	}
	runAt = j.RunAt
	if runAt.IsZero() {
		runAt = created
	}
	max = j.MaxAttempts
	if max <= 0 {
		max = rma.DefaultMaxAttempts
	}
	payload, err := json.Marshal(j.Payload)
	if err != nil {
		return nil, created, runAt, 0, rma.Invalid("job.payload", "%v", err)
	}
	if j.Payload == nil {
		payload = []byte("{}")
	}
	var enc encoder
	createdText, runText := enc.Time("created", created), enc.Time("run_at", runAt)
	if enc.Err != nil {
		return nil, created, runAt, 0, enc.Err
	}
	return []any{j.Kind, nullID(j.RMAID), string(payload), runText, "queued", 0, max, createdText, createdText}, created, runAt, max, nil
}

// encodeJobs encodes the jobs a change causes (RMA.Jobs).
func encodeJobs(jobs []rma.Job) ([][]any, error) {
	rows := make([][]any, 0, len(jobs))
	for i := range jobs {
		row, _, _, _, err := jobRow(&jobs[i])
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// jobRows are a change's jobs for its transaction: a job about no RMA is
// about rmaID, the RMA whose change causes it. Their IDs are not read
// back: the RMA's Jobs are emptied once the change is committed.
func jobRows(rmaID int64, rows [][]any) [][]any {
	out := make([][]any, len(rows))
	for i, row := range rows {
		out[i] = row
		if row[jobRMA] == nil { // a copy: a write leaves what it was given alone
			out[i] = append([]any{}, row...)
			out[i][jobRMA] = rmaID
		}
	}
	return out
}

var insertJobSQL = insertSQL("jobs", jobCols) + " RETURNING id"

// EnqueueJob stores a job that no change of state causes.
func (st *Store) EnqueueJob(ctx context.Context, j *rma.Job) error {
	if j == nil {
		return rma.Invalid("job", "missing")
	}
	row, created, runAt, max, err := jobRow(j)
	if err != nil {
		return err
	}
	var id int64
	err = st.write(ctx, "enqueue job", func(q Querier) error {
		return q.QueryRowContext(ctx, insertJobSQL, row...).Scan(&id)
	})
	if err != nil {
		return err
	}
	// Only once committed: a write leaves the caller's values alone.
	j.ID, j.State, j.RunAt, j.MaxAttempts, j.Created, j.Updated = id, rma.JobQueued, runAt.UTC(), max, created.UTC(), created.UTC()
	return nil
}

// ClaimJob leases the next due job. On SQLite the one writer runs one
// claim at a time. On PostgreSQL several workers, in one process or in
// several, claim at once: the select locks the row it returns FOR UPDATE
// and SKIP LOCKED passes over rows other claims have locked, so each claim
// gets a job of its own without waiting for the others. A job another
// claim has just leased and committed no longer matches when its row is
// locked (PostgreSQL checks the condition again on the latest version), so
// it is skipped too.
func (st *Store) ClaimJob(ctx context.Context, worker string, at time.Time, lease time.Duration) (*rma.Job, error) {
	var enc encoder
	nowText, untilText := enc.Time("now", at), enc.Time("until", at.Add(lease))
	if enc.Err != nil {
		return nil, enc.Err
	}
	var job *rma.Job
	err := st.write(ctx, "claim job", func(q Querier) error {
		job = nil
		for {
			j, err := st.nextDue(ctx, q, nowText)
			if err != nil {
				return err
			}
			if j.State == rma.JobRunning && j.Attempts >= j.MaxAttempts {
				// Its last worker died holding it: no attempt is left. The
				// row stays locked by this transaction and no longer
				// matches, so the next round finds the next job.
				if _, err := q.ExecContext(ctx, `UPDATE jobs SET state = 'dead', locked_by = '', locked_until = NULL,
					last_error = 'the worker stopped without finishing (lease lapsed)', updated = $2 WHERE id = $1`, j.ID, nowText); err != nil {
					return err
				}
				continue
			}
			if _, err := q.ExecContext(ctx, `UPDATE jobs SET state = 'running', attempts = attempts + 1,
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

// nextDue finds (and on PostgreSQL locks) the job to claim: of the queued
// jobs due and the running jobs whose lease lapsed, the first by (run_at,
// id), skipping the ones other workers hold. The two kinds are looked up
// apart, each the head of its index's range: asked in one query with OR,
// the database collects every due job to sort them, and a backlog of
// notifications (a recall) would make each claim slower. The one not
// chosen stays locked by this transaction until it ends: other workers
// skip it meanwhile, as they would skip a job being claimed.
func (st *Store) nextDue(ctx context.Context, q Querier, nowText any) (*rma.Job, error) {
	queued, err := scanJob(q.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs
		WHERE state = 'queued' AND run_at <= $1 ORDER BY run_at, id LIMIT 1`+st.d.SkipLocked(), nowText))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	// Running jobs are few (one per worker): sorting the lapsed ones is cheap.
	lapsed, err := scanJob(q.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs
		WHERE state = 'running' AND locked_until <= $1 ORDER BY run_at, id LIMIT 1`+st.d.SkipLocked(), nowText))
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
func (st *Store) CompleteJob(ctx context.Context, id int64, worker string) error {
	if !storable(worker) {
		return notHeld(id, worker) // no job can be held by a name that cannot be stored
	}
	var enc encoder
	nowText := enc.Time("now", now())
	return st.write(ctx, "complete job", func(q Querier) error {
		res, err := q.ExecContext(ctx, `UPDATE jobs SET state = 'done', locked_by = '', locked_until = NULL, updated = $3
			WHERE id = $1 AND locked_by = $2 AND state = 'running'`, id, worker, nowText)
		return heldBy(res, err, id, worker)
	})
}

// maxErrorLen bounds a stored failure message.
const maxErrorLen = 2000

// FailJob queues the job again at retryAt, or buries it when its attempts
// are used up.
func (st *Store) FailJob(ctx context.Context, id int64, worker string, msg string, retryAt time.Time) error {
	if !storable(worker) {
		return notHeld(id, worker)
	}
	var enc encoder
	nowText, retryText := enc.Time("now", now()), enc.Time("retry_at", retryAt)
	if enc.Err != nil {
		return enc.Err
	}
	msg = errorText(msg)
	return st.write(ctx, "fail job", func(q Querier) error {
		res, err := q.ExecContext(ctx, `UPDATE jobs SET
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
func (st *Store) Jobs(ctx context.Context, state rma.JobState, limit int) ([]rma.Job, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	if !storable(string(state)) {
		return nil, nil
	}
	rows, err := st.pool().QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE state = $1 ORDER BY run_at, id LIMIT $2`, string(state), limit)
	if err != nil {
		return nil, st.storeError("jobs", err)
	}
	defer rows.Close()
	var out []rma.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, st.storeError("jobs", err)
		}
		out = append(out, *j)
	}
	if err := rows.Err(); err != nil {
		return nil, st.storeError("jobs", err)
	}
	return out, nil
}

// JobCounts counts jobs by state.
func (st *Store) JobCounts(ctx context.Context) (map[rma.JobState]int, error) {
	counts, err := countBy(ctx, st.pool(), "jobs")
	if err != nil {
		return nil, st.storeError("job counts", err)
	}
	out := make(map[rma.JobState]int, len(counts))
	for s, n := range counts {
		out[rma.JobState(s)] = n
	}
	return out, nil
}

// CountRMAsByState counts RMAs per state (the rmadesk_rmas gauge).
func (st *Store) CountRMAsByState(ctx context.Context) (map[rma.State]int, error) {
	counts, err := countBy(ctx, st.pool(), "rmas")
	if err != nil {
		return nil, st.storeError("count rmas", err)
	}
	out := make(map[rma.State]int, len(counts))
	for s, n := range counts {
		out[rma.State(s)] = n
	}
	return out, nil
}

// countBy counts a table's rows by their state.
func countBy(ctx context.Context, q Querier, table string) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT state, COUNT(*) FROM `+table+` GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
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
