package jobs_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/jobs"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestAuthorizationMailCarriesTheStation: the authorization email tells the
// requester where to send the parcel, the station's full address as it was
// copied onto the RMA, in text and HTML.
func TestAuthorizationMailCarriesTheStation(t *testing.T) {
	d := newDesk(t)
	if _, err := d.svc.CreateLocation(context.Background(), rma.Actor{Role: rma.RoleAdmin, Name: "admin"}, rma.NewLocation{
		Code: "pixfra-eu", Name: "Pixfra Europe Repair Station",
		Address: rma.Address{Street: "Industrieweg 44", Postcode: "5145 PV", City: "Waalwijk", Country: "NL"}}); err != nil {
		t.Fatal(err)
	}
	r := d.authorizedPixfra(t)
	out := &notify.Outbox{}
	drain(t, jobs.New(d.svc, jobs.Config{Sender: out, Now: d.clock.Now, Worker: "w1"}))
	var mail *notify.Message
	for _, m := range out.Sent() {
		if strings.Contains(m.Subject, "Authorized") {
			mail = &m
		}
	}
	if mail == nil {
		t.Fatalf("no authorization mail:\n%s", subjects(out))
	}
	for _, want := range []string{"Send the parcel to:", "Pixfra Europe Repair Station", r.Number, "Industrieweg 44", "5145 PV Waalwijk", "Netherlands"} {
		if !strings.Contains(mail.Text, want) || !strings.Contains(mail.HTML, want) {
			t.Errorf("the authorization mail lacks %q:\n%s", want, mail.Text)
		}
	}
}
