package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// A report is tables; each face shows a table as it is (JSON, CSV, an HTML
// table) and draws its chart from the same rows, so a chart, its table
// and the CSV can never disagree.

// Kind is what a column holds, which says how a face shows it.
type Kind string

const (
	KindText  Kind = "text"  // a name as stored: a model, a serial
	KindCode  Kind = "code"  // a name from a vocabulary (Column.Codes), which faces translate
	KindMonth Kind = "month" // "YYYY-MM"
	KindCount Kind = "count" // an integer
	KindRate  Kind = "rate"  // a fraction 0..1, null where it has no denominator
	KindDays  Kind = "days"  // a duration in days (two decimals), null where there is none
	KindMoney Kind = "money" // integer cents of the row's currency column
)

// Column is one column of a table.
type Column struct {
	ID   string `json:"id"`
	Kind Kind   `json:"kind"`
	// Codes names the vocabulary of a code column: reason, condition,
	// finding, state, deadline, money.
	Codes string `json:"codes,omitempty"`
}

// Value is one cell of a table: string, int64, float64, or nil (no
// value: a rate without a denominator, a percentile of nothing).
type Value = any

// Table is one table of a report: columns and rows, and the chart that
// draws it.
type Table struct {
	ID      string
	Columns []Column
	Rows    [][]Value
	Chart   *Chart
}

// Chart says how a table is drawn: which column names the bars (Label,
// joined when several), which columns are drawn (Series), and which rows:
// the first Limit (0: all) of those whose Where columns hold the values
// given. The chart's numbers are the table's.
type Chart struct {
	Kind   ChartKind         `json:"kind"`
	Label  []string          `json:"label"`
	Series []string          `json:"series"`
	Line   string            `json:"line,omitempty"` // pareto: the cumulative share
	Limit  int               `json:"limit,omitempty"`
	Where  map[string]string `json:"where,omitempty"`
}

// ChartKind is how a chart draws its series.
type ChartKind string

const (
	ChartBars    ChartKind = "bars"    // one horizontal bar a row and series, side by side
	ChartStacked ChartKind = "stacked" // one horizontal bar a row, the series stacked
	ChartColumns ChartKind = "columns" // one column a row (a month, a bucket), the series side by side
	ChartPareto  ChartKind = "pareto"  // columns largest first, with the cumulative share as a line
)

// Col is the index of column id, or -1.
func (t *Table) Col(id string) int {
	for i, c := range t.Columns {
		if c.ID == id {
			return i
		}
	}
	return -1
}

// ChartRows are the rows the table's chart draws.
func (t *Table) ChartRows() [][]Value {
	if t.Chart == nil {
		return nil
	}
	var out [][]Value
	for _, row := range t.Rows {
		keep := true
		for col, want := range t.Chart.Where {
			if i := t.Col(col); i < 0 || fmt.Sprint(row[i]) != want {
				keep = false
			}
		}
		if keep {
			out = append(out, row)
			if t.Chart.Limit > 0 && len(out) == t.Chart.Limit {
				break
			}
		}
	}
	return out
}

// MarshalJSON writes the table with its rows as objects by column ID.
func (t Table) MarshalJSON() ([]byte, error) {
	rows := make([]json.RawMessage, len(t.Rows))
	for i, row := range t.Rows {
		var b bytes.Buffer
		b.WriteByte('{')
		for j, c := range t.Columns {
			if j > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(c.ID)
			b.Write(k)
			b.WriteByte(':')
			v, err := json.Marshal(row[j])
			if err != nil {
				return nil, err
			}
			b.Write(v)
		}
		b.WriteByte('}')
		rows[i] = b.Bytes()
	}
	return json.Marshal(struct {
		ID      string            `json:"id"`
		Columns []Column          `json:"columns"`
		Rows    []json.RawMessage `json:"rows"`
		Chart   *Chart            `json:"chart,omitempty"`
	}{t.ID, t.Columns, rows, t.Chart})
}

// WriteCSV writes the table as CSV (RFC 4180): a header of the column IDs,
// then a line a row. Money is a decimal with two places (the currency is
// its own column), a rate a fraction with six, days with two; no value
// is an empty field. Text that a spreadsheet would take for a formula
// (starting with = + - @, a tab or a carriage return) is written after an
// apostrophe, as OWASP advises, so a serial or a model cannot run in
// someone's spreadsheet.
func (t *Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.ID
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for i, c := range t.Columns {
			rec[i] = CSVValue(c.Kind, row[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// CSVValue is one value as the CSV writes it.
func CSVValue(k Kind, v Value) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if x != "" && (k == KindText || k == KindCode) {
			switch x[0] {
			case '=', '+', '-', '@', '\t', '\r':
				return "'" + x
			}
		}
		return x
	case int64:
		if k == KindMoney {
			return Decimal(x)
		}
		return strconv.FormatInt(x, 10)
	case float64:
		switch k {
		case KindRate:
			return strconv.FormatFloat(x, 'f', 6, 64)
		default:
			return strconv.FormatFloat(x, 'f', 2, 64)
		}
	}
	return fmt.Sprint(v)
}

// Decimal is cents as a decimal with two places: -1234 is "-12.34".
func Decimal(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign, u = "-", uint64(-cents)
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// rate is n/d, or nil without a denominator.
func rate(n, d int64) Value {
	if d == 0 {
		return nil
	}
	return float64(n) / float64(d)
}

// days is seconds in days, to two places, or nil when !ok.
func days(seconds float64, ok bool) Value {
	if !ok {
		return nil
	}
	return math.Round(seconds/864) / 100
}
