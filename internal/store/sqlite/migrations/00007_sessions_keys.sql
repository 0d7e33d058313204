-- Portal sessions kept in the database, and users that can be disabled.
--
-- A session was a signed cookie the server forgot: sign-out, a new
-- password or a stolen cookie could not end it. Now the cookie carries a
-- random token and this table holds only the token's SHA-256, so a copy of
-- the database signs nobody in, and deleting a row ends the session on
-- every instance at its next request (each request reads its row).
--
-- expires is the absolute end (a session lives at most that long however
-- busy it is); last_seen serves the idle timeout and is written at most
-- every few minutes, not on every request. Both are RFC 3339 text, like
-- every time here, so they compare as text. sessions_user serves "end all
-- of this user's sessions"; sessions_expires the removal of dead rows at
-- each sign-in.
--
-- The same as internal/store/postgres/migrations/00006_sessions_keys.sql.

-- +goose Up
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE sessions (
    token_hash TEXT   NOT NULL PRIMARY KEY, -- hex SHA-256 of the cookie's token; never the token
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created    TEXT   NOT NULL,
    last_seen  TEXT   NOT NULL,
    expires    TEXT   NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires);

-- +goose Down
DROP TABLE sessions;
ALTER TABLE users DROP COLUMN disabled;
