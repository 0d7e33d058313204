package report

import (
	"fmt"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// Month is a calendar month, counted from January of year 0: months
// compare with < and subtract to a number of months. The zero Month means
// "no month". Roll-ups are kept by month: a report of any period scans at
// most its months' cells, however many RMAs the months hold.
type Month int32

// MonthOf is the month y-m.
func MonthOf(y int, m time.Month) Month { return Month(y*12 + int(m) - 1) }

// MonthOfDate is the month d falls in; the zero Date gives the zero Month.
func MonthOfDate(d calendar.Date) Month {
	if d.IsZero() {
		return 0
	}
	y, m, _ := d.YMD()
	return MonthOf(y, m)
}

// MonthOfTime is the month of t in UTC; the zero time gives the zero Month.
func MonthOfTime(t time.Time) Month {
	if t.IsZero() {
		return 0
	}
	y, m, _ := t.UTC().Date()
	return MonthOf(y, m)
}

// YM returns the month's year and month.
func (m Month) YM() (int, time.Month) { return int(m) / 12, time.Month(int(m)%12 + 1) }

// First is the month's first day.
func (m Month) First() calendar.Date {
	y, mo := m.YM()
	return calendar.DateOf(y, mo, 1)
}

// Last is the month's last day.
func (m Month) Last() calendar.Date {
	y, mo := m.YM()
	return calendar.DateOf(y, mo+1, 0)
}

// IsZero reports whether m is "no month".
func (m Month) IsZero() bool { return m == 0 }

// String is "YYYY-MM", or "" for the zero Month.
func (m Month) String() string {
	if m == 0 {
		return ""
	}
	y, mo := m.YM()
	return fmt.Sprintf("%04d-%02d", y, int(mo))
}

// MarshalText writes "YYYY-MM".
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// ParseMonth reads "YYYY-MM" (years 1000 to 9999).
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return 0, fmt.Errorf("%q is not a month: write YYYY-MM, such as 2026-03", s)
	}
	y, m := 0, 0
	for i, c := range []byte(s) {
		switch {
		case i == 4:
		case c < '0' || c > '9':
			return 0, fmt.Errorf("%q is not a month: write YYYY-MM, such as 2026-03", s)
		case i < 4:
			y = y*10 + int(c-'0')
		default:
			m = m*10 + int(c-'0')
		}
	}
	if y < 1000 || m < 1 || m > 12 {
		return 0, fmt.Errorf("%q is not a month: write YYYY-MM, such as 2026-03", s)
	}
	return MonthOf(y, time.Month(m)), nil
}
