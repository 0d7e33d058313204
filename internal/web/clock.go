package web

import (
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// deskDate is the header's "Desk date": the day deadlines and RMA numbers
// go by. On a demo desk whose clock was moved (POST /api/v1/clock/advance)
// it says so plainly, with how far, so nobody takes it for today.
type deskDate struct {
	Today calendar.Date
	Moved bool
	Days  int // whole days ahead of the real date
	Hours int // and hours
}

func (s *Server) deskDate() *deskDate {
	d := &deskDate{Today: s.svc.Today()}
	if c := s.cfg.Clock; c != nil && c.Offset() > 0 {
		off := c.Offset()
		d.Moved = true
		d.Days = int(off / (24 * time.Hour))
		d.Hours = int(off % (24 * time.Hour) / time.Hour)
	}
	return d
}
