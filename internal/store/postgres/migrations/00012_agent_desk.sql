-- +goose Up
-- Issue 13, the agent's desk.
--
-- A decision per line at authorization: a rejected line stays with its
-- reason, and takes no further part.
ALTER TABLE rma_lines ADD COLUMN rejected BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE rma_lines ADD COLUMN reject_reason TEXT COLLATE "C" NOT NULL DEFAULT '';

-- The queue is ordered by urgency across all its pages: the due day of the
-- RMA's next open deadline, '9999-12-31' when it has none (so those sort
-- last without NULL ordering, which the two databases do differently).
-- The store rewrites it with the deadlines, in the same transaction.
ALTER TABLE rmas ADD COLUMN urgency TEXT COLLATE "C" NOT NULL DEFAULT '9999-12-31';
UPDATE rmas SET urgency = COALESCE(
    (SELECT MIN(d.due) FROM deadlines d WHERE d.rma_id = rmas.id AND d.met IS NULL AND d.due IS NOT NULL),
    '9999-12-31');
CREATE INDEX rmas_urgency ON rmas (urgency, id);
CREATE INDEX rmas_state_urgency ON rmas (state, urgency, id);

-- The desk's internal notes sit with the messages, marked: never shown to
-- a requester, and never emailed.
ALTER TABLE messages ADD COLUMN internal BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE messages DROP COLUMN internal;
DROP INDEX rmas_state_urgency;
DROP INDEX rmas_urgency;
ALTER TABLE rmas DROP COLUMN urgency;
ALTER TABLE rma_lines DROP COLUMN reject_reason;
ALTER TABLE rma_lines DROP COLUMN rejected;
