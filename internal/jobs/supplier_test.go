package jobs_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/jobs"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestSupplierStepsMailTheRequester: a WebStore4 unit goes to the desk's
// supplier, which does not cover it: the requester is told that its unit
// is at the supplier, and then the verdict with what the policy says
// follows ("you will be contacted about further processing"), through the
// real jobs runner.
func TestSupplierStepsMailTheRequester(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	c, err := policy.ParseClaim([]byte(`{"requester": {"role": "distributor"}, "product": {"category": "router", "serial": "R9-MAIL"},
		"dates": {"delivered": "2025-06-01", "reported": "2026-03-02"}}`))
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := d.svc.Submit(ctx, d.requester, rma.SubmitRequest{PolicyID: "webstore4", Lines: []rma.LineRequest{{Claim: c}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() (*rma.RMA, error){
		func() (*rma.RMA, error) {
			return d.svc.Authorize(ctx, d.agent, r.ID, 0, rma.AuthorizeRequest{Resolution: "repair"})
		},
		func() (*rma.RMA, error) { return d.svc.Receive(ctx, d.agent, r.Number, 0, 0, nil) },
		func() (*rma.RMA, error) { return d.svc.StartEvaluation(ctx, d.agent, r.ID, 0) },
		func() (*rma.RMA, error) {
			return d.svc.Evaluate(ctx, d.agent, r.ID, 0, []rma.LineFinding{{LineNo: 1, Finding: rma.DefectConfirmed}})
		},
	} {
		if r, err = step(); err != nil {
			t.Fatal(err)
		}
	}
	sup, err := d.svc.CreateSupplier(ctx, rma.System, rma.NewSupplier{Name: "Wholesale", Country: "NL", Email: "rma@wholesale.example",
		Address: rma.Address{Street: "Transportweg 18", Postcode: "2742 RH", City: "Waddinxveen", Country: "NL"}})
	if err != nil {
		t.Fatal(err)
	}
	sr, err := d.svc.ForwardToSupplier(ctx, d.agent, rma.ForwardRequest{SupplierID: sup.ID, Lines: []rma.LineRef{{RMAID: r.ID, LineNo: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	out := &notify.Outbox{}
	runner := jobs.New(d.svc, jobs.Config{Sender: out, Now: d.clock.Now, Worker: "w1"})
	drain(t, runner)
	if got := subjects(out); !strings.Contains(got, "rma@distributor.example: At the supplier: "+r.Number) {
		t.Fatalf("notifications after the forward:\n%s", got)
	}
	if sr, err = d.svc.ShipToSupplier(ctx, d.agent, sr.ID, sr.Version, rma.SupplierShipment{Carrier: "DHL"}); err != nil {
		t.Fatal(err)
	}
	if _, err = d.svc.RecordSupplierVerdicts(ctx, d.agent, sr.ID, sr.Version, []rma.VerdictRequest{{RMAID: r.ID, LineNo: 1, Verdict: rma.SupplierNotCovered}}); err != nil {
		t.Fatal(err)
	}
	drain(t, runner)
	sent := out.Sent()
	last := sent[len(sent)-1]
	if last.To != "rma@distributor.example" || last.Subject != "The supplier's verdict: "+r.Number ||
		!strings.Contains(last.Text, "WebStore4 will contact you about further processing") || strings.Contains(last.Text, "Wholesale") {
		t.Fatalf("the verdict's message: %s: %s\n%s", last.To, last.Subject, last.Text)
	}
}
