-- +goose Up
-- Issue 13, the technician's bench: the state a unit arrived in, as
-- receiving notes it (rma.IntakeConditions, '' when not noted), and the
-- hours its evaluation took, which an hourly fee of the finding charges.
ALTER TABLE rma_lines ADD COLUMN intake_condition TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE rma_lines ADD COLUMN intake_notes TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE rma_lines ADD COLUMN evaluation_hours DOUBLE PRECISION NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE rma_lines DROP COLUMN evaluation_hours;
ALTER TABLE rma_lines DROP COLUMN intake_notes;
ALTER TABLE rma_lines DROP COLUMN intake_condition;
