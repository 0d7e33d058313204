package moneydoc

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

type orgs []rma.Org

func (o orgs) Org(_ context.Context, id int64) (*rma.Org, error) {
	for i := range o {
		if o[i].ID == id {
			return &o[i], nil
		}
	}
	return nil, rma.Errorf(rma.ENOTFOUND, "no org %d", id)
}
func (o orgs) Orgs(context.Context) ([]rma.Org, error) { return o, nil }

// TestRender draws a credit note and an invoice and reads them back with
// pdftotext: the number, both parties, each entry with its quantity and
// unit price, the total; a charge made after the document was issued is
// not on it. The PDFs go to the test's artifacts to be looked at.
func TestRender(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed: scripts/deps.sh installs it")
	}
	at := time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)
	desk := rma.Org{ID: 1, Name: "Demo Desk", IsDesk: true, Address: rma.Address{Street: "Nieuwe Uitleg 1", Postcode: "2514 BP", City: "Den Haag", Country: "NL"}}
	partner := rma.Org{ID: 2, Name: "Demo Partner for Dexxon", Address: rma.Address{Street: "Stationsplein 8", Postcode: "3511 ED", City: "Utrecht", Country: "NL"}}
	r := &rma.RMA{ID: 7, Number: "RMA-26-00007-X", OrgID: 2, Reference: "PO-42", Outcome: rma.Credited,
		Lines: []rma.Line{{No: 1, Quantity: 2, Claim: policy.Claim{Product: policy.Product{Category: "ssd", Model: "DX-SSD-1TB", Serial: "DX1"}}}},
		Charges: []rma.Charge{
			{LineNo: 1, Kind: "credit", Basis: "last_invoiced_price", Quantity: 2, Amount: rma.Money{Cents: -24200, Currency: "EUR"}, Description: "credit at the last invoiced price", Created: at},
			{LineNo: 1, Kind: "transport", Basis: "actual_cost", Quantity: 1, Amount: rma.Money{Cents: 1250, Currency: "EUR"}, Created: at},
			{LineNo: 1, Kind: "credit", Basis: "last_invoiced_price", Quantity: 1, Amount: rma.Money{Cents: -999, Currency: "EUR"}, Created: at.Add(time.Hour)},
		}}
	cases := []struct {
		kind, lang, number string
		want               []string
		not                []string
		opt                Options
	}{
		{rma.CreditNote, "en", "CN-2026-00003", []string{"Credit note", "CN-2026-00003", "Demo Desk", "Nieuwe Uitleg 1", "2514 BP Den Haag",
			"Demo Partner for Dexxon", "Stationsplein 8", "3511 ED Utrecht", "RMA-26-00007-X", "PO-42", "DX-SSD-1TB", "121.00 EUR", "242.00 EUR", "Total credited"},
			[]string{"9.99", "12.50", "Subtotal"}, Options{}},
		{rma.Invoice, "nl", "INV-2026-00001", []string{"Factuur", "INV-2026-00001", "Transport", "12,50 EUR", "Totaal te betalen", "geen btw"}, []string{"242"}, Options{}},
		// With the desk's VAT the ledger's amounts are the net: 242.00 and
		// 21 % of it, 50.82, make 292.82.
		{rma.CreditNote, "en", "CN-2026-00004", []string{"Subtotal", "242.00 EUR", "VAT 21 %", "50.82 EUR", "292.82 EUR", "exclude VAT; VAT at 21 %"}, []string{"No VAT"}, Options{VATBasisPoints: 2100}},
		{rma.Invoice, "nl", "INV-2026-00002", []string{"Btw 9,5 %", "1,19 EUR", "13,69 EUR"}, nil, Options{VATBasisPoints: 950}},
	}
	for _, c := range cases {
		d := &rma.MoneyDocument{RMAID: 7, Kind: c.kind, Number: c.number, Issued: calendar.MustParseDate("2026-03-20"), At: at}
		pdf, err := Render(t.Context(), orgs{desk, partner}, nil, r, d, c.lang, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.ArtifactDir(), c.number+".pdf")
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := string(out)
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", c.number, w, text)
			}
		}
		for _, w := range c.not {
			if strings.Contains(text, w) {
				t.Errorf("%s has %q, which is not its to show:\n%s", c.number, w, text)
			}
		}
	}
}

func TestAmount(t *testing.T) {
	for _, c := range []struct {
		lang  string
		cents int64
		want  string
	}{{"en", 12100, "121.00 EUR"}, {"nl", 12100, "121,00 EUR"}, {"en", -5, "-0.05 EUR"}, {"en", 0, "0.00 EUR"}} {
		if got := Amount(c.lang, c.cents, "EUR"); got != c.want {
			t.Errorf("Amount(%s, %d) = %q, want %q", c.lang, c.cents, got, c.want)
		}
	}
}
