-- The audit log: the PostgreSQL twin of
-- internal/store/sqlite/migrations/00019_audit_log.sql (which says why),
-- with TEXT COLLATE "C" as everywhere here.

-- +goose Up
CREATE TABLE audit_log (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              TEXT COLLATE "C" NOT NULL,
    action          TEXT COLLATE "C" NOT NULL,
    actor_org_id    BIGINT NOT NULL DEFAULT 0,
    actor_user_id   BIGINT NOT NULL DEFAULT 0,
    actor_key_id    BIGINT NOT NULL DEFAULT 0,
    actor_name      TEXT COLLATE "C" NOT NULL,
    actor_name_key  TEXT COLLATE "C" NOT NULL,
    target_kind     TEXT COLLATE "C" NOT NULL DEFAULT '',
    target_id       TEXT COLLATE "C" NOT NULL DEFAULT '',
    target_name     TEXT COLLATE "C" NOT NULL DEFAULT '',
    target_name_key TEXT COLLATE "C" NOT NULL DEFAULT '',
    changes         TEXT COLLATE "C" NOT NULL DEFAULT '[]'
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_actor ON audit_log (actor_name_key, id);
CREATE INDEX audit_log_target ON audit_log (target_name_key, id);
CREATE INDEX audit_log_target_id ON audit_log (target_id, id);

-- Administering users and keys (issue 15): when a user last signed in
-- (set with each new session) and a key was last used (written at most
-- every few minutes by auth.Authenticate), and the invitations an admin
-- sends. An invitation's link carries a random token; like a session's,
-- only its SHA-256 is kept. used and replaced tell the link's reader why
-- it no longer works: it set a password already, or a newer invitation
-- was sent. Not archived, like sessions: a token never leaves the
-- database it was made in.
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
DROP TABLE audit_log;
