package policy

import (
	"fmt"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// A pack names its calendars by code (CN, NL, ...), and the loader
// resolves the codes against the built-in calendars. A desk may add years
// to a calendar kept from notices (China's) with calendar files
// (calendar.LoadFS); the caller loads them, outside the engine, and hands
// the result to WithCalendars, which resolves the same codes against that
// set. The engine itself reads no file.

// WithCalendars returns a copy of the set whose policies use the calendars
// of cals, by code, in place of the built-in ones. A code cals lacks is an
// error (a calendar set always extends the built-in codes, so it cannot
// happen with calendar.LoadFS).
func (s *Set) WithCalendars(cals *calendar.Set) (*Set, error) {
	ps := make([]*Policy, 0, len(s.all))
	for _, p := range s.all {
		q, err := p.WithCalendars(cals)
		if err != nil {
			return nil, err
		}
		ps = append(ps, q)
	}
	return NewSet(ps)
}

// WithCalendars returns a copy of p that uses the calendars of cals, by
// code. p is unchanged: it may be in use.
func (p *Policy) WithCalendars(cals *calendar.Set) (*Policy, error) {
	q := *p
	var err error
	swap := func(c *calendar.Calendar) *calendar.Calendar {
		if c == nil {
			return nil
		}
		n, ok := cals.Lookup(c.Code())
		if !ok {
			if err == nil {
				err = fmt.Errorf("%s: policy %s uses calendar %s, which the desk's calendars lack", p.Source, p.ID, c.Code())
			}
			return c
		}
		return n
	}
	q.Calendar = swap(p.Calendar)
	q.RMANumber.Calendar = swap(p.RMANumber.Calendar)
	if rf := p.Warranty.RollForward; rf != nil {
		moved := *rf
		moved.Calendar = swap(rf.Calendar)
		q.Warranty.RollForward = &moved
	}
	if p.Deadlines != nil {
		q.Deadlines = append([]Deadline(nil), p.Deadlines...)
		for i := range q.Deadlines {
			q.Deadlines[i].Calendar = swap(p.Deadlines[i].Calendar)
		}
	}
	return &q, err
}
