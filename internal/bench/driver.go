// Package bench drives a running desk over HTTP with concurrent clients and
// measures what it sustains: throughput and latency percentiles per
// operation. It also measures the database's own limit on the same machine
// (RawCommits), so the service's rate can be read as a share of it.
//
// The workloads are the desk's busy days: submit (requesters filing
// one-line RMAs), mixed (a desk at work: 80% reads of the queue, RMA
// details and serial lookups, 20% writes: submissions and decisions) and
// recall (a burst of submissions for one model). Every run is bounded in
// time and in count, and stops by itself.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Target is a running desk and the keys the workloads act with.
type Target struct {
	URL          string // http://127.0.0.1:PORT, no trailing slash
	RequesterKey string // a requester organisation's API key: files RMAs
	AgentKey     string // a desk agent's API key: reads the queue, decides
	Policy       string // the policy submissions name; default dexxon

	// The reports workload (reports.go): a model and a requester
	// organisation to filter by (none: those filters are left out), and an
	// agent's portal session ("name=value") to read the portal's pages with
	// (none: the API only).
	ReportModel     string
	ReportRequester int64
	AgentCookie     string
}

// Config is one run.
type Config struct {
	Workload string        // submit, mixed or recall
	Clients  int           // concurrent clients, each with one request in flight
	Duration time.Duration // how long submit and mixed run; the most a recall may take
	Count    int           // recall: submissions in the burst
	RunID    string        // unique per run: in references, serials and idempotency keys
	Model    string        // recall: the recalled model; default DX-RECALL-1
	Today    time.Time     // the desk's day, for purchase dates; default now
}

// Workloads are the names Config.Workload accepts.
var Workloads = []string{"submit", "mixed", "recall", "reports"}

// OpStats are one operation's results.
type OpStats struct {
	Name      string
	Latency   Histogram // of answered requests, conflicts included
	OK        atomic.Int64
	Conflicts atomic.Int64  // 409 and 412: another client got there first (expected under load)
	Errors    atomic.Int64  // anything else, and transport failures
	Elapsed   time.Duration // when the operation ran apart from the run's measured phase
	lastErr   atomic.Value  // string
}

// LastError is an example of what went wrong, "" when nothing did.
func (o *OpStats) LastError() string {
	s, _ := o.lastErr.Load().(string)
	return s
}

// Report is the outcome of a run.
type Report struct {
	Workload string
	Clients  int
	Elapsed  time.Duration // of the measured phase
	Ops      []*OpStats    // in a fixed order per workload
	Done     int64         // recall: submissions made
	Wanted   int64         // recall: the burst asked for
}

// Op returns the named operation's stats, nil if the run had none.
func (r *Report) Op(name string) *OpStats {
	for _, o := range r.Ops {
		if o.Name == name {
			return o
		}
	}
	return nil
}

// Rate is an operation's answered requests per second (OK and conflicts).
func (r *Report) Rate(name string) float64 {
	o := r.Op(name)
	if o == nil || r.Elapsed <= 0 {
		return 0
	}
	return float64(o.OK.Load()+o.Conflicts.Load()) / r.Elapsed.Seconds()
}

// Total is every operation's count together, and their latencies.
func (r *Report) Total() (n int64, h *Histogram) {
	h = &Histogram{}
	for _, o := range r.Ops {
		n += o.OK.Load() + o.Conflicts.Load()
		for b := range o.Latency.counts {
			if c := o.Latency.counts[b].Load(); c > 0 {
				h.counts[b].Add(c)
			}
		}
		h.n.Add(o.Latency.n.Load())
		h.sum.Add(o.Latency.sum.Load())
		if m := o.Latency.max.Load(); m > h.max.Load() {
			h.max.Store(m)
		}
	}
	return n, h
}

// Operation names.
const (
	OpSubmit     = "submit"
	OpQueue      = "queue page"
	OpDetail     = "rma detail"
	OpSerial     = "serial lookup"
	OpTransition = "transition"
	OpSearch     = "search by model"
)

// Run drives t with the workload until its time or count is up.
func Run(ctx context.Context, t Target, cfg Config) (*Report, error) {
	if cfg.Clients <= 0 {
		return nil, errors.New("clients: must be at least 1")
	}
	if t.Policy == "" {
		t.Policy = "dexxon"
	}
	if cfg.Model == "" {
		cfg.Model = "DX-RECALL-1"
	}
	if cfg.Today.IsZero() {
		cfg.Today = time.Now()
	}
	if cfg.RunID == "" {
		cfg.RunID = strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	d := &driver{t: t, cfg: cfg, client: newClient(cfg.Clients)}
	defer d.client.CloseIdleConnections()
	switch cfg.Workload {
	case "submit":
		return d.submit(ctx)
	case "mixed":
		return d.mixed(ctx)
	case "recall":
		return d.recall(ctx)
	case "reports":
		return d.reports(ctx) // reports.go
	}
	return nil, fmt.Errorf("workload %q: one of %s", cfg.Workload, strings.Join(Workloads, ", "))
}

func newClient(clients int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			MaxIdleConns:        clients * 2,
			MaxIdleConnsPerHost: clients * 2,
			IdleConnTimeout:     30 * time.Second,
			DisableCompression:  true,
		},
		Timeout: time.Minute,
	}
}

type driver struct {
	t      Target
	cfg    Config
	client *http.Client
}

// answer is what a client keeps of a response.
type answer struct {
	status int
	header http.Header
	body   []byte // only when asked for
}

// do sends one request and records it under op. ok lists the statuses
// that count as success; 409 and 412 count as conflicts.
func (d *driver) do(ctx context.Context, op *OpStats, method, path, key string, body []byte, header map[string]string, keepBody bool, ok ...int) (*answer, bool) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.t.URL+path, rd)
	if err != nil {
		op.fail(err.Error())
		return nil, false
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := d.client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			op.fail(err.Error())
			time.Sleep(10 * time.Millisecond) // a server that is down must not make the clients spin
		}
		return nil, false
	}
	a := &answer{status: resp.StatusCode, header: resp.Header}
	if keepBody || !slices.Contains(ok, resp.StatusCode) {
		a.body, err = io.ReadAll(resp.Body)
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	resp.Body.Close()
	elapsed := time.Since(start)
	if err != nil {
		if ctx.Err() == nil {
			op.fail(err.Error())
		}
		return nil, false
	}
	switch {
	case slices.Contains(ok, resp.StatusCode):
		op.Latency.Record(elapsed)
		op.OK.Add(1)
		return a, true
	case resp.StatusCode == http.StatusConflict || resp.StatusCode == http.StatusPreconditionFailed:
		op.Latency.Record(elapsed)
		op.Conflicts.Add(1)
		return a, false
	}
	op.fail(fmt.Sprintf("%s %s: %d %s", method, path, resp.StatusCode, firstLine(a.body)))
	return a, false
}

func (o *OpStats) fail(msg string) {
	o.Errors.Add(1)
	o.lastErr.Store(msg)
}

func firstLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// submitBody is a one-line submission: in warranty, with its receipt, so
// the engine accepts it. model and serial make it the client's own.
func (d *driver) submitBody(rnd *rand.Rand, ref, model, serial string) []byte {
	purchase := d.cfg.Today.AddDate(0, 0, -30-rnd.IntN(600)).Format("2006-01-02")
	return fmt.Appendf(nil, `{"policy":%q,"reference":%q,"lines":[{"product":{"category":"ssd","model":%q,"serial":%q},`+
		`"dates":{"purchase":%q},"documents":["purchase_receipt"],"fault":"Not detected by the BIOS after two weeks of use.",`+
		`"quantity":1,"last_invoiced_price":{"amount":"89.90","currency":"EUR"}}]}`, d.t.Policy, ref, model, serial, purchase)
}

// created is an RMA a client filed: what it needs to decide it later.
type created struct {
	id      int64
	version int
}

// submitOne files one RMA and returns it.
func (d *driver) submitOne(ctx context.Context, op *OpStats, rnd *rand.Rand, client, i int, model string) (created, bool) {
	tag := fmt.Sprintf("%s-%d-%d", d.cfg.RunID, client, i)
	body := d.submitBody(rnd, "BENCH-"+tag, model, "SN-"+tag)
	a, ok := d.do(ctx, op, "POST", "/api/v1/rmas", d.t.RequesterKey, body, map[string]string{"Idempotency-Key": tag}, false, http.StatusCreated)
	if !ok {
		return created{}, false
	}
	return parseETag(a.header.Get("ETag"))
}

// parseETag reads `"id-version"`.
func parseETag(tag string) (created, bool) {
	idPart, verPart, ok := strings.Cut(strings.Trim(tag, `"`), "-")
	id, err1 := strconv.ParseInt(idPart, 10, 64)
	v, err2 := strconv.Atoi(verPart)
	if !ok || err1 != nil || err2 != nil {
		return created{}, false
	}
	return created{id: id, version: v}, true
}

// phase bounds a measured phase: stop reports whether a client may start
// another request (until d has passed); requests in flight then finish, so
// the server sees no aborted requests, within a minute, after which ctx
// cancels them.
func (d *driver) phase(ctx context.Context, dur time.Duration) (context.Context, func() bool, context.CancelFunc) {
	end := time.Now().Add(dur)
	ctx, cancel := context.WithDeadline(ctx, end.Add(time.Minute))
	return ctx, func() bool { return ctx.Err() == nil && time.Now().Before(end) }, cancel
}

// forEach runs fn in n goroutines and waits for them.
func forEach(n int, fn func(client int, rnd *rand.Rand)) {
	var wg sync.WaitGroup
	for c := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(c, rand.New(rand.NewPCG(uint64(c)+1, uint64(time.Now().UnixNano()))))
		}()
	}
	wg.Wait()
}

func (d *driver) submit(ctx context.Context) (*Report, error) {
	op := &OpStats{Name: OpSubmit}
	rep := &Report{Workload: "submit", Clients: d.cfg.Clients, Ops: []*OpStats{op}}
	ctx, stop, cancel := d.phase(ctx, d.cfg.Duration)
	defer cancel()
	start := time.Now()
	forEach(d.cfg.Clients, func(c int, rnd *rand.Rand) {
		for i := 0; stop(); i++ {
			d.submitOne(ctx, op, rnd, c, i, "DX-SSD-1TB")
		}
	})
	rep.Elapsed = time.Since(start)
	return rep, nil
}

func (d *driver) recall(ctx context.Context) (*Report, error) {
	if d.cfg.Count <= 0 {
		return nil, errors.New("count: must be at least 1")
	}
	op := &OpStats{Name: OpSubmit}
	search := &OpStats{Name: OpSearch}
	rep := &Report{Workload: "recall", Clients: d.cfg.Clients, Ops: []*OpStats{op, search}, Wanted: int64(d.cfg.Count)}
	burst, stop, cancel := d.phase(ctx, d.cfg.Duration)
	defer cancel()
	var next atomic.Int64
	start := time.Now()
	forEach(d.cfg.Clients, func(c int, rnd *rand.Rand) {
		for stop() {
			i := next.Add(1)
			if i > int64(d.cfg.Count) {
				return
			}
			d.submitOne(burst, op, rnd, c, int(i), d.cfg.Model)
		}
	})
	rep.Elapsed = time.Since(start)
	rep.Done = op.OK.Load()
	// The desk then looks the recall up: the model's RMAs, newest first.
	q := "/api/v1/rmas?limit=50&q=" + url.QueryEscape(strings.ToLower(d.cfg.Model))
	after, cancel2 := context.WithTimeout(ctx, 10*time.Second)
	defer cancel2()
	searchStart := time.Now()
	forEach(min(d.cfg.Clients, 4), func(c int, rnd *rand.Rand) {
		for range 50 {
			if after.Err() != nil {
				return
			}
			d.do(after, search, "GET", q, d.t.AgentKey, nil, nil, false, http.StatusOK)
		}
	})
	search.Elapsed = time.Since(searchStart)
	return rep, nil
}

// sample is what the mixed workload reads: the newest RMA's ID (IDs from
// 1 to it are read at random) and serials found on RMAs read at setup.
type sample struct {
	maxID   int64
	serials []string
}

// discover samples the desk's RMAs through the API.
func (d *driver) discover(ctx context.Context) (*sample, error) {
	probe := &OpStats{Name: "setup"}
	a, ok := d.do(ctx, probe, "GET", "/api/v1/rmas?limit=1", d.t.AgentKey, nil, nil, true, http.StatusOK)
	if !ok {
		return nil, fmt.Errorf("reading the queue: %s", probe.LastError())
	}
	var page struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(a.body, &page); err != nil {
		return nil, fmt.Errorf("reading the queue: %w", err)
	}
	s := &sample{}
	if len(page.Items) == 0 {
		return s, nil
	}
	s.maxID = page.Items[0].ID
	rnd := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	until := time.Now().Add(3 * time.Second)
	for i := 0; i < 300 && time.Now().Before(until); i++ {
		id := 1 + rnd.Int64N(s.maxID)
		a, ok := d.do(ctx, probe, "GET", "/api/v1/rmas/"+strconv.FormatInt(id, 10), d.t.AgentKey, nil, nil, true, http.StatusOK)
		if !ok {
			continue
		}
		var r struct {
			Lines []struct {
				Claim struct {
					Product struct {
						Serial string `json:"serial"`
					} `json:"product"`
				} `json:"claim"`
			} `json:"lines"`
		}
		if json.Unmarshal(a.body, &r) == nil {
			for _, l := range r.Lines {
				if sn := l.Claim.Product.Serial; sn != "" && !seen[sn] {
					seen[sn] = true
					s.serials = append(s.serials, sn)
				}
			}
		}
	}
	return s, nil
}

// queue filters an agent works through: the submitted RMAs, newest first;
// the same for one policy with needs_info; the whole queue most urgent
// first (the portal's desk queue, issue 13); then further pages by cursor,
// each in the order of the page it came from.
var queueFilters = []string{
	"/api/v1/rmas?state=submitted&limit=50",
	"/api/v1/rmas?state=submitted&state=needs_info&policy=dexxon&limit=50",
	"/api/v1/rmas?order=urgency&limit=50",
}

func (d *driver) mixed(ctx context.Context) (*Report, error) {
	s, err := d.discover(ctx)
	if err != nil {
		return nil, err
	}
	ops := map[string]*OpStats{}
	rep := &Report{Workload: "mixed", Clients: d.cfg.Clients}
	for _, name := range []string{OpQueue, OpDetail, OpSerial, OpSubmit, OpTransition} {
		ops[name] = &OpStats{Name: name}
		rep.Ops = append(rep.Ops, ops[name])
	}
	ctx, stop, cancel := d.phase(ctx, d.cfg.Duration)
	defer cancel()
	start := time.Now()
	forEach(d.cfg.Clients, func(c int, rnd *rand.Rand) {
		var mine []created // filed by this client, still submitted: its transitions act on these
		cursor, depth, from := "", 0, queueFilters[0]
		for i := 0; stop(); i++ {
			// The mix by a fixed stride through 0..99 (61 is prime to 100):
			// every 100 requests of a client hold each operation's exact
			// share, and a short run has some of each.
			switch p := (i*61 + c*17) % 100; {
			case p < 30: // the queue: a first page, or the next one
				path := queueFilters[rnd.IntN(len(queueFilters))]
				if cursor != "" && depth < 20 && rnd.IntN(2) == 0 {
					path = from + "&cursor=" + url.QueryEscape(cursor)
					depth++
				} else {
					depth, from = 0, path
				}
				a, ok := d.do(ctx, ops[OpQueue], "GET", path, d.t.AgentKey, nil, nil, true, http.StatusOK)
				cursor = ""
				if ok {
					cursor = nextCursor(a.body)
				}
			case p < 65: // an RMA's page
				id := int64(0)
				if s.maxID > 0 {
					id = 1 + rnd.Int64N(s.maxID)
				} else if len(mine) > 0 {
					id = mine[rnd.IntN(len(mine))].id
				} else {
					continue
				}
				d.do(ctx, ops[OpDetail], "GET", "/api/v1/rmas/"+strconv.FormatInt(id, 10), d.t.AgentKey, nil, nil, false, http.StatusOK)
			case p < 80: // a unit's history by serial
				if len(s.serials) == 0 {
					continue
				}
				sn := s.serials[rnd.IntN(len(s.serials))]
				d.do(ctx, ops[OpSerial], "GET", "/api/v1/serials/"+url.PathEscape(sn), d.t.AgentKey, nil, nil, false, http.StatusOK)
			case p < 92: // a requester files
				if cr, ok := d.submitOne(ctx, ops[OpSubmit], rnd, c, i, "DX-SSD-1TB"); ok {
					mine = append(mine, cr)
				}
			default: // the desk decides one it filed
				if len(mine) == 0 {
					continue
				}
				cr := mine[len(mine)-1]
				mine = mine[:len(mine)-1]
				action, body := "authorize", `{"resolution":"return"}`
				if rnd.IntN(4) == 0 {
					action, body = "reject", `{"reason":"Not covered: the seal is broken."}`
				}
				d.do(ctx, ops[OpTransition], "POST", fmt.Sprintf("/api/v1/rmas/%d/%s", cr.id, action), d.t.AgentKey, []byte(body),
					map[string]string{"If-Match": fmt.Sprintf(`"%d-%d"`, cr.id, cr.version)}, false, http.StatusOK)
			}
		}
	})
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// nextCursor reads a page's "next" without decoding the whole page.
func nextCursor(body []byte) string {
	var page struct {
		Next string `json:"next"`
	}
	i := bytes.LastIndex(body, []byte(`"next"`))
	if i < 0 {
		return ""
	}
	if json.Unmarshal(append([]byte("{"), body[i:]...), &page) != nil {
		return ""
	}
	return page.Next
}
