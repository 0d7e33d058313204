package calendar

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Date   // checked when wantErr is ""
		wantErr string // substring of the error
	}{
		{name: "ordinary", in: "2025-10-01", want: DateOf(2025, time.October, 1)},
		{name: "first representable", in: "0001-01-01", want: 1},
		{name: "last representable", in: "9999-12-31", want: maxDate},
		{name: "leap 2024", in: "2024-02-29", want: DateOf(2024, time.February, 29)},
		{name: "leap 2000 (400 rule)", in: "2000-02-29", want: DateOf(2000, time.February, 29)},
		{name: "month end 30", in: "2025-04-30", want: DateOf(2025, time.April, 30)},
		{name: "month end 31", in: "2025-12-31", want: DateOf(2025, time.December, 31)},

		{name: "not leap 1900 (100 rule)", in: "1900-02-29", wantErr: "day out of range (February 1900 has 28 days)"},
		{name: "not leap 2023", in: "2023-02-29", wantErr: "day out of range (February 2023 has 28 days)"},
		{name: "April 31", in: "2025-04-31", wantErr: "day out of range (April 2025 has 30 days)"},
		{name: "day 00", in: "2025-01-00", wantErr: "day out of range"},
		{name: "month 13", in: "2024-13-01", wantErr: `invalid date "2024-13-01": month out of range`},
		{name: "month 00", in: "2024-00-01", wantErr: "month out of range"},
		{name: "year 0000", in: "0000-01-01", wantErr: "year 0000 out of range"},
		{name: "empty", in: "", wantErr: "want YYYY-MM-DD (10 bytes), got 0 bytes"},
		{name: "single-digit month", in: "2024-1-01", wantErr: "got 9 bytes"},
		{name: "too long", in: "2024-01-011", wantErr: "got 11"},
		{name: "trailing newline", in: "2024-01-01\n", wantErr: "got 11"},
		{name: "datetime", in: "2024-01-01T00:00:00Z", wantErr: "got 20"},
		{name: "slashes", in: "2024/01/01", wantErr: "'-' after the year and the month"},
		{name: "letters in year", in: "20x4-01-01", wantErr: "year is not four digits"},
		{name: "letters in month", in: "2024-o1-01", wantErr: "month is not two digits"},
		{name: "letters in day", in: "2024-01-0l", wantErr: "day is not two digits"},
		{name: "sign in day", in: "2024-01-+1", wantErr: "day is not two digits"},
		{name: "space padded", in: "2024-01- 1", wantErr: "day is not two digits"},
		{name: "five-digit year", in: "12024-1-01", wantErr: "'-' after the year"},
		{name: "negative year", in: "-024-01-01", wantErr: "year is not four digits"},
		{name: "signed year", in: "+024-01-01", wantErr: "year is not four digits"},
		{name: "NUL in year", in: "\x00001-01-01", wantErr: "year is not four digits"},
		{name: "NUL in month", in: "2024-\x001-01", wantErr: "month is not two digits"},
		{name: "full-width digit", in: "２4-01-01", wantErr: "year is not four digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %v, want error containing %q", tt.in, got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseDate(%q) error = %q, want it to contain %q", tt.in, err, tt.wantErr)
				}
				if !strings.HasPrefix(err.Error(), "invalid date ") {
					t.Errorf("error %q does not name the input", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("ParseDate(%q) = %d, want %d", tt.in, got, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestMustParseDatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("MustParseDate(\"2023-02-29\") did not panic")
		}
	}()
	MustParseDate("2023-02-29")
}

// TestCivilAgainstTime walks every day from 1900 to 2200 and checks the
// hand-written civil arithmetic against the time package.
func TestCivilAgainstTime(t *testing.T) {
	tm := time.Date(1900, time.January, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2201, time.January, 1, 0, 0, 0, 0, time.UTC)
	prev := DateOf(1899, time.December, 31)
	var buf []byte
	for ; tm.Before(end); tm = tm.AddDate(0, 0, 1) {
		y, m, d := tm.Date()
		got := DateOf(y, m, d)
		if got != prev+1 {
			t.Fatalf("DateOf(%d, %d, %d) = %d, want consecutive %d", y, m, d, got, prev+1)
		}
		prev = got
		if gy, gm, gd := got.YMD(); gy != y || gm != m || gd != d {
			t.Fatalf("%v.YMD() = %d-%d-%d, want %d-%d-%d", tm, gy, gm, gd, y, m, d)
		}
		if got.Weekday() != tm.Weekday() {
			t.Fatalf("%v.Weekday() = %v, want %v", got, got.Weekday(), tm.Weekday())
		}
		if !got.Time().Equal(tm) {
			t.Fatalf("%v.Time() = %v, want %v", got, got.Time(), tm)
		}
		buf = got.AppendFormat(buf[:0])
		if want := tm.Format(time.DateOnly); string(buf) != want {
			t.Fatalf("AppendFormat = %q, want %q", buf, want)
		}
	}
}

func TestDateEdges(t *testing.T) {
	tests := []struct {
		name string
		got  Date
		want string
	}{
		{name: "Date 1 is 0001-01-01", got: 1, want: "0001-01-01"},
		{name: "maxDate is 9999-12-31", got: maxDate, want: "9999-12-31"},
		{name: "zero prints empty", got: 0, want: ""},
		{name: "Feb 29 of a common year normalizes", got: DateOf(2025, time.February, 29), want: "2025-03-01"},
		{name: "month 13 is January next year", got: DateOf(2024, 13, 1), want: "2025-01-01"},
		{name: "month 0 is December last year", got: DateOf(2024, 0, 15), want: "2023-12-15"},
		{name: "month -13", got: DateOf(2024, -13, 1), want: "2022-11-01"},
		{name: "day 0 is last day of previous month", got: DateOf(2024, time.March, 0), want: "2024-02-29"},
		{name: "negative day", got: DateOf(2024, time.January, -30), want: "2023-12-01"},
		{name: "day 366", got: DateOf(2023, time.January, 366), want: "2024-01-01"},
		{name: "AddDays forward", got: MustParseDate("2024-02-28").AddDays(2), want: "2024-03-01"},
		{name: "AddDays back over year", got: MustParseDate("2025-01-01").AddDays(-1), want: "2024-12-31"},
		{name: "AddDays keeps zero zero", got: Date(0).AddDays(5), want: ""},
		{name: "year 10000 prints wide", got: maxDate + 1, want: "10000-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s := tt.got.String(); s != tt.want {
				t.Fatalf("got %q, want %q", s, tt.want)
			}
		})
	}
}

func TestDateOfMatchesTimeDateNormalization(t *testing.T) {
	for y := 1999; y <= 2001; y++ {
		for m := -14; m <= 27; m++ {
			for d := -40; d <= 70; d++ {
				want := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
				if got := DateOf(y, time.Month(m), d); !got.Time().Equal(want) {
					t.Fatalf("DateOf(%d, %d, %d) = %v, want %v", y, m, d, got, want.Format(time.DateOnly))
				}
			}
		}
	}
}

func TestZeroDate(t *testing.T) {
	var d Date
	if !d.IsZero() {
		t.Error("zero Date is not IsZero")
	}
	if MustParseDate("0001-01-01").IsZero() {
		t.Error("0001-01-01 is IsZero")
	}
	if !d.Time().IsZero() {
		t.Errorf("zero Date.Time() = %v, want zero time", d.Time())
	}
	if got := d.AppendFormat([]byte("x")); string(got) != "x" {
		t.Errorf("zero AppendFormat appended %q", got[1:])
	}
}

func TestTextMarshaling(t *testing.T) {
	type record struct {
		Delivered Date `json:"delivered"`
		Returned  Date `json:"returned,omitzero"`
	}
	tests := []struct {
		name string
		in   record
		want string
	}{
		{name: "both set", in: record{MustParseDate("2025-01-02"), MustParseDate("2025-02-03")}, want: `{"delivered":"2025-01-02","returned":"2025-02-03"}`},
		{name: "omitzero drops unset", in: record{Delivered: MustParseDate("2025-01-02")}, want: `{"delivered":"2025-01-02"}`},
		{name: "unset without omitzero is empty string", in: record{}, want: `{"delivered":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Fatalf("Marshal = %s, want %s", b, tt.want)
			}
			if tt.in.Delivered.IsZero() {
				return // "" does not unmarshal, by design
			}
			var back record
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if back != tt.in {
				t.Fatalf("round trip = %+v, want %+v", back, tt.in)
			}
		})
	}
}

func TestTextUnmarshalErrors(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{name: "empty", in: "", wantErr: `invalid date ""`},
		{name: "bad day", in: "2023-02-29", wantErr: "day out of range"},
		{name: "datetime", in: "2023-02-01T10:00:00Z", wantErr: "got 20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := MustParseDate("2000-01-01")
			err := d.UnmarshalText([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("UnmarshalText(%q) = %v, want error containing %q", tt.in, err, tt.wantErr)
			}
			if d != MustParseDate("2000-01-01") {
				t.Errorf("failed UnmarshalText changed the Date to %v", d)
			}
		})
	}
}

func TestMarshalTextRange(t *testing.T) {
	tests := []struct {
		name    string
		d       Date
		want    string
		wantErr bool
	}{
		{name: "zero is empty", d: 0, want: ""},
		{name: "first", d: minDate, want: "0001-01-01"},
		{name: "last", d: maxDate, want: "9999-12-31"},
		{name: "after last", d: maxDate + 1, wantErr: true},
		{name: "before first", d: -1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.d.MarshalText()
			if tt.wantErr {
				if err == nil {
					t.Fatalf("MarshalText(%d) = %q, want error", tt.d, b)
				}
				return
			}
			if err != nil || string(b) != tt.want || b == nil {
				t.Fatalf("MarshalText(%d) = %q (nil=%v), %v; want %q", tt.d, b, b == nil, err, tt.want)
			}
		})
	}
}

func TestDateHotPathsDoNotAllocate(t *testing.T) {
	d := MustParseDate("2024-02-29")
	buf := make([]byte, 0, 32)
	text := []byte("2025-10-01")
	var sink Date
	tests := []struct {
		name string
		fn   func()
	}{
		{name: "ParseDate", fn: func() { sink, _ = ParseDate("2025-10-01") }},
		{name: "UnmarshalText", fn: func() { _ = sink.UnmarshalText(text) }},
		{name: "AppendFormat", fn: func() { buf = d.AppendFormat(buf[:0]) }},
		{name: "YMD", fn: func() { y, _, _ := d.YMD(); sink = Date(y) }},
		{name: "Weekday", fn: func() { sink = Date(d.Weekday()) }},
		{name: "AddDays", fn: func() { sink = d.AddDays(400) }},
		{name: "DateOf", fn: func() { sink = DateOf(2025, 14, 40) }},
		{name: "LastDayOfTerm", fn: func() { sink = LastDayOfTerm(d, 1, 0) }},
		{name: "Time", fn: func() { sink = Date(d.Time().Day()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := testing.AllocsPerRun(100, tt.fn); n != 0 {
				t.Fatalf("%s allocates %v times per call", tt.name, n)
			}
		})
	}
	_ = sink
}

// FuzzParseDate checks that whatever ParseDate accepts prints back exactly,
// and that it accepts exactly what time.Parse accepts for the same layout in
// years 0001-9999.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", "0001-01-01", "9999-12-31", "0000-01-01", "2024-1-01", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		tm, terr := time.Parse(time.DateOnly, s)
		if err != nil {
			// time.Parse also takes a signed year ("+024"), which the strict
			// form does not, so only all-digit input must agree.
			if terr == nil && tm.Year() >= 1 && allDigitsForm(s) {
				t.Fatalf("ParseDate(%q) failed (%v) but time.Parse accepts it", s, err)
			}
			return
		}
		if got := d.String(); got != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, got)
		}
		if terr != nil {
			t.Fatalf("ParseDate(%q) accepted what time.Parse rejects: %v", s, terr)
		}
		if !d.Time().Equal(tm) {
			t.Fatalf("ParseDate(%q) = %v, time.Parse = %v", s, d.Time(), tm)
		}
		var back Date
		b, err := d.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		if err := back.UnmarshalText(b); err != nil || back != d {
			t.Fatalf("text round trip of %q = %v, %v", s, back, err)
		}
	})
}

// allDigitsForm reports whether s is "DDDD-DD-DD" with ASCII digits.
func allDigitsForm(s string) bool {
	if len(s) != 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// TestStringTable checks the precomputed texts against the formatter at
// their edges and across them, and that String does not allocate there.
func TestStringTable(t *testing.T) {
	for _, d := range []Date{textFirst - 1, textFirst, textFirst + 1, DateOf(2024, 2, 29), DateOf(2026, 12, 31), textLast - 1, textLast, textLast + 1, 1, 0} {
		if got, want := d.String(), string(d.AppendFormat(nil)); got != want {
			t.Errorf("Date(%d).String() = %q, want %q", int32(d), got, want)
		}
	}
	for d := textFirst; d <= textLast; d += 37 {
		if got, want := d.String(), string(d.AppendFormat(nil)); got != want {
			t.Fatalf("Date(%d).String() = %q, want %q", int32(d), got, want)
		}
	}
	d := DateOf(2026, 12, 6)
	if n := testing.AllocsPerRun(100, func() { _ = d.String() }); n != 0 {
		t.Errorf("String allocates %v times for %s", n, d)
	}
}
