package calendar

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func mustLookup(t testing.TB, code string) *Calendar {
	t.Helper()
	c, ok := Lookup(code)
	if !ok {
		t.Fatalf("Lookup(%q) not found", code)
	}
	return c
}

func TestLookupAndCodes(t *testing.T) {
	codes := Codes()
	if want := []string{"AT", "BE", "CN", "CZ", "DE", "DK", "ES", "FR", "GB", "IT", "NL", "NO", "PL", "SE", "US", "weekdays"}; !slices.Equal(codes, want) {
		t.Fatalf("Codes() = %v, want %v", codes, want)
	}
	codes[0] = "XX"
	if Codes()[0] != "AT" {
		t.Fatal("Codes() shares its slice with the caller")
	}
	tests := []struct {
		name, code string
		ok         bool
	}{
		{name: "China", code: "CN", ok: true},
		{name: "Netherlands", code: "NL", ok: true},
		{name: "Belgium", code: "BE", ok: true},
		{name: "Germany", code: "DE", ok: true},
		{name: "United States", code: "US", ok: true},
		{name: "weekdays", code: "weekdays", ok: true},
		{name: "lower case is not folded", code: "cn"},
		{name: "upper case is not folded either", code: "WEEKDAYS"},
		{name: "unknown", code: "FI"},
		{name: "empty", code: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := Lookup(tt.code)
			if ok != tt.ok {
				t.Fatalf("Lookup(%q) ok = %v, want %v", tt.code, ok, tt.ok)
			}
			if !ok {
				return
			}
			if c.Code() != tt.code {
				t.Errorf("Code() = %q", c.Code())
			}
			if src := c.Source(); src == "" || strings.Contains(src, "\n") {
				t.Errorf("Source() = %q, want one non-empty line", src)
			}
		})
	}
}

func TestCovers(t *testing.T) {
	tests := []struct {
		code, day string
		want      bool
	}{
		{"CN", "2019-12-31", false},
		{"CN", "2020-01-01", true},
		{"CN", "2026-12-30", true},
		// The notice for 2027 may make 31 December 2026 a day off, as the
		// notice for 2023 did with 31 December 2022.
		{"CN", "2026-12-31", false},
		{"CN", "2027-01-01", false},
		{"NL", "1990-01-01", true},
		{"NL", "1989-12-31", false},
		{"NL", "2100-12-31", true},
		{"NL", "2101-01-01", false},
		{"BE", "1990-01-01", true},
		{"DE", "1994-12-31", false},
		{"DE", "1995-01-01", true},
		{"DE", "2100-12-31", true},
		{"US", "1985-12-31", false},
		{"US", "1986-01-01", true},
		{"US", "2100-12-31", true},
		{"GB", "2012-12-31", false},
		{"GB", "2013-01-01", true},
		{"PL", "2010-12-31", false},
		{"PL", "2011-01-01", true},
		{"CZ", "2015-12-31", false},
		{"SE", "2005-01-01", true},
		{"weekdays", "0001-01-01", true},
		{"weekdays", "1850-06-01", true},
		{"weekdays", "9999-12-31", true},
	}
	for _, tt := range tests {
		t.Run(tt.code+" "+tt.day, func(t *testing.T) {
			if got := mustLookup(t, tt.code).Covers(MustParseDate(tt.day)); got != tt.want {
				t.Fatalf("Covers = %v, want %v", got, tt.want)
			}
		})
	}
}

// dayCase is one expectation about one day in one calendar.
type dayCase struct {
	name    string
	code    string
	day     string
	holiday string // expected HolidayName; "" means not a holiday
	working bool
}

func checkDays(t *testing.T, tests []dayCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLookup(t, tt.code)
			d := MustParseDate(tt.day)
			if got := c.HolidayName(d); got != tt.holiday {
				t.Errorf("HolidayName(%s) = %q, want %q", d, got, tt.holiday)
			}
			if got := c.IsHoliday(d); got != (tt.holiday != "") {
				t.Errorf("IsHoliday(%s) = %v, want %v", d, got, tt.holiday != "")
			}
			if got := c.IsWorkingDay(d); got != tt.working {
				t.Errorf("IsWorkingDay(%s, a %s) = %v, want %v", d, d.Weekday(), got, tt.working)
			}
		})
	}
}

func TestEuropeanHolidays(t *testing.T) {
	checkDays(t, []dayCase{
		{name: "NL Koningsdag 2025 moves to Saturday 26 April", code: "NL", day: "2025-04-26", holiday: "Koningsdag"},
		{name: "NL 27 April 2025 (Sunday) is not Koningsdag", code: "NL", day: "2025-04-27"},
		{name: "NL Koningsdag 2014, first under Willem-Alexander, Saturday 26 April", code: "NL", day: "2014-04-26", holiday: "Koningsdag"},
		{name: "NL Koningsdag 2024 on 27 April", code: "NL", day: "2024-04-27", holiday: "Koningsdag"},
		{name: "NL Koningsdag 2023 on a Thursday", code: "NL", day: "2023-04-27", holiday: "Koningsdag", working: false},
		{name: "NL Koninginnedag 2013 on 30 April", code: "NL", day: "2013-04-30", holiday: "Koninginnedag"},
		{name: "NL no Koningsdag before 2014", code: "NL", day: "2013-04-27"},
		{name: "NL Koninginnedag 2006 moves to Saturday 29 April", code: "NL", day: "2006-04-29", holiday: "Koninginnedag"},
		{name: "NL not 30 April after 2013", code: "NL", day: "2019-04-30", working: true},
		// rickar/cal has Bevrijdingsdag on 5 May every year, not only in
		// lustrum years.
		{name: "NL Bevrijdingsdag 2025 (lustrum)", code: "NL", day: "2025-05-05", holiday: "Bevrijdingsdag"},
		{name: "NL Bevrijdingsdag 2026 (not a lustrum)", code: "NL", day: "2026-05-05", holiday: "Bevrijdingsdag"},
		{name: "NL Bevrijdingsdag and Hemelvaartsdag share 2016-05-05", code: "NL", day: "2016-05-05", holiday: "Bevrijdingsdag / Hemelvaartsdag"},
		{name: "NL Easter Monday 2025", code: "NL", day: "2025-04-21", holiday: "Tweede Paasdag"},
		{name: "NL Christmas", code: "NL", day: "2025-12-25", holiday: "Eerste Kerstdag"},
		{name: "NL ordinary Monday", code: "NL", day: "2025-04-28", working: true},

		{name: "BE Nationale Feestdag", code: "BE", day: "2025-07-21", holiday: "Nationale Feestdag"},
		{name: "BE Easter Monday 2025", code: "BE", day: "2025-04-21", holiday: "Paasmaandag"},
		{name: "BE Wapenstilstand", code: "BE", day: "2025-11-11", holiday: "Wapenstilstand"},
		{name: "BE Labour Day and Ascension share 2008-05-01", code: "BE", day: "2008-05-01", holiday: "Dag van de Arbeid / Onze Lieve Heer Hemelvaart"},
		{name: "BE no Good Friday", code: "BE", day: "2025-04-18", working: true},
		{name: "BE no Boxing Day", code: "BE", day: "2025-12-26", working: true},

		{name: "DE Tag der Deutschen Einheit", code: "DE", day: "2025-10-03", holiday: "Tag der Deutschen Einheit"},
		{name: "DE Easter Monday 2025", code: "DE", day: "2025-04-21", holiday: "Ostermontag"},
		{name: "DE Good Friday 2025", code: "DE", day: "2025-04-18", holiday: "Karfreitag"},
		{name: "DE Reformationstag 2017, once nationwide", code: "DE", day: "2017-10-31", holiday: "Reformationstag"},
		{name: "DE Reformationstag 2025 is regional only", code: "DE", day: "2025-10-31", working: true},
		{name: "DE Fronleichnam is regional only", code: "DE", day: "2025-06-19", working: true},
		{name: "DE Buß- und Bettag is regional only", code: "DE", day: "2025-11-19", working: true},
		{name: "DE Labour Day and Ascension share 2008-05-01", code: "DE", day: "2008-05-01", holiday: "Tag der Arbeit / Christi Himmelfahrt"},
		{name: "DE Whit Monday 2025", code: "DE", day: "2025-06-09", holiday: "Pfingstmontag"},

		{name: "NL outside coverage: only weekdays", code: "NL", day: "2101-12-26", working: true},
		{name: "DE outside coverage: Saturday", code: "DE", day: "1994-10-01"},
	})
}

func TestChinaDays(t *testing.T) {
	checkDays(t, []dayCase{
		{name: "National Day 2025 first day", code: "CN", day: "2025-10-01", holiday: "National Day and Mid-Autumn Festival"},
		{name: "National Day 2025 last day, a Wednesday", code: "CN", day: "2025-10-08", holiday: "National Day and Mid-Autumn Festival"},
		{name: "day after National Day 2025", code: "CN", day: "2025-10-09", working: true},
		{name: "make-up Sunday 2025-09-28", code: "CN", day: "2025-09-28", working: true},
		{name: "make-up Saturday 2025-10-11", code: "CN", day: "2025-10-11", working: true},
		{name: "ordinary Sunday 2025-10-12", code: "CN", day: "2025-10-12"},
		{name: "Spring Festival 2024 Saturday inside block", code: "CN", day: "2024-02-10", holiday: "Spring Festival"},
		{name: "Spring Festival 2024 make-up Sunday", code: "CN", day: "2024-02-18", working: true},
		{name: "2020 Spring Festival extension", code: "CN", day: "2020-01-31", holiday: "Spring Festival"},
		{name: "2020 cancelled make-up Saturday 1 Feb", code: "CN", day: "2020-02-01", holiday: "Spring Festival"},
		{name: "2020 work resumed Monday 3 Feb", code: "CN", day: "2020-02-03", working: true},
		{name: "New Year 2023 block starts 2022-12-31", code: "CN", day: "2022-12-31", holiday: "New Year's Day"},
		{name: "Dragon Boat 2024 is the Monday only", code: "CN", day: "2024-06-10", holiday: "Dragon Boat Festival"},
		{name: "Dragon Boat 2024 weekend is ordinary rest", code: "CN", day: "2024-06-08"},
		{name: "Qingming 2023 single day", code: "CN", day: "2023-04-05", holiday: "Qingming Festival"},
		{name: "2026 New Year make-up Sunday", code: "CN", day: "2026-01-04", working: true},
		{name: "2026 Spring Festival last day", code: "CN", day: "2026-02-23", holiday: "Spring Festival"},
		{name: "2026 make-up Saturday 28 Feb", code: "CN", day: "2026-02-28", working: true},
		{name: "outside coverage: 2027 National Day unknown", code: "CN", day: "2027-10-01", working: true},
		{name: "outside coverage: weekend", code: "CN", day: "2019-10-05"},
	})
}

func TestNextWorkingDayAndRollForward(t *testing.T) {
	tests := []struct {
		name, code, day string
		next, roll      string
	}{
		{name: "CN into National Day 2025", code: "CN", day: "2025-09-30", next: "2025-10-09", roll: "2025-09-30"},
		{name: "CN holiday rolls to first working day", code: "CN", day: "2025-10-01", next: "2025-10-09", roll: "2025-10-09"},
		{name: "CN Friday before make-up Saturday", code: "CN", day: "2025-10-10", next: "2025-10-11", roll: "2025-10-10"},
		{name: "CN Friday before make-up Saturday, Spring Festival 2025", code: "CN", day: "2025-02-07", next: "2025-02-08", roll: "2025-02-07"},
		{name: "CN Spring Festival 2024 rolls to make-up Sunday", code: "CN", day: "2024-02-10", next: "2024-02-18", roll: "2024-02-18"},
		{name: "CN Saturday before make-up Sunday", code: "CN", day: "2025-09-27", next: "2025-09-28", roll: "2025-09-27"},
		{name: "CN ordinary weekend does not roll", code: "CN", day: "2025-10-12", next: "2025-10-13", roll: "2025-10-12"},
		{name: "CN last day of National Day 2026", code: "CN", day: "2026-10-07", next: "2026-10-08", roll: "2026-10-08"},
		{name: "CN 2020 extension rolls to 3 Feb", code: "CN", day: "2020-01-24", next: "2020-02-03", roll: "2020-02-03"},
		{name: "DE Easter 2025", code: "DE", day: "2025-04-17", next: "2025-04-22", roll: "2025-04-17"},
		{name: "DE Good Friday rolls over Easter Monday", code: "DE", day: "2025-04-18", next: "2025-04-22", roll: "2025-04-22"},
		{name: "NL Koningsdag on Saturday rolls to Monday", code: "NL", day: "2025-04-26", next: "2025-04-28", roll: "2025-04-28"},
		{name: "BE Christmas Thursday", code: "BE", day: "2025-12-25", next: "2025-12-26", roll: "2025-12-26"},
		{name: "outside coverage Friday", code: "NL", day: "2200-01-03", next: "2200-01-06", roll: "2200-01-03"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLookup(t, tt.code)
			d := MustParseDate(tt.day)
			if got := c.NextWorkingDay(d).String(); got != tt.next {
				t.Errorf("NextWorkingDay(%s) = %s, want %s", d, got, tt.next)
			}
			if got := c.RollForward(d).String(); got != tt.roll {
				t.Errorf("RollForward(%s) = %s, want %s", d, got, tt.roll)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	tests := []struct {
		name, code, day string
		n               int
		want            string
	}{
		{name: "zero is the day itself", code: "CN", day: "2025-10-01", n: 0, want: "2025-10-01"},
		{name: "Friday +1 lands on make-up Sunday", code: "CN", day: "2025-09-26", n: 1, want: "2025-09-28"},
		{name: "Friday +2 skips the Saturday", code: "CN", day: "2025-09-26", n: 2, want: "2025-09-29"},
		{name: "+1 jumps National Day", code: "CN", day: "2025-09-30", n: 1, want: "2025-10-09"},
		{name: "from inside a holiday", code: "CN", day: "2025-10-03", n: 1, want: "2025-10-09"},
		{name: "+3 uses make-up Saturday", code: "CN", day: "2025-10-08", n: 3, want: "2025-10-11"},
		{name: "-1 jumps back over National Day", code: "CN", day: "2025-10-09", n: -1, want: "2025-09-30"},
		{name: "-2 back to make-up Sunday", code: "CN", day: "2025-09-30", n: -2, want: "2025-09-28"},
		{name: "15 working days over Spring Festival 2024", code: "CN", day: "2024-02-01", n: 15, want: "2024-02-27"},
		{name: "DE over Easter", code: "DE", day: "2025-04-17", n: 1, want: "2025-04-22"},
		{name: "DE 10 working days over Christmas", code: "DE", day: "2025-12-19", n: 10, want: "2026-01-07"},
		{name: "DE backwards over Christmas", code: "DE", day: "2026-01-07", n: -10, want: "2025-12-19"},
		{name: "NL over Koningsdag Saturday", code: "NL", day: "2025-04-25", n: 1, want: "2025-04-28"},
		{name: "BE over Nationale Feestdag", code: "BE", day: "2025-07-18", n: 1, want: "2025-07-22"},
		{name: "outside coverage: weekdays only", code: "CN", day: "2030-09-30", n: 5, want: "2030-10-07"},
		{name: "out of and back into coverage", code: "CN", day: "2019-12-31", n: 1, want: "2020-01-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLookup(t, tt.code)
			if got := c.AddWorkingDays(MustParseDate(tt.day), tt.n).String(); got != tt.want {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, want %s", tt.day, tt.n, got, tt.want)
			}
		})
	}
}

// TestAddWorkingDaysCounts checks AddWorkingDays against a plain count in
// every calendar across its covered range: the result is a working day and
// exactly |n| working days lie between d (exclusive) and it.
func TestAddWorkingDaysCounts(t *testing.T) {
	for _, code := range Codes() {
		c := mustLookup(t, code)
		t.Run(code, func(t *testing.T) {
			// The whole range where it is short, else both of its ends.
			days := []Date{}
			for d := max(c.first-3, 1); d <= c.last+3; d++ {
				if c.last-c.first < 3000 || d-c.first < 400 || c.last-d < 400 {
					days = append(days, d)
				}
			}
			for _, d := range days {
				for _, n := range []int{1, 2, 5, 12, -1, -7} {
					got := c.AddWorkingDays(d, n)
					if !c.IsWorkingDay(got) {
						t.Fatalf("AddWorkingDays(%s, %d) = %s, not a working day", d, n, got)
					}
					lo, hi := d, got
					if n < 0 {
						lo, hi = got-1, d-1
					}
					count := 0
					for x := lo + 1; x <= hi; x++ {
						if c.IsWorkingDay(x) {
							count++
						}
					}
					if count != max(n, -n) {
						t.Fatalf("AddWorkingDays(%s, %d) = %s spans %d working days", d, n, got, count)
					}
				}
			}
		})
	}
}

func TestZeroDateInCalendars(t *testing.T) {
	c := mustLookup(t, "CN")
	if c.IsHoliday(0) || c.IsWorkingDay(0) || c.HolidayName(0) != "" {
		t.Error("the zero Date is a holiday or a working day")
	}
	if c.NextWorkingDay(0) != 0 || c.AddWorkingDays(0, 3) != 0 || c.RollForward(0) != 0 {
		t.Error("arithmetic on the zero Date produced a date")
	}
}

// TestWorkingDayDefinition checks every covered day of every calendar
// against the definition: working means a weekday that is not a holiday, or
// a make-up day, and a make-up day is never a holiday.
func TestWorkingDayDefinition(t *testing.T) {
	for _, code := range Codes() {
		c := mustLookup(t, code)
		t.Run(code, func(t *testing.T) {
			makeup := 0
			for d := c.first; d <= c.last; d++ {
				weekday := d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
				hol, work := c.IsHoliday(d), c.IsWorkingDay(d)
				if hol && work {
					t.Fatalf("%s is both a holiday and a working day", d)
				}
				if hol != (c.HolidayName(d) != "") {
					t.Fatalf("%s: IsHoliday %v but HolidayName %q", d, hol, c.HolidayName(d))
				}
				if !weekday && work {
					makeup++
				}
				if weekday && !hol && !work {
					t.Fatalf("%s is an ordinary weekday but not a working day", d)
				}
			}
			if code != "CN" && makeup != 0 {
				t.Fatalf("%d make-up working days in a calendar that has none", makeup)
			}
		})
	}
}

func TestHotPathsDoNotAllocate(t *testing.T) {
	c := mustLookup(t, "CN")
	d := MustParseDate("2025-10-01")
	var sinkB bool
	var sinkD Date
	var sinkS string
	tests := []struct {
		name string
		fn   func()
	}{
		{name: "IsHoliday", fn: func() { sinkB = c.IsHoliday(d) }},
		{name: "IsWorkingDay", fn: func() { sinkB = c.IsWorkingDay(d) }},
		{name: "HolidayName", fn: func() { sinkS = c.HolidayName(d) }},
		{name: "NextWorkingDay", fn: func() { sinkD = c.NextWorkingDay(d) }},
		{name: "AddWorkingDays", fn: func() { sinkD = c.AddWorkingDays(d, 30) }},
		{name: "RollForward", fn: func() { sinkD = c.RollForward(d) }},
		{name: "Lookup", fn: func() { c, _ = Lookup("CN") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := testing.AllocsPerRun(100, tt.fn); n != 0 {
				t.Fatalf("%s allocates %v times per call", tt.name, n)
			}
		})
	}
	_, _, _ = sinkB, sinkD, sinkS
}

// TestConcurrentFirstUse builds fresh calendars from many goroutines at once,
// which the race detector checks for unsynchronized table construction.
func TestConcurrentFirstUse(t *testing.T) {
	for _, proto := range registry {
		c := &Calendar{code: proto.code, first: proto.first, last: proto.last, build: proto.build}
		want := proto.IsWorkingDay(MustParseDate("2025-10-08"))
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if got := c.IsWorkingDay(MustParseDate("2025-10-08")); got != want {
					t.Errorf("%s: concurrent first use answered %v, want %v", c.code, got, want)
				}
			})
		}
		wg.Wait()
	}
}

func TestNewTablesRejectsBadData(t *testing.T) {
	first, last := MustParseDate("2025-01-01"), MustParseDate("2025-12-31")
	day := func(s string) Date { return MustParseDate(s) }
	tests := []struct {
		name    string
		entries []dayEntry
		wantErr string
	}{
		{name: "make-up day on a weekday", entries: []dayEntry{{day("2025-10-09"), day("2025-10-09"), kindWorkday, "x"}}, wantErr: "is a Thursday"},
		{name: "holiday and make-up day at once", entries: []dayEntry{
			{day("2025-10-11"), day("2025-10-11"), kindHoliday, "x"},
			{day("2025-10-11"), day("2025-10-11"), kindWorkday, "y"},
		}, wantErr: "both holiday and make-up working day"},
		{name: "outside range", entries: []dayEntry{{day("2026-01-01"), day("2026-01-01"), kindHoliday, "x"}}, wantErr: "outside"},
		{name: "reversed", entries: []dayEntry{{day("2025-01-03"), day("2025-01-02"), kindHoliday, "x"}}, wantErr: "reversed"},
		{name: "unknown kind", entries: []dayEntry{{day("2025-01-03"), day("2025-01-03"), 0, "x"}}, wantErr: "unknown kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newTables(first, last, tt.entries)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("newTables error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
