-- Reports (issue 16): roll-ups of the desk's figures, kept up to date in
-- the transaction of every change that moves them (internal/report,
-- internal/store/reports.go), so that a report reads a few cells a month
-- and never the RMAs.
--
-- report_rmas keeps, for each RMA, what it added to the roll-ups and the
-- times of its states (report.Record, as JSON): the next change adds the
-- difference. The cells are kept in four cubes by month, policy, metric
-- and item, each keeping some of the other dimensions and summing over
-- the rest (report.Cube): report_policy none, report_model the model,
-- report_org the requester, report_full all three and the supplier. n
-- counts units (or deadlines), amount sums cents or seconds.
--
-- Each key is in the order a report groups by (metric, month, model,
-- item), the policy last: a report without a policy filter sums a key's
-- policies as it walks the key, with no sort.
--
-- 00028 (a Go migration, internal/store/reportsbackfill.go) fills them
-- from the RMAs already held. The same as
-- internal/store/postgres/migrations/00026_reports.sql.

-- +goose Up
CREATE TABLE report_rmas (
    rma_id BIGINT NOT NULL PRIMARY KEY REFERENCES rmas (id),
    record TEXT   NOT NULL
);

CREATE TABLE report_policy (
    metric    TEXT   NOT NULL,
    month     TEXT   NOT NULL, -- YYYY-MM
    policy_id TEXT   NOT NULL,
    item      TEXT   NOT NULL,
    n         BIGINT NOT NULL DEFAULT 0,
    amount    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, month, item, policy_id)
) WITHOUT ROWID;

CREATE TABLE report_model (
    metric    TEXT   NOT NULL,
    month     TEXT   NOT NULL,
    policy_id TEXT   NOT NULL,
    model     TEXT   NOT NULL,
    item      TEXT   NOT NULL,
    n         BIGINT NOT NULL DEFAULT 0,
    amount    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, month, model, item, policy_id)
) WITHOUT ROWID;
CREATE INDEX report_model_model ON report_model (model, metric, month);

CREATE TABLE report_org (
    metric    TEXT   NOT NULL,
    month     TEXT   NOT NULL,
    policy_id TEXT   NOT NULL,
    org_id    BIGINT NOT NULL,
    item      TEXT   NOT NULL,
    n         BIGINT NOT NULL DEFAULT 0,
    amount    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, month, org_id, item, policy_id)
) WITHOUT ROWID;
CREATE INDEX report_org_org ON report_org (org_id, metric, month);

CREATE TABLE report_full (
    metric      TEXT   NOT NULL,
    month       TEXT   NOT NULL,
    policy_id   TEXT   NOT NULL,
    org_id      BIGINT NOT NULL,
    supplier_id BIGINT NOT NULL, -- 0: the unit went to no supplier
    model       TEXT   NOT NULL,
    item        TEXT   NOT NULL,
    n           BIGINT NOT NULL DEFAULT 0,
    amount      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, month, org_id, supplier_id, model, item, policy_id)
) WITHOUT ROWID;
CREATE INDEX report_full_org ON report_full (org_id, metric, month);
CREATE INDEX report_full_supplier ON report_full (supplier_id, metric, month);

-- +goose Down
DROP TABLE report_full;
DROP TABLE report_org;
DROP TABLE report_model;
DROP TABLE report_policy;
DROP TABLE report_rmas;
