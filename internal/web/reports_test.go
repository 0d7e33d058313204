package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/report"
)

// TestReportValues: figures in each language's way of writing them, and
// codes in its words, a pack's own name as written.
func TestReportValues(t *testing.T) {
	en, nl := &page{translator: translator{"en"}}, &page{translator: translator{"nl"}}
	for _, tc := range []struct {
		p    *page
		col  report.Column
		v    report.Value
		want string
	}{
		{en, report.Column{Kind: report.KindCount}, int64(1234567), "1,234,567"},
		{nl, report.Column{Kind: report.KindCount}, int64(1234567), "1.234.567"},
		{en, report.Column{Kind: report.KindRate}, 0.057143, "5.7%"},
		{nl, report.Column{Kind: report.KindRate}, 0.057143, "5,7%"},
		{en, report.Column{Kind: report.KindRate}, nil, "–"},
		{en, report.Column{Kind: report.KindDays}, 23.4667, "23.47"},
		{nl, report.Column{Kind: report.KindMoney}, int64(-123456), "−1.234,56"},
		{en, report.Column{Kind: report.KindMoney}, int64(-4), "−0.04"},
		{en, report.Column{Kind: report.KindMoney}, int64(0), "0.00"},
		{nl, report.Column{Kind: report.KindMonth}, "2026-03", "mrt 2026"},
		{en, report.Column{Kind: report.KindMonth}, "2026-03", "Mar 2026"},
		{nl, report.Column{Kind: report.KindCode, Codes: "state"}, "in_evaluation", "in onderzoek"},
		{nl, report.Column{Kind: report.KindCode, Codes: "finding"}, "no_fault_found", "geen defect gevonden"},
		{nl, report.Column{Kind: report.KindCode, Codes: "reason"}, "in_warranty", "binnen de garantie"},
		{nl, report.Column{Kind: report.KindCode, Codes: "reason"}, "accident", "ongeluk (bliksem, water, brand, val)"},
		{nl, report.Column{Kind: report.KindCode, Codes: "condition"}, "box_damaged", "box damaged"}, // a pack's own
		{nl, report.Column{Kind: report.KindCode, Codes: "source"}, "found", "gevonden"},
		{nl, report.Column{ID: "model", Kind: report.KindText}, "", "(geen)"},
		{en, report.Column{ID: "currency", Kind: report.KindText}, "", "(no price)"},
	} {
		if got := tc.p.reportValue(tc.col, tc.v, nil); got != tc.want {
			t.Errorf("%s %s %v: %q, want %q", tc.p.Lang(), tc.col.Kind, tc.v, got, tc.want)
		}
	}
}

// TestReportPages: who reads the reports, a mistake in the filter shown on
// its field with nothing else, and a table as CSV.
func TestReportPages(t *testing.T) {
	p := newPortal(t)
	agent, dist := p.signIn("agent@desk.example"), p.signIn("rma@dist.example")
	for _, path := range []string{"/reports", "/reports/findings", "/reports/money?format=csv"} {
		if resp, _ := p.do(dist, "GET", path, nil, ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a requester opening %s: %d, want 404", path, resp.StatusCode)
		}
	}
	if _, body := p.do(dist, "GET", "/rmas", nil, ""); strings.Contains(body, `href="/reports"`) {
		t.Error("a requester's navigation shows the reports")
	}
	resp, body := p.do(agent, "GET", "/reports", nil, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="/reports"`) || strings.Count(body, `class="reportcard"`) != 8 {
		t.Fatalf("the index: %d\n%s", resp.StatusCode, body)
	}
	resp, body = p.do(agent, "GET", "/reports/turnaround?from=2025-04&to=2026-03", nil, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="table-by_state"`) || !strings.Contains(body, `href="/reports/turnaround?format=csv&amp;from=2025-04&amp;table=by_state&amp;to=2026-03"`) {
		t.Fatalf("a report: %d\n%s", resp.StatusCode, body)
	}
	for _, tc := range []struct{ query, field string }{
		{"from=2026-13", "from"},
		{"from=2026-03&to=2026-01", "from"},
		{"requester=abc", "requester"},
		{"requester=9999", "requester"},
		{"model=a%00b", "model"},
		{"policy=nobody", "policy"},
	} {
		resp, body := p.do(agent, "GET", "/reports/findings?"+tc.query, nil, "")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+tc.field+`-error"`) ||
			!strings.Contains(body, tc.field+`-error"`) || !strings.Contains(body, `aria-invalid="true"`) || strings.Contains(body, `id="table-summary"`) {
			t.Errorf("%s: %d, want 422 with the message on %s and no figures", tc.query, resp.StatusCode, tc.field)
		}
	}
	for _, q := range []string{"format=xml", "format=csv&table=nope"} {
		if resp, _ := p.do(agent, "GET", "/reports/findings?"+q, nil, ""); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", q, resp.StatusCode)
		}
	}
	if resp, _ := p.do(agent, "GET", "/reports/nope", nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown report: %d", resp.StatusCode)
	}
	resp, body = p.do(agent, "GET", "/reports/findings?format=csv&table=summary&from=2026-01&to=2026-03", nil, "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		resp.Header.Get("Content-Disposition") != "attachment; filename=rmadesk-findings-summary-2026-01-2026-03.csv" ||
		body != "finding,units,share\ndefect_confirmed,0,\nno_fault_found,0,\nnot_covered,0,\n" {
		t.Errorf("the CSV: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
}
