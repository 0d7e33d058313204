package moneydoc

import (
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

// TestRenderDeductedFee: a restocking fee deducted from a refund (issue
// 14) is on the credit note as a negative line, the total is the refund
// net of it, and no invoice is due for it.
func TestRenderDeductedFee(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed: scripts/deps.sh installs it")
	}
	at := time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)
	shop := rma.Org{ID: 2, Name: "A consumer", Country: "US"}
	r := &rma.RMA{ID: 8, Number: "RMA-26-00008-X", OrgID: 2, Outcome: rma.Refunded,
		Lines: []rma.Line{{No: 1, Quantity: 1, Claim: policy.Claim{Product: policy.Product{Category: "electronics", Model: "Bluetooth speaker"}}}},
		Charges: []rma.Charge{
			{LineNo: 1, Kind: "refund", Basis: "last_invoiced_price", Quantity: 1, Amount: rma.Money{Cents: -12900, Currency: "USD"}, Created: at},
			{LineNo: 1, Kind: "restocking", Basis: "percentage", Description: "25% of 129.00 USD, opened", Quantity: 1,
				Amount: rma.Money{Cents: 3225, Currency: "USD"}, Clause: "restocking", Created: at, Deducted: true},
		}}
	if rma.MoneyDocumentDue(r, rma.Invoice) {
		t.Fatal("an invoice is due for a fee deducted from the refund")
	}
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"Refund", "129.00 USD", "Restocking fee, deducted", "25% of 129.00 USD, opened", "-32.25 USD", "96.75 USD"}},
		{"nl", []string{"Terugbetaling", "129,00 USD", "Terugnamekosten, in mindering gebracht", "-32,25 USD", "96,75 USD"}},
	} {
		d := &rma.MoneyDocument{RMAID: 8, Kind: rma.CreditNote, Number: "CN-2026-00009-" + c.lang, Issued: calendar.MustParseDate("2026-03-20"), At: at}
		pdf, err := Render(t.Context(), orgs{{ID: 1, Name: "Desk", IsDesk: true}, shop}, nil, r, d, c.lang)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.ArtifactDir(), d.Number+".pdf")
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("%s lacks %q:\n%s", d.Number, w, out)
			}
		}
	}
}
