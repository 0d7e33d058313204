-- The desk's clock: the PostgreSQL twin of
-- internal/store/sqlite/migrations/00012_desk_clock.sql (which says why),
-- with TEXT COLLATE "C" as everywhere here.

-- +goose Up
CREATE TABLE desk_clock (
    id             INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    offset_seconds BIGINT  NOT NULL CHECK (offset_seconds >= 0),
    updated        TEXT COLLATE "C" NOT NULL
);

-- +goose Down
DROP TABLE desk_clock;
