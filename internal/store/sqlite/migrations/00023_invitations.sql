-- Administering users and keys (issue 15): when a user last signed in
-- (set with each new session) and a key was last used (written at most
-- every few minutes by auth.Authenticate), and the invitations an admin
-- sends. An invitation's link carries a random token; like a session's,
-- only its SHA-256 is kept. used and replaced tell the link's reader why
-- it no longer works: it set a password already, or a newer invitation
-- was sent. Not archived, like sessions: a token never leaves the
-- database it was made in.
--
-- The same as internal/store/postgres/migrations/00022_invitations.sql.

-- +goose Up
ALTER TABLE users ADD COLUMN last_sign_in TEXT;
ALTER TABLE api_keys ADD COLUMN last_used TEXT;

CREATE TABLE invitations (
    token_hash TEXT   NOT NULL PRIMARY KEY, -- hex SHA-256 of the link's token; never the token
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created    TEXT   NOT NULL,
    expires    TEXT   NOT NULL,
    used       TEXT,  -- when the password was set with it
    replaced   TEXT   -- when a newer invitation of the user replaced it
);
CREATE INDEX invitations_user ON invitations (user_id);

-- +goose Down
DROP TABLE invitations;
ALTER TABLE api_keys DROP COLUMN last_used;
ALTER TABLE users DROP COLUMN last_sign_in;
