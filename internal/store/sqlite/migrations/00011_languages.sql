-- +goose Up
-- The language an organisation and a user read the desk's messages in
-- (issue 12): '' is none set; a message goes in the user's, else the
-- organisation's, else the desk's default (rma.RecipientLanguage).
ALTER TABLE orgs ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN language;
ALTER TABLE orgs DROP COLUMN language;
