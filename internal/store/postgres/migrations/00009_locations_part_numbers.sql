-- +goose Up
-- Issue 12: where goods go and who sends them, and part numbers.
--
-- Service locations are the desk's data (an admin keeps them): a code the
-- policies' location rules name, and a full postal address. They are never
-- deleted, only made inactive, so an RMA's history can still name them.
CREATE TABLE service_locations (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code     TEXT COLLATE "C" NOT NULL UNIQUE,
    name     TEXT COLLATE "C" NOT NULL,
    street   TEXT COLLATE "C" NOT NULL DEFAULT '',
    postcode TEXT COLLATE "C" NOT NULL DEFAULT '',
    city     TEXT COLLATE "C" NOT NULL DEFAULT '',
    region   TEXT COLLATE "C" NOT NULL DEFAULT '',
    country  TEXT COLLATE "C" NOT NULL DEFAULT '',
    contact  TEXT COLLATE "C" NOT NULL DEFAULT '',
    phone    TEXT COLLATE "C" NOT NULL DEFAULT '',
    note     TEXT COLLATE "C" NOT NULL DEFAULT '',
    active   BOOLEAN NOT NULL DEFAULT TRUE,
    created  TEXT COLLATE "C" NOT NULL,
    updated  TEXT COLLATE "C" NOT NULL
);

-- An organisation's postal address: the sender on a requester's label (and
-- a supplier's address, for shipments to it). The organisation's country
-- stays the claims' country; the address keeps its own.
ALTER TABLE orgs ADD COLUMN street TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN postcode TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN city TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN region TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN address_country TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN contact TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN phone TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN address_note TEXT COLLATE "C" NOT NULL DEFAULT '';

-- The location chosen at authorization, copied (code, name, address) as
-- JSON: a later edit of the location must not change an issued label.
ALTER TABLE rmas ADD COLUMN ship_to TEXT COLLATE "C";

-- A line's part number as the requester reserved it, the one read off the
-- unit at receiving, and whether they differ (flagged, never refused).
ALTER TABLE rma_lines ADD COLUMN part_number TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE rma_lines ADD COLUMN received_part_number TEXT COLLATE "C" NOT NULL DEFAULT '';
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
