package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/api"
	"github.com/rmadesk/rmadesk/internal/archive"
	"github.com/rmadesk/rmadesk/internal/auth"
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
)

// storeFlags are the flags every command that opens the database shares.
type storeFlags struct {
	dataDir string
	db      string
	files   string
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dataDir, "data-dir", envOr("RMADESK_DATA_DIR", "./rmadesk-data"), "`DIR` for the SQLite file and attachments (env RMADESK_DATA_DIR)")
	fs.StringVar(&f.db, "db", os.Getenv("RMADESK_DB"), "database `URL`, overriding the SQLite file in --data-dir: postgres://... or sqlite:PATH (env RMADESK_DB)")
	fs.StringVar(&f.files, "files", os.Getenv("RMADESK_FILES"), "attachments in an S3-compatible bucket, s3://BUCKET/PREFIX, rather than files/ in --data-dir; the service from RMADESK_S3_* (env RMADESK_FILES)")
}

// openFiles opens the attachment store the flags name: files/ in the data
// directory, or a bucket (RMADESK_S3_ENDPOINT, _REGION, _PATH_STYLE, and
// the keys, which are read from the environment only so that they are in no
// process list).
func (f *storeFlags) openFiles(ctx context.Context) (filestore.Store, error) {
	if f.files == "" {
		return filestore.Open(filepath.Join(f.dataDir, "files"))
	}
	bucket, prefix, err := filestore.ParseS3URL(f.files)
	if err != nil {
		return nil, badInputf("--files: %v", err)
	}
	pathStyle := false
	if v := os.Getenv("RMADESK_S3_PATH_STYLE"); v != "" {
		if pathStyle, err = strconv.ParseBool(v); err != nil {
			return nil, badInputf("RMADESK_S3_PATH_STYLE: %q is not true or false", v)
		}
	}
	cfg := filestore.S3Config{
		Bucket: bucket, Prefix: prefix,
		Endpoint:  os.Getenv("RMADESK_S3_ENDPOINT"),
		Region:    os.Getenv("RMADESK_S3_REGION"),
		AccessKey: envOr("RMADESK_S3_ACCESS_KEY_ID", os.Getenv("AWS_ACCESS_KEY_ID")),
		SecretKey: envOr("RMADESK_S3_SECRET_ACCESS_KEY", os.Getenv("AWS_SECRET_ACCESS_KEY")),
		PathStyle: pathStyle,
	}
	if err := cfg.Validate(); err != nil {
		return nil, badInputf("--files: %v", err)
	}
	b, err := filestore.OpenS3(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("--files: %w", err)
	}
	return b, nil
}

// envFloat reads a number from the environment; a value that is not one
// is left for the flag to report by returning NaN, which no limit accepts.
func envFloat(name string, def float64) float64 {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// envDuration reads a duration from the environment; one that is not is
// the default here, and refused once the flags are parsed.
func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil && d > 0 {
		return d
	}
	return def
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// database is what the commands need of a store.
type database interface {
	rma.Store
	archive.DB
	webhook.Store
	Close() error
	Path() string
}

// openStore opens the database the flags name and applies migrations.
func (f *storeFlags) openStore(ctx context.Context) (database, error) {
	path := filepath.Join(f.dataDir, "rmadesk.db")
	switch {
	case f.db == "":
	case strings.HasPrefix(f.db, "postgres://"), strings.HasPrefix(f.db, "postgresql://"):
		db, err := postgres.Open(ctx, f.db)
		if err != nil {
			return nil, fmt.Errorf("--db: %w", err)
		}
		return db, nil
	case strings.HasPrefix(f.db, "sqlite:"):
		path = strings.TrimPrefix(strings.TrimPrefix(f.db, "sqlite:"), "//")
	default:
		return nil, badInputf("--db: %q is not a database URL (postgres://... or sqlite:PATH)", f.db)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, badInputf("--data-dir: %v", err)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	return db, nil
}

// openExisting opens a desk that must already exist. The commands that
// only read a desk or add to one (check, export, import-csv, apikey, user)
// use it: opening creates and migrates, so a mistyped --data-dir or --db
// would otherwise become an empty desk that check calls healthy. migrate,
// serve, import and org create may make a new desk and use openStore.
func (f *storeFlags) openExisting(ctx context.Context) (database, error) {
	switch {
	case strings.HasPrefix(f.db, "postgres://"), strings.HasPrefix(f.db, "postgresql://"):
		ok, err := postgres.HasDesk(ctx, f.db)
		if err != nil {
			return nil, fmt.Errorf("--db: %w", err)
		}
		if !ok {
			return nil, badInputf("--db: the database holds no desk (no schema); rmadesk migrate --db URL makes one")
		}
	case f.db == "":
		path := filepath.Join(f.dataDir, "rmadesk.db")
		if _, err := os.Stat(path); err != nil {
			return nil, badInputf("--data-dir: no desk in %s (%s: %v); rmadesk migrate --data-dir DIR makes one", f.dataDir, path, errors.Unwrap(err))
		}
	case strings.HasPrefix(f.db, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(f.db, "sqlite:"), "//")
		if _, err := os.Stat(path); err != nil {
			return nil, badInputf("--db: no desk at %s (%v); rmadesk migrate --db URL makes one", path, errors.Unwrap(err))
		}
	}
	return f.openStore(ctx)
}

func runServe(e *env, args []string) error {
	fs := newFlags(e, "serve", "serve [--addr HOST:PORT] [--ops-addr HOST:PORT] [--data-dir DIR] [--db URL] [--demo] [--dir POLICIES] [--calendars DIR]")
	var sf storeFlags
	sf.register(fs)
	addr := fs.String("addr", envOr("RMADESK_ADDR", "127.0.0.1:8080"), "listen on `HOST:PORT` (env RMADESK_ADDR)")
	demo := fs.Bool("demo", false, "create demo organisations and keys for the five seed policies, and print how to try them; the desk's date may be moved forward (rmadesk clock advance)")
	dir := fs.String("dir", os.Getenv("RMADESK_POLICIES"), "add the policy packs in `DIR` to the desk's store instead of the embedded ones; a stored version is never overwritten (env RMADESK_POLICIES)")
	calendarsDir := calendarsFlag(fs)
	logFormat := fs.String("log-format", envOr("RMADESK_LOG_FORMAT", "text"), "log as `text` or json (env RMADESK_LOG_FORMAT)")
	apiRate := fs.Float64("api-rate", envFloat("RMADESK_API_RATE", 0), "API calls per second each key (or keyless client address) may make; 0 is unlimited (env RMADESK_API_RATE)")
	apiBurst := fs.Int("api-burst", int(envFloat("RMADESK_API_BURST", 0)), "API calls a key may make at once before --api-rate applies; 0 is 4 × --api-rate (env RMADESK_API_BURST)")
	apiAuthFailures := fs.Float64("api-auth-failures", envFloat("RMADESK_API_AUTH_FAILURES", 10), "failed API key checks per minute a client address may make after its first 100; negative turns the limit off (env RMADESK_API_AUTH_FAILURES)")
	runJobs := fs.Bool("jobs", envOr("RMADESK_JOBS", "true") == "true", "run background jobs and webhook deliveries in this instance (env RMADESK_JOBS)")
	vatRate := fs.Float64("vat-rate", envFloat("RMADESK_VAT_RATE", 0), "the VAT `PERCENT` credit notes and invoices add to the ledger's amounts; 0 adds none (env RMADESK_VAT_RATE)")
	warrantyChecks := fs.Float64("warranty-checks-per-minute", envFloat("RMADESK_WARRANTY_CHECKS_PER_MINUTE", api.DefaultWarrantyChecksPerMinute),
		"public warranty checks a client address may make a minute, as many at once, counted by each instance (the page and the API each); 0 turns the limit off (env RMADESK_WARRANTY_CHECKS_PER_MINUTE)")
	webhookPrivate := fs.Bool("webhook-allow-private", envOr("RMADESK_WEBHOOK_ALLOW_PRIVATE", "false") == "true",
		"let webhooks reach loopback, private and link-local addresses: receivers on the desk's own network (env RMADESK_WEBHOOK_ALLOW_PRIVATE)")
	webhookTimeout := fs.Duration("webhook-timeout", envDuration("RMADESK_WEBHOOK_TIMEOUT", 15*time.Second),
		"how long a webhook receiver has to answer; a delivery whose instance died is sent again after twice this (env RMADESK_WEBHOOK_TIMEOUT)")
	opsAddr := fs.String("ops-addr", os.Getenv("RMADESK_OPS_ADDR"), "also serve /metrics, /healthz and /readyz on `HOST:PORT`, a private address (env RMADESK_OPS_ADDR)")
	var oidcf oidcFlags
	oidcf.register(fs) // oidcflags.go
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if v := os.Getenv("RMADESK_WEBHOOK_TIMEOUT"); v != "" {
		if d, err := time.ParseDuration(v); err != nil || d <= 0 {
			return badInputf("RMADESK_WEBHOOK_TIMEOUT: %q is not a duration such as 15s", v)
		}
	}
	if *webhookTimeout <= 0 {
		return badInputf("--webhook-timeout: must be more than 0")
	}
	signInProvider, err := oidcf.settings()
	if err != nil {
		return err
	}
	switch {
	case math.IsNaN(*apiRate) || math.IsInf(*apiRate, 0) || *apiRate < 0:
		return badInputf("--api-rate: %v is not a number of calls per second ≥ 0", *apiRate)
	case *apiBurst < 0:
		return badInputf("--api-burst: %d is negative", *apiBurst)
	case math.IsNaN(*apiAuthFailures) || math.IsInf(*apiAuthFailures, 0):
		return badInputf("--api-auth-failures: not a number of failures per minute")
	case math.IsNaN(*warrantyChecks) || math.IsInf(*warrantyChecks, 0) || *warrantyChecks < 0:
		return badInputf("--warranty-checks-per-minute: %v is not a number of checks a minute ≥ 0", *warrantyChecks)
	case math.IsNaN(*vatRate) || *vatRate < 0 || *vatRate > 100:
		return badInputf("--vat-rate: %v is not a percentage from 0 to 100", *vatRate)
	}
	vat := int(math.Round(*vatRate * 100)) // basis points
	var log *slog.Logger
	switch *logFormat {
	case "text":
		log = slog.New(slog.NewTextHandler(e.stderr, nil))
	case "json":
		log = slog.New(slog.NewJSONHandler(e.stderr, nil))
	default:
		return badInputf("--log-format: %q is not text or json", *logFormat)
	}
	if fs.NArg() > 0 {
		return badInputf("serve: unexpected argument %q", fs.Arg(0))
	}
	ctx := e.ctx
	set, err := packsWithCalendars(*dir, *calendarsDir)
	if err != nil {
		return err
	}
	db, err := sf.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	files, err := sf.openFiles(ctx)
	if err != nil {
		return err
	}
	clock, err := deskClock(ctx, db, *demo, log)
	if err != nil {
		return err
	}
	svcOpts := []rma.Option{rma.WithClock(clock.Now)}
	if *calendarsDir != "" { // the packs loaded from the store use the desk's calendar files too
		cals, err := deskCalendars(*calendarsDir)
		if err != nil {
			return err
		}
		svcOpts = append(svcOpts, rma.WithCalendars(cals))
	}
	svc := rma.NewService(db, set, svcOpts...)
	if err := deskPacks(ctx, svc, *dir, log); err != nil { // packs.go: the store's published versions
		return err
	}
	set = svc.Policies()
	sender, err := mailSender(log)
	if err != nil {
		return err
	}
	labels := labelRenderer(svc)
	runner := jobs.New(svc, jobs.Config{Log: log, Sender: sender, PublicURL: os.Getenv("RMADESK_PUBLIC_URL"), Label: labels, Now: clock.Now, VATBasisPoints: vat})
	if *runJobs {
		clock.AfterAdvance(func(ctx context.Context) (int, error) {
			// The jobs that fell due run before the move is answered; a
			// caller that hangs up does not cut one short.
			return runner.RunDue(context.WithoutCancel(ctx))
		})
	}
	metrics := ops.NewMetrics(db, runner)
	hooks := webhook.NewDispatcher(db, webhook.Config{Log: log, AllowPrivate: *webhookPrivate, Timeout: *webhookTimeout, Now: time.Now,
		Disabled: webhookDisabled(db, clock.Now, log)}) // webhooks.go
	metrics.Register(hooks.Collectors()...)
	if err := metricsAccess(metrics); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return badInputf("--addr: %v", err)
	}
	base := "http://" + ln.Addr().String()
	if *demo {
		if err := seedDemo(ctx, e.stdout, db, set, base, sf.dataDir, clock.Now); err != nil {
			ln.Close()
			return err
		}
	}
	key, err := sessionKey(sf.dataDir)
	if err != nil {
		return err
	}
	portal, err := web.New(svc, web.Config{Files: files, Log: log, SessionKey: key, Secure: os.Getenv("RMADESK_SECURE_COOKIES") == "true",
		Mail: sender, PublicURL: envOr("RMADESK_PUBLIC_URL", base), Label: labels, Clock: clock,
		SupplierLabel: supplierLabelRenderer(svc), VATBasisPoints: vat, // supplierlabels.go
		SignInProvider:          signInProvider,            // oidcflags.go
		Settings:                deskSettings(sf),          // adminsettings.go
		WarrantyChecksPerMinute: limitOff(*warrantyChecks), // warranty.go (issue 16)
		WebhookAllowPrivate:     *webhookPrivate})          // webhooks.go (issue 17)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: rootHandler(metrics, ops.Health(db), api.New(svc, api.Config{Files: files, Log: log,
			RequestsPerSecond: *apiRate, RequestBurst: *apiBurst, AuthFailuresPerMinute: *apiAuthFailures, Clock: clock, VATBasisPoints: vat,
			Mail: sender, PublicURL: envOr("RMADESK_PUBLIC_URL", base), WarrantyChecksPerMinute: limitOff(*warrantyChecks),
			SignInProvider: signInProvider, Version: version, WebhookAllowPrivate: *webhookPrivate}).Handler(), portal.Handler()),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // uploads of videos take a while
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	stopOps, err := startOps(*opsAddr, metrics, ops.Health(db), log)
	if err != nil {
		ln.Close()
		return err
	}
	warnMissingLocations(ctx, log, db, set) // locations.go
	log.Info("rmadesk serving", "addr", base, "data_dir", sf.dataDir, "policies", strings.Join(set.IDs(), ","))
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	go clock.Watch(jobsCtx, clockRefresh) // a move made through another instance
	go watchPacks(jobsCtx, svc, log)      // a version published through another instance
	jobsDone := make(chan struct{})
	if *runJobs {
		hooksDone := make(chan struct{})
		go func() { defer close(hooksDone); hooks.Run(jobsCtx) }()
		go func() { defer close(jobsDone); runner.Run(jobsCtx); <-hooksDone }()
	} else {
		close(jobsDone)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	// Finish the requests and the job in flight; a state change is one
	// transaction, so one cut short is rolled back, never half-written.
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) && serveErr == nil {
		serveErr = err
	}
	_ = stopOps(shutdown)
	stopJobs()
	<-jobsDone
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	return serveErr
}

// rootHandler serves the API, the probes, the metrics and the portal.
func rootHandler(metrics *ops.Metrics, health, apiHandler, portal http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/", metrics.Instrument(apiHandler))
	mux.Handle("GET /healthz", health)
	mux.Handle("GET /readyz", health)
	mux.Handle("GET /metrics", metrics.Handler())
	mux.Handle("/", metrics.Instrument(portal))
	return mux
}

// mailSender is SMTP when RMADESK_SMTP_HOST is set, else a log of what
// would have been sent.
func mailSender(log *slog.Logger) (notify.Sender, error) {
	host := os.Getenv("RMADESK_SMTP_HOST")
	if host == "" {
		return notify.LogSender{Log: log}, nil
	}
	port := 0
	if v := os.Getenv("RMADESK_SMTP_PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil {
			return nil, badInputf("RMADESK_SMTP_PORT: %q is not a port", v)
		}
		port = p
	}
	s, err := notify.NewSMTPSender(notify.SMTPConfig{Host: host, Port: port, Username: os.Getenv("RMADESK_SMTP_USER"),
		Password: os.Getenv("RMADESK_SMTP_PASSWORD"), From: os.Getenv("RMADESK_SMTP_FROM"), TLS: notify.TLSMode(envOr("RMADESK_SMTP_TLS", "starttls"))})
	if err != nil {
		return nil, badInputf("RMADESK_SMTP_*: %v", err)
	}
	return s, nil
}

// sessionKey is the key that signs the portal's password-reset links and
// status messages (sessions are in the database): RMADESK_SESSION_KEY
// (hex, the same on every instance), else one kept in the data directory,
// made on first start.
func sessionKey(dataDir string) ([]byte, error) {
	if v := os.Getenv("RMADESK_SESSION_KEY"); v != "" {
		key, err := hex.DecodeString(v)
		if err != nil || len(key) < 32 {
			return nil, badInputf("RMADESK_SESSION_KEY: must be at least 32 bytes, hex-encoded (64 hex digits)")
		}
		return key, nil
	}
	path := filepath.Join(dataDir, "session.key")
	if data, err := os.ReadFile(path); err == nil {
		if key, err := hex.DecodeString(strings.TrimSpace(string(data))); err == nil && len(key) >= 32 {
			return key, nil
		}
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, err
	}
	return key, os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600)
}

func runMigrate(e *env, args []string) error {
	fs := newFlags(e, "migrate", "migrate [--data-dir DIR] [--db URL]")
	var sf storeFlags
	sf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := sf.openStore(context.Background())
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(e.stdout, "database is at the latest schema:", db.Path())
	return nil
}

func runAPIKey(e *env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return badInputf("apikey: usage: rmadesk apikey create --org NAME --role ROLE")
	}
	fs := newFlags(e, "apikey create", "apikey create --org NAME --role ROLE [--name LABEL] [--data-dir DIR] [--db URL]")
	var sf storeFlags
	sf.register(fs)
	orgName := fs.String("org", "", "the organisation's `NAME`")
	role := fs.String("role", "", "requester for a requester organisation; agent, technician or admin for the desk")
	label := fs.String("name", "", "a `LABEL` to recognise the key by")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *orgName == "" {
		return badInputf("--org: required")
	}
	if _, ok := rma.ParseRole(*role); !ok {
		return badInputf("--role: %q is not a role (requester, agent, technician, admin)", *role)
	}
	ctx := context.Background()
	db, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	accounts := auth.NewAccounts(db)
	org, err := accounts.OrgByName(ctx, *orgName)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return badInputf("--org: no organisation named %q", *orgName)
	}
	if err != nil {
		return err
	}
	key, _, err := accounts.CreateKey(ctx, rma.System, org.ID, rma.Role(*role), *label)
	if err != nil {
		return badInputf("--role: %v", err)
	}
	fmt.Fprintln(e.stdout, key)
	return nil
}

func runOrg(e *env, args []string) error {
	if len(args) > 0 && args[0] == "address" {
		return runOrgAddress(e, args[1:]) // locations.go
	}
	if len(args) > 0 && args[0] == "language" {
		return runOrgLanguage(e, args[1:]) // languages.go
	}
	if len(args) > 0 && args[0] == "standing" {
		return runOrgStanding(e, args[1:]) // standing.go
	}
	if len(args) == 0 || args[0] != "create" {
		return badInputf("org: usage: rmadesk org create --name NAME (--desk | --role ROLE --country CC) | org address --org NAME ... | org language --org NAME --language LANG | org standing --org NAME --standing good|on_hold|blocked")
	}
	fs := newFlags(e, "org create", "org create --name NAME (--desk | --role ROLE [--country CC]) [--email ADDR]")
	var sf storeFlags
	sf.register(fs)
	var n auth.NewOrg
	fs.StringVar(&n.Name, "name", "", "the organisation's `NAME`")
	fs.BoolVar(&n.IsDesk, "desk", false, "the desk itself (agents, technicians, admins)")
	fs.StringVar(&n.Role, "role", "", "the requester `ROLE` its claims carry: consumer, end_user, dealer, partner, distributor")
	fs.StringVar(&n.Country, "country", "", "ISO 3166-1 alpha-2 `CC`")
	fs.StringVar(&n.Email, "email", "", "where notifications go")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	ctx := context.Background()
	db, err := sf.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := auth.NewAccounts(db).CreateOrg(ctx, rma.System, n)
	if err != nil {
		var de *rma.Error
		if errors.As(err, &de) && de.Field != "" {
			return badInputf("--%s: %s", de.Field, de.Message)
		}
		return badInputf("%v", err)
	}
	fmt.Fprintf(e.stdout, "organisation %d: %s\n", o.ID, o.Name)
	return nil
}

// demoPassword is every demo user's password.
const demoPassword = "demo-password"

// demoOrgs are the requester organisations of the demo, one per seed pack.
var demoOrgs = []struct {
	policy, name, role, country, env string
}{
	{"dexxon", "Demo Partner for Dexxon", "partner", "NL", "DEXXON_KEY"},
	{"plextor", "Demo Dealer for Plextor", "dealer", "BE", "PLEXTOR_KEY"},
	{"webstore4", "Demo Consumer at WebStore4", "consumer", "NL", "WEBSTORE4_KEY"},
	{"pixfra", "Demo Distributor for Pixfra", "distributor", "DE", "PIXFRA_KEY"},
	{"minicart", "Demo Shopper at Mini Cart", "consumer", "ES", "MINICART_KEY"},
}

// seedDemo creates (once) the demo desk and requester organisations and
// their keys, writes the keys to DATA_DIR/demo-keys.env for docs/API.md,
// and prints how to try the API. A key is shown only when made, so the
// file is where the demo's keys live: a key it holds that still
// authenticates as the same organisation and role is kept, and a new one
// is made only when none is there or it no longer works (revoked, or the
// file is from another database). Making eight on every start left every
// old set valid too. now is the desk's clock, the demo's past dated back
// from it (demohistory.go).
func seedDemo(ctx context.Context, w io.Writer, db rma.Store, set *policy.Set, base, dataDir string, now func() time.Time) error {
	envFile := filepath.Join(dataDir, "demo-keys.env")
	kept, err := readDemoKeys(envFile)
	if err != nil {
		return err
	}
	accounts := auth.NewAccounts(db)
	ensure := func(n auth.NewOrg) (*rma.Org, error) {
		o, err := accounts.OrgByName(ctx, n.Name)
		if rma.ErrorCode(err) == rma.ENOTFOUND {
			return accounts.CreateOrg(ctx, rma.System, n)
		}
		return o, err
	}
	desk, err := ensure(auth.NewOrg{Name: "Demo Desk", IsDesk: true, Country: "NL", Email: "desk@demo.example"})
	if err != nil {
		return err
	}
	var env strings.Builder
	fmt.Fprintf(&env, "export RMADESK=%s\n", base)
	key := func(org *rma.Org, role rma.Role, name string) (string, error) {
		if k := kept[name]; k != "" {
			a, err := auth.Authenticate(ctx, db, k)
			if err == nil && a.OrgID == org.ID && a.Role == role {
				fmt.Fprintf(&env, "export %s=%s\n", name, k)
				return k, nil
			}
			if err != nil && rma.ErrorCode(err) != rma.EUNAUTHORIZED {
				return "", err
			}
		}
		k, _, err := accounts.CreateKey(ctx, rma.System, org.ID, role, name)
		if err == nil {
			fmt.Fprintf(&env, "export %s=%s\n", name, k)
		}
		return k, err
	}
	for _, k := range []struct {
		role rma.Role
		name string
	}{{rma.RoleAdmin, "ADMIN_KEY"}, {rma.RoleAgent, "AGENT_KEY"}, {rma.RoleTechnician, "TECH_KEY"}} {
		if _, err := key(desk, k.role, k.name); err != nil {
			return err
		}
	}
	// People sign in to the portal with these; the password is public, so
	// a demo desk must never hold real data. Its users share one hash of
	// it, made only when a user is missing: eight argon2id hashes took
	// three seconds of every demo start.
	var hash string
	hashOnce := func() (string, error) {
		var err error
		if hash == "" {
			hash, err = auth.HashPassword(demoPassword)
		}
		return hash, err
	}
	user := func(org *rma.Org, email string, role rma.Role) error {
		if _, err := db.UserByEmail(ctx, email); err == nil || rma.ErrorCode(err) != rma.ENOTFOUND {
			return err
		}
		_, err := accounts.CreateUserHashed(ctx, rma.System, org.ID, email, email, role, hashOnce)
		if rma.ErrorCode(err) == rma.ECONFLICT {
			return nil
		}
		return err
	}
	for _, u := range []struct {
		email string
		role  rma.Role
	}{{"agent@demo.example", rma.RoleAgent}, {"tech@demo.example", rma.RoleTechnician}, {"admin@demo.example", rma.RoleAdmin}} {
		if err := user(desk, u.email, u.role); err != nil {
			return err
		}
	}
	for _, d := range demoOrgs {
		if set.Latest(d.policy) == nil {
			continue
		}
		org, err := ensure(auth.NewOrg{Name: d.name, Role: d.role, Country: d.country, Email: d.policy + "@demo.example"})
		if err != nil {
			return err
		}
		if _, err := key(org, rma.RoleRequester, d.env); err != nil {
			return err
		}
		if err := user(org, d.policy+"@demo.example", rma.RoleRequester); err != nil {
			return err
		}
	}
	if err := seedDemoAddresses(ctx, db, set); err != nil { // demoaddresses.go
		return err
	}
	if err := seedDemoSuppliers(ctx, db, set); err != nil { // suppliers.go
		return err
	}
	if err := seedDemoHistory(ctx, db, set, now()); err != nil { // demohistory.go
		return err
	}
	if err := os.WriteFile(envFile, []byte(env.String()), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(w, `rmadesk demo on %[1]s
Organisations: Demo Desk (admin, agent, technician keys) and one requester per
seed policy. The portal: open %[1]s and sign in as agent@demo.example,
tech@demo.example, admin@demo.example, or a requester: dexxon@, plextor@,
webstore4@, pixfra@, minicart@demo.example; every demo password is %[3]s.
The Pixfra distributor has four RMAs of the past months: an admin replays
them under a draft of the pack (Admin, Policies, pixfra).
The API keys are in %[2]s (kept from one start to the next); in another shell:

  source %[2]s
  curl -s -H "Authorization: Bearer $DEXXON_KEY" $RMADESK/api/v1/me
  curl -s -H "Authorization: Bearer $DEXXON_KEY" -H 'Content-Type: application/json' \
       -H 'Idempotency-Key: try-1' -d @examples/api/dexxon-submit.json $RMADESK/api/v1/rmas
  curl -s -H "Authorization: Bearer $AGENT_KEY" "$RMADESK/api/v1/rmas?state=submitted"

The whole lifecycle, step by step: docs/API.md. The API's description: %[1]s/api/v1/openapi.json
`, base, envFile, demoPassword)
	return nil
}

// readDemoKeys reads the keys of an earlier demo start from its env file
// ("export NAME=KEY" lines); no file is no keys.
func readDemoKeys(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	keys := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if name, value, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok {
			keys[name] = strings.TrimSpace(value)
		}
	}
	return keys, nil
}

func runExport(e *env, args []string) error {
	fs := newFlags(e, "export", "export --out DIR [--data-dir DIR] [--db URL] [--files s3://BUCKET/PREFIX]")
	var sf storeFlags
	sf.register(fs)
	out := fs.String("out", "", "write the archive into `DIR` (must not exist)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return badInputf("--out: required: a new directory for the archive")
	}
	if _, err := os.Stat(*out); err == nil {
		return badInputf("--out: %s exists: export into a new directory", *out)
	}
	db, err := sf.openExisting(e.ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	files, err := sf.openFiles(e.ctx)
	if err != nil {
		return err
	}
	m, err := archive.Export(e.ctx, db, files, *out)
	if err != nil {
		return err
	}
	printManifest(e.stdout, "exported", *out, m)
	return nil
}

func runImport(e *env, args []string) error {
	fs := newFlags(e, "import", "import --in DIR [--data-dir DIR] [--db URL] [--files s3://BUCKET/PREFIX]")
	var sf storeFlags
	sf.register(fs)
	in := fs.String("in", "", "the archive `DIR` made by rmadesk export")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *in == "" {
		return badInputf("--in: required: the archive directory")
	}
	if _, err := archive.ReadManifest(*in); err != nil {
		return badInputf("--in: %s is not an archive: %v", *in, err)
	}
	db, err := sf.openStore(e.ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	files, err := sf.openFiles(e.ctx)
	if err != nil {
		return err
	}
	m, err := archive.Import(e.ctx, db, files, *in)
	if errors.Is(err, archive.ErrNotEmpty) {
		return badInputf("%v", err)
	}
	if err != nil {
		return err
	}
	printManifest(e.stdout, "imported", *in, m)
	return nil
}

func printManifest(w io.Writer, verb, dir string, m *archive.Manifest) {
	total := 0
	for _, t := range m.Tables {
		total += t.Rows
	}
	fmt.Fprintf(w, "%s %s: %d rows in %d tables, %d files (%d bytes)\n", verb, dir, total, len(m.Tables), m.Files.Count, m.Files.Bytes)
	for _, t := range archive.Tables {
		fmt.Fprintf(w, "  %-22s %6d  %s\n", t.Name, m.Tables[t.Name].Rows, m.Tables[t.Name].SHA256[:16])
	}
}

func runUser(e *env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return badInputf("user: usage: rmadesk user create --org NAME --email ADDR --role ROLE < password")
	}
	fs := newFlags(e, "user create", "user create --org NAME --email ADDR --role ROLE [--name NAME] [--data-dir DIR] [--db URL] < PASSWORD-FILE\n(the password is the first line of standard input; there is no --password flag)")
	var sf storeFlags
	sf.register(fs)
	orgName := fs.String("org", "", "the organisation's `NAME`")
	email := fs.String("email", "", "the user's email `ADDR`, their sign-in name")
	role := fs.String("role", "", "requester for a requester organisation; agent, technician or admin for the desk")
	name := fs.String("name", "", "the user's `NAME`")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	// The password comes on stdin, so it is in no shell history or process list.
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return badInputf("password: %v", err)
	}
	password := strings.TrimRight(line, "\r\n")
	ctx := e.ctx
	db, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	accounts := auth.NewAccounts(db)
	org, err := accounts.OrgByName(ctx, *orgName)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return badInputf("--org: no organisation named %q", *orgName)
	}
	if err != nil {
		return err
	}
	u, err := accounts.CreateUser(ctx, rma.System, org.ID, *email, *name, rma.Role(*role), password)
	if err != nil {
		var de *rma.Error
		if errors.As(err, &de) && de.Field == "password" {
			// There is no --password flag: a password in the arguments
			// would be in the shell's history and the process list.
			return badInputf("password (the first line of standard input): %s", de.Message)
		}
		if errors.As(err, &de) && de.Field != "" {
			return badInputf("--%s: %s", de.Field, de.Message)
		}
		return badInputf("%v", err)
	}
	fmt.Fprintf(e.stdout, "user %d: %s\n", u.ID, u.Email)
	return nil
}

// limitOff is a flag's rate for a Config whose 0 means its default: the
// flag's 0 is no limit (a negative rate there).
func limitOff(perMinute float64) float64 {
	if perMinute == 0 {
		return -1
	}
	return perMinute
}
