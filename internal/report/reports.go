package report

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// chartRows is how many rows a chart over models or names draws: the
// table beside it has them all.
const chartRows = 15

// The reports. Each reads the cells it needs in one or two queries of the
// smallest cube its filter allows (CubeFor), and builds its tables.

// returnRate: units returned against units sold, per model, and the units
// returned per month.
func (d *Desk) returnRate(ctx context.Context, rep *Report) error {
	f := rep.Filter
	cells, err := d.cells(ctx, f, true, true, MetricFiled)
	if err != nil {
		return err
	}
	returned := map[string]int64{}
	perMonth := map[Month]int64{}
	var total int64
	for _, c := range cells {
		returned[c.Dims.Model] += c.N
		perMonth[c.Month] += c.N
		total += c.N
	}
	var sold map[string]int64
	if d.Units != nil {
		if sold, err = d.Units.UnitsSold(ctx, f.From.First(), f.To.Last(), f.Model, orgID(f.Org)); err != nil {
			return err
		}
	}
	var soldTotal int64
	for m, n := range sold {
		if f.Supplier == 0 || returned[m] != 0 {
			soldTotal += n
		}
	}
	if soldTotal == 0 {
		rep.Notes = append(rep.Notes, NoteNoUnits)
	} else if f.Supplier != 0 {
		rep.Notes = append(rep.Notes, NoteUnitsAllSuppliers)
	}
	// Models sold and never returned have a rate too (zero), except
	// under a supplier filter: the registry does not know which units
	// came from which supplier, so the models listed are those returned.
	models := keys(returned)
	for _, m := range keys(sold) {
		if sold[m] != 0 && (f.Model == "" || m == f.Model) && returned[m] == 0 && f.Supplier == 0 {
			models = append(models, m)
		}
	}
	soldOf := func(m string) Value {
		if soldTotal == 0 {
			return nil
		}
		return sold[m]
	}
	rateOf := func(n int64, m string) Value {
		if soldTotal == 0 {
			return nil
		}
		return rate(n, sold[m])
	}
	byModel := Table{ID: "by_model", Columns: []Column{
		{ID: "model", Kind: KindText}, {ID: "units_returned", Kind: KindCount}, {ID: "units_sold", Kind: KindCount}, {ID: "return_rate", Kind: KindRate},
	}, Chart: &Chart{Kind: ChartBars, Label: []string{"model"}, Series: []string{"return_rate"}, Limit: chartRows}}
	for _, m := range models {
		byModel.Rows = append(byModel.Rows, []Value{m, returned[m], soldOf(m), rateOf(returned[m], m)})
	}
	sortRows(byModel.Rows, byRateThenCount(3, 1))
	if soldTotal == 0 {
		byModel.Chart.Series = []string{"units_returned"}
	}
	var soldAll Value
	var rateAll Value
	if soldTotal != 0 {
		var s int64
		for _, m := range models {
			s += sold[m]
		}
		soldAll, rateAll = s, rate(total, s)
	}
	summary := Table{ID: "summary", Columns: []Column{
		{ID: "units_returned", Kind: KindCount}, {ID: "units_sold", Kind: KindCount}, {ID: "return_rate", Kind: KindRate},
	}, Rows: [][]Value{{total, soldAll, rateAll}}}
	byMonth := monthTable(f, "units_returned", perMonth)
	rep.Tables = append(rep.Tables, summary, byModel, byMonth)
	return nil
}

// findings: what evaluation found, in all and per model and month.
func (d *Desk) findings(ctx context.Context, rep *Report) error {
	f := rep.Filter
	cells, err := d.cells(ctx, f, true, true, MetricFinding)
	if err != nil {
		return err
	}
	type counts map[string]int64
	all, byModel, byMonth := counts{}, map[string]counts{}, map[Month]counts{}
	for _, c := range cells {
		all[c.Item] += c.N
		if byModel[c.Dims.Model] == nil {
			byModel[c.Dims.Model] = counts{}
		}
		byModel[c.Dims.Model][c.Item] += c.N
		if byMonth[c.Month] == nil {
			byMonth[c.Month] = counts{}
		}
		byMonth[c.Month][c.Item] += c.N
	}
	sum := func(c counts) (n int64) {
		for _, f := range rma.Findings {
			n += c[string(f)]
		}
		return n
	}
	summary := Table{ID: "summary", Columns: []Column{
		{ID: "finding", Kind: KindCode, Codes: "finding"}, {ID: "units", Kind: KindCount}, {ID: "share", Kind: KindRate},
	}, Chart: &Chart{Kind: ChartBars, Label: []string{"finding"}, Series: []string{"units"}}}
	evaluated := sum(all)
	for _, fd := range rma.Findings {
		summary.Rows = append(summary.Rows, []Value{string(fd), all[string(fd)], rate(all[string(fd)], evaluated)})
	}
	cols := func(first Column) []Column {
		return []Column{first, {ID: "evaluated", Kind: KindCount},
			{ID: "defect_confirmed", Kind: KindCount}, {ID: "no_fault_found", Kind: KindCount}, {ID: "not_covered", Kind: KindCount},
			{ID: "defect_rate", Kind: KindRate}, {ID: "no_fault_rate", Kind: KindRate}, {ID: "not_covered_rate", Kind: KindRate}}
	}
	row := func(label Value, c counts) []Value {
		n := sum(c)
		dc, nf, nc := c[string(rma.DefectConfirmed)], c[string(rma.NoFault)], c[string(rma.NotCovered)]
		return []Value{label, n, dc, nf, nc, rate(dc, n), rate(nf, n), rate(nc, n)}
	}
	models := Table{ID: "by_model", Columns: cols(Column{ID: "model", Kind: KindText}),
		Chart: &Chart{Kind: ChartStacked, Label: []string{"model"}, Series: []string{"defect_confirmed", "no_fault_found", "not_covered"}, Limit: chartRows}}
	for _, m := range keys(byModel) {
		models.Rows = append(models.Rows, row(m, byModel[m]))
	}
	sortRows(models.Rows, byCountThenLabel(1))
	months := Table{ID: "by_month", Columns: cols(Column{ID: "month", Kind: KindMonth}),
		Chart: &Chart{Kind: ChartColumns, Label: []string{"month"}, Series: []string{"defect_confirmed", "no_fault_found", "not_covered"}}}
	for _, m := range f.Months() {
		months.Rows = append(months.Rows, row(m.String(), byMonth[m]))
	}
	rep.Tables = append(rep.Tables, summary, models, months)
	return nil
}

// doa: units filed on the dead-on-arrival route, against all units filed.
func (d *Desk) doa(ctx context.Context, rep *Report) error {
	f := rep.Filter
	cells, err := d.cells(ctx, f, true, true, MetricFiled, MetricDOA)
	if err != nil {
		return err
	}
	type pair struct{ filed, doa int64 }
	var all pair
	byModel, byMonth := map[string]*pair{}, map[Month]*pair{}
	get := func(m map[string]*pair, k string) *pair {
		if m[k] == nil {
			m[k] = &pair{}
		}
		return m[k]
	}
	for _, c := range cells {
		pm := get(byModel, c.Dims.Model)
		pt := byMonth[c.Month]
		if pt == nil {
			pt = &pair{}
			byMonth[c.Month] = pt
		}
		for _, p := range []*pair{&all, pm, pt} {
			if c.Metric == MetricDOA {
				p.doa += c.N
			} else {
				p.filed += c.N
			}
		}
	}
	summary := Table{ID: "summary", Columns: []Column{
		{ID: "units_filed", Kind: KindCount}, {ID: "doa_units", Kind: KindCount}, {ID: "doa_rate", Kind: KindRate},
	}, Rows: [][]Value{{all.filed, all.doa, rate(all.doa, all.filed)}}}
	models := Table{ID: "by_model", Columns: []Column{
		{ID: "model", Kind: KindText}, {ID: "units_filed", Kind: KindCount}, {ID: "doa_units", Kind: KindCount}, {ID: "doa_rate", Kind: KindRate},
	}, Chart: &Chart{Kind: ChartBars, Label: []string{"model"}, Series: []string{"doa_rate"}, Limit: chartRows}}
	for _, m := range keys(byModel) {
		p := byModel[m]
		models.Rows = append(models.Rows, []Value{m, p.filed, p.doa, rate(p.doa, p.filed)})
	}
	sortRows(models.Rows, byRateThenCount(3, 1))
	months := Table{ID: "by_month", Columns: []Column{
		{ID: "month", Kind: KindMonth}, {ID: "units_filed", Kind: KindCount}, {ID: "doa_units", Kind: KindCount}, {ID: "doa_rate", Kind: KindRate},
	}, Chart: &Chart{Kind: ChartColumns, Label: []string{"month"}, Series: []string{"doa_rate"}}}
	for _, m := range f.Months() {
		p := byMonth[m]
		if p == nil {
			p = &pair{}
		}
		months.Rows = append(months.Rows, []Value{m.String(), p.filed, p.doa, rate(p.doa, p.filed)})
	}
	rep.Tables = append(rep.Tables, summary, models, months)
	return nil
}

// reasons: the reasons decisions gave and the conditions declared or
// found, most frequent first, with their cumulative share (a Pareto).
func (d *Desk) reasons(ctx context.Context, rep *Report) error {
	f := rep.Filter
	cells, err := d.cells(ctx, f, false, false, MetricFiled, MetricReason, MetricCondition)
	if err != nil {
		return err
	}
	var filed int64
	reasons, conditions := map[string]int64{}, map[string]int64{}
	for _, c := range cells {
		switch c.Metric {
		case MetricFiled:
			filed += c.N
		case MetricReason:
			reasons[c.Item] += c.N
		case MetricCondition:
			conditions[c.Item] += c.N
		}
	}
	summary := Table{ID: "summary", Columns: []Column{{ID: "units_filed", Kind: KindCount}}, Rows: [][]Value{{filed}}}
	pareto := func(id string, first []Column, counts map[string]int64, row func(item string) []Value) Table {
		t := Table{ID: id, Columns: append(first, Column{ID: "units", Kind: KindCount}, Column{ID: "share", Kind: KindRate},
			Column{ID: "cumulative_share", Kind: KindRate})}
		items := keys(counts)
		slices.SortFunc(items, func(a, b string) int {
			return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(a, b))
		})
		var total, cum int64
		for _, it := range items {
			total += counts[it]
		}
		for _, it := range items {
			cum += counts[it]
			t.Rows = append(t.Rows, append(row(it), counts[it], rate(counts[it], total), rate(cum, total)))
		}
		return t
	}
	rs := pareto("reasons", []Column{{ID: "reason", Kind: KindCode, Codes: "reason"}}, reasons,
		func(it string) []Value { return []Value{it} })
	rs.Chart = &Chart{Kind: ChartPareto, Label: []string{"reason"}, Series: []string{"units"}, Line: "cumulative_share", Limit: chartRows}
	cs := pareto("conditions", []Column{{ID: "condition", Kind: KindCode, Codes: "condition"}, {ID: "source", Kind: KindCode, Codes: "source"}}, conditions,
		func(it string) []Value {
			source, name, _ := strings.Cut(it, ":")
			return []Value{name, source}
		})
	cs.Chart = &Chart{Kind: ChartPareto, Label: []string{"condition", "source"}, Series: []string{"units"}, Line: "cumulative_share", Limit: chartRows}
	rep.Tables = append(rep.Tables, summary, rs, cs)
	return nil
}

// turnaround: filing to resolution, and the time in each state, as
// percentiles of the units.
func (d *Desk) turnaround(ctx context.Context, rep *Report) error {
	f := rep.Filter
	cells, err := d.cells(ctx, f, true, false, MetricTurnaround, MetricStay)
	if err != nil {
		return err
	}
	rep.Notes = append(rep.Notes, NoteBuckets)
	all := newHistogram()
	byMonth := map[Month]*Histogram{}
	byState := map[string]*Histogram{}
	for _, c := range cells {
		switch c.Metric {
		case MetricTurnaround:
			b, ok := parseBucket(c.Item)
			if !ok {
				continue
			}
			all.add(b, c.N, c.Amount)
			if byMonth[c.Month] == nil {
				byMonth[c.Month] = newHistogram()
			}
			byMonth[c.Month].add(b, c.N, c.Amount)
		case MetricStay:
			state, item, _ := strings.Cut(c.Item, "/")
			b, ok := parseBucket(item)
			if !ok {
				continue
			}
			if byState[state] == nil {
				byState[state] = newHistogram()
			}
			byState[state].add(b, c.N, c.Amount)
		}
	}
	stats := []Column{{ID: "mean_days", Kind: KindDays}, {ID: "p50_days", Kind: KindDays}, {ID: "p90_days", Kind: KindDays}, {ID: "p95_days", Kind: KindDays}}
	values := func(h *Histogram) []Value {
		mean, ok := h.Mean()
		out := []Value{h.Count(), days(mean, ok)}
		for _, p := range []float64{0.5, 0.9, 0.95} {
			s, _, ok := h.Percentile(p)
			out = append(out, days(s, ok))
		}
		return out
	}
	summary := Table{ID: "summary", Columns: append([]Column{{ID: "units_resolved", Kind: KindCount}}, stats...),
		Rows: [][]Value{values(all)}}
	states := Table{ID: "by_state", Columns: append([]Column{{ID: "state", Kind: KindCode, Codes: "state"}, {ID: "units", Kind: KindCount}}, stats...),
		Chart: &Chart{Kind: ChartBars, Label: []string{"state"}, Series: []string{"p50_days", "p90_days"}}}
	for _, s := range rma.States {
		if h := byState[string(s)]; h != nil {
			states.Rows = append(states.Rows, append([]Value{string(s)}, values(h)...))
		}
	}
	months := Table{ID: "by_month", Columns: append([]Column{{ID: "month", Kind: KindMonth}, {ID: "units_resolved", Kind: KindCount}}, stats...),
		Chart: &Chart{Kind: ChartColumns, Label: []string{"month"}, Series: []string{"p50_days", "p90_days"}}}
	for _, m := range f.Months() {
		h := byMonth[m]
		if h == nil {
			h = newHistogram()
		}
		months.Rows = append(months.Rows, append([]Value{m.String()}, values(h)...))
	}
	// The distribution, bucket by bucket: the edges percentiles are read
	// between, from the first bucket with units to the last.
	hist := Table{ID: "distribution", Columns: []Column{{ID: "from_days", Kind: KindDays}, {ID: "to_days", Kind: KindDays},
		{ID: "units", Kind: KindCount}, {ID: "cumulative_share", Kind: KindRate}},
		Chart: &Chart{Kind: ChartColumns, Label: []string{"from_days", "to_days"}, Series: []string{"units"}}}
	first, last := -1, -1
	for i, n := range all.N {
		if n > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	var cum int64
	total := all.Count()
	for i := first; i >= 0 && i <= last; i++ {
		lo, hi := BucketBounds(i)
		cum += all.N[i]
		to := days(float64(hi), hi >= 0)
		hist.Rows = append(hist.Rows, []Value{days(float64(lo), true), to, all.N[i], rate(cum, total)})
	}
	rep.Tables = append(rep.Tables, summary, states, months, hist)
	return nil
}

// deadlines: per deadline, how many due in the period were met on time,
// met late, missed (still open after their day), or are still open and
// not yet due.
func (d *Desk) deadlines(ctx context.Context, rep *Report) error {
	f := rep.Filter
	cells, err := d.cells(ctx, f, true, false, MetricDeadline)
	if err != nil {
		return err
	}
	rep.Notes = append(rep.Notes, NoteWholeRMA)
	today := d.today()
	type tally struct{ onTime, late, missed, open int64 }
	byName, byMonth := map[string]*tally{}, map[Month]*tally{}
	var all tally
	for _, c := range cells {
		name, status, ok := cutLast(c.Item, "/")
		if !ok {
			continue
		}
		if byName[name] == nil {
			byName[name] = &tally{}
		}
		if byMonth[c.Month] == nil {
			byMonth[c.Month] = &tally{}
		}
		for _, t := range []*tally{&all, byName[name], byMonth[c.Month]} {
			switch {
			case status == DeadlineOnTime:
				t.onTime += c.N
			case status == DeadlineLate:
				t.late += c.N
			case strings.HasPrefix(status, deadlineOpen):
				if due := status[len(deadlineOpen):]; today.IsZero() || due >= today.String() {
					t.open += c.N
				} else {
					t.missed += c.N
				}
			}
		}
	}
	cols := []Column{{ID: "due", Kind: KindCount}, {ID: "met_on_time", Kind: KindCount}, {ID: "met_late", Kind: KindCount},
		{ID: "missed_open", Kind: KindCount}, {ID: "open", Kind: KindCount}, {ID: "on_time_rate", Kind: KindRate}}
	values := func(t *tally) []Value {
		due := t.onTime + t.late + t.missed + t.open
		return []Value{due, t.onTime, t.late, t.missed, t.open, rate(t.onTime, t.onTime+t.late+t.missed)}
	}
	series := []string{"met_on_time", "met_late", "missed_open", "open"}
	summary := Table{ID: "summary", Columns: cols, Rows: [][]Value{values(&all)}}
	names := Table{ID: "by_deadline", Columns: append([]Column{{ID: "deadline", Kind: KindCode, Codes: "deadline"}}, cols...),
		Chart: &Chart{Kind: ChartStacked, Label: []string{"deadline"}, Series: series, Limit: chartRows}}
	for _, n := range keys(byName) {
		names.Rows = append(names.Rows, append([]Value{n}, values(byName[n])...))
	}
	sortRows(names.Rows, byCountThenLabel(1))
	months := Table{ID: "by_month", Columns: append([]Column{{ID: "month", Kind: KindMonth}}, cols...),
		Chart: &Chart{Kind: ChartColumns, Label: []string{"month"}, Series: series}}
	for _, m := range f.Months() {
		t := byMonth[m]
		if t == nil {
			t = &tally{}
		}
		months.Rows = append(months.Rows, append([]Value{m.String()}, values(t)...))
	}
	rep.Tables = append(rep.Tables, summary, names, months)
	return nil
}

// money: what warranty cost, per currency: paid out to requesters
// (credits, refunds, replacement units), charged to them, recovered from
// suppliers and charged by them, and the net cost; per model and month.
func (d *Desk) money(ctx context.Context, rep *Report) error {
	f := rep.Filter
	cells, err := d.cells(ctx, f, true, true, MetricMoney)
	if err != nil {
		return err
	}
	rep.Notes = append(rep.Notes, NoteReplacementValue, NoteWholeRMA)
	type key = moneyKey
	totals, byModel, byMonth := map[key]*moneySums{}, map[key]*moneySums{}, map[key]*moneySums{}
	get := func(m map[key]*moneySums, k key) *moneySums {
		if m[k] == nil {
			m[k] = &moneySums{}
		}
		return m[k]
	}
	for _, c := range cells {
		kind, currency, ok := strings.Cut(c.Item, "/")
		if !ok {
			continue
		}
		for _, s := range []*moneySums{get(totals, key{"", currency}), get(byModel, key{c.Dims.Model, currency}),
			get(byMonth, key{c.Month.String(), currency})} {
			s.add(kind, c.N, c.Amount)
		}
	}
	// The net cost first: what a manager looks for; then what makes it.
	cols := []Column{{ID: "currency", Kind: KindText}, {ID: "net_cost", Kind: KindMoney}, {ID: "credits", Kind: KindMoney}, {ID: "refunds", Kind: KindMoney},
		{ID: "replacement_units", Kind: KindCount}, {ID: "replacement_value", Kind: KindMoney}, {ID: "charges", Kind: KindMoney},
		{ID: "supplier_recovery", Kind: KindMoney}, {ID: "supplier_charges", Kind: KindMoney}}
	// The charts draw the currency with the most money.
	main := ""
	var most int64
	for k, s := range totals {
		if v := s.volume(); v > most || v == most && k.currency < main {
			main, most = k.currency, v
		}
	}
	where := map[string]string{"currency": main}
	summary := Table{ID: "summary", Columns: cols}
	for _, k := range sortedKeys(totals) {
		summary.Rows = append(summary.Rows, totals[k].row(k.currency))
	}
	models := Table{ID: "by_model", Columns: append([]Column{{ID: "model", Kind: KindText}}, cols...),
		Chart: &Chart{Kind: ChartBars, Label: []string{"model"}, Series: []string{"net_cost"}, Limit: chartRows, Where: where}}
	for _, k := range sortedKeys(byModel) {
		models.Rows = append(models.Rows, append([]Value{k.label}, byModel[k].row(k.currency)...))
	}
	sortRows(models.Rows, func(a, b []Value) int { // the costliest first
		return cmp.Or(cmp.Compare(b[2].(int64), a[2].(int64)), cmp.Compare(a[1].(string), b[1].(string)), cmp.Compare(a[0].(string), b[0].(string)))
	})
	months := Table{ID: "by_month", Columns: append([]Column{{ID: "month", Kind: KindMonth}}, cols...),
		Chart: &Chart{Kind: ChartColumns, Label: []string{"month"}, Series: []string{"net_cost"}, Where: where}}
	currencies := []string{}
	for _, k := range sortedKeys(totals) {
		currencies = append(currencies, k.currency)
	}
	for _, m := range f.Months() {
		for _, cur := range currencies {
			s := byMonth[key{m.String(), cur}]
			if s == nil {
				s = &moneySums{}
			}
			months.Rows = append(months.Rows, append([]Value{m.String()}, s.row(cur)...))
		}
	}
	rep.Tables = append(rep.Tables, summary, models, months)
	return nil
}

// moneySums are one row's money.
type moneySums struct {
	credits, refunds, replUnits, replValue, charges, recovery, supplierCharges int64
}

func (s *moneySums) add(kind string, n, cents int64) {
	switch kind {
	case MoneyCredit:
		s.credits += cents
	case MoneyRefund:
		s.refunds += cents
	case MoneyReplacement:
		s.replUnits += n
		s.replValue += cents
	case MoneyCharge:
		s.charges += cents
	case MoneyRecovery:
		s.recovery += cents
	case MoneySupplierCharge:
		s.supplierCharges += cents
	}
}

// net is what warranty cost the desk: paid out and charged by suppliers,
// less charged to requesters and recovered from suppliers.
func (s *moneySums) net() int64 {
	return s.credits + s.refunds + s.replValue + s.supplierCharges - s.charges - s.recovery
}

func (s *moneySums) volume() int64 {
	return s.credits + s.refunds + s.replValue + s.supplierCharges + s.charges + s.recovery
}

func (s *moneySums) row(currency string) []Value {
	return []Value{currency, s.net(), s.credits, s.refunds, s.replUnits, s.replValue, s.charges, s.recovery, s.supplierCharges}
}

// repeats: units that came back again, per serial and per model.
func (d *Desk) repeats(ctx context.Context, rep *Report) error {
	f := rep.Filter
	cells, err := d.cells(ctx, f, true, true, MetricFiled, MetricRepeat)
	if err != nil {
		return err
	}
	type serial struct {
		model string
		n     int64
		last  Month
	}
	var filed, repeats int64
	perModel := map[string]*[2]int64{}
	serials := map[string]*serial{}
	for _, c := range cells {
		pm := perModel[c.Dims.Model]
		if pm == nil {
			pm = &[2]int64{}
			perModel[c.Dims.Model] = pm
		}
		if c.Metric == MetricFiled {
			filed += c.N
			pm[0] += c.N
			continue
		}
		repeats += c.N
		pm[1] += c.N
		s := serials[c.Item]
		if s == nil {
			s = &serial{model: c.Dims.Model}
			serials[c.Item] = s
		}
		s.n += c.N
		s.last = max(s.last, c.Month)
	}
	summary := Table{ID: "summary", Columns: []Column{{ID: "units_returned", Kind: KindCount}, {ID: "repeat_returns", Kind: KindCount},
		{ID: "repeat_rate", Kind: KindRate}}, Rows: [][]Value{{filed, repeats, rate(repeats, filed)}}}
	bySerial := Table{ID: "by_serial", Columns: []Column{{ID: "serial", Kind: KindText}, {ID: "model", Kind: KindText},
		{ID: "repeat_returns", Kind: KindCount}, {ID: "last_month", Kind: KindMonth}}}
	for _, k := range keys(serials) {
		s := serials[k]
		bySerial.Rows = append(bySerial.Rows, []Value{k, s.model, s.n, s.last.String()})
	}
	sortRows(bySerial.Rows, byCountThenLabel(2))
	models := Table{ID: "by_model", Columns: []Column{{ID: "model", Kind: KindText}, {ID: "units_returned", Kind: KindCount},
		{ID: "repeat_returns", Kind: KindCount}, {ID: "repeat_rate", Kind: KindRate}},
		Chart: &Chart{Kind: ChartBars, Label: []string{"model"}, Series: []string{"repeat_returns"}, Limit: chartRows}}
	for _, m := range keys(perModel) {
		pm := perModel[m]
		if pm[1] > 0 {
			models.Rows = append(models.Rows, []Value{m, pm[0], pm[1], rate(pm[1], pm[0])})
		}
	}
	sortRows(models.Rows, byCountThenLabel(2))
	rep.Tables = append(rep.Tables, summary, bySerial, models)
	return nil
}

// monthTable is one count per month of the period, zeros included.
func monthTable(f Filter, col string, counts map[Month]int64) Table {
	t := Table{ID: "by_month", Columns: []Column{{ID: "month", Kind: KindMonth}, {ID: col, Kind: KindCount}},
		Chart: &Chart{Kind: ChartColumns, Label: []string{"month"}, Series: []string{col}}}
	for _, m := range f.Months() {
		t.Rows = append(t.Rows, []Value{m.String(), counts[m]})
	}
	return t
}

// keys are a map's keys, sorted.
func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// moneyKey is a money row: a model or month, and a currency.
type moneyKey struct {
	label    string
	currency string
}

func sortedKeys(m map[moneyKey]*moneySums) []moneyKey {
	out := make([]moneyKey, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b moneyKey) int {
		return cmp.Or(strings.Compare(a.label, b.label), strings.Compare(a.currency, b.currency))
	})
	return out
}

func sortRows(rows [][]Value, by func(a, b []Value) int) { slices.SortStableFunc(rows, by) }

// byRateThenCount: the rate in column r highest first (rows without one
// last), then the count in column n, then the label in column 0.
func byRateThenCount(r, n int) func(a, b []Value) int {
	return func(a, b []Value) int {
		ra, aok := a[r].(float64)
		rb, bok := b[r].(float64)
		switch {
		case aok && !bok:
			return -1
		case !aok && bok:
			return 1
		case aok && bok && ra != rb:
			return cmp.Compare(rb, ra)
		}
		return cmp.Or(cmp.Compare(b[n].(int64), a[n].(int64)), cmp.Compare(a[0].(string), b[0].(string)))
	}
}

// byCountThenLabel: the count in column n highest first, then the label.
func byCountThenLabel(n int) func(a, b []Value) int {
	return func(a, b []Value) int {
		return cmp.Or(cmp.Compare(b[n].(int64), a[n].(int64)), cmp.Compare(a[0].(string), b[0].(string)))
	}
}

// cutLast cuts s around the last sep.
func cutLast(s, sep string) (before, after string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
