-- +goose Up
-- The PostgreSQL twin of internal/store/sqlite/migrations/00009_suppliers.sql
-- (which says why), with identity ids, BIGINT and TEXT COLLATE "C" as
-- everywhere here.
--
-- Issue 12: the desk's suppliers and the RMAs it sends them (supplier steps).
--
-- A supplier is an organisation whose role is 'supplier'; its name,
-- country, RMA contact (email) and postal address are the organisation's.
-- What only a supplier has is kept beside it.
CREATE TABLE suppliers (
    org_id        BIGINT  NOT NULL PRIMARY KEY REFERENCES orgs (id),
    policy_id     TEXT COLLATE "C"  NOT NULL DEFAULT '', -- the pack it applies, to predict its verdict; '' for none
    claim_role    TEXT COLLATE "C"  NOT NULL DEFAULT '', -- the desk's role in the supplier's eyes
    response_days BIGINT NOT NULL DEFAULT 0   -- how long it takes to answer: a supplier RMA's due day
);

-- One return to a supplier: lines of one or several RMAs in one shipment.
-- Its state follows from shipped and its lines' verdicts, so it has no column.
CREATE TABLE supplier_rmas (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    supplier_id BIGINT NOT NULL REFERENCES suppliers (org_id),
    number      TEXT COLLATE "C" NOT NULL UNIQUE, -- the desk's own, SUP-26-00012
    reference   TEXT COLLATE "C" NOT NULL DEFAULT '', -- the supplier's
    due         TEXT COLLATE "C",
    carrier     TEXT COLLATE "C" NOT NULL DEFAULT '',
    tracking    TEXT COLLATE "C" NOT NULL DEFAULT '',
    shipped     TEXT COLLATE "C",
    note        TEXT COLLATE "C" NOT NULL DEFAULT '',
    version     BIGINT NOT NULL, -- optimistic concurrency, as rmas.version
    created     TEXT COLLATE "C" NOT NULL,
    updated     TEXT COLLATE "C" NOT NULL
);
CREATE INDEX supplier_rmas_supplier ON supplier_rmas (supplier_id, id);

-- A line of one of the desk's RMAs in a supplier RMA, with the supplier's
-- verdict once given. Credits are the desk's recovery, kept apart from the
-- requester's ledger (charges); positive amounts both ways.
CREATE TABLE supplier_rma_lines (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    supplier_rma_id    BIGINT  NOT NULL REFERENCES supplier_rmas (id),
    position           BIGINT NOT NULL,
    rma_id             BIGINT  NOT NULL REFERENCES rmas (id),
    line_no            BIGINT NOT NULL,
    verdict            TEXT COLLATE "C"  NOT NULL DEFAULT '', -- '' while pending, covered, not_covered
    remedy             TEXT COLLATE "C"  NOT NULL DEFAULT '',
    replacement_serial TEXT COLLATE "C"  NOT NULL DEFAULT '',
    credit_cents       BIGINT  NOT NULL DEFAULT 0,
    credit_currency    TEXT COLLATE "C"  NOT NULL DEFAULT '',
    charge_cents       BIGINT  NOT NULL DEFAULT 0,
    charge_currency    TEXT COLLATE "C"  NOT NULL DEFAULT '',
    notes              TEXT COLLATE "C"  NOT NULL DEFAULT '',
    decided            TEXT COLLATE "C",
    UNIQUE (supplier_rma_id, rma_id, line_no)
);
-- Every load of an RMA reads its supplier lines.
CREATE INDEX supplier_rma_lines_rma ON supplier_rma_lines (rma_id);

-- A supplier RMA's own append-only history, as events is an RMA's.
CREATE TABLE supplier_events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    supplier_rma_id BIGINT  NOT NULL REFERENCES supplier_rmas (id),
    seq             BIGINT NOT NULL,
    at              TEXT COLLATE "C"  NOT NULL,
    actor           TEXT COLLATE "C"  NOT NULL DEFAULT '',
    action          TEXT COLLATE "C"  NOT NULL DEFAULT '',
    details         TEXT COLLATE "C", -- JSON object; NULL for none
    UNIQUE (supplier_rma_id, seq)
);

-- +goose Down
DROP TABLE supplier_events;
DROP TABLE supplier_rma_lines;
DROP TABLE supplier_rmas;
DROP TABLE suppliers;
