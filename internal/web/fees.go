package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Fees as data on the RMA page (issue 14): until the RMA is resolved the
// page shows the fees a refund or credit will deduct (a restocking fee of
// 25% if opened), as they stand with the line's price and the unit as
// received; the resolve form lets the agent waive each, with a reason.

// expectedFee is one fee the page shows.
type expectedFee struct {
	Key     string // "LINE:KIND": the waiver's form value
	Line    int
	Kind    string
	Percent string
	Why     string
	Amount  *rma.Money // nil: not known yet
	Limit   string
	Clause  string
}

func expectedFees(pol *policy.Policy, r *rma.RMA, lang string) []expectedFee {
	if pol == nil || r.Outcome != "" {
		return nil
	}
	var out []expectedFee
	for _, f := range rma.ExpectedFees(pol, r) {
		e := expectedFee{Key: fmt.Sprintf("%d:%s", f.LineNo, f.Kind), Line: f.LineNo, Kind: f.Kind, Percent: f.Percent, Why: f.WhyIn(lang), Limit: f.Limit, Clause: f.Clause}
		if f.Total.Currency != "" {
			m := f.Total
			e.Amount = &m
		}
		out = append(out, e)
	}
	return out
}

// formWaivers reads the resolve form's waivers: a checked waive box
// (value LINE:KIND) with its reason (waive_reason_LINE:KIND).
func formWaivers(r *http.Request) []rma.FeeWaiver {
	var out []rma.FeeWaiver
	for _, key := range r.PostForm["waive"] {
		lineText, kind, ok := strings.Cut(key, ":")
		line, err := strconv.Atoi(lineText)
		if !ok || err != nil {
			continue
		}
		out = append(out, rma.FeeWaiver{LineNo: line, Kind: kind, Reason: r.PostFormValue("waive_reason_" + key)})
	}
	return out
}

var feeTexts = map[string]map[string]string{
	"en": {
		"fees.expected":         "Fees a refund or credit deducts",
		"fees.expected_hint":    "From the line's price and the unit as received; charged when the RMA is resolved with a refund or credit.",
		"fees.line":             "Line %d: %s",
		"fees.percent":          "%s%% of the price",
		"fees.unknown":          "amount set when the price is known",
		"fees.limit.minimum":    "the fee's minimum",
		"fees.limit.maximum":    "the fee's maximum",
		"fees.limit.currency":   "the price is in another currency than the fee's limits",
		"fees.waive":            "Waive: line %d, %s",
		"fees.waive_reason":     "Why it is waived (recorded in the history)",
		"money.kind.restocking": "restocking fee",
		"cond.opened":           "opened (the packaging)",
		"intake.opened":         "opened",
	},
	"nl": {
		"fees.expected":         "Kosten die een terugbetaling of creditering inhoudt",
		"fees.expected_hint":    "Uit de prijs van de regel en het apparaat zoals ontvangen; in rekening gebracht wanneer de RMA met een terugbetaling of creditering wordt afgehandeld.",
		"fees.line":             "Regel %d: %s",
		"fees.percent":          "%s%% van de prijs",
		"fees.unknown":          "bedrag volgt zodra de prijs bekend is",
		"fees.limit.minimum":    "het minimum van deze kosten",
		"fees.limit.maximum":    "het maximum van deze kosten",
		"fees.limit.currency":   "de prijs is in een andere valuta dan de grenzen van deze kosten",
		"fees.waive":            "Kwijtschelden: regel %d, %s",
		"fees.waive_reason":     "Waarom ze worden kwijtgescholden (komt in de geschiedenis)",
		"money.kind.restocking": "terugnamekosten",
		"cond.opened":           "geopend (de verpakking)",
		"intake.opened":         "geopend",
	},
}

func init() {
	for lang, texts := range feeTexts {
		for k, v := range texts {
			if catalogue[lang] != nil {
				catalogue[lang][k] = v
			}
		}
	}
}
