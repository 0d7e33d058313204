package rma_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
)

// advanceDesk is a desk on the netvendor example pack with a clock the
// test moves, a partner in country and an agent.
type advanceDesk struct {
	svc              *rma.Service
	now              time.Time
	requester, agent rma.Actor
}

func newAdvanceDesk(t *testing.T, country string, start time.Time) *advanceDesk {
	t.Helper()
	ctx := context.Background()
	data, err := os.ReadFile("../../examples/policies/netvendor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.LoadFS(fstest.MapFS{"netvendor.yaml": {Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	db := sqlitetest.Open(t)
	d := &advanceDesk{now: start}
	d.svc = rma.NewService(db, set, rma.WithClock(func() time.Time { return d.now }))
	accounts := auth.NewAccounts(db)
	partner, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Partner", Role: "partner", Country: country})
	if err != nil {
		t.Fatal(err)
	}
	desk, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Desk", IsDesk: true})
	if err != nil {
		t.Fatal(err)
	}
	d.requester = rma.Actor{OrgID: partner.ID, Role: rma.RoleRequester, Name: "partner"}
	d.agent = rma.Actor{OrgID: desk.ID, Role: rma.RoleAgent, Name: "agent"}
	return d
}

func (d *advanceDesk) submit(t *testing.T, contracts string, price rma.Money) *rma.RMA {
	t.Helper()
	js := `{"requester": {"role": "partner"}, "product": {"category": "switch", "serial": "S1"}, "dates": {"invoice": "2025-06-01", "reported": "2026-03-02"}`
	if contracts != "" {
		js += `, "contracts": [` + contracts + `]`
	}
	c, err := policy.ParseClaim([]byte(js + "}"))
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := d.svc.Submit(context.Background(), d.requester, rma.SubmitRequest{PolicyID: "netvendor",
		Lines: []rma.LineRequest{{Claim: c, LastInvoicedPrice: price}}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func deadline(r *rma.RMA, name string) *rma.Deadline {
	for i := range r.Deadlines {
		if r.Deadlines[i].Name == name {
			return &r.Deadlines[i]
		}
	}
	return nil
}

// TestResponseDeadline: a plan's service level becomes the RMA's response
// deadline, counted in the pack's working days or working hours from the
// moment the RMA is filed.
func TestResponseDeadline(t *testing.T) {
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	cases := []struct {
		name, plan string
		filed      time.Time
		want       string
	}{
		{"nbd on a Monday", "nbd", time.Date(2026, 3, 2, 10, 0, 0, 0, ams), "2026-03-03"},
		{"nbd on a Friday", "nbd", time.Date(2026, 3, 6, 10, 0, 0, 0, ams), "2026-03-09"},
		{"4h in the morning: the same day", "4h", time.Date(2026, 3, 2, 9, 30, 0, 0, ams), "2026-03-02"},
		{"4h after 13:00: the next working day", "4h", time.Date(2026, 3, 2, 13, 30, 0, 0, ams), "2026-03-03"},
		{"4h on Friday afternoon: Monday", "4h", time.Date(2026, 3, 6, 16, 0, 0, 0, ams), "2026-03-09"},
		{"basic: 10 business days", "basic", time.Date(2026, 3, 2, 10, 0, 0, 0, ams), "2026-03-16"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := newAdvanceDesk(t, "NL", tc.filed)
			r := d.submit(t, `{"plan": "`+tc.plan+`", "id": "C-1", "start": "2025-06-01", "end": "2027-05-31"}`, rma.Money{})
			dl := deadline(r, rma.EntitlementDeadline)
			if dl == nil || dl.Due.String() != tc.want || dl.Owner != "vendor" || !strings.Contains(dl.Text, "C-1") {
				t.Fatalf("response deadline %+v, want due %s", dl, tc.want)
			}
		})
	}
	// No contract: no response deadline.
	d := newAdvanceDesk(t, "NL", time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	if r := d.submit(t, "", rma.Money{}); deadline(r, rma.EntitlementDeadline) != nil {
		t.Fatalf("a response deadline without a contract: %+v", r.Deadlines)
	}
}

// TestAdvanceSettlement: what the job does on the morning after the due
// day, and what receipt does before it.
func TestAdvanceSettlement(t *testing.T) {
	eur := func(c int64) rma.Money { return rma.Money{Cents: c, Currency: "EUR"} }
	nbd := `{"plan": "nbd", "id": "C-1", "start": "2025-06-01", "end": "2027-05-31"}`
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday
	cases := []struct {
		name, contracts string
		receiveAfter    time.Duration // 0: never
		settleAfter     time.Duration
		wantStatus      string
		wantLedger      string // kinds and cents
	}{
		{"nbd returned on the due day", nbd, 14 * 24 * time.Hour, 15 * 24 * time.Hour, rma.AdvanceReturned, ""},
		{"nbd not returned: invoiced", nbd, 0, 15 * 24 * time.Hour, rma.AdvanceInvoiced, "advance_replacement 145000"},
		{"nbd returned the day after, before the job: invoiced", nbd, 15 * 24 * time.Hour, 16 * 24 * time.Hour, rma.AdvanceInvoiced, "advance_replacement 145000"},
		{"deposit returned in time: released", "", 15 * 24 * time.Hour, 16 * 24 * time.Hour, rma.AdvanceReturned,
			"advance_deposit 145000, advance_deposit_released -145000"},
		{"deposit not returned: kept", "", 0, 16 * 24 * time.Hour, rma.AdvanceDepositKept, "advance_deposit 145000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			d := newAdvanceDesk(t, "NL", start)
			r := d.submit(t, tc.contracts, eur(145000))
			r, err := d.svc.Authorize(ctx, d.agent, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "replace",
				Advance: []rma.AdvanceRequest{{LineNo: 1, Serial: "R1"}}})
			if err != nil {
				t.Fatal(err)
			}
			if tc.receiveAfter > 0 {
				d.now = start.Add(tc.receiveAfter)
				if r, err = d.svc.Receive(ctx, d.agent, r.Number, 0, 0, nil); err != nil {
					t.Fatal(err)
				}
			}
			// Early: the job waits for the morning after the due day.
			d.now = start.Add(14 * 24 * time.Hour)
			if err := d.svc.SettleAdvance(ctx, r.ID, 1); tc.receiveAfter == 0 && err == nil {
				t.Fatal("settled on the due day")
			}
			d.now = start.Add(tc.settleAfter)
			for range 2 { // once, however often it runs
				if err := d.svc.SettleAdvance(ctx, r.ID, 1); err != nil {
					t.Fatal(err)
				}
			}
			got, err := d.svc.Store().RMA(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if a := got.Lines[0].Advance; a.Status != tc.wantStatus {
				t.Fatalf("status %s, want %s", a.Status, tc.wantStatus)
			}
			var ledger []string
			for _, c := range got.Charges {
				ledger = append(ledger, c.Kind+" "+strconv.FormatInt(c.Amount.Cents, 10))
			}
			if strings.Join(ledger, ", ") != tc.wantLedger {
				t.Fatalf("ledger %q, want %q", strings.Join(ledger, ", "), tc.wantLedger)
			}
			if got.Deadlines[len(got.Deadlines)-1].Met.IsZero() {
				t.Fatalf("the return deadline is still open: %+v", got.Deadlines)
			}
		})
	}
}

// TestAdvanceRefused: advance replacement where the decision does not
// offer it, without a price to charge, or twice for a line is refused, and
// nothing is written.
func TestAdvanceRefused(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name, country, contracts string
		price                    rma.Money
		reqs                     []rma.AdvanceRequest
		field                    string
	}{
		{"not offered in Germany without a plan", "DE", "", rma.Money{Cents: 100, Currency: "EUR"}, []rma.AdvanceRequest{{LineNo: 1, Serial: "R"}}, "advance[0].line"},
		{"no price for the deposit", "NL", "", rma.Money{}, []rma.AdvanceRequest{{LineNo: 1, Serial: "R"}}, "advance[0].line"},
		{"line twice", "NL", "", rma.Money{Cents: 100, Currency: "EUR"}, []rma.AdvanceRequest{{LineNo: 1, Serial: "R"}, {LineNo: 1, Serial: "Q"}}, "advance[1].line"},
		{"no serial", "NL", "", rma.Money{Cents: 100, Currency: "EUR"}, []rma.AdvanceRequest{{LineNo: 1}}, "advance[0].serial"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := newAdvanceDesk(t, tc.country, start)
			r := d.submit(t, tc.contracts, tc.price)
			_, err := d.svc.Authorize(ctx, d.agent, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "replace", Advance: tc.reqs})
			var e *rma.Error
			if !errors.As(err, &e) || e.Code != rma.EINVALID || e.Field != tc.field {
				t.Fatalf("got %v, want an invalid %s", err, tc.field)
			}
			got, _ := d.svc.Store().RMA(ctx, r.ID)
			if got.State != rma.Submitted || len(got.Charges) != 0 || got.Lines[0].Advance != nil {
				t.Fatalf("a refused authorization wrote %+v", got)
			}
		})
	}
}

// TestAdvancePriceAtAuthorization: a line filed without its price takes
// it with the advance replacement, and the deposit is its percentage.
func TestAdvancePriceAtAuthorization(t *testing.T) {
	ctx := context.Background()
	d := newAdvanceDesk(t, "BE", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	r := d.submit(t, "", rma.Money{})
	bad := []rma.AdvanceRequest{{LineNo: 1, Serial: "R", Price: rma.Money{Cents: 100, Currency: "euro"}}}
	if _, err := d.svc.Authorize(ctx, d.agent, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "replace", Advance: bad}); rma.ErrorCode(err) != rma.EINVALID {
		t.Fatalf("a bad currency: %v", err)
	}
	r, err := d.svc.Authorize(ctx, d.agent, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "replace",
		Advance: []rma.AdvanceRequest{{LineNo: 1, Serial: "R", Price: rma.Money{Cents: 39900, Currency: "EUR"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if l := r.Lines[0]; l.LastInvoicedPrice.Cents != 39900 || l.Advance.Deposit.Cents != 39900 || len(r.Charges) != 1 || r.Charges[0].Amount.Cents != 39900 {
		t.Fatalf("price %+v, advance %+v, ledger %+v", l.LastInvoicedPrice, l.Advance, r.Charges)
	}
}
