-- How the desk's staff sign in through the company's identity provider
-- (OpenID Connect, internal/sso): one row at most, edited by admins at
-- /admin/sign-in; no row is no provider. The client secret is kept as
-- the provider gave it (the desk must send it), never shown again.
-- roles is the mapping as the admin page writes it ("group = role" a
-- line); scopes are separated by spaces.

-- +goose Up
CREATE TABLE sign_in_provider (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    name            TEXT    NOT NULL,
    issuer          TEXT    NOT NULL,
    client_id       TEXT    NOT NULL,
    client_secret   TEXT    NOT NULL,
    scopes          TEXT    NOT NULL,
    groups_claim    TEXT    NOT NULL,
    roles           TEXT    NOT NULL,
    create_users    BOOLEAN NOT NULL,
    staff_passwords BOOLEAN NOT NULL,
    updated         TEXT    NOT NULL,
    updated_by      TEXT    NOT NULL
);

-- +goose Down
DROP TABLE sign_in_provider;
