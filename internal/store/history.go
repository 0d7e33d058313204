package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
)

// Events, documents, messages, sequences and the serial index: what
// accumulates around an RMA rather than being part of it.

// mustExist returns ENOTFOUND unless the RMA exists, so that reading the
// history of a missing RMA is an error rather than an empty list.
func mustExist(ctx context.Context, q Querier, rmaID int64) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM rmas WHERE id = $1`, rmaID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return rma.Errorf(rma.ENOTFOUND, "RMA %d not found", rmaID)
	}
	return err
}

// touchRMA is the first statement of a write that adds to an RMA without
// moving it (a document, a message): it moves the RMA's version on, and its
// updated time (never backwards), and returns the state the RMA is in now,
// for the write's event (issue 10, point 12).
//
// No transition can commit between this read of the state and the event's
// insert, so the event records the state the RMA really was in, and takes
// the next sequence number. On SQLite the one writer runs one write at a
// time. On PostgreSQL the UPDATE takes the RMA's row lock (FOR NO KEY
// UPDATE, the lock SaveRMA's UPDATE takes) until the transaction ends, so
// writers of one RMA append one after the other; under READ COMMITTED an
// UPDATE that waited for the lock works on the row as the other writer
// committed it, so the state returned is the state after any transition
// that went first, never the one the caller read before it. Other
// transactions may still insert rows that refer to the RMA (their foreign
// key checks take KEY SHARE).
func touchRMA(ctx context.Context, q Querier, rmaID int64, at any) (rma.State, error) {
	var state string
	err := q.QueryRowContext(ctx,
		`UPDATE rmas SET version = version + 1, updated = CASE WHEN updated < $2 THEN $2 ELSE updated END
		 WHERE id = $1 RETURNING state`, rmaID, at).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return "", rma.Errorf(rma.ENOTFOUND, "RMA %d not found", rmaID)
	}
	return rma.State(state), err
}

// Events returns an RMA's history, oldest first.
func (st *Store) Events(ctx context.Context, rmaID int64) ([]rma.Event, error) {
	var out []rma.Event
	err := st.read(ctx, "events", func(q Querier) error {
		if err := mustExist(ctx, q, rmaID); err != nil {
			return err
		}
		d := decoder{Where: fmt.Sprintf("rma %d events", rmaID)}
		var err error
		out, err = collect(ctx, q, func(row scanner) (ev rma.Event, err error) {
			var at, details sql.NullString
			var from, to string
			err = row.Scan(&ev.ID, &ev.Seq, &at, &ev.Actor, &ev.Action, &from, &to, &details)
			ev.RMAID, ev.From, ev.To = rmaID, rma.State(from), rma.State(to)
			ev.At = d.Time("at", at)
			ev.Details = sqlcodec.JSON[map[string]any](&d, "details", details)
			return ev, err
		}, `SELECT id, seq, at, actor, action, from_state, to_state, details
			 FROM events WHERE rma_id = $1 ORDER BY seq`, rmaID)
		return errors.Join(err, d.Err)
	})
	return out, err
}

// NextSequence returns the next value of a named counter: one upsert.
// Two callers with a new name both try to insert; on PostgreSQL the
// second, after waiting for the first, updates the row the first inserted.
func (st *Store) NextSequence(ctx context.Context, name string) (int64, error) {
	if name == "" {
		return 0, rma.Invalid("name", "required")
	}
	var v int64
	err := st.write(ctx, "next sequence", func(q Querier) error {
		return q.QueryRowContext(ctx,
			`INSERT INTO sequences (name, value) VALUES ($1, 1)
			 ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1
			 RETURNING value`, name).Scan(&v)
	})
	if err != nil {
		return 0, err
	}
	return v, nil
}

// AddDocument stores a document's record and its event in one transaction,
// and moves the RMA's version on (see touchRMA).
func (st *Store) AddDocument(ctx context.Context, doc *rma.Document, ev *rma.Event) error {
	if doc == nil {
		return rma.Invalid("document", "missing")
	}
	created := orNow(doc.Created)
	id, err := st.attach(ctx, "add document", doc.RMAID, created, ev, func(createdText any) Rows {
		return Rows{Table: "documents",
			Cols: []string{"rma_id", "line_no", "kind", "filename", "content_type", "size", "sha256", "path", "uploaded_by", "created"},
			Values: [][]any{{doc.RMAID, doc.LineNo, doc.Kind, doc.Filename, doc.ContentType, doc.Size, doc.SHA256, doc.Path,
				doc.UploadedBy, createdText}},
			Returning: "id, rma_id"}
	})
	if err != nil {
		return err
	}
	doc.ID, doc.Created = id, created.UTC()
	return nil
}

// attach writes a record that adds to an RMA without moving it (a
// document, a message; record gives its row, returning its ID) and its
// event, in one transaction, and moves the RMA's version on (see
// touchRMA). It returns the record's ID; the event gets what the store
// gave it.
func (st *Store) attach(ctx context.Context, op string, rmaID int64, created time.Time, ev *rma.Event, record func(createdText any) Rows) (int64, error) {
	var enc encoder
	createdText := enc.Time("created", created)
	if enc.Err != nil {
		return 0, enc.Err
	}
	evw, err := encodeEvents([]*rma.Event{ev})
	if err != nil {
		return 0, err
	}
	var id int64
	var state rma.State
	err = st.write(ctx, op, func(q Querier) error {
		var err error
		if state, err = touchRMA(ctx, q, rmaID, createdText); err != nil {
			return err
		}
		evw.inState(state)
		return st.appendEvents(ctx, q, rmaID, evw, []Rows{record(createdText)}, func(_ int, recordID int64, _ int) { id = recordID })
	})
	if err != nil {
		return 0, err
	}
	evw.setEvents(rmaID)
	evw.setState(state)
	return id, nil
}

const documentColumns = `id, rma_id, line_no, kind, filename, content_type, size, sha256, path, uploaded_by, created`

func scanDocument(row scanner) (rma.Document, error) {
	var doc rma.Document
	var created sql.NullString
	if err := row.Scan(&doc.ID, &doc.RMAID, &doc.LineNo, &doc.Kind, &doc.Filename, &doc.ContentType,
		&doc.Size, &doc.SHA256, &doc.Path, &doc.UploadedBy, &created); err != nil {
		return doc, err
	}
	d := decoder{Where: fmt.Sprintf("document %d", doc.ID)}
	doc.Created = d.Time("created", created)
	return doc, d.Err
}

// Documents lists an RMA's documents in the order they were added.
func (st *Store) Documents(ctx context.Context, rmaID int64) ([]rma.Document, error) {
	var out []rma.Document
	err := st.read(ctx, "documents", func(q Querier) error {
		if err := mustExist(ctx, q, rmaID); err != nil {
			return err
		}
		var err error
		out, err = collect(ctx, q, scanDocument, `SELECT `+documentColumns+` FROM documents WHERE rma_id = $1 ORDER BY id`, rmaID)
		return err
	})
	return out, err
}

func (st *Store) Document(ctx context.Context, id int64) (*rma.Document, error) {
	doc, err := scanDocument(st.pool().QueryRowContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "document %d not found", id)
	}
	if err != nil {
		return nil, st.storeError("document", err)
	}
	return &doc, nil
}

// AddMessage and Messages are in messages.go.

// LinesBySerial finds every line whose unit (as claimed or as received) or
// whose replacement has serial, oldest RMA first. The match is exact: a
// serial is an identity, not a search term (ListRMAs searches by prefix).
func (st *Store) LinesBySerial(ctx context.Context, serial string) ([]rma.SerialHit, error) {
	if serial == "" || !storable(serial) {
		return nil, nil // every line without a serial would match; the other could not be stored
	}
	// Three arms, each an index lookup; an OR across the three columns could
	// make the planner scan the table. "<> ''" (serial is never empty here)
	// lets SQLite use its partial indexes of received and replacement
	// serials (PostgreSQL's indexes hold every value).
	const hitColumns = `r.id AS hit_rma, r.org_id AS hit_org, r.number, r.state, r.outcome, r.policy_id, r.policy_version, r.reported, r.created AS hit_created, ` + lineColumns
	rows, err := st.pool().QueryContext(ctx,
		`SELECT `+hitColumns+`, FALSE AS as_replacement FROM rma_lines l JOIN rmas r ON r.id = l.rma_id
		 WHERE l.serial = $1
		 UNION
		 SELECT `+hitColumns+`, FALSE FROM rma_lines l JOIN rmas r ON r.id = l.rma_id
		 WHERE l.received_serial = $1 AND l.received_serial <> ''
		 UNION ALL
		 SELECT `+hitColumns+`, TRUE FROM rma_lines l JOIN rmas r ON r.id = l.rma_id
		 WHERE l.replacement_serial = $1 AND l.replacement_serial <> ''
		 ORDER BY hit_created, hit_rma, line_no, as_replacement`, serial)
	if err != nil {
		return nil, st.storeError("lines by serial", err)
	}
	defer rows.Close()
	var out []rma.SerialHit
	for rows.Next() {
		var h rma.SerialHit
		var number, reported, created sql.NullString
		var state, outcome string
		dest := []any{&h.RMAID, &h.OrgID, &number, &state, &outcome, &h.PolicyID, &h.PolicyVersion, &reported, &created}
		line, err := scanLineAfter(rows, dest, &h.AsReplacement)
		if err != nil {
			return nil, st.storeError("lines by serial", err)
		}
		d := decoder{Where: fmt.Sprintf("rma %d", h.RMAID)}
		h.Number, h.State, h.Outcome = number.String, rma.State(state), rma.Outcome(outcome)
		h.Reported = d.Date("reported", reported)
		if d.Err != nil {
			return nil, st.storeError("lines by serial", d.Err)
		}
		h.Line = line
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, st.storeError("lines by serial", err)
	}
	return out, nil
}
