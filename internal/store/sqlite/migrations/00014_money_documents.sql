-- Credit notes and invoices (rma.MoneyDocument): one of each kind per RMA
-- at most, numbered in its kind's own sequence per year (CN-2026-00001,
-- INV-2026-00001; the counters are rows of sequences). A document covers
-- the ledger entries made up to its time "at", so a later charge never
-- changes a document already given out under its number.

-- +goose Up
CREATE TABLE money_documents (
    id      INTEGER PRIMARY KEY,
    rma_id  INTEGER NOT NULL REFERENCES rmas(id),
    kind    TEXT    NOT NULL CHECK (kind IN ('credit_note', 'invoice')),
    number  TEXT    NOT NULL UNIQUE,
    issued  TEXT    NOT NULL,
    at      TEXT    NOT NULL,
    UNIQUE (rma_id, kind)
);

-- +goose Down
DROP TABLE money_documents;
