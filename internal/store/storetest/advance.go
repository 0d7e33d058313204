package storetest

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// testAdvance: a line's advance replacement (issue 14) reads back as
// written, with the deposit on the ledger and the return's deadline; a
// claim's support contracts and a decision's entitlement and advance terms
// read back too; a line that is not one keeps none; the settlement a job
// writes later (status, settled day, the invoice's entry) reads back.
func testAdvance(t *testing.T, open Opener) {
	s := open(t)
	o := mkOrg(t, s, "Netvendor partner")
	r := simpleRMA(t, o.ID, "ADV-1", minute(1))
	r.Lines = append(r.Lines, rma.Line{No: 2, Claim: unitClaim(t, "SN-ADV-2", "NV-2"), Quantity: 1, Decision: r.Lines[0].Decision})
	l := &r.Lines[0]
	l.Claim.Contracts = []policy.ContractClaim{{Plan: "nbd", ID: "C-1001", Start: calendar.MustParseDate("2025-06-01"), End: calendar.MustParseDate("2027-05-31")}}
	l.Decision.Entitlement = &policy.Entitlement{Plan: "nbd", PlanName: "Next Business Day", Contract: "C-1001",
		Start: calendar.MustParseDate("2025-06-01"), End: calendar.MustParseDate("2027-05-31"), Response: "1 business day", BusinessDays: 1, Clause: "plan-nbd"}
	l.Decision.AdvanceReplacement = &policy.AdvanceTerms{Offered: true, ReturnWithinDays: 15, Counting: "calendar_days", OnNoReturn: "keep_deposit",
		Deposit: &policy.AdvanceAmount{Percent: 100}, Clause: "advance-deposit"}
	r = mkRMA(t, s, r)

	r.State = rma.Authorized
	l = &r.Lines[0]
	l.Advance = &rma.AdvanceShipment{Serial: "NVS48-900001", Model: "NV-S48", Tracking: "1Z999", Shipped: calendar.MustParseDate("2026-03-02"),
		Due: calendar.MustParseDate("2026-03-17"), OnNoReturn: "keep_deposit", Deposit: rma.Money{Cents: 145000, Currency: "EUR"},
		Clause: "advance-deposit", Status: rma.AdvanceShipped}
	r.Charges = append(r.Charges, rma.Charge{LineNo: 1, Kind: rma.ChargeAdvanceDeposit, Basis: "deposit", Quantity: 1,
		Amount: rma.Money{Cents: 145000, Currency: "EUR"}, Clause: "advance-deposit", Created: minute(2)})
	r.Deadlines = append(r.Deadlines, rma.Deadline{Name: "advance_return_1", Owner: "requester", Due: l.Advance.Due, Clause: "advance-deposit", Text: "the defective unit"})
	must(t, s.SaveRMA(t.Context(), r, 1, &rma.Event{At: minute(2), Actor: "agent", Action: string(rma.ActAuthorize), From: rma.Submitted, To: rma.Authorized}))
	got := reload(t, s, r.ID)
	wantSame(t, "the advance replacement's lines", r.Lines, got.Lines)
	if a := got.Lines[0].Advance; a == nil || a.Serial != "NVS48-900001" || a.Due.String() != "2026-03-17" || a.Deposit.Cents != 145000 || !a.Settled.IsZero() {
		t.Fatalf("line 1's advance replacement read back as %+v", a)
	}
	if got.Lines[1].Advance != nil {
		t.Fatalf("line 2 is no advance replacement, read back as %+v", got.Lines[1].Advance)
	}
	// The queue's search finds the RMA by the replacement's serial.
	found, _, err := s.ListRMAs(t.Context(), rma.ListFilter{Query: "nvs48-9000"})
	must(t, err)
	if len(found) != 1 || found[0].ID != r.ID {
		t.Fatalf("searching the replacement's serial found %d RMAs", len(found))
	}
	if c := got.Lines[0].Claim.Contracts; len(c) != 1 || c[0].Plan != "nbd" || c[0].End.String() != "2027-05-31" {
		t.Fatalf("the claim's contracts read back as %+v", c)
	}
	if d := got.Lines[0].Decision; d.Entitlement == nil || d.Entitlement.Contract != "C-1001" || d.AdvanceReplacement == nil || d.AdvanceReplacement.Deposit.Percent != 100 {
		t.Fatalf("the decision read back as %+v / %+v", d.Entitlement, d.AdvanceReplacement)
	}

	// The job settles it later: the deposit is kept.
	got.Lines[0].Advance.Status, got.Lines[0].Advance.Settled = rma.AdvanceDepositKept, calendar.MustParseDate("2026-03-18")
	got.Deadlines[len(got.Deadlines)-1].Met = minute(3)
	must(t, s.SaveRMA(t.Context(), got, got.Version, &rma.Event{At: minute(3), Actor: "system", Action: rma.ActionAdvanceDepositKept, From: rma.Authorized, To: rma.Authorized}))
	again := reload(t, s, r.ID)
	if a := again.Lines[0].Advance; a.Status != rma.AdvanceDepositKept || a.Settled.String() != "2026-03-18" {
		t.Fatalf("settled advance replacement read back as %+v", a)
	}
	if len(again.Charges) != 1 || again.Charges[0].Kind != rma.ChargeAdvanceDeposit {
		t.Fatalf("ledger: %+v", again.Charges)
	}
}
