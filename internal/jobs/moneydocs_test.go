package jobs_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/jobs"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestResolutionMailCarriesTheCreditNote: a Dexxon RMA credited at the
// last invoiced price the agent entered mails the requester the news with
// the credit note attached (CN-2026-00001.pdf, a PDF) and named with its
// total in the text and HTML; the number is the one the portal and the API
// give out afterwards.
func TestResolutionMailCarriesTheCreditNote(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	c, err := policy.ParseClaim([]byte(`{"requester": {"role": "distributor"}, "product": {"category": "ssd", "model": "DX-SSD-1TB", "serial": "DX1"},
		"dates": {"invoice": "2025-06-01", "reported": "2026-03-02"}}`))
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := d.svc.Submit(ctx, d.requester, rma.SubmitRequest{PolicyID: "dexxon", Lines: []rma.LineRequest{{Claim: c, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	tech := rma.Actor{OrgID: d.agent.OrgID, Role: rma.RoleTechnician, Name: "tech"}
	step := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	r, err = d.svc.Authorize(ctx, d.agent, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "return"})
	step(err)
	r, err = d.svc.Receive(ctx, tech, r.Number, 0, 0, nil)
	step(err)
	r, err = d.svc.StartEvaluation(ctx, tech, r.ID, r.Version)
	step(err)
	r, err = d.svc.Evaluate(ctx, tech, r.ID, r.Version, []rma.LineFinding{{LineNo: 1, Finding: rma.DefectConfirmed}})
	step(err)
	_, err = d.svc.Resolve(ctx, d.agent, r.ID, r.Version, rma.ResolveRequest{Outcome: rma.Credited,
		Prices: []rma.LinePrice{{LineNo: 1, Price: rma.Money{Cents: 12100, Currency: "EUR"}}}})
	step(err)

	out := &notify.Outbox{}
	drain(t, jobs.New(d.svc, jobs.Config{Sender: out, Now: d.clock.Now, Worker: "w1"}))
	var mail *notify.Message
	for _, m := range out.Sent() {
		if strings.HasPrefix(m.Subject, "Resolved") {
			mail = &m
		}
	}
	if mail == nil {
		t.Fatalf("no resolution mail:\n%s", subjects(out))
	}
	if len(mail.Attachments) != 1 || mail.Attachments[0].Name != "CN-2026-00001.pdf" || mail.Attachments[0].ContentType != "application/pdf" ||
		!bytes.HasPrefix(mail.Attachments[0].Data, []byte("%PDF-")) {
		t.Fatalf("the resolution mail's attachments: %+v", mail.Attachments)
	}
	for _, part := range []string{mail.Text, strings.ReplaceAll(strings.ReplaceAll(mail.HTML, "<strong>", ""), "</strong>", "")} {
		if !strings.Contains(part, "The credit note CN-2026-00001 (121.00 EUR) is attached") {
			t.Errorf("the mail does not name the credit note:\n%s", part)
		}
	}
	_, doc, err := d.svc.IssueMoneyDocument(ctx, d.requester, r.ID, rma.CreditNote)
	if err != nil || doc.Number != "CN-2026-00001" {
		t.Fatalf("the requester's credit note afterwards: %v %v", doc, err)
	}
}
