package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// testMoneyDocuments: a credit note and an invoice are numbered in their
// own sequences per year, once per RMA and kind (asking again returns the
// first, with its number and time), without gaps when many RMAs ask at
// once, and listed per RMA.
func testMoneyDocuments(t *testing.T, open Opener) {
	s := open(t)
	ds, ok := s.(rma.MoneyDocumentStore)
	if !ok {
		t.Fatalf("%T does not keep credit notes and invoices (rma.MoneyDocumentStore)", s)
	}
	ctx := t.Context()
	org := mkOrg(t, s, "Money Partner")
	a := mkRMA(t, s, simpleRMA(t, org.ID, "PO-A", minute(1)))
	b := mkRMA(t, s, simpleRMA(t, org.ID, "PO-B", minute(2)))
	at := minute(30).UTC()

	issue := func(rmaID int64, kind, prefix string, on string) rma.MoneyDocument {
		t.Helper()
		d := rma.MoneyDocument{RMAID: rmaID, Kind: kind, Issued: day(on), At: at}
		must(t, ds.IssueMoneyDocument(ctx, &d, prefix))
		return d
	}
	cnA := issue(a.ID, rma.CreditNote, "CN", "2026-03-02")
	if cnA.Number != "CN-2026-00001" || cnA.ID == 0 || cnA.Issued != day("2026-03-02") || !cnA.At.Equal(at) {
		t.Fatalf("first credit note: %+v", cnA)
	}
	// Asked again, later: the same document, not a second number.
	again := rma.MoneyDocument{RMAID: a.ID, Kind: rma.CreditNote, Issued: day("2026-04-01"), At: at.Add(time.Hour)}
	must(t, ds.IssueMoneyDocument(ctx, &again, "CN"))
	wantSame(t, "the credit note asked for again", cnA, again)
	// The invoice has its own sequence; another RMA's credit note the next.
	if inv := issue(a.ID, rma.Invoice, "INV", "2026-03-02"); inv.Number != "INV-2026-00001" {
		t.Fatalf("first invoice: %s", inv.Number)
	}
	if cnB := issue(b.ID, rma.CreditNote, "CN", "2026-03-03"); cnB.Number != "CN-2026-00002" {
		t.Fatalf("second credit note: %s", cnB.Number)
	}
	// A new year starts at 1.
	c := mkRMA(t, s, simpleRMA(t, org.ID, "PO-C", minute(3)))
	if cn := issue(c.ID, rma.CreditNote, "CN", "2027-01-04"); cn.Number != "CN-2027-00001" {
		t.Fatalf("the first credit note of 2027: %s", cn.Number)
	}
	got, err := ds.MoneyDocuments(ctx, a.ID)
	must(t, err)
	if len(got) != 2 || got[0].Kind != rma.CreditNote || got[1].Kind != rma.Invoice {
		t.Fatalf("RMA a's documents: %+v", got)
	}
	// An RMA that does not exist gets none.
	wantCode(t, ds.IssueMoneyDocument(ctx, &rma.MoneyDocument{RMAID: 999999, Kind: rma.Invoice, Issued: day("2026-03-02"), At: at}, "INV"), rma.ENOTFOUND)

	// Eight RMAs ask at once, each twice: eight numbers, 2..9, no gap and
	// no number twice.
	var ids []int64
	for i := range 8 {
		ids = append(ids, mkRMA(t, s, simpleRMA(t, org.ID, "PO-R", minute(10+i))).ID)
	}
	var mu sync.Mutex
	numbers := map[int64]string{}
	var wg sync.WaitGroup
	for _, id := range append(ids, ids...) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := rma.MoneyDocument{RMAID: id, Kind: rma.Invoice, Issued: day("2026-05-05"), At: at}
			if err := ds.IssueMoneyDocument(ctx, &d, "INV"); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if prev, ok := numbers[id]; ok && prev != d.Number {
				t.Errorf("RMA %d got %s and %s", id, prev, d.Number)
			}
			numbers[id] = d.Number
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, n := range numbers {
		seen[n] = true
	}
	for i := 2; i <= 9; i++ {
		if n := "INV-2026-0000" + string(rune('0'+i)); !seen[n] {
			t.Errorf("no RMA got %s: %v", n, numbers)
		}
	}
}
