package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The evaluate step of the RMA page (issue 13, point 3): per line, the unit
// as reserved and as received (serial, a mismatch, what was missing, the
// state it arrived in) beside the fault, then the finding, the hours spent
// and, where the policy charges the finding by the hour, what it charges:
// at the policy's rate, or at the desk's, asked for here when the policy
// names none (WebStore4's no fault found). The charge itself is the
// service's (rma.Service.Evaluate), from the policy's fees.

// evalLine is one line of the evaluate form.
type evalLine struct {
	rma.Line
	Hourly []evalFee // the policy's hourly fees, by the finding they follow
}

// evalFee is an hourly fee a finding brings.
type evalFee struct {
	Finding   rma.Finding
	Text      Said      // the fee's text, in the page's language where the pack has it
	Rate      rma.Money // the policy's rate; zero: the desk gives it
	NeedsRate bool
}

// EvaluationLines are the evaluate form's lines, with the hourly fees each
// finding would bring under the RMA's policy.
func (p *page) EvaluationLines() []evalLine {
	d, ok := p.Data.(*detailData)
	if !ok || d.RMA == nil {
		return nil
	}
	var fees []evalFee
	if d.Policy != nil {
		for _, f := range rma.Findings {
			for _, fee := range rma.HourlyFees(d.Policy, d.RMA.Route, f) {
				ef := evalFee{Finding: f, Text: p.said(d.Policy.Say(p.lang, fee.Key, fee.Text)), NeedsRate: fee.Amount == ""}
				if m, err := feeRate(fee); err == nil && m != nil {
					ef.Rate = *m
				}
				fees = append(fees, ef)
			}
		}
	}
	var out []evalLine
	for _, l := range d.RMA.InPlayLines() {
		out = append(out, evalLine{Line: l, Hourly: fees})
	}
	return out
}

// NeedsRate reports whether any hourly fee of the form needs the desk's rate.
func (l evalLine) NeedsRate() bool {
	for _, f := range l.Hourly {
		if f.NeedsRate {
			return true
		}
	}
	return false
}

// feeRate is a fee's own amount, nil when the desk sets it.
func feeRate(fee policy.Fee) (*rma.Money, error) {
	if fee.Amount == "" {
		return nil, nil
	}
	m, err := parseMoneyInput("amount", fee.Amount, fee.Currency)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// Posted is what the form being shown again had in field name: a refused
// form comes back as it was filled in.
func (p *page) Posted(name string) string {
	if p.request == nil || p.request.Method != http.MethodPost {
		return ""
	}
	return p.request.PostFormValue(name)
}

// evaluationFindings reads the evaluate form: each line's finding,
// condition, notes, hours and the desk's hourly rate. An hours or rate
// field that is no number is refused with its field.
func evaluationFindings(r *http.Request) ([]rma.LineFinding, error) {
	f := r.PostFormValue
	var out []rma.LineFinding
	for i, no := range r.PostForm["line"] {
		n, _ := strconv.Atoi(no)
		lf := rma.LineFinding{LineNo: n, Finding: rma.Finding(f("finding_" + no)), Condition: f("condition_" + no), Notes: f("notes_" + no)}
		if h := strings.TrimSpace(f("hours_" + no)); h != "" {
			v, err := strconv.ParseFloat(strings.Replace(h, ",", ".", 1), 64)
			if err != nil {
				return nil, rma.Invalid(fmt.Sprintf("lines[%d].hours", i), "%q is not a number of hours such as 1.5", h)
			}
			lf.Hours = v
		}
		if rate := strings.TrimSpace(f("rate_" + no)); rate != "" {
			m, err := parseMoneyInput(fmt.Sprintf("lines[%d].hourly_rate", i), rate, f("currency"))
			if err != nil {
				return nil, err
			}
			lf.HourlyRate = m
		}
		out = append(out, lf)
	}
	return out, nil
}

// benchFacts is a line with what its template needs: the page's language,
// and whether the reader is the desk (the hours are the desk's business).
type benchFacts struct {
	translator
	Line rma.Line
	Desk bool
}

// BenchFacts is line l's bench record for the RMA page.
func (p *page) BenchFacts(l rma.Line) benchFacts {
	return benchFacts{translator: p.translator, Line: l, Desk: p.IsDesk}
}
