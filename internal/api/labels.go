package api

import (
	"mime"
	"net/http"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/shipdoc"
)

// The parcel's papers as PDF (internal/shipdoc), the same bytes as the
// portal's label.pdf links: an RMA's return label and packing slip, for
// the requester (its own RMAs only) and the desk, and a supplier RMA's
// label and slip, for the desk.

func (s *Server) labelRoutes() []Route {
	return []Route{
		{Method: "GET", Path: v1 + "/rmas/{id}/label", Op: rma.OpRead, handler: s.returnLabel},
		{Method: "GET", Path: v1 + "/supplier-rmas/{sid}/label", Op: rma.OpReadSuppliers, handler: s.supplierLabel},
	}
}

// docLang reads ?lang, the language of a document the desk prints.
func docLang(r *http.Request) (string, error) {
	switch lang := r.URL.Query().Get("lang"); lang {
	case "":
		return "en", nil
	case "en", "nl":
		return lang, nil
	default:
		return "", rma.Invalid("lang", "%q is not a language the desk writes documents in (en, nl)", lang)
	}
}

func (s *Server) returnLabel(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	lang, err := docLang(r)
	if err != nil {
		return err
	}
	got, err := s.svc.Get(r.Context(), actor, id)
	if err != nil {
		return err
	}
	pdf, err := shipdoc.Return(r.Context(), s.svc.Store(), s.svc.Policies().Version(got.PolicyID, got.PolicyVersion), got, lang)
	if err != nil {
		return err
	}
	writePDF(w, got.Number, pdf)
	return nil
}

func (s *Server) supplierLabel(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	lang, err := docLang(r)
	if err != nil {
		return err
	}
	sr, err := s.svc.SupplierRMA(r.Context(), actor, id)
	if err != nil {
		return err
	}
	// The sender is the desk: the organisation the key acts for.
	desk, err := s.svc.Store().Org(r.Context(), actor.OrgID)
	if err != nil {
		return err
	}
	pdf, err := shipdoc.Supplier(r.Context(), s.svc.Store(), sr, desk, lang)
	if err != nil {
		return err
	}
	writePDF(w, sr.Number, pdf)
	return nil
}

// writePDF sends a printed document, named for its number.
func writePDF(w http.ResponseWriter, number string, pdf []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": number + ".pdf"}))
	w.Header().Set("X-Document-Number", number)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(pdf)
}
