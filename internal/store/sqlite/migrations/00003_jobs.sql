-- Durable background work (rma.Job). Jobs caused by a change of state are
-- inserted in the change's transaction. A job is claimed by leasing it:
-- state 'running' with locked_until in the future; a lease that lapses
-- (its worker died) lets another worker take it.

-- +goose Up
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    rma_id       BIGINT  REFERENCES rmas (id),
    payload      TEXT    NOT NULL DEFAULT '{}',
    run_at       TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    last_error   TEXT    NOT NULL DEFAULT '',
    locked_by    TEXT    NOT NULL DEFAULT '',
    locked_until TEXT,
    created      TEXT    NOT NULL,
    updated      TEXT    NOT NULL
);
-- The claim looks for queued jobs due and running jobs whose lease lapsed.
CREATE INDEX jobs_due ON jobs (state, run_at, id);
CREATE INDEX jobs_lease ON jobs (state, locked_until);
CREATE INDEX jobs_rma ON jobs (rma_id);

-- +goose Down
DROP TABLE jobs;
