package storetest

import (
	"math"
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// testBench: what the technician's bench records on a line (issue 13,
// point 3) reads back as written: the state a unit arrived in with its
// notes, several missing accessories in their order, fractional hours of
// an evaluation; a line without them keeps them empty; hours that are no
// number are refused and nothing is written.
func testBench(t *testing.T, open Opener) {
	s := open(t)
	o := mkOrg(t, s, "Mini Cart customer")
	r := mkRMA(t, s, simpleRMA(t, o.ID, "BENCH-1", minute(1)))
	r.Lines = append(r.Lines, rma.Line{No: 2, Claim: unitClaim(t, "SN-BENCH-2", "MC-2"), Quantity: 1, Decision: r.Lines[0].Decision})
	r.State = rma.InEvaluation
	l := &r.Lines[0]
	l.ReceivedSerial, l.SerialMismatch = "SN-OTHER", true
	l.IntakeCondition, l.IntakeNotes = "damaged_in_transit", "box crushed at one corner; unit intact"
	l.MissingAccessories = []string{"charger", "battery"}
	l.Finding, l.EvaluationHours = rma.NoFault, 1.25
	r.Charges = append(r.Charges, rma.Charge{LineNo: 1, Kind: "no_fault_found", Basis: "hourly", Quantity: 1.25,
		Amount: rma.Money{Cents: 9375, Currency: "EUR"}, Created: minute(5)})
	must(t, s.SaveRMA(t.Context(), r, 1, &rma.Event{At: minute(5), Actor: "tech", Action: string(rma.ActEvaluate), From: rma.Received, To: rma.InEvaluation}))
	got := reload(t, s, r.ID)
	wantSame(t, "the bench's line", r.Lines, got.Lines)
	if g := got.Lines[0]; g.IntakeCondition != "damaged_in_transit" || g.EvaluationHours != 1.25 || len(g.MissingAccessories) != 2 {
		t.Fatalf("line 1 read back as %+v", g)
	}
	if g := got.Lines[1]; g.IntakeCondition != "" || g.IntakeNotes != "" || g.EvaluationHours != 0 {
		t.Fatalf("line 2, never received, read back as %+v", g)
	}

	before := snapshot(t, s, r.ID)
	bad := reload(t, s, r.ID)
	bad.Lines[1].EvaluationHours = math.NaN()
	bad.Reason = "not written"
	wantCode(t, s.SaveRMA(t.Context(), bad, bad.Version, &rma.Event{At: minute(6), Actor: "tech", Action: "note"}), rma.EINVALID)
	before.wantUnchanged(t, s)
}
