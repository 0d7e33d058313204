package web

import (
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"math"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/rmadesk/rmadesk/internal/chart"
	"github.com/rmadesk/rmadesk/internal/report"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Reports (issue 16): /reports is every report at a glance over one
// filter, each with its headline figures and a small chart; /reports/{name}
// is one report, each table with its chart, its numbers and a CSV
// download. The filter is a GET form, so a report is a link to share. The
// charts are SVG drawn here (internal/chart): no JavaScript.

func (s *Server) reportRoutes() {
	s.mux.HandleFunc("GET /reports", s.signedIn(s.reportsIndex))
	s.mux.HandleFunc("GET /reports/{name}", s.signedIn(s.reportPage))
}

// ShowReports: agents and admins see the reports in the navigation.
func (p *page) ShowReports() bool { return p.IsDesk && rma.Can(p.Actor.Role, rma.OpReports) }

// reportsAllowed: agents and admins; the rest of the desk is refused
// (403), a requester told there is nothing here (404).
func reportsAllowed(p *page) error {
	switch {
	case p.ShowReports():
		return nil
	case p.IsDesk:
		return rma.Errorf(rma.EFORBIDDEN, "agents and admins only")
	}
	return rma.Errorf(rma.ENOTFOUND, "not found")
}

// reportForm is the filter form as the person filled it, with the choices
// its selects offer and a message on each field that is wrong.
type reportForm struct {
	Action                                       string
	From, To, Policy, Requester, Model, Supplier string
	Policies, Requesters, Suppliers              []reportOption
	Errors                                       fieldErrors
}

type reportOption struct {
	Value, Label string
	Selected     bool
}

// reportsData is the index.
type reportsData struct {
	Form  reportForm
	Query string // the filter as a query, for the cards' links
	Cards []reportCard
}

type reportCard struct {
	Name  string
	Facts []reportFact
	Chart template.HTML
	Empty bool
	Link  string
}

type reportFact struct{ Label, Value string }

// reportData is one report.
type reportData struct {
	Name   string
	Form   reportForm
	Notes  []string
	Tables []reportTableView
	Index  string // back to the index with the same filter
}

type reportTableView struct {
	ID        string
	Heading   string
	Chart     template.HTML
	Empty     bool
	Columns   []reportColumn
	Rows      [][]reportCell
	Shown     int // rows shown, of Total: the CSV has them all
	Total     int
	CSV       string
	CSVName   string
	IsSummary bool
}

type reportColumn struct {
	Label   string
	Numeric bool
}

type reportCell struct {
	Text    string
	Numeric bool
	Header  bool // the row's label: a th
}

// maxTableRows bounds a table on the page; the CSV has every row.
const maxTableRows = 200

func (s *Server) reportsIndex(w http.ResponseWriter, r *http.Request, p *page) {
	if err := reportsAllowed(p); err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Title = p.T("rep.title")
	d := &reportsData{}
	f, err := report.ParseFilter(r.URL.Query(), s.svc.Today())
	d.Form = s.reportForm(r, p, "/reports", f, err)
	if err != nil {
		s.reportFormError(w, p, "reports", d, err)
		return
	}
	d.Query = f.Values().Encode()
	// The reports side by side: each reads its own cells, and the
	// database answers one while the page waits for another.
	reps := make([]*report.Report, len(report.Names))
	errs := make([]error, len(report.Names))
	var wg sync.WaitGroup
	for i, name := range report.Names {
		wg.Go(func() { reps[i], errs[i] = s.reports.Run(r.Context(), p.Actor, name, f) })
	}
	wg.Wait()
	for i, name := range report.Names {
		rep, err := reps[i], errs[i]
		if rma.ErrorCode(err) == rma.EINVALID { // a requester or supplier that does not exist
			d.Form = s.reportForm(r, p, "/reports", f, err)
			s.reportFormError(w, p, "reports", d, err)
			return
		}
		if err != nil {
			s.fail(w, r, p, err)
			return
		}
		card := reportCard{Name: string(name), Link: "/reports/" + string(name) + "?" + d.Query, Facts: p.headline(rep)}
		main := rep.Table(report.MainTable(name))
		card.Chart, card.Empty = p.reportChart(rep, main, "card-"+string(name), true)
		d.Cards = append(d.Cards, card)
	}
	p.Data = d
	s.render(w, http.StatusOK, "reports", p)
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, p *page) {
	if err := reportsAllowed(p); err != nil {
		s.fail(w, r, p, err)
		return
	}
	name, ok := report.ParseName(r.PathValue("name"))
	if !ok {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "no report"))
		return
	}
	p.Title = p.T("rep.name." + string(name))
	q := r.URL.Query()
	d := &reportData{Name: string(name)}
	f, err := report.ParseFilter(q, s.svc.Today())
	d.Form = s.reportForm(r, p, "/reports/"+string(name), f, err)
	if err != nil {
		s.reportFormError(w, p, "report", d, err)
		return
	}
	d.Index = "/reports?" + f.Values().Encode()
	rep, err := s.reports.Run(r.Context(), p.Actor, name, f)
	if rma.ErrorCode(err) == rma.EINVALID { // a requester or supplier that does not exist
		d.Form = s.reportForm(r, p, "/reports/"+string(name), f, err)
		s.reportFormError(w, p, "report", d, err)
		return
	}
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	if format := q.Get("format"); format != "" {
		if format != "csv" {
			s.fail(w, r, p, rma.Invalid("format", "%q: only csv is downloaded", format))
			return
		}
		table := cmp.Or(q.Get("table"), report.MainTable(name))
		t := rep.Table(table)
		if t == nil {
			s.fail(w, r, p, rma.Invalid("table", "%q is not a table of this report", table))
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": report.CSVName(rep, table)}))
		w.Header().Set("Cache-Control", "no-store")
		if err := t.WriteCSV(w); err != nil {
			s.cfg.Log.ErrorContext(r.Context(), "report csv", "err", err)
		}
		return
	}
	for _, n := range rep.Notes {
		d.Notes = append(d.Notes, p.T("rep.note."+string(n)))
	}
	for i := range rep.Tables {
		d.Tables = append(d.Tables, p.reportTable(rep, &rep.Tables[i]))
	}
	p.Data = d
	s.render(w, http.StatusOK, "report", p)
}

// reportFormError shows the form again with the message on its field.
func (s *Server) reportFormError(w http.ResponseWriter, p *page, tmpl string, d any, err error) {
	var e *rma.Error
	if !errors.As(err, &e) || e.Code != rma.EINVALID {
		s.fail(w, p.request, p, err)
		return
	}
	p.Error = p.T("rep.form_error")
	p.Data = d
	s.render(w, http.StatusUnprocessableEntity, tmpl, p)
}

// reportForm fills the form from the request (as typed, so a mistake is
// shown as made) and offers the desk's policies, requesters and suppliers.
func (s *Server) reportForm(r *http.Request, p *page, action string, f report.Filter, err error) reportForm {
	q := r.URL.Query()
	form := reportForm{Action: action, From: f.From.String(), To: f.To.String(), Policy: q.Get("policy"), Requester: q.Get("requester"),
		Model: q.Get("model"), Supplier: q.Get("supplier"), Errors: fieldErrors{}}
	if err != nil {
		// The months as typed, so a mistake in one is shown as made.
		if q.Has("from") {
			form.From = q.Get("from")
		}
		if q.Has("to") {
			form.To = q.Get("to")
		}
		var e *rma.Error
		if errors.As(err, &e) && e.Field != "" {
			form.Errors[e.Field] = e.Message
		}
	}
	form.Policies = []reportOption{{Value: "", Label: p.T("rep.all_policies")}}
	for _, id := range s.svc.Policies().IDs() {
		label := id
		if pol := s.svc.Policies().Latest(id); pol != nil && pol.Vendor.Name != "" {
			label = pol.Vendor.Name // a name, in every language; the pack's title is English
		}
		form.Policies = append(form.Policies, reportOption{Value: id, Label: label, Selected: id == form.Policy})
	}
	form.Requesters = []reportOption{{Value: "", Label: p.T("rep.all_requesters")}}
	if orgs, err := s.svc.Store().Orgs(r.Context()); err == nil {
		slices.SortFunc(orgs, func(a, b rma.Org) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
		for _, o := range orgs {
			if !o.IsDesk && !o.Supplier {
				id := strconv.FormatInt(o.ID, 10)
				form.Requesters = append(form.Requesters, reportOption{Value: id, Label: o.Name, Selected: id == form.Requester})
			}
		}
	}
	form.Suppliers = []reportOption{{Value: "", Label: p.T("rep.all_suppliers")}}
	if sups, err := s.svc.Store().Suppliers(r.Context()); err == nil {
		for _, sp := range sups {
			id := strconv.FormatInt(sp.ID, 10)
			form.Suppliers = append(form.Suppliers, reportOption{Value: id, Label: sp.Name, Selected: id == form.Supplier})
		}
	}
	return form
}

// headlines are the summary columns each report's card shows.
var headlines = map[report.Name][]string{
	report.ReturnRate: {"units_returned", "units_sold", "return_rate"},
	report.DOA:        {"units_filed", "doa_rate"},
	report.Reasons:    {"units_filed"},
	report.Turnaround: {"units_resolved", "p50_days", "p90_days"},
	report.Deadlines:  {"due", "missed_open", "on_time_rate"},
	report.Repeats:    {"repeat_returns", "repeat_rate"},
}

// headline is a report's figures at a glance: its summary's main columns;
// a row a finding's share, and a row a currency's net cost.
func (p *page) headline(rep *report.Report) []reportFact {
	sum := rep.Table("summary")
	if sum == nil || len(sum.Rows) == 0 {
		return nil
	}
	var out []reportFact
	switch rep.Name {
	case report.Findings:
		for _, row := range sum.Rows {
			out = append(out, reportFact{p.reportValue(sum.Columns[0], row[0], row), p.reportValue(sum.Columns[2], row[2], row)})
		}
	case report.Money:
		net := sum.Col("net_cost")
		for _, row := range sum.Rows {
			out = append(out, reportFact{p.T("rep.net_in", p.reportValue(sum.Columns[0], row[0], row)), p.reportValue(sum.Columns[net], row[net], row)})
		}
	default:
		for _, id := range headlines[rep.Name] {
			if i := sum.Col(id); i >= 0 {
				out = append(out, reportFact{p.T("rep.col." + id), p.reportValue(sum.Columns[i], sum.Rows[0][i], sum.Rows[0])})
			}
		}
	}
	if rep.Name == report.Reasons {
		if t := rep.Table("reasons"); t != nil && len(t.Rows) > 0 {
			out = append(out, reportFact{p.T("rep.top_reason"), p.reportValue(t.Columns[0], t.Rows[0][0], t.Rows[0])})
		}
	}
	return out
}

// reportTable is a table as the page shows it.
func (p *page) reportTable(rep *report.Report, t *report.Table) reportTableView {
	v := reportTableView{ID: t.ID, Heading: p.T("rep.table." + t.ID), Total: len(t.Rows), IsSummary: t.ID == "summary",
		CSVName: report.CSVName(rep, t.ID)}
	q := rep.Filter.Values()
	q.Set("format", "csv")
	q.Set("table", t.ID)
	v.CSV = "/reports/" + string(rep.Name) + "?" + q.Encode()
	for _, c := range t.Columns {
		v.Columns = append(v.Columns, reportColumn{Label: p.T("rep.col." + c.ID), Numeric: numericKind(c.Kind)})
	}
	for i, row := range t.Rows {
		if i == maxTableRows {
			break
		}
		var cells []reportCell
		for j, c := range t.Columns {
			cells = append(cells, reportCell{Text: p.reportValue(c, row[j], row), Numeric: numericKind(c.Kind), Header: j == 0 && !numericKind(c.Kind)})
		}
		v.Rows = append(v.Rows, cells)
	}
	v.Shown = len(v.Rows)
	v.Chart, v.Empty = p.reportChart(rep, t, "chart-"+t.ID, false)
	return v
}

func numericKind(k report.Kind) bool {
	switch k {
	case report.KindCount, report.KindRate, report.KindDays, report.KindMoney:
		return true
	}
	return false
}

// reportChart draws a table's chart; empty when it has nothing to draw.
func (p *page) reportChart(rep *report.Report, t *report.Table, id string, small bool) (template.HTML, bool) {
	if t == nil || t.Chart == nil {
		return "", true
	}
	rows := t.ChartRows()
	if small && len(rows) > 6 && t.Chart.Kind != report.ChartColumns {
		rows = rows[:6]
	}
	c := chart.Chart{ID: id, Small: small, Percent: func(v float64) string { return p.percent(v, 0) }}
	switch t.Chart.Kind {
	case report.ChartBars:
		c.Kind = chart.Bars
	case report.ChartStacked:
		c.Kind = chart.Stacked
	case report.ChartColumns:
		c.Kind = chart.Columns
	case report.ChartPareto:
		c.Kind = chart.Pareto
	}
	var first report.Column
	for _, name := range t.Chart.Series {
		if i := t.Col(name); i >= 0 {
			first = t.Columns[i]
			break
		}
	}
	c.Format = func(v float64) string { return p.reportNumber(first.Kind, v) }
	c.Integers = first.Kind == report.KindCount
	drawn := false
	// A label of several columns: a range ("2.00–3.00") when they are
	// numbers, else the names side by side.
	sep := "–"
	for _, col := range t.Chart.Label {
		if i := t.Col(col); i >= 0 && !numericKind(t.Columns[i].Kind) {
			sep = " · "
		}
	}
	for _, row := range rows {
		var parts []string
		for _, col := range t.Chart.Label {
			if i := t.Col(col); i >= 0 {
				parts = append(parts, p.reportValue(t.Columns[i], row[i], row))
			}
		}
		c.Labels = append(c.Labels, strings.Join(parts, sep))
	}
	for _, name := range t.Chart.Series {
		i := t.Col(name)
		if i < 0 {
			continue
		}
		s := chart.Series{Name: p.T("rep.col." + name)}
		for _, row := range rows {
			v := number(row[i])
			if v != 0 {
				drawn = true
			}
			s.Values = append(s.Values, v)
		}
		c.Series = append(c.Series, s)
	}
	if i := t.Col(t.Chart.Line); i >= 0 {
		c.LineName = p.T("rep.col." + t.Chart.Line)
		for _, row := range rows {
			c.Line = append(c.Line, number(row[i]))
		}
	}
	if !drawn {
		return "", true
	}
	heading := p.T("rep.table." + t.ID)
	c.Title = p.T("rep.name."+string(rep.Name)) + ": " + heading
	c.Desc = p.T("rep.chart_desc", heading)
	if t.Chart.Limit > 0 && len(t.Rows) > len(rows) {
		c.Desc = p.T("rep.chart_desc_first", len(rows), heading)
	}
	return template.HTML(chart.SVG(c)), false
}

// number is a table's value as a chart draws it.
func number(v report.Value) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// reportValue writes a value for the page's language.
func (p *page) reportValue(c report.Column, v report.Value, row []report.Value) string {
	if v == nil {
		return "–"
	}
	switch c.Kind {
	case report.KindCode:
		s, _ := v.(string)
		return p.reportCode(c.Codes, s)
	case report.KindMonth:
		s, _ := v.(string)
		return p.reportMonth(s)
	case report.KindText:
		s, _ := v.(string)
		if s == "" {
			if c.ID == "currency" {
				return p.T("rep.no_price")
			}
			return p.T("rep.none")
		}
		return s
	}
	return p.reportNumber(c.Kind, number(v))
}

// reportNumber writes a number of a kind: counts with thousands
// separators, rates as percentages, days and money with two decimals.
func (p *page) reportNumber(k report.Kind, v float64) string {
	switch k {
	case report.KindRate:
		return p.percent(v, 1)
	case report.KindDays:
		return p.decimal(v, 2)
	case report.KindMoney:
		return p.decimal(v/100, 2)
	}
	return p.decimal(v, 0)
}

func (p *page) percent(v float64, places int) string {
	return p.decimal(v*100, places) + p.T("rep.percent")
}

// decimal writes v with places decimals and the language's separators.
func (p *page) decimal(v float64, places int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', places, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString("−")
	}
	thousands, point := ",", "."
	if p.Lang() == "nl" {
		thousands, point = ".", ","
	}
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}

// reportMonth writes "2026-03" as the language's "Mar 2026".
func (p *page) reportMonth(s string) string {
	m, err := report.ParseMonth(s)
	if err != nil {
		return s
	}
	y, mo := m.YM()
	return fmt.Sprintf("%s %d", p.T(fmt.Sprintf("rep.month.%d", int(mo))), y)
}

// reportCode names a code in the page's language: the catalogue's word
// where it has one (a state, a finding, a condition, a reason), else the
// code as written, which a pack's own names are.
func (p *page) reportCode(codes, s string) string {
	var key string
	switch codes {
	case "state":
		key = "state." + s
	case "finding":
		key = "finding." + s
	case "condition":
		key = "cond." + s
	case "reason", "source", "deadline":
		key = "rep." + codes + "." + s
	}
	if key != "" {
		if _, ok := catalogue["en"][key]; ok {
			return p.T(key)
		}
	}
	if codes == "reason" {
		if _, ok := catalogue["en"]["cond."+s]; ok { // an exclusion's code is its condition
			return p.T("cond." + s)
		}
	}
	return strings.ReplaceAll(s, "_", " ")
}
