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

-- Who on the desk holds an RMA (NULL: nobody yet), and whether the
-- requester wrote since the desk last opened it. Neither is part of the
-- RMA's own save: assigning has its own write and event, and the marker
-- is set by the requester's message and cleared by the desk's reading.
ALTER TABLE rmas ADD COLUMN assignee_id BIGINT REFERENCES users (id);
ALTER TABLE rmas ADD COLUMN unread BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX rmas_assignee_urgency ON rmas (assignee_id, urgency, id);

-- A user's saved views of the queue: a name and the list's query string
-- (its filters and order), to open again with one click.
CREATE TABLE saved_views (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name    TEXT COLLATE "C" NOT NULL,
    query   TEXT COLLATE "C" NOT NULL DEFAULT '',
    created TEXT COLLATE "C" NOT NULL,
    UNIQUE (user_id, name)
);

-- The desk's canned replies: a title to pick one by and the text it puts
-- into a message. Kept by the desk's agents and admins.
CREATE TABLE canned_replies (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title   TEXT COLLATE "C" NOT NULL UNIQUE,
    body    TEXT COLLATE "C" NOT NULL,
    created TEXT COLLATE "C" NOT NULL,
    updated TEXT COLLATE "C" NOT NULL
);

-- +goose Down
DROP TABLE canned_replies;
DROP TABLE saved_views;
DROP INDEX rmas_assignee_urgency;
ALTER TABLE rmas DROP COLUMN unread;
ALTER TABLE rmas DROP COLUMN assignee_id;
ALTER TABLE messages DROP COLUMN internal;
DROP INDEX rmas_state_urgency;
DROP INDEX rmas_urgency;
ALTER TABLE rmas DROP COLUMN urgency;
ALTER TABLE rma_lines DROP COLUMN reject_reason;
ALTER TABLE rma_lines DROP COLUMN rejected;
