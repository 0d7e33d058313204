-- +goose Up
-- Issue 14, fees as data: a charge deducted from its line's refund or
-- credit (a restocking fee known at decision time): the credit note lists
-- it, no invoice asks for it (rma.Charge.Deducted).
ALTER TABLE charges ADD COLUMN deducted BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE charges DROP COLUMN deducted;
