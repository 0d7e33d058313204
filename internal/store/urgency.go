package store

import (
	"encoding/base64"
	"strconv"
	"strings"

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

// urgencyCursorTag starts an urgency page's cursor, so a cursor of another
// order is refused rather than read as a date.
const urgencyCursorTag = "u:"

// encodeUrgencyCursor names the last row of an urgency page: its urgency
// and ID, opaque to the client.
func encodeUrgencyCursor(deadlines []rma.Deadline, id int64) string {
	var enc encoder
	due, _ := urgency(&enc, deadlines).(string)
	return base64.RawURLEncoding.EncodeToString([]byte(urgencyCursorTag + due + "," + strconv.FormatInt(id, 10)))
}

// decodeUrgencyCursor reads a cursor of encodeUrgencyCursor back, or
// refuses it as the "cursor" field.
func decodeUrgencyCursor(s string) (due string, id int64, err error) {
	bad := rma.Invalid("cursor", "not a cursor from a previous page of this order")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", 0, bad
	}
	rest, ok := strings.CutPrefix(string(b), urgencyCursorTag)
	if !ok {
		return "", 0, bad
	}
	due, n, ok := strings.Cut(rest, ",")
	if !ok {
		return "", 0, bad
	}
	if due != noDeadline {
		if _, err := calendar.ParseDate(due); err != nil {
			return "", 0, bad
		}
	}
	id, err = strconv.ParseInt(n, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, bad
	}
	return due, id, nil
}
