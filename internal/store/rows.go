package store

import (
	"context"
	"fmt"
	"slices"
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
	// OnConflict, when set, is the conflict target and action, as both
	// databases write them: "(org_id, idempotency_key) DO NOTHING". A row
	// the action skips returns nothing.
	OnConflict string
	// Shared marks rows that other transactions update too (the reports'
	// roll-ups: every RMA of a month adds to the same rows). PostgreSQL
	// locks such rows one by one until commit, so every transaction must
	// take them in one order, or two can each wait for the other (a
	// deadlock, found only after a second). The rows of a shared set come
	// sorted by their conflict key (cubeRows), and a dialect that writes
	// several sets in one statement writes shared sets in statements of
	// their own, after the others and in the order given: the sub-
	// statements of one WITH run in an order PostgreSQL does not promise.
	Shared bool
}

// Text is the set's INSERT statement, its parameters numbered on from
// from, without RETURNING.
func (s Rows) Text(from int) string {
	text := fmt.Sprintf("INSERT INTO %s (%s) VALUES %s", s.Table, strings.Join(s.Cols, ", "), s.Placeholders(from))
	if s.OnConflict != "" {
		text += " ON CONFLICT " + s.OnConflict
	}
	return text
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

// insertTexts caches InsertEach's statements by table and row count:
// SQLite's writer prepares each text once.
var insertTexts sync.Map

func (s Rows) insertText(rows int) string {
	key := s.Table + "/" + strconv.Itoa(rows) + "/" + s.OnConflict
	text, ok := insertTexts.Load(key)
	if !ok {
		some := s
		some.Values = s.Values[:rows]
		text, _ = insertTexts.LoadOrStore(key, some.Text(1))
	}
	return text.(string)
}

// InsertEach inserts sets one statement a table: an INSERT of all its
// rows. It is Dialect.InsertRows for SQLite, which has no data-modifying
// CTEs and where a statement costs no round trip. A set that returns is
// inserted a row at a time, its ID the row's rowid (LastInsertId): SQLite
// runs RETURNING through a temporary table, which costs more than the
// statements do. A row its conflict action skips inserts nothing and
// returns nothing.
func InsertEach(ctx context.Context, q Querier, sets []Rows, got func(set int, id int64, n int)) error {
	for i, s := range sets {
		if len(s.Values) == 0 {
			continue
		}
		if s.Returning == "" {
			if _, err := q.ExecContext(ctx, s.insertText(len(s.Values)), s.Args()...); err != nil {
				return err
			}
			continue
		}
		id, col, ok := strings.Cut(s.Returning, ", ")
		at := slices.Index(s.Cols, col)
		if !ok || id != "id" || at < 0 {
			panic(fmt.Sprintf("store: %s returns %q, not \"id, \" and one of its columns", s.Table, s.Returning))
		}
		for _, row := range s.Values {
			res, err := q.ExecContext(ctx, s.insertText(1), row...)
			if err != nil {
				return err
			}
			if s.OnConflict != "" {
				if n, err := res.RowsAffected(); err != nil || n == 0 {
					if err != nil {
						return err
					}
					continue // skipped: its LastInsertId would be another row's
				}
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			n, ok := row[at].(int)
			if !ok {
				var n64 int64
				if n64, ok = row[at].(int64); !ok {
					panic(fmt.Sprintf("store: %s.%s is %T, not an integer", s.Table, col, row[at]))
				}
				n = int(n64)
			}
			got(i, id, n)
		}
	}
	return nil
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

// collect runs query and scans each row it returns with scan: the loop a
// list of the store would otherwise write again. A scan that fails (or a
// row that will not decode) ends it with that error.
func collect[T any](ctx context.Context, q Querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
