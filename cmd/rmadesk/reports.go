package main

import (
	"context"
	"fmt"
	"time"
)

// reportsStore is what `rmadesk reports` needs of the store.
type reportsStore interface {
	CheckReports(ctx context.Context, max int) ([]string, int, error)
	RebuildReports(ctx context.Context) error
}

// runReports checks the reports' roll-ups against the records, or counts
// them again from the records (issue 16).
func runReports(e *env, args []string) error {
	usage := "reports check|rebuild [--data-dir DIR] [--db URL]"
	if len(args) == 0 || (args[0] != "check" && args[0] != "rebuild") {
		return badInputf("reports: usage: rmadesk %s", usage)
	}
	fs := newFlags(e, "reports "+args[0], usage)
	var sf storeFlags
	sf.register(fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInputf("reports %s: unexpected argument %q", args[0], fs.Arg(0))
	}
	db, err := sf.openStore(e.ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	rs, ok := db.(reportsStore)
	if !ok {
		return fmt.Errorf("this store keeps no reports")
	}
	start := time.Now()
	if args[0] == "rebuild" {
		if err := rs.RebuildReports(e.ctx); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "the reports' roll-ups counted again from every RMA in %s\n", time.Since(start).Round(time.Millisecond))
		return nil
	}
	diffs, cells, err := rs.CheckReports(e.ctx, 20)
	if err != nil {
		return err
	}
	if len(diffs) == 0 {
		fmt.Fprintf(e.stdout, "the reports' roll-ups are the sum of the records: %d cells, checked in %s\n", cells, time.Since(start).Round(time.Millisecond))
		return nil
	}
	fmt.Fprintf(e.stdout, "the reports' roll-ups differ from the records (rmadesk reports rebuild counts them again):\n")
	for _, d := range diffs {
		fmt.Fprintln(e.stdout, "  "+d)
	}
	return errProblemsFound
}
