-- +goose Up
-- Issue 15, policies managed in the desk: every version of every policy
-- pack, with its YAML source and its translations (a JSON object of
-- language to translation YAML). A draft is edited until it is published
-- (then it is never changed again: RMAs name it) or discarded (deleted;
-- the audit log keeps the record). A published version withdrawn before
-- it took effect (so no RMA names it) is retired: kept, never loaded. The desk's running policy set is built
-- from the published rows; the counter policy_packs in sequences moves on
-- with every publication, so other instances see there is a new set.
CREATE TABLE policy_packs (
    id             INTEGER PRIMARY KEY,
    policy_id      TEXT    NOT NULL,
    version        TEXT    NOT NULL,
    effective_from TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    translations   TEXT    NOT NULL DEFAULT '{}',
    state          TEXT    NOT NULL,
    origin         TEXT    NOT NULL DEFAULT '',
    created_by     TEXT    NOT NULL DEFAULT '',
    created        TEXT    NOT NULL,
    updated        TEXT    NOT NULL,
    published_by   TEXT    NOT NULL DEFAULT '',
    published      TEXT,
    retired_by     TEXT    NOT NULL DEFAULT '',
    retired        TEXT,
    UNIQUE (policy_id, version)
);
CREATE INDEX policy_packs_state ON policy_packs (state, policy_id);

-- +goose Down
DROP TABLE policy_packs;
