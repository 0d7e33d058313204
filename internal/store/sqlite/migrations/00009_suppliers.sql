-- +goose Up
-- Issue 12: the desk's suppliers and the RMAs it sends them (supplier steps).
--
-- A supplier is an organisation whose role is 'supplier'; its name,
-- country, RMA contact (email) and postal address are the organisation's.
-- What only a supplier has is kept beside it.
CREATE TABLE suppliers (
    org_id        BIGINT  NOT NULL PRIMARY KEY REFERENCES orgs (id),
    policy_id     TEXT    NOT NULL DEFAULT '', -- the pack it applies, to predict its verdict; '' for none
    claim_role    TEXT    NOT NULL DEFAULT '', -- the desk's role in the supplier's eyes
    response_days INTEGER NOT NULL DEFAULT 0   -- how long it takes to answer: a supplier RMA's due day
);

-- One return to a supplier: lines of one or several RMAs in one shipment.
-- Its state follows from shipped and its lines' verdicts, so it has no column.
CREATE TABLE supplier_rmas (
    id          INTEGER PRIMARY KEY,
    supplier_id BIGINT NOT NULL REFERENCES suppliers (org_id),
    number      TEXT   NOT NULL UNIQUE, -- the desk's own, SUP-26-00012
    reference   TEXT   NOT NULL DEFAULT '', -- the supplier's
    due         TEXT,
    carrier     TEXT   NOT NULL DEFAULT '',
    tracking    TEXT   NOT NULL DEFAULT '',
    shipped     TEXT,
    note        TEXT   NOT NULL DEFAULT '',
    version     BIGINT NOT NULL, -- optimistic concurrency, as rmas.version
    created     TEXT   NOT NULL,
    updated     TEXT   NOT NULL
);
CREATE INDEX supplier_rmas_supplier ON supplier_rmas (supplier_id, id);

-- A line of one of the desk's RMAs in a supplier RMA, with the supplier's
-- verdict once given. Credits are the desk's recovery, kept apart from the
-- requester's ledger (charges); positive amounts both ways.
CREATE TABLE supplier_rma_lines (
    id                 INTEGER PRIMARY KEY,
    supplier_rma_id    BIGINT  NOT NULL REFERENCES supplier_rmas (id),
    position           INTEGER NOT NULL,
    rma_id             BIGINT  NOT NULL REFERENCES rmas (id),
    line_no            INTEGER NOT NULL,
    verdict            TEXT    NOT NULL DEFAULT '', -- '' while pending, covered, not_covered
    remedy             TEXT    NOT NULL DEFAULT '',
    replacement_serial TEXT    NOT NULL DEFAULT '',
    credit_cents       BIGINT  NOT NULL DEFAULT 0,
    credit_currency    TEXT    NOT NULL DEFAULT '',
    charge_cents       BIGINT  NOT NULL DEFAULT 0,
    charge_currency    TEXT    NOT NULL DEFAULT '',
    notes              TEXT    NOT NULL DEFAULT '',
    decided            TEXT,
    UNIQUE (supplier_rma_id, rma_id, line_no)
);
-- Every load of an RMA reads its supplier lines.
CREATE INDEX supplier_rma_lines_rma ON supplier_rma_lines (rma_id);

-- A supplier RMA's own append-only history, as events is an RMA's.
CREATE TABLE supplier_events (
    id              INTEGER PRIMARY KEY,
    supplier_rma_id BIGINT  NOT NULL REFERENCES supplier_rmas (id),
    seq             INTEGER NOT NULL,
    at              TEXT    NOT NULL,
    actor           TEXT    NOT NULL DEFAULT '',
    action          TEXT    NOT NULL DEFAULT '',
    details         TEXT, -- JSON object; NULL for none
    UNIQUE (supplier_rma_id, seq)
);

-- +goose Down
DROP TABLE supplier_events;
DROP TABLE supplier_rma_lines;
DROP TABLE supplier_rmas;
DROP TABLE suppliers;
