package web

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The supplier steps in the portal (issue 12): the desk forwards lines
// from an RMA's page, and ships and records verdicts on a supplier RMA's
// page; /supplier-rmas lists them. Only the desk sees these pages (the
// service refuses a requester); a requester's RMA page shows that a line
// is at the supplier and, later, the verdict.

// SupplierLabelRenderer makes a supplier RMA's label and packing slip,
// from desk (the sender) to the supplier, as a PDF.
type SupplierLabelRenderer func(ctx context.Context, sr *rma.SupplierRMA, desk *rma.Org, lang string) ([]byte, error)

func (s *Server) supplierRoutes() {
	s.mux.HandleFunc("GET /supplier-rmas", s.signedIn(s.supplierList))
	s.mux.HandleFunc("GET /supplier-rmas/{id}", s.signedIn(s.supplierDetail))
	s.mux.HandleFunc("GET /supplier-rmas/{id}/label.pdf", s.signedIn(s.supplierLabel))
	s.mux.HandleFunc("POST /supplier-rmas/{id}/ship", s.signedIn(s.supplierShip))
	s.mux.HandleFunc("POST /supplier-rmas/{id}/verdicts", s.signedIn(s.supplierVerdicts))
}

// stepsOnSupplierRMA are the RMA's steps taken on a supplier RMA's page,
// not on the RMA's own.
func stepsOnSupplierRMA(a rma.Action) bool {
	return a == rma.ActShipToSupplier || a == rma.ActSupplierVerdict || a == rma.ActBackFromSupplier
}

// forwardSuppliers lists the suppliers for the RMA page's forward form,
// and the supplier RMAs not shipped yet, which it may add the lines to.
func (s *Server) forwardSuppliers(ctx context.Context, p *page) ([]rma.Supplier, []rma.SupplierRMA) {
	sups, err := s.svc.Suppliers(ctx, p.Actor)
	if err != nil {
		return nil, nil
	}
	open, _ := s.svc.SupplierRMAs(ctx, p.Actor, rma.SupplierRMAFilter{Open: true, Limit: 200})
	var batches []rma.SupplierRMA
	for _, sr := range open {
		if sr.Shipped.IsZero() {
			batches = append(batches, sr)
		}
	}
	return sups, batches
}

// forward is the RMA page's "send to the supplier" step: the lines ticked,
// to the supplier chosen. It answers the new supplier RMA's ID.
func (s *Server) forward(ctx context.Context, p *page, id int64, r *http.Request) (int64, error) {
	sup, _ := strconv.ParseInt(r.PostFormValue("supplier"), 10, 64)
	req := rma.ForwardRequest{SupplierID: sup, Reference: r.PostFormValue("reference")}
	for _, no := range r.PostForm["line"] {
		n, err := strconv.Atoi(no)
		if err != nil {
			return 0, rma.Invalid("lines", "%q is not a line number", no)
		}
		req.Lines = append(req.Lines, rma.LineRef{RMAID: id, LineNo: n})
	}
	if batch, _ := strconv.ParseInt(r.PostFormValue("supplier_rma"), 10, 64); batch > 0 {
		// Into a supplier RMA not shipped yet: one parcel for several RMAs.
		sr, err := s.svc.AddToSupplierRMA(ctx, p.Actor, batch, 0, req.Lines)
		if err != nil {
			return 0, err
		}
		return sr.ID, nil
	}
	sr, err := s.svc.ForwardToSupplier(ctx, p.Actor, req)
	if err != nil {
		return 0, err
	}
	return sr.ID, nil
}

func (s *Server) supplierList(w http.ResponseWriter, r *http.Request, p *page) {
	f := rma.SupplierRMAFilter{Open: r.URL.Query().Get("open") == "1", Limit: 200}
	list, err := s.svc.SupplierRMAs(r.Context(), p.Actor, f)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Title = p.T("sup.title")
	p.Data = map[string]any{"Items": list, "Open": f.Open, "Today": s.svc.Today()}
	s.render(w, http.StatusOK, "supplier_list", p)
}

// supplierLineRow is one line of a supplier RMA's page.
type supplierLineRow struct {
	rma.SupplierLine
	Key       string // rma:line, the verdict form's field suffix
	Model     string
	Serial    string
	Predicted string // the engine's guess by the supplier's pack, "" without one
}

func (s *Server) supplierDetail(w http.ResponseWriter, r *http.Request, p *page) {
	s.renderSupplier(w, r, p, http.StatusOK)
}

// renderSupplier shows a supplier RMA's page; a refused form comes back
// here with its message (p.Error) and status.
func (s *Server) renderSupplier(w http.ResponseWriter, r *http.Request, p *page, status int) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	ctx := r.Context()
	sr, err := s.svc.SupplierRMA(ctx, p.Actor, id)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	sup, _ := s.svc.Supplier(ctx, p.Actor, sr.SupplierID)
	country := ""
	if p.Org != nil {
		country = p.Org.Country
	}
	var rows []supplierLineRow
	rmas := map[int64]*rma.RMA{}
	for _, l := range sr.Lines {
		row := supplierLineRow{SupplierLine: l, Key: fmt.Sprintf("%d_%d", l.RMAID, l.LineNo)}
		got, ok := rmas[l.RMAID]
		if !ok {
			got, _ = s.svc.Get(ctx, p.Actor, l.RMAID)
			rmas[l.RMAID] = got
		}
		if got != nil {
			for i := range got.Lines {
				if got.Lines[i].No == l.LineNo {
					row.Model, row.Serial = got.Lines[i].Claim.Product.Model, got.Lines[i].Claim.Product.Serial
					if d := s.svc.PredictSupplierVerdict(sup, &got.Lines[i], country); d != nil {
						row.Predicted = fmt.Sprintf("%s %s: %s, %s", d.Policy, d.PolicyVersion, d.Verdict, d.Route)
					}
				}
			}
		}
		rows = append(rows, row)
	}
	rec := (&rma.RMA{Supplier: sr.Lines}).Recovery()
	p.Title = p.T("sup.one", sr.Number)
	p.Data = map[string]any{"S": sr, "Supplier": sup, "Rows": rows, "State": string(sr.State()), "Overdue": sr.Overdue(s.svc.Today()),
		"HasLabel":  s.cfg.SupplierLabel != nil,
		"Recovered": rec.Recovered, "Charged": rec.SupplierCharges, "Today": s.svc.Today().String()}
	s.render(w, status, "supplier", p)
}

// supplierFailed re-shows the supplier RMA's page with the error of a
// form, or the error page when it is not the form's fault.
func (s *Server) supplierFailed(w http.ResponseWriter, r *http.Request, p *page, err error) {
	switch rma.ErrorCode(err) {
	case rma.EINVALID, rma.ECONFLICT:
		p.Error = err.Error()
		s.renderSupplier(w, r, p, http.StatusUnprocessableEntity)
	case rma.EPRECONDITION:
		s.setFlash(w, flashError, p.T("rma.changed"))
		http.Redirect(w, r, r.URL.Path[:strings.LastIndex(r.URL.Path, "/")], http.StatusSeeOther)
	default:
		s.fail(w, r, p, err)
	}
}

func (s *Server) supplierShip(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	f := r.PostFormValue
	sh := rma.SupplierShipment{Carrier: f("carrier"), Tracking: f("tracking"), Reference: f("reference")}
	if v := f("shipped"); v != "" {
		if sh.Shipped, err = calendar.ParseDate(v); err != nil {
			s.supplierFailed(w, r, p, rma.Invalid("shipped", "%q is not a date (YYYY-MM-DD)", v))
			return
		}
	}
	if _, err := s.svc.ShipToSupplier(r.Context(), p.Actor, id, formVersion(r), sh); err != nil {
		s.supplierFailed(w, r, p, err)
		return
	}
	s.redirectFlash(w, r, fmt.Sprintf("/supplier-rmas/%d", id), p.T("rma.done"))
}

// supplierVerdicts records the verdicts of the lines whose verdict is
// chosen; the others stay pending.
func (s *Server) supplierVerdicts(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	f := r.PostFormValue
	var vs []rma.VerdictRequest
	for _, key := range r.PostForm["line"] {
		verdict := f("verdict_" + key)
		if verdict == "" {
			continue
		}
		rmaPart, linePart, _ := strings.Cut(key, "_")
		rmaID, _ := strconv.ParseInt(rmaPart, 10, 64)
		lineNo, _ := strconv.Atoi(linePart)
		v := rma.VerdictRequest{RMAID: rmaID, LineNo: lineNo, Verdict: rma.SupplierVerdict(verdict), Remedy: rma.SupplierRemedy(f("remedy_" + key)),
			ReplacementSerial: strings.TrimSpace(f("serial_" + key)), Notes: f("notes_" + key)}
		field := fmt.Sprintf("lines[%d]", len(vs)) // as the service names the verdict
		if v.Credit, err = formMoney(field+".credit", f("credit_"+key), f("currency")); err == nil {
			v.Charge, err = formMoney(field+".charge", f("charge_"+key), f("currency"))
		}
		if err != nil {
			s.supplierFailed(w, r, p, err)
			return
		}
		vs = append(vs, v)
	}
	if _, err := s.svc.RecordSupplierVerdicts(r.Context(), p.Actor, id, formVersion(r), vs); err != nil {
		s.supplierFailed(w, r, p, err)
		return
	}
	s.redirectFlash(w, r, fmt.Sprintf("/supplier-rmas/%d", id), p.T("rma.done"))
}

// formMoney reads an amount typed in a form ("45", "45.5", "45,50").
func formMoney(field, amount, currency string) (rma.Money, error) {
	amount = strings.ReplaceAll(strings.TrimSpace(amount), ",", ".")
	if amount == "" {
		return rma.Money{}, nil
	}
	whole, frac, _ := strings.Cut(amount, ".")
	if whole == "" || len(frac) > 2 || strings.Trim(whole+frac, "0123456789") != "" || len(whole) > 12 {
		return rma.Money{}, rma.Invalid(field, "%q is not an amount such as 45.00", amount)
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	c, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	if currency == "" {
		currency = "EUR"
	}
	return rma.Money{Cents: w*100 + c, Currency: currency}, nil
}

// supplierLabel is the supplier RMA's label and packing slip, in the
// page's language, with the signed-in desk as the sender.
func (s *Server) supplierLabel(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	sr, err := s.svc.SupplierRMA(r.Context(), p.Actor, id)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	if s.cfg.SupplierLabel == nil {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "no label"))
		return
	}
	pdf, err := s.cfg.SupplierLabel(r.Context(), sr, p.Org, p.lang)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": sr.Number + ".pdf"}))
	_, _ = w.Write(pdf)
}

// SupplierVerdictText is what p tells the requester after a supplier's
// verdict (supplier.verdicts[].text), in the page's language where the
// pack has it; empty where the pack says nothing.
func (tr translator) SupplierVerdictText(p *policy.Policy, verdict rma.SupplierVerdict) Said {
	if p == nil {
		return Said{}
	}
	rule := p.SupplierVerdict(string(verdict))
	if rule == nil || rule.Text == "" {
		return Said{}
	}
	return tr.said(p.Say(tr.lang, rule.Key, rule.Text))
}
