-- Portal sessions kept in the database, and users that can be disabled:
-- the PostgreSQL twin of internal/store/sqlite/migrations/00007_sessions_keys.sql
-- (which says why), with TEXT COLLATE "C" as everywhere here.

-- +goose Up
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE sessions (
    token_hash TEXT COLLATE "C" NOT NULL PRIMARY KEY, -- hex SHA-256 of the cookie's token; never the token
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created    TEXT COLLATE "C" NOT NULL,
    last_seen  TEXT COLLATE "C" NOT NULL,
    expires    TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires);

-- +goose Down
DROP TABLE sessions;
ALTER TABLE users DROP COLUMN disabled;
