-- The serial registry (issue 16): the units the desk, or the vendor it
-- works for, sold and shipped, loaded from the ERP, and the replacements
-- the desk itself ships (rma_id, replaces, warranty_end). A unit is found
-- by serial_key (rma.SerialKey: trimmed, ASCII upper case), the table's
-- key, so WITHOUT ROWID: one B-tree, read once per lookup.
--
-- sold_on is the day the unit counts as sold (its invoice date, else its
-- delivery date; NULL for a replacement, which is no sale), written with
-- the row. units_sold_daily is the roll-up of sold units a day and model,
-- moved in the same transaction as every write of units
-- (internal/store/units.go), so counting a year of sales reads a few
-- hundred rows, not a million. Units sold to one organisation are counted
-- through units_sold_to instead: sold_to_key is rma.NameKey(sold_to), as
-- orgs.name_key.
--
-- warranty_check_settings is the public warranty check's one row.
--
-- The same as internal/store/postgres/migrations/00024_units.sql.

-- +goose Up
CREATE TABLE units (
    serial_key   TEXT    NOT NULL PRIMARY KEY,
    serial       TEXT    NOT NULL,
    part_number  TEXT    NOT NULL,
    model        TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    sold_to      TEXT    NOT NULL,
    sold_to_key  TEXT    NOT NULL,
    invoice_date TEXT,
    invoice_no   TEXT    NOT NULL,
    delivered    TEXT,
    manufactured TEXT,
    price_cents  BIGINT  NOT NULL,
    currency     TEXT    NOT NULL,
    policy_id    TEXT    NOT NULL,
    rma_id       BIGINT  REFERENCES rmas (id),
    rma_number   TEXT    NOT NULL,
    replaces     TEXT    NOT NULL,
    replaces_key TEXT    NOT NULL,
    warranty_end TEXT,
    sold_on      TEXT,
    created      TEXT    NOT NULL,
    updated      TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX units_replaces ON units (replaces_key) WHERE replaces_key <> '';
CREATE INDEX units_sold_to ON units (sold_to_key, sold_on, model) WHERE sold_on IS NOT NULL;

CREATE TABLE units_sold_daily (
    day   TEXT   NOT NULL,
    model TEXT   NOT NULL,
    units BIGINT NOT NULL,
    PRIMARY KEY (day, model)
) WITHOUT ROWID;

CREATE TABLE warranty_check_settings (
    id             INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    enabled        BOOLEAN NOT NULL,
    second_factor  TEXT    NOT NULL,
    reveal_unknown BOOLEAN NOT NULL,
    default_policy TEXT    NOT NULL,
    updated        TEXT    NOT NULL
);

-- +goose Down
DROP TABLE warranty_check_settings;
DROP TABLE units_sold_daily;
DROP TABLE units;
