-- Credit notes and invoices: the PostgreSQL twin of
-- internal/store/sqlite/migrations/00014_money_documents.sql (which says
-- why), with TEXT COLLATE "C" as everywhere here.

-- +goose Up
CREATE TABLE money_documents (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rma_id  BIGINT NOT NULL REFERENCES rmas(id),
    kind    TEXT COLLATE "C" NOT NULL CHECK (kind IN ('credit_note', 'invoice')),
    number  TEXT COLLATE "C" NOT NULL UNIQUE,
    issued  TEXT COLLATE "C" NOT NULL,
    at      TEXT COLLATE "C" NOT NULL,
    UNIQUE (rma_id, kind)
);

-- +goose Down
DROP TABLE money_documents;
