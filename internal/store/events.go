package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

var eventCols = []string{"seq", "at", "actor", "action", "from_state", "to_state", "details"}

var eventInsertCols = append([]string{"rma_id"}, eventCols...)

// eventWrite is a batch of events encoded for appending, and what the
// transaction gave them (set afresh by each run of it).
type eventWrite struct {
	events []*rma.Event
	args   [][]any // eventCols without seq, which is known only in the transaction
	at     []time.Time

	last int // the RMA's event number before these
	ids  []int64
	seqs []int
}

// encodeEvents skips nil events: "no event" is not an error.
func encodeEvents(evs []*rma.Event) (*eventWrite, error) {
	var enc encoder
	w := &eventWrite{}
	t := now()
	for i, ev := range evs {
		if ev == nil {
			continue
		}
		f := fmt.Sprintf("events[%d].", i)
		at := ev.At
		if at.IsZero() {
			at = t
		}
		w.events = append(w.events, ev)
		w.at = append(w.at, at.UTC())
		w.args = append(w.args, []any{enc.Time(f+"at", at), ev.Actor, ev.Action, string(ev.From), string(ev.To),
			enc.JSON(f+"details", ev.Details, ev.Details == nil)})
	}
	return w, enc.Err
}

// appendEvents writes the events after the RMA's last one, with the rows
// of sets in the same Dialect.InsertRows; got hears what sets return. The
// caller holds the RMA's row lock on PostgreSQL (SaveRMA's UPDATE,
// touchRMA): otherwise two writers could read the same last seq, and one
// would fail on (rma_id, seq).
func (st *Store) appendEvents(ctx context.Context, q Querier, rmaID int64, w *eventWrite, sets []Rows, got func(set int, id int64, n int)) error {
	var last int
	if len(w.events) > 0 {
		if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events WHERE rma_id = $1`, rmaID).Scan(&last); err != nil {
			return err
		}
	}
	return st.insertEvents(ctx, q, rmaID, last, w, sets, got)
}

// insertEvents writes the events after event number last, and sets.
func (st *Store) insertEvents(ctx context.Context, q Querier, rmaID int64, last int, w *eventWrite, sets []Rows, got func(set int, id int64, n int)) error {
	w.last, w.ids, w.seqs = last, make([]int64, len(w.args)), make([]int, len(w.args))
	values := make([][]any, len(w.args))
	for i, args := range w.args {
		values[i] = append([]any{rmaID, last + i + 1}, args...)
	}
	events := len(sets)
	sets = append(slices.Clip(sets), Rows{Table: "events", Cols: eventInsertCols, Values: values, Returning: "id, seq"},
		outboxRows(rmaID, last, len(values)))
	return st.d.InsertRows(ctx, q, sets, func(set int, id int64, n int) {
		switch {
		case set == events:
			w.ids[n-last-1], w.seqs[n-last-1] = id, n
		case got != nil:
			got(set, id, n)
		}
	})
}

// outboxCols are webhook_outbox's: an event's (rma_id, seq), known before
// the event's ID is, so the outbox row goes in the event's own statement.
var outboxCols = []string{"rma_id", "seq"}

// outboxRows put n events after event number last in the webhook outbox
// (webhooks.go), in the transaction that appends them: an event that
// committed is an event that will be delivered.
func outboxRows(rmaID int64, last, n int) Rows {
	values := make([][]any, n)
	for i := range values {
		values[i] = []any{rmaID, last + i + 1}
	}
	return Rows{Table: "webhook_outbox", Cols: outboxCols, Values: values}
}

// Where the events' states sit in eventWrite.args (eventCols without seq).
var (
	eventFromArg = slices.Index(eventCols, "from_state") - 1
	eventToArg   = slices.Index(eventCols, "to_state") - 1
)

// inState makes the events record state as both their start and their end:
// they are events that do not move the RMA (a document, a message), written
// in the state the RMA is in within the writing transaction, whatever state
// the caller saw when it read the RMA.
func (w *eventWrite) inState(state rma.State) {
	for _, a := range w.args {
		a[eventFromArg], a[eventToArg] = string(state), string(state)
	}
}

// setState gives the caller's events the state they were written in, once
// committed.
func (w *eventWrite) setState(state rma.State) {
	for _, ev := range w.events {
		ev.From, ev.To = state, state
	}
}

// setEvents records what the store gave the events, once committed.
func (w *eventWrite) setEvents(rmaID int64) {
	for i, ev := range w.events {
		ev.ID, ev.RMAID, ev.Seq, ev.At = w.ids[i], rmaID, w.seqs[i], w.at[i]
	}
}
