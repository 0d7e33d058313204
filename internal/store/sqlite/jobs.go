package sqlite

import (
	"context"
	"encoding/json"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

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
