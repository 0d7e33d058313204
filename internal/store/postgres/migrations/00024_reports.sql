-- Reports (issue 16): the PostgreSQL twin of
-- internal/store/sqlite/migrations/00027_reports.sql (which says why),
-- with TEXT COLLATE "C" as everywhere here. 00027 (a Go migration,
-- internal/store/reportsbackfill.go) fills the roll-ups from the RMAs
-- already held.

-- +goose Up
CREATE TABLE report_rmas (
    rma_id BIGINT NOT NULL PRIMARY KEY REFERENCES rmas (id),
    record TEXT COLLATE "C" NOT NULL
);

CREATE TABLE report_policy (
    metric    TEXT COLLATE "C" NOT NULL,
    month     TEXT COLLATE "C" NOT NULL, -- YYYY-MM
    policy_id TEXT COLLATE "C" NOT NULL,
    item      TEXT COLLATE "C" NOT NULL,
    n         BIGINT NOT NULL DEFAULT 0,
    amount    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, month, item, policy_id)
);

CREATE TABLE report_model (
    metric    TEXT COLLATE "C" NOT NULL,
    month     TEXT COLLATE "C" NOT NULL,
    policy_id TEXT COLLATE "C" NOT NULL,
    model     TEXT COLLATE "C" NOT NULL,
    item      TEXT COLLATE "C" NOT NULL,
    n         BIGINT NOT NULL DEFAULT 0,
    amount    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, month, model, item, policy_id)
);
CREATE INDEX report_model_model ON report_model (model, metric, month);

CREATE TABLE report_org (
    metric    TEXT COLLATE "C" NOT NULL,
    month     TEXT COLLATE "C" NOT NULL,
    policy_id TEXT COLLATE "C" NOT NULL,
    org_id    BIGINT NOT NULL,
    item      TEXT COLLATE "C" NOT NULL,
    n         BIGINT NOT NULL DEFAULT 0,
    amount    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, month, org_id, item, policy_id)
);
CREATE INDEX report_org_org ON report_org (org_id, metric, month);

CREATE TABLE report_full (
    metric      TEXT COLLATE "C" NOT NULL,
    month       TEXT COLLATE "C" NOT NULL,
    policy_id   TEXT COLLATE "C" NOT NULL,
    org_id      BIGINT NOT NULL,
    supplier_id BIGINT NOT NULL, -- 0: the unit went to no supplier
    model       TEXT COLLATE "C" NOT NULL,
    item        TEXT COLLATE "C" NOT NULL,
    n           BIGINT NOT NULL DEFAULT 0,
    amount      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, month, org_id, supplier_id, model, item, policy_id)
);
CREATE INDEX report_full_org ON report_full (org_id, metric, month);
CREATE INDEX report_full_supplier ON report_full (supplier_id, metric, month);

-- +goose Down
DROP TABLE report_full;
DROP TABLE report_org;
DROP TABLE report_model;
DROP TABLE report_policy;
DROP TABLE report_rmas;
