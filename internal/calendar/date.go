package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Date is a civil date in the proleptic Gregorian calendar: no time of day,
// no zone. Its value is the number of days since 0001-01-01 plus one, so
// 0001-01-01 is 1 and the zero Date means "no date", which is what a Date
// field holds before anyone sets it.
//
// Dates compare with < and ==, and subtracting two Dates gives the days
// between them. Text forms (String, MarshalText, ParseDate) cover years
// 0001 to 9999.
type Date int32

// epochUnix is 1970-01-01 as a Date, the bridge to Unix time.
const epochUnix Date = 719163

// DateOf returns the date y-m-d. Like time.Date it normalizes values out of
// their usual range, so DateOf(2025, time.February, 29) is 2025-03-01 and
// day 0 is the last day of the previous month; that makes "the first day of
// next month" and "the last day of this month" one call each.
func DateOf(y int, m time.Month, d int) Date {
	m0 := int(m) - 1
	y += floorDiv(m0, 12)
	m0 -= floorDiv(m0, 12) * 12
	return Date(daysFromCivil(y, m0+1, 1) + d - 1)
}

// daysFromCivil is Howard Hinnant's days_from_civil
// (https://howardhinnant.github.io/date_algorithms.html) shifted to Date's
// epoch: the algorithm counts from 0000-03-01, 305 days before 0001-01-01,
// so that leap days fall at the end of its years. m must be 1..12; d may be
// any value.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400                     // [0, 399]
	doy := (153*((m+9)%12)+2)/5 + d - 1    // day of the March-based year
	doe := yoe*365 + yoe/4 - yoe/100 + doy // linear in d: overflowing days carry over
	return era*146097 + doe - 305
}

// YMD returns the year, month and day of d; see Hinnant's civil_from_days.
// The zero Date yields 0000-12-31, the day before 0001-01-01.
func (d Date) YMD() (y int, m time.Month, day int) {
	z := int(d) + 305
	era := floorDiv(z, 146097)
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11], March = 0
	day = doy - (153*mp+2)/5 + 1
	mm := mp + 3
	if mm > 12 {
		mm -= 12
	}
	y = yoe + era*400
	if mm <= 2 {
		y++
	}
	return y, time.Month(mm), day
}

// IsZero reports whether d is the zero Date ("no date"). encoding/json's
// omitzero option uses it.
func (d Date) IsZero() bool { return d == 0 }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 0001-01-01 (Date 1) was a Monday, and time.Monday is 1.
	return time.Weekday(floorMod(int(d), 7))
}

// AddDays returns d moved by n days. The zero Date stays zero, so a missing
// date cannot silently turn into a real one.
func (d Date) AddDays(n int) Date {
	if d == 0 {
		return 0
	}
	return Date(int(d) + n)
}

// Time returns midnight UTC at the start of d, or the zero time.Time for the
// zero Date. UTC because a Date has no zone: callers that need local
// midnight must say which zone.
func (d Date) Time() time.Time {
	if d == 0 {
		return time.Time{}
	}
	return time.Unix(int64(d-epochUnix)*86400, 0).UTC()
}

// String returns d as "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d >= textFirst && d <= textLast {
		i := int(d-textFirst) * 10
		return dateTexts()[i : i+10]
	}
	var buf [16]byte
	return string(d.AppendFormat(buf[:0]))
}

// The days whose text String returns without allocating: every date a claim,
// a warranty or a deadline is likely to name. The policy engine writes a
// handful of dates into each decision's explanation, and at a million
// decisions a second those allocations were a third of the engine's memory
// traffic (docs/BENCHMARKS.md).
var (
	textFirst = DateOf(1950, time.January, 1)
	textLast  = DateOf(2149, time.December, 31)
)

// dateTexts is every day from textFirst to textLast as "YYYY-MM-DD",
// back to back in one string (730 kB), built on first use.
var dateTexts = sync.OnceValue(func() string {
	b := make([]byte, 0, int(textLast-textFirst+1)*10)
	for d := textFirst; d <= textLast; d++ {
		b = d.AppendFormat(b)
	}
	return string(b)
})

// AppendFormat appends d as "YYYY-MM-DD" to b, or nothing for the zero Date.
// Years outside 0001..9999 are written with as many digits as they need
// (and a sign when negative), which ParseDate does not accept back.
func (d Date) AppendFormat(b []byte) []byte {
	if d == 0 {
		return b
	}
	y, m, day := d.YMD()
	if y >= 0 && y <= 9999 {
		b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
	} else {
		b = strconv.AppendInt(b, int64(y), 10)
	}
	return append(b, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+day/10), byte('0'+day%10))
}

// errUnrepresentable reports a Date whose year has no four-digit text form.
var errUnrepresentable = errors.New("calendar: date outside 0001-01-01..9999-12-31 has no YYYY-MM-DD form")

// MarshalText returns d as "YYYY-MM-DD". The zero Date marshals as empty text
// rather than failing, so a struct with an unset Date still encodes; but
// UnmarshalText rejects empty text, so fields that may be unset should carry
// `json:",omitzero"` to round-trip. Dates outside years 0001..9999 are an
// error because ParseDate could not read them back.
func (d Date) MarshalText() ([]byte, error) {
	if d == 0 {
		return []byte{}, nil
	}
	if d < minDate || d > maxDate {
		return nil, errUnrepresentable
	}
	return d.AppendFormat(make([]byte, 0, 10)), nil
}

// UnmarshalText parses "YYYY-MM-DD" as ParseDate does. Empty text is an
// error, not the zero Date: an explicit empty value is more likely a bug
// upstream than a deliberate "no date" (use omitzero for that).
func (d *Date) UnmarshalText(text []byte) error {
	v, err := parseDate(text)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// minDate and maxDate bound the dates ParseDate accepts.
const (
	minDate Date = 1       // 0001-01-01
	maxDate Date = 3652059 // 9999-12-31
)

// ParseDate parses a date in the strict form "YYYY-MM-DD": exactly ten
// bytes, a four-digit year from 0001 to 9999, and a month and day that exist
// (2023-02-29 is an error, not 2023-03-01). It does not allocate on success.
func ParseDate(s string) (Date, error) {
	return parseDate(s)
}

// MustParseDate is ParseDate for literals in tests and tables; it panics on
// malformed input.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// parseDate is generic so that UnmarshalText can parse its []byte without
// converting it to a string, which would allocate.
func parseDate[T string | []byte](s T) (Date, error) {
	if len(s) != 10 {
		return 0, parseError(string(s), "want YYYY-MM-DD (10 bytes), got "+strconv.Itoa(len(s))+" bytes")
	}
	if s[4] != '-' || s[7] != '-' {
		return 0, parseError(string(s), "want YYYY-MM-DD with '-' after the year and the month")
	}
	y, ok1 := digit4(s[0], s[1], s[2], s[3])
	m, ok2 := digit2(s[5], s[6])
	d, ok3 := digit2(s[8], s[9])
	switch {
	case !ok1:
		return 0, parseError(string(s), "year is not four digits")
	case !ok2:
		return 0, parseError(string(s), "month is not two digits")
	case !ok3:
		return 0, parseError(string(s), "day is not two digits")
	case y == 0:
		return 0, parseError(string(s), "year 0000 out of range (0001-9999)")
	case m < 1 || m > 12:
		return 0, parseError(string(s), "month out of range")
	case d < 1 || d > daysIn(y, time.Month(m)):
		return 0, parseError(string(s), fmt.Sprintf("day out of range (%s %d has %d days)", time.Month(m), y, daysIn(y, time.Month(m))))
	}
	return Date(daysFromCivil(y, m, d)), nil
}

// digit4 and digit2 decode fixed-width ASCII digit fields; the unsigned
// subtraction makes every byte below '0' wrap to a large value.
func digit4(a, b, c, d byte) (int, bool) {
	if a-'0' > 9 || b-'0' > 9 || c-'0' > 9 || d-'0' > 9 {
		return 0, false
	}
	return int(a-'0')*1000 + int(b-'0')*100 + int(c-'0')*10 + int(d-'0'), true
}

func digit2(a, b byte) (int, bool) {
	if a-'0' > 9 || b-'0' > 9 {
		return 0, false
	}
	return int(a-'0')*10 + int(b-'0'), true
}

// parseError is kept out of line so that the success path of parseDate
// never touches fmt or the heap.
//
//go:noinline
func parseError(s, why string) error {
	return fmt.Errorf("invalid date %q: %s", s, why)
}

// isLeap reports whether y is a Gregorian leap year.
func isLeap(y int) bool {
	return y%4 == 0 && (y%100 != 0 || y%400 == 0)
}

// daysIn returns the number of days in month m (1..12) of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// floorDiv and floorMod round toward negative infinity, which the calendar
// algorithms need for dates before their epochs; Go's / and % truncate.
func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int {
	r := a % b
	if r != 0 && (r < 0) != (b < 0) {
		r += b
	}
	return r
}
