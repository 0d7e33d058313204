-- The desk's identity provider: the PostgreSQL twin of
-- internal/store/sqlite/migrations/00023_sign_in_provider.sql (which says
-- why), with TEXT COLLATE "C" as everywhere here.

-- +goose Up
CREATE TABLE sign_in_provider (
    id              INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    name            TEXT COLLATE "C" NOT NULL,
    issuer          TEXT COLLATE "C" NOT NULL,
    client_id       TEXT COLLATE "C" NOT NULL,
    client_secret   TEXT COLLATE "C" NOT NULL,
    scopes          TEXT COLLATE "C" NOT NULL,
    groups_claim    TEXT COLLATE "C" NOT NULL,
    roles           TEXT COLLATE "C" NOT NULL,
    create_users    BOOLEAN NOT NULL,
    staff_passwords BOOLEAN NOT NULL,
    updated         TEXT COLLATE "C" NOT NULL,
    updated_by      TEXT COLLATE "C" NOT NULL
);

-- +goose Down
DROP TABLE sign_in_provider;
