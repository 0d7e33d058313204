package calendar

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below must not depend on the host's
)

func mustHours(t testing.TB, open, close, zone, code string) Hours {
	t.Helper()
	var c *Calendar
	if code != "" {
		c = mustLookup(t, code)
	}
	h, err := ParseHours(open, close, zone, c)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// local reads "2006-01-02 15:04" in zone.
func local(t testing.TB, zone, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const ny = "America/New_York"

func TestHoursAdd(t *testing.T) {
	us := mustHours(t, "09:00", "17:00", ny, "US")
	nl := mustHours(t, "08:30", "17:00", "Europe/Amsterdam", "NL")
	// Cairo moves its clocks on the last Friday of April at midnight, a
	// working day of the weekdays calendar: Friday 24 April 2026 is 23
	// hours long.
	cairo := mustHours(t, "00:00", "24:00", "Africa/Cairo", "weekdays")
	tests := []struct {
		name  string
		h     Hours
		zone  string
		start string
		d     time.Duration
		want  string
	}{
		{name: "fits the same day", h: us, zone: ny, start: "2026-03-02 10:00", d: 2 * time.Hour, want: "2026-03-02 12:00"},
		{name: "ends exactly at the close", h: us, zone: ny, start: "2026-03-02 09:00", d: 8 * time.Hour, want: "2026-03-02 17:00"},
		{name: "runs over the close into the next day", h: us, zone: ny, start: "2026-03-02 16:00", d: 2 * time.Hour, want: "2026-03-03 10:00"},
		{name: "before opening starts at the opening", h: us, zone: ny, start: "2026-03-02 07:00", d: time.Hour, want: "2026-03-02 10:00"},
		{name: "after closing starts at the next opening", h: us, zone: ny, start: "2026-03-02 18:00", d: time.Hour, want: "2026-03-03 10:00"},
		{name: "at the close starts at the next opening", h: us, zone: ny, start: "2026-03-02 17:00", d: 30 * time.Minute, want: "2026-03-03 09:30"},
		{name: "Friday over the weekend", h: us, zone: ny, start: "2026-02-27 16:00", d: 2 * time.Hour, want: "2026-03-02 10:00"},
		{name: "from a Saturday", h: us, zone: ny, start: "2026-02-28 11:00", d: time.Hour, want: "2026-03-02 10:00"},
		{name: "zero from a Saturday is Monday's opening", h: us, zone: ny, start: "2026-02-28 11:00", d: 0, want: "2026-03-02 09:00"},
		{name: "zero inside the hours is the start", h: us, zone: ny, start: "2026-03-02 11:00", d: 0, want: "2026-03-02 11:00"},
		{name: "several days", h: us, zone: ny, start: "2026-03-02 09:00", d: 24 * time.Hour, want: "2026-03-04 17:00"},
		{name: "over the observed Independence Day and the weekend", h: us, zone: ny, start: "2026-07-02 16:00", d: 2 * time.Hour, want: "2026-07-06 10:00"},
		{name: "over Thanksgiving", h: us, zone: ny, start: "2026-11-25 15:00", d: 4 * time.Hour, want: "2026-11-27 11:00"},
		// Clocks go forward on Sunday 8 March 2026 in New York.
		{name: "over the March clock change", h: us, zone: ny, start: "2026-03-06 16:00", d: 2 * time.Hour, want: "2026-03-09 10:00"},
		// Clocks go back on Sunday 1 November 2026.
		{name: "over the November clock change", h: us, zone: ny, start: "2026-10-30 16:30", d: time.Hour, want: "2026-11-02 09:30"},
		{name: "Amsterdam over Koningsdag", h: nl, zone: "Europe/Amsterdam", start: "2026-04-24 16:00", d: 2 * time.Hour, want: "2026-04-28 09:30"},
		{name: "a day the clocks change inside the hours is shorter", h: cairo, zone: "Africa/Cairo", start: "2026-04-24 00:00", d: 23 * time.Hour, want: "2026-04-25 00:00"},
		{name: "and the next hour is on Monday", h: cairo, zone: "Africa/Cairo", start: "2026-04-24 00:00", d: 24 * time.Hour, want: "2026-04-27 01:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, want := local(t, tt.zone, tt.start), local(t, tt.zone, tt.want)
			if got := tt.h.Add(start, tt.d); !got.Equal(want) {
				t.Fatalf("Add(%s, %s) = %s, want %s", start, tt.d, got.In(want.Location()), want)
			}
		})
	}
}

func TestHoursAddFromAnotherZone(t *testing.T) {
	us := mustHours(t, "09:00", "17:00", ny, "US")
	// 02:00 UTC on Tuesday 3 March is 21:00 on Monday in New York: after
	// the close, so the count starts on Tuesday at 09:00.
	start := time.Date(2026, 3, 3, 2, 0, 0, 0, time.UTC)
	if got, want := us.Add(start, time.Hour), local(t, ny, "2026-03-03 10:00"); !got.Equal(want) {
		t.Fatalf("Add = %s, want %s", got, want)
	}
}

func TestHoursNextWorkingDayClose(t *testing.T) {
	us := mustHours(t, "09:00", "17:00", ny, "US")
	tests := []struct{ name, start, want string }{
		{"Monday morning", "2026-03-02 10:00", "2026-03-03 17:00"},
		{"Monday after the close", "2026-03-02 20:00", "2026-03-03 17:00"},
		{"Friday", "2026-02-27 08:00", "2026-03-02 17:00"},
		{"Saturday", "2026-02-28 12:00", "2026-03-02 17:00"},
		{"before the observed Independence Day", "2026-07-02 10:00", "2026-07-06 17:00"},
		{"Friday before the March clock change", "2026-03-06 12:00", "2026-03-09 17:00"},
		{"Friday before the November clock change", "2026-10-30 12:00", "2026-11-02 17:00"},
		{"New Year's Eve", "2026-12-31 12:00", "2027-01-04 17:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, want := local(t, ny, tt.start), local(t, ny, tt.want)
			if got := us.NextWorkingDayClose(start); !got.Equal(want) {
				t.Fatalf("NextWorkingDayClose(%s) = %s, want %s", start, got, want)
			}
		})
	}
	// The local day counts, not UTC's: 03:00 UTC on Tuesday is Monday
	// evening in New York.
	if got, want := us.NextWorkingDayClose(time.Date(2026, 3, 3, 3, 0, 0, 0, time.UTC)), local(t, ny, "2026-03-03 17:00"); !got.Equal(want) {
		t.Errorf("from UTC: %s, want %s", got, want)
	}
}

func TestZeroHours(t *testing.T) {
	// No calendar is weekdays, no location is UTC.
	h := Hours{Open: 9 * 60, Close: 17 * 60}
	start := time.Date(2026, 12, 25, 16, 0, 0, 0, time.UTC) // a Friday
	if got, want := h.Add(start, 2*time.Hour), time.Date(2026, 12, 28, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("Add = %s, want %s", got, want)
	}
}

func TestParseHours(t *testing.T) {
	tests := []struct {
		open, close, zone string
		wantErr           string
	}{
		{"09:00", "17:00", "Europe/Amsterdam", ""},
		{"00:00", "24:00", "UTC", ""},
		{"9:00", "17:00", "UTC", `open: "9:00" is not a time HH:MM`},
		{"09:00", "17:60", "UTC", `close: "17:60" is not a time HH:MM from 00:00 to 24:00`},
		{"09:00", "24:01", "UTC", `close: "24:01" is not a time`},
		{"24:00", "24:00", "UTC", `open: "24:00" is not a time of day to open at`},
		{"17:00", "09:00", "UTC", "close: 09:00 is not after open 17:00"},
		{"09:00", "09:00", "UTC", "close: 09:00 is not after open 09:00"},
		{"09:00", "17:00", "", "zone: required"},
		{"09:00", "17:00", "Mars/Olympus", `zone: unknown time zone "Mars/Olympus"`},
		{"09:00", "17:00", "Local", `zone: unknown time zone "Local"`},
	}
	for _, tt := range tests {
		h, err := ParseHours(tt.open, tt.close, tt.zone, nil)
		if tt.wantErr == "" {
			if err != nil || h.Location == nil || h.Close <= h.Open {
				t.Errorf("ParseHours(%q, %q, %q) = %+v, %v", tt.open, tt.close, tt.zone, h, err)
			}
			continue
		}
		if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
			t.Errorf("ParseHours(%q, %q, %q) error = %v, want %q", tt.open, tt.close, tt.zone, err, tt.wantErr)
		}
	}
}

func TestHoursAddDoesNotAllocate(t *testing.T) {
	us := mustHours(t, "09:00", "17:00", ny, "US")
	start := local(t, ny, "2026-07-02 16:00")
	var sink time.Time
	if n := testing.AllocsPerRun(100, func() { sink = us.Add(start, 20*time.Hour) }); n != 0 {
		t.Fatalf("Add allocates %v times", n)
	}
	_ = sink
}

func BenchmarkHoursAdd(b *testing.B) {
	us := mustHours(b, "09:00", "17:00", ny, "US")
	start := local(b, ny, "2026-07-02 16:00")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sinkTime = us.Add(start.Add(time.Duration(i%1000)*time.Hour), 8*time.Hour)
		i++
	}
}

var sinkTime time.Time
