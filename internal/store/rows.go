package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Rows are new rows of one table, inserted together (Dialect.InsertRows).
type Rows struct {
	Table  string
	Cols   []string
	Values [][]any // one slice a row, in Cols' order
	// Returning, when set, names the two columns the insert gives back for
	// each row: its ID and an integer that tells the rows apart ("id,
	// line_no"), since neither database promises to return rows in the
	// order they were given.
	Returning string
}

// Placeholders is "($from, ..., $k), (...)": one group a row, numbered on
// from the parameter from.
func (s Rows) Placeholders(from int) string {
	groups := make([]string, len(s.Values))
	for i, r := range s.Values {
		if len(r) != len(s.Cols) {
			panic(fmt.Sprintf("store: %s row %d has %d values for %d columns", s.Table, i, len(r), len(s.Cols)))
		}
		groups[i] = "(" + params(from+i*len(s.Cols), len(s.Cols)) + ")"
	}
	return strings.Join(groups, ", ")
}

// Args are the rows' values, one after the other.
func (s Rows) Args() []any {
	args := make([]any, 0, len(s.Values)*len(s.Cols))
	for _, r := range s.Values {
		args = append(args, r...)
	}
	return args
}

// insertTexts caches InsertEach's statements by table, row count and
// returning columns: SQLite's writer prepares each text once.
var insertTexts sync.Map

// InsertEach inserts sets one statement a table: an INSERT of all its
// rows. It is Dialect.InsertRows for a database without data-modifying
// CTEs (SQLite), where a statement costs no round trip.
func InsertEach(ctx context.Context, q Querier, sets []Rows, got func(set int, id int64, n int)) error {
	for i, s := range sets {
		if len(s.Values) == 0 {
			continue
		}
		key := s.Table + "/" + strconv.Itoa(len(s.Values)) + "/" + s.Returning
		text, ok := insertTexts.Load(key)
		if !ok {
			t := fmt.Sprintf("INSERT INTO %s (%s) VALUES %s", s.Table, strings.Join(s.Cols, ", "), s.Placeholders(1))
			if s.Returning != "" {
				t += " RETURNING " + s.Returning
			}
			text, _ = insertTexts.LoadOrStore(key, t)
		}
		if s.Returning == "" {
			if _, err := q.ExecContext(ctx, text.(string), s.Args()...); err != nil {
				return err
			}
			continue
		}
		rows, err := q.QueryContext(ctx, text.(string), s.Args()...)
		if err != nil {
			return err
		}
		if err := ScanReturned(rows, func(id int64, n int) { got(i, id, n) }); err != nil {
			return err
		}
	}
	return nil
}

// ScanReturned reads rows of (id, n), as Rows.Returning gives them, and
// closes rows.
func ScanReturned(rows *sql.Rows, got func(id int64, n int)) error {
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		got(id, n)
	}
	return rows.Err()
}

// insertSQL is "INSERT INTO table (a, b) VALUES ($1, $2)".
func insertSQL(table string, cols []string) string {
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, strings.Join(cols, ", "), params(1, len(cols)))
}

// setList is "a = $1, b = $2".
func setList(cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%s = $%d", c, i+1)
	}
	return strings.Join(parts, ", ")
}

// params is "$from, ..., $(from+n-1)".
func params(from, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(parts, ", ")
}

// withRMA prefixes each row with the RMA's ID, in new slices: a write may
// run again (a retried transaction), and leaves what it was given alone.
func withRMA(id int64, rows [][]any) [][]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = append([]any{id}, r...)
	}
	return out
}
