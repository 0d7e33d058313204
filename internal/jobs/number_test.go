package jobs_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/jobs"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestAuthorizedMailCarriesTheNumber: Dexxon's instruction "Address the
// parcel to: …, RMA Number <number>, …" reaches the partner's mailbox with
// the real number in it (issue 10, point 9).
func TestAuthorizedMailCarriesTheNumber(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	r := d.dexxonPartner(t)()
	var err error
	if r, err = d.svc.Authorize(ctx, d.agent, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "return"}); err != nil {
		t.Fatal(err)
	}
	out := &notify.Outbox{}
	drain(t, jobs.New(d.svc, jobs.Config{Sender: out, Now: d.clock.Now, Worker: "w1"}))
	var mail *notify.Message
	for _, m := range out.Sent() {
		if strings.HasPrefix(m.Subject, "Authorized") {
			mail = &m
		}
	}
	if mail == nil {
		t.Fatalf("no authorization mail: %s", subjects(out))
	}
	for _, body := range []string{mail.Text, mail.HTML} {
		if strings.Contains(body, "<number>") || strings.Contains(body, "&lt;number&gt;") {
			t.Errorf("the mail still carries the placeholder:\n%s", body)
		}
		if !strings.Contains(body, "RMA Number "+r.Number+", Curieweg 15") {
			t.Errorf("the mail does not address the parcel with %s:\n%s", r.Number, body)
		}
	}
}

// dexxonPartner adds a Dutch partner with an email address to the desk and
// returns a function that files one in-warranty Dexxon RMA for it.
func (d *desk) dexxonPartner(t *testing.T) func() *rma.RMA {
	t.Helper()
	ctx := context.Background()
	org, err := auth.NewAccounts(d.db).CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Partner", Role: "partner", Country: "NL", Email: "rma@partner.example"})
	if err != nil {
		t.Fatal(err)
	}
	partner := rma.Actor{OrgID: org.ID, Role: rma.RoleRequester, Name: "partner"}
	return func() *rma.RMA {
		t.Helper()
		c, err := policy.ParseClaim([]byte(`{"requester": {"role": "partner"}, "product": {"category": "ssd"},
			"dates": {"purchase": "2025-06-01", "reported": "2026-03-02"}, "documents": ["purchase_receipt"]}`))
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := d.svc.Submit(ctx, partner, rma.SubmitRequest{PolicyID: "dexxon", Lines: []rma.LineRequest{{Claim: c}}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
}
