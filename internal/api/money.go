package api

import (
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
		lang := r.URL.Query().Get("lang")
		switch lang {
		case "":
			lang = "en"
		case "en", "nl":
		default:
			return rma.Invalid("lang", "%q is not a language the desk writes documents in (en, nl)", lang)
		}
		got, doc, err := s.svc.IssueMoneyDocument(r.Context(), actor, id, kind)
		if err != nil {
			return err
		}
		pdf, err := moneydoc.Render(r.Context(), s.svc.Store(), s.svc.Policies().Version(got.PolicyID, got.PolicyVersion), got, doc, lang)
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
