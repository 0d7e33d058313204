package storetest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/bulk"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/report"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/policies"
)

// reportStore is what a store offers reports (issue 16): its roll-ups,
// and filling them again from the RMAs.
type reportStore interface {
	rma.Store
	report.Source
	RebuildReports(ctx context.Context) error
}

// soldUnit is a line of a tiny registry of units sold: test data for the
// return rate, which the registry of units (another part of the desk)
// answers in production.
type soldUnit struct {
	model    string
	org      int64
	invoiced string
	n        int64
}

type soldUnits []soldUnit

func (s soldUnits) UnitsSold(_ context.Context, from, to calendar.Date, model, orgID string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, u := range s {
		d := calendar.MustParseDate(u.invoiced)
		if d < from || d > to || (model != "" && u.model != model) || (orgID != "" && strconv.FormatInt(u.org, 10) != orgID) {
			continue
		}
		out[u.model] += u.n
	}
	return out, nil
}

// reportHistory is the desk the report test builds, through the service's
// use cases on the store under test, so every figure comes through the
// desk's normal write paths.
type reportHistory struct {
	s                reportStore
	set              *policy.Set
	alpha, beta      *rma.Org
	supplier         *rma.Supplier
	rmas             map[string]*rma.RMA
	today            calendar.Date
	alphaID, betaID  string
	supplierIDString string
	registry         rma.UnitStore // the store's, once loadSold loaded it
}

// buildReportHistory files and works nine RMAs from January to March 2026
// (the comments give each step's day, time and what it counts):
//
//	R1 dexxon, Alpha, 5 Jan: two DX-1 units; authorized 6 Jan (instructions
//	   on time), received 12 Jan, evaluated 13 Jan defect confirmed,
//	   credited 15 Jan (2 × 100.00).
//	R2 dexxon, Beta, 20 Jan: three DX-2; authorized 5 Feb (instructions,
//	   due 3 Feb, late), received 9 Feb, found without fault 10 Feb with a
//	   15.00 transport charge, resolved no fault found 11 Feb.
//	R3 dexxon, Alpha, 10 Feb: DX-1 unit DX1-0001 again (a repeat), left
//	   submitted: its instructions, due 24 Feb, missed.
//	R4 minicart, Beta, 16 Feb: MC-1 delivered 12 Feb (dead on arrival),
//	   refund preferred; refunded 21 Feb (80.00).
//	R5 minicart, Alpha, 2 Mar: MC-1 declared in an accident; rejected 3 Mar.
//	R6 webstore4, Beta, 2 Feb: WS-R9 (120.00), defect confirmed 5 Feb, to
//	   the supplier 6 Feb, covered and credited 20 Feb (75.00 recovered),
//	   replaced 23 Feb.
//	R7 dexxon, Alpha, 4 Mar: DX-2, credited without return 5 Mar (50.00).
//	R8 dexxon, Beta, 6 Mar: DX-1, found not covered (physical damage) 9 Mar,
//	   left in evaluation (its evaluation deadline is due in April).
//	R9 dexxon, Alpha, 9 Mar: DX-2, left submitted (instructions due 23 Mar).
func buildReportHistory(t *testing.T, s reportStore) *reportHistory {
	ctx := t.Context()
	set, err := policy.LoadFS(policies.FS)
	must(t, err)
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	at := func(day string, hh, mm int) {
		d := calendar.MustParseDate(day)
		y, m, dd := d.YMD()
		now = time.Date(y, m, dd, hh, mm, 0, 0, time.UTC)
	}
	svc := rma.NewService(s, set, rma.WithClock(func() time.Time { return now }))
	h := &reportHistory{s: s, set: set, rmas: map[string]*rma.RMA{}, today: day("2026-03-10")}
	h.alpha = &rma.Org{Name: "Alpha Partner", Role: policy.Partner, Country: "NL", Email: "rma@alpha.example"}
	must(t, s.CreateOrg(ctx, h.alpha))
	h.beta = &rma.Org{Name: "Beta Dealer", Role: policy.Dealer, Country: "NL", Email: "rma@beta.example"}
	must(t, s.CreateOrg(ctx, h.beta))
	desk := &rma.Org{Name: "Report Desk", IsDesk: true, Country: "NL"}
	must(t, s.CreateOrg(ctx, desk))
	h.supplier = mkSupplier(t, s, "Parts Wholesale")
	h.alphaID, h.betaID = strconv.FormatInt(h.alpha.ID, 10), strconv.FormatInt(h.beta.ID, 10)
	h.supplierIDString = strconv.FormatInt(h.supplier.ID, 10)
	agent := rma.Actor{OrgID: desk.ID, Role: rma.RoleAgent, Name: "agent"}
	as := func(o *rma.Org) rma.Actor { return rma.Actor{OrgID: o.ID, Role: rma.RoleRequester, Name: o.Name} }
	eur := func(c int64) rma.Money { return rma.Money{Cents: c, Currency: "EUR"} }

	step := func(name string, r *rma.RMA, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		h.rmas[name] = r
	}
	type unit struct {
		model, serial, dates, more string
		qty                        int
		price                      int64
	}
	submit := func(name string, o *rma.Org, pol, pref string, units ...unit) {
		t.Helper()
		var lines []rma.LineRequest
		for _, u := range units {
			c := claim(t, fmt.Sprintf(`{"requester": {"role": %q, "country": "NL"}, "product": {"category": "ssd", "model": %q, "serial": %q}, "dates": {%s, "reported": %q}%s}`,
				o.Role.String(), u.model, u.serial, u.dates, now.Format(time.DateOnly), u.more))
			lines = append(lines, rma.LineRequest{Claim: c, Quantity: u.qty, Fault: "it does not work", LastInvoicedPrice: eur(u.price)})
		}
		r, _, err := svc.Submit(ctx, as(o), rma.SubmitRequest{PolicyID: pol, Preference: pref, Lines: lines})
		step(name, r, err)
	}
	authorize := func(name, resolution string) {
		t.Helper()
		r := h.rmas[name]
		r, err := svc.Authorize(ctx, agent, r.ID, r.Version, rma.AuthorizeRequest{Resolution: resolution})
		step(name, r, err)
	}
	receive := func(name string) {
		t.Helper()
		r := h.rmas[name]
		r, err := svc.Receive(ctx, agent, r.Number, r.ID, r.Version, nil)
		step(name, r, err)
	}
	start := func(name string) {
		t.Helper()
		r := h.rmas[name]
		r, err := svc.StartEvaluation(ctx, agent, r.ID, r.Version)
		step(name, r, err)
	}
	evaluate := func(name string, fs ...rma.LineFinding) {
		t.Helper()
		r := h.rmas[name]
		r, err := svc.Evaluate(ctx, agent, r.ID, r.Version, fs)
		step(name, r, err)
	}
	resolve := func(name string, req rma.ResolveRequest) {
		t.Helper()
		r := h.rmas[name]
		r, err := svc.Resolve(ctx, agent, r.ID, r.Version, req)
		step(name, r, err)
	}
	dexxonDates := `"invoice": "2025-06-01"`

	at("2026-01-05", 9, 0)
	submit("R1", h.alpha, "dexxon", "", unit{"DX-1", "DX1-0001", dexxonDates, "", 1, 10000}, unit{"DX-1", "DX1-0002", dexxonDates, "", 1, 10000})
	at("2026-01-06", 10, 0)
	authorize("R1", "return")
	at("2026-01-12", 9, 0)
	receive("R1")
	at("2026-01-12", 11, 0)
	start("R1")
	at("2026-01-13", 15, 0)
	evaluate("R1", rma.LineFinding{LineNo: 1, Finding: rma.DefectConfirmed}, rma.LineFinding{LineNo: 2, Finding: rma.DefectConfirmed})
	at("2026-01-15", 9, 0)
	resolve("R1", rma.ResolveRequest{Outcome: rma.Credited})

	at("2026-01-20", 9, 0)
	submit("R2", h.beta, "dexxon", "", unit{"DX-2", "DX2-0001", dexxonDates, "", 3, 5000})

	at("2026-02-02", 9, 0)
	submit("R6", h.beta, "webstore4", "", unit{"WS-R9", "WS-0200", `"delivered": "2025-06-01"`, "", 1, 12000})
	at("2026-02-03", 9, 0)
	authorize("R6", "repair")
	at("2026-02-04", 9, 0)
	receive("R6")
	at("2026-02-04", 10, 0)
	start("R6")
	at("2026-02-05", 9, 0)
	evaluate("R6", rma.LineFinding{LineNo: 1, Finding: rma.DefectConfirmed})

	at("2026-02-05", 9, 0)
	authorize("R2", "return")
	at("2026-02-06", 9, 0)
	sr, err := svc.ForwardToSupplier(ctx, agent, rma.ForwardRequest{SupplierID: h.supplier.ID, Lines: []rma.LineRef{{RMAID: h.rmas["R6"].ID, LineNo: 1}}})
	must(t, err)
	at("2026-02-06", 12, 0)
	sr, err = svc.ShipToSupplier(ctx, agent, sr.ID, sr.Version, rma.SupplierShipment{Carrier: "DHL", Tracking: "JD014600006"})
	must(t, err)
	at("2026-02-09", 9, 0)
	receive("R2")
	at("2026-02-09", 10, 0)
	start("R2")
	at("2026-02-10", 9, 0)
	evaluate("R2", rma.LineFinding{LineNo: 1, Finding: rma.NoFault,
		Charges: []rma.ChargeRequest{{Kind: "transport", Quantity: 1, UnitPrice: eur(1500)}}})
	submit("R3", h.alpha, "dexxon", "", unit{"DX-1", "DX1-0001", dexxonDates, "", 1, 10000})
	at("2026-02-11", 9, 0)
	resolve("R2", rma.ResolveRequest{Outcome: rma.NoFaultFound})

	at("2026-02-16", 9, 0)
	submit("R4", h.beta, "minicart", "refund", unit{"MC-1", "MC-0100", `"delivered": "2026-02-12", "shipped": "2026-02-10"`,
		`, "documents": ["package_photos", "defect_media"]`, 1, 8000})
	at("2026-02-17", 9, 0)
	authorize("R4", "refund")
	at("2026-02-20", 9, 0)
	_, err = svc.RecordSupplierVerdicts(ctx, agent, sr.ID, sr.Version, []rma.VerdictRequest{{RMAID: h.rmas["R6"].ID, LineNo: 1,
		Verdict: rma.SupplierCovered, Remedy: rma.SupplierCredited, Credit: eur(7500)}})
	must(t, err)
	r6, err := s.RMA(ctx, h.rmas["R6"].ID)
	must(t, err)
	h.rmas["R6"] = r6
	receive("R4")
	at("2026-02-20", 10, 0)
	start("R4")
	at("2026-02-21", 9, 0)
	evaluate("R4", rma.LineFinding{LineNo: 1, Finding: rma.DefectConfirmed})
	at("2026-02-21", 12, 0)
	resolve("R4", rma.ResolveRequest{Outcome: rma.Refunded})
	at("2026-02-23", 9, 0)
	resolve("R6", rma.ResolveRequest{Outcome: rma.Replaced, Replacements: []rma.ReplacementUnit{{LineNo: 1, Serial: "WS-0201"}}})

	at("2026-03-02", 9, 0)
	submit("R5", h.alpha, "minicart", "", unit{"MC-1", "MC-0101", `"delivered": "2026-01-01", "shipped": "2026-02-10"`,
		`, "documents": ["package_photos", "defect_media"], "conditions": ["accident"]`, 1, 8000})
	at("2026-03-03", 9, 0)
	r, err := svc.Reject(ctx, agent, h.rmas["R5"].ID, h.rmas["R5"].Version, "accidental damage is not covered")
	step("R5", r, err)

	at("2026-03-04", 9, 0)
	submit("R7", h.alpha, "dexxon", "", unit{"DX-2", "DX2-0002", dexxonDates, "", 1, 5000})
	at("2026-03-05", 9, 0)
	r, err = svc.CreditWithoutReturn(ctx, agent, h.rmas["R7"].ID, h.rmas["R7"].Version, "destroy it")
	step("R7", r, err)

	at("2026-03-06", 9, 0)
	submit("R8", h.beta, "dexxon", "", unit{"DX-1", "DX1-0003", dexxonDates, "", 1, 10000})
	at("2026-03-06", 10, 0)
	authorize("R8", "return")
	at("2026-03-09", 9, 0)
	receive("R8")
	at("2026-03-09", 9, 30)
	start("R8")
	at("2026-03-09", 12, 0)
	evaluate("R8", rma.LineFinding{LineNo: 1, Finding: rma.NotCovered, Condition: "physical_damage"})
	submit("R9", h.alpha, "dexxon", "", unit{"DX-2", "DX2-0003", dexxonDates, "", 1, 5000})
	h.loadSold(t)
	return h
}

// sold is the history's registry of units sold, and today is 10 March
// 2026.
func (h *reportHistory) sold() soldUnits {
	return soldUnits{
		{"DX-1", h.alpha.ID, "2025-12-15", 40}, // before the period
		{"DX-1", h.alpha.ID, "2026-01-10", 60},
		{"DX-1", h.beta.ID, "2026-01-20", 40},
		{"DX-2", h.beta.ID, "2026-02-01", 50},
		{"MC-1", h.alpha.ID, "2026-02-01", 5},
		{"MC-1", h.beta.ID, "2026-02-02", 15},
		{"WS-R9", h.beta.ID, "2026-01-31", 10},
		{"DX-9", h.alpha.ID, "2026-03-31", 30}, // sold, never returned
		{"DX-9", h.alpha.ID, "2026-04-01", 99}, // after the period
	}
}

// loadSold loads the units sold into the store's serial registry, when it
// keeps one, once the history's claims are decided (a registry holding
// units notes a claim on a serial it does not know): the return rate then
// divides by the store's own count, as the desk does.
func (h *reportHistory) loadSold(t *testing.T) {
	t.Helper()
	us, ok := h.s.(rma.UnitStore)
	if !ok {
		return
	}
	names := map[int64]string{h.alpha.ID: h.alpha.Name, h.beta.ID: h.beta.Name}
	var units []rma.Unit
	for i, u := range h.sold() {
		for k := range u.n {
			units = append(units, rma.Unit{Serial: fmt.Sprintf("SOLD-%d-%d", i, k), Model: u.model, SoldTo: names[u.org],
				InvoiceDate: calendar.MustParseDate(u.invoiced)})
		}
	}
	_, err := us.LoadUnits(t.Context(), func(yield func(rma.Unit, error) bool) {
		for _, u := range units {
			if !yield(u, nil) {
				return
			}
		}
	})
	must(t, err)
	from, to := calendar.MustParseDate("2026-01-01"), calendar.MustParseDate("2026-03-31")
	for _, org := range []string{"", h.betaID} {
		got, err := us.UnitsSold(t.Context(), from, to, "", org)
		must(t, err)
		want, _ := h.sold().UnitsSold(t.Context(), from, to, "", org)
		wantSame(t, "the registry's units sold in the first quarter, organisation "+org, want, got)
	}
	h.registry = us
}

// desk is the report desk over the history: the store's registry of units
// sold when it keeps one, else the same units as test data.
func (h *reportHistory) desk() *report.Desk {
	var units report.UnitsSold = h.sold()
	if h.registry != nil {
		units = h.registry
	}
	return &report.Desk{Cells: h.s, Units: units, Directory: h.s, Policies: h.set.IDs, Today: func() calendar.Date { return h.today }}
}

var reportAgent = rma.Actor{OrgID: 1, Role: rma.RoleAgent, Name: "agent"}

func (h *reportHistory) run(t *testing.T, name report.Name, query string) *report.Report {
	t.Helper()
	q, err := parseQuery(query)
	must(t, err)
	f, err := report.ParseFilter(q, h.today)
	must(t, err)
	rep, err := h.desk().Run(t.Context(), reportAgent, name, f)
	must(t, err)
	return rep
}

// wantTable checks a report's table three ways, each against the rows
// expected as the CSV writes them: its CSV, its JSON, and the rows its
// chart draws (the first of the expected rows its chart's filter keeps).
func wantTable(t *testing.T, rep *report.Report, id string, header string, rows ...string) {
	t.Helper()
	tab := rep.Table(id)
	if tab == nil {
		t.Fatalf("%s has no table %s", rep.Name, id)
	}
	want := [][]string{strings.Split(header, ",")}
	for _, r := range rows {
		want = append(want, strings.Split(r, ","))
	}
	var b bytes.Buffer
	must(t, tab.WriteCSV(&b))
	got, err := csv.NewReader(&b).ReadAll()
	must(t, err)
	wantSame(t, fmt.Sprintf("%s %s CSV", rep.Name, id), want, got)

	js, err := json.Marshal(rep)
	must(t, err)
	var doc struct {
		Tables []struct {
			ID      string           `json:"id"`
			Columns []report.Column  `json:"columns"`
			Rows    []map[string]any `json:"rows"`
		} `json:"tables"`
	}
	must(t, json.Unmarshal(js, &doc))
	var fromJSON [][]string
	for _, jt := range doc.Tables {
		if jt.ID != id {
			continue
		}
		fromJSON = append(fromJSON, want[0])
		for _, row := range jt.Rows {
			var rec []string
			for _, c := range jt.Columns {
				rec = append(rec, jsonValue(c.Kind, row[c.ID]))
			}
			fromJSON = append(fromJSON, rec)
		}
	}
	wantSame(t, fmt.Sprintf("%s %s JSON", rep.Name, id), want, fromJSON)

	if tab.Chart == nil {
		return
	}
	var drawn [][]string
	for _, row := range tab.ChartRows() {
		var rec []string
		for i, c := range tab.Columns {
			rec = append(rec, report.CSVValue(c.Kind, row[i]))
		}
		drawn = append(drawn, rec)
	}
	var wantDrawn [][]string
	for _, rec := range want[1:] {
		keep := true
		for col, v := range tab.Chart.Where {
			if rec[tab.Col(col)] != v {
				keep = false
			}
		}
		if keep && (tab.Chart.Limit == 0 || len(wantDrawn) < tab.Chart.Limit) {
			wantDrawn = append(wantDrawn, rec)
		}
	}
	wantSame(t, fmt.Sprintf("%s %s chart rows", rep.Name, id), wantDrawn, drawn)
	for _, col := range append(append(slices.Clone(tab.Chart.Label), tab.Chart.Series...), tab.Chart.Line) {
		if col != "" && tab.Col(col) < 0 {
			t.Errorf("%s %s: the chart draws column %s, which the table lacks", rep.Name, id, col)
		}
	}
}

// jsonValue is a JSON value as the CSV writes it.
func jsonValue(k report.Kind, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		switch k {
		case report.KindCount:
			return strconv.FormatInt(int64(x), 10)
		case report.KindMoney:
			return report.Decimal(int64(x))
		}
		return report.CSVValue(k, x)
	}
	return report.CSVValue(k, v)
}

func testReports(t *testing.T, open Opener) {
	s, ok := open(t).(reportStore)
	if !ok {
		t.Skip("this store keeps no reports")
	}
	h := buildReportHistory(t, s)
	q := "from=2026-01&to=2026-03"

	t.Run("return rate", func(t *testing.T) {
		rep := h.run(t, report.ReturnRate, q)
		wantTable(t, rep, "summary", "units_returned,units_sold,return_rate", "12,210,0.057143")
		wantTable(t, rep, "by_model", "model,units_returned,units_sold,return_rate",
			"DX-2,5,50,0.100000", "MC-1,2,20,0.100000", "WS-R9,1,10,0.100000", "DX-1,4,100,0.040000", "DX-9,0,30,0.000000")
		wantTable(t, rep, "by_month", "month,units_returned", "2026-01,5", "2026-02,3", "2026-03,4")
		if len(rep.Notes) != 0 {
			t.Errorf("notes %v", rep.Notes)
		}
	})
	t.Run("findings", func(t *testing.T) {
		rep := h.run(t, report.Findings, q)
		wantTable(t, rep, "summary", "finding,units,share",
			"defect_confirmed,4,0.500000", "no_fault_found,3,0.375000", "not_covered,1,0.125000")
		cols := "evaluated,defect_confirmed,no_fault_found,not_covered,defect_rate,no_fault_rate,not_covered_rate"
		wantTable(t, rep, "by_model", "model,"+cols,
			"DX-1,3,2,0,1,0.666667,0.000000,0.333333", "DX-2,3,0,3,0,0.000000,1.000000,0.000000",
			"MC-1,1,1,0,0,1.000000,0.000000,0.000000", "WS-R9,1,1,0,0,1.000000,0.000000,0.000000")
		wantTable(t, rep, "by_month", "month,"+cols,
			"2026-01,2,2,0,0,1.000000,0.000000,0.000000", "2026-02,5,2,3,0,0.400000,0.600000,0.000000",
			"2026-03,1,0,0,1,0.000000,0.000000,1.000000")
	})
	t.Run("dead on arrival", func(t *testing.T) {
		rep := h.run(t, report.DOA, q)
		wantTable(t, rep, "summary", "units_filed,doa_units,doa_rate", "12,1,0.083333")
		wantTable(t, rep, "by_model", "model,units_filed,doa_units,doa_rate",
			"MC-1,2,1,0.500000", "DX-2,5,0,0.000000", "DX-1,4,0,0.000000", "WS-R9,1,0,0.000000")
		wantTable(t, rep, "by_month", "month,units_filed,doa_units,doa_rate",
			"2026-01,5,0,0.000000", "2026-02,3,1,0.333333", "2026-03,4,0,0.000000")
	})
	t.Run("reasons and conditions", func(t *testing.T) {
		rep := h.run(t, report.Reasons, q)
		wantTable(t, rep, "summary", "units_filed", "12")
		// The reasons are counted from the stored decisions, unit by
		// unit, each code once a line: the report must say the same.
		counts := map[string]int64{}
		for _, r := range h.rmas {
			r, err := s.RMA(t.Context(), r.ID)
			must(t, err)
			for _, l := range r.Lines {
				seen := map[string]bool{}
				for _, rs := range l.Decision.Reasons {
					if !seen[rs.Code] {
						seen[rs.Code] = true
						counts[rs.Code] += int64(l.Quantity)
					}
				}
			}
		}
		for _, code := range []string{policy.CodeDOA, "accident"} {
			if counts[code] != 1 {
				t.Errorf("the decisions give %s to %d units, want 1 (R4, R5)", code, counts[code])
			}
		}
		type kv struct {
			k string
			n int64
		}
		var order []kv
		var total int64
		for k, n := range counts {
			order = append(order, kv{k, n})
			total += n
		}
		slices.SortFunc(order, func(a, b kv) int {
			if a.n != b.n {
				return int(b.n - a.n)
			}
			return strings.Compare(a.k, b.k)
		})
		var rows []string
		var cum int64
		for _, x := range order {
			cum += x.n
			rows = append(rows, fmt.Sprintf("%s,%d,%.6f,%.6f", x.k, x.n, float64(x.n)/float64(total), float64(cum)/float64(total)))
		}
		wantTable(t, rep, "reasons", "reason,units,share,cumulative_share", rows...)
		wantTable(t, rep, "conditions", "condition,source,units,share,cumulative_share",
			"accident,declared,1,0.500000,0.500000", "physical_damage,found,1,0.500000,1.000000")
	})
	t.Run("turnaround", func(t *testing.T) {
		rep := h.run(t, report.Turnaround, q)
		if !slices.Contains(rep.Notes, report.NoteBuckets) {
			t.Errorf("notes %v", rep.Notes)
		}
		wantTable(t, rep, "summary", "units_resolved,mean_days,p50_days,p90_days,p95_days", "8,14.14,11.00,23.47,23.73")
		wantTable(t, rep, "by_state", "state,units,mean_days,p50_days,p90_days,p95_days",
			"submitted,10,5.41,1.17,17.33,17.67",
			"authorized,8,3.86,4.17,5.80,5.90",
			"received,8,0.05,0.07,0.11,0.12",
			"in_evaluation,8,2.22,1.94,3.10,3.30",
			"at_supplier,1,14.00,15.00,15.80,15.90")
		wantTable(t, rep, "by_month", "month,units_resolved,mean_days,p50_days,p90_days,p95_days",
			"2026-01,2,10.00,10.50,10.90,10.95",
			"2026-02,5,18.43,22.33,23.67,23.83",
			"2026-03,1,1.00,1.13,1.23,1.24")
		// The distribution: every bucket from the first with units (24
		// to 30 hours) to the last (528 to 576), with the units resolved.
		units := map[int64]int64{24: 1, 120: 1, 240: 2, 480: 1, 528: 3} // hours at the bucket's start
		var rows []string
		var cum int64
		for b := report.BucketOf(24 * 3600); ; b++ {
			lo, hi := report.BucketBounds(b)
			cum += units[lo/3600]
			rows = append(rows, fmt.Sprintf("%.2f,%.2f,%d,%.6f", float64(lo)/86400, float64(hi)/86400, units[lo/3600], float64(cum)/8))
			if lo == 528*3600 {
				break
			}
		}
		wantTable(t, rep, "distribution", "from_days,to_days,units,cumulative_share", rows...)
	})
	t.Run("deadlines", func(t *testing.T) {
		rep := h.run(t, report.Deadlines, q)
		cols := "due,met_on_time,met_late,missed_open,open,on_time_rate"
		wantTable(t, rep, "summary", cols, "8,5,1,1,1,0.714286")
		wantTable(t, rep, "by_deadline", "deadline,"+cols, "instructions,6,3,1,1,1,0.600000", "evaluation,2,2,0,0,0,1.000000")
		wantTable(t, rep, "by_month", "month,"+cols,
			"2026-01,1,1,0,0,0,1.000000", "2026-02,3,1,1,1,0,0.333333", "2026-03,4,3,0,0,1,1.000000")
	})
	t.Run("money", func(t *testing.T) {
		rep := h.run(t, report.Money, q)
		cols := "currency,net_cost,credits,refunds,replacement_units,replacement_value,charges,supplier_recovery,supplier_charges"
		wantTable(t, rep, "summary", cols, "EUR,360.00,250.00,80.00,1,120.00,15.00,75.00,0.00")
		wantTable(t, rep, "by_model", "model,"+cols,
			"DX-1,EUR,200.00,200.00,0.00,0,0.00,0.00,0.00,0.00",
			"MC-1,EUR,80.00,0.00,80.00,0,0.00,0.00,0.00,0.00",
			"WS-R9,EUR,45.00,0.00,0.00,1,120.00,0.00,75.00,0.00",
			"DX-2,EUR,35.00,50.00,0.00,0,0.00,15.00,0.00,0.00")
		wantTable(t, rep, "by_month", "month,"+cols,
			"2026-01,EUR,200.00,200.00,0.00,0,0.00,0.00,0.00,0.00",
			"2026-02,EUR,110.00,0.00,80.00,1,120.00,15.00,75.00,0.00",
			"2026-03,EUR,50.00,50.00,0.00,0,0.00,0.00,0.00,0.00")
	})
	t.Run("repeat failures", func(t *testing.T) {
		rep := h.run(t, report.Repeats, q)
		wantTable(t, rep, "summary", "units_returned,repeat_returns,repeat_rate", "12,1,0.083333")
		wantTable(t, rep, "by_serial", "serial,model,repeat_returns,last_month", "DX1-0001,DX-1,1,2026-02")
		wantTable(t, rep, "by_model", "model,units_returned,repeat_returns,repeat_rate", "DX-1,4,1,0.250000")
	})
	t.Run("filters", func(t *testing.T) {
		// One model: its units sold and returned, its findings, its cost.
		rep := h.run(t, report.ReturnRate, q+"&model=DX-1")
		wantTable(t, rep, "by_model", "model,units_returned,units_sold,return_rate", "DX-1,4,100,0.040000")
		rep = h.run(t, report.Findings, q+"&model=DX-1")
		wantTable(t, rep, "summary", "finding,units,share",
			"defect_confirmed,2,0.666667", "no_fault_found,0,0.000000", "not_covered,1,0.333333")
		rep = h.run(t, report.Turnaround, q+"&model=DX-1")
		wantTable(t, rep, "summary", "units_resolved,mean_days,p50_days,p90_days,p95_days", "2,10.00,10.50,10.90,10.95")
		// One requester: Beta filed R2, R4, R6 and R8.
		rep = h.run(t, report.ReturnRate, q+"&requester="+h.betaID)
		wantTable(t, rep, "by_model", "model,units_returned,units_sold,return_rate",
			"WS-R9,1,10,0.100000", "MC-1,1,15,0.066667", "DX-2,3,50,0.060000", "DX-1,1,40,0.025000")
		rep = h.run(t, report.Money, q+"&requester="+h.betaID)
		wantTable(t, rep, "summary", "currency,net_cost,credits,refunds,replacement_units,replacement_value,charges,supplier_recovery,supplier_charges",
			"EUR,110.00,0.00,80.00,1,120.00,15.00,75.00,0.00")
		// A requester and a model: the full cube.
		rep = h.run(t, report.DOA, q+"&requester="+h.betaID+"&model=DX-2")
		wantTable(t, rep, "summary", "units_filed,doa_units,doa_rate", "3,0,0.000000")
		// One supplier: R6's unit went to it, and everything it counted
		// went with it.
		rep = h.run(t, report.Findings, q+"&supplier="+h.supplierIDString)
		wantTable(t, rep, "summary", "finding,units,share",
			"defect_confirmed,1,1.000000", "no_fault_found,0,0.000000", "not_covered,0,0.000000")
		rep = h.run(t, report.Turnaround, q+"&supplier="+h.supplierIDString)
		wantTable(t, rep, "summary", "units_resolved,mean_days,p50_days,p90_days,p95_days", "1,21.00,21.00,21.80,21.90")
		rep = h.run(t, report.ReturnRate, q+"&supplier="+h.supplierIDString)
		wantTable(t, rep, "summary", "units_returned,units_sold,return_rate", "1,10,0.100000")
		if !slices.Contains(rep.Notes, report.NoteUnitsAllSuppliers) {
			t.Errorf("notes %v: a supplier's return rate divides by all the model's units", rep.Notes)
		}
		// One policy, one month.
		rep = h.run(t, report.DOA, q+"&policy=minicart")
		wantTable(t, rep, "summary", "units_filed,doa_units,doa_rate", "2,1,0.500000")
		rep = h.run(t, report.Money, "from=2026-02&to=2026-02")
		wantTable(t, rep, "summary", "currency,net_cost,credits,refunds,replacement_units,replacement_value,charges,supplier_recovery,supplier_charges",
			"EUR,110.00,0.00,80.00,1,120.00,15.00,75.00,0.00")
		// Before the history: nothing, and no rate without units sold.
		rep = h.run(t, report.ReturnRate, "from=2025-01&to=2025-12")
		wantTable(t, rep, "summary", "units_returned,units_sold,return_rate", "0,40,0.000000")
		wantTable(t, rep, "by_model", "model,units_returned,units_sold,return_rate", "DX-1,0,40,0.000000")
	})
	t.Run("without a registry of units", func(t *testing.T) {
		d := h.desk()
		d.Units = nil
		rep, err := d.Run(t.Context(), reportAgent, report.ReturnRate, report.Filter{From: report.MonthOf(2026, 1), To: report.MonthOf(2026, 3)})
		must(t, err)
		if !slices.Equal(rep.Notes, []report.Note{report.NoteNoUnits}) {
			t.Errorf("notes %v", rep.Notes)
		}
		wantTable(t, rep, "summary", "units_returned,units_sold,return_rate", "12,,")
		wantTable(t, rep, "by_model", "model,units_returned,units_sold,return_rate", "DX-2,5,,", "DX-1,4,,", "MC-1,2,,", "WS-R9,1,,")
	})
	t.Run("filters name what exists", func(t *testing.T) {
		d := h.desk()
		for _, tc := range []struct {
			f     report.Filter
			field string
		}{
			{report.Filter{Policy: "nobody"}, "policy"},
			{report.Filter{Org: 99999}, "requester"},
			{report.Filter{Org: h.supplier.ID}, "requester"},
			{report.Filter{Supplier: h.alpha.ID}, "supplier"},
			{report.Filter{From: report.MonthOf(2026, 4), To: report.MonthOf(2026, 3)}, "from"},
		} {
			_, err := d.Run(t.Context(), reportAgent, report.Findings, tc.f)
			var e *rma.Error
			if rma.ErrorCode(err) != rma.EINVALID || !asError(err, &e) || e.Field != tc.field {
				t.Errorf("%+v: %v, want invalid %s", tc.f, err, tc.field)
			}
		}
		for _, role := range []rma.Role{rma.RoleRequester, rma.RoleTechnician} {
			_, err := d.Run(t.Context(), rma.Actor{Role: role}, report.Findings, report.Filter{})
			wantCode(t, err, rma.EFORBIDDEN)
		}
	})
	t.Run("a bulk load counts as submissions do", func(t *testing.T) {
		// Five submissions in one batch (PostgreSQL copies them): DX1-0001
		// comes back twice more (its third and fourth return), BULK-1
		// twice within the batch (its second return is a repeat).
		l := bulk.New(s, h.set, bulk.Options{Now: func() time.Time { return time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC) }, DropJobs: true})
		for i, serial := range []string{"DX1-0001", "BULK-1", "DX1-0001", "BULK-1", "BULK-2"} {
			c := claim(t, fmt.Sprintf(`{"requester": {"role": "partner", "country": "NL"}, "product": {"category": "ssd", "model": "DX-1", "serial": %q},
				"dates": {"invoice": "2025-06-01", "reported": "2026-03-10"}}`, serial))
			must(t, l.Submit(t.Context(), rma.Actor{OrgID: h.alpha.ID, Role: rma.RoleRequester, Name: "bulk"},
				rma.SubmitRequest{PolicyID: "dexxon", Lines: []rma.LineRequest{{Claim: c, Quantity: 1}}}, fmt.Sprint("bulk ", i)))
		}
		res, err := l.Close(t.Context())
		must(t, err)
		if res.Filed != 5 || len(res.Failed) != 0 {
			t.Fatalf("filed %d, failed %v", res.Filed, res.Failed)
		}
		rep := h.run(t, report.Repeats, q)
		wantTable(t, rep, "summary", "units_returned,repeat_returns,repeat_rate", "17,4,0.235294")
		wantTable(t, rep, "by_serial", "serial,model,repeat_returns,last_month", "DX1-0001,DX-1,3,2026-03", "BULK-1,DX-1,1,2026-03")
	})
	t.Run("a replay counts what the steps counted", func(t *testing.T) {
		before := allCells(t, h)
		must(t, s.RebuildReports(t.Context()))
		wantSame(t, "the roll-ups rebuilt from the RMAs and their events", before, allCells(t, h))
	})
}

// allCells reads every cube whole, as text, sorted: each by model and
// month where it keeps the model, and the cubes that keep requesters and
// suppliers for each of them too.
func allCells(t *testing.T, h *reportHistory) []string {
	t.Helper()
	var out []string
	for _, cube := range report.Cubes {
		org, supplier, model := cube.Keeps()
		queries := []report.Query{{}}
		if org {
			queries = append(queries, report.Query{Org: h.alpha.ID}, report.Query{Org: h.beta.ID})
		}
		if supplier {
			queries = append(queries, report.Query{Supplier: h.supplier.ID})
		}
		for _, q := range queries {
			q.Cube, q.Metrics, q.From, q.To, q.ByMonth, q.ByModel = cube, report.Metrics, report.MonthOf(2000, 1), report.MonthOf(2100, 1), true, model
			cells, err := h.s.ReportCells(t.Context(), q)
			must(t, err)
			for _, c := range cells {
				out = append(out, fmt.Sprintf("%d %d/%d %s %s %s %s %d %d", cube, q.Org, q.Supplier, c.Month, c.Dims.Model, c.Metric, c.Item, c.N, c.Amount))
			}
		}
	}
	slices.Sort(out)
	if len(out) < 100 {
		t.Fatalf("only %d cells", len(out))
	}
	return out
}

func parseQuery(q string) (url.Values, error) { return url.ParseQuery(q) }

func asError(err error, target **rma.Error) bool { return errors.As(err, target) }

// CheckReportsBackfill: a desk that held RMAs before it kept reports gets
// its roll-ups filled by the migration as the steps would have counted
// them. redo takes the database back to before the reports' migrations
// (their down steps drop the roll-ups) and up again.
func CheckReportsBackfill(t *testing.T, s rma.Store, redo func() error) {
	rs, ok := s.(reportStore)
	if !ok {
		t.Fatal("the store keeps no reports")
	}
	h := buildReportHistory(t, rs)
	before := allCells(t, h)
	must(t, redo())
	wantSame(t, "the roll-ups the migration filled", before, allCells(t, h))
	rep := h.run(t, report.Money, "from=2026-01&to=2026-03")
	wantTable(t, rep, "summary", "currency,net_cost,credits,refunds,replacement_units,replacement_value,charges,supplier_recovery,supplier_charges",
		"EUR,360.00,250.00,80.00,1,120.00,15.00,75.00,0.00")
}

// CheckReportsCheck: a check of the roll-ups finds nothing amiss after a
// history, and finds a cell someone changed behind the store's back
// (corrupt changes one).
func CheckReportsCheck(t *testing.T, s rma.Store, corrupt func() error) {
	cs, ok := s.(interface {
		reportStore
		CheckReports(ctx context.Context, max int) ([]string, int, error)
	})
	if !ok {
		t.Fatal("the store cannot check its reports")
	}
	h := buildReportHistory(t, cs)
	diffs, cells, err := cs.CheckReports(t.Context(), 5)
	must(t, err)
	if len(diffs) != 0 || cells < 100 {
		t.Fatalf("%d cells, differences %q", cells, diffs)
	}
	before := allCells(t, h)
	must(t, corrupt())
	diffs, _, err = cs.CheckReports(t.Context(), 5)
	must(t, err)
	if len(diffs) != 1 || !strings.Contains(diffs[0], "report_model filed|2026-01|dexxon|DX-2|: kept 4/0, counted 3/0") {
		t.Fatalf("differences %q", diffs)
	}
	// The check changed nothing.
	after := allCells(t, h)
	if slices.Equal(before, after) {
		t.Fatal("the corruption did not show in the cells")
	}
	must(t, cs.RebuildReports(t.Context()))
	wantSame(t, "the roll-ups rebuilt", before, allCells(t, h))
}
