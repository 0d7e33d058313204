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

// insertJobs writes jobs inside a transaction (the change that causes them).
func insertJobs(ctx context.Context, tx *sql.Tx, rmaID int64, jobs []rma.Job) ([]int64, error) {
	ids := make([]int64, 0, len(jobs))
	for i := range jobs {
		j := &jobs[i]
		if j.RMAID == 0 {
			j.RMAID = rmaID
		}
		id, err := insertJob(ctx, tx, j)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

type execQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func insertJob(ctx context.Context, q execQuerier, j *rma.Job) (int64, error) {
	if j.Kind == "" {
		return 0, rma.Invalid("job.kind", "required")
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
		return 0, rma.Invalid("job.payload", "%v", err)
	}
	if j.Payload == nil {
		payload = []byte("{}")
	}
	var enc encoder
	createdText, runText := enc.time("created", created), enc.time("run_at", runAt)
	if enc.err != nil {
		return 0, enc.err
	}
	var id int64
	err = q.QueryRowContext(ctx,
		`INSERT INTO jobs (kind, rma_id, payload, run_at, state, attempts, max_attempts, created, updated)
		 VALUES ($1, $2, $3, $4, 'queued', 0, $5, $6, $6) RETURNING id`,
		j.Kind, nullID(j.RMAID), string(payload), runText, max, createdText).Scan(&id)
	if err != nil {
		return 0, err
	}
	j.ID, j.State, j.RunAt, j.MaxAttempts, j.Created, j.Updated = id, rma.JobQueued, runAt.UTC(), max, created.UTC(), created.UTC()
	return id, nil
}

// EnqueueJob stores a job that no change of state causes.
func (db *DB) EnqueueJob(ctx context.Context, j *rma.Job) error {
	if j == nil {
		return rma.Invalid("job", "missing")
	}
	return db.write(ctx, "enqueue job", func(tx *sql.Tx) error {
		_, err := insertJob(ctx, tx, j)
		return err
	})
}

// ClaimJob leases the next due job. SQLite runs one write transaction at a
// time, so the select and the update cannot interleave with another claim.
func (db *DB) ClaimJob(ctx context.Context, worker string, at time.Time, lease time.Duration) (*rma.Job, error) {
	var enc encoder
	nowText, untilText := enc.time("now", at), enc.time("until", at.Add(lease))
	if enc.err != nil {
		return nil, enc.err
	}
	var job *rma.Job
	err := db.write(ctx, "claim job", func(tx *sql.Tx) error {
		for {
			row := tx.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs
				WHERE (state = 'queued' AND run_at <= $1) OR (state = 'running' AND locked_until <= $1)
				ORDER BY run_at, id LIMIT 1`, nowText)
			j, err := scanJob(row)
			if errors.Is(err, sql.ErrNoRows) {
				return rma.Errorf(rma.ENOTFOUND, "no job due")
			}
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

// CompleteJob marks a job done if worker still holds it.
func (db *DB) CompleteJob(ctx context.Context, id int64, worker string) error {
	var enc encoder
	nowText := enc.time("now", now())
	return db.write(ctx, "complete job", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'done', locked_by = '', locked_until = NULL, updated = $3
			WHERE id = $1 AND locked_by = $2 AND state = 'running'`, id, worker, nowText)
		return heldBy(res, err, id, worker)
	})
}

// FailJob queues the job again at retryAt, or buries it when its attempts
// are used up.
func (db *DB) FailJob(ctx context.Context, id int64, worker string, msg string, retryAt time.Time) error {
	var enc encoder
	nowText, retryText := enc.time("now", now()), enc.time("retry_at", retryAt)
	if enc.err != nil {
		return enc.err
	}
	if len(msg) > 2000 {
		msg = msg[:2000]
	}
	return db.write(ctx, "fail job", func(tx *sql.Tx) error {
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
	j.RunAt = dec.time("run_at", sql.NullString{String: runAt, Valid: true})
	j.LockedUntil = dec.time("locked_until", lockedUntil)
	j.Created = dec.time("created", sql.NullString{String: created, Valid: true})
	j.Updated = dec.time("updated", sql.NullString{String: updated, Valid: true})
	return &j, dec.err
}

// CountRMAsByState counts RMAs per state (the rmadesk_rmas gauge).
func (db *DB) CountRMAsByState(ctx context.Context) (map[rma.State]int, error) {
	rows, err := db.pool.QueryContext(ctx, `SELECT state, COUNT(*) FROM rmas GROUP BY state`)
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
