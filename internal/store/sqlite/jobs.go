package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

const jobColumns = `id, kind, rma_id, payload, run_at, state, attempts, max_attempts, last_error, locked_by, locked_until, created, updated`

// jobCols are the columns a new job is written with.
var jobCols = []string{"kind", "rma_id", "payload", "run_at", "state", "attempts", "max_attempts", "created", "updated"}

// jobRow encodes a new job for jobCols, with the values the store fills in
// when the caller left them zero.
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

// encodeJobs encodes the jobs a change causes, before its transaction;
// their rma_id (index 1) is the RMA's unless a job names another.
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

// insertJobs writes a change's jobs inside its transaction, in one
// statement. Their IDs are not needed: the RMA's Jobs are emptied once
// the change is committed.
func insertJobs(ctx context.Context, tx querier, rmaID int64, rows [][]any) error {
	withID := make([][]any, len(rows))
	for i, row := range rows {
		withID[i] = row
		if row[1] == nil { // a copy: an op leaves what it was given alone
			withID[i] = append([]any{row[0], rmaID}, row[2:]...)
		}
	}
	return insertRows(ctx, tx, "jobs", jobCols, withID)
}

// EnqueueJob stores a job that no change of state causes.
func (db *DB) EnqueueJob(ctx context.Context, j *rma.Job) error {
	if j == nil {
		return rma.Invalid("job", "missing")
	}
	// Encoded before the transaction, so bad input never reaches it.
	row, created, runAt, max, err := jobRow(j)
	if err != nil {
		return err
	}
	var id int64
	err = db.write(ctx, "enqueue job", func(tx querier) error {
		res, err := tx.ExecContext(ctx, insertSQL("jobs", jobCols), row...)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return err
	}
	// Only once committed: the writer's ops leave the caller's values alone.
	j.ID, j.State, j.RunAt, j.MaxAttempts, j.Created, j.Updated = id, rma.JobQueued, runAt.UTC(), max, created.UTC(), created.UTC()
	return nil
}

// ClaimJob leases the next due job. SQLite runs one write transaction at a
// time, so the select and the update cannot interleave with another claim.
func (db *DB) ClaimJob(ctx context.Context, worker string, at time.Time, lease time.Duration) (*rma.Job, error) {
	var enc encoder
	nowText, untilText := enc.Time("now", at), enc.Time("until", at.Add(lease))
	if enc.Err != nil {
		return nil, enc.Err
	}
	var job *rma.Job
	err := db.write(ctx, "claim job", func(tx querier) error {
		job = nil
		for {
			j, err := nextDue(ctx, tx, nowText)
			if err != nil {
				return err
			}
			if j.State == rma.JobRunning && j.Attempts >= j.MaxAttempts {
				// Its last worker died holding it: no attempt is left.
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

// nextDue finds the job to claim: of the queued jobs due and the running
// jobs whose lease lapsed, the first by (run_at, id). The two kinds are
// looked up apart, each a range of its index read to its first row: asked
// in one query with OR, SQLite collects every due job and sorts them all,
// and a backlog of notifications (a recall) would make each claim slower.
func nextDue(ctx context.Context, tx querier, nowText any) (*rma.Job, error) {
	queued, err := scanJob(tx.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs
		WHERE state = 'queued' AND run_at <= $1 ORDER BY run_at, id LIMIT 1`, nowText))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	// Running jobs are few (one per worker): sorting the lapsed ones is cheap.
	lapsed, err := scanJob(tx.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs
		WHERE state = 'running' AND locked_until <= $1 ORDER BY run_at, id LIMIT 1`, nowText))
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
	var enc encoder
	nowText := enc.Time("now", now())
	return db.write(ctx, "complete job", func(tx querier) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'done', locked_by = '', locked_until = NULL, updated = $3
			WHERE id = $1 AND locked_by = $2 AND state = 'running'`, id, worker, nowText)
		return heldBy(res, err, id, worker)
	})
}

// FailJob queues the job again at retryAt, or buries it when its attempts
// are used up.
func (db *DB) FailJob(ctx context.Context, id int64, worker string, msg string, retryAt time.Time) error {
	var enc encoder
	nowText, retryText := enc.Time("now", now()), enc.Time("retry_at", retryAt)
	if enc.Err != nil {
		return enc.Err
	}
	if len(msg) > 2000 {
		msg = msg[:2000]
	}
	return db.write(ctx, "fail job", func(tx querier) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET
			state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
			run_at = $3, last_error = $4, locked_by = '', locked_until = NULL, updated = $5
			WHERE id = $1 AND locked_by = $2 AND state = 'running'`, id, worker, retryText, msg, nowText)
		return heldBy(res, err, id, worker)
	})
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
		return rma.Errorf(rma.EPRECONDITION, "job %d is not held by %s", id, worker)
	}
	return nil
}

// Jobs lists jobs in a state, oldest first.
func (db *DB) Jobs(ctx context.Context, state rma.JobState, limit int) ([]rma.Job, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := pooled{db}.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE state = $1 ORDER BY run_at, id LIMIT $2`, string(state), limit)
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
	rows, err := pooled{db}.QueryContext(ctx, `SELECT state, COUNT(*) FROM jobs GROUP BY state`)
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

// CountRMAsByState counts RMAs per state (the rmadesk_rmas gauge).
func (db *DB) CountRMAsByState(ctx context.Context) (map[rma.State]int, error) {
	rows, err := pooled{db}.QueryContext(ctx, `SELECT state, COUNT(*) FROM rmas GROUP BY state`)
	if err != nil {
		return nil, storeError("count rmas", err)
	}
	defer rows.Close()
	out := map[rma.State]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, storeError("count rmas", err)
		}
		out[rma.State(s)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, storeError("count rmas", err)
	}
	return out, nil
}

// Ready reports whether the database answers and is at the schema this
// binary expects.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.pool.PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	p, err := db.provider()
	if err != nil {
		return err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	if pending {
		return errors.New("migrations pending: run rmadesk migrate")
	}
	return nil
}
