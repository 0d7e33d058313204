package rma

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// Money on an RMA (issue 13, point 4): the price a line was invoiced at,
// set at filing or by the desk before a credit or refund; the balance of
// the ledger; and the numbered documents that put the ledger on paper, a
// credit note for what the desk owes and an invoice for what the
// requester owes.

// LinePrice is the price line LineNo was last invoiced at, as the desk
// enters it when resolving (Dexxon's credit, Mini Cart's refund).
type LinePrice struct {
	LineNo int
	Price  Money
}

// CreditsOrRefunds reports whether outcome pays the requester back per
// line at the line's invoiced price, so a price is needed for each line.
func CreditsOrRefunds(o Outcome) bool { return o == Credited || o == Refunded }

// setPrices records the prices the desk entered; an entry for a line that
// already has a price replaces it (the desk checked the invoice). The
// field paths are those of the API's body, prices[i].
func (c *change) setPrices(prices []LinePrice) error {
	for i, lp := range prices {
		field := fmt.Sprintf("prices[%d]", i)
		l := c.r.line(lp.LineNo)
		if l == nil {
			return Invalid(field+".line", "no line %d in this RMA", lp.LineNo)
		}
		if lp.Price.Cents <= 0 {
			return Invalid(field+".last_invoiced_price.amount", "must be more than zero")
		}
		if !validCurrency(lp.Price.Currency) {
			return Invalid(field+".last_invoiced_price.currency", "%q is not an ISO 4217 code such as EUR", lp.Price.Currency)
		}
		l.LastInvoicedPrice = lp.Price
	}
	if len(prices) > 0 {
		c.ev.Details["prices"] = len(prices)
	}
	return nil
}

func validCurrency(s string) bool {
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

// NeedsPrice reports whether line l still needs its invoiced price before
// the RMA can end in outcome o.
func NeedsPrice(o Outcome, l *Line) bool {
	return CreditsOrRefunds(o) && (l.LastInvoicedPrice.Cents == 0 || l.LastInvoicedPrice.Currency == "")
}

// Balance is the ledger of one currency summed up: what the desk owes the
// requester (credits and refunds), what the requester owes the desk
// (charges), and the difference. Net > 0: the requester pays Net; Net < 0:
// the desk pays -Net.
type Balance struct {
	Currency        string
	OwedToRequester int64 // cents, positive
	OwedByRequester int64 // cents, positive
	Net             int64
}

// Balances sums charges per currency, in the order the currencies first
// appear: a desk never converts money.
func Balances(charges []Charge) []Balance {
	var out []Balance
	for _, ch := range charges {
		i := slices.IndexFunc(out, func(b Balance) bool { return b.Currency == ch.Amount.Currency })
		if i < 0 {
			out = append(out, Balance{Currency: ch.Amount.Currency})
			i = len(out) - 1
		}
		if ch.Amount.Cents < 0 {
			out[i].OwedToRequester -= ch.Amount.Cents
		} else {
			out[i].OwedByRequester += ch.Amount.Cents
		}
		out[i].Net += ch.Amount.Cents
	}
	return out
}

// Kinds of money document.
const (
	CreditNote = "credit_note" // what the desk credits or refunds
	Invoice    = "invoice"     // what the desk charges
)

// MoneyDocKinds lists them.
var MoneyDocKinds = []string{CreditNote, Invoice}

// moneyDocPrefix is the number's prefix of each kind: CN-2026-00001.
var moneyDocPrefix = map[string]string{CreditNote: "CN", Invoice: "INV"}

// MoneyDocument is a credit note or invoice issued for an RMA: numbered in
// its kind's own sequence per year, once, and the same on every download.
// It covers the ledger entries of its sign made up to its issue.
type MoneyDocument struct {
	ID     int64
	RMAID  int64
	Kind   string // CreditNote or Invoice
	Number string // CN-2026-00001, INV-2026-00001
	Issued calendar.Date
	At     time.Time // when it was issued: entries made later are not on it
}

// MoneyDocumentStore keeps the issued documents; the one store implements
// it (internal/store/moneydocs.go).
type MoneyDocumentStore interface {
	// IssueMoneyDocument returns the document of d.Kind already issued for
	// d.RMAID, or issues it: the next number of the kind's sequence for
	// d.Issued's year (prefix-YYYY-NNNNN), in one transaction, so two
	// requests at once get one document and a number is never given twice.
	// It fills d.
	IssueMoneyDocument(ctx context.Context, d *MoneyDocument, prefix string) error
	// MoneyDocuments lists the documents issued for an RMA.
	MoneyDocuments(ctx context.Context, rmaID int64) ([]MoneyDocument, error)
}

// Entries are the ledger entries a document of kind covers: credits and
// refunds (negative) on a credit note, with the fees deducted from them
// (Charge.Deducted), other charges (positive) on an invoice, made up to at
// (zero: all of them).
func Entries(kind string, charges []Charge, at time.Time) []Charge {
	var out []Charge
	for _, ch := range charges {
		if !at.IsZero() && ch.Created.After(at) {
			continue
		}
		if (kind == CreditNote && (ch.Amount.Cents < 0 || ch.Deducted)) || (kind == Invoice && ch.Amount.Cents > 0 && !ch.Deducted) {
			out = append(out, ch)
		}
	}
	return out
}

// MoneyDocumentDue reports whether an RMA has a document of kind to
// download: it is resolved (the amounts are final) and has entries of
// that kind.
func MoneyDocumentDue(r *RMA, kind string) bool {
	return r.Outcome != "" && len(Entries(kind, r.Charges, time.Time{})) > 0
}

// IssueMoneyDocument gives actor RMA id's credit note or invoice, issuing
// it the first time it is asked for (by either party, or by the mail on
// resolution). Either party may read it.
func (s *Service) IssueMoneyDocument(ctx context.Context, actor Actor, id int64, kind string) (*RMA, *MoneyDocument, error) {
	prefix, ok := moneyDocPrefix[kind]
	if !ok {
		return nil, nil, Invalid("kind", "unknown document %q (credit_note or invoice)", kind)
	}
	r, err := s.store.RMA(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := authorize(actor, r, OpRead); err != nil {
		return nil, nil, err
	}
	if r.Outcome == "" && !(kind == Invoice && AdvanceSettled(r)) { // advance.go: an unreturned unit's invoice is final at once
		return nil, nil, Errorf(ECONFLICT, "RMA %d is not resolved yet: its amounts are not final", r.ID)
	}
	if len(Entries(kind, r.Charges, time.Time{})) == 0 {
		what := "credits or refunds"
		if kind == Invoice {
			what = "charges"
		}
		// 409, not 404: the RMA is there, it just has nothing to put on
		// such a document (yet: a charge may still be recorded).
		return nil, nil, Errorf(ECONFLICT, "RMA %d has no %s: there is nothing to put on a %s", r.ID, what, strings.ReplaceAll(kind, "_", " "))
	}
	ds, ok := s.store.(MoneyDocumentStore)
	if !ok {
		return nil, nil, Errorf(EINTERNAL, "this store keeps no credit notes or invoices")
	}
	d := &MoneyDocument{RMAID: r.ID, Kind: kind, Issued: s.Today(), At: s.now().UTC()}
	if err := ds.IssueMoneyDocument(ctx, d, prefix); err != nil {
		return nil, nil, err
	}
	return r, d, nil
}

// PolicyPaysBack reports whether p credits or refunds a unit at the price
// it was invoiced at on some route (Dexxon's credit, Mini Cart's refund):
// the new-RMA form then asks each unit's price.
func PolicyPaysBack(p *policy.Policy) bool {
	for i := range p.Resolutions {
		rule := &p.Resolutions[i]
		if slices.ContainsFunc(offerOutcomes(rule), CreditsOrRefunds) || slices.Contains(rule.Offer, "destroy_and_credit") {
			return true
		}
	}
	return false
}
