-- Administering users and keys: the PostgreSQL twin of
-- internal/store/sqlite/migrations/00023_invitations.sql (which says why),
-- with TEXT COLLATE "C" as everywhere here.

-- +goose Up
ALTER TABLE users ADD COLUMN last_sign_in TEXT COLLATE "C";
ALTER TABLE api_keys ADD COLUMN last_used TEXT COLLATE "C";

CREATE TABLE invitations (
    token_hash TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created    TEXT COLLATE "C" NOT NULL,
    expires    TEXT COLLATE "C" NOT NULL,
    used       TEXT COLLATE "C",
    replaced   TEXT COLLATE "C"
);
CREATE INDEX invitations_user ON invitations (user_id);

-- +goose Down
DROP TABLE invitations;
ALTER TABLE api_keys DROP COLUMN last_used;
ALTER TABLE users DROP COLUMN last_sign_in;
