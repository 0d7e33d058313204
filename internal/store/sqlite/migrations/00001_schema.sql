-- The first schema of the desk's records.
--
-- Written to run on PostgreSQL too, apart from the id columns: SQLite's
-- "INTEGER PRIMARY KEY" is the row id (PostgreSQL: BIGINT GENERATED ALWAYS
-- AS IDENTITY). Everything else is standard: TEXT, BIGINT, BOOLEAN,
-- DOUBLE PRECISION, and foreign keys everywhere.
--
-- Timestamps are TEXT in RFC 3339, UTC, with nine fixed digits of
-- fractional second ("2026-04-01T09:30:00.000000000Z"), so that they read
-- as what they are and sort as text. Dates are TEXT "YYYY-MM-DD" for the
-- same reason. A missing time or date is NULL, so "open deadline" is
-- "met IS NULL".

-- +goose Up
CREATE TABLE orgs (
    id       INTEGER PRIMARY KEY,
    name     TEXT    NOT NULL,
    name_key TEXT    NOT NULL UNIQUE, -- lower-cased name: "Dexxon" and "dexxon" are one organisation
    is_desk  BOOLEAN NOT NULL DEFAULT FALSE,
    role     TEXT    NOT NULL DEFAULT '',
    country  TEXT    NOT NULL DEFAULT '',
    email    TEXT    NOT NULL DEFAULT '',
    created  TEXT    NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES orgs (id),
    email         TEXT   NOT NULL,
    email_key     TEXT   NOT NULL UNIQUE, -- lower-cased email: people type it in any case
    name          TEXT   NOT NULL DEFAULT '',
    role          TEXT   NOT NULL,
    password_hash TEXT   NOT NULL DEFAULT '',
    created       TEXT   NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE api_keys (
    id      INTEGER PRIMARY KEY,
    org_id  BIGINT NOT NULL REFERENCES orgs (id),
    user_id BIGINT REFERENCES users (id), -- NULL: a key of the organisation, not of a person
    role    TEXT   NOT NULL,
    prefix  TEXT   NOT NULL UNIQUE,       -- unique even among revoked keys, so a prefix names one key forever
    hash    TEXT   NOT NULL,
    name    TEXT   NOT NULL DEFAULT '',
    created TEXT   NOT NULL,
    revoked TEXT
);
CREATE INDEX api_keys_org ON api_keys (org_id);

CREATE TABLE rmas (
    id              INTEGER PRIMARY KEY,
    org_id          BIGINT  NOT NULL REFERENCES orgs (id),
    number          TEXT UNIQUE, -- NULL until authorized; unique indexes allow many NULLs
    number_expires  TEXT,
    reference       TEXT    NOT NULL DEFAULT '',
    policy_id       TEXT    NOT NULL DEFAULT '',
    policy_version  TEXT    NOT NULL DEFAULT '',
    kind            TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    verdict         TEXT    NOT NULL,
    route           TEXT    NOT NULL,
    resolution      TEXT    NOT NULL DEFAULT '',
    outcome         TEXT    NOT NULL DEFAULT '',
    reason          TEXT    NOT NULL DEFAULT '',
    referred_to     TEXT    NOT NULL DEFAULT '',
    location        TEXT    NOT NULL DEFAULT '',
    no_substitute   BOOLEAN NOT NULL DEFAULT FALSE,
    reported        TEXT,
    version         BIGINT  NOT NULL, -- optimistic concurrency: SaveRMA updates only the version it read
    created         TEXT    NOT NULL,
    updated         TEXT    NOT NULL,
    idempotency_key TEXT,             -- NULL when the client sent none
    UNIQUE (org_id, idempotency_key)
);
-- Lists are newest first with (created, id) as the keyset; the desk's view
-- spans every organisation, a requester's view one, and work queues one state.
CREATE INDEX rmas_created ON rmas (created, id);
CREATE INDEX rmas_org_created ON rmas (org_id, created, id);
CREATE INDEX rmas_state_created ON rmas (state, created, id);

CREATE TABLE rma_lines (
    id                       INTEGER PRIMARY KEY,
    rma_id                   BIGINT  NOT NULL REFERENCES rmas (id),
    line_no                  INTEGER NOT NULL,
    claim                    TEXT,   -- the claim in its JSON contract; NULL for no claim
    serial                   TEXT    NOT NULL DEFAULT '', -- the claim's serial, copied out to be indexed
    model                    TEXT    NOT NULL DEFAULT '', -- the claim's model
    quantity                 INTEGER NOT NULL DEFAULT 0,
    fault                    TEXT    NOT NULL DEFAULT '',
    price_cents              BIGINT  NOT NULL DEFAULT 0,
    price_currency           TEXT    NOT NULL DEFAULT '',
    decision                 TEXT    NOT NULL, -- the engine's decision as JSON
    received_serial          TEXT    NOT NULL DEFAULT '',
    received_model           TEXT    NOT NULL DEFAULT '',
    serial_mismatch          BOOLEAN NOT NULL DEFAULT FALSE,
    missing_accessories      TEXT,   -- JSON array of strings
    enclosed_documents       TEXT,   -- JSON array of policy document names
    finding                  TEXT    NOT NULL DEFAULT '',
    finding_condition        TEXT    NOT NULL DEFAULT '',
    evaluation_notes         TEXT    NOT NULL DEFAULT '',
    replacement_serial       TEXT    NOT NULL DEFAULT '',
    replacement_model        TEXT    NOT NULL DEFAULT '',
    replacement_grade        TEXT    NOT NULL DEFAULT '',
    replacement_warranty_end TEXT,
    UNIQUE (rma_id, line_no)
);
-- A unit's history is found by serial: as claimed, as received, or as the replacement sent.
CREATE INDEX rma_lines_serial ON rma_lines (serial);
CREATE INDEX rma_lines_received_serial ON rma_lines (received_serial);
CREATE INDEX rma_lines_replacement_serial ON rma_lines (replacement_serial);

-- Every number issued: a reissue keeps the old one, and a parcel may still
-- arrive with it.
CREATE TABLE rma_numbers (
    id         INTEGER PRIMARY KEY,
    rma_id     BIGINT  NOT NULL REFERENCES rmas (id),
    position   INTEGER NOT NULL, -- order of issue: the current number is last
    number     TEXT    NOT NULL UNIQUE,
    issued     TEXT,
    expires    TEXT,
    is_current BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX rma_numbers_rma ON rma_numbers (rma_id, position);

CREATE TABLE deadlines (
    id          INTEGER PRIMARY KEY,
    rma_id      BIGINT  NOT NULL REFERENCES rmas (id),
    position    INTEGER NOT NULL,
    name        TEXT    NOT NULL DEFAULT '',
    owner       TEXT    NOT NULL DEFAULT '',
    due         TEXT,
    met         TEXT,   -- NULL while open
    clause      TEXT    NOT NULL DEFAULT '',
    description TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX deadlines_rma ON deadlines (rma_id, position);
-- "Open and past due": met IS NULL AND due < today is one range of this
-- index, which also holds the RMA, so the overdue filter never reads the table.
CREATE INDEX deadlines_open ON deadlines (met, due, rma_id);

CREATE TABLE charges (
    id           INTEGER PRIMARY KEY,
    rma_id       BIGINT           NOT NULL REFERENCES rmas (id),
    line_no      INTEGER          NOT NULL DEFAULT 0,
    kind         TEXT             NOT NULL DEFAULT '',
    basis        TEXT             NOT NULL DEFAULT '',
    description  TEXT             NOT NULL DEFAULT '',
    quantity     DOUBLE PRECISION NOT NULL DEFAULT 0,
    amount_cents BIGINT           NOT NULL DEFAULT 0,
    currency     TEXT             NOT NULL DEFAULT '',
    clause       TEXT             NOT NULL DEFAULT '',
    created      TEXT             NOT NULL
);
CREATE INDEX charges_rma ON charges (rma_id);

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    rma_id       BIGINT  NOT NULL REFERENCES rmas (id),
    line_no      INTEGER NOT NULL DEFAULT 0,
    kind         TEXT    NOT NULL DEFAULT '',
    filename     TEXT    NOT NULL DEFAULT '',
    content_type TEXT    NOT NULL DEFAULT '',
    size         BIGINT  NOT NULL DEFAULT 0,
    sha256       TEXT    NOT NULL DEFAULT '',
    path         TEXT    NOT NULL DEFAULT '',
    uploaded_by  TEXT    NOT NULL DEFAULT '',
    created      TEXT    NOT NULL
);
CREATE INDEX documents_rma ON documents (rma_id);

CREATE TABLE messages (
    id        INTEGER PRIMARY KEY,
    rma_id    BIGINT  NOT NULL REFERENCES rmas (id),
    author    TEXT    NOT NULL DEFAULT '',
    from_desk BOOLEAN NOT NULL DEFAULT FALSE,
    body      TEXT    NOT NULL DEFAULT '',
    created   TEXT    NOT NULL
);
CREATE INDEX messages_rma ON messages (rma_id);

-- The append-only history. (rma_id, seq) is unique, so two writers can
-- never both append event 5.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    rma_id     BIGINT  NOT NULL REFERENCES rmas (id),
    seq        INTEGER NOT NULL,
    at         TEXT    NOT NULL,
    actor      TEXT    NOT NULL DEFAULT '',
    action     TEXT    NOT NULL DEFAULT '',
    from_state TEXT    NOT NULL DEFAULT '',
    to_state   TEXT    NOT NULL DEFAULT '',
    details    TEXT,   -- JSON object; NULL for none
    UNIQUE (rma_id, seq)
);

-- Named counters (RMA numbers per year). value is the last one issued.
CREATE TABLE sequences (
    name  TEXT   PRIMARY KEY,
    value BIGINT NOT NULL
);

-- Lower-cased RMA numbers, serials and models, so a search for a prefix is
-- a range scan of the primary key (term >= 'px-2' AND term < 'px-3'), not
-- a LIKE '%px-2%' over every line. Rebuilt with each save of the RMA.
-- The range relies on byte order (SQLite's BINARY collation; on PostgreSQL
-- the column needs COLLATE "C").
CREATE TABLE search_terms (
    term   TEXT   NOT NULL,
    rma_id BIGINT NOT NULL REFERENCES rmas (id),
    PRIMARY KEY (term, rma_id)
);
CREATE INDEX search_terms_rma ON search_terms (rma_id);

-- +goose Down
DROP TABLE search_terms;
DROP TABLE sequences;
DROP TABLE events;
DROP TABLE messages;
DROP TABLE documents;
DROP TABLE charges;
DROP TABLE deadlines;
DROP TABLE rma_numbers;
DROP TABLE rma_lines;
DROP TABLE rmas;
DROP TABLE api_keys;
DROP TABLE users;
DROP TABLE orgs;
