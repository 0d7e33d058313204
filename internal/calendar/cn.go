package calendar

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// China has no rule-based holiday calendar: the State Council fixes each
// year's days off and make-up working days by notice, usually in the
// preceding November, so the data is a file that grows by one year at a time.
//
//go:embed data/cn.txt
var cnData string

const (
	cnFirstYear = 2020
	cnLastYear  = 2026
	cnSource    = "General Office of the State Council of the PRC, 国务院办公厅关于YYYY年部分节假日安排的通知 for 2020-2026, with 国办发明电〔2020〕1号 extending the 2020 Spring Festival"
)

// buildCN reads the built-in years through the same parser and checks as
// a desk's calendar file (Set.Add).
func buildCN() ([]dayEntry, error) {
	blocks, err := parseCN(cnData)
	if err != nil {
		return nil, err
	}
	if err := checkNoticeYears(blocks, cnFirstYear); err != nil {
		return nil, err
	}
	return entriesOf(blocks), nil
}

func entriesOf(blocks []cnBlock) []dayEntry {
	entries := make([]dayEntry, len(blocks))
	for i, b := range blocks {
		entries[i] = b.dayEntry
	}
	return entries
}

// maxBlockDays bounds one days-off block: the longest any notice has given
// is ten days (the extended Spring Festival of 2020).
const maxBlockDays = 11

// checkNoticeYears checks what a notice's blocks must be, beyond their
// syntax: the years run on from firstYear without a gap, each year has at
// least one days-off block (a "year" line alone would claim a year without
// holidays, which no notice says), every block lies in its notice's year
// (a New Year's Day block may start on 31 December of the year before, as
// 2023's did), and no block is longer than a notice gives.
func checkNoticeYears(blocks []cnBlock, firstYear int) error {
	holidays := map[int]int{}
	lastYear := firstYear - 1
	for _, b := range blocks {
		switch {
		case b.year < firstYear:
			return fmt.Errorf("line %d: year %d is already covered: the years here must start with %d", b.line, b.year, firstYear)
		case b.year > lastYear+1:
			return fmt.Errorf("line %d: year %d leaves %d uncovered: years must follow each other from %d", b.line, b.year, lastYear+1, firstYear)
		}
		lastYear = b.year
		fy, fm, fd := b.first.YMD()
		ly, _, _ := b.last.YMD()
		newYearFromDec31 := b.kind == kindHoliday && fy == b.year-1 && fm == time.December && fd == 31
		if ly != b.year || (fy != b.year && !newYearFromDec31) {
			return fmt.Errorf("line %d: %s..%s is not in its notice's year %d", b.line, b.first, b.last, b.year)
		}
		if n := int(b.last-b.first) + 1; n > maxBlockDays {
			return fmt.Errorf("line %d: a block of %d days is longer than any notice gives (at most %d)", b.line, n, maxBlockDays)
		}
		if b.kind == kindHoliday {
			holidays[b.year]++
		}
	}
	if lastYear < firstYear {
		return fmt.Errorf("no year: want \"year %d\" and its days-off blocks", firstYear)
	}
	for y := firstYear; y <= lastYear; y++ {
		if holidays[y] == 0 {
			return fmt.Errorf("year %d has no days-off block (holiday line)", y)
		}
	}
	return nil
}

// cnBlock is one data line: a run of days and the notice year it belongs to,
// which the tests check the dates against.
type cnBlock struct {
	dayEntry
	year int
	line int
}

// parseCN reads the data/cn.txt format described in that file's header.
func parseCN(data string) ([]cnBlock, error) {
	var blocks []cnBlock
	year := 0
	for n, line := range strings.Split(data, "\n") {
		lineNo := n + 1
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		fields := strings.Fields(line)
		if fields[0] == "year" {
			if len(fields) != 2 {
				return nil, fmt.Errorf("line %d: want \"year YYYY\"", lineNo)
			}
			y, err := strconv.Atoi(fields[1])
			if err != nil || y <= year {
				return nil, fmt.Errorf("line %d: year %q is not a number greater than %d", lineNo, fields[1], year)
			}
			year = y
			continue
		}
		if year == 0 {
			return nil, fmt.Errorf("line %d: day line before the first \"year\" line", lineNo)
		}
		if len(fields) < 3 {
			return nil, fmt.Errorf("line %d: want DATE[..DATE] KIND NAME", lineNo)
		}
		b := cnBlock{year: year, line: lineNo}
		firstS, lastS, isRange := strings.Cut(fields[0], "..")
		var err error
		if b.first, err = ParseDate(firstS); err != nil {
			return nil, fmt.Errorf("line %d: %v", lineNo, err)
		}
		b.last = b.first
		if isRange {
			if b.last, err = ParseDate(lastS); err != nil {
				return nil, fmt.Errorf("line %d: %v", lineNo, err)
			}
			if b.last <= b.first {
				return nil, fmt.Errorf("line %d: range %s does not run forward", lineNo, fields[0])
			}
		}
		switch fields[1] {
		case "holiday":
			b.kind = kindHoliday
		case "workday":
			b.kind = kindWorkday
		default:
			return nil, fmt.Errorf("line %d: kind %q is neither holiday nor workday", lineNo, fields[1])
		}
		b.name = strings.Join(fields[2:], " ")
		blocks = append(blocks, b)
	}
	return blocks, nil
}
