-- Fewer B-trees to keep up to date per submission (every index is one more
-- insert in the single writer's transaction), with the same lookups.
--
-- search_terms becomes a WITHOUT ROWID table: its primary key (term,
-- rma_id) is the table itself, where a rowid table kept the rows and the
-- key as two B-trees. A prefix search reads the key as before.
--
-- The indexes of received and replacement serials leave out the empty
-- serial, which every line has until its parcel arrives or a replacement
-- is sent: they held one entry per line, nearly all of them ''. The serial
-- lookup asks for a serial that is not empty and says so, so that SQLite
-- uses these partial indexes.

-- +goose Up
CREATE TABLE search_terms_new (
    term   TEXT   NOT NULL,
    rma_id BIGINT NOT NULL REFERENCES rmas (id),
    PRIMARY KEY (term, rma_id)
) WITHOUT ROWID;
INSERT INTO search_terms_new (term, rma_id) SELECT term, rma_id FROM search_terms;
DROP TABLE search_terms;
ALTER TABLE search_terms_new RENAME TO search_terms;
CREATE INDEX search_terms_rma ON search_terms (rma_id);

DROP INDEX rma_lines_received_serial;
DROP INDEX rma_lines_replacement_serial;
CREATE INDEX rma_lines_received_serial ON rma_lines (received_serial) WHERE received_serial <> '';
CREATE INDEX rma_lines_replacement_serial ON rma_lines (replacement_serial) WHERE replacement_serial <> '';

-- +goose Down
DROP INDEX rma_lines_received_serial;
DROP INDEX rma_lines_replacement_serial;
CREATE INDEX rma_lines_received_serial ON rma_lines (received_serial);
CREATE INDEX rma_lines_replacement_serial ON rma_lines (replacement_serial);

CREATE TABLE search_terms_old (
    term   TEXT   NOT NULL,
    rma_id BIGINT NOT NULL REFERENCES rmas (id),
    PRIMARY KEY (term, rma_id)
);
INSERT INTO search_terms_old (term, rma_id) SELECT term, rma_id FROM search_terms;
DROP TABLE search_terms;
ALTER TABLE search_terms_old RENAME TO search_terms;
CREATE INDEX search_terms_rma ON search_terms (rma_id);
