package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/registry"
	"github.com/rmadesk/rmadesk/internal/rma"
)

const registryUsage = `registry import [--policy ID] [--data-dir DIR] [--db URL] FILE|-
  load units sold and shipped (the serial registry) from a CSV file: one
  transaction, nothing written if a line is bad (exit 2 naming the line
  and column); a serial the registry has is replaced by the file's line
registry template
  print the CSV's first line and an example line
registry generate N [--seed S]
  print a CSV of N made-up units, for trying the registry and for the
  load tool (rmadesk bench --registry)`

// runRegistry is rmadesk registry (issue 16).
func runRegistry(e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, "Usage: rmadesk "+registryUsage)
		if len(args) == 0 {
			return badInputf("registry: name a subcommand: import, template or generate")
		}
		return nil
	}
	switch args[0] {
	case "import":
		return runRegistryImport(e, args[1:])
	case "template":
		fmt.Fprintln(e.stdout, strings.Join(rma.UnitColumns, ","))
		fmt.Fprintln(e.stdout, "PX-2301A0001,TC2-384-EU,TC2,thermal-camera,Acme Distribution B.V.,2024-03-15,INV-24-0117,2024-03-18,2024-01-08,1299.00,EUR,pixfra")
		return nil
	case "generate":
		return runRegistryGenerate(e, args[1:])
	}
	return badInputf("registry: unknown subcommand %q (import, template or generate)", args[0])
}

func runRegistryImport(e *env, args []string) error {
	fs := newFlags(e, "registry import", "registry import [--policy ID] [--data-dir DIR] [--db URL] FILE|-")
	var sf storeFlags
	sf.register(fs)
	policyID := fs.String("policy", "", "the policy `ID` of the units whose policy column is empty (pixfra, dexxon, ...)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return badInputf("registry import: name one FILE, or - for standard input (columns: rmadesk registry template)")
	}
	in, name := e.stdin, "standard input"
	if path := fs.Arg(0); path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return badInputf("%v", err)
		}
		defer f.Close()
		in, name = f, path
	}
	ctx := e.ctx
	svc, done, err := registryService(ctx, &sf)
	if err != nil {
		return err
	}
	defer done()
	if *policyID != "" && svc.Policies().Latest(*policyID) == nil {
		return badInputf("--policy: unknown policy %q (one of %s)", *policyID, strings.Join(svc.Policies().IDs(), ", "))
	}
	csv := registry.NewCSV(bufio.NewReaderSize(in, 1<<20))
	csv.DefaultPolicy = *policyID
	start := time.Now()
	var load rma.UnitLoad
	err = recordRegistry(ctx, svc, name, func(ctx context.Context) error {
		var err error
		load, err = svc.ImportUnits(ctx, rma.System, rma.UnitSource{Units: csv.Units(), Field: csv.Field})
		return err
	})
	if rma.ErrorCode(err) == rma.EINVALID {
		return badInputf("%s: %v (nothing was imported)", name, err)
	}
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(e.stdout, "imported %s: %d units in %s (%.0f units/s): %d new, %d updated, %d unchanged\n", name, load.Units,
		took.Round(time.Millisecond), float64(load.Units)/max(took.Seconds(), 1e-9), load.Created, load.Updated, load.Unchanged)
	if len(load.UnknownSoldTo) > 0 {
		var names []string
		for _, n := range load.UnknownSoldTo {
			names = append(names, fmt.Sprintf("%s (%d)", n.Name, n.Units))
		}
		fmt.Fprintf(e.stdout, "sold to names the desk has no organisation for (their claims cannot match them): %s\n", strings.Join(names, ", "))
	}
	return nil
}

// registryService opens the desk with its policies: the stored ones, or
// the embedded packs for a desk that was never served.
func registryService(ctx context.Context, sf *storeFlags) (*rma.Service, func(), error) {
	db, err := sf.openExisting(ctx)
	if err != nil {
		return nil, nil, err
	}
	set, err := storedPolicies(ctx, db) // packs.go
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return rma.NewService(db, set), func() { db.Close() }, nil
}

// recordRegistry records a load in the audit log, in its transaction.
func recordRegistry(ctx context.Context, svc *rma.Service, source string, change func(ctx context.Context) error) error {
	st, ok := svc.Store().(audit.Store)
	if !ok {
		return change(ctx)
	}
	e := audit.Of(rma.System, audit.RegistryImport, audit.TargetRegistry, "units", "serial registry", audit.Change{Field: "source", To: source})
	return audit.Record(ctx, st, &e, change)
}

func runRegistryGenerate(e *env, args []string) error {
	fs := newFlags(e, "registry generate", "registry generate N [--seed S]")
	seed := fs.Uint64("seed", 1, "the generator's `SEED`: the same seed, the same units")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var n int
	if fs.NArg() != 1 {
		return badInputf("registry generate: give the number of units, N")
	}
	if _, err := fmt.Sscanf(fs.Arg(0), "%d", &n); err != nil || n < 1 || n > 50_000_000 {
		return badInputf("registry generate: N must be a number from 1 to 50000000, not %q", fs.Arg(0))
	}
	w := bufio.NewWriterSize(e.stdout, 1<<20)
	if err := registry.WriteCSV(w, registry.Generated(n, *seed)); err != nil {
		return err
	}
	return w.Flush()
}
