-- +goose Up
-- Issue 14, advance replacement: the replacement a line shipped before its
-- defective unit came back (rma.AdvanceShipment as JSON: serial, tracking,
-- shipped and due days, deposit, what happens on no return, status); NULL
-- for a line that is not one.
ALTER TABLE rma_lines ADD COLUMN advance TEXT COLLATE "C";

-- +goose Down
ALTER TABLE rma_lines DROP COLUMN advance;
