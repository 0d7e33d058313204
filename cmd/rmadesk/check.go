package main

import (
	"fmt"
	"strings"

	"github.com/rmadesk/rmadesk/internal/check"
)

// runCheck is `rmadesk check`: the integrity checker. Exit 0 when the desk
// is sound, 1 with one line per problem.
func runCheck(e *env, args []string) error {
	fs := newFlags(e, "check", "check [--data-dir DIR] [--db URL] [--files s3://BUCKET/PREFIX]")
	var sf storeFlags
	sf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
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
	rep, err := check.Run(e.ctx, db, files)
	if err != nil {
		return err
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(e.stdout, p)
	}
	fmt.Fprintf(e.stdout, "checked %d RMAs, %d events, %d documents: %d problems\n", rep.RMAs, rep.Events, rep.Documents, len(rep.Problems))
	if rep.StrayCount > 0 {
		// Not a problem (the exit code stays 0): see check.Report.Strays.
		fmt.Fprintf(e.stdout, "%d stored files no document refers to (left by uploads that were never saved; they take space, nothing else): %s",
			rep.StrayCount, strings.Join(rep.Strays, ", "))
		if rep.StrayCount > len(rep.Strays) {
			fmt.Fprintf(e.stdout, ", and %d more", rep.StrayCount-len(rep.Strays))
		}
		fmt.Fprintln(e.stdout)
	}
	if len(rep.Problems) > 0 {
		return errProblemsFound
	}
	return nil
}
