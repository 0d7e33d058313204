package store

import (
	"context"
	"database/sql"
	"errors"
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
// without lines, numbers or charges (lines and charges with f.Full). Pages are cut by keyset, never by
// OFFSET: the cursor names the last row shown, so RMAs filed while someone
// pages neither repeat a row nor hide one.
func (st *Store) ListRMAs(ctx context.Context, f rma.ListFilter) ([]rma.RMA, string, error) {
	if _, _, _, err := listQuery(f, ""); err != nil {
		return nil, "", err // a bad filter, before any read
	}
	var page []rma.RMA
	var next string
	err := st.read(ctx, "list rmas", func(q Querier) error {
		walk := st.d.WalkByCreated()
		if f.Order == rma.OrderUrgency {
			walk = "" // the hint walks the created index, not the urgency one
		}
		if walk != "" {
			dense, err := denseSearch(ctx, q, f.Query)
			if err != nil {
				return err
			}
			if !dense {
				walk = ""
			}
		}
		query, args, limit, err := listQuery(f, walk)
		if err != nil {
			return err
		}
		if page, err = collect(ctx, q, scanRMA, query, args...); err != nil {
			return err
		}
		// One row more than the page was asked for says whether a next page exists.
		more := len(page) > limit
		if more {
			page = page[:limit]
		}
		ids := make([]int64, len(page))
		for i := range page {
			ids[i] = page[i].ID
		}
		deadlines, err := loadDeadlines(ctx, q, ids)
		if err != nil {
			return err
		}
		for i := range page {
			page[i].Deadlines = deadlines[page[i].ID]
		}
		if f.Full {
			if err := loadChildren(ctx, q, page, ids); err != nil {
				return err
			}
		}
		if more {
			last := page[limit-1]
			if f.Order == rma.OrderUrgency {
				// The deadlines just read are the ones the urgency column
				// was written from, in the same transaction.
				next = encodeUrgencyCursor(last.Deadlines, last.ID)
			} else {
				next = sqlcodec.EncodeCursor(last.Created, last.ID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return page, next, nil
}

// denseAt is the number of RMAs matching a search from which the page is
// found by walking the RMAs newest first instead of sorting the matches.
var denseAt = 1000 // a variable for the tests

// denseSearch tells whether a search matches so many RMAs that sorting
// them all for one page would cost more than walking the RMAs newest
// first until the page is full. After a recall, a search for the model
// matches 100,000 RMAs: sorting them took 1.8 s a page with 1,100,000 RMAs
// on the bench machine (SQLite). A search for a serial or a number matches
// a few, and walking a million RMAs to find them would be the slow way.
// Only asked where the dialect has a way to walk (Dialect.WalkByCreated).
func denseSearch(ctx context.Context, q Querier, query string) (bool, error) {
	key := searchKey(query)
	if key == "" || !storable(key) {
		return false, nil
	}
	var args []any
	cond := termRange(key, func(v string) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) })
	var n int
	err := q.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM search_terms WHERE "+cond+" LIMIT "+strconv.Itoa(denseAt)+") AS m", args...).Scan(&n)
	return n >= denseAt, err
}

// termRange is the condition on search_terms.term for a prefix: a range of
// the term index, [q, the next string after every string that starts
// with q).
func termRange(q string, arg func(string) string) string {
	cond := "term >= " + arg(q)
	if end, ok := prefixEnd(q); ok {
		cond += " AND term < " + arg(end)
	}
	return cond
}

// listQuery builds a page's query from the filter. Every condition is a
// parameter; only the parameter numbers are formatted into the text. With
// walk (Dialect.WalkByCreated, for a search denseSearch found dense) the
// query walks the RMAs by the created index and checks each for a matching
// term.
func listQuery(f rma.ListFilter, walk string) (query string, args []any, limit int, err error) {
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
	// text is arg for a value compared with stored text. A value that a
	// database cannot hold as text (NUL, invalid UTF-8) matches no row, and
	// is not sent: PostgreSQL would refuse the query.
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
		col := "r.policy_id"
		if len(f.States) > 0 {
			// With states the page walks rmas_state_created, whose states
			// are few rows each. Written as an expression, the policy is
			// checked on those rows, and neither database walks the
			// what-if's rmas_policy_created instead: that would read every
			// RMA of the policy to find a page of a rare state.
			col = "(r.policy_id || '')"
		}
		where = append(where, col+" = "+text(f.PolicyID))
	}
	if f.Assignee != 0 {
		where = append(where, "r.assignee_id = "+arg(f.Assignee))
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
	if err := dateRanges(f, arg, &where); err != nil {
		return "", nil, 0, err
	}
	from := "rmas r"
	if q := searchKey(f.Query); q != "" {
		cond := termRange(q, text)
		if walk != "" {
			// search_terms_rma is (rma_id) and holds the key (term, rma_id):
			// one seek per RMA walked answers it.
			from = walk
			where = append(where, "EXISTS (SELECT 1 FROM search_terms t WHERE t.rma_id = r.id AND "+cond+")")
		} else {
			where = append(where, "r.id IN (SELECT rma_id FROM search_terms WHERE "+cond+")")
		}
	}
	order := " ORDER BY r.created DESC, r.id DESC"
	switch f.Order {
	case rma.OrderNewest:
	case rma.OrderOldest:
		order = " ORDER BY r.created, r.id"
	case rma.OrderUrgency:
		order = " ORDER BY r.urgency, r.id"
	default:
		return "", nil, 0, rma.Invalid("order", "unknown order %q (one of newest, oldest, urgency)", f.Order)
	}
	if f.Cursor == "" && len(f.States) > 0 && searchKey(f.Query) == "" {
		// Two indexes lead with the state: rmas_state_created and
		// rmas_state_urgency. Without a cursor the query constrains the
		// state only, and SQLite (no statistics) may walk the other order's
		// index and sort every RMA in the state: a second at 1,000,000. A
		// bound on the order's column, true of every row, makes the right
		// index the one that serves two columns. A page with a cursor has
		// its bound already.
		if f.Order == rma.OrderUrgency {
			where = append(where, "r.urgency >= ''")
		} else {
			where = append(where, "r.created > ''")
		}
	}
	if f.Cursor != "" {
		switch f.Order {
		case rma.OrderUrgency:
			due, id, err := decodeUrgencyCursor(f.Cursor)
			if err != nil {
				return "", nil, 0, err
			}
			where = append(where, "(r.urgency, r.id) > ("+arg(due)+", "+arg(id)+")")
		default:
			created, id, err := sqlcodec.DecodeCursor(f.Cursor)
			if err != nil {
				return "", nil, 0, err
			}
			cmp := " < "
			if f.Order == rma.OrderOldest {
				cmp = " > "
			}
			where = append(where, "(r.created, r.id)"+cmp+"("+arg(created)+", "+arg(id)+")")
		}
	}
	query = "SELECT " + rmaColumns + " FROM " + from
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += order + " LIMIT " + arg(limit+1)
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

// dateRanges adds the filter's bounds on the filing time (created, the
// column the list walks) and the desk's filing date (reported).
func dateRanges(f rma.ListFilter, arg func(any) string, where *[]string) error {
	var enc encoder
	// A page after the first has a tighter bound on created than the
	// range's own in its order's direction: the cursor's. Given both,
	// SQLite seeks by the range's and reads every row from there to the
	// cursor: 217 ms a page late in a 1,000,000-RMA export instead of
	// 13 ms, so an export by date grew with the square of its length.
	// The range's bound is left out where the cursor lies inside it.
	var after string
	if f.Cursor != "" && f.Order != rma.OrderUrgency {
		if c, _, err := sqlcodec.DecodeCursor(f.Cursor); err == nil {
			after = c
		}
	}
	if !f.CreatedFrom.IsZero() {
		from, _ := enc.Time("created_from", f.CreatedFrom).(string)
		if f.Order != rma.OrderOldest || after == "" || after < from {
			*where = append(*where, "r.created >= "+arg(from))
		}
	}
	if !f.CreatedBefore.IsZero() {
		before, _ := enc.Time("created_to", f.CreatedBefore).(string)
		if f.Order != rma.OrderNewest || after == "" || after >= before {
			*where = append(*where, "r.created < "+arg(before))
		}
	}
	if !f.FiledFrom.IsZero() {
		*where = append(*where, "r.reported >= "+arg(enc.Date("filed_from", f.FiledFrom)))
	}
	if !f.FiledTo.IsZero() {
		*where = append(*where, "r.reported <= "+arg(enc.Date("filed_to", f.FiledTo)))
	}
	return enc.Err
}

// loadChildren fills the lines and charges of a page of RMAs, one query
// each for the whole page.
func loadChildren(ctx context.Context, q Querier, page []rma.RMA, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	in := "(" + params(1, len(args)) + ")"
	type line struct {
		rmaID int64
		rma.Line
	}
	lines, err := collect(ctx, q, func(row scanner) (l line, err error) {
		l.Line, err = scanLineAfter(row, []any{&l.rmaID})
		return l, err
	}, `SELECT l.rma_id, `+lineColumns+` FROM rma_lines l WHERE l.rma_id IN `+in+` ORDER BY l.rma_id, l.line_no`, args...)
	if err != nil {
		return err
	}
	d := decoder{Where: "charges"}
	type charge struct {
		rmaID int64
		rma.Charge
	}
	charges, err := collect(ctx, q, func(row scanner) (c charge, err error) {
		var created sql.NullString
		err = row.Scan(&c.rmaID, &c.ID, &c.LineNo, &c.Kind, &c.Basis, &c.Description, &c.Quantity,
			&c.Amount.Cents, &c.Amount.Currency, &c.Clause, &created, &c.Deducted)
		c.Created = d.Time("created", created)
		return c, err
	}, `SELECT rma_id, `+chargeColumns+` FROM charges WHERE rma_id IN `+in+` ORDER BY rma_id, id`, args...)
	if err := errors.Join(err, d.Err); err != nil {
		return err
	}
	at := make(map[int64]*rma.RMA, len(page))
	for i := range page {
		at[page[i].ID] = &page[i]
	}
	for _, l := range lines {
		at[l.rmaID].Lines = append(at[l.rmaID].Lines, l.Line)
	}
	for _, c := range charges {
		at[c.rmaID].Charges = append(at[c.rmaID].Charges, c.Charge)
	}
	return nil
}
