-- +goose Up
-- What-if (issue 15): a replay walks the RMAs of one policy filed in a
-- range, in the order they were filed; this index is that walk.
CREATE INDEX rmas_policy_created ON rmas (policy_id, created, id);

-- +goose Down
DROP INDEX rmas_policy_created;
