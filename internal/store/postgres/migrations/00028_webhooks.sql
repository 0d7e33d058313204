-- The PostgreSQL twin of internal/store/sqlite/migrations/00029_webhooks.sql.
-- Webhooks (issue 17, internal/webhook). An endpoint belongs to an
-- organisation: the desk's hears every RMA, a requester's its own. The
-- outbox holds (rma_id, seq) of every event appended, written in the
-- event's own statement, until the dispatcher fans it out to deliveries,
-- one per endpoint and event (UNIQUE: a fan-out run twice delivers once).
-- Attempts are the endpoint's delivery log.

-- +goose Up
CREATE TABLE webhook_endpoints (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          BIGINT  NOT NULL REFERENCES orgs (id),
    url             TEXT COLLATE "C"    NOT NULL,
    description     TEXT COLLATE "C"    NOT NULL DEFAULT '',
    event_types     TEXT COLLATE "C"    NOT NULL DEFAULT '[]', -- JSON array; empty: every type the organisation may hear
    secret          TEXT COLLATE "C"    NOT NULL,
    previous_secret TEXT COLLATE "C"    NOT NULL DEFAULT '',
    previous_until  TEXT COLLATE "C",
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    disabled_reason TEXT COLLATE "C"    NOT NULL DEFAULT '',
    failing_since   TEXT COLLATE "C",
    created         TEXT COLLATE "C"    NOT NULL,
    updated         TEXT COLLATE "C"    NOT NULL
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id, id);

CREATE TABLE webhook_outbox (
    rma_id BIGINT  NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (rma_id, seq)
);

CREATE TABLE webhook_deliveries (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id BIGINT  NOT NULL REFERENCES webhook_endpoints (id),
    event_id    BIGINT  NOT NULL,
    message_id  TEXT COLLATE "C"    NOT NULL,
    type        TEXT COLLATE "C"    NOT NULL,
    body        TEXT COLLATE "C"    NOT NULL,
    state       TEXT COLLATE "C"    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TEXT COLLATE "C"    NOT NULL,
    locked_by   TEXT COLLATE "C"    NOT NULL DEFAULT '',
    last_status INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT COLLATE "C"    NOT NULL DEFAULT '',
    created     TEXT COLLATE "C"    NOT NULL,
    updated     TEXT COLLATE "C"    NOT NULL,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id BIGINT  NOT NULL REFERENCES webhook_deliveries (id),
    endpoint_id BIGINT  NOT NULL,
    attempt     INTEGER NOT NULL,
    at          TEXT COLLATE "C"    NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0,
    latency_ms  BIGINT  NOT NULL DEFAULT 0,
    response    TEXT COLLATE "C"    NOT NULL DEFAULT '',
    error       TEXT COLLATE "C"    NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_outbox;
DROP TABLE webhook_endpoints;
