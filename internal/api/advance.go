package api

import (
	"errors"
	"fmt"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Advance replacement in the API (issue 14): the authorize action's
// advance option ships a line's replacement at once, and each line shows
// the replacement shipped, the day its defective unit is due, and what
// became of the deposit or the invoice (internal/rma/advance.go).

// AdvanceBody ships one line's replacement in advance at authorization.
type AdvanceBody struct {
	Line     int    `json:"line"`
	Serial   string `json:"serial"`
	Model    string `json:"model,omitempty"`
	Tracking string `json:"tracking,omitempty"`
	// LastInvoicedPrice is the line's price where the RMA has none on file.
	LastInvoicedPrice *MoneyJSON `json:"last_invoiced_price,omitempty"`
}

func (b *AuthorizeBody) advanceRequests() ([]rma.AdvanceRequest, error) {
	var out []rma.AdvanceRequest
	for i, a := range b.Advance {
		price, err := parseMoney(fmt.Sprintf("advance[%d].last_invoiced_price", i), a.LastInvoicedPrice)
		if err != nil {
			return nil, err
		}
		out = append(out, rma.AdvanceRequest{LineNo: a.Line, Serial: a.Serial, Model: a.Model, Tracking: a.Tracking, Price: price})
	}
	return out, nil
}

// AdvanceView is a line's advance replacement.
type AdvanceView struct {
	Serial     string     `json:"serial"`
	Model      string     `json:"model,omitempty"`
	Tracking   string     `json:"tracking,omitempty"`
	Shipped    string     `json:"shipped"`
	ReturnDue  string     `json:"return_due"` // the last day the defective unit may arrive
	Overdue    bool       `json:"overdue"`    // it has not, and the day has passed
	OnNoReturn string     `json:"on_no_return"`
	Deposit    *MoneyJSON `json:"deposit,omitempty"`
	Invoice    *MoneyJSON `json:"invoice,omitempty"`
	Status     string     `json:"status"`
	Settled    string     `json:"settled,omitempty"`
	Clause     string     `json:"clause"`
}

func advanceView(a *rma.AdvanceShipment, today calendar.Date) *AdvanceView {
	if a == nil {
		return nil
	}
	v := &AdvanceView{Serial: a.Serial, Model: a.Model, Tracking: a.Tracking, Shipped: a.Shipped.String(), ReturnDue: a.Due.String(),
		Overdue: a.Status == rma.AdvanceShipped && today > a.Due, OnNoReturn: a.OnNoReturn, Status: a.Status, Clause: a.Clause}
	if a.Deposit.Cents > 0 {
		m := moneyView(a.Deposit)
		v.Deposit = &m
	}
	if a.Invoice.Cents > 0 {
		m := moneyView(a.Invoice)
		v.Invoice = &m
	}
	if !a.Settled.IsZero() {
		v.Settled = a.Settled.String()
	}
	return v
}

// contractsOf checks a line's support contracts, naming the field's path
// (lines[0].contracts[1].end).
func contractsOf(field string, in []policy.ContractJSON) ([]policy.ContractClaim, error) {
	if len(in) > 20 {
		return nil, rma.Invalid(join(field, "contracts"), "at most 20 contracts")
	}
	cs, err := policy.ParseContracts(in)
	var fe *policy.FieldError
	if errors.As(err, &fe) {
		return nil, rma.Invalid(join(field, fe.Field), "%s", fe.Msg)
	}
	return cs, err
}
