package api

import (
	"net/http"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The desk's clock: anyone signed in may read the desk's date (the portal
// shows it too); an admin of a demo desk may move it forward
// (rma.DeskClock.Advance), after which the jobs that fell due have run.

func (s *Server) clockRoutes() []Route {
	return []Route{
		{Method: "GET", Path: v1 + "/clock", Op: rma.OpRead, handler: s.getClock},
		{Method: "POST", Path: v1 + "/clock/advance", Op: rma.OpAdminister, handler: s.advanceClock},
	}
}

// ClockView is the desk's clock.
type ClockView struct {
	Now   time.Time     `json:"now"`   // the desk's time
	Today calendar.Date `json:"today"` // the desk's date in its zone
	Demo  bool          `json:"demo"`  // the clock may move (serve --demo)
	// Moved says the desk's date is not the real one; OffsetSeconds by how
	// much it is ahead.
	Moved         bool  `json:"moved"`
	OffsetSeconds int64 `json:"offset_seconds"`
	JobsRun       *int  `json:"jobs_run,omitempty"` // after a move: the due jobs that ran
}

func (s *Server) clockView(st rma.ClockState) ClockView {
	return ClockView{Now: st.Now.UTC(), Today: s.svc.Today(), Demo: st.Demo, Moved: st.Offset > 0, OffsetSeconds: int64(st.Offset / time.Second)}
}

func (s *Server) getClock(w http.ResponseWriter, r *http.Request, _ rma.Actor) error {
	writeJSON(w, http.StatusOK, s.clockView(s.clock.State()))
	return nil
}

// maxAdvanceDays bounds days in a request; rma.MaxClockAdvance bounds the sum.
const maxAdvanceDays = int(rma.MaxClockAdvance / (24 * time.Hour))

func (s *Server) advanceClock(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var body struct {
		Days  int `json:"days"`
		Hours int `json:"hours"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	switch {
	case body.Days < 0 || body.Days > maxAdvanceDays:
		return rma.Invalid("days", "must be from 0 to %d: the desk's date only moves forward", maxAdvanceDays)
	case body.Hours < 0 || body.Hours > 24*maxAdvanceDays:
		return rma.Invalid("hours", "must be from 0 to %d: the desk's date only moves forward", 24*maxAdvanceDays)
	}
	// Advance refuses a production desk before it looks at the amount, so
	// such a desk says the same whatever the body.
	by := time.Duration(body.Days)*24*time.Hour + time.Duration(body.Hours)*time.Hour
	st, err := s.clock.Advance(r.Context(), actor, by)
	if err != nil {
		return err
	}
	v := s.clockView(st)
	v.JobsRun = &st.JobsRun
	writeJSON(w, http.StatusOK, v)
	return nil
}
