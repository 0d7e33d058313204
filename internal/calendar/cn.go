package calendar

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
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

func buildCN() ([]dayEntry, error) {
	blocks, err := parseCN(cnData)
	if err != nil {
		return nil, err
	}
	entries := make([]dayEntry, len(blocks))
	for i, b := range blocks {
		entries[i] = b.dayEntry
	}
	return entries, nil
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
