-- The requester and supplier cube (report_full) is only ever asked for
-- one requester or one supplier (report.CubeFor): keyed by the requester
-- first, a requester's figures are one range of the key, and the index
-- on (org_id, metric, month) the key now begins with is not kept twice.

-- +goose Up
ALTER TABLE report_full DROP CONSTRAINT report_full_pkey;
ALTER TABLE report_full ADD PRIMARY KEY (org_id, metric, month, supplier_id, model, item, policy_id);
DROP INDEX report_full_org;

-- +goose Down
ALTER TABLE report_full DROP CONSTRAINT report_full_pkey;
ALTER TABLE report_full ADD PRIMARY KEY (metric, month, org_id, supplier_id, model, item, policy_id);
CREATE INDEX report_full_org ON report_full (org_id, metric, month);
