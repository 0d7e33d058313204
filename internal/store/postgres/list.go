package postgres

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
)

const (
	defaultLimit = 50
	maxLimit     = 200
)

// ListRMAs returns one page of RMAs, newest first, with their deadlines but
// without lines, numbers or charges. Pages are cut by keyset, never by
// OFFSET: the cursor names the last row shown, so RMAs filed while someone
// pages neither repeat a row nor hide one.
func (db *DB) ListRMAs(ctx context.Context, f rma.ListFilter) ([]rma.RMA, string, error) {
	query, args, limit, err := listQuery(f)
	if err != nil {
		return nil, "", err
	}
	var page []rma.RMA
	var next string
	err = db.read(ctx, "list rmas", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanRMA(rows)
			if err != nil {
				return err
			}
			page = append(page, *r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// One row more than the page was asked for says whether a next page exists.
		if len(page) > limit {
			page = page[:limit]
			last := page[limit-1]
			next = sqlcodec.EncodeCursor(last.Created, last.ID)
		}
		ids := make([]int64, len(page))
		for i := range page {
			ids[i] = page[i].ID
		}
		deadlines, err := loadDeadlines(ctx, tx, ids)
		if err != nil {
			return err
		}
		for i := range page {
			page[i].Deadlines = deadlines[page[i].ID]
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return page, next, nil
}

// listQuery builds the page's query from the filter. Every condition is a
// parameter; only the parameter numbers are formatted into the text.
func listQuery(f rma.ListFilter) (query string, args []any, limit int, err error) {
	limit = f.Limit
	switch {
	case limit == 0:
		limit = defaultLimit
	case limit < 0 || limit > maxLimit:
		return "", nil, 0, rma.Invalid("limit", "must be 1 to %d, not %d", maxLimit, limit)
	}
	var where []string
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	// text is arg for a value compared with stored text. A value that
	// PostgreSQL cannot hold as text (NUL, invalid UTF-8) matches no row, and
	// is not sent: the server would refuse the query.
	text := func(s string) string {
		if !storable(s) {
			return "NULL"
		}
		return arg(s)
	}
	if f.OrgID != 0 {
		where = append(where, "r.org_id = "+arg(f.OrgID))
	}
	if len(f.States) > 0 {
		ps := make([]string, len(f.States))
		for i, s := range f.States {
			ps[i] = text(string(s))
		}
		where = append(where, "r.state IN ("+strings.Join(ps, ", ")+")")
	}
	if f.PolicyID != "" {
		where = append(where, "r.policy_id = "+text(f.PolicyID))
	}
	if f.Overdue {
		if f.Today.IsZero() {
			return "", nil, 0, rma.Invalid("today", "required with overdue")
		}
		var enc encoder
		today := enc.Date("today", f.Today)
		if enc.Err != nil {
			return "", nil, 0, enc.Err
		}
		// Uncorrelated, so it runs once as a range of deadlines_open rather
		// than once per RMA row; overdue deadlines are few.
		where = append(where, "r.id IN (SELECT d.rma_id FROM deadlines d WHERE d.met IS NULL AND d.due < "+arg(today)+")")
	}
	if q := searchKey(f.Query); q != "" {
		// A prefix is a range of the term index: [q, the next string after
		// every string that starts with q).
		cond := "term >= " + text(q)
		if end, ok := prefixEnd(q); ok {
			cond += " AND term < " + text(end)
		}
		where = append(where, "r.id IN (SELECT rma_id FROM search_terms WHERE "+cond+")")
	}
	if f.Cursor != "" {
		created, id, err := sqlcodec.DecodeCursor(f.Cursor)
		if err != nil {
			return "", nil, 0, err
		}
		where = append(where, "(r.created, r.id) < ("+arg(created)+", "+arg(id)+")")
	}
	query = "SELECT " + rmaColumns + " FROM rmas r"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY r.created DESC, r.id DESC LIMIT " + arg(limit+1)
	return query, args, limit, nil
}

// prefixEnd returns the least string greater than every string that starts
// with p, in code point order: p with its last character incremented (the
// characters that cannot be incremented dropped). ok is false when every
// character of p is the last code point, and no such string exists.
func prefixEnd(p string) (end string, ok bool) {
	for len(p) > 0 {
		r, size := utf8.DecodeLastRuneInString(p)
		p = p[:len(p)-size]
		if r >= unicode.MaxRune {
			continue
		}
		r++
		if r >= 0xD800 && r <= 0xDFFF {
			r = 0xE000 // surrogates are not characters: none sort between
		}
		return p + string(r), true
	}
	return "", false
}
