package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/whatif"
)

// whatifPage is how many lines one query of a replay's walk reads: large
// enough that the round trips cost nothing next to the rows, small enough
// that a page's lines are a few megabytes.
const whatifPage = 2000

// SetWhatIfPage sets how many lines a page of WalkPolicyLines reads (0:
// the default), so the conformance suite can cross pages with a few RMAs.
func (s *Store) SetWhatIfPage(n int) { s.whatifPage.Store(int64(n)) }

func (s *Store) whatifPageSize() int {
	if n := s.whatifPage.Load(); n > 0 {
		return int(n)
	}
	return whatifPage
}

// whatifLines reads one page of the lines of a policy's RMAs filed in a
// range, after the keyset ($4 created, $5 RMA id, $6 line), along
// rmas_policy_created and the lines' (rma_id, line_no) key, so neither
// database sorts: $2 is the greater of the range's start and the keyset's
// created, which starts the index range at the page (a row value alone
// left SQLite scanning from the range's start on every page). Only the
// columns a replay needs; the stored decision only when asked ($8).
const whatifLines = `SELECT r.id, r.number, r.created, r.org_id, r.policy_version, l.line_no, l.claim, l.quantity,
	l.price_cents, l.price_currency, l.rejected, CASE WHEN l.replacement_serial <> '' THEN 1 ELSE 0 END,
	CASE WHEN $8 THEN l.decision ELSE '' END
FROM rmas r JOIN rma_lines l ON l.rma_id = r.id
WHERE r.policy_id = $1 AND r.created >= $2 AND r.created < $3
	AND (r.created > $4 OR (r.created = $4 AND (r.id > $5 OR (r.id = $5 AND l.line_no > $6))))
ORDER BY r.created, r.id, l.line_no LIMIT $7`

// whatifMoney sums the ledger of a page's RMAs by line, in one query a
// page (no query per RMA): charges are what the requester owes (positive
// entries), credits and refunds what the desk paid back (negative entries
// of those kinds). The page's RMAs are those of the policy filed from its
// first line's created to its last's ($2, $3), found along the same index:
// one text for every page, where a list of ids would be a new statement
// each time (and fill the prepared statements SQLite keeps by text).
const whatifMoney = `SELECT c.rma_id, c.line_no,
	CAST(SUM(CASE WHEN c.amount_cents > 0 THEN c.amount_cents ELSE 0 END) AS BIGINT),
	CAST(SUM(CASE WHEN c.kind = 'credit' AND c.amount_cents < 0 THEN -c.amount_cents ELSE 0 END) AS BIGINT),
	CAST(SUM(CASE WHEN c.kind = 'refund' AND c.amount_cents < 0 THEN -c.amount_cents ELSE 0 END) AS BIGINT),
	MAX(c.currency)
FROM charges c WHERE c.line_no > 0 AND c.rma_id IN (
	SELECT r.id FROM rmas r WHERE r.policy_id = $1 AND r.created >= $2 AND r.created <= $3)
GROUP BY c.rma_id, c.line_no`

// whatifSpan is the first and last created of a policy's RMAs in a range:
// two subqueries, since SQLite answers a lone MIN or MAX from the end of
// rmas_policy_created but scans the range for both in one.
const whatifSpan = `SELECT
	(SELECT MIN(created) FROM rmas WHERE policy_id = $1 AND created >= $2 AND created < $3),
	(SELECT MAX(created) FROM rmas WHERE policy_id = $1 AND created >= $2 AND created < $3)`

// FiledSpan returns the first and last day on which RMAs of q.PolicyID
// were filed from q.From to q.To (whatif.Spanner): zero days when none
// were. A replay splits the span into ranges it reads in parallel.
func (s *Store) FiledSpan(ctx context.Context, q whatif.Query) (first, last calendar.Date, err error) {
	from, to := "", "9999-12-31T99"
	if !q.From.IsZero() {
		from = q.From.String()
	}
	if !q.To.IsZero() {
		to = q.To.AddDays(1).String()
	}
	var lo, hi sql.NullString
	if err := s.pool().QueryRowContext(ctx, whatifSpan, q.PolicyID, from, to).Scan(&lo, &hi); err != nil {
		return 0, 0, s.storeError("filed span", err)
	}
	if !lo.Valid || !hi.Valid {
		return 0, 0, nil
	}
	day := func(created string) (calendar.Date, error) {
		d, err := calendar.ParseDate(created[:min(len(created), 10)])
		if err != nil {
			return 0, fmt.Errorf("filed span: created %q: %w", created, err)
		}
		return d, nil
	}
	if first, err = day(lo.String); err != nil {
		return 0, 0, err
	}
	if last, err = day(hi.String); err != nil {
		return 0, 0, err
	}
	return first, last, nil
}

// WalkPolicyLines streams the lines of the RMAs of q.PolicyID filed from
// q.From to q.To (whatif.History), a page of lines at a time, keyset-
// paginated on (created, id, line). A line without a claim (none was
// given) has nothing to replay and is left out. Each line's claim comes
// as its JSON (whatif.Line.ClaimJSON), for the replay to decode on all
// its cores.
func (s *Store) WalkPolicyLines(ctx context.Context, q whatif.Query, fn func([]whatif.Line) error) error {
	w := walk{s: s, q: q, to: "9999-12-31T99", size: s.whatifPageSize(), orgs: map[int64]string{}}
	if !q.From.IsZero() {
		w.from = q.From.String()
	}
	if !q.To.IsZero() {
		w.to = q.To.AddDays(1).String()
	}
	for {
		lines, rows, err := w.page(ctx)
		if err != nil {
			return err
		}
		if len(lines) > 0 {
			if err := fn(lines); err != nil {
				return err
			}
		}
		if rows < w.size {
			return nil
		}
	}
}

// walk is one WalkPolicyLines: its range, its keyset, and the names of
// the organisations met, read once each.
type walk struct {
	s            *Store
	q            whatif.Query
	from, to     string
	size         int
	afterCreated string
	afterID      int64
	afterLine    int
	orgs         map[int64]string
	filedDay     string
	filed        calendar.Date
}

func (w *walk) page(ctx context.Context) (lines []whatif.Line, n int, err error) {
	rows, err := w.s.pool().QueryContext(ctx, whatifLines, w.q.PolicyID, max(w.from, w.afterCreated), w.to,
		w.afterCreated, w.afterID, w.afterLine, w.size, w.q.Decisions)
	if err != nil {
		return nil, 0, w.s.storeError("walk policy lines", err)
	}
	defer rows.Close()
	lines = make([]whatif.Line, 0, w.size)
	orgOf := make([]int64, 0, w.size)
	var (
		id, org          int64
		number           sql.NullString
		created, version string
		claim, decision  sql.RawBytes
		replaced, lineNo int
		first            string
	)
	for rows.Next() {
		var l whatif.Line
		m := &l.Money
		if err := rows.Scan(&id, &number, &created, &org, &version, &lineNo, &claim, &m.Quantity,
			&m.Price, &m.Currency, &m.Rejected, &replaced, &decision); err != nil {
			return nil, 0, w.s.storeError("walk policy lines", err)
		}
		n++
		if first == "" {
			first = created
		}
		w.afterCreated, w.afterID, w.afterLine = created, id, lineNo
		if claim == nil {
			continue
		}
		if day := created[:min(len(created), 10)]; day != w.filedDay {
			if w.filed, err = calendar.ParseDate(day); err != nil {
				return nil, 0, fmt.Errorf("walk policy lines: rma %d: created %q: %w", id, created, err)
			}
			w.filedDay = day
		}
		l.RMAID, l.Number, l.LineNo, l.Filed = id, number.String, lineNo, w.filed
		l.ClaimJSON = bytes.Clone(claim)
		if replaced != 0 {
			m.Replacements = max(m.Quantity, 1)
		}
		if w.q.Decisions {
			d := decoder{Where: fmt.Sprintf("rma %d line %d", id, lineNo)}
			l.Decision = d.Decision("decision", string(decision))
			if d.Err != nil {
				return nil, 0, d.Err
			}
		}
		l.Decision.Policy, l.Decision.PolicyVersion = w.q.PolicyID, version
		lines = append(lines, l)
		orgOf = append(orgOf, org)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, w.s.storeError("walk policy lines", err)
	}
	rows.Close()
	for i := range lines {
		if lines[i].Requester, err = w.orgName(ctx, orgOf[i]); err != nil {
			return nil, 0, err
		}
	}
	if err := w.money(ctx, first, w.afterCreated, lines); err != nil {
		return nil, 0, err
	}
	return lines, n, nil
}

func (w *walk) orgName(ctx context.Context, id int64) (string, error) {
	if name, ok := w.orgs[id]; ok {
		return name, nil
	}
	var name string
	if err := w.s.pool().QueryRowContext(ctx, `SELECT name FROM orgs WHERE id = $1`, id).Scan(&name); err != nil {
		return "", w.s.storeError("walk policy lines", err)
	}
	w.orgs[id] = name
	return name, nil
}

// money adds the ledger's sums to the page's lines.
func (w *walk) money(ctx context.Context, first, last string, lines []whatif.Line) error {
	if first == "" {
		return nil
	}
	rows, err := w.s.pool().QueryContext(ctx, whatifMoney, w.q.PolicyID, first, last)
	if err != nil {
		return w.s.storeError("walk policy lines: money", err)
	}
	defer rows.Close()
	type key struct {
		rma  int64
		line int
	}
	sums := map[key]whatif.Money{}
	for rows.Next() {
		var k key
		var m whatif.Money
		if err := rows.Scan(&k.rma, &k.line, &m.Charges, &m.Credits, &m.Refunds, &m.Currency); err != nil {
			return w.s.storeError("walk policy lines: money", err)
		}
		sums[k] = m
	}
	if err := rows.Err(); err != nil {
		return w.s.storeError("walk policy lines: money", err)
	}
	if len(sums) == 0 {
		return nil
	}
	for i := range lines {
		l := &lines[i]
		if m, ok := sums[key{l.RMAID, l.LineNo}]; ok {
			l.Money.Charges, l.Money.Credits, l.Money.Refunds = m.Charges, m.Credits, m.Refunds
			if l.Money.Currency == "" {
				l.Money.Currency = m.Currency
			}
		}
	}
	return nil
}
