// Command rmadesk runs an RMA and warranty-claims desk. This file only parses
// flags and wires packages together; the rules live in internal/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Exit codes: 0 success, 1 a check found problems, 2 bad input or usage.
const (
	exitOK       = 0
	exitProblems = 1
	exitBadInput = 2
)

// env is what a command may touch, so tests run commands in-process.
type env struct {
	ctx            context.Context // cancelled on SIGINT or SIGTERM
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the desk: the JSON API on the embedded database (--demo to try it)", runServe},
		{"migrate", "bring the database to the latest schema", runMigrate},
		{"check", "check the desk's integrity: references, histories, numbers, files", runCheck},
		{"export", "write the whole desk (records and files) to an archive directory", runExport},
		{"import", "load an archive into an empty database", runImport},
		{"org", "create an organisation (the desk, or a requester), or set its postal address or its language", runOrg},
		{"location", "add, update and list the desk's service locations (where goods are sent)", runLocation},
		{"supplier", "add and list the desk's suppliers (where it sends units on, to recover their cost)", runSupplier},
		{"apikey", "create, list and revoke API keys", runAPIKeys},
		{"webhook", "create and list webhook endpoints (an organisation's signed event feed)", runWebhook},
		{"user", "create (password on stdin) or invite, disable, enable or sign out a portal user, or set their language", runUsers},
		{"policy", "list, show, lint and check return policies", runPolicy},
		{"calendar", "list the holiday calendars and the days they cover (--calendars DIR adds a desk's files)", runCalendar},
		{"clock", "show the desk's date, or move a demo desk's date forward (a test clock)", runClock},
		{"bench", "measure throughput and latency under load (starts its own desk, or drives one at --url)", runBench},
		{"import-csv", "file RMAs in bulk from a CSV file, one line per RMA line", runImportCSV},
		{"reports", "check the reports' roll-ups against the records, or count them again", runReports},
		{"registry", "load the units sold and shipped (the serial registry) from a CSV file", runRegistry},
		{"version", "print the version", runVersion},
	}
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(&env{ctx: ctx, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(e *env, args []string) int {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		return exitCode(e, runVersion(e, args[1:]))
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return run(e, []string{args[1], "-h"})
		}
		usage(e.stdout)
		if len(args) == 0 {
			return exitBadInput
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return exitCode(e, c.run(e, args[1:]))
		}
	}
	fmt.Fprintf(e.stderr, "rmadesk: unknown command %q (see 'rmadesk help')\n", args[0])
	return exitBadInput
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "rmadesk runs an RMA and warranty-claims desk.")
	fmt.Fprintln(w, "\nUsage: rmadesk <command> [arguments]  (rmadesk <command> -h for its flags; rmadesk --version)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}

// badInput is an error in what the user gave: exit 2, one line.
type badInput struct{ msg string }

func (b *badInput) Error() string { return b.msg }

func badInputf(format string, args ...any) error { return &badInput{fmt.Sprintf(format, args...)} }

// problemsFound means a check ran and found problems it already printed.
var errProblemsFound = errors.New("problems found")

func exitCode(e *env, err error) int {
	var bad *badInput
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errProblemsFound):
		return exitProblems
	case errors.As(err, &bad):
		fmt.Fprintln(e.stderr, "rmadesk: "+oneLine(bad.msg))
		return exitBadInput
	}
	fmt.Fprintln(e.stderr, "rmadesk: "+oneLine(err.Error()))
	return exitProblems
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// newFlags makes a FlagSet that reports errors as bad input instead of
// exiting, and prints its usage to stderr.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: rmadesk %s\n", synopsis)
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		sort.Strings(names)
		if len(names) > 0 {
			fmt.Fprintln(e.stderr, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args with flags and arguments in any order, as people
// type them: `policy show pixfra --clauses` as well as `policy show
// --clauses pixfra`. The flag package alone stops at the first argument and
// leaves the flags after it as arguments. `--` still ends the flags, so an
// argument that starts with a dash goes after it (a flag whose value is
// "--" is written --name=--). The arguments, in order, are fs.Args()
// afterwards. A flag error is bad input (the flag package has already
// printed the usage).
func parseFlags(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return badInputf("%s", err)
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	// Parsing "--" and the arguments sets no flag and leaves fs.Args() as
	// the arguments, which is where every command reads them.
	return fs.Parse(append([]string{"--"}, positional...))
}

func runVersion(e *env, args []string) error {
	fs := newFlags(e, "version", "version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "rmadesk", version)
	return nil
}
