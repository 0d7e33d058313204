package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Credit notes and invoices (issue 13): rma.MoneyDocumentStore.

const moneyDocColumns = `id, rma_id, kind, number, issued, at`

func scanMoneyDocument(row scanner) (rma.MoneyDocument, error) {
	var d rma.MoneyDocument
	var issued, at sql.NullString
	if err := row.Scan(&d.ID, &d.RMAID, &d.Kind, &d.Number, &issued, &at); err != nil {
		return d, err
	}
	dec := decoder{Where: fmt.Sprintf("money document %d", d.ID)}
	d.Issued = dec.Date("issued", issued)
	d.At = dec.Time("at", at)
	return d, dec.Err
}

// errDocumentRace ends a write that found the document issued by another
// transaction since it looked: the write is undone (its number with it, so
// no number is skipped) and the document read again.
var errDocumentRace = errors.New("money document issued meanwhile")

func (st *Store) IssueMoneyDocument(ctx context.Context, d *rma.MoneyDocument, prefix string) error {
	if d == nil || prefix == "" {
		return rma.Invalid("document", "missing")
	}
	var enc encoder
	issued, at := enc.Date("issued", d.Issued), enc.Time("at", orNow(d.At))
	if enc.Err != nil {
		return enc.Err
	}
	year, _, _ := d.Issued.YMD()
	var got rma.MoneyDocument
	issue := func(q Querier) error {
		found, err := collect(ctx, q, scanMoneyDocument, `SELECT `+moneyDocColumns+` FROM money_documents WHERE rma_id = $1 AND kind = $2`, d.RMAID, d.Kind)
		if err != nil {
			return err
		}
		if len(found) > 0 {
			got = found[0]
			return nil
		}
		// The counter and the document are written together: a number is
		// taken only by a document that is stored.
		var n int64
		if err := q.QueryRowContext(ctx,
			`INSERT INTO sequences (name, value) VALUES ($1, 1)
			 ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1
			 RETURNING value`, fmt.Sprintf("doc-%s-%d", prefix, year)).Scan(&n); err != nil {
			return err
		}
		number := fmt.Sprintf("%s-%d-%05d", prefix, year, n)
		rows, err := collect(ctx, q, scanMoneyDocument,
			`INSERT INTO money_documents (rma_id, kind, number, issued, at) VALUES ($1, $2, $3, $4, $5)
			 ON CONFLICT (rma_id, kind) DO NOTHING RETURNING `+moneyDocColumns, d.RMAID, d.Kind, number, issued, at)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return errDocumentRace
		}
		got = rows[0]
		return nil
	}
	err := st.write(ctx, "issue money document", issue)
	if errors.Is(err, errDocumentRace) {
		err = st.read(ctx, "issue money document", issue) // finds it now
	}
	if err != nil {
		return DomainError(st.d, "issue money document", err)
	}
	*d = got
	return nil
}

func (st *Store) MoneyDocuments(ctx context.Context, rmaID int64) ([]rma.MoneyDocument, error) {
	out, err := collect(ctx, st.pool(), scanMoneyDocument, `SELECT `+moneyDocColumns+` FROM money_documents WHERE rma_id = $1 ORDER BY id`, rmaID)
	if err != nil {
		return nil, st.storeError("money documents", err)
	}
	return out, nil
}
