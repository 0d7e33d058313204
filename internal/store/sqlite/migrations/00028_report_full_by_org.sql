-- The requester and supplier cube (report_full) is only ever asked for
-- one requester or one supplier (report.CubeFor): keyed by the requester
-- first, a requester's figures are one range of the key, where keyed by
-- metric and month SQLite walked every requester's rows of the period
-- (a million deadline rows at 1,000,000 RMAs; docs/BENCHMARKS.md). SQLite
-- cannot change a primary key: the table is made again.

-- +goose Up
CREATE TABLE report_full_by_org (
    metric      TEXT   NOT NULL,
    month       TEXT   NOT NULL,
    policy_id   TEXT   NOT NULL,
    org_id      BIGINT NOT NULL,
    supplier_id BIGINT NOT NULL, -- 0: the unit went to no supplier
    model       TEXT   NOT NULL,
    item        TEXT   NOT NULL,
    n           BIGINT NOT NULL DEFAULT 0,
    amount      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, metric, month, supplier_id, model, item, policy_id)
) WITHOUT ROWID;
INSERT INTO report_full_by_org (metric, month, policy_id, org_id, supplier_id, model, item, n, amount)
    SELECT metric, month, policy_id, org_id, supplier_id, model, item, n, amount FROM report_full
    ORDER BY org_id, metric, month, supplier_id, model, item, policy_id;
DROP TABLE report_full;
ALTER TABLE report_full_by_org RENAME TO report_full;
CREATE INDEX report_full_supplier ON report_full (supplier_id, metric, month);

-- +goose Down
CREATE TABLE report_full_by_metric (
    metric      TEXT   NOT NULL,
    month       TEXT   NOT NULL,
    policy_id   TEXT   NOT NULL,
    org_id      BIGINT NOT NULL,
    supplier_id BIGINT NOT NULL,
    model       TEXT   NOT NULL,
    item        TEXT   NOT NULL,
    n           BIGINT NOT NULL DEFAULT 0,
    amount      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, month, org_id, supplier_id, model, item, policy_id)
) WITHOUT ROWID;
INSERT INTO report_full_by_metric (metric, month, policy_id, org_id, supplier_id, model, item, n, amount)
    SELECT metric, month, policy_id, org_id, supplier_id, model, item, n, amount FROM report_full;
DROP TABLE report_full;
ALTER TABLE report_full_by_metric RENAME TO report_full;
CREATE INDEX report_full_org ON report_full (org_id, metric, month);
CREATE INDEX report_full_supplier ON report_full (supplier_id, metric, month);
