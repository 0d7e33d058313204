-- The serial registry: the PostgreSQL twin of
-- internal/store/sqlite/migrations/00025_units.sql (which says why), with
-- TEXT COLLATE "C" as everywhere here.

-- +goose Up
CREATE TABLE units (
    serial_key   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    serial       TEXT COLLATE "C" NOT NULL,
    part_number  TEXT COLLATE "C" NOT NULL,
    model        TEXT COLLATE "C" NOT NULL,
    category     TEXT COLLATE "C" NOT NULL,
    sold_to      TEXT COLLATE "C" NOT NULL,
    sold_to_key  TEXT COLLATE "C" NOT NULL,
    invoice_date TEXT COLLATE "C",
    invoice_no   TEXT COLLATE "C" NOT NULL,
    delivered    TEXT COLLATE "C",
    manufactured TEXT COLLATE "C",
    price_cents  BIGINT NOT NULL,
    currency     TEXT COLLATE "C" NOT NULL,
    policy_id    TEXT COLLATE "C" NOT NULL,
    rma_id       BIGINT REFERENCES rmas (id),
    rma_number   TEXT COLLATE "C" NOT NULL,
    replaces     TEXT COLLATE "C" NOT NULL,
    replaces_key TEXT COLLATE "C" NOT NULL,
    warranty_end TEXT COLLATE "C",
    sold_on      TEXT COLLATE "C",
    created      TEXT COLLATE "C" NOT NULL,
    updated      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX units_replaces ON units (replaces_key) WHERE replaces_key <> '';
CREATE INDEX units_sold_to ON units (sold_to_key, sold_on, model) WHERE sold_on IS NOT NULL;

CREATE TABLE units_sold_daily (
    day   TEXT COLLATE "C" NOT NULL,
    model TEXT COLLATE "C" NOT NULL,
    units BIGINT NOT NULL,
    PRIMARY KEY (day, model)
);

CREATE TABLE warranty_check_settings (
    id             INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    enabled        BOOLEAN NOT NULL,
    second_factor  TEXT COLLATE "C" NOT NULL,
    reveal_unknown BOOLEAN NOT NULL,
    default_policy TEXT COLLATE "C" NOT NULL,
    updated        TEXT COLLATE "C" NOT NULL
);

-- +goose Down
DROP TABLE warranty_check_settings;
DROP TABLE units_sold_daily;
DROP TABLE units;
