package policy

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

func TestCompare(t *testing.T) {
	day := calendar.DateOf(2026, 5, 15)
	base := Decision{Verdict: Accept, Route: RouteWarranty, Warranty: WarrantyStatus{LastDay: day},
		Reasons: []Reason{{Code: "in_warranty", Clause: "warranty-chart", Text: "in warranty"}}, MissingDocuments: []Document{}}
	for _, tc := range []struct {
		name   string
		change func(d *Decision)
		want   string
	}{
		{"alike", func(*Decision) {}, "[]"},
		{"a reason's wording alone is no change", func(d *Decision) {
			d.Reasons = []Reason{{Code: "in_warranty", Clause: "warranty-chart", Text: "other words"}}
		}, "[]"},
		{"rejected, out of warranty", func(d *Decision) {
			d.Verdict, d.Route, d.Warranty.LastDay = Reject, RouteNone, day.AddDays(-730)
			d.Reasons = []Reason{{Code: "out_of_warranty", Clause: "warranty-chart"}}
		}, "[verdict route warranty_last_day reasons]"},
		{"a reason's clause", func(d *Decision) { d.Reasons = []Reason{{Code: "in_warranty", Clause: "other"}} }, "[reasons]"},
		{"a window renamed", func(d *Decision) { d.Window.Name = "doa" }, "[window_last_day]"},
		{"a document missing", func(d *Decision) { d.MissingDocuments = []Document{LabelPhoto} }, "[missing_documents]"},
		{"a declared document missing", func(d *Decision) { d.MissingDeclared = []string{"rma_form"} }, "[missing_documents]"},
		{"a fee known at decision", func(d *Decision) { d.ExpectedCharges = []ExpectedCharge{{Kind: "inspection"}} }, "[expected_charges]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			after := base
			tc.change(&after)
			if got := fmt.Sprint(Compare(&base, &after)); got != tc.want {
				t.Fatalf("Compare = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestShiftOf(t *testing.T) {
	d := calendar.DateOf(2026, 5, 15)
	var none calendar.Date
	for _, tc := range []struct {
		before, after calendar.Date
		want          string
	}{{d, d, ""}, {none, none, ""}, {d, d.AddDays(-1), ShiftEarlier}, {d, d.AddDays(1), ShiftLater}, {none, d, ShiftGained}, {d, none, ShiftLost}} {
		if got := ShiftOf(tc.before, tc.after); got != tc.want {
			t.Errorf("ShiftOf(%v, %v) = %q, want %q", tc.before, tc.after, got, tc.want)
		}
	}
}

func TestDocumentsChanged(t *testing.T) {
	b := &Decision{MissingDocuments: []Document{LabelPhoto, VendorInvoice}}
	a := &Decision{MissingDocuments: []Document{VendorInvoice}, MissingDeclared: []string{"rma_form"}}
	added, removed := DocumentsChanged(b, a)
	if fmt.Sprint(added, removed) != "[rma_form] [label_photo]" {
		t.Fatalf("added %v, removed %v", added, removed)
	}
}

func TestAsInForce(t *testing.T) {
	src, err := os.ReadFile("../../policies/pixfra.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Load("draft.yaml", []byte(strings.Replace(string(src), "effective_from: 2020-01-01", "effective_from: 2027-01-01", 1)))
	if err != nil {
		t.Fatal(err)
	}
	c := Claim{Kind: Defect, Requester: Requester{Role: Distributor, Country: "DE"}, Product: Product{Category: "thermal-camera", Part: "device"},
		Dates: Dates{Invoice: calendar.DateOf(2025, 6, 1), Reported: calendar.DateOf(2026, 3, 2)}}
	if d := p.Evaluate(c); d.Reasons[0].Code != CodePolicyNotInForce {
		t.Fatalf("a version not yet in force: %v %+v", d.Verdict, d.Reasons)
	}
	q := p.AsInForce()
	if d := q.Evaluate(c); slices.ContainsFunc(d.Reasons, func(r Reason) bool { return r.Code == CodePolicyNotInForce }) {
		t.Fatalf("as in force: %+v", d.Reasons)
	}
	if p.EffectiveFrom != calendar.DateOf(2027, 1, 1) {
		t.Fatal("AsInForce changed the policy it was given")
	}
}
