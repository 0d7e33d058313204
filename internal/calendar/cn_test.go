package calendar

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestCNDataFile checks data/cn.txt itself: it parses, make-up days fall on
// weekends, blocks sit in their notice's year, and each year's totals match
// the "共N天" counts and make-up days of its notice, which catches a mistyped
// date in any block.
func TestCNDataFile(t *testing.T) {
	blocks, err := parseCN(cnData)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cnData, "国务院办公厅关于YYYY年部分节假日安排的通知") ||
		!strings.Contains(cnData, "国务院办公厅关于延长2020年春节假期的通知") {
		t.Error("the data file header does not name its official sources")
	}

	type totals struct{ holidayDays, workdays, holidayBlocks int }
	want := map[int]totals{
		// Notice: NY 1 + SF 7, extended to 10 + QM 3 + LD 5 + DB 3 + ND/MA 8.
		2020: {holidayDays: 30, workdays: 6, holidayBlocks: 6},
		2021: {holidayDays: 3 + 7 + 3 + 5 + 3 + 3 + 7, workdays: 7, holidayBlocks: 7},
		2022: {holidayDays: 3 + 7 + 3 + 5 + 3 + 3 + 7, workdays: 7, holidayBlocks: 7},
		2023: {holidayDays: 3 + 7 + 1 + 5 + 3 + 8, workdays: 7, holidayBlocks: 6},
		2024: {holidayDays: 1 + 8 + 3 + 5 + 1 + 3 + 7, workdays: 8, holidayBlocks: 7},
		2025: {holidayDays: 1 + 8 + 3 + 5 + 3 + 8, workdays: 5, holidayBlocks: 6},
		2026: {holidayDays: 3 + 9 + 3 + 5 + 3 + 3 + 7, workdays: 6, holidayBlocks: 7},
	}
	got := map[int]totals{}
	for _, b := range blocks {
		where := fmt.Sprintf("%s (line %d)", b.first, b.line)
		if b.year < cnFirstYear || b.year > cnLastYear {
			t.Errorf("%s: notice year %d outside %d..%d", where, b.year, cnFirstYear, cnLastYear)
		}
		fy, fm, fd := b.first.YMD()
		ly, _, _ := b.last.YMD()
		newYearFromDec31 := b.kind == kindHoliday && b.name == "New Year's Day" &&
			fy == b.year-1 && fm == time.December && fd == 31
		if ly != b.year || (fy != b.year && !newYearFromDec31) {
			t.Errorf("%s..%s: not in its notice's year %d", where, b.last, b.year)
		}
		if b.last-b.first > 10 {
			t.Errorf("%s: block of %d days is longer than any notice gives", where, b.last-b.first+1)
		}
		tot := got[b.year]
		n := int(b.last-b.first) + 1
		switch b.kind {
		case kindWorkday:
			for d := b.first; d <= b.last; d++ {
				if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
					t.Errorf("%s: make-up working day %s is a %s", where, d, wd)
				}
			}
			tot.workdays += n
		case kindHoliday:
			tot.holidayDays += n
			tot.holidayBlocks++
		}
		got[b.year] = tot
	}
	for y := cnFirstYear; y <= cnLastYear; y++ {
		if got[y] != want[y] {
			t.Errorf("%d: got %+v, want %+v from the notice", y, got[y], want[y])
		}
	}
	if _, err := newTables(DateOf(cnFirstYear, 1, 1), DateOf(cnLastYear, 12, 31), func() []dayEntry {
		es, _ := buildCN()
		return es
	}()); err != nil {
		t.Errorf("tables reject the data: %v", err)
	}
}

func TestParseCNErrors(t *testing.T) {
	tests := []struct {
		name, data, wantErr string
	}{
		{name: "day before year", data: "2025-01-01 holiday X\n", wantErr: "before the first \"year\""},
		{name: "bad kind", data: "year 2025\n2025-01-01 holday X\n", wantErr: "neither holiday nor workday"},
		{name: "missing name", data: "year 2025\n2025-01-01 holiday\n", wantErr: "want DATE[..DATE] KIND NAME"},
		{name: "bad date", data: "year 2025\n2025-02-30 holiday X\n", wantErr: "line 2: invalid date \"2025-02-30\""},
		{name: "backward range", data: "year 2025\n2025-02-03..2025-02-01 holiday X\n", wantErr: "does not run forward"},
		{name: "years out of order", data: "year 2025\nyear 2024\n", wantErr: "greater than 2025"},
		{name: "year not a number", data: "year twenty\n", wantErr: "is not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseCN(tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("parseCN error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
