package web

import (
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
