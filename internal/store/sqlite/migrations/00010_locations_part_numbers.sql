-- +goose Up
-- Issue 12: where goods go and who sends them, and part numbers.
--
-- Service locations are the desk's data (an admin keeps them): a code the
-- policies' location rules name, and a full postal address. They are never
-- deleted, only made inactive, so an RMA's history can still name them.
CREATE TABLE service_locations (
    id       INTEGER PRIMARY KEY,
    code     TEXT    NOT NULL UNIQUE,
    name     TEXT    NOT NULL,
    street   TEXT    NOT NULL DEFAULT '',
    postcode TEXT    NOT NULL DEFAULT '',
    city     TEXT    NOT NULL DEFAULT '',
    region   TEXT    NOT NULL DEFAULT '',
    country  TEXT    NOT NULL DEFAULT '',
    contact  TEXT    NOT NULL DEFAULT '',
    phone    TEXT    NOT NULL DEFAULT '',
    note     TEXT    NOT NULL DEFAULT '',
    active   BOOLEAN NOT NULL DEFAULT TRUE,
    created  TEXT    NOT NULL,
    updated  TEXT    NOT NULL
);

-- An organisation's postal address: the sender on a requester's label (and
-- a supplier's address, for shipments to it). The organisation's country
-- stays the claims' country; the address keeps its own.
ALTER TABLE orgs ADD COLUMN street TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN postcode TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN address_country TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN contact TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN address_note TEXT NOT NULL DEFAULT '';

-- The location chosen at authorization, copied (code, name, address) as
-- JSON: a later edit of the location must not change an issued label.
ALTER TABLE rmas ADD COLUMN ship_to TEXT;

-- A line's part number as the requester reserved it, the one read off the
-- unit at receiving, and whether they differ (flagged, never refused).
ALTER TABLE rma_lines ADD COLUMN part_number TEXT NOT NULL DEFAULT '';
ALTER TABLE rma_lines ADD COLUMN received_part_number TEXT NOT NULL DEFAULT '';
ALTER TABLE rma_lines ADD COLUMN part_mismatch BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE rma_lines DROP COLUMN part_mismatch;
ALTER TABLE rma_lines DROP COLUMN received_part_number;
ALTER TABLE rma_lines DROP COLUMN part_number;
ALTER TABLE rmas DROP COLUMN ship_to;
ALTER TABLE orgs DROP COLUMN address_note;
ALTER TABLE orgs DROP COLUMN phone;
ALTER TABLE orgs DROP COLUMN contact;
ALTER TABLE orgs DROP COLUMN address_country;
ALTER TABLE orgs DROP COLUMN region;
ALTER TABLE orgs DROP COLUMN city;
ALTER TABLE orgs DROP COLUMN postcode;
ALTER TABLE orgs DROP COLUMN street;
DROP TABLE service_locations;
