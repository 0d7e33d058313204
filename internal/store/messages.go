package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// AddMessage stores a message (or an internal note), its event and the
// email it causes (m.Jobs) in one transaction, and moves the RMA's version
// on and sets the event's state as AddDocument does: a message is never
// stored without its email, nor an email sent about a message not stored.
func (st *Store) AddMessage(ctx context.Context, m *rma.Message, ev *rma.Event) error {
	if m == nil {
		return rma.Invalid("message", "missing")
	}
	jobs, err := encodeJobs(m.Jobs)
	if err != nil {
		return err
	}
	created := orNow(m.Created)
	var enc encoder
	createdText := enc.Time("created", created)
	if enc.Err != nil {
		return enc.Err
	}
	evw, err := encodeEvents([]*rma.Event{ev})
	if err != nil {
		return err
	}
	var id int64
	var state rma.State
	err = st.write(ctx, "add message", func(q Querier) error {
		var err error
		if state, err = touchRMA(ctx, q, m.RMAID, createdText); err != nil {
			return err
		}
		evw.inState(state)
		sets := []Rows{{Table: "messages", Cols: []string{"rma_id", "author", "from_desk", "internal", "body", "created"},
			Values: [][]any{{m.RMAID, m.Author, m.FromDesk, m.Internal, m.Body, createdText}}, Returning: "id, rma_id"}}
		if len(jobs) > 0 {
			sets = append(sets, Rows{Table: "jobs", Cols: jobCols, Values: jobRows(m.RMAID, jobs)})
		}
		// The desk's unread marker: set by the requester's message,
		// cleared by the desk's reply (a note leaves it as it is).
		if !m.Internal {
			if _, err := q.ExecContext(ctx, `UPDATE rmas SET unread = $1 WHERE id = $2`, !m.FromDesk, m.RMAID); err != nil {
				return err
			}
		}
		return st.appendEvents(ctx, q, m.RMAID, evw, sets, func(set int, recordID int64, _ int) {
			if set == 0 {
				id = recordID
			}
		})
	})
	if err != nil {
		return err
	}
	evw.setEvents(m.RMAID)
	evw.setState(state)
	m.ID, m.Created, m.Jobs = id, created.UTC(), nil
	return nil
}

// Messages lists an RMA's messages and internal notes, oldest first.
func (st *Store) Messages(ctx context.Context, rmaID int64) ([]rma.Message, error) {
	var out []rma.Message
	err := st.read(ctx, "messages", func(q Querier) error {
		if err := mustExist(ctx, q, rmaID); err != nil {
			return err
		}
		d := decoder{Where: fmt.Sprintf("rma %d messages", rmaID)}
		var err error
		out, err = collect(ctx, q, func(row scanner) (m rma.Message, err error) {
			var created sql.NullString
			err = row.Scan(&m.ID, &m.Author, &m.FromDesk, &m.Internal, &m.Body, &created)
			m.RMAID, m.Created = rmaID, d.Time("created", created)
			return m, err
		}, `SELECT id, author, from_desk, internal, body, created FROM messages WHERE rma_id = $1 ORDER BY id`, rmaID)
		return errors.Join(err, d.Err)
	})
	return out, err
}
