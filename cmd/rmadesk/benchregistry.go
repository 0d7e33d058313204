package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rmadesk/rmadesk/internal/bench"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/registry"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// runBenchRegistry is rmadesk bench registry (issue 16): it loads a
// generated installed base into a desk's database, timed, then times
// lookups of random serials in it (the store's, as the intake and the
// unit page make them, and the public warranty check's, which decides the
// unit's warranty too) and the sales roll-up's counts. It runs in the
// process, on the database: no HTTP.
func runBenchRegistry(e *env, args []string) error {
	fs := newFlags(e, "bench registry", "bench registry [--db URL] [--units N] [--lookups N] [--clients N] [--reload]")
	dbURL := fs.String("db", "", "database `URL`: postgres://... or sqlite:PATH; default a new SQLite file in a temporary directory")
	units := fs.Int("units", 1_000_000, "load `N` generated units first (serials GX000000000 on; 0: measure the registry as it is)")
	lookups := fs.Int("lookups", 20000, "time `N` lookups of random serials (one in ten unknown) after the load")
	clients := fs.Int("clients", 1, "`N` concurrent clients making the lookups")
	reload := fs.Bool("reload", false, "load the same units a second time, timed (every unit found unchanged)")
	seed := fs.Uint64("seed", 1, "the generator's `SEED`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return badInputf("bench registry: unexpected argument %q", fs.Arg(0))
	case *units < 0 || *units > 50_000_000:
		return badInputf("--units: 0 to 50000000")
	case *lookups < 0 || *lookups > 10_000_000 || *clients < 1 || *clients > 256:
		return badInputf("--lookups, --clients: out of range")
	}
	ctx := e.ctx
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
	svc := rma.NewService(db, set)
	us, ok := rma.Store(db).(rma.UnitStore)
	if !ok {
		return fmt.Errorf("the store keeps no registry")
	}
	fmt.Fprintf(e.stdout, "rmadesk bench registry: %s %s; %d CPUs\n", db.Dialect(), db.Path(), runtime.NumCPU())
	load := func(what string) error {
		start, cpu := time.Now(), cpuTime()
		src := func(yield func(rma.Unit, error) bool) {
			for u := range registry.Generated(*units, *seed) {
				if !yield(u, nil) {
					return
				}
			}
		}
		l, err := svc.ImportUnits(ctx, rma.System, rma.UnitSource{Units: src, Field: func(i int, c string) string { return fmt.Sprintf("units[%d].%s", i, c) }})
		if err != nil {
			return err
		}
		took, used := time.Since(start), cpuTime()-cpu
		fmt.Fprintf(e.stdout, "%s: %d units in %s (%.0f units/s; %.1f s of CPU in this process, load average %s): %d new, %d updated, %d unchanged\n", what, l.Units,
			took.Round(time.Millisecond), float64(l.Units)/took.Seconds(), used.Seconds(), loadAverage(), l.Created, l.Updated, l.Unchanged)
		return nil
	}
	if *units > 0 {
		if err := load("load"); err != nil {
			return err
		}
		if *reload {
			if err := load("reload"); err != nil {
				return err
			}
		}
	}
	n, repl, err := us.CountUnits(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "registry: %d units (%d replacements)\n", n, repl)
	if n == 0 || *lookups == 0 {
		return nil
	}
	serial := func(r *rand.Rand) string {
		i := r.Int64N(n)
		if r.IntN(10) == 0 {
			i += n // not in the registry
		}
		return registry.GenSerial(int(i))
	}
	run := func(what string, fn func(ctx context.Context, s string) error) error {
		var h bench.Histogram
		var wg sync.WaitGroup
		errs := make(chan error, *clients)
		per := *lookups / *clients
		start := time.Now()
		for c := range *clients {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(c), 99))
				for range per {
					s := serial(r)
					t := time.Now()
					if err := fn(ctx, s); err != nil {
						errs <- err
						return
					}
					h.Record(time.Since(t))
				}
			})
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			return err
		}
		took := time.Since(start)
		fmt.Fprintf(e.stdout, "%s: %d in %s (%.0f/s), %d clients: p50 %s, p95 %s, p99 %s, max %s\n", what, h.Count(),
			took.Round(time.Millisecond), float64(h.Count())/took.Seconds(), *clients, h.Quantile(0.50), h.Quantile(0.95), h.Quantile(0.99), h.Max())
		return nil
	}
	if err := run("lookup (store)", func(ctx context.Context, s string) error {
		_, err := us.Unit(ctx, s)
		if rma.ErrorCode(err) == rma.ENOTFOUND {
			return nil
		}
		return err
	}); err != nil {
		return err
	}
	// The intake's look-up: the registry's entry and the serial's RMAs, as
	// Submit puts them on each line's claim.
	partner := &rma.Org{Name: registry.GenPartner(7), Role: policy.Distributor, Country: "NL"}
	if o, err := db.OrgByName(ctx, partner.Name); err == nil {
		partner = o
	} else if err := db.CreateOrg(ctx, partner); err != nil {
		return err
	}
	today := svc.Today()
	if err := run("claim intake records (service)", func(ctx context.Context, s string) error {
		c := policy.Claim{Product: policy.Product{Category: "thermal-camera", Serial: s}}
		c.Dates.Reported = today
		return svc.FillRecords(ctx, partner, &c, 0)
	}); err != nil {
		return err
	}
	if err := run("public warranty check (service)", func(ctx context.Context, s string) error {
		_, err := svc.CheckWarranty(ctx, rma.WarrantyQuery{Serial: s})
		return err
	}); err != nil {
		return err
	}
	// The sales roll-up, as the reports ask it.
	from, to := calendar.MustParseDate("2024-01-01"), calendar.MustParseDate("2024-12-31")
	for _, q := range []struct{ what, model, org string }{{"units sold in 2024, every model", "", ""}, {"units sold in 2024, one model", "TC100", ""}} {
		start := time.Now()
		m, err := us.UnitsSold(ctx, from, to, q.model, q.org)
		if err != nil {
			return err
		}
		total := int64(0)
		for _, v := range m {
			total += v
		}
		fmt.Fprintf(e.stdout, "%s: %d units, %d models in %s\n", q.what, total, len(m), time.Since(start).Round(time.Microsecond))
	}
	start := time.Now()
	m, err := us.UnitsSold(ctx, from, to, "", strconv.FormatInt(partner.ID, 10))
	if err != nil {
		return err
	}
	total := int64(0)
	for _, v := range m {
		total += v
	}
	fmt.Fprintf(e.stdout, "units sold in 2024 to one partner: %d units, %d models in %s\n", total, len(m), time.Since(start).Round(time.Microsecond))
	return nil
}

// loadAverage is the machine's one-minute load average, where the system
// says it ("?" elsewhere).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}
