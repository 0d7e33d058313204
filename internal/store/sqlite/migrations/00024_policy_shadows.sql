-- Shadow mode (issue 15): a stored draft decides each new claim of its
-- pack beside the published version, which alone decides the RMA, and
-- the comparison is kept for review.
--
-- A run is one draft's time in shadow. At most one runs per pack (the
-- partial unique index); it ends when an admin stops it, when another
-- draft of the pack is put in shadow, or when its draft is edited,
-- published or discarded (ended says which). A run does not reference
-- policy_packs: a discarded draft's runs and their lines stay, to be
-- reviewed.
--
-- A line of policy_shadow_lines is one line a run compared, written in
-- the transaction that creates its RMA. Listed lines are those the draft
-- decided otherwise, or failed to decide (draft_error): they keep both
-- decisions whole (the JSON of rma_lines.decision) and are the review's
-- list, in id order. The other columns are what the review counts by, so
-- its counts are one GROUP BY, never a decoded decision. The counts are
-- counted from these rows rather than kept in a row every intake
-- updates, which would queue a pack's concurrent submissions on its lock
-- on PostgreSQL.
--
-- The same as internal/store/postgres/migrations/00023_policy_shadows.sql.

-- +goose Up
CREATE TABLE policy_shadows (
    id            INTEGER PRIMARY KEY,
    policy_id     TEXT    NOT NULL,
    draft_id      BIGINT  NOT NULL,
    draft_version TEXT    NOT NULL,
    started       TEXT    NOT NULL,
    started_by    TEXT    NOT NULL DEFAULT '',
    stopped       TEXT,                        -- NULL while it runs
    stopped_by    TEXT    NOT NULL DEFAULT '',
    ended         TEXT    NOT NULL DEFAULT ''  -- stopped, replaced, edited, published, discarded
);
CREATE UNIQUE INDEX policy_shadows_running ON policy_shadows (policy_id) WHERE stopped IS NULL;
CREATE INDEX policy_shadows_policy ON policy_shadows (policy_id, id);
CREATE INDEX policy_shadows_draft ON policy_shadows (draft_id);

CREATE TABLE policy_shadow_lines (
    id                INTEGER PRIMARY KEY,
    shadow_id         BIGINT  NOT NULL REFERENCES policy_shadows (id),
    rma_id            BIGINT  NOT NULL REFERENCES rmas (id),
    line_no           INTEGER NOT NULL,
    baseline_version  TEXT    NOT NULL,
    listed            BOOLEAN NOT NULL DEFAULT FALSE,
    how               TEXT    NOT NULL DEFAULT '', -- the aspects that differ, comma-separated (policy.Compare)
    baseline_verdict  TEXT    NOT NULL,
    draft_verdict     TEXT    NOT NULL DEFAULT '',
    baseline_route    TEXT    NOT NULL,
    draft_route       TEXT    NOT NULL DEFAULT '',
    warranty_shift    TEXT    NOT NULL DEFAULT '', -- earlier, later, gained, lost (policy.ShiftOf)
    window_shift      TEXT    NOT NULL DEFAULT '',
    documents_added   TEXT    NOT NULL DEFAULT '', -- comma-separated
    documents_removed TEXT    NOT NULL DEFAULT '',
    baseline_decision TEXT,                        -- listed lines only
    draft_decision    TEXT,
    draft_error       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX policy_shadow_lines_review ON policy_shadow_lines (shadow_id, listed, id);

-- +goose Down
DROP TABLE policy_shadow_lines;
DROP TABLE policy_shadows;
