-- Responses to POST requests sent with an Idempotency-Key, so a retry gets
-- the first answer instead of doing the work twice. Submissions have their
-- own atomic guard (rmas.idempotency_key); this covers every other POST.

-- +goose Up
CREATE TABLE idempotency_responses (
    org_id       BIGINT  NOT NULL REFERENCES orgs (id),
    key          TEXT    NOT NULL,
    method       TEXT    NOT NULL,
    path         TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    status       INTEGER NOT NULL,
    content_type TEXT    NOT NULL,
    body         BLOB    NOT NULL,
    created      TEXT    NOT NULL,
    PRIMARY KEY (org_id, key)
);

-- +goose Down
DROP TABLE idempotency_responses;
