package web

import (
	"net/http"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The printable RMA summary: both parties, the facts, each unit with its
// finding, the ledger and its balance, the credit note and invoice issued,
// and the history; a page without the portal's navigation and forms, with
// a print stylesheet (static/summary.css), for either party.

type summaryData struct {
	RMA       *rma.RMA
	Policy    *policy.Policy
	Desk      *rma.Org
	Requester *rma.Org
	Events    []rma.Event
	Balances  []rma.Balance
	MoneyDocs []rma.MoneyDocument
	Today     calendar.Date
}

func (s *Server) summary(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	rec, err := s.svc.Records(r.Context(), p.Actor, id)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	got := rec.RMA
	d := &summaryData{RMA: got, Policy: s.svc.Policies().Version(got.PolicyID, got.PolicyVersion), Events: rec.Events,
		Balances: rma.Balances(got.Charges), Today: s.svc.Today()}
	st := s.svc.Store()
	if d.Requester, err = st.Org(r.Context(), got.OrgID); err != nil {
		s.fail(w, r, p, err)
		return
	}
	orgs, err := st.Orgs(r.Context())
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	for i := range orgs {
		if orgs[i].IsDesk {
			d.Desk = &orgs[i]
			break
		}
	}
	if ds, ok := st.(rma.MoneyDocumentStore); ok {
		if d.MoneyDocs, err = ds.MoneyDocuments(r.Context(), got.ID); err != nil {
			s.fail(w, r, p, err)
			return
		}
	}
	p.Title = p.T("sum.title", got.ID)
	if got.Number != "" {
		p.Title = p.T("sum.title_number", got.Number)
	}
	p.Data = d
	s.render(w, http.StatusOK, "summary", p)
}
