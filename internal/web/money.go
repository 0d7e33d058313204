package web

import (
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/moneydoc"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Money on the RMA page (issue 13, point 4): the resolve form asks for the
// price a line was invoiced at where the policy credits or refunds, and
// defaults to the one outcome the policy and the findings allow (or to
// none); the ledger shows the balance; the desk records a fee the policy
// allows (WebStore4's no-fault-found hours at the policy's rate); both
// parties download the credit note and the invoice.

func (s *Server) moneyRoutes() {
	s.mux.HandleFunc("GET /rmas/{id}/credit-note.pdf", s.signedIn(s.moneyDocument(rma.CreditNote)))
	s.mux.HandleFunc("GET /rmas/{id}/invoice.pdf", s.signedIn(s.moneyDocument(rma.Invoice)))
	s.mux.HandleFunc("POST /rmas/{id}/charges", s.signedIn(s.addCharge))
	s.mux.HandleFunc("GET /rmas/{id}/summary", s.signedIn(s.summary)) // summary.go
}

// moneyView is what the page's money parts show.
type moneyView struct {
	// The resolve form: the outcome chosen at first (the only one the
	// policy allows, else none), and the lines' prices where an allowed
	// outcome credits or refunds.
	DefaultOutcome rma.Outcome
	AskPrice       bool
	Replaceable    bool // replaced is allowed: the replacement units are asked in the open
	Prices         []linePrice
	Balances       []rma.Balance
	CreditNote     bool // there is one to download
	Invoice        bool
	Fees           []feeOption // what the desk may charge now
	CanCharge      bool
	// Returns say, per evaluated line, who pays for sending it back, as
	// the policy's outbound shipping rules say after the finding
	// (Dexxon: a unit without fault goes back at the partner's cost).
	Returns []returnInfo

	// ExpectedFees are the fees a refund or credit will deduct, until the
	// RMA is resolved (fees.go).
	ExpectedFees []expectedFee
}

type returnInfo struct {
	Line   int
	PaidBy string // requester or vendor
	Text   string
	Clause string
}

type linePrice struct {
	No       int
	Product  string
	Amount   string // as the form shows it: "121.00"
	Currency string
}

// feeOption is one fee of the policy the desk may record on a line.
type feeOption struct {
	Value  string // "LINE:KIND"
	Line   int
	Kind   string
	Basis  string
	Amount string // the policy's rate or price, "" when the desk sets it
	Cur    string
	Text   string
}

func (s *Server) moneyView(p *page, r *rma.RMA, pol *policy.Policy, allowed []rma.Outcome) *moneyView {
	m := &moneyView{Balances: rma.Balances(r.Charges),
		CreditNote: rma.MoneyDocumentDue(r, rma.CreditNote), Invoice: rma.MoneyDocumentDue(r, rma.Invoice)}
	if len(allowed) == 1 {
		m.DefaultOutcome = allowed[0]
	}
	m.AskPrice = slices.ContainsFunc(allowed, rma.CreditsOrRefunds)
	m.Replaceable = slices.Contains(allowed, rma.Replaced)
	for _, l := range r.Lines {
		lp := linePrice{No: l.No, Product: strings.TrimSpace(l.Claim.Product.Category + " " + l.Claim.Product.Model), Currency: "EUR"}
		if l.LastInvoicedPrice.Cents > 0 {
			lp.Amount = fmt.Sprintf("%d.%02d", l.LastInvoicedPrice.Cents/100, l.LastInvoicedPrice.Cents%100)
			lp.Currency = l.LastInvoicedPrice.Currency
		}
		m.Prices = append(m.Prices, lp)
	}
	if pol != nil {
		for i := range r.Lines {
			l := &r.Lines[i]
			if l.Finding == "" {
				continue
			}
			payer, rule := pol.ShippingPayer("outbound", r.Route, r.ChargeFinding(l))
			if rule == nil || (payer != policy.PayerRequester && payer != policy.PayerVendor) {
				continue
			}
			text, _ := pol.Say(p.lang, rule.Key, rule.Text)
			m.Returns = append(m.Returns, returnInfo{Line: l.No, PaidBy: payer.String(), Text: text, Clause: rule.Clause})
		}
	}
	m.ExpectedFees = expectedFees(pol, r, p.lang) // fees.go
	m.CanCharge = rma.Can(p.Actor.Role, rma.OpAddCharge) && r.State != rma.Closed && pol != nil
	if m.CanCharge {
		for i := range r.Lines {
			l := &r.Lines[i]
			finding := r.ChargeFinding(l)
			if finding == "" && r.Number == "" {
				// Before the return is authorized nothing is spent; after,
				// the fees that hold whatever the finding (Mini Cart's
				// import duties, a refused delivery) may be charged, and
				// those of a finding wait for it.
				continue
			}
			for _, f := range pol.FeesFor(r.Route, finding) {
				if f.Kind == "missing_accessory" || f.Basis == "last_invoiced_price" || f.Basis == "full_value" || f.AtDecision() {
					continue // recorded at receiving, a credit's business, or deducted from it (fees.go)
				}
				text, _ := pol.Say(p.lang, f.Key, f.Text)
				m.Fees = append(m.Fees, feeOption{Value: fmt.Sprintf("%d:%s", l.No, f.Kind), Line: l.No, Kind: f.Kind, Basis: f.Basis,
					Amount: f.Amount, Cur: f.Currency, Text: text})
			}
		}
	}
	return m
}

// parseMoneyInput reads an amount as people type it: 121, 121.5, 121,50.
func parseMoneyInput(field, s, currency string) (rma.Money, error) {
	s = strings.TrimSpace(s)
	currency = strings.ToUpper(strings.TrimSpace(currency))
	whole, frac, hasFrac := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" || len(whole) > 12 || (hasFrac && (len(frac) == 0 || len(frac) > 2)) {
		return rma.Money{}, rma.Invalid(field+".amount", "%q is not an amount such as 121.00", s)
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return rma.Money{}, rma.Invalid(field+".amount", "%q is not an amount such as 121.00", s)
		}
	}
	cents, _ := strconv.ParseInt(whole+(frac + "00")[:2], 10, 64)
	return rma.Money{Cents: cents, Currency: currency}, nil
}

// resolve ends the RMA from the resolve form; a refused form comes back
// on the RMA page with the message.
func (s *Server) resolve(w http.ResponseWriter, r *http.Request, p *page, id int64) {
	f := r.PostFormValue
	req := rma.ResolveRequest{Outcome: rma.Outcome(f("outcome")), Note: f("note"), Override: f("override_reason")}
	err := func() error {
		if req.Outcome == "" {
			return rma.Invalid("outcome", "%s", p.T("money.choose_outcome"))
		}
		for _, no := range r.PostForm["line"] {
			n, _ := strconv.Atoi(no)
			if serial := f("replacement_" + no); serial != "" {
				req.Replacements = append(req.Replacements, rma.ReplacementUnit{LineNo: n, Serial: serial, Model: f("model_" + no), Grade: f("grade_" + no)})
			}
			// A price is taken only where the outcome pays per line at
			// its price: for another outcome an old value typed in the
			// form is no reason to refuse it.
			if amount := strings.TrimSpace(f("price_" + no)); amount != "" && rma.CreditsOrRefunds(req.Outcome) {
				field := fmt.Sprintf("prices[%d].last_invoiced_price", len(req.Prices))
				m, err := parseMoneyInput(field, amount, f("currency_"+no))
				if err != nil {
					return err
				}
				req.Prices = append(req.Prices, rma.LinePrice{LineNo: n, Price: m})
			}
		}
		req.WaiveFees = formWaivers(r) // fees.go
		_, err := s.svc.Resolve(r.Context(), p.Actor, id, formVersion(r), req)
		return err
	}()
	s.afterMoneyForm(w, r, p, id, err)
}

// formPrices reads the price inputs of the lines (price_N, currency_N)
// that were filled in.
func formPrices(r *http.Request) ([]rma.LinePrice, error) {
	var out []rma.LinePrice
	for _, no := range r.PostForm["line"] {
		n, _ := strconv.Atoi(no)
		if amount := strings.TrimSpace(r.PostFormValue("price_" + no)); amount != "" {
			m, err := parseMoneyInput(fmt.Sprintf("prices[%d].last_invoiced_price", len(out)), amount, r.PostFormValue("currency_"+no))
			if err != nil {
				return nil, err
			}
			out = append(out, rma.LinePrice{LineNo: n, Price: m})
		}
	}
	return out, nil
}

// creditWithoutReturn authorises destruction with a credit (Dexxon) at
// the prices entered in its form.
func (s *Server) creditWithoutReturn(w http.ResponseWriter, r *http.Request, p *page, id int64) {
	prices, err := formPrices(r)
	if err == nil {
		_, err = s.svc.CreditWithoutReturn(r.Context(), p.Actor, id, formVersion(r), r.PostFormValue("note"), prices...)
	}
	s.afterMoneyForm(w, r, p, id, err)
}

// addCharge records a fee of the policy on a line: hours (or units) at
// the policy's rate, or at the price the desk types where the policy
// leaves it to the desk.
func (s *Server) addCharge(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	f := r.PostFormValue
	err = func() error {
		lineText, kind, ok := strings.Cut(f("fee"), ":")
		line, convErr := strconv.Atoi(lineText)
		if !ok || convErr != nil {
			return rma.Invalid("kind", "%s", p.T("money.choose_fee"))
		}
		q := strings.Replace(strings.TrimSpace(f("quantity")), ",", ".", 1)
		qty, qErr := strconv.ParseFloat(q, 64)
		if qErr != nil {
			return rma.Invalid("quantity", "%q: %s", f("quantity"), p.T("money.bad_quantity"))
		}
		cr := rma.ChargeRequest{Kind: kind, Quantity: qty, Description: strings.TrimSpace(f("description"))}
		if price := strings.TrimSpace(f("unit_price")); price != "" {
			m, err := parseMoneyInput("unit_price", price, f("currency"))
			if err != nil {
				return err
			}
			cr.UnitPrice = m
		}
		_, err := s.svc.AddCharge(r.Context(), p.Actor, id, formVersion(r), line, cr)
		return err
	}()
	s.afterMoneyForm(w, r, p, id, err)
}

// afterMoneyForm goes back to the RMA page: with a message when it was
// done, with the form's refusal in place when not.
func (s *Server) afterMoneyForm(w http.ResponseWriter, r *http.Request, p *page, id int64, err error) {
	to := fmt.Sprintf("/rmas/%d", id)
	switch code := rma.ErrorCode(err); {
	case err == nil:
		s.redirectFlash(w, r, to, p.T("rma.done"))
	case code == rma.EPRECONDITION:
		s.setFlash(w, flashError, p.T("rma.changed"))
		http.Redirect(w, r, to, http.StatusSeeOther)
	case code == rma.EINVALID || code == rma.ECONFLICT:
		p.Error = err.Error()
		s.renderDetail(w, r, p, id, http.StatusUnprocessableEntity)
	default:
		s.fail(w, r, p, err)
	}
}

// moneyDocument serves the RMA's credit note or invoice as PDF, issuing
// its number the first time it is asked for.
func (s *Server) moneyDocument(kind string) func(http.ResponseWriter, *http.Request, *page) {
	return func(w http.ResponseWriter, r *http.Request, p *page) {
		id, err := pathID(r, "id")
		if err != nil {
			s.fail(w, r, p, err)
			return
		}
		got, doc, err := s.svc.IssueMoneyDocument(r.Context(), p.Actor, id, kind)
		if err != nil {
			s.fail(w, r, p, err)
			return
		}
		pdf, err := moneydoc.Render(r.Context(), s.svc.Store(), s.svc.Policies().Version(got.PolicyID, got.PolicyVersion), got, doc, p.lang, moneydoc.Options{VATBasisPoints: s.cfg.VATBasisPoints})
		if err != nil {
			s.fail(w, r, p, err)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": moneydoc.Filename(doc)}))
		w.Header().Set("Cache-Control", "private, no-store")
		_, _ = w.Write(pdf)
	}
}

// money writes an amount for the page's language.
func (tr translator) Money(cents int64, currency string) string {
	return moneydoc.Amount(tr.lang, cents, currency)
}

// MoneyAbs writes an amount without its sign: the words around it say
// who pays.
func (tr translator) MoneyAbs(cents int64, currency string) string {
	if cents < 0 {
		cents = -cents
	}
	return moneydoc.Amount(tr.lang, cents, currency)
}

// ChargeKind names a ledger entry's kind in the page's language; a kind
// the catalogue does not know (a supplier's) is shown as written.
func (tr translator) ChargeKind(kind string) string {
	if _, ok := catalogue[tr.lang]["money.kind."+kind]; ok {
		return tr.T("money.kind." + kind)
	}
	if _, ok := catalogue["en"]["money.kind."+kind]; ok {
		return tr.T("money.kind." + kind)
	}
	return strings.ReplaceAll(kind, "_", " ")
}

// filingPrice reads a unit's last invoiced price on the new-RMA form:
// none typed is none (the desk asks for it before a credit); the currency
// defaults to EUR.
func filingPrice(field, amount, currency string) (rma.Money, error) {
	if strings.TrimSpace(amount) == "" {
		return rma.Money{}, nil
	}
	if strings.TrimSpace(currency) == "" {
		currency = "EUR"
	}
	m, err := parseMoneyInput(field+".last_invoiced_price", amount, currency)
	if err != nil {
		return m, err
	}
	if m.Cents <= 0 {
		return m, rma.Invalid(field+".last_invoiced_price.amount", "must be more than zero")
	}
	if !validCurrencyCode(m.Currency) {
		return m, rma.Invalid(field+".last_invoiced_price.currency", "%q is not an ISO 4217 code such as EUR", m.Currency)
	}
	return m, nil
}

func validCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
