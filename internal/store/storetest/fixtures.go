package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// day is a date literal.
func day(s string) calendar.Date { return calendar.MustParseDate(s) }

// base is the fixtures' clock. Fixture times carry microseconds, the finest
// precision every store keeps.
var base = time.Date(2026, time.March, 2, 9, 30, 0, 123456000, time.UTC)

// minute returns base plus n minutes.
func minute(n int) time.Time { return base.Add(time.Duration(n) * time.Minute) }

// claim parses a claim in its JSON contract; the fixtures are literals, so
// a failure is a bug in the suite.
func claim(t *testing.T, js string) policy.Claim {
	t.Helper()
	c, err := policy.ParseClaim([]byte(js))
	if err != nil {
		t.Fatalf("fixture claim: %v", err)
	}
	return c
}

// unitClaim is a plain claim for one unit.
func unitClaim(t *testing.T, serial, model string) policy.Claim {
	return claim(t, fmt.Sprintf(`{"requester": {"role": "dealer", "country": "NL"},
		"product": {"category": "thermal-camera", "model": %q, "serial": %q},
		"dates": {"purchase": "2025-11-03", "reported": "2026-03-02"}}`, model, serial))
}

// fullDecision sets every field of a decision, every enum to a value other
// than its zero, so that none can survive a round trip by accident.
func fullDecision() policy.Decision {
	return policy.Decision{
		Policy:        "dexxon",
		PolicyVersion: "2026-01",
		Kind:          policy.Withdrawal,
		Verdict:       policy.Review,
		Route:         policy.RouteWarranty,
		Warranty: policy.WarrantyStatus{
			Basis:        policy.DateInvoice,
			Start:        day("2024-04-30"),
			LastDay:      day("2026-05-04"),
			ExtendedFrom: day("2026-04-30"),
			Term:         "24 months",
			InWarranty:   true,
			Registered:   day("2024-05-10"), // issue 14, terms
			LastDayBy:    "registration",
			Source:       "records", // issue 16
		},
		Window: policy.WindowStatus{
			Name:    "doa",
			Basis:   policy.DateDelivered,
			Start:   day("2026-02-20"),
			LastDay: day("2026-03-06"),
			Open:    true,
		},
		Reasons: []policy.Reason{
			{Code: policy.CodeInWarranty, Clause: "4.1", Text: "in warranty until 2026-05-04"},
			{Code: policy.CodeHolidayExtended, Clause: "4.3", Text: "extended past a holiday"},
		},
		MissingDocuments:      []policy.Document{policy.VendorInvoice},
		EncloseDocuments:      []policy.Document{policy.ShipmentSlip, policy.ProformaInvoice},
		Resolutions:           []string{"repair", "replace"},
		ResolutionChosenBy:    "vendor",
		RMAValidDays:          30,
		InboundShippingPaidBy: policy.PayerVendor,
		ExpectedCharges: []policy.ExpectedCharge{{Kind: "restocking", Basis: "percentage", Percent: "25", Tier: 1, Why: "opened",
			Amount: policy.Amount{Cents: 3225, Currency: "EUR"}, Limit: "maximum", Clause: "7.5"}},
		// Issue 14: support contracts and advance replacement.
		Entitlement: &policy.Entitlement{Plan: "4h", PlanName: "4-Hour", Contract: "C-4004", Start: day("2025-11-20"), End: day("2028-11-19"),
			Response: "4 business hours", BusinessDays: 1, BusinessHours: 4, Clause: "plan-4h"},
		AdvanceReplacement: &policy.AdvanceTerms{Offered: true, ReturnWithinDays: 10, Counting: "working_days", OnNoReturn: "invoice",
			Deposit: &policy.AdvanceAmount{Percent: 50, Amount: "150.00", Currency: "EUR"},
			Invoice: &policy.AdvanceAmount{Percent: 100, Amount: "999.00", Currency: "EUR"}, Clause: "advance-plans"},
		MissingDeclared: []string{"rma_form"}, // issue 14: a pack's own documents
		EncloseDeclared: []string{"dealer_stamp", "rma_form"},
	}
}

// fullRMA sets every field of an RMA and of its first line (the second
// line keeps zero enums, which must survive too). IDs and Version are the
// store's to set.
func fullRMA(t *testing.T, orgID int64) *rma.RMA {
	full := claim(t, `{"kind": "withdrawal",
		"requester": {"role": "distributor", "country": "DE", "standing": "on_hold"},
		"product": {"category": "thermal-camera", "part": "battery", "model": "PX-435", "serial": "SN-435-0001", "part_number": "PX-435-EU",
			"price": {"amount": "129.00", "currency": "EUR"}, "channel": "authorized_reseller"},
		"dates": {"purchase": "2025-01-10", "invoice": "2024-12-20", "shipped": "2024-12-22",
			"delivered": "2024-12-27", "manufactured": "2024-10-01", "reported": "2026-03-02",
			"registered": "2025-01-20", "replaced": "2025-11-05"},
		"conditions": ["labels_removed", "accident", "box_damaged"],
		"cause": "manufacturing",
		"documents": ["label_photo", "vendor_invoice", "rma_form"],
		"contracts": [{"plan": "4h", "id": "C-4004", "start": "2025-11-20", "end": "2028-11-19"}],
		"records": {"known": true, "dates": {"invoice": "2024-12-19", "delivered": "2024-12-26"}, "sold_to_other": true,
			"last_claim": "2026-01-05", "last_claim_rma": "RMA-26-00012-X", "replaces": "SN-435-0000", "replaced": "2025-11-05", "warranty_end": "2027-01-09"}}`)
	n1, n2 := rma.FormatNumber(26, 4817), rma.FormatNumber(26, 5120)
	return &rma.RMA{
		Number:        n2,
		NumberExpires: day("2026-04-15"),
		OrgID:         orgID,
		Reference:     "PO-4471",
		PolicyID:      "dexxon",
		PolicyVersion: "2026-01",
		Kind:          policy.Withdrawal,
		State:         rma.Authorized,
		Verdict:       policy.Review,
		Route:         policy.RouteWarranty,
		Resolution:    "replace",
		Outcome:       rma.Replaced,
		Reason:        "label photo was unreadable",
		ReferredTo:    "service@pixfra.example",
		Location:      "nl-tilburg",
		ShipTo: &rma.ShipTo{Code: "nl-tilburg", Name: "Pixfra Benelux repair station", Address: rma.Address{
			Street: "Ringbaan-Oost 102", Postcode: "5013 CD", City: "Tilburg", Region: "Noord-Brabant", Country: "NL",
			Contact: "RMA intake", Phone: "+31 13 555 0142", Note: "Dock 4, weekdays 8:00-16:30"}},
		NoSubstitute: true,
		Preference:   "refund",
		Reported:     day("2026-03-02"),
		Lines: []rma.Line{
			{
				No:                     1,
				Claim:                  full,
				Quantity:               2,
				Fault:                  "does not power on",
				LastInvoicedPrice:      rma.Money{Cents: 12900, Currency: "EUR"},
				Decision:               fullDecision(),
				ReceivedSerial:         "SN-435-0002",
				ReceivedModel:          "PX-435B",
				SerialMismatch:         true,
				MissingAccessories:     []string{"charger", "lens cap"},
				EnclosedDocuments:      []policy.Document{policy.PurchaseReceipt, policy.LabelPhoto},
				Finding:                rma.NotCovered,
				FindingCondition:       "accident",
				EvaluationNotes:        "housing cracked at the hinge",
				ReplacementSerial:      "SN-435-9001",
				ReplacementModel:       "PX-435",
				ReplacementGrade:       "revised",
				ReplacementWarrantyEnd: day("2026-05-04"),
				PartNumber:             "1.0.01.08.43501",
				ReceivedPartNumber:     "1.0.01.08.43502",
				PartMismatch:           true,
				IntakeCondition:        "damaged_in_transit",
				IntakeNotes:            "outer box crushed",
				EvaluationHours:        1.25,
				Advance: &rma.AdvanceShipment{Serial: "SN-435-9002", Model: "PX-435", Tracking: "1Z999AA1", Shipped: day("2026-03-17"),
					Due: day("2026-03-31"), OnNoReturn: "invoice", Deposit: rma.Money{Cents: 15000, Currency: "EUR"},
					Invoice: rma.Money{Cents: 99900, Currency: "EUR"}, Clause: "advance-plans", Status: rma.AdvanceInvoiced, Settled: day("2026-04-01")},
			},
			{
				No:       2,
				Claim:    unitClaim(t, "SN-100-0001", "PX-100"),
				Quantity: 1,
				// Zero enums, and a warranty without a start date (the claim
				// had none), whose JSON carries "start": "".
				Decision: policy.Decision{Policy: "dexxon", Kind: policy.Defect, Verdict: policy.Accept, Route: policy.RouteNone,
					Warranty: policy.WarrantyStatus{Basis: policy.DatePurchase, Term: "24 months"}},
				// The desk rejected this unit at authorization.
				Rejected:     true,
				RejectReason: "out of warranty since 2025-06-01",
			},
		},
		Numbers: []rma.NumberRecord{
			{Number: n1, Issued: day("2026-03-02"), Expires: day("2026-03-16"), Current: false},
			{Number: n2, Issued: day("2026-03-17"), Expires: day("2026-04-15"), Current: true},
		},
		Deadlines: []rma.Deadline{
			{Name: "instructions", Owner: "vendor", Due: day("2026-03-16"), Met: minute(60), Clause: "5.2", Text: "instructions within 14 days"},
			{Name: "ship", Owner: "requester", Due: day("2026-04-15"), Clause: "5.3", Text: "send the unit while the number is valid"},
		},
		Charges: []rma.Charge{
			{LineNo: 1, Kind: "inspection", Basis: "hourly", Description: "bench test", Quantity: 1.5,
				Amount: rma.Money{Cents: 9750, Currency: "EUR"}, Clause: "7.1", Created: minute(5)},
			{Kind: "credit", Basis: "last_invoiced_price", Description: "credit for line 1", Quantity: 1,
				Amount: rma.Money{Cents: -12900, Currency: "EUR"}, Clause: "7.4", Created: minute(6)},
			{LineNo: 1, Kind: "restocking", Basis: "percentage", Description: "25% of 129.00 EUR", Quantity: 1,
				Amount: rma.Money{Cents: 3225, Currency: "EUR"}, Clause: "7.5", Created: minute(6), Deducted: true},
		},
		Created: minute(0),
		Updated: minute(1),
	}
}

// simpleRMA is a submitted RMA with one line, for tests about something
// else than the fields.
func simpleRMA(t *testing.T, orgID int64, ref string, created time.Time) *rma.RMA {
	return &rma.RMA{
		OrgID:     orgID,
		Reference: ref,
		PolicyID:  "dexxon",
		State:     rma.Submitted,
		Reported:  day("2026-03-02"),
		Lines: []rma.Line{{
			No:       1,
			Claim:    unitClaim(t, "SN-"+ref, "MODEL-"+ref),
			Quantity: 1,
			Decision: policy.Decision{Policy: "dexxon", Verdict: policy.Accept, Route: policy.RouteWarranty},
		}},
		Created: created,
		Updated: created,
	}
}

// submitEvent is the first event of an RMA.
func submitEvent(at time.Time) *rma.Event {
	return &rma.Event{At: at, Actor: "anna@dexxon.example", Action: "submit", To: rma.Submitted,
		Details: map[string]any{"lines": float64(1), "channel": "portal"}}
}

// mkOrg stores an organisation.
func mkOrg(t *testing.T, s rma.Store, name string) *rma.Org {
	t.Helper()
	o := &rma.Org{Name: name, Role: policy.Dealer, Country: "NL", Email: "rma@" + name + ".example", Created: base}
	must(t, s.CreateOrg(t.Context(), o))
	return o
}

// mkRMA stores r with a submit event.
func mkRMA(t *testing.T, s rma.Store, r *rma.RMA) *rma.RMA {
	t.Helper()
	must(t, s.CreateRMA(t.Context(), r, submitEvent(r.Created), ""))
	return r
}

// reload reads an RMA back.
func reload(t *testing.T, s rma.Store, id int64) *rma.RMA {
	t.Helper()
	r, err := s.RMA(t.Context(), id)
	must(t, err)
	return r
}

// wantSame fails the test where got differs from want.
func wantSame(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := diff(want, got); len(d) > 0 {
		t.Fatalf("%s differs:\n%s", what, joinLines(d))
	}
}

func joinLines(lines []string) string { return "  " + strings.Join(lines, "\n  ") }
