package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Advance replacement on the portal (issue 14): the RMA page shows each
// line's replacement shipped in advance, the day the defective unit is
// due, and what became of the deposit or the invoice, to the agent and the
// requester alike; the agent's authorize form ships a replacement in
// advance for a line whose decision offers it (templates/advance.html).

// advanceFacts is a line with what its template needs.
type advanceFacts struct {
	translator
	Line    rma.Line
	Overdue bool
	// Offered: the decision offers advance replacement and the desk has
	// not authorized yet: the requester may ask for it.
	Offered bool
}

// AdvanceFacts is line l's advance replacement for the RMA page, in an
// RMA in state.
func (p *page) AdvanceFacts(l rma.Line, today calendar.Date, state rma.State) advanceFacts {
	a := l.Advance
	t := l.Decision.AdvanceReplacement
	return advanceFacts{translator: p.translator, Line: l, Overdue: a != nil && a.Status == rma.AdvanceShipped && today > a.Due,
		Offered: a == nil && t != nil && t.Offered && (state == rma.Submitted || state == rma.NeedsInfo)}
}

// advanceRequests reads the authorize form's advance replacements: each
// line ticked "advance_line", with the serial, tracking and (where the
// line has none) price typed beside it.
func advanceRequests(r *http.Request) ([]rma.AdvanceRequest, error) {
	var out []rma.AdvanceRequest
	for i, no := range r.PostForm["advance_line"] {
		n, err := strconv.Atoi(no)
		if err != nil {
			n = -1 // refused by the service as a line the RMA does not have
		}
		a := rma.AdvanceRequest{LineNo: n, Serial: strings.TrimSpace(r.PostFormValue("advance_serial_" + no)),
			Tracking: strings.TrimSpace(r.PostFormValue("advance_tracking_" + no))}
		if amount := strings.TrimSpace(r.PostFormValue("advance_price_" + no)); amount != "" {
			currency := r.PostFormValue("advance_currency_" + no)
			if strings.TrimSpace(currency) == "" {
				currency = "EUR"
			}
			if a.Price, err = parseMoneyInput(fmt.Sprintf("advance[%d].last_invoiced_price", i), amount, currency); err != nil {
				return nil, err
			}
		}
		out = append(out, a)
	}
	return out, nil
}
