package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rmadesk/rmadesk/internal/api"
	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/bench"
	"github.com/rmadesk/rmadesk/internal/bulk"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/jobs"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/ops"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/postgres"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/web"
	"github.com/rmadesk/rmadesk/internal/webhook"
	"github.com/rmadesk/rmadesk/pkg/client"
)

// The organisations the load tool files and decides as.
const (
	benchDesk      = "Bench Desk"
	benchRequester = "Bench Partner"
)

func runBench(e *env, args []string) error {
	if len(args) > 0 && args[0] == "registry" {
		return runBenchRegistry(e, args[1:]) // benchregistry.go (issue 16)
	}
	fs := newFlags(e, "bench", "bench --workload submit|mixed|recall|reports [--clients N] [--duration D] [--rmas N] [--count N] [--db URL | --url http://... --admin-key KEY]")
	workload := fs.String("workload", "submit", "what to run: submit, mixed, recall or reports")
	clients := fs.Int("clients", 64, "`N` concurrent clients, each with one request in flight")
	duration := fs.Duration("duration", 10*time.Second, "how long submit and mixed run; the most a recall burst may take (default 10m for recall)")
	rmas := fs.Int("rmas", 10000, "seed the database to `N` RMAs before the run (in bulk, not through HTTP)")
	count := fs.Int("count", 100000, "recall: `N` submissions in the burst")
	dbURL := fs.String("db", "", "database `URL`: postgres://... or sqlite:PATH; default a new SQLite file in a temporary directory")
	target := fs.String("url", "", "drive the desk running at `URL` (http://127.0.0.1:8080) instead of starting one")
	adminKey := fs.String("admin-key", os.Getenv("RMADESK_ADMIN_KEY"), "with --url: an admin `KEY` to make the bench's organisation and keys with (env RMADESK_ADMIN_KEY)")
	raw := fs.Bool("raw", true, "also measure the database's raw commit rate (needs the database: not with --url)")
	rawDuration := fs.Duration("raw-duration", 5*time.Second, "how long the raw per-commit baseline runs")
	seedOnly := fs.Bool("seed-only", false, "seed the database named by --db and stop (then: serve it, and bench --url it)")
	orgs := fs.Int("orgs", 1, "file the seed's RMAs from `N` requester organisations (the reports' requester filter)")
	lifecycle := fs.Int("lifecycle", 0, "then take `N` of the seed's submitted RMAs through the desk's steps, authorized to resolved (the reports' history)")
	runJobs := fs.Bool("jobs", true, "run background jobs in the bench's server, as serve does")
	pid := fs.Int("pid", 0, "report the resident memory of process `PID` (the serve behind --url) during the run")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the measured phase to `FILE`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *workload == "recall" && !flagSet(fs, "duration") {
		*duration = 10 * time.Minute // a recall is a count, not a time: let it finish
	}
	switch {
	case fs.NArg() > 0:
		return badInputf("bench: unexpected argument %q", fs.Arg(0))
	case !slices.Contains(bench.Workloads, *workload):
		return badInputf("--workload: %q is not one of %s", *workload, strings.Join(bench.Workloads, ", "))
	case *clients < 1 || *clients > 4096:
		return badInputf("--clients: must be 1 to 4096")
	case *duration <= 0 || *duration > time.Hour:
		return badInputf("--duration: must be more than 0 and at most 1h")
	case *rmas < 0 || *count < 1 || *count > 10_000_000:
		return badInputf("--rmas, --count: out of range")
	case *orgs < 1 || *orgs > 10000:
		return badInputf("--orgs: must be 1 to 10000")
	case *lifecycle < 0 || *lifecycle > 10_000_000:
		return badInputf("--lifecycle: out of range")
	case *target != "" && *dbURL != "":
		return badInputf("--url and --db: give one (--url drives a desk that has its own database)")
	case *target != "" && *adminKey == "":
		return badInputf("--admin-key: required with --url, to make the bench's organisation and keys")
	case *seedOnly && *dbURL == "":
		return badInputf("--seed-only: name the database to seed with --db")
	}
	ctx := e.ctx
	cfg := bench.Config{Workload: *workload, Clients: *clients, Duration: *duration, Count: *count, RunID: runID()}
	if *target != "" {
		t, err := remoteTarget(ctx, strings.TrimRight(*target, "/"), *adminKey, cfg.RunID)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "rmadesk bench: workload %s, %d clients, at most %s, against %s; %d CPUs\n", *workload, *clients, *duration, t.URL, runtime.NumCPU())
		return measure(e, t, cfg, nil, *pid, *cpuprofile)
	}

	dir, err := os.MkdirTemp("", "rmadesk-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sf := storeFlags{dataDir: dir, db: *dbURL}
	db, err := sf.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	set, err := packs("")
	if err != nil {
		return err
	}
	what := "SQLite " + db.Path() + " (WAL, synchronous=FULL)"
	if db.Dialect() == "postgres" {
		what = "PostgreSQL " + db.Path() + " (synchronous_commit=on)"
	}
	if *seedOnly {
		fmt.Fprintf(e.stdout, "rmadesk bench: seeding %s\n", what)
	} else {
		fmt.Fprintf(e.stdout, "rmadesk bench: workload %s, %d clients, at most %s, %s; %d CPUs\n", *workload, *clients, *duration, what, runtime.NumCPU())
	}
	accts, err := benchAccounts(ctx, db)
	if err != nil {
		return err
	}
	requesters, err := benchOrgs(ctx, db, accts.requester, *orgs) // benchhistory.go
	if err != nil {
		return err
	}
	if err := seed(ctx, e.stdout, db, set, requesters, *rmas); err != nil {
		return err
	}
	if err := workHistory(ctx, e.stdout, db, set, *lifecycle); err != nil { // benchhistory.go
		return err
	}
	if *seedOnly {
		fmt.Fprintf(e.stdout, "serve it, then: rmadesk apikey create --org %q --role admin --db %s\n", benchDesk, *dbURL)
		return nil
	}

	var rawRes *bench.Raw
	if *raw {
		r, err := rawBaseline(ctx, db, *dbURL, *clients, *rawDuration)
		if err != nil {
			return err
		}
		rawRes = &r
		fmt.Fprintf(e.stdout, "raw baseline (same driver and settings): %.0f single-row INSERT+COMMIT/s with %d clients (p99 %s); %.0f rows/s batched in one transaction\n",
			r.PerCommit, r.Clients, r.P99.Round(10*time.Microsecond), r.Batched)
	}

	srv, err := startBenchServer(ctx, db, set, dir, *runJobs, slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer srv.stop()
	t := bench.Target{URL: srv.url, RequesterKey: accts.requesterKey, AgentKey: accts.agentKey}
	if *workload == "reports" { // benchhistory.go
		t.ReportModel, t.ReportRequester = benchReportModel, accts.requester.ID
		if t.AgentCookie, err = benchSession(ctx, db, srv.url); err != nil {
			return err
		}
	}
	return measure(e, t, cfg, rawRes, os.Getpid(), *cpuprofile)
}

// flagSet reports whether the command line gave the flag.
func flagSet(fs *flag.FlagSet, name string) (set bool) {
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// measure runs the workload and prints its table and summary line.
func measure(e *env, t bench.Target, cfg bench.Config, raw *bench.Raw, pid int, cpuprofile string) error {
	stop, err := startCPUProfile(cpuprofile)
	if err != nil {
		return err
	}
	defer stop()
	rssCtx, stopRSS := context.WithCancel(e.ctx)
	var peak atomic.Int64
	rssDone := make(chan struct{})
	go func() { defer close(rssDone); sampleRSS(rssCtx, pid, &peak) }()
	rep, err := bench.Run(e.ctx, t, cfg)
	stopRSS()
	<-rssDone
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "measured %s with %d clients:\n", rep.Elapsed.Round(time.Millisecond), rep.Clients)
	fmt.Fprint(e.stdout, bench.Table(rep))
	if p := peak.Load(); p > 0 {
		who := "the serve process"
		if pid == os.Getpid() {
			who = "this process: the server and the load clients"
		}
		fmt.Fprintf(e.stdout, "resident memory: peak %.0f MB (%s, pid %d)\n", float64(p)/(1<<20), who, pid)
	}
	fmt.Fprintln(e.stdout, bench.Summary(rep, raw))
	if e.ctx.Err() != nil {
		return e.ctx.Err()
	}
	return nil
}

// startCPUProfile profiles the process into path until stop is called;
// with path "" it does nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, badInputf("--cpuprofile: %v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// sampleRSS keeps the peak VmRSS of pid until ctx ends.
func sampleRSS(ctx context.Context, pid int, peak *atomic.Int64) {
	if pid <= 0 {
		return
	}
	path := "/proc/" + strconv.Itoa(pid) + "/status"
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		if b, err := os.ReadFile(path); err == nil {
			sc := bufio.NewScanner(bytes.NewReader(b))
			for sc.Scan() {
				if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
					f := strings.Fields(rest)
					if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil && kb*1024 > peak.Load() {
						peak.Store(kb * 1024)
					}
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func runID() string {
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// benchIDs are the bench's organisations and keys in its own database.
type benchIDs struct {
	requester              *rma.Org
	requesterKey, agentKey string
}

// benchAccounts finds or makes the bench's desk and requester organisations
// and makes fresh keys for this run.
func benchAccounts(ctx context.Context, db rma.Store) (*benchIDs, error) {
	accounts := auth.NewAccounts(db)
	ensure := func(n auth.NewOrg) (*rma.Org, error) {
		o, err := accounts.OrgByName(ctx, n.Name)
		if rma.ErrorCode(err) == rma.ENOTFOUND {
			return accounts.CreateOrg(ctx, rma.System, n)
		}
		return o, err
	}
	desk, err := ensure(auth.NewOrg{Name: benchDesk, IsDesk: true, Country: "NL"})
	if err != nil {
		return nil, err
	}
	req, err := ensure(auth.NewOrg{Name: benchRequester, Role: "partner", Country: "NL"})
	if err != nil {
		return nil, err
	}
	ids := &benchIDs{requester: req}
	if ids.agentKey, _, err = accounts.CreateKey(ctx, rma.System, desk.ID, rma.RoleAgent, "bench"); err != nil {
		return nil, err
	}
	if ids.requesterKey, _, err = accounts.CreateKey(ctx, rma.System, req.ID, rma.RoleRequester, "bench"); err != nil {
		return nil, err
	}
	return ids, nil
}

// countRMAs counts every RMA in the database.
func countRMAs(ctx context.Context, db rma.Store) (int, error) {
	by, err := db.(interface {
		CountRMAsByState(context.Context) (map[rma.State]int, error)
	}).CountRMAsByState(ctx)
	n := 0
	for _, c := range by {
		n += c
	}
	return n, err
}

// seed files RMAs until the database holds n, through the bulk loader:
// every one decided by the policy engine as a submission would be, written
// in large transactions. They are spread over the year before now (the
// seed's clock), their jobs left out: their notifications are long sent.
func seed(ctx context.Context, out io.Writer, db database, set *policy.Set, requesters []*rma.Org, n int) error {
	have, err := countRMAs(ctx, db)
	if err != nil {
		return err
	}
	if have >= n {
		if n > 0 {
			fmt.Fprintf(out, "the database holds %d RMAs already: no seeding\n", have)
		}
		return nil
	}
	todo := n - have
	start := time.Now()
	end := start.UTC().Add(-time.Hour)
	span := 365 * 24 * time.Hour
	step := span / time.Duration(todo)
	var tick atomic.Int64
	clock := func() time.Time { return end.Add(-span + time.Duration(tick.Load())*step) }
	opts := bulk.Options{Now: clock, DropJobs: true}
	if db.Dialect() == "postgres" {
		opts.Writers = 4 // parallel transactions: the server has its own processes
	}
	l := bulk.New(db, set, opts)
	rnd := mrand.New(mrand.NewPCG(uint64(have), 7))
	for i := have; i < n; i++ {
		tick.Store(int64(i - have))
		requester := requesters[0]
		if len(requesters) > 1 { // drawn, so that an organisation's models are many
			requester = requesters[rnd.IntN(len(requesters))]
		}
		actor := rma.Actor{OrgID: requester.ID, Role: rma.RoleRequester, Name: "seed"}
		today := clock()
		line := rma.LineRequest{Quantity: 1, Fault: "Not detected by the BIOS after two weeks of use.",
			LastInvoicedPrice: rma.Money{Cents: 4990 + int64(rnd.IntN(20000)), Currency: "EUR"}}
		line.Claim.Product = policy.Product{Category: "ssd", Model: fmt.Sprintf("DX-SSD-%03d", i%200), Serial: fmt.Sprintf("SEED%09d", i)}
		line.Claim.Dates.Purchase = civil(today.AddDate(0, 0, -30-rnd.IntN(900)))
		if rnd.IntN(10) != 0 { // one in ten forgets the receipt: needs_info
			line.Claim.Documents = line.Claim.Documents.With(policy.PurchaseReceipt)
		}
		req := rma.SubmitRequest{PolicyID: "dexxon", Reference: fmt.Sprintf("SEED-%d", i), Lines: []rma.LineRequest{line}}
		if err := l.Submit(ctx, actor, req, "seed "+strconv.Itoa(i)); err != nil {
			l.Close(ctx)
			return fmt.Errorf("seeding: %w", err)
		}
	}
	res, err := l.Close(ctx)
	if err != nil {
		return fmt.Errorf("seeding: %w", err)
	}
	if len(res.Failed) > 0 {
		return fmt.Errorf("seeding: %d refused, first: %s", len(res.Failed), res.Failed[0])
	}
	took := time.Since(start)
	fmt.Fprintf(out, "seeded %d RMAs in %s (%.0f/s), %d in the database\n", res.Filed, took.Round(time.Millisecond), float64(res.Filed)/took.Seconds(), have+res.Filed)
	return nil
}

// civil is t's day in UTC.
func civil(t time.Time) calendar.Date {
	y, m, d := t.UTC().Date()
	return calendar.DateOf(y, m, d)
}

// rawBaseline measures single-row commits with the store's driver and
// settings: on SQLite in a file beside the store's (same file system,
// same pragmas), on PostgreSQL in a table of the same database.
func rawBaseline(ctx context.Context, db database, url string, clients int, d time.Duration) (bench.Raw, error) {
	var pool *sql.DB
	var err error
	if db.Dialect() == "postgres" {
		pool, err = postgres.OpenPool(url)
	} else {
		path := filepath.Join(filepath.Dir(db.Path()), "rmadesk-bench-raw-"+runID()+".db")
		defer func() {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}()
		pool, err = sqlite.OpenPool(path)
	}
	if err != nil {
		return bench.Raw{}, err
	}
	defer pool.Close()
	return bench.RawCommits(ctx, pool, db.Dialect(), clients, d)
}

// benchServer is the desk the bench starts in its own process: wired as
// serve wires it, on a loopback port of its own.
type benchServer struct {
	url      string
	srv      *http.Server
	stopJobs context.CancelFunc
	jobsDone chan struct{}
}

func startBenchServer(ctx context.Context, db database, set *policy.Set, dir string, runJobs bool, log *slog.Logger) (*benchServer, error) {
	files, err := filestore.Open(filepath.Join(dir, "files"))
	if err != nil {
		return nil, err
	}
	svc := rma.NewService(db, set)
	sender := notify.LogSender{Log: log}
	labels := labelRenderer(svc)
	runner := jobs.New(svc, jobs.Config{Log: log, Sender: sender, Label: labels})
	key := make([]byte, 32)
	rand.Read(key)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	base := "http://" + ln.Addr().String()
	portal, err := web.New(svc, web.Config{Files: files, Log: log, SessionKey: key, Mail: sender, PublicURL: base, Label: labels})
	if err != nil {
		ln.Close()
		return nil, err
	}
	metrics := ops.NewMetrics(db, runner)
	s := &benchServer{url: base, jobsDone: make(chan struct{})}
	s.srv = &http.Server{
		Handler:           rootHandler(metrics, ops.Health(db), api.New(svc, api.Config{Files: files, Log: log}).Handler(), portal.Handler()),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	var jobsCtx context.Context
	jobsCtx, s.stopJobs = context.WithCancel(context.WithoutCancel(ctx))
	if runJobs {
		// The webhook dispatcher too, as serve runs it: it drains the
		// outbox every event is written to, endpoints or not.
		hooks := webhook.NewDispatcher(db, webhook.Config{Log: log})
		hooksDone := make(chan struct{})
		go func() { defer close(hooksDone); hooks.Run(jobsCtx) }()
		go func() { defer close(s.jobsDone); runner.Run(jobsCtx); <-hooksDone }()
	} else {
		close(s.jobsDone)
	}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *benchServer) stop() {
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.srv.Shutdown(shutdown)
	s.stopJobs()
	<-s.jobsDone
}

// remoteTarget makes the bench's organisation and keys on a desk that runs
// elsewhere, through its API (pkg/client), with an admin key of its desk.
func remoteTarget(ctx context.Context, base, adminKey, run string) (bench.Target, error) {
	t := bench.Target{URL: base}
	if _, err := url.Parse(base); err != nil {
		return t, badInputf("--url: %v", err)
	}
	admin := client.New(base, adminKey, nil)
	me, err := admin.Me(ctx)
	if err != nil {
		return t, remoteErr(err)
	}
	org, err := admin.CreateOrg(ctx, client.NewOrg{Name: benchRequester + " " + run, Role: "partner", Country: "NL"})
	if err != nil {
		return t, remoteErr(err)
	}
	key, err := admin.CreateKey(ctx, org.ID, "requester", "bench")
	if err != nil {
		return t, remoteErr(err)
	}
	t.RequesterKey = key.Key
	if key, err = admin.CreateKey(ctx, me.Org.ID, "agent", "bench"); err != nil {
		return t, remoteErr(err)
	}
	t.AgentKey = key.Key
	t.ReportModel = benchReportModel // a seed's model; the run's requester files nothing to filter by
	if t.RequesterKey == "" || t.AgentKey == "" {
		return t, errors.New("--url: the desk answered without keys")
	}
	return t, nil
}

// remoteErr is a refusal of the desk behind --url on one line.
func remoteErr(err error) error {
	var problem *client.Error
	if errors.As(err, &problem) {
		return fmt.Errorf("--url: %s", oneLine(problem.Error()))
	}
	return fmt.Errorf("--url: %w", err)
}
