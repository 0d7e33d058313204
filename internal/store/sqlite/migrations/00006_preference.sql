-- +goose Up
-- The resolution a requester prefers, where the policy leaves the choice to
-- it (issue 10): taken at filing, changeable until authorization.
ALTER TABLE rmas ADD COLUMN preference TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE rmas DROP COLUMN preference;
