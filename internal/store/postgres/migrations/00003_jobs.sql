-- Durable background work (rma.Job), as
-- internal/store/sqlite/migrations/00003_jobs.sql. Jobs caused by a change
-- of state are inserted in the change's transaction. A job is claimed by
-- leasing it: state 'running' with locked_until in the future; a lease that
-- lapses (its worker died) lets another worker take it. Several instances
-- claim from one table at once: the claim selects FOR UPDATE SKIP LOCKED,
-- so each passes over the rows another claim holds instead of waiting.

-- +goose Up
CREATE TABLE jobs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT COLLATE "C" NOT NULL,
    rma_id       BIGINT REFERENCES rmas (id),
    payload      TEXT COLLATE "C" NOT NULL DEFAULT '{}', -- JSON text, not JSONB: read back exactly as written
    run_at       TEXT COLLATE "C" NOT NULL,
    state        TEXT COLLATE "C" NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    last_error   TEXT COLLATE "C" NOT NULL DEFAULT '',
    locked_by    TEXT COLLATE "C" NOT NULL DEFAULT '',
    locked_until TEXT COLLATE "C",
    created      TEXT COLLATE "C" NOT NULL,
    updated      TEXT COLLATE "C" NOT NULL
);
-- The claim looks for queued jobs due and running jobs whose lease lapsed.
CREATE INDEX jobs_due ON jobs (state, run_at, id);
CREATE INDEX jobs_lease ON jobs (state, locked_until);
CREATE INDEX jobs_rma ON jobs (rma_id);

-- +goose Down
DROP TABLE jobs;
