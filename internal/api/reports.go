package api

import (
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/rmadesk/rmadesk/internal/report"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Reports (issue 16): GET /api/v1/reports lists them, GET
// /api/v1/reports/{name} is one report's figures for a filter, as JSON, or
// one of its tables as CSV (?format=csv, or Accept: text/csv). Agents and
// admins only.

func (s *Server) reportRoutes() []Route {
	return []Route{
		{Method: "GET", Path: v1 + "/reports", Op: rma.OpReports, handler: s.listReports},
		{Method: "GET", Path: v1 + "/reports/{name}", Op: rma.OpReports, handler: s.getReport},
	}
}

// ReportInfo names a report and its tables.
type ReportInfo struct {
	Name   string   `json:"name"`
	Tables []string `json:"tables"`
	Main   string   `json:"main_table"`
}

func (s *Server) listReports(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	out := struct {
		Reports []ReportInfo `json:"reports"`
	}{}
	for _, n := range report.Names {
		out.Reports = append(out.Reports, ReportInfo{Name: string(n), Tables: report.TablesOf(n), Main: report.MainTable(n)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getReport(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	name, ok := report.ParseName(r.PathValue("name"))
	if !ok {
		return rma.Errorf(rma.ENOTFOUND, "no report %q (one of %s)", r.PathValue("name"), strings.Join(reportNames(), ", "))
	}
	q := r.URL.Query()
	csv, err := wantsCSV(r)
	if err != nil {
		return err
	}
	table := report.MainTable(name)
	if vs := q["table"]; len(vs) > 0 {
		if len(vs) > 1 {
			return rma.Invalid("table", "given %d times: give it once", len(vs))
		}
		if !slices.Contains(report.TablesOf(name), vs[0]) {
			return rma.Invalid("table", "%q is not a table of %s (one of %s)", vs[0], name, strings.Join(report.TablesOf(name), ", "))
		}
		table = vs[0]
	}
	f, err := report.ParseFilter(q, s.svc.Today())
	if err != nil {
		return err
	}
	rep, err := s.reports.Run(r.Context(), actor, name, f)
	if err != nil {
		return err
	}
	if !csv {
		writeJSON(w, http.StatusOK, rep)
		return nil
	}
	t := rep.Table(table)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": report.CSVName(rep, table)}))
	w.WriteHeader(http.StatusOK)
	return t.WriteCSV(w)
}

// wantsCSV reads ?format (json or csv), else the Accept header: CSV only
// when asked for by name, so a client that accepts anything gets JSON.
func wantsCSV(r *http.Request) (bool, error) {
	if vs := r.URL.Query()["format"]; len(vs) > 0 {
		switch {
		case len(vs) > 1:
			return false, rma.Invalid("format", "given %d times: give it once", len(vs))
		case vs[0] == "csv":
			return true, nil
		case vs[0] == "json":
			return false, nil
		}
		return false, rma.Invalid("format", "%q: json or csv", vs[0])
	}
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/csv" {
			return true, nil
		}
	}
	return false, nil
}

func reportNames() []string {
	out := make([]string, len(report.Names))
	for i, n := range report.Names {
		out[i] = string(n)
	}
	return out
}

// reportsDesk is the API's report desk on the service's store.
func reportsDesk(svc *rma.Service, units report.UnitsSold) *report.Desk {
	if units == nil { // the desk's serial registry (issue 16), which the store keeps
		units, _ = svc.Store().(report.UnitsSold)
	}
	d := &report.Desk{Units: units, Directory: svc.Store(), Policies: func() []string { return svc.Policies().IDs() }, Today: svc.Today}
	if src, ok := svc.Store().(report.Source); ok {
		d.Cells = src
	}
	return d
}
