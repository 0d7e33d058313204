package rma

import (
	"fmt"
	"strings"
	"testing"
)

func eur(c int64) Money { return Money{Cents: c, Currency: "EUR"} }

// TestRecovery: the net cost is credits given, plus supplier charges, less
// requester charges and supplier credits, per currency.
func TestRecovery(t *testing.T) {
	cases := []struct {
		name     string
		charges  []Charge
		supplier []SupplierLine
		want     string // recovered | supplier charges | net cost
	}{
		{"nothing", nil, nil, "[] | [] | []"},
		{"a credit to the requester, part recovered",
			[]Charge{{Amount: eur(-8990)}}, []SupplierLine{{LineNo: 1, Credit: eur(7500)}},
			"[{7500 EUR}] | [] | [{1490 EUR}]"},
		{"a charged repair against the supplier's charge",
			[]Charge{{LineNo: 1, Amount: eur(7900)}}, []SupplierLine{{LineNo: 1, Charge: eur(4500)}},
			"[] | [{4500 EUR}] | [{-3400 EUR}]"},
		{"two currencies kept apart",
			[]Charge{{Amount: Money{Cents: -1000, Currency: "USD"}}}, []SupplierLine{{LineNo: 1, Credit: eur(500)}},
			"[{500 EUR}] | [] | [{1000 USD} {-500 EUR}]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &RMA{Charges: tc.charges, Supplier: tc.supplier}
			rec := r.Recovery()
			got := fmt.Sprintf("%v | %v | %v", orEmpty(rec.Recovered), orEmpty(rec.SupplierCharges), orEmpty(rec.NetCost))
			if got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func orEmpty(m []Money) []Money {
	if m == nil {
		return []Money{}
	}
	return m
}

// TestCheckVerdict: each verdict's fields, named by their path.
func TestCheckVerdict(t *testing.T) {
	cases := []struct {
		name string
		v    VerdictRequest
		want string // "" for accepted
	}{
		{"covered, repaired", VerdictRequest{Verdict: SupplierCovered, Remedy: SupplierRepaired}, ""},
		{"covered without a remedy", VerdictRequest{Verdict: SupplierCovered}, "lines[0].remedy: required"},
		{"covered, returned", VerdictRequest{Verdict: SupplierCovered, Remedy: SupplierReturned}, "lines[0].remedy"},
		{"replaced without a serial", VerdictRequest{Verdict: SupplierCovered, Remedy: SupplierReplaced}, "lines[0].replacement_serial: required"},
		{"a serial without a replacement", VerdictRequest{Verdict: SupplierCovered, Remedy: SupplierRepaired, ReplacementSerial: "X"}, "lines[0].replacement_serial"},
		{"credited without an amount", VerdictRequest{Verdict: SupplierCovered, Remedy: SupplierCredited}, "lines[0].credit: required"},
		{"credited", VerdictRequest{Verdict: SupplierCovered, Remedy: SupplierCredited, Credit: eur(100)}, ""},
		{"not covered, returned by default", VerdictRequest{Verdict: SupplierNotCovered, Charge: eur(100)}, ""},
		{"not covered, repaired", VerdictRequest{Verdict: SupplierNotCovered, Remedy: SupplierRepaired}, "lines[0].remedy"},
		{"not covered, with a credit", VerdictRequest{Verdict: SupplierNotCovered, Credit: eur(100)}, "lines[0].credit"},
		{"no verdict", VerdictRequest{}, "lines[0].verdict: required"},
		{"an unknown verdict", VerdictRequest{Verdict: "maybe"}, "lines[0].verdict: unknown"},
		{"a negative charge", VerdictRequest{Verdict: SupplierNotCovered, Charge: eur(-1)}, "lines[0].charge: must not be negative"},
		{"a charge without a currency", VerdictRequest{Verdict: SupplierNotCovered, Charge: Money{Cents: 100}}, "lines[0].charge.currency"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := checkVerdict("lines[0]", &tc.v)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("got %v, want %q", err, tc.want)
			case tc.want != "" && ErrorCode(err) != EINVALID:
				t.Fatalf("code %s, want invalid", ErrorCode(err))
			}
		})
	}
}

// TestHistoryAsARequesterSeesIt: the supplier's name, number, shipment and
// money are the desk's; the verdict is the requester's.
func TestHistoryAsARequesterSeesIt(t *testing.T) {
	evs := func() []Event {
		return []Event{{Action: string(ActSupplierVerdict), Details: map[string]any{"verdicts": "1 covered (credited)", "supplier_rma": "SUP-26-00001",
			"supplier": "Wholesale", "credit": "line 1: 7500 EUR", "carrier_to_supplier": "DHL"}}}
	}
	mine := visibleTo(Actor{Role: RoleRequester}, evs())
	if got := fmt.Sprint(mine[0].Details); got != "map[verdicts:1 covered (credited)]" {
		t.Fatalf("the requester reads %s", got)
	}
	for _, role := range []Role{RoleAgent, RoleTechnician, RoleAdmin} {
		if got := visibleTo(Actor{Role: role}, evs()); len(got[0].Details) != 5 {
			t.Fatalf("%s reads %v", role, got[0].Details)
		}
	}
}
