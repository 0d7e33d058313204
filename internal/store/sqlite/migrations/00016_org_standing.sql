-- +goose Up
-- Issue 14, requester preconditions: an organisation's account standing
-- (policy.Standing: good, on_hold, blocked), set by an admin; the desk
-- puts it on every claim the organisation files (requester.standing).
ALTER TABLE orgs ADD COLUMN standing TEXT NOT NULL DEFAULT 'good';

-- +goose Down
ALTER TABLE orgs DROP COLUMN standing;
