package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// The admin's job queue (issue 15): the queued jobs split by whether they
// failed, and a job sent back to run now. See rma.JobQueueStore.

var _ rma.JobQueueStore = (*Store)(nil)

// QueuedJobs lists queued jobs that failed (last_error set) or never did.
func (st *Store) QueuedJobs(ctx context.Context, failed bool, limit int) ([]rma.Job, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	cond := `last_error = ''`
	if failed {
		cond = `last_error <> ''`
	}
	rows, err := st.pool().QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE state = 'queued' AND `+cond+` ORDER BY run_at, id LIMIT $1`, limit)
	if err != nil {
		return nil, st.storeError("queued jobs", err)
	}
	defer rows.Close()
	var out []rma.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, st.storeError("queued jobs", err)
		}
		out = append(out, *j)
	}
	if err := rows.Err(); err != nil {
		return nil, st.storeError("queued jobs", err)
	}
	return out, nil
}

// CountFailedJobs counts the queued jobs waiting for a retry.
func (st *Store) CountFailedJobs(ctx context.Context) (int, error) {
	var n int
	if err := st.pool().QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND last_error <> ''`).Scan(&n); err != nil {
		return 0, st.storeError("count failed jobs", err)
	}
	return n, nil
}

// Job finds one job.
func (st *Store) Job(ctx context.Context, id int64) (*rma.Job, error) {
	j, err := scanJob(st.pool().QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "job %d not found", id)
	}
	if err != nil {
		return nil, st.storeError("job", err)
	}
	return j, nil
}

// RetryJob queues a dead or failed job to run at at, its attempts counted
// afresh (a dead job kept its count, and would be buried again by its
// first failure) and its last error cleared, so it is pending again; the
// caller records the error it had (the audit log). The condition is in the UPDATE, so a worker that claimed
// the job meanwhile keeps it (ECONFLICT).
func (st *Store) RetryJob(ctx context.Context, id int64, at time.Time) (*rma.Job, error) {
	var enc encoder
	atText, nowText := enc.Time("run_at", at), enc.Time("now", now())
	if enc.Err != nil {
		return nil, enc.Err
	}
	var job *rma.Job
	err := st.write(ctx, "retry job", func(q Querier) error {
		j, err := scanJob(q.QueryRowContext(ctx, `UPDATE jobs SET state = 'queued', run_at = $2, attempts = 0, last_error = '',
			locked_by = '', locked_until = NULL, updated = $3
			WHERE id = $1 AND (state = 'dead' OR state = 'queued' AND last_error <> '') RETURNING `+jobColumns, id, atText, nowText))
		if errors.Is(err, sql.ErrNoRows) {
			var state string
			switch err := q.QueryRowContext(ctx, `SELECT state FROM jobs WHERE id = $1`, id).Scan(&state); {
			case errors.Is(err, sql.ErrNoRows):
				return rma.Errorf(rma.ENOTFOUND, "job %d not found", id)
			case err != nil:
				return err
			}
			return rma.Errorf(rma.ECONFLICT, "job %d is %s: only a dead or failed job is retried", id, state)
		}
		job = j
		return err
	})
	if err != nil {
		return nil, err
	}
	return job, nil
}
