package report

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// UnitsSold is the registry of units sold, which return rates divide by.
type UnitsSold interface {
	// UnitsSold counts, by model, the units whose invoice date (else
	// delivery date) is in [from, to]; an empty model or orgID counts
	// every one.
	UnitsSold(ctx context.Context, from, to calendar.Date, model, orgID string) (map[string]int64, error)
}

// Directory finds the organisations a filter names, so a report can say
// "no such requester" instead of showing nothing.
type Directory interface {
	Org(ctx context.Context, id int64) (*rma.Org, error)
	Supplier(ctx context.Context, orgID int64) (*rma.Supplier, error)
}

// Desk runs reports: the desk's figures for its agents and admins.
type Desk struct {
	Cells Source
	// Units is the registry of units sold; nil until the desk has one,
	// and the return rate then says so instead of dividing by nothing.
	Units     UnitsSold
	Directory Directory
	// Policies lists the desk's policy IDs, which a filter's policy must
	// be one of.
	Policies func() []string
	// Today is the desk's day: deadlines due before it and still open are
	// missed.
	Today func() calendar.Date
}

// Name names a report.
type Name string

const (
	ReturnRate Name = "return-rate"
	Findings   Name = "findings"
	DOA        Name = "doa"
	Reasons    Name = "reasons"
	Turnaround Name = "turnaround"
	Deadlines  Name = "deadlines"
	Money      Name = "money"
	Repeats    Name = "repeats"
)

// Names lists the reports in the order the desk shows them.
var Names = []Name{ReturnRate, Findings, DOA, Reasons, Turnaround, Deadlines, Money, Repeats}

// tables are each report's tables, in order, and the one a CSV download
// gives unless asked for another: its main breakdown.
var tables = map[Name]struct {
	all  []string
	main string
}{
	ReturnRate: {[]string{"summary", "by_model", "by_month"}, "by_model"},
	Findings:   {[]string{"summary", "by_model", "by_month"}, "by_model"},
	DOA:        {[]string{"summary", "by_model", "by_month"}, "by_model"},
	Reasons:    {[]string{"summary", "reasons", "conditions"}, "reasons"},
	Turnaround: {[]string{"summary", "by_state", "by_month", "distribution"}, "by_state"},
	Deadlines:  {[]string{"summary", "by_deadline", "by_month"}, "by_deadline"},
	Money:      {[]string{"summary", "by_model", "by_month"}, "by_model"},
	Repeats:    {[]string{"summary", "by_serial", "by_model"}, "by_serial"},
}

// TablesOf lists report n's tables, in the order it gives them.
func TablesOf(n Name) []string { return slices.Clone(tables[n].all) }

// MainTable is report n's main breakdown: its CSV unless another table is
// asked for.
func MainTable(n Name) string { return tables[n].main }

// CSVName is the file name of a report's table as CSV:
// rmadesk-findings-by_model-2025-04-2026-03.csv.
func CSVName(r *Report, table string) string {
	return fmt.Sprintf("rmadesk-%s-%s-%s-%s.csv", r.Name, table, r.Filter.From, r.Filter.To)
}

// ParseName checks a report's name.
func ParseName(s string) (Name, bool) {
	n := Name(s)
	return n, slices.Contains(Names, n)
}

// Report is one report's figures for a filter.
type Report struct {
	Name   Name    `json:"report"`
	Filter Filter  `json:"filter"`
	Notes  []Note  `json:"notes"`
	Tables []Table `json:"tables"`
}

// Note is something a reader must know to read a report right, as a code
// the faces put in words.
type Note string

const (
	// NoteNoUnits: the desk has no registry of units sold yet, or it holds
	// none for the period, so no return rate can be given.
	NoteNoUnits Note = "no_units_registered"
	// NoteUnitsAllSuppliers: with a supplier filter, units sold are still
	// every unit of the model: the registry does not know suppliers.
	NoteUnitsAllSuppliers Note = "units_sold_not_by_supplier"
	// NoteBuckets: percentiles are read off fixed buckets.
	NoteBuckets Note = "percentiles_from_buckets"
	// NoteWholeRMA: deadlines (and charges on no line) count under an
	// RMA's first line in play.
	NoteWholeRMA Note = "whole_rma_first_line"
	// NoteReplacementValue: replacements are valued at the line's last
	// invoiced price; units without one are counted without a value.
	NoteReplacementValue Note = "replacement_at_invoiced_price"
)

// Table is the report's table with id, or nil.
func (r *Report) Table(id string) *Table {
	for i := range r.Tables {
		if r.Tables[i].ID == id {
			return &r.Tables[i]
		}
	}
	return nil
}

// Run runs report name over f for actor: agents and admins only.
func (d *Desk) Run(ctx context.Context, actor rma.Actor, name Name, f Filter) (*Report, error) {
	if !rma.Can(actor.Role, rma.OpReports) {
		return nil, rma.Errorf(rma.EFORBIDDEN, "role %s may not read reports", actor.Role)
	}
	if !slices.Contains(Names, name) {
		return nil, rma.Errorf(rma.ENOTFOUND, "no report %q (one of %s)", name, joinNames())
	}
	if err := d.check(ctx, &f); err != nil {
		return nil, err
	}
	rep := &Report{Name: name, Filter: f, Notes: []Note{}}
	run := map[Name]func(context.Context, *Report) error{
		ReturnRate: d.returnRate, Findings: d.findings, DOA: d.doa, Reasons: d.reasons,
		Turnaround: d.turnaround, Deadlines: d.deadlines, Money: d.money, Repeats: d.repeats,
	}[name]
	if err := run(ctx, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

func joinNames() string {
	s := make([]string, len(Names))
	for i, n := range Names {
		s[i] = string(n)
	}
	return strings.Join(s, ", ")
}

// check fills the period's defaults and checks that what f names exists.
func (d *Desk) check(ctx context.Context, f *Filter) error {
	*f = f.WithDefaults(d.today())
	if err := f.Check(); err != nil {
		return err
	}
	if f.Policy != "" && d.Policies != nil && !slices.Contains(d.Policies(), f.Policy) {
		return rma.Invalid("policy", "no policy %q (one of %s)", f.Policy, strings.Join(d.Policies(), ", "))
	}
	if d.Directory == nil {
		return nil
	}
	if f.Org != 0 {
		o, err := d.Directory.Org(ctx, f.Org)
		switch {
		case rma.ErrorCode(err) == rma.ENOTFOUND || err == nil && (o.IsDesk || o.Supplier):
			return rma.Invalid("requester", "no requester organisation %d", f.Org)
		case err != nil:
			return err
		}
	}
	if f.Supplier != 0 {
		_, err := d.Directory.Supplier(ctx, f.Supplier)
		if rma.ErrorCode(err) == rma.ENOTFOUND {
			return rma.Invalid("supplier", "no supplier %d", f.Supplier)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (d *Desk) today() calendar.Date {
	if d.Today == nil {
		return 0
	}
	return d.Today()
}

// cells reads the sums of metrics over f, by month and model when asked.
func (d *Desk) cells(ctx context.Context, f Filter, byMonth, byModel bool, metrics ...Metric) ([]Cell, error) {
	if d.Cells == nil {
		return nil, errors.New("report: no roll-ups to read")
	}
	return d.Cells.ReportCells(ctx, Query{Cube: CubeFor(f, byModel), Metrics: metrics, From: f.From, To: f.To,
		Policy: f.Policy, Org: f.Org, Supplier: f.Supplier, Model: f.Model, ByMonth: byMonth, ByModel: byModel})
}

// orgID is an organisation's ID as the registry of units takes it.
func orgID(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}
