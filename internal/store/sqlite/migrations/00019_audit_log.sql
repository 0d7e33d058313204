-- The audit log (internal/audit): who did which administrative action to
-- what, when, and what changed. An entry is appended in the transaction of
-- the change it records (audit.Record), never updated or deleted.
--
-- The actor's and target's IDs are plain numbers and text, without foreign
-- keys: the log says what was, whatever becomes of the rows it names.
-- actor_name_key and target_name_key are rma.NameKey of the names, which
-- the filters compare, as orgs.name_key and users.email_key do. Pages go
-- newest first by id (keyset); each filter has an index that serves that
-- order, and audit_log_at serves a range of dates.
--
-- The same as internal/store/postgres/migrations/00018_audit_log.sql.

-- +goose Up
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    at              TEXT   NOT NULL,
    action          TEXT   NOT NULL,
    actor_org_id    BIGINT NOT NULL DEFAULT 0,
    actor_user_id   BIGINT NOT NULL DEFAULT 0,
    actor_key_id    BIGINT NOT NULL DEFAULT 0,
    actor_name      TEXT   NOT NULL,
    actor_name_key  TEXT   NOT NULL,
    target_kind     TEXT   NOT NULL DEFAULT '',
    target_id       TEXT   NOT NULL DEFAULT '',
    target_name     TEXT   NOT NULL DEFAULT '',
    target_name_key TEXT   NOT NULL DEFAULT '',
    changes         TEXT   NOT NULL DEFAULT '[]' -- JSON: [{"field", "from", "to"}]
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_actor ON audit_log (actor_name_key, id);
CREATE INDEX audit_log_target ON audit_log (target_name_key, id);
CREATE INDEX audit_log_target_id ON audit_log (target_id, id);

-- +goose Down
DROP TABLE audit_log;
