package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestReports: the reports through the API, on each database: the list,
// a report as JSON, a table as CSV by ?format and by Accept, and every
// parameter refused by name. The figures themselves are checked by the
// store's conformance suite (internal/store/storetest/reports.go).
func TestReports(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { reports(t, newHarnessOn(t, b)) })
	}
}

func reports(t *testing.T, h *harness) {
	first := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	h.submit(h.keys["dexxon"], dexxonSubmission(2, "89.90"))
	h.act(h.keys["agent"], first, "authorize", map[string]any{"resolution": "return"})

	list := h.must(http.StatusOK, "GET", "/api/v1/reports", h.keys["agent"], nil)
	if got := fmt.Sprint(list["reports"]); !strings.Contains(got, "name:return-rate tables:[summary by_model by_month]") || len(list["reports"].([]any)) != 8 {
		t.Fatalf("reports %s", got)
	}

	// Three units of one model filed this month; no registry of units
	// sold is wired, and the report says so.
	rep := h.must(http.StatusOK, "GET", "/api/v1/reports/return-rate", h.keys["admin"], nil)
	if got := fmt.Sprint(rep["filter"], rep["notes"]); got != "map[from:2025-04 model: policy: requester:0 supplier:0 to:2026-03] [no_units_registered]" {
		t.Fatalf("filter and notes %s", got)
	}
	if got := fmt.Sprint(field(rep, "tables", 1, "rows")); got != "[map[model:DX-SSD-1TB return_rate:<nil> units_returned:3 units_sold:<nil>]]" {
		t.Fatalf("by_model %s", got)
	}
	const byModel = "model,units_returned,units_sold,return_rate\nDX-SSD-1TB,3,,\n"
	for _, tc := range []struct {
		query  string
		accept string
		want   string
		file   string
	}{
		{"?format=csv", "", byModel, "rmadesk-return-rate-by_model-2025-04-2026-03.csv"},
		{"", "text/csv", byModel, "rmadesk-return-rate-by_model-2025-04-2026-03.csv"},
		{"?from=2026-02", "application/json;q=0.5, text/csv", byModel, "rmadesk-return-rate-by_model-2026-02-2026-03.csv"},
		{"?format=csv&table=by_month&from=2026-02&to=2026-03", "", "month,units_returned\n2026-02,0\n2026-03,3\n", "rmadesk-return-rate-by_month-2026-02-2026-03.csv"},
		{"?format=csv&model=nothing", "", "model,units_returned,units_sold,return_rate\n", "rmadesk-return-rate-by_model-2025-04-2026-03.csv"},
	} {
		r := h.do("GET", "/api/v1/reports/return-rate"+tc.query, h.keys["agent"], nil, "Accept", tc.accept)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/csv; charset=utf-8" || string(r.body) != tc.want {
			t.Errorf("%s %s: %d %s\n%s", tc.query, tc.accept, r.status, r.header.Get("Content-Type"), r.body)
		}
		if got := r.header.Get("Content-Disposition"); got != "attachment; filename="+tc.file {
			t.Errorf("%s: Content-Disposition %q", tc.query, got)
		}
	}
	// Anything else, or nothing said, is JSON.
	for _, accept := range []string{"", "*/*", "application/json", "text/html"} {
		r := h.do("GET", "/api/v1/reports/findings", h.keys["agent"], nil, "Accept", accept)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Errorf("Accept %q: %d %s", accept, r.status, r.header.Get("Content-Type"))
		}
	}
	// A requester's own organisation filters; others are refused by name.
	rep = h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/reports/doa?requester=%d", h.orgs["dexxon"].ID), h.keys["agent"], nil)
	if got := fmt.Sprint(field(rep, "tables", 0, "rows")); got != "[map[doa_rate:0 doa_units:0 units_filed:3]]" {
		t.Fatalf("doa of the dexxon requester %s", got)
	}
	for _, tc := range []struct{ query, field string }{
		{"?format=xml", "format"},
		{"?format=csv&format=json", "format"},
		{"?format=csv&table=nope", "table"},
		{"?from=2026-13", "from"},
		{"?from=2026-03-01", "from"},
		{"?from=2026-03&to=2026-01", "from"},
		{"?from=2016-01&to=2026-03", "to"},
		{"?requester=abc", "requester"},
		{"?requester=99999", "requester"},
		{fmt.Sprintf("?requester=%d", h.orgs["dexxon"].ID-1), "requester"}, // the desk
		{"?supplier=" + fmt.Sprint(h.orgs["dexxon"].ID), "supplier"},
		{"?policy=nobody", "policy"},
		{"?model=%00", "model"},
	} {
		r := h.do("GET", "/api/v1/reports/findings"+tc.query, h.keys["agent"], nil)
		expectProblem(t, tc.query, r, http.StatusUnprocessableEntity, tc.field)
	}
	expectProblem(t, "no such report", h.do("GET", "/api/v1/reports/nope", h.keys["agent"], nil), http.StatusNotFound, "")
	for _, who := range []string{"dexxon", "technician"} {
		expectProblem(t, who, h.do("GET", "/api/v1/reports/findings", h.keys[who], nil), http.StatusForbidden, "")
		expectProblem(t, who, h.do("GET", "/api/v1/reports", h.keys[who], nil), http.StatusForbidden, "")
	}
}
