package calendar

import (
	"testing"
	"time"
)

func TestLastDayOfTerm(t *testing.T) {
	tests := []struct {
		name          string
		start         string
		years, months int
		want          string
	}{
		{name: "two years, ordinary day", start: "2024-03-15", years: 2, want: "2026-03-14"},
		{name: "leap day plus one year", start: "2024-02-29", years: 1, want: "2025-02-28"},
		{name: "leap day plus four years", start: "2024-02-29", years: 4, want: "2028-02-28"},
		{name: "leap day plus 100 years (2124 is leap)", start: "2024-02-29", years: 100, want: "2124-02-28"},
		{name: "leap day plus 76 years (2100 is not leap)", start: "2024-02-29", years: 76, want: "2100-02-28"},
		{name: "31 Jan plus one month, leap year", start: "2024-01-31", months: 1, want: "2024-02-29"},
		{name: "31 Jan plus one month, common year", start: "2023-01-31", months: 1, want: "2023-02-28"},
		{name: "30 Jan plus one month, common year", start: "2023-01-30", months: 1, want: "2023-02-28"},
		{name: "29 Jan plus one month, common year", start: "2023-01-29", months: 1, want: "2023-02-28"},
		{name: "28 Jan plus one month, common year", start: "2023-01-28", months: 1, want: "2023-02-27"},
		{name: "31 Mar plus one month", start: "2025-03-31", months: 1, want: "2025-04-30"},
		{name: "1st of month plus one month", start: "2025-03-01", months: 1, want: "2025-03-31"},
		{name: "1 Jan plus one year", start: "2025-01-01", years: 1, want: "2025-12-31"},
		{name: "months cross year end", start: "2025-11-15", months: 3, want: "2026-02-14"},
		{name: "31 Aug plus six months", start: "2025-08-31", months: 6, want: "2026-02-28"},
		{name: "years and months combine", start: "2024-05-20", years: 1, months: 6, want: "2025-11-19"},
		{name: "24 months equals two years", start: "2024-03-15", months: 24, want: "2026-03-14"},
		{name: "empty term ends the day before", start: "2024-01-01", want: "2023-12-31"},
		{name: "empty term mid-month", start: "2025-06-10", want: "2025-06-09"},
		{name: "negative month, mechanical", start: "2025-03-31", months: -1, want: "2025-02-28"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LastDayOfTerm(MustParseDate(tt.start), tt.years, tt.months)
			if got.String() != tt.want {
				t.Fatalf("LastDayOfTerm(%s, %d, %d) = %s, want %s", tt.start, tt.years, tt.months, got, tt.want)
			}
		})
	}
}

func TestLastDayOfTermZeroStart(t *testing.T) {
	if got := LastDayOfTerm(0, 2, 0); got != 0 {
		t.Fatalf("LastDayOfTerm(zero) = %v, want zero", got)
	}
}

// TestLastDayOfTermProperties checks, for every start day over several
// years, that the day after the term is the start day's number in the
// target month, or the 1st of the month after when the target month is too
// short, and that a later start never ends a term earlier.
func TestLastDayOfTermProperties(t *testing.T) {
	start, end := MustParseDate("2023-01-01"), MustParseDate("2029-01-01")
	for _, months := range []int{1, 6, 12, 24, 30} {
		prev := Date(0)
		for d := start; d < end; d++ {
			got := LastDayOfTerm(d, 0, months)
			if got < prev {
				t.Fatalf("%d months: start %s ends %s, before the previous start's end %s", months, d, got, prev)
			}
			prev = got
			sy, sm, sd := d.YMD()
			target := DateOf(sy, sm+time.Month(months), 1)
			ty, tm, _ := target.YMD()
			after := got.AddDays(1)
			ay, am, ad := after.YMD()
			switch {
			case ay == ty && am == tm && ad == sd:
			case sd > daysIn(ty, tm) && after == DateOf(ty, tm+1, 1):
			default:
				t.Fatalf("%d months from %s ends %s", months, d, got)
			}
		}
	}
}
