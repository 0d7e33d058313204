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

-- +goose Down
DROP TABLE audit_log;
