// Package moneydoc puts an RMA's ledger on paper: the credit note (what
// the desk credits or refunds) and the charge invoice (what it charges),
// numbered by rma.Service.IssueMoneyDocument and drawn by internal/label,
// in English or Dutch. The API and the portal serve the same bytes.
package moneydoc

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/label"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// words are a document's fixed words in one language.
type words struct {
	creditNote, invoice, from, to, date, rma, reference, policy string
	line, description, quantity, unitPrice, amount              string
	totalCredited, totalCharged, hours, wholeRMA                string
	noVAT, settleCredit, settleInvoice, continued, pageOf       string
	atLastPrice                                                 string
	subtotal, vat, vatNote                                      string
	kinds                                                       map[string]string
}

var english = words{
	creditNote: "Credit note", invoice: "Invoice", from: "From", to: "To", date: "Date", rma: "RMA", reference: "Your reference", policy: "Policy",
	line: "Line", description: "Description", quantity: "Quantity", unitPrice: "Unit price", amount: "Amount",
	totalCredited: "Total credited", totalCharged: "Total due", hours: "h", wholeRMA: "all",
	noVAT:       "No VAT is charged on this document.",
	atLastPrice: "at the last invoiced price",
	subtotal:    "Subtotal", vat: "VAT %s %%",
	vatNote:       "The amounts above exclude VAT; VAT at %s %% is added to the total.",
	settleCredit:  "The amount above is credited to you; it is settled against your next invoice or paid to your account.",
	settleInvoice: "Please pay the amount above within 14 days, quoting the invoice number.",
	continued:     "continued", pageOf: "Page {page} of {pages}",
	kinds: map[string]string{"credit": "Credit", "refund": "Refund", "no_fault_found": "Investigation, no fault found",
		"missing_accessory": "Missing accessory", "repair": "Repair", "transport": "Transport", "second_investigation": "Second investigation",
		"supplier_costs": "Supplier's costs", "depreciation": "Depreciation", "import_duties": "Import duties", "refused_delivery": "Refused delivery",
		"restocking": "Restocking fee, deducted"},
}

var dutch = words{
	creditNote: "Creditnota", invoice: "Factuur", from: "Van", to: "Aan", date: "Datum", rma: "RMA", reference: "Uw referentie", policy: "Beleid",
	line: "Regel", description: "Omschrijving", quantity: "Aantal", unitPrice: "Prijs per stuk", amount: "Bedrag",
	totalCredited: "Totaal gecrediteerd", totalCharged: "Totaal te betalen", hours: "u", wholeRMA: "alle",
	noVAT:       "Op dit document wordt geen btw berekend.",
	atLastPrice: "tegen de laatst gefactureerde prijs",
	subtotal:    "Subtotaal", vat: "Btw %s %%",
	vatNote:       "De bedragen hierboven zijn zonder btw; btw van %s %% komt bij het totaal.",
	settleCredit:  "Het bedrag hierboven wordt u gecrediteerd; het wordt verrekend met uw volgende factuur of op uw rekening gestort.",
	settleInvoice: "Betaal het bedrag hierboven binnen 14 dagen, onder vermelding van het factuurnummer.",
	continued:     "vervolg", pageOf: "Pagina {page} van {pages}",
	kinds: map[string]string{"credit": "Creditering", "refund": "Terugbetaling", "no_fault_found": "Onderzoek, geen defect gevonden",
		"missing_accessory": "Ontbrekend accessoire", "repair": "Reparatie", "transport": "Transport", "second_investigation": "Tweede onderzoek",
		"supplier_costs": "Kosten van de leverancier", "depreciation": "Waardevermindering", "import_duties": "Invoerrechten", "refused_delivery": "Geweigerde levering",
		"restocking": "Terugnamekosten, in mindering gebracht"},
}

func wordsFor(lang string) words {
	if lang == "nl" {
		return dutch
	}
	return english
}

// Amount writes cents as the language writes money: 121.00 EUR, 121,00 EUR.
func Amount(lang string, cents int64, currency string) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	sep := "."
	if lang == "nl" {
		sep = ","
	}
	return fmt.Sprintf("%s%d%s%02d %s", sign, cents/100, sep, cents%100, currency)
}

func quantity(lang string, q float64, hourly bool, w words) string {
	s := strconv.FormatFloat(q, 'f', -1, 64)
	if lang == "nl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	if hourly {
		s += " " + w.hours
	}
	return s
}

// Orgs is what Render reads of the desk's organisations.
type Orgs interface {
	Org(ctx context.Context, id int64) (*rma.Org, error)
	Orgs(ctx context.Context) ([]rma.Org, error)
}

// Options are the desk's settings for its documents.
type Options struct {
	// VATBasisPoints is the VAT the desk adds to the ledger's amounts on
	// its documents, in hundredths of a percent (2100: 21 %); 0 adds none
	// (rmadesk serve --vat-rate).
	VATBasisPoints int
}

// percent writes basis points as a percentage: 2100 → 21, 950 → 9.5 (9,5).
func percent(lang string, bp int) string {
	s := strconv.FormatFloat(float64(bp)/100, 'f', -1, 64)
	if lang == "nl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Render draws document d of RMA r (judged by policy p) in lang. The
// issuer is the desk: its organisation's name and postal address, or,
// while the desk has no address, the policy's vendor and its address.
func Render(ctx context.Context, orgs Orgs, p *policy.Policy, r *rma.RMA, d *rma.MoneyDocument, lang string, opts ...Options) ([]byte, error) {
	var opt Options
	if len(opts) > 0 {
		opt = opts[0]
	}
	w := wordsFor(lang)
	requester, err := orgs.Org(ctx, r.OrgID)
	if err != nil {
		return nil, err
	}
	from := label.Party{Heading: w.from}
	all, err := orgs.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if o.IsDesk && !o.Address.IsZero() {
			from.Name, from.Lines = o.Name, o.Address.Lines()
			break
		}
	}
	if from.Name == "" && p != nil {
		from.Name = p.Vendor.Name
		for _, ln := range p.Vendor.ReturnAddress {
			if ln != p.Vendor.Name && !strings.Contains(ln, "<number>") {
				from.Lines = append(from.Lines, ln)
			}
		}
	}
	to := label.Party{Heading: w.to, Name: requester.Name, Lines: requester.Address.Lines()}
	if requester.Address.IsZero() && requester.Country != "" {
		to.Lines = []string{rma.CountryName(requester.Country)}
	}

	m := label.MoneyDoc{Title: w.creditNote, Number: d.Number, From: from, To: to,
		Columns: label.MoneyColumns{Line: w.line, Description: w.description, Quantity: w.quantity, UnitPrice: w.unitPrice, Amount: w.amount},
		Strings: label.Strings{Continued: w.continued, PageOf: w.pageOf}}
	total := w.totalCredited
	settle := w.settleCredit
	if d.Kind == rma.Invoice {
		m.Title, total, settle = w.invoice, w.totalCharged, w.settleInvoice
	}
	number := r.Number
	if number == "" {
		number = strconv.FormatInt(r.ID, 10)
	}
	m.Facts = append(m.Facts, [2]string{w.date, d.Issued.String()}, [2]string{w.rma, number})
	if r.Reference != "" {
		m.Facts = append(m.Facts, [2]string{w.reference, r.Reference})
	}
	if p != nil {
		title, _ := p.Text(lang, "title")
		if title == "" {
			title = p.Title
		}
		m.Facts = append(m.Facts, [2]string{w.policy, title})
	}

	entries := rma.Entries(d.Kind, r.Charges, d.At)
	sums := map[string]int64{}
	var currencies []string
	for _, ch := range entries {
		cents := ch.Amount.Cents
		if cents < 0 {
			cents = -cents // a credit note lists what is credited as positive amounts
		} else if ch.Deducted && d.Kind == rma.CreditNote {
			cents = -cents // and a fee deducted from it as a negative one (issue 14)
		}
		it := label.MoneyItem{Line: w.wholeRMA, Amount: Amount(lang, cents, ch.Amount.Currency)}
		desc := w.kinds[ch.Kind]
		if desc == "" {
			desc = strings.ReplaceAll(ch.Kind, "_", " ")
		}
		if ch.LineNo > 0 {
			it.Line = strconv.Itoa(ch.LineNo)
			for _, l := range r.Lines {
				if l.No == ch.LineNo {
					desc += ": " + product(l)
				}
			}
		}
		switch {
		case ch.Basis == "last_invoiced_price":
			desc += "\n" + w.atLastPrice // the domain's description is English
		case ch.Description != "":
			desc += "\n" + ch.Description
		}
		it.Description = desc
		if ch.Quantity > 0 {
			it.Quantity = quantity(lang, ch.Quantity, ch.Basis == "hourly", w)
			it.UnitPrice = Amount(lang, int64(math.Round(float64(cents)/ch.Quantity)), ch.Amount.Currency)
		}
		m.Items = append(m.Items, it)
		if _, ok := sums[ch.Amount.Currency]; !ok {
			currencies = append(currencies, ch.Amount.Currency)
		}
		sums[ch.Amount.Currency] += cents
	}
	vatNote := w.noVAT
	for _, c := range currencies {
		if opt.VATBasisPoints > 0 {
			vat := int64(math.Round(float64(sums[c]) * float64(opt.VATBasisPoints) / 10000))
			pc := percent(lang, opt.VATBasisPoints)
			m.Totals = append(m.Totals, label.MoneyTotal{Label: w.subtotal, Amount: Amount(lang, sums[c], c)},
				label.MoneyTotal{Label: fmt.Sprintf(w.vat, pc), Amount: Amount(lang, vat, c)})
			sums[c] += vat
			vatNote = fmt.Sprintf(w.vatNote, pc)
		}
		m.Totals = append(m.Totals, label.MoneyTotal{Label: total, Amount: Amount(lang, sums[c], c), Strong: true})
	}
	m.Notes = []string{vatNote, settle}
	var buf bytes.Buffer
	if err := label.RenderMoneyDoc(&buf, m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// product names a line's unit: category, model and serial.
func product(l rma.Line) string {
	parts := []string{l.Claim.Product.Category}
	if l.Claim.Product.Model != "" {
		parts = append(parts, l.Claim.Product.Model)
	}
	s := strings.Join(parts, " ")
	if l.Claim.Product.Serial != "" {
		s += " · " + l.Claim.Product.Serial
	}
	return s
}

// Filename is the document's download name: CN-2026-00001.pdf.
func Filename(d *rma.MoneyDocument) string { return d.Number + ".pdf" }
