package store

import (
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// noDeadline is the urgency of an RMA without an open deadline: after
// every date, so the queue lists such RMAs last without relying on where
// each database sorts NULL.
const noDeadline = "9999-12-31"

// urgency is the rmas.urgency column: the due day of the RMA's next open
// deadline. It is written with the deadlines in every save, so the queue
// can walk the (urgency, id) index across pages instead of sorting one
// page at a time.
func urgency(enc *encoder, deadlines []rma.Deadline) any {
	var next calendar.Date
	for _, d := range deadlines {
		if d.Met.IsZero() && !d.Due.IsZero() && (next.IsZero() || d.Due < next) {
			next = d.Due
		}
	}
	if next.IsZero() {
		return noDeadline
	}
	return enc.Date("urgency", next)
}
