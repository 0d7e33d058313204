-- The desk's clock (rma.DeskClock): how far a demo desk's date has been
-- moved forward (rmadesk clock advance, POST /api/v1/clock/advance), kept
-- here so that every instance of the desk shares it. One row at most; no
-- row is the wall clock.

-- +goose Up
CREATE TABLE desk_clock (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    offset_seconds BIGINT  NOT NULL CHECK (offset_seconds >= 0),
    updated        TEXT    NOT NULL
);

-- +goose Down
DROP TABLE desk_clock;
