package main

import (
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// A desk adds a year of China's holidays (the State Council's notice,
// published each November) as a calendar file in a directory of its own,
// named by --calendars (env RMADESK_CALENDARS) on serve and the policy
// commands, so that it need not wait for a release. The files are read
// here, outside the engine, and the loaded calendars handed to the
// policies (policy.Set.WithCalendars).

// calendarsFlag registers --calendars.
func calendarsFlag(fs *flag.FlagSet) *string {
	var dir string
	calendarsVar(fs, &dir)
	return &dir
}

func calendarsVar(fs *flag.FlagSet, dir *string) {
	fs.StringVar(dir, "calendars", os.Getenv("RMADESK_CALENDARS"),
		"add the calendar files in `DIR` (cn-2027.txt: a year of China's days off, in the format of internal/calendar/data/cn.txt) to the built-in calendars (env RMADESK_CALENDARS)")
}

// deskCalendars loads the built-in calendars with the files in dir; no dir
// is the built-in calendars alone.
func deskCalendars(dir string) (*calendar.Set, error) {
	if dir == "" {
		return calendar.Builtin(), nil
	}
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return nil, badInputf("--calendars: %q is not a directory", dir)
	}
	cals, err := calendar.LoadFS(os.DirFS(dir))
	if err != nil {
		return nil, badInputf("--calendars: %v", err)
	}
	return cals, nil
}

// packsWithCalendars loads the policy packs (embedded, or from dir) and
// has them use the desk's calendars.
func packsWithCalendars(dir, calendarsDir string) (*policy.Set, error) {
	set, err := packs(dir)
	if err != nil || calendarsDir == "" {
		return set, err
	}
	cals, err := deskCalendars(calendarsDir)
	if err != nil {
		return nil, err
	}
	if set, err = set.WithCalendars(cals); err != nil {
		return nil, badInputf("--calendars: %v", err)
	}
	return set, nil
}

const calendarUsage = `calendar list [--calendars DIR]
  list the holiday calendars, the days each one's data covers and its
  source; with --calendars, the desk's calendar files are checked and added`

func runCalendar(e *env, args []string) error {
	if len(args) == 0 || args[0] != "list" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(e.stderr, "Usage: rmadesk "+calendarUsage)
			return flag.ErrHelp
		}
		return badInputf("calendar: usage: rmadesk calendar list [--calendars DIR]")
	}
	fs := newFlags(e, "calendar list", "calendar list [--calendars DIR]")
	dir := calendarsFlag(fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInputf("calendar list: unexpected argument %q", fs.Arg(0))
	}
	cals, err := deskCalendars(*dir)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tCOVERS\tSOURCE")
	for _, c := range cals.Calendars() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Code(), c.Coverage(), c.Source())
	}
	return tw.Flush()
}
