-- Webhooks (issue 17, internal/webhook). An endpoint belongs to an
-- organisation: the desk's hears every RMA, a requester's its own. The
-- outbox holds (rma_id, seq) of every event appended, written in the
-- event's own statement, until the dispatcher fans it out to deliveries,
-- one per endpoint and event (UNIQUE: a fan-out run twice delivers once).
-- Attempts are the endpoint's delivery log.

-- +goose Up
CREATE TABLE webhook_endpoints (
    id              INTEGER PRIMARY KEY,
    org_id          BIGINT  NOT NULL REFERENCES orgs (id),
    url             TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    event_types     TEXT    NOT NULL DEFAULT '[]', -- JSON array; empty: every type the organisation may hear
    secret          TEXT    NOT NULL,
    previous_secret TEXT    NOT NULL DEFAULT '',
    previous_until  TEXT,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    disabled_reason TEXT    NOT NULL DEFAULT '',
    failing_since   TEXT,
    created         TEXT    NOT NULL,
    updated         TEXT    NOT NULL
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id, id);

CREATE TABLE webhook_outbox (
    rma_id BIGINT  NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (rma_id, seq)
) WITHOUT ROWID;

CREATE TABLE webhook_deliveries (
    id          INTEGER PRIMARY KEY,
    endpoint_id BIGINT  NOT NULL REFERENCES webhook_endpoints (id),
    event_id    BIGINT  NOT NULL,
    message_id  TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TEXT    NOT NULL,
    locked_by   TEXT    NOT NULL DEFAULT '',
    last_status INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT    NOT NULL DEFAULT '',
    created     TEXT    NOT NULL,
    updated     TEXT    NOT NULL,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY,
    delivery_id BIGINT  NOT NULL REFERENCES webhook_deliveries (id),
    endpoint_id BIGINT  NOT NULL,
    attempt     INTEGER NOT NULL,
    at          TEXT    NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0,
    latency_ms  BIGINT  NOT NULL DEFAULT 0,
    response    TEXT    NOT NULL DEFAULT '',
    error       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_outbox;
DROP TABLE webhook_endpoints;
