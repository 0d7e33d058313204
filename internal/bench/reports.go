package bench

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The reports workload (issue 16): every report, as the API gives it and,
// when the target has an agent's portal session, as the portal draws it,
// over the default period (the last twelve months) without a filter, for
// one model, for one requester, and for both (each filter reads another
// cube of the roll-ups). Each client asks for them one after the other,
// round and round, until the time is up: with one client, the latencies
// are each report's own.

// reportNames are the desk's reports.
var reportNames = []string{"return-rate", "findings", "doa", "reasons", "turnaround", "deadlines", "money", "repeats"}

// reportFilter is one filter the workload asks every report with.
type reportFilter struct{ name, query string }

func (d *driver) reportFilters() []reportFilter {
	out := []reportFilter{{"", ""}}
	if d.t.ReportModel != "" {
		out = append(out, reportFilter{" model", "model=" + url.QueryEscape(d.t.ReportModel)})
	}
	if d.t.ReportRequester != 0 {
		org := strconv.FormatInt(d.t.ReportRequester, 10)
		out = append(out, reportFilter{" requester", "requester=" + org})
		if d.t.ReportModel != "" {
			out = append(out, reportFilter{" req+model", "requester=" + org + "&model=" + url.QueryEscape(d.t.ReportModel)})
		}
	}
	return out
}

func (d *driver) reports(ctx context.Context) (*Report, error) {
	type call struct {
		op     *OpStats
		path   string
		portal bool
	}
	var calls []call
	rep := &Report{Workload: "reports", Clients: d.cfg.Clients}
	add := func(name, path string, portal bool) {
		op := &OpStats{Name: name}
		rep.Ops = append(rep.Ops, op)
		calls = append(calls, call{op, path, portal})
	}
	for _, f := range d.reportFilters() {
		for _, n := range reportNames {
			path := "/api/v1/reports/" + n
			if f.query != "" {
				path += "?" + f.query
			}
			add("api "+n+f.name, path, false)
		}
	}
	if d.t.AgentCookie != "" {
		add("portal index", "/reports", true)
		for _, n := range reportNames {
			add("portal "+n, "/reports/"+n, true)
		}
	}
	ctx, stop, cancel := d.phase(ctx, d.cfg.Duration)
	defer cancel()
	start := time.Now()
	forEach(d.cfg.Clients, func(c int, rnd *rand.Rand) {
		for i := c; stop(); i++ {
			k := calls[i%len(calls)]
			if k.portal {
				d.do(ctx, k.op, "GET", k.path, "", nil, map[string]string{"Cookie": d.t.AgentCookie}, false, http.StatusOK)
			} else {
				d.do(ctx, k.op, "GET", k.path, d.t.AgentKey, nil, nil, false, http.StatusOK)
			}
		}
	})
	rep.Elapsed = time.Since(start)
	return rep, nil
}
