-- Responses to POST requests sent with an Idempotency-Key, so a retry gets
-- the first answer instead of doing the work twice. Submissions have their
-- own atomic guard (rmas.idempotency_key); this covers every other POST.
-- As internal/store/sqlite/migrations/00002_idempotency.sql, with the body
-- as BYTEA (SQLite: BLOB): it is kept byte for byte, whatever it holds.

-- +goose Up
CREATE TABLE idempotency_responses (
    org_id       BIGINT NOT NULL REFERENCES orgs (id),
    key          TEXT COLLATE "C" NOT NULL,
    method       TEXT COLLATE "C" NOT NULL,
    path         TEXT COLLATE "C" NOT NULL,
    request_hash TEXT COLLATE "C" NOT NULL,
    status       BIGINT NOT NULL,
    content_type TEXT COLLATE "C" NOT NULL,
    body         BYTEA NOT NULL,
    created      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (org_id, key)
);

-- +goose Down
DROP TABLE idempotency_responses;
