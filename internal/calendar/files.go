package calendar

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"
)

// A desk decides with a Set of calendars: the built-in ones, and for a
// calendar kept from yearly notices (China's) the years its calendar files
// add. China's State Council publishes the next year's days off each
// November; a desk adds that year as a file, in the format of data/cn.txt,
// without waiting for a release, and the file goes through the same parser
// and checks as the built-in years.

// Set is a group of calendars by code. A Set is immutable; Add returns a
// new one.
type Set struct {
	cals []*Calendar // in Codes order
}

// builtin is the calendars compiled into the binary.
var builtin = &Set{cals: registry}

// Builtin returns the calendars compiled into the binary.
func Builtin() *Set { return builtin }

// Lookup returns the calendar for an upper-case country code.
func (s *Set) Lookup(code string) (*Calendar, bool) {
	for _, c := range s.cals {
		if c.code == code {
			return c, true
		}
	}
	return nil, false
}

// Codes returns the set's country codes, sorted. The slice is the caller's.
func (s *Set) Codes() []string {
	codes := make([]string, len(s.cals))
	for i, c := range s.cals {
		codes[i] = c.code
	}
	return codes
}

// Calendars returns the set's calendars in Codes order. The slice is the
// caller's.
func (s *Set) Calendars() []*Calendar { return append([]*Calendar(nil), s.cals...) }

// maxCalendarFile bounds a calendar file: a year is about fifteen lines.
const maxCalendarFile = 1 << 20

// FileCode returns the calendar code a calendar file's name gives: the
// name up to its first "-" or ".", in upper case ("cn-2027.txt" and
// "cn.txt" are CN's).
func FileCode(name string) string {
	base := path.Base(name)
	if i := strings.IndexAny(base, "-."); i >= 0 {
		base = base[:i]
	}
	return strings.ToUpper(base)
}

// Add returns s with the years of one calendar file added to the calendar
// its name gives (FileCode). The file has the format of data/cn.txt; its
// years must follow the calendar's last covered year without a gap, and it
// is checked as the built-in data is (checkNoticeYears, newTables): every
// problem is an error naming the file and the line. Only calendars kept
// from notices take files; the others follow rules over their whole range.
func (s *Set) Add(name string, data []byte) (*Set, error) {
	code := FileCode(name)
	base, ok := s.Lookup(code)
	if !ok {
		return nil, fmt.Errorf("%s: no calendar %q: a calendar file's name starts with the calendar's code (%s), as in cn-2027.txt",
			name, code, strings.ToLower(strings.Join(s.Codes(), ", ")))
	}
	if !base.notices {
		first, last := base.Years()
		return nil, fmt.Errorf("%s: the %s calendar follows rules for %d to %d; calendar files add years only to calendars kept from yearly notices (CN)", name, code, first, last)
	}
	if len(data) > maxCalendarFile {
		return nil, fmt.Errorf("%s: file is larger than %d bytes", name, maxCalendarFile)
	}
	blocks, err := parseCN(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	_, lastYear := base.Years()
	if err := checkNoticeYears(blocks, lastYear+1); err != nil {
		return nil, fmt.Errorf("%s: %w (the %s calendar covers %s)", name, err, code, base.Coverage())
	}
	baseEntries, err := base.build()
	if err != nil {
		return nil, fmt.Errorf("%s: the %s calendar's own data: %w", name, code, err)
	}
	entries := append(append([]dayEntry(nil), baseEntries...), entriesOf(blocks)...)
	newLast := blocks[len(blocks)-1].year
	c := &Calendar{
		code:    code,
		source:  fmt.Sprintf("%s; %s from %s", base.source, yearSpan(lastYear+1, newLast), path.Base(name)),
		first:   base.first,
		last:    DateOf(newLast, time.December, 31),
		notices: true,
	}
	c.through = c.last - 1
	t, err := newTables(c.first, c.last, entries)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	// The tables are built and checked here, at load, so that a bad file
	// is an error now rather than a panic on first use.
	c.tab.Store(t)
	c.build = func() ([]dayEntry, error) { return entries, nil }
	out := &Set{cals: append([]*Calendar(nil), s.cals...)}
	for i := range out.cals {
		if out.cals[i].code == code {
			out.cals[i] = c
		}
	}
	return out, nil
}

// LoadFS returns the built-in calendars with every *.txt file at the top of
// fsys added, in name order (cn-2027.txt before cn-2028.txt). Other files
// are ignored, so a README may sit beside them.
func LoadFS(fsys fs.FS) (*Set, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	set := Builtin()
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".txt" {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		if set, err = set.Add(e.Name(), data); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// Coverage says in words which days the calendar decides: "2020-01-01 to
// 2026-12-30".
func (c *Calendar) Coverage() string { return c.first.String() + " to " + c.through.String() }

func yearSpan(first, last int) string {
	if first == last {
		return fmt.Sprint(first)
	}
	return fmt.Sprintf("%d-%d", first, last)
}
