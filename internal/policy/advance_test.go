package policy_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// The netvendor example pack (examples/policies/netvendor.yaml) shows
// support plans and advance replacement; these tests break it one way at a
// time and decide claims on the days where its answers change.

func netvendorSource(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile("../../examples/policies/netvendor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func netvendor(t testing.TB) *policy.Policy {
	t.Helper()
	p, err := policy.Load("netvendor.yaml", []byte(netvendorSource(t)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAdvanceLint: each mistake is reported with the field's path and the
// line it is on.
func TestAdvanceLint(t *testing.T) {
	cases := []struct {
		name    string
		replace [2]string
		want    string // one of the issues, as printed
	}{
		{"unknown plan in an offer", [2]string{"plans: [nbd, 4h]", "plans: [nbd, gold]"},
			`netvendor.yaml:175:18: advance_replacement[0].plans[1]: unknown plan "gold" (the ids under contracts:)`},
		{"plan without advance replacement", [2]string{"plans: [nbd, 4h]", "plans: [nbd, basic]"},
			`netvendor.yaml:175:18: advance_replacement[0].plans[1]: plan "basic" does not include advance replacement`},
		{"unknown region", [2]string{"regions: [benelux]\n    return_within: {days: 15", "regions: [benelux, mars]\n    return_within: {days: 15"},
			`netvendor.yaml:180:24: advance_replacement[1].regions[1]: unknown region "mars"`},
		{"working days without a calendar", [2]string{"calendar: NL\n", ""},
			`netvendor.yaml:175:41: advance_replacement[0].return_within.counting: working_days needs the policy's calendar:`},
		{"keep_deposit without a deposit", [2]string{"    deposit: {percent: 100}\n", ""},
			`netvendor.yaml:179:5: advance_replacement[1].deposit: required with on_no_return: keep_deposit`},
		{"both percent and amount", [2]string{"deposit: {percent: 100}", `deposit: {percent: 100, amount: "150.00", currency: EUR}`},
			`netvendor.yaml:183:15: advance_replacement[1].deposit: give either percent: or amount:, not both`},
		{"amount without currency", [2]string{"deposit: {percent: 100}", `deposit: {amount: "150.00"}`},
			`netvendor.yaml:183:15: advance_replacement[1].deposit.currency: required with an amount`},
		{"invoice with keep_deposit", [2]string{"deposit: {percent: 100}", "deposit: {percent: 100}\n    invoice: {amount: \"99.00\", currency: EUR}"},
			`netvendor.yaml:184:15: advance_replacement[1].invoice: nothing is invoiced with on_no_return: keep_deposit`},
		{"unknown on_no_return", [2]string{"on_no_return: invoice", "on_no_return: forget"},
			`netvendor.yaml:177:19: advance_replacement[0].on_no_return: unknown value "forget"`},
		{"zero return days", [2]string{"{days: 10, counting: working_days}", "{days: 0, counting: working_days}"},
			`netvendor.yaml:176:27: advance_replacement[0].return_within.days: required`},
		{"bad counting", [2]string{"{days: 10, counting: working_days}", "{days: 10, counting: fortnights}"},
			`netvendor.yaml:176:41: advance_replacement[0].return_within.counting: must be calendar_days or working_days`},
		{"withdrawal route", [2]string{"  - routes: [warranty]\n    regions: [benelux]", "  - routes: [withdrawal]\n    regions: [benelux]"},
			`netvendor.yaml:179:13: advance_replacement[1].routes: advance replacement replaces a defective unit: not on route withdrawal`},
		{"plan offering advance without a rule", [2]string{"    plans: [nbd, 4h]\n", "    plans: [nbd]\n"},
			`netvendor.yaml:168:26: contracts[2].advance_replacement: plan "4h" includes advance replacement, but no advance_replacement: rule offers it`},
		{"duplicate plan", [2]string{"  - id: 4h\n", "  - id: nbd\n"},
			`netvendor.yaml:163:9: contracts[2].id: duplicate plan "nbd"`},
		{"no response", [2]string{"response: {business_days: 10}", "response: {}"},
			`netvendor.yaml:154:15: contracts[0].response: required: business_days or business_hours`},
		{"both days and hours", [2]string{"response: {business_days: 10}", "response: {business_days: 10, business_hours: 4}"},
			`netvendor.yaml:154:16: contracts[0].response: give either business_days: or business_hours:, not both`},
		{"business hours without working hours", [2]string{`working_hours: {open: "09:00", close: "17:00", time_zone: Europe/Amsterdam}` + "\n", ""},
			`netvendor.yaml:166:32: contracts[2].response.business_hours: business hours need the policy's working_hours:`},
		{"bad opening time", [2]string{`open: "09:00"`, `open: "9 am"`},
			`netvendor.yaml:23:23: working_hours.open: "9 am" is not a time HH:MM`},
		{"closing before opening", [2]string{`close: "17:00"`, `close: "08:00"`},
			`netvendor.yaml:23:39: working_hours.close: 08:00 is not after open 09:00`},
		{"unknown zone", [2]string{"time_zone: Europe/Amsterdam", "time_zone: Europe/Atlantis"},
			`netvendor.yaml:23:59: working_hours.time_zone: unknown time zone "Europe/Atlantis"`},
		{"unknown key", [2]string{"    advance_replacement: true\n    clause: plan-nbd", "    advance_replacements: true\n    clause: plan-nbd"},
			`netvendor.yaml:161:5: contracts[1].advance_replacements: unknown key "advance_replacements"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := netvendorSource(t)
			if !strings.Contains(src, tc.replace[0]) {
				t.Fatalf("test is stale: %q not in netvendor.yaml", tc.replace[0])
			}
			src = strings.Replace(src, tc.replace[0], tc.replace[1], 1)
			if tc.name == "plan offering advance without a rule" {
				// The deposit rule offers anyone advance replacement: without it,
				// nothing offers plan 4h.
				src = strings.Replace(src, "    regions: [benelux]\n", "    regions: [benelux]\n    plans: [nbd]\n", 1)
			}
			_, err := policy.Load("netvendor.yaml", []byte(src))
			var le *policy.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a *LoadError", err)
			}
			var got []string
			for _, is := range le.Issues {
				if strings.HasPrefix(is.String(), tc.want) {
					return
				}
				got = append(got, is.String())
			}
			t.Fatalf("no issue starts with\n  %s\ngot:\n  %s", tc.want, strings.Join(got, "\n  "))
		})
	}
}

// TestContractClaimFields: the claim's contracts are checked with the
// field's path.
func TestContractClaimFields(t *testing.T) {
	base := `{"requester": {"role": "partner"}, "product": {"category": "switch"}, "dates": {"reported": "2026-03-10"}, "contracts": [%s]}`
	cases := []struct{ contract, field string }{
		{`{"plan": "nbd", "id": "C-1", "start": "2025-01-01", "end": "2026-13-01"}`, "contracts[0].end"},
		{`{"plan": "nbd", "id": "C-1", "start": "2025-01-01"}`, "contracts[0].end"},
		{`{"plan": "", "id": "C-1", "start": "2025-01-01", "end": "2026-01-01"}`, "contracts[0].plan"},
		{`{"plan": "nbd", "start": "2025-01-01", "end": "2026-01-01"}`, "contracts[0].id"},
		{`{"plan": "nbd", "id": "C-1", "start": "2026-01-02", "end": "2026-01-01"}`, "contracts[0].end"},
		{`{"plan": "nbd", "id": "C-1", "start": "yesterday", "end": "2026-01-01"}`, "contracts[0].start"},
	}
	for _, tc := range cases {
		_, err := policy.ParseClaim([]byte(strings.Replace(base, "%s", tc.contract, 1)))
		var fe *policy.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: got %v, want an error on %s", tc.contract, err, tc.field)
		}
	}
	// A plan the policy does not know is the policy's to explain, not a
	// bad claim.
	c, err := policy.ParseClaim([]byte(strings.Replace(base, "%s", `{"plan": "gold", "id": "C-1", "start": "2025-01-01", "end": "2027-01-01"}`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Contracts) != 1 || c.Contracts[0].End.String() != "2027-01-01" {
		t.Fatalf("contracts = %+v", c.Contracts)
	}
}

// TestContractsAndAdvanceEdgeDays decides claims on the days the answer
// turns: a contract's first and last day, the warranty's last day, a
// country in and out of an offer's region, with and without a plan.
func TestContractsAndAdvanceEdgeDays(t *testing.T) {
	p := netvendor(t)
	type want struct {
		verdict     policy.Verdict
		route       policy.Route
		entitled    string // the plan, "" none
		advance     string // "offered", "not", "" none in the decision
		onNoReturn  string
		lastReason  string
		containsMsg string
	}
	cases := []struct {
		name, country, invoice, reported, contract string
		want                                       want
	}{
		{"contract ends on the reported day: covered", "NL", "2024-01-15", "2026-02-02", `{"plan": "nbd", "id": "C", "start": "2025-02-03", "end": "2026-02-02"}`,
			want{policy.Accept, policy.RouteWarranty, "nbd", "offered", "invoice", policy.CodeAdvanceReplacement, ""}},
		{"contract ended the day before: rejected, explained", "NL", "2024-01-15", "2026-02-02", `{"plan": "nbd", "id": "C", "start": "2025-02-02", "end": "2026-02-01"}`,
			want{policy.Reject, policy.RouteNone, "", "", "", policy.CodeContractExpired, "ended on 2026-02-01"}},
		{"contract starts on the reported day", "FR", "2024-09-01", "2026-04-01", `{"plan": "4h", "id": "C", "start": "2026-04-01", "end": "2027-03-31"}`,
			want{policy.Accept, policy.RouteWarranty, "4h", "offered", "invoice", policy.CodeAdvanceReplacement, ""}},
		{"contract starts the day after", "FR", "2024-09-01", "2026-03-31", `{"plan": "4h", "id": "C", "start": "2026-04-01", "end": "2027-03-31"}`,
			want{policy.Reject, policy.RouteNone, "", "", "", policy.CodeContractNotStarted, "starts on 2026-04-01"}},
		{"warranty's last day without a plan, in the deposit region", "BE", "2025-03-10", "2026-03-09", "",
			want{policy.Accept, policy.RouteWarranty, "", "offered", "keep_deposit", policy.CodeAdvanceReplacement, "deposit of 100%"}},
		{"the day after, without a plan", "BE", "2025-03-10", "2026-03-10", "",
			want{policy.Reject, policy.RouteNone, "", "", "", policy.CodeOutOfWarranty, ""}},
		{"plan holder outside the offer's regions", "ES", "2025-11-20", "2026-01-14", `{"plan": "nbd", "id": "C", "start": "2025-11-20", "end": "2028-11-19"}`,
			want{policy.Accept, policy.RouteWarranty, "nbd", "not", "", policy.CodeAdvanceNotOffered, "outside its regions"}},
		{"no plan inside the plans' region, outside the deposit region", "DE", "2025-05-05", "2026-02-16", "",
			want{policy.Accept, policy.RouteWarranty, "", "not", "", policy.CodeAdvanceNotOffered, "plan nbd or 4h"}},
		{"basic plan: deposit offer, 10 business days", "LU", "2025-05-05", "2026-02-16", `{"plan": "basic", "id": "C", "start": "2025-05-05", "end": "2027-05-04"}`,
			want{policy.Accept, policy.RouteWarranty, "basic", "offered", "keep_deposit", policy.CodeAdvanceReplacement, ""}},
		{"basic plan does not cover out of warranty", "NL", "2024-05-05", "2026-02-16", `{"plan": "basic", "id": "C", "start": "2025-05-05", "end": "2027-05-04"}`,
			want{policy.Reject, policy.RouteNone, "", "", "", policy.CodeContractNotCovering, ""}},
		{"unknown plan: a person checks", "NL", "2025-06-01", "2026-03-10", `{"plan": "gold", "id": "C", "start": "2025-06-01", "end": "2027-05-31"}`,
			want{policy.Review, policy.RouteWarranty, "", "offered", "keep_deposit", policy.CodeAdvanceReplacement, ""}},
		{"no country: no region matches", "", "2025-06-01", "2026-03-10", `{"plan": "nbd", "id": "C", "start": "2025-06-01", "end": "2027-05-31"}`,
			want{policy.Accept, policy.RouteWarranty, "nbd", "not", "", policy.CodeAdvanceNotOffered, ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			country := ""
			if tc.country != "" {
				country = `, "country": "` + tc.country + `"`
			}
			contracts := ""
			if tc.contract != "" {
				contracts = `, "contracts": [` + tc.contract + `]`
			}
			c, err := policy.ParseClaim([]byte(`{"requester": {"role": "partner"` + country + `}, "product": {"category": "switch"},
				"dates": {"invoice": "` + tc.invoice + `", "reported": "` + tc.reported + `"}` + contracts + `}`))
			if err != nil {
				t.Fatal(err)
			}
			d := p.Evaluate(c)
			w := tc.want
			if d.Verdict != w.verdict || d.Route != w.route {
				t.Fatalf("got %s on %s, want %s on %s: %+v", d.Verdict, d.Route, w.verdict, w.route, d.Reasons)
			}
			switch {
			case w.entitled == "" && d.Entitlement != nil:
				t.Errorf("entitlement %+v, want none", d.Entitlement)
			case w.entitled != "" && (d.Entitlement == nil || d.Entitlement.Plan != w.entitled):
				t.Errorf("entitlement %+v, want plan %s", d.Entitlement, w.entitled)
			}
			switch w.advance {
			case "":
				if d.AdvanceReplacement != nil {
					t.Errorf("advance %+v, want none", d.AdvanceReplacement)
				}
			case "offered":
				if d.AdvanceReplacement == nil || !d.AdvanceReplacement.Offered || d.AdvanceReplacement.OnNoReturn != w.onNoReturn {
					t.Errorf("advance %+v, want offered with %s", d.AdvanceReplacement, w.onNoReturn)
				}
			case "not":
				if d.AdvanceReplacement == nil || d.AdvanceReplacement.Offered {
					t.Errorf("advance %+v, want not offered", d.AdvanceReplacement)
				}
			}
			last := d.Reasons[len(d.Reasons)-1]
			if last.Code != w.lastReason || !strings.Contains(last.Text, w.containsMsg) {
				t.Errorf("last reason %+v, want %s containing %q", last, w.lastReason, w.containsMsg)
			}
			for _, r := range d.Reasons {
				if r.Msg == "" && r.Key == "" {
					t.Errorf("reason %s records no wording", r.Code)
				}
				if nl, ok := p.ReasonText("nl", r); !ok || nl == r.Text {
					t.Errorf("reason %s has no Dutch wording (%q)", r.Code, nl)
				}
			}
		})
	}
}

// TestAdvanceDue: the defective unit's return window counts from the day
// the replacement shipped, in the offer's days.
func TestAdvanceDue(t *testing.T) {
	p := netvendor(t)
	plans, deposit := &p.Advance[0], &p.Advance[1]
	_ = plans
	cases := []struct {
		offer            int
		shipped, wantDue string
	}{
		{0, "2026-03-10", "2026-03-24"}, // Tuesday + 10 Dutch working days
		{0, "2026-04-24", "2026-05-12"}, // over King's Day (27 April), 5 May (a holiday every year in the NL calendar) and the weekends
		{1, "2026-03-10", "2026-03-25"}, // 15 calendar days
	}
	for _, tc := range cases {
		c, _ := policy.ParseClaim([]byte(`{"requester": {"role": "partner", "country": "NL"}, "product": {"category": "switch"}, "dates": {"invoice": "2026-01-01", "reported": "2026-03-10"}, "contracts": [{"plan": "nbd", "id": "C", "start": "2026-01-01", "end": "2026-12-31"}]}`))
		if tc.offer == 1 {
			c.Contracts = nil
		}
		d := p.Evaluate(c)
		if d.AdvanceReplacement == nil || !d.AdvanceReplacement.Offered {
			t.Fatalf("not offered: %+v", d.Reasons)
		}
		if got := d.AdvanceReplacement.Due(p, calendar.MustParseDate(tc.shipped)).String(); got != tc.wantDue {
			t.Errorf("offer %d shipped %s: due %s, want %s", tc.offer, tc.shipped, got, tc.wantDue)
		}
	}
	if deposit.Clause != "advance-deposit" {
		t.Fatalf("offer order changed: %+v", deposit)
	}
}

// TestWorkingHoursAdd: four business hours from a moment, across the
// evening, the weekend and a holiday.
func TestWorkingHoursAdd(t *testing.T) {
	p := netvendor(t)
	h := p.WorkingHours
	ams := h.Location
	cases := []struct{ from, want string }{
		{"2026-03-10 10:00", "2026-03-10 14:00"}, // inside one day
		{"2026-03-10 15:00", "2026-03-11 11:00"}, // two hours today, two tomorrow
		{"2026-03-10 07:30", "2026-03-10 13:00"}, // before opening
		{"2026-03-13 16:00", "2026-03-16 12:00"}, // Friday to Monday
		{"2026-04-24 16:30", "2026-04-28 12:30"}, // Friday, then King's Day Monday
		{"2026-03-10 17:00", "2026-03-11 13:00"}, // at closing
	}
	for _, tc := range cases {
		from, _ := time.ParseInLocation("2006-01-02 15:04", tc.from, ams)
		got := h.Add(from, 4*time.Hour).In(ams).Format("2006-01-02 15:04")
		if got != tc.want {
			t.Errorf("4 business hours after %s: %s, want %s", tc.from, got, tc.want)
		}
	}
}
