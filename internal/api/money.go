package api

import (
	"fmt"
	"mime"
	"net/http"

	"github.com/rmadesk/rmadesk/internal/moneydoc"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The credit note and the invoice of an RMA (issue 13): either party may
// download them once the RMA is resolved with entries of that kind; the
// first download issues the number (rma.Service.IssueMoneyDocument), and
// every later one gives the same document.

func (s *Server) moneyRoutes() []Route {
	return []Route{
		{Method: "GET", Path: v1 + "/rmas/{id}/credit-note", Op: rma.OpRead, handler: s.moneyDocument(rma.CreditNote)},
		{Method: "GET", Path: v1 + "/rmas/{id}/invoice", Op: rma.OpRead, handler: s.moneyDocument(rma.Invoice)},
	}
}

func (s *Server) moneyDocument(kind string) func(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	return func(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		lang, err := docLang(r) // labels.go
		if err != nil {
			return err
		}
		got, doc, err := s.svc.IssueMoneyDocument(r.Context(), actor, id, kind)
		if err != nil {
			return err
		}
		pdf, err := moneydoc.Render(r.Context(), s.svc.Store(), s.svc.Policies().Version(got.PolicyID, got.PolicyVersion), got, doc, lang, moneydoc.Options{VATBasisPoints: s.vat})
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": moneydoc.Filename(doc)}))
		w.Header().Set("X-Document-Number", doc.Number)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(pdf)
		return nil
	}
}

// CreditBody is POST .../credit_without_return: a note, and the lines'
// last invoiced prices where the RMA has none on file (or a better one).
type CreditBody struct {
	Note   string      `json:"note,omitempty"`
	Prices []PriceBody `json:"prices,omitempty"`
}

// PriceBody is one line's last invoiced price.
type PriceBody struct {
	Line              int        `json:"line"`
	LastInvoicedPrice *MoneyJSON `json:"last_invoiced_price"`
}

func (b *CreditBody) prices() ([]rma.LinePrice, error) { return linePrices(b.Prices) }

// linePrices reads prices[i] as the desk's entries.
func linePrices(in []PriceBody) ([]rma.LinePrice, error) {
	var out []rma.LinePrice
	for i, p := range in {
		field := fmt.Sprintf("prices[%d].last_invoiced_price", i)
		if p.LastInvoicedPrice == nil {
			return nil, rma.Invalid(field, "required")
		}
		m, err := parseMoney(field, p.LastInvoicedPrice)
		if err != nil {
			return nil, err
		}
		out = append(out, rma.LinePrice{LineNo: p.Line, Price: m})
	}
	return out, nil
}
