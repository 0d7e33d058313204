package audit

import (
	"net/url"
	"strconv"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// ParseFilter reads a filter from a URL query, as the API and the portal
// take it: action, actor, target, from and to (days, YYYY-MM-DD, both
// included, in UTC), cursor and limit.
func ParseFilter(q url.Values) (Filter, error) {
	f := Filter{Action: q.Get("action"), Actor: q.Get("actor"), Target: q.Get("target"), Cursor: q.Get("cursor")}
	day := func(name string) (time.Time, error) {
		v := q.Get(name)
		if v == "" {
			return time.Time{}, nil
		}
		d, err := calendar.ParseDate(v)
		if err != nil {
			return time.Time{}, rma.Invalid(name, "a day as YYYY-MM-DD")
		}
		return d.Time(), nil
	}
	var err error
	if f.From, err = day("from"); err != nil {
		return f, err
	}
	if f.To, err = day("to"); err != nil {
		return f, err
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // the whole of the last day
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			return f, rma.Invalid("limit", "must be a number from 1 to %d", MaxLimit)
		}
		f.Limit = n
	}
	return f, f.Check()
}
