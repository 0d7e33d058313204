-- The first schema of the desk's records: the PostgreSQL twin of
-- internal/store/sqlite/migrations/00001_schema.sql. The two keep the same
-- tables, columns and version numbers; where they differ, it is for
-- PostgreSQL's sake and says why:
--
--   - ids are BIGINT GENERATED ALWAYS AS IDENTITY (SQLite: the row id);
--   - every whole number is BIGINT, because Go's int is 64 bits and SQLite's
--     INTEGER is too (PostgreSQL's INTEGER is 32);
--   - every TEXT column is COLLATE "C": SQLite compares text by its bytes,
--     and so does "C", whatever the database's default collation is. The
--     store relies on it: timestamps and dates are ordered and compared as
--     text, and search is a range of terms in code point order (see
--     search_terms below). A linguistic collation (en_US) ignores
--     punctuation at first, so it would put "px2z" inside the range of
--     "px-2".
--
-- Timestamps are TEXT in RFC 3339, UTC, with nine fixed digits of
-- fractional second ("2026-04-01T09:30:00.000000000Z"), as in SQLite, so
-- that both stores keep nanoseconds and a value reads back as the same Go
-- time; with fixed width and the C collation, text order is time order.
-- Dates are TEXT "YYYY-MM-DD". A missing time or date is NULL, so "open
-- deadline" is "met IS NULL".

-- +goose Up
CREATE TABLE orgs (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name     TEXT COLLATE "C" NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL UNIQUE, -- lower-cased name: "Dexxon" and "dexxon" are one organisation
    is_desk  BOOLEAN NOT NULL DEFAULT FALSE,
    role     TEXT COLLATE "C" NOT NULL DEFAULT '',
    country  TEXT COLLATE "C" NOT NULL DEFAULT '',
    email    TEXT COLLATE "C" NOT NULL DEFAULT '',
    created  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        BIGINT NOT NULL REFERENCES orgs (id),
    email         TEXT COLLATE "C" NOT NULL,
    email_key     TEXT COLLATE "C" NOT NULL UNIQUE, -- lower-cased email: people type it in any case
    name          TEXT COLLATE "C" NOT NULL DEFAULT '',
    role          TEXT COLLATE "C" NOT NULL,
    password_hash TEXT COLLATE "C" NOT NULL DEFAULT '',
    created       TEXT COLLATE "C" NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE api_keys (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id  BIGINT NOT NULL REFERENCES orgs (id),
    user_id BIGINT REFERENCES users (id), -- NULL: a key of the organisation, not of a person
    role    TEXT COLLATE "C" NOT NULL,
    prefix  TEXT COLLATE "C" NOT NULL UNIQUE, -- unique even among revoked keys, so a prefix names one key forever
    hash    TEXT COLLATE "C" NOT NULL,
    name    TEXT COLLATE "C" NOT NULL DEFAULT '',
    created TEXT COLLATE "C" NOT NULL,
    revoked TEXT COLLATE "C"
);
CREATE INDEX api_keys_org ON api_keys (org_id);

CREATE TABLE rmas (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES orgs (id),
    number          TEXT COLLATE "C" UNIQUE, -- NULL until authorized; unique indexes allow many NULLs
    number_expires  TEXT COLLATE "C",
    reference       TEXT COLLATE "C" NOT NULL DEFAULT '',
    policy_id       TEXT COLLATE "C" NOT NULL DEFAULT '',
    policy_version  TEXT COLLATE "C" NOT NULL DEFAULT '',
    kind            TEXT COLLATE "C" NOT NULL,
    state           TEXT COLLATE "C" NOT NULL,
    verdict         TEXT COLLATE "C" NOT NULL,
    route           TEXT COLLATE "C" NOT NULL,
    resolution      TEXT COLLATE "C" NOT NULL DEFAULT '',
    outcome         TEXT COLLATE "C" NOT NULL DEFAULT '',
    reason          TEXT COLLATE "C" NOT NULL DEFAULT '',
    referred_to     TEXT COLLATE "C" NOT NULL DEFAULT '',
    location        TEXT COLLATE "C" NOT NULL DEFAULT '',
    no_substitute   BOOLEAN NOT NULL DEFAULT FALSE,
    reported        TEXT COLLATE "C",
    version         BIGINT NOT NULL, -- optimistic concurrency: SaveRMA updates only the version it read
    created         TEXT COLLATE "C" NOT NULL,
    updated         TEXT COLLATE "C" NOT NULL,
    idempotency_key TEXT COLLATE "C", -- NULL when the client sent none
    -- CreateRMA inserts ON CONFLICT (org_id, idempotency_key) DO NOTHING:
    -- of two submissions with one key, the second waits for the first to
    -- commit and then inserts nothing, whatever their timing.
    CONSTRAINT rmas_idempotency_key UNIQUE (org_id, idempotency_key)
);
-- Lists are newest first with (created, id) as the keyset; the desk's view
-- spans every organisation, a requester's view one, and work queues one state.
CREATE INDEX rmas_created ON rmas (created, id);
CREATE INDEX rmas_org_created ON rmas (org_id, created, id);
CREATE INDEX rmas_state_created ON rmas (state, created, id);

CREATE TABLE rma_lines (
    id                       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rma_id                   BIGINT NOT NULL REFERENCES rmas (id),
    line_no                  BIGINT NOT NULL,
    claim                    TEXT COLLATE "C", -- the claim in its JSON contract; NULL for no claim
    serial                   TEXT COLLATE "C" NOT NULL DEFAULT '', -- the claim's serial, copied out to be indexed
    model                    TEXT COLLATE "C" NOT NULL DEFAULT '', -- the claim's model
    quantity                 BIGINT NOT NULL DEFAULT 0,
    fault                    TEXT COLLATE "C" NOT NULL DEFAULT '',
    price_cents              BIGINT NOT NULL DEFAULT 0,
    price_currency           TEXT COLLATE "C" NOT NULL DEFAULT '',
    decision                 TEXT COLLATE "C" NOT NULL, -- the engine's decision as JSON
    received_serial          TEXT COLLATE "C" NOT NULL DEFAULT '',
    received_model           TEXT COLLATE "C" NOT NULL DEFAULT '',
    serial_mismatch          BOOLEAN NOT NULL DEFAULT FALSE,
    missing_accessories      TEXT COLLATE "C", -- JSON array of strings
    enclosed_documents       TEXT COLLATE "C", -- JSON array of policy document names
    finding                  TEXT COLLATE "C" NOT NULL DEFAULT '',
    finding_condition        TEXT COLLATE "C" NOT NULL DEFAULT '',
    evaluation_notes         TEXT COLLATE "C" NOT NULL DEFAULT '',
    replacement_serial       TEXT COLLATE "C" NOT NULL DEFAULT '',
    replacement_model        TEXT COLLATE "C" NOT NULL DEFAULT '',
    replacement_grade        TEXT COLLATE "C" NOT NULL DEFAULT '',
    replacement_warranty_end TEXT COLLATE "C",
    UNIQUE (rma_id, line_no)
);
-- A unit's history is found by serial: as claimed, as received, or as the replacement sent.
CREATE INDEX rma_lines_serial ON rma_lines (serial);
CREATE INDEX rma_lines_received_serial ON rma_lines (received_serial);
CREATE INDEX rma_lines_replacement_serial ON rma_lines (replacement_serial);

-- Every number issued: a reissue keeps the old one, and a parcel may still
-- arrive with it.
CREATE TABLE rma_numbers (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rma_id     BIGINT NOT NULL REFERENCES rmas (id),
    position   BIGINT NOT NULL, -- order of issue: the current number is last
    number     TEXT COLLATE "C" NOT NULL UNIQUE,
    issued     TEXT COLLATE "C",
    expires    TEXT COLLATE "C",
    is_current BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX rma_numbers_rma ON rma_numbers (rma_id, position);

CREATE TABLE deadlines (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rma_id      BIGINT NOT NULL REFERENCES rmas (id),
    position    BIGINT NOT NULL,
    name        TEXT COLLATE "C" NOT NULL DEFAULT '',
    owner       TEXT COLLATE "C" NOT NULL DEFAULT '',
    due         TEXT COLLATE "C",
    met         TEXT COLLATE "C", -- NULL while open
    clause      TEXT COLLATE "C" NOT NULL DEFAULT '',
    description TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX deadlines_rma ON deadlines (rma_id, position);
-- "Open and past due": met IS NULL AND due < today is one range of this
-- index, which also holds the RMA, so the overdue filter never reads the table.
CREATE INDEX deadlines_open ON deadlines (met, due, rma_id);

CREATE TABLE charges (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rma_id       BIGINT NOT NULL REFERENCES rmas (id),
    line_no      BIGINT NOT NULL DEFAULT 0,
    kind         TEXT COLLATE "C" NOT NULL DEFAULT '',
    basis        TEXT COLLATE "C" NOT NULL DEFAULT '',
    description  TEXT COLLATE "C" NOT NULL DEFAULT '',
    quantity     DOUBLE PRECISION NOT NULL DEFAULT 0,
    amount_cents BIGINT NOT NULL DEFAULT 0,
    currency     TEXT COLLATE "C" NOT NULL DEFAULT '',
    clause       TEXT COLLATE "C" NOT NULL DEFAULT '',
    created      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX charges_rma ON charges (rma_id);

CREATE TABLE documents (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rma_id       BIGINT NOT NULL REFERENCES rmas (id),
    line_no      BIGINT NOT NULL DEFAULT 0,
    kind         TEXT COLLATE "C" NOT NULL DEFAULT '',
    filename     TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_type TEXT COLLATE "C" NOT NULL DEFAULT '',
    size         BIGINT NOT NULL DEFAULT 0,
    sha256       TEXT COLLATE "C" NOT NULL DEFAULT '',
    path         TEXT COLLATE "C" NOT NULL DEFAULT '',
    uploaded_by  TEXT COLLATE "C" NOT NULL DEFAULT '',
    created      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX documents_rma ON documents (rma_id);

CREATE TABLE messages (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rma_id    BIGINT NOT NULL REFERENCES rmas (id),
    author    TEXT COLLATE "C" NOT NULL DEFAULT '',
    from_desk BOOLEAN NOT NULL DEFAULT FALSE,
    body      TEXT COLLATE "C" NOT NULL DEFAULT '',
    created   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX messages_rma ON messages (rma_id);

-- The append-only history. (rma_id, seq) is unique, so two writers can
-- never both append event 5; the store also locks the RMA's row before it
-- appends, so that they queue instead of one failing.
CREATE TABLE events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rma_id     BIGINT NOT NULL REFERENCES rmas (id),
    seq        BIGINT NOT NULL,
    at         TEXT COLLATE "C" NOT NULL,
    actor      TEXT COLLATE "C" NOT NULL DEFAULT '',
    action     TEXT COLLATE "C" NOT NULL DEFAULT '',
    from_state TEXT COLLATE "C" NOT NULL DEFAULT '',
    to_state   TEXT COLLATE "C" NOT NULL DEFAULT '',
    details    TEXT COLLATE "C", -- JSON object; NULL for none
    UNIQUE (rma_id, seq)
);

-- Named counters (RMA numbers per year). value is the last one issued.
CREATE TABLE sequences (
    name  TEXT COLLATE "C" PRIMARY KEY,
    value BIGINT NOT NULL
);

-- Lower-cased RMA numbers, serials and models, so a search for a prefix is
-- a range scan of the primary key (term >= 'px-2' AND term < 'px-3'), not
-- a LIKE '%px-2%' over every line. Rebuilt with each save of the RMA.
-- The range is "starts with" only in code point order, which is byte
-- order for UTF-8: the C collation.
CREATE TABLE search_terms (
    term   TEXT COLLATE "C" NOT NULL,
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
