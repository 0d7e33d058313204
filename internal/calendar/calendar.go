package calendar

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Calendar is one country's public holidays and working days. Calendars come
// from Lookup; they are immutable and safe for concurrent use.
//
// Holiday data exists for a range of years (see Years and Covers). Outside
// it a Calendar knows no holidays and treats Monday to Friday as working
// days, which is the best guess available rather than an error, because a
// deadline computation far in the future should still produce a date;
// callers that must not guess ask Covers first.
type Calendar struct {
	code   string
	source string
	first  Date // first day of the tables, 1 January of the first year
	last   Date // last day of the tables, 31 December of the last year

	// through is the last day whose answer is known. For a calendar kept
	// from notices it is 30 December of the last year: the next year's
	// notice may make 31 December a day off (the notice for 2023 did).
	through Date
	// notices marks a calendar kept from yearly notices (China's): a desk
	// may add the next years as calendar files (Set.Add).
	notices bool

	// build produces the day entries; it runs once, on first use, so that
	// importing the package stays free.
	build func() ([]dayEntry, error)
	once  sync.Once
	tab   atomic.Pointer[tables]
}

// dayKind says what a run of days in the source data is.
type dayKind uint8

const (
	kindHoliday dayKind = iota + 1 // official public holiday / day off
	kindWorkday                    // make-up working day on a weekend
)

// dayEntry is a run of days [first, last] of one kind, as read from the
// source data.
type dayEntry struct {
	first, last Date
	kind        dayKind
	name        string
}

// tables are a Calendar's precomputed answers over its covered range, one
// bit per day, so that each day query is a bounds check and a bit test.
type tables struct {
	holiday bitset
	working bitset // final answer: weekday-and-not-holiday, or make-up day
	names   []namedDay
}

type namedDay struct {
	day  Date
	name string
}

type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int)         { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitset) clear(i int)       { b[i>>6] &^= 1 << (uint(i) & 63) }
func (b bitset) has(i uint32) bool { return b[i>>6]&(1<<(i&63)) != 0 }

// registry lists the built-in calendars in Codes order. Constructing them
// does no work: their tables are built on first use.
var registry = []*Calendar{
	newCalendar("AT", atSource, atFirstYear, atLastYear, false, buildAT),
	newCalendar("BE", beSource, beFirstYear, beLastYear, false, buildBE),
	newCalendar("CN", cnSource, cnFirstYear, cnLastYear, true, buildCN),
	newCalendar("CZ", czSource, czFirstYear, czLastYear, false, buildCZ),
	newCalendar("DE", deSource, deFirstYear, deLastYear, false, buildDE),
	newCalendar("DK", dkSource, dkFirstYear, dkLastYear, false, buildDK),
	newCalendar("ES", esSource, esFirstYear, esLastYear, false, buildES),
	newCalendar("FR", frSource, frFirstYear, frLastYear, false, buildFR),
	newCalendar("GB", gbSource, gbFirstYear, gbLastYear, false, buildGB),
	newCalendar("IT", itSource, itFirstYear, itLastYear, false, buildIT),
	newCalendar("NL", nlSource, nlFirstYear, nlLastYear, false, buildNL),
	newCalendar("NO", noSource, noFirstYear, noLastYear, false, buildNO),
	newCalendar("PL", plSource, plFirstYear, plLastYear, false, buildPL),
	newCalendar("SE", seSource, seFirstYear, seLastYear, false, buildSE),
	newCalendar("US", usSource, usFirstYear, usLastYear, false, buildUS),
	weekdays,
}

func newCalendar(code, source string, firstYear, lastYear int, notices bool, build func() ([]dayEntry, error)) *Calendar {
	c := &Calendar{
		code:    code,
		source:  source,
		first:   DateOf(firstYear, time.January, 1),
		last:    DateOf(lastYear, time.December, 31),
		notices: notices,
		build:   build,
	}
	c.through = c.last
	if notices {
		c.through = c.last - 1
	}
	return c
}

// Lookup returns the built-in calendar for an upper-case ISO 3166-1
// alpha-2 country code such as "CN" or "NL", or "weekdays" (Monday to
// Friday, no holidays, every year; see newWeekdays). It does not fold case: codes
// come from our own data, and a lower-case one there is a bug to surface,
// not to paper over. A desk's calendar files are in a Set (LoadFS).
func Lookup(code string) (*Calendar, bool) { return builtin.Lookup(code) }

// Codes returns the known country codes, sorted. The slice is the caller's.
func Codes() []string { return builtin.Codes() }

// Code returns the calendar's ISO 3166-1 alpha-2 country code.
func (c *Calendar) Code() string { return c.code }

// Source returns one line naming where the holiday data comes from, for
// showing next to a computed deadline.
func (c *Calendar) Source() string { return c.source }

// Years returns the first and the last year the calendar's data covers.
// For a calendar kept from notices the last year's 31 December is not
// covered (see Covers).
func (c *Calendar) Years() (first, last int) {
	first, _, _ = c.first.YMD()
	last, _, _ = c.through.YMD()
	return first, last
}

// CoveredThrough returns the last day Covers is true for.
func (c *Calendar) CoveredThrough() Date { return c.through }

// Covers reports whether the calendar's data decides d. Answers for
// uncovered dates are a weekday-only guess; callers that must not guess
// check this first. For China that is 1 January of the first year to 30
// December of the last: the notice for the next year may make 31 December
// a day off, as the notice for 2023 did with 31 December 2022.
func (c *Calendar) Covers(d Date) bool { return d >= c.first && d <= c.through }

// IsHoliday reports whether d is an official public holiday or official day
// off. For China that is every day of an official days-off block, weekends
// inside it included.
func (c *Calendar) IsHoliday(d Date) bool {
	t := c.tables()
	if i := uint32(d - c.first); i <= uint32(c.last-c.first) {
		return t.holiday.has(i)
	}
	return false
}

// HolidayName returns the holiday's name in the source data's language
// ("Spring Festival", "Koningsdag", "Tag der Deutschen Einheit"), or "" if d
// is not a holiday. Two holidays on one day are joined with " / ".
func (c *Calendar) HolidayName(d Date) string {
	t := c.tables()
	i, ok := slices.BinarySearchFunc(t.names, d, func(n namedDay, d Date) int { return cmp.Compare(n.day, d) })
	if !ok {
		return ""
	}
	return t.names[i].name
}

// IsWorkingDay reports whether d is a working day: Monday to Friday and not
// a holiday, or an official make-up working day (China moves working days
// onto weekends around long holidays, e.g. Sunday 2025-09-28). The zero Date
// is not a working day.
func (c *Calendar) IsWorkingDay(d Date) bool {
	t := c.tables()
	return c.isWorkingDay(t, d)
}

// isWorkingDay takes the tables so that loops fetch them once.
func (c *Calendar) isWorkingDay(t *tables, d Date) bool {
	if i := uint32(d - c.first); i <= uint32(c.last-c.first) {
		return t.working.has(i)
	}
	if d == 0 {
		return false
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// NextWorkingDay returns the first working day strictly after d. The zero
// Date yields the zero Date.
func (c *Calendar) NextWorkingDay(d Date) Date {
	if d == 0 {
		return 0
	}
	t := c.tables()
	for {
		d++
		if c.isWorkingDay(t, d) {
			return d
		}
	}
}

// AddWorkingDays counts n working days from d, not counting d itself: for
// n > 0 the n-th working day after d, for n < 0 the |n|-th working day
// before d, and d itself for n == 0 (even if d is not a working day, because
// "zero days later" is still today). The zero Date yields the zero Date. It
// takes time proportional to n.
func (c *Calendar) AddWorkingDays(d Date, n int) Date {
	if d == 0 {
		return 0
	}
	t := c.tables()
	step := Date(1)
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d += step
		if c.isWorkingDay(t, d) {
			n--
		}
	}
	return d
}

// RollForward returns d if d is not a public holiday, and otherwise the
// first working day after d. It implements "if the last day of a term is a
// statutory public holiday, the first working day after it is the last day".
// A day that is only a Saturday or Sunday is returned unchanged because that
// rule names holidays only; a rule that also moves terms off weekends (BGB
// §193 does) is IsWorkingDay plus NextWorkingDay.
func (c *Calendar) RollForward(d Date) Date {
	if !c.IsHoliday(d) {
		return d
	}
	return c.NextWorkingDay(d)
}

// tables returns the calendar's lookup tables, building them on first use.
// The atomic pointer keeps the steady-state cost to one inlined load;
// sync.Once makes concurrent first users wait for a single build.
func (c *Calendar) tables() *tables {
	if t := c.tab.Load(); t != nil {
		return t
	}
	return c.buildTables()
}

func (c *Calendar) buildTables() *tables {
	c.once.Do(func() {
		entries, err := c.build()
		if err != nil {
			// The data is compiled in and checked by the package tests, so
			// this is a programming error, not a run-time condition.
			panic(fmt.Sprintf("calendar: %s data: %v", c.code, err))
		}
		t, err := newTables(c.first, c.last, entries)
		if err != nil {
			panic(fmt.Sprintf("calendar: %s data: %v", c.code, err))
		}
		c.tab.Store(t)
	})
	return c.tab.Load()
}

// newTables materializes entries over [first, last]. It rejects data that
// would make the answers ambiguous: days outside the range, a day that is
// both a holiday and a make-up working day, and make-up days on weekdays.
func newTables(first, last Date, entries []dayEntry) (*tables, error) {
	n := int(last-first) + 1
	t := &tables{holiday: newBitset(n), working: newBitset(n)}
	for d := first; d <= last; d++ {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			t.working.set(int(d - first))
		}
	}
	workday := newBitset(n)
	for _, e := range entries {
		if e.first > e.last || e.first < first || e.last > last {
			return nil, fmt.Errorf("%s..%s %q outside %s..%s or reversed", e.first, e.last, e.name, first, last)
		}
		for d := e.first; d <= e.last; d++ {
			i := int(d - first)
			switch e.kind {
			case kindHoliday:
				t.holiday.set(i)
				t.working.clear(i)
				t.names = append(t.names, namedDay{d, e.name})
			case kindWorkday:
				if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
					return nil, fmt.Errorf("make-up working day %s (%s) is a %s", d, e.name, wd)
				}
				workday.set(i)
				t.working.set(i)
			default:
				return nil, fmt.Errorf("%s %q: unknown kind %d", e.first, e.name, e.kind)
			}
		}
	}
	for i := range t.holiday {
		if both := t.holiday[i] & workday[i]; both != 0 {
			return nil, fmt.Errorf("%d day(s) near %s are both holiday and make-up working day", bits.OnesCount64(both), first.AddDays(i*64))
		}
	}
	t.names = mergeNames(t.names)
	return t, nil
}

// mergeNames sorts names by day and joins the names of holidays that fall
// on the same day (Ascension Day and Labour Day share 1 May in some years).
func mergeNames(names []namedDay) []namedDay {
	slices.SortStableFunc(names, func(a, b namedDay) int { return cmp.Compare(a.day, b.day) })
	out := names[:0]
	for _, nd := range names {
		if k := len(out) - 1; k >= 0 && out[k].day == nd.day {
			if !slices.Contains(strings.Split(out[k].name, " / "), nd.name) {
				out[k].name += " / " + nd.name
			}
			continue
		}
		out = append(out, nd)
	}
	return slices.Clip(out)
}
