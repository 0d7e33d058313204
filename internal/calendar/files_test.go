package calendar

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestLoadFSAddsAYear: a desk's calendar file for 2027 (a fixture shaped
// like a notice) extends China's calendar to 2027, and leaves the built-in
// calendars as they were.
func TestLoadFSAddsAYear(t *testing.T) {
	set, err := LoadFS(os.DirFS("testdata/calendars"))
	if err != nil {
		t.Fatal(err)
	}
	cn, ok := set.Lookup("CN")
	if !ok {
		t.Fatal("no CN in the set")
	}
	if first, last := cn.Years(); first != 2020 || last != 2027 {
		t.Errorf("Years() = %d, %d, want 2020, 2027", first, last)
	}
	if got := cn.Coverage(); got != "2020-01-01 to 2027-12-30" {
		t.Errorf("Coverage() = %q", got)
	}
	if src := cn.Source(); !strings.Contains(src, "State Council") || !strings.HasSuffix(src, "; 2027 from cn-2027.txt") {
		t.Errorf("Source() = %q, want the built-in source and the file", src)
	}
	spring := MustParseDate("2027-02-05")
	if !cn.Covers(spring) || !cn.IsHoliday(spring) || cn.HolidayName(spring) != "Spring Festival" {
		t.Errorf("2027-02-05: covered %v, holiday %q", cn.Covers(spring), cn.HolidayName(spring))
	}
	if got := cn.RollForward(spring); got != MustParseDate("2027-02-15") {
		t.Errorf("RollForward(2027-02-05) = %s, want 2027-02-15 (the block ends on Saturday the 13th)", got)
	}
	if !cn.IsWorkingDay(MustParseDate("2027-02-20")) {
		t.Error("Saturday 2027-02-20 is a make-up working day in the file")
	}
	// The built-in years are still there, and the built-in set unchanged.
	if cn.HolidayName(MustParseDate("2026-02-16")) != "Spring Festival" {
		t.Error("the extended calendar lost the built-in 2026")
	}
	builtinCN := mustLookup(t, "CN")
	if builtinCN.Covers(spring) || builtinCN.IsHoliday(spring) {
		t.Error("loading a file changed the built-in CN calendar")
	}
	nl, _ := set.Lookup("NL")
	if nl != mustLookup(t, "NL") {
		t.Error("the NL calendar was replaced though no file names it")
	}
	if got, want := strings.Join(set.Codes(), ","), strings.Join(Codes(), ","); got != want {
		t.Errorf("Codes() = %s, want %s", got, want)
	}
}

// TestAddChecksLikeTheBuiltinData: a calendar file goes through the checks
// the built-in data does, and each problem names the file and the line.
func TestAddChecksLikeTheBuiltinData(t *testing.T) {
	good, err := os.ReadFile("testdata/calendars/cn-2027.txt")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, data, wantErr string
	}{
		{name: "unknown calendar", file: "tw-2027.txt", data: string(good), wantErr: `tw-2027.txt: no calendar "TW"`},
		{name: "rule-based calendar", file: "nl-2101.txt", data: "year 2101\n2101-01-01 holiday Nieuwjaarsdag\n", wantErr: "nl-2101.txt: the NL calendar follows rules for 1990 to 2100"},
		{name: "no year", file: "cn-2027.txt", data: "# nothing yet\n", wantErr: "cn-2027.txt: no year"},
		{name: "a year already covered", file: "cn-2026.txt", data: "year 2026\n2026-01-01 holiday New Year's Day\n", wantErr: "line 2: year 2026 is already covered: the years here must start with 2027"},
		{name: "a gap", file: "cn-2028.txt", data: "year 2028\n2028-01-01 holiday New Year's Day\n", wantErr: "line 2: year 2028 leaves 2027 uncovered"},
		{name: "a year line alone", file: "cn-2027.txt", data: "year 2027\nyear 2028\n2028-01-01 holiday New Year's Day\n", wantErr: "year 2028 leaves 2027 uncovered"},
		{name: "no days off", file: "cn-2027.txt", data: "year 2027\n2027-02-20 workday Spring Festival\n", wantErr: "year 2027 has no days-off block"},
		{name: "block outside its year", file: "cn-2027.txt", data: "year 2027\n2028-01-01 holiday New Year's Day\n", wantErr: "line 2: 2028-01-01..2028-01-01 is not in its notice's year 2027"},
		{name: "block too long", file: "cn-2027.txt", data: "year 2027\n2027-02-01..2027-02-14 holiday Spring Festival\n", wantErr: "line 2: a block of 14 days"},
		{name: "make-up day on a weekday", file: "cn-2027.txt", data: "year 2027\n2027-01-01 holiday New Year's Day\n2027-02-19 workday Spring Festival\n", wantErr: "cn-2027.txt: make-up working day 2027-02-19 (Spring Festival) is a Friday"},
		{name: "holiday and make-up day at once", file: "cn-2027.txt", data: "year 2027\n2027-01-01..2027-01-03 holiday New Year's Day\n2027-01-02 workday New Year's Day\n", wantErr: "both holiday and make-up working day"},
		{name: "syntax", file: "cn-2027.txt", data: "year 2027\n2027-02-30 holiday Spring Festival\n", wantErr: `cn-2027.txt: line 2: invalid date "2027-02-30"`},
		{name: "too large", file: "cn-2027.txt", data: strings.Repeat("#", maxCalendarFile+1), wantErr: "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Builtin().Add(tt.file, []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Add error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
	// A New Year's Day block of the added year may start on 31 December of
	// the year before, which the built-in data then no longer decides.
	set, err := Builtin().Add("cn-2027.txt", []byte("year 2027\n2026-12-31..2027-01-02 holiday New Year's Day\n"))
	if err != nil {
		t.Fatal(err)
	}
	cn, _ := set.Lookup("CN")
	if d := MustParseDate("2026-12-31"); !cn.Covers(d) || cn.HolidayName(d) != "New Year's Day" {
		t.Errorf("2026-12-31 with the 2027 file: covered %v, holiday %q", cn.Covers(d), cn.HolidayName(d))
	}
	// Years are added one after another.
	two, err := set.Add("cn-2028.txt", []byte("year 2028\n2028-01-01 holiday New Year's Day\n"))
	if err != nil {
		t.Fatal(err)
	}
	cn, _ = two.Lookup("CN")
	if _, last := cn.Years(); last != 2028 || !cn.IsHoliday(MustParseDate("2026-12-31")) || !cn.IsHoliday(MustParseDate("2028-01-01")) {
		t.Errorf("after two files: last year %d", last)
	}
}

// TestBuiltinDataPassesTheFileChecks: the built-in years pass the checks a
// desk's file must pass.
func TestBuiltinDataPassesTheFileChecks(t *testing.T) {
	blocks, err := parseCN(cnData)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkNoticeYears(blocks, cnFirstYear); err != nil {
		t.Fatal(err)
	}
	if last := blocks[len(blocks)-1].year; last != cnLastYear {
		t.Errorf("the data ends with %d, cnLastYear is %d", last, cnLastYear)
	}
	if _, err := newTables(DateOf(cnFirstYear, time.January, 1), DateOf(cnLastYear, time.December, 31), entriesOf(blocks)); err != nil {
		t.Fatal(err)
	}
}

func TestFileCode(t *testing.T) {
	for name, want := range map[string]string{"cn-2027.txt": "CN", "cn.txt": "CN", "dir/CN-2028-notice.txt": "CN", "nl.txt": "NL"} {
		if got := FileCode(name); got != want {
			t.Errorf("FileCode(%q) = %q, want %q", name, got, want)
		}
	}
}
