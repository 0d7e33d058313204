package jobs

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/rmadesk/rmadesk/internal/moneydoc"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// moneyDocuments are the credit note and the invoice of a resolved RMA,
// issued if they were not yet (the number is the one either party
// downloads later) and drawn in the recipient's language, to attach to
// the resolution's message; f learns what they are.
func (r *Runner) moneyDocuments(ctx context.Context, rm *rma.RMA, lang string, f *notify.Facts) ([]notify.Attachment, error) {
	p := r.svc.Policies().Version(rm.PolicyID, rm.PolicyVersion)
	var out []notify.Attachment
	for _, kind := range rma.MoneyDocKinds {
		if !rma.MoneyDocumentDue(rm, kind) {
			continue
		}
		got, d, err := r.svc.IssueMoneyDocument(ctx, rma.System, rm.ID, kind)
		if err != nil {
			return nil, fmt.Errorf("issuing the %s of RMA %d: %w", strings.ReplaceAll(kind, "_", " "), rm.ID, err)
		}
		pdf, err := moneydoc.Render(ctx, r.store, p, got, d, lang, moneydoc.Options{VATBasisPoints: r.vat})
		if err != nil {
			return nil, fmt.Errorf("drawing %s: %w", d.Number, err)
		}
		var total int64
		currency := ""
		for _, ch := range rma.Entries(kind, got.Charges, d.At) {
			if currency != "" && ch.Amount.Currency != currency {
				currency = "" // several currencies: the document lists them; the mail names none
				break
			}
			currency = ch.Amount.Currency
			if ch.Amount.Cents < 0 {
				total -= ch.Amount.Cents
			} else {
				total += ch.Amount.Cents
			}
		}
		total += int64(math.Round(float64(total) * float64(r.vat) / 10000)) // the document's total, VAT included
		doc := notify.MoneyDocument{Invoice: kind == rma.Invoice, Number: d.Number}
		if currency != "" {
			doc.Total = moneydoc.Amount(lang, total, currency)
		}
		f.MoneyDocuments = append(f.MoneyDocuments, doc)
		out = append(out, notify.Attachment{Name: moneydoc.Filename(d), ContentType: "application/pdf", Data: pdf})
	}
	return out, nil
}
