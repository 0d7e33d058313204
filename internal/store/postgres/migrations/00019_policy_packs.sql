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
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    policy_id      TEXT COLLATE "C" NOT NULL,
    version        TEXT COLLATE "C" NOT NULL,
    effective_from TEXT COLLATE "C" NOT NULL,
    source         TEXT COLLATE "C" NOT NULL,
    translations   TEXT COLLATE "C" NOT NULL DEFAULT '{}',
    state          TEXT COLLATE "C" NOT NULL,
    origin         TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_by     TEXT COLLATE "C" NOT NULL DEFAULT '',
    created        TEXT COLLATE "C" NOT NULL,
    updated        TEXT COLLATE "C" NOT NULL,
    published_by   TEXT COLLATE "C" NOT NULL DEFAULT '',
    published      TEXT COLLATE "C",
    retired_by     TEXT COLLATE "C" NOT NULL DEFAULT '',
    retired        TEXT COLLATE "C",
    UNIQUE (policy_id, version)
);
CREATE INDEX policy_packs_state ON policy_packs (state, policy_id);

-- +goose Down
DROP TABLE policy_packs;
