package policy_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// The rules the desk applies after the decision (deadlines, RMA number
// validity, shipping by finding, fees, replacement units), pack by pack.

func TestDeadlines(t *testing.T) {
	cases := []struct {
		pack, name, from, due string
	}{
		// Dexxon: instructions within 14 days; evaluation within 4 weeks of receipt.
		{"dexxon", "instructions", "2026-11-21", "2026-12-05"},
		{"dexxon", "evaluation", "2026-12-01", "2026-12-29"},
		{"dexxon", "evaluation", "2024-02-15", "2024-03-14"}, // across a leap day
	}
	for _, tc := range cases {
		t.Run(tc.pack+"/"+tc.name+"/"+tc.from, func(t *testing.T) {
			d := pack(t, tc.pack).Deadline(tc.name)
			if d == nil {
				t.Fatalf("no deadline %q", tc.name)
			}
			cover(tc.pack, d.Clause)
			if got := d.Due(calendar.MustParseDate(tc.from)).String(); got != tc.due {
				t.Fatalf("due %s, want %s", got, tc.due)
			}
			if d.Owner != "vendor" || d.Clause == "" {
				t.Errorf("deadline %+v", d)
			}
		})
	}
	for _, id := range []string{"plextor", "webstore4", "pixfra", "minicart"} {
		if n := len(pack(t, id).Deadlines); n != 0 {
			t.Errorf("%s has %d deadlines; its source states none", id, n)
		}
	}
}

func TestRMANumberValidity(t *testing.T) {
	cases := []struct {
		pack          string
		days          int
		issued, until string
		without       string
	}{
		{"dexxon", 14, "2026-11-21", "2026-12-05", "refused"},
		{"pixfra", 30, "2026-02-01", "2026-03-03", "refused"}, // 30 natural days, through Spring Festival
		{"plextor", 30, "2026-11-21", "2026-12-21", "refused"},
		{"webstore4", 14, "2026-11-21", "2026-12-05", "refused"},
		{"minicart", 14, "2026-11-21", "2026-12-05", "delayed"},
	}
	for _, tc := range cases {
		t.Run(tc.pack, func(t *testing.T) {
			r := pack(t, tc.pack).RMANumber
			cover(tc.pack, r.Clause)
			if r.ValidDays != tc.days || r.OnExpiry != "reissue" || r.WithoutNumber != tc.without {
				t.Fatalf("rma_number %+v", r)
			}
			if got := r.Expires(calendar.MustParseDate(tc.issued)).String(); got != tc.until {
				t.Fatalf("expires %s, want %s", got, tc.until)
			}
		})
	}
}

func TestShippingPayer(t *testing.T) {
	cases := []struct {
		pack, direction string
		route           policy.Route
		finding, want   string
	}{
		{"dexxon", "inbound", policy.RouteWarranty, "", "requester"},
		{"dexxon", "outbound", policy.RouteWarranty, "no_fault_found", "requester"},
		{"dexxon", "outbound", policy.RouteWarranty, "defect_confirmed", "unspecified"},
		{"plextor", "outbound", policy.RouteWarranty, "defect_confirmed", "vendor"},
		{"plextor", "outbound", policy.RouteDOA, "", "vendor"},
		{"plextor", "outbound", policy.RouteWarranty, "not_covered", "requester"},
		{"plextor", "outbound", policy.RouteChargeable, "", "requester"},
		{"plextor", "inbound", policy.RouteWarranty, "", "unspecified"},
		{"webstore4", "inbound", policy.RouteWithdrawal, "", "requester"},
		{"webstore4", "outbound", policy.RouteWarranty, "defect_confirmed", "vendor"},
		{"minicart", "inbound", policy.RouteDOA, "", "vendor"},
		{"minicart", "inbound", policy.RouteWarranty, "", "vendor"},
		{"minicart", "inbound", policy.RouteWarranty, "not_covered", "requester"},
		{"minicart", "inbound", policy.RouteWarranty, "no_fault_found", "requester"},
		{"pixfra", "inbound", policy.RouteWarranty, "", "unspecified"},
	}
	for _, tc := range cases {
		t.Run(tc.pack+"/"+tc.direction+"/"+tc.route.String()+"/"+tc.finding, func(t *testing.T) {
			got, rule := pack(t, tc.pack).ShippingPayer(tc.direction, tc.route, tc.finding)
			if got.String() != tc.want {
				t.Fatalf("paid by %s, want %s", got, tc.want)
			}
			if rule != nil {
				cover(tc.pack, rule.Clause)
			}
		})
	}
	if _, rule := pack(t, "dexxon").ShippingPayer("inbound", policy.RouteWarranty, ""); rule.Terms != "DDP" {
		t.Errorf("Dexxon inbound terms %q, want DDP", rule.Terms)
	}
}

func TestFees(t *testing.T) {
	kinds := func(id string, fees []policy.Fee) string {
		var out []string
		for _, f := range fees {
			cover(id, f.Clause)
			out = append(out, f.Kind+"/"+f.Basis)
		}
		return strings.Join(out, " ")
	}
	cases := []struct {
		pack    string
		route   policy.Route
		finding string
		want    string
	}{
		{"dexxon", policy.RouteWarranty, "no_fault_found", "transport/actual_cost"},
		{"dexxon", policy.RouteWarranty, "defect_confirmed", ""},
		{"plextor", policy.RouteChargeable, "", "repair/quote transport/actual_cost"},
		{"plextor", policy.RouteWarranty, "not_covered", "repair/quote transport/actual_cost"},
		{"plextor", policy.RouteWarranty, "defect_confirmed", ""},
		{"webstore4", policy.RouteWarranty, "no_fault_found", "no_fault_found/hourly second_investigation/hourly supplier_costs/actual_cost"},
		{"webstore4", policy.RouteWithdrawal, "", "depreciation/full_value"},
		{"pixfra", policy.RouteChargeable, "", "repair/quote"},
		{"pixfra", policy.RouteWarranty, "defect_confirmed", ""},
		{"minicart", policy.RouteDOA, "", "missing_accessory/quote import_duties/actual_cost refused_delivery/actual_cost"},
		{"minicart", policy.RouteWarranty, "not_covered", "missing_accessory/quote transport/actual_cost import_duties/actual_cost refused_delivery/actual_cost transport/actual_cost"},
	}
	for _, tc := range cases {
		t.Run(tc.pack+"/"+tc.route.String()+"/"+tc.finding, func(t *testing.T) {
			if got := kinds(tc.pack, pack(t, tc.pack).FeesFor(tc.route, tc.finding)); got != tc.want {
				t.Fatalf("fees %q, want %q", got, tc.want)
			}
		})
	}
}

func TestResolutionsAndReplacement(t *testing.T) {
	cases := []struct {
		pack     string
		route    policy.Route
		offer    string
		chosenBy string
		credit   string
	}{
		{"dexxon", policy.RouteWarranty, "destroy_and_credit refer_to_manufacturer return", "vendor", "last_invoiced_price"},
		{"plextor", policy.RouteDOA, "replace", "vendor", ""},
		{"plextor", policy.RouteWarranty, "replace", "vendor", ""},
		{"plextor", policy.RouteChargeable, "repair return_unrepaired", "vendor", ""},
		{"webstore4", policy.RouteWithdrawal, "refund", "vendor", ""},
		{"webstore4", policy.RouteChargeable, "repair return_unrepaired", "requester", ""},
		{"pixfra", policy.RouteWarranty, "repair replace", "vendor", ""},
		{"minicart", policy.RouteDOA, "replace refund remote_fix", "requester", ""},
		{"minicart", policy.RouteWarranty, "replace refund remote_fix", "requester", ""},
	}
	for _, tc := range cases {
		t.Run(tc.pack+"/"+tc.route.String(), func(t *testing.T) {
			r := pack(t, tc.pack).ResolutionFor(tc.route)
			if r != nil {
				cover(tc.pack, r.Clause)
			}
			if r == nil || strings.Join(r.Offer, " ") != tc.offer || r.ChosenBy != tc.chosenBy || r.Credit != tc.credit {
				t.Fatalf("resolution %+v", r)
			}
		})
	}
	plextor := pack(t, "plextor").Replacement
	if plextor == nil || !slices.Equal(plextor.Grades, []string{"new", "revised", "serviced"}) || plextor.Warranty != "carried_over" || plextor.OtherModel != "allowed" || !plextor.OwnershipToVendor {
		t.Errorf("plextor replacement %+v", plextor)
	}
	cover("plextor", plextor.Clause)
	cover("plextor", plextor.AlsoCites...)
	pixfra := pack(t, "pixfra").Replacement
	if pixfra == nil || pixfra.OtherModel != "unless_refused" {
		t.Errorf("pixfra replacement %+v", pixfra)
	}
	cover("pixfra", pixfra.Clause)
	for _, id := range []string{"dexxon", "pixfra", "plextor", "webstore4", "minicart"} {
		for _, l := range pack(t, id).ServiceLocations {
			cover(id, l.Clause)
		}
	}
	// Which station serves whom: lines_test.go.
	if locs := pack(t, "dexxon").ServiceLocations; len(locs) != 1 || !strings.Contains(strings.Join(locs[0].Address, " "), "2408 BZ Alphen aan den Rijn") {
		t.Errorf("dexxon service locations %+v", locs)
	}
}

func TestInstructions(t *testing.T) {
	cases := []struct {
		pack  string
		route policy.Route
		want  []string // substrings, in order
	}{
		{"dexxon", policy.RouteWarranty, []string{"RMA number clearly on the outside", "complete, with all its accessories", "purchase receipt or the original invoice", "DDP", "without an RMA number", "Curieweg 15"}},
		{"minicart", policy.RouteWarranty, []string{"Contact Mini Cart before", "all its accessories", "order number", "express services", "refuse a delivery"}},
		{"minicart", policy.RouteWithdrawal, []string{"Contact Mini Cart before", "order number", "express services", "refuse a delivery"}},
		{"pixfra", policy.RouteWarranty, []string{"Apply for the RMA number", "serial number and part number", "label SN and PN", "repair service station on your RMA's label", "Back up", "private information", "factory settings", "substituted model"}},
		{"plextor", policy.RouteDOA, []string{"Request an RMA number first", "strictly", "copy of the purchase invoice", "pro-forma"}},
		{"webstore4", policy.RouteWithdrawal, []string{"Wait for WebStore4", "factory settings", "outer box", "postage", "return number"}},
	}
	for _, tc := range cases {
		t.Run(tc.pack+"/"+tc.route.String(), func(t *testing.T) {
			got := pack(t, tc.pack).InstructionsFor(tc.route)
			if len(got) != len(tc.want) {
				t.Fatalf("%d instructions, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, in := range got {
				cover(tc.pack, in.Clause)
				if !strings.Contains(in.Text, tc.want[i]) {
					t.Errorf("instruction %d = %q, want it to mention %q", i, in.Text, tc.want[i])
				}
			}
		})
	}
}

// TestWorkingDayDeadline: a deadline counted in working days skips weekends
// and the calendar's holidays (Koningsdag, 27 April 2026, a Monday).
func TestWorkingDayDeadline(t *testing.T) {
	src := strings.Replace(minimalPolicy(t), "resolutions:", `deadlines:
  - name: response
    after: submitted
    days: 3
    counting: working_days
    calendar: NL
    owner: vendor
    clause: all
resolutions:`, 1)
	p, err := policy.Load("p.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// Friday 24 April 2026 + 3 working days: Tue 28, Wed 29... Mon 27 is Koningsdag.
	if got := p.Deadline("response").Due(calendar.MustParseDate("2026-04-24")).String(); got != "2026-04-30" {
		t.Fatalf("due %s, want 2026-04-30", got)
	}
	if _, err := policy.Load("p.yaml", []byte(strings.Replace(src, "    calendar: NL\n", "", 1))); err == nil || !strings.Contains(err.Error(), "deadlines[0].calendar: required for working_days") {
		t.Fatalf("a working-day deadline without a calendar: %v", err)
	}
}
