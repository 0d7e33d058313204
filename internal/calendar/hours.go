package calendar

import (
	"fmt"
	"time"
)

// Service levels are promised in working time ("answered within 8 working
// hours", "shipped by the close of the next business day"), not in days:
// the clock runs only while the desk is open, on its calendar's working
// days, in its own zone. Hours is that clock. Unlike the rest of the
// package it deals in instants, because an answer due at 16:30 in
// Amsterdam is a moment, not a date; the days it counts are still the
// calendar's civil dates, read in Location.
//
// The binary carries its own zone database (cmd/rmadesk imports
// time/tzdata), so a zone name means the same on every host.

// Hours is a desk's opening hours: from Open to Close (minutes after local
// midnight, Open < Close <= 24*60) on each working day of Calendar, in
// Location. A nil Calendar is the weekdays calendar; a nil Location is UTC.
// Hours does not span midnight: a night shift is two desks.
type Hours struct {
	Calendar    *Calendar
	Open, Close int // minutes after local midnight
	Location    *time.Location
}

// ParseHours reads opening hours from "09:00", "17:00" and an IANA zone
// name ("Europe/Amsterdam"); close may be "24:00". Errors name the part
// that is wrong.
func ParseHours(open, close, zone string, cal *Calendar) (Hours, error) {
	o, err := parseClock(open)
	if err != nil {
		return Hours{}, fmt.Errorf("open: %w", err)
	}
	c, err := parseClock(close)
	if err != nil {
		return Hours{}, fmt.Errorf("close: %w", err)
	}
	if o >= 24*60 {
		return Hours{}, fmt.Errorf("open: %q is not a time of day to open at (00:00 to 23:59)", open)
	}
	if c <= o {
		return Hours{}, fmt.Errorf("close: %s is not after open %s (hours do not span midnight)", close, open)
	}
	if zone == "" {
		return Hours{}, fmt.Errorf("zone: required (an IANA zone name such as Europe/Amsterdam)")
	}
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "Local" {
		return Hours{}, fmt.Errorf("zone: unknown time zone %q (an IANA zone name such as Europe/Amsterdam)", zone)
	}
	return Hours{Calendar: cal, Open: o, Close: c, Location: loc}, nil
}

// parseClock reads "HH:MM", 00:00 to 24:00.
func parseClock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("%q is not a time HH:MM", s)
	}
	h, ok1 := digit2(s[0], s[1])
	m, ok2 := digit2(s[3], s[4])
	if !ok1 || !ok2 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%q is not a time HH:MM from 00:00 to 24:00", s)
	}
	return h*60 + m, nil
}

func (h Hours) cal() *Calendar {
	if h.Calendar == nil {
		return weekdays
	}
	return h.Calendar
}

func (h Hours) loc() *time.Location {
	if h.Location == nil {
		return time.UTC
	}
	return h.Location
}

// at returns the instant of the wall time min minutes after midnight on d
// in the desk's zone. On a day a clock change skips the wall time, time.Date
// moves it forward by the skipped amount, as the clocks do.
func (h Hours) at(d Date, min int) time.Time {
	y, m, day := d.YMD()
	return time.Date(y, m, day, min/60, min%60, 0, 0, h.loc())
}

// localDate returns the desk's civil date of t.
func (h Hours) localDate(t time.Time) Date {
	y, m, d := t.In(h.loc()).Date()
	return DateOf(y, m, d)
}

// Add returns the instant at which d of working time has passed after t:
// only the open hours of working days count. A t outside the hours starts
// the count at the next opening; a d that ends exactly at a close returns
// that close, not the next opening. d <= 0 returns the first open instant
// at or after t. The hours of a day are measured as elapsed time, so on a
// day the clocks change inside the hours that day is an hour shorter or
// longer.
func (h Hours) Add(t time.Time, d time.Duration) time.Time {
	c := h.cal()
	day := h.localDate(t)
	start := t
	if !c.IsWorkingDay(day) || !t.Before(h.at(day, h.Close)) {
		day = c.NextWorkingDay(day)
		start = h.at(day, h.Open)
	} else if open := h.at(day, h.Open); t.Before(open) {
		start = open
	}
	for {
		left := h.at(day, h.Close).Sub(start)
		if d <= left {
			return start.Add(max(d, 0))
		}
		d -= left
		day = c.NextWorkingDay(day)
		start = h.at(day, h.Open)
	}
}

// NextWorkingDayClose returns the close of the first working day after t's
// local date: "by the end of the next business day", whatever the time of
// t and whether or not its day is a working day.
func (h Hours) NextWorkingDayClose(t time.Time) time.Time {
	return h.at(h.cal().NextWorkingDay(h.localDate(t)), h.Close)
}
