package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestEvaluationHours: the evaluate step shows each line's serial as
// reserved and received, what was missing and the fault beside the
// finding; it asks for the hours spent and, as WebStore4 charges no fault
// found by the hour without naming its rate, for the desk's rate. Hours or
// a rate that are no number, or a rate left out, bring the page back with
// the field named and the form as filled in; 1.5 hours at 65.00 are
// charged 97.50 EUR by the policy's fee. Mini Cart charges no finding by
// the hour: its form asks for hours only.
func TestEvaluationHours(t *testing.T) {
	p := newPortal(t)
	ctx := context.Background()
	tech := rma.Actor{Role: rma.RoleAgent, Name: "agent"}
	r := authorizedFor(t, p, "webstore4", "R9-0001", policy.Dates{Delivered: calendar.MustParseDate("2025-06-01")})
	r, err := p.svc.Receive(ctx, tech, r.Number, 0, 0, []rma.ReceivedLine{{LineNo: 1, Serial: "R9-0009"}})
	if err != nil {
		t.Fatal(err)
	}
	if r, err = p.svc.StartEvaluation(ctx, tech, r.ID, r.Version); err != nil {
		t.Fatal(err)
	}
	agent := p.signIn("agent@desk.example")
	path := fmt.Sprintf("/rmas/%d", r.ID)
	_, body := p.do(agent, "GET", path, nil, "")
	for _, want := range []string{`name="hours_1"`, `name="rate_1"`, "not the reserved R9-0001: a mismatch, recorded at receiving", "Serial R9-0009",
		"dead on arrival", "The policy charges by the hour for this finding:"} {
		if !strings.Contains(body, want) {
			t.Errorf("the evaluate step lacks %q", want)
		}
	}
	version := regexp.MustCompile(`id="step-evaluate">\s*<input type="hidden" name="version" value="(\d+)"`).FindStringSubmatch(body)
	if version == nil {
		t.Fatalf("no evaluate step:\n%s", body)
	}
	post := func(hours, rate string) (*http.Response, string) {
		return p.form(agent, path+"/act/evaluate", url.Values{"version": {version[1]}, "line": {"1"}, "finding_1": {"no_fault_found"},
			"hours_1": {hours}, "rate_1": {rate}, "currency": {"EUR"}, "notes_1": {"ran 24 h, no drop"}})
	}
	for _, c := range []struct{ hours, rate, field string }{
		{"1,5", "", "lines[0].hourly_rate"},
		{"an hour", "65", "lines[0].hours"},
		{"1.5", "sixty-five", "lines[0].hourly_rate.amount"},
	} {
		resp, body := post(c.hours, c.rate)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.field) ||
			!strings.Contains(body, `name="hours_1" inputmode="decimal" autocomplete="off" value="`+c.hours+`"`) ||
			!strings.Contains(body, `<option value="no_fault_found" selected>`) {
			t.Errorf("hours %q rate %q: %d, want 422 naming %s with the form as filled in", c.hours, c.rate, resp.StatusCode, c.field)
		}
	}
	if resp, body := post("1,5", "65"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("evaluate: %d %s", resp.StatusCode, body)
	}
	got, err := p.svc.Get(ctx, tech, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l := got.Lines[0]; l.Finding != rma.NoFault || l.EvaluationHours != 1.5 || len(got.Charges) != 1 ||
		got.Charges[0].Kind != "no_fault_found" || got.Charges[0].Amount != (rma.Money{Cents: 9750, Currency: "EUR"}) || got.Charges[0].Quantity != 1.5 {
		t.Fatalf("evaluated: %+v %+v", l, got.Charges)
	}

	if _, body := p.do(agent, "GET", path, nil, ""); !strings.Contains(body, "Hours spent: 1.5") {
		t.Errorf("the RMA page does not give the hours spent")
	}

	mc := authorizedFor(t, p, "minicart", "MCT-0100", miniCartDates, policy.PackagePhotos, policy.DefectMedia)
	mc, err = p.svc.Receive(ctx, tech, mc.Number, 0, 0, []rma.ReceivedLine{{LineNo: 1, MissingAccessories: []rma.Accessory{{Name: "charger"}}, IntakeCondition: "used"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = p.svc.StartEvaluation(ctx, tech, mc.ID, mc.Version); err != nil {
		t.Fatal(err)
	}
	p.do(agent, "GET", "/lang/nl", nil, "")
	_, body = p.do(agent, "GET", fmt.Sprintf("/rmas/%d", mc.ID), nil, "")
	if !strings.Contains(body, `name="hours_1"`) || strings.Contains(body, `name="rate_1"`) || !strings.Contains(body, "Ontbrak bij aankomst") ||
		!strings.Contains(body, "oplader") || !strings.Contains(body, "gebruikt, geen schade") || !strings.Contains(body, "Bestede uren") {
		t.Errorf("Mini Cart's evaluate step, in Dutch:\n%s", body)
	}
}
