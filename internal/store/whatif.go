package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/whatif"
)

// whatifPage is how many RMAs one query of a replay's walk reads: large
// enough that the round trips cost nothing next to the rows, small enough
// that a page's lines are a few megabytes.
const whatifPage = 2000

// SetWhatIfPage sets how many RMAs a page of WalkPolicyLines reads (0: the
// default), so the conformance suite can cross pages with a few RMAs.
func (s *Store) SetWhatIfPage(n int) { s.whatifPage.Store(int64(n)) }

func (s *Store) whatifPageSize() int {
	if n := s.whatifPage.Load(); n > 0 {
		return int(n)
	}
	return whatifPage
}

// whatifQuery reads one page of a policy's RMAs filed in a range, after
// the keyset ($4, $5), with each line's money summed from the ledger in
// the same statement (no query per RMA): charges are what the requester
// owes (positive entries), credits and refunds what the desk paid back
// (negative entries of those kinds). Only the columns a replay needs; the
// stored decision only when asked ($7).
const whatifQuery = `WITH page AS (
	SELECT r.id, r.number, r.created, r.org_id, r.policy_version FROM rmas r
	WHERE r.policy_id = $1 AND r.created >= $2 AND r.created < $3 AND (r.created, r.id) > ($4, $5)
	ORDER BY r.created, r.id LIMIT $6
), money AS (
	SELECT c.rma_id, c.line_no,
		CAST(SUM(CASE WHEN c.amount_cents > 0 THEN c.amount_cents ELSE 0 END) AS BIGINT) AS charged,
		CAST(SUM(CASE WHEN c.kind = 'credit' AND c.amount_cents < 0 THEN -c.amount_cents ELSE 0 END) AS BIGINT) AS credited,
		CAST(SUM(CASE WHEN c.kind = 'refund' AND c.amount_cents < 0 THEN -c.amount_cents ELSE 0 END) AS BIGINT) AS refunded,
		MAX(c.currency) AS currency
	FROM charges c WHERE c.rma_id IN (SELECT id FROM page) AND c.line_no > 0
	GROUP BY c.rma_id, c.line_no
)
SELECT p.id, p.number, p.created, o.name, p.policy_version, l.line_no, l.claim, l.quantity,
	l.price_cents, l.price_currency, l.rejected, CASE WHEN l.replacement_serial <> '' THEN 1 ELSE 0 END,
	COALESCE(m.charged, 0), COALESCE(m.credited, 0), COALESCE(m.refunded, 0), COALESCE(m.currency, ''),
	CASE WHEN $7 THEN l.decision ELSE '' END
FROM page p
JOIN orgs o ON o.id = p.org_id
JOIN rma_lines l ON l.rma_id = p.id
LEFT JOIN money m ON m.rma_id = p.id AND m.line_no = l.line_no
ORDER BY p.created, p.id, l.line_no`

// WalkPolicyLines streams the lines of the RMAs of q.PolicyID filed from
// q.From to q.To (whatif.History), a page of RMAs a query, keyset-paginated
// on (created, id) along rmas_policy_created. A line without a claim (none
// was given) has nothing to replay and is left out.
func (s *Store) WalkPolicyLines(ctx context.Context, q whatif.Query, fn func([]whatif.Line) error) error {
	from, to := "", "9999-12-31T99"
	if !q.From.IsZero() {
		from = q.From.String()
	}
	if !q.To.IsZero() {
		to = q.To.AddDays(1).String()
	}
	afterCreated, afterID, size := "", int64(0), s.whatifPageSize()
	for {
		lines, lastCreated, lastID, rmas, err := s.walkPage(ctx, q, from, to, afterCreated, afterID, size)
		if err != nil {
			return err
		}
		if len(lines) > 0 {
			if err := fn(lines); err != nil {
				return err
			}
		}
		if rmas < size {
			return nil
		}
		afterCreated, afterID = lastCreated, lastID
	}
}

func (s *Store) walkPage(ctx context.Context, q whatif.Query, from, to, afterCreated string, afterID int64, size int) (lines []whatif.Line, lastCreated string, lastID int64, rmas int, err error) {
	rows, err := s.pool().QueryContext(ctx, whatifQuery, q.PolicyID, from, to, afterCreated, afterID, size, q.Decisions)
	if err != nil {
		return nil, "", 0, 0, s.storeError("walk policy lines", err)
	}
	defer rows.Close()
	lines = make([]whatif.Line, 0, size)
	var (
		id, prevID            int64
		number                sql.NullString
		created, org, version string
		claim, decision       sql.RawBytes
		replaced              int
		chargeCurrency        string
		filed                 calendar.Date
		prevFiling            string
	)
	for rows.Next() {
		var l whatif.Line
		m := &l.Money
		if err := rows.Scan(&id, &number, &created, &org, &version, &l.LineNo, &claim, &m.Quantity,
			&m.Price, &m.Currency, &m.Rejected, &replaced, &m.Charges, &m.Credits, &m.Refunds, &chargeCurrency, &decision); err != nil {
			return nil, "", 0, 0, s.storeError("walk policy lines", err)
		}
		if id != prevID {
			rmas++
			prevID = id
			if len(created) >= 10 && created[:10] != prevFiling {
				prevFiling = created[:10]
				if filed, err = calendar.ParseDate(prevFiling); err != nil {
					return nil, "", 0, 0, fmt.Errorf("walk policy lines: rma %d: created %q: %w", id, created, err)
				}
			}
		}
		lastCreated, lastID = created, id
		if claim == nil {
			continue
		}
		l.RMAID, l.Number, l.Requester, l.Filed = id, number.String, org, filed
		if l.Claim, err = policy.ParseStoredClaim(claim); err != nil {
			return nil, "", 0, 0, fmt.Errorf("walk policy lines: rma %d line %d: claim: %w", id, l.LineNo, err)
		}
		if replaced != 0 {
			m.Replacements = max(m.Quantity, 1)
		}
		if m.Currency == "" {
			m.Currency = l.Claim.Product.Price.Currency
			if m.Price == 0 {
				m.Price = l.Claim.Product.Price.Cents
			}
		}
		if m.Currency == "" {
			m.Currency = chargeCurrency
		}
		if q.Decisions {
			d := decoder{Where: fmt.Sprintf("rma %d line %d", id, l.LineNo)}
			l.Decision = d.Decision("decision", string(decision))
			if d.Err != nil {
				return nil, "", 0, 0, d.Err
			}
		}
		l.Decision.Policy, l.Decision.PolicyVersion = q.PolicyID, version
		lines = append(lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, "", 0, 0, s.storeError("walk policy lines", err)
	}
	return lines, lastCreated, lastID, rmas, nil
}
