package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/whatif"
)

// Shadow mode from the command line (issue 15): a stored draft put in
// shadow, taken out, its runs listed and reviewed, on the desk's
// database, as the system. A running desk starts or stops deciding in
// shadow within packsRefresh.

const policyShadowUsage = `  shadow start --policy ID --draft N
                         put a draft in shadow: new claims are decided by it
                         too, silently (another draft of the policy in shadow
                         is replaced)
  shadow stop --policy ID [--draft N]
                         take the draft out of shadow; its review stays
  shadow list --policy ID [--json]
                         the policy's shadows, newest first, with their counts
  shadow review --policy ID [--shadow N] [--after C] [--limit N] [--json]
                         what a shadow found (default: the newest), in the
                         what-if's words, a page of changed lines at a time`

func runPolicyShadow(e *env, args []string) error {
	if len(args) == 0 {
		return badInputf("policy shadow: missing subcommand (start, stop, list, review)")
	}
	if args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, "Usage: rmadesk policy shadow start|stop|list|review [flags]\n"+policyShadowUsage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "start":
		return runShadowStart(e, args[1:])
	case "stop":
		return runShadowStop(e, args[1:])
	case "list":
		return runShadowList(e, args[1:])
	case "review":
		return runShadowReview(e, args[1:])
	}
	return badInputf("policy shadow: unknown subcommand %q (start, stop, list, review)", args[0])
}

// shadowAudit is the desk's audit log, where the store keeps one.
func shadowAudit(svc *rma.Service) audit.Store {
	st, _ := svc.Store().(audit.Store)
	return st
}

// draftFlag reads --draft N.
func draftFlag(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, badInputf("--draft: %q is not a draft's number (rmadesk policy versions lists them)", s)
	}
	return n, nil
}

// shadowRefused says a refusal of the desk as one line naming its flag.
func shadowRefused(err error, policyID string, flag string) error {
	var re *rma.Error
	if !errors.As(err, &re) {
		return err
	}
	switch {
	case re.Code == rma.ENOTFOUND && strings.Contains(re.Message, "no policy"):
		return badInputf("--policy: the desk keeps no policy %q", policyID)
	case re.Code == rma.ENOTFOUND || re.Code == rma.EINVALID || re.Code == rma.ECONFLICT:
		return badInputf("--%s: %s", flag, re.Message)
	}
	return err
}

func runShadowStart(e *env, args []string) error {
	fs := newFlags(e, "policy shadow start", "policy shadow start --policy ID --draft N [--data-dir DIR] [--db URL]")
	var sf storeFlags
	sf.register(fs)
	id := fs.String("policy", "", "the policy `ID`")
	draft := fs.String("draft", "", "the draft's number `N` (rmadesk policy versions lists them)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *id == "" {
		return badInputf("--policy: required")
	}
	n, err := draftFlag(*draft)
	if err != nil {
		return err
	}
	svc, done, err := deskService(e.ctx, &sf)
	if err != nil {
		return err
	}
	defer done()
	if _, err := svc.PackVersions(e.ctx, rma.System, *id); err != nil {
		return shadowRefused(err, *id, "policy")
	}
	st, err := whatif.StartShadow(e.ctx, svc, shadowAudit(svc), rma.System, *id, n)
	if err != nil {
		return shadowRefused(err, *id, "draft")
	}
	run := &st.Run
	if st.Already {
		fmt.Fprintf(e.stdout, "%s draft %d (version %s) is in shadow already, since %s: %d lines compared, %d changed\n",
			*id, n, run.DraftVersion, run.Started.UTC().Format(stampUTC), run.Compared, run.Changed)
		return nil
	}
	fmt.Fprintf(e.stdout, "%s draft %d (version %s) is in shadow (shadow %d): every new %s claim is decided by it too, silently (a running desk starts within %s)\n",
		*id, n, run.DraftVersion, run.ID, *id, packsRefresh)
	if r := st.Replaced; r != nil {
		fmt.Fprintf(e.stdout, "it replaces the shadow of draft %d (version %s): rmadesk policy shadow review --policy %s --shadow %d\n", r.DraftID, r.DraftVersion, *id, r.ID)
	}
	return nil
}

func runShadowStop(e *env, args []string) error {
	fs := newFlags(e, "policy shadow stop", "policy shadow stop --policy ID [--draft N] [--data-dir DIR] [--db URL]")
	var sf storeFlags
	sf.register(fs)
	id := fs.String("policy", "", "the policy `ID`")
	draft := fs.String("draft", "", "the draft's number `N` (default: the one in shadow)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *id == "" {
		return badInputf("--policy: required")
	}
	var n int64
	if *draft != "" {
		var err error
		if n, err = draftFlag(*draft); err != nil {
			return err
		}
	}
	svc, done, err := deskService(e.ctx, &sf)
	if err != nil {
		return err
	}
	defer done()
	if _, err := svc.PackVersions(e.ctx, rma.System, *id); err != nil {
		return shadowRefused(err, *id, "policy")
	}
	if n == 0 {
		running, err := svc.ShadowRuns(e.ctx, rma.System, *id, true)
		if err != nil {
			return err
		}
		if len(running) == 0 {
			return badInputf("--policy: no draft of %s is in shadow", *id)
		}
		n = running[0].DraftID
	}
	run, err := whatif.StopShadow(e.ctx, svc, shadowAudit(svc), rma.System, *id, n)
	if err != nil {
		return shadowRefused(err, *id, "draft")
	}
	fmt.Fprintf(e.stdout, "%s draft %d (version %s) is out of shadow after %d lines compared, %d changed: rmadesk policy shadow review --policy %s --shadow %d\n",
		*id, run.DraftID, run.DraftVersion, run.Compared, run.Changed, *id, run.ID)
	return nil
}

func runShadowList(e *env, args []string) error {
	fs := newFlags(e, "policy shadow list", "policy shadow list --policy ID [--json] [--data-dir DIR] [--db URL]")
	var sf storeFlags
	sf.register(fs)
	id := fs.String("policy", "", "the policy `ID`")
	asJSON := fs.Bool("json", false, "write the shadows as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *id == "" {
		return badInputf("--policy: required")
	}
	svc, done, err := deskService(e.ctx, &sf)
	if err != nil {
		return err
	}
	defer done()
	if _, err := svc.PackVersions(e.ctx, rma.System, *id); err != nil {
		return shadowRefused(err, *id, "policy")
	}
	runs, err := svc.ShadowRuns(e.ctx, rma.System, *id, false)
	if err != nil {
		return err
	}
	if *asJSON {
		out := []map[string]any{}
		for _, r := range runs {
			m := map[string]any{"id": r.ID, "policy": r.PolicyID, "draft": r.DraftID, "draft_version": r.DraftVersion, "running": r.Running(),
				"started": r.Started, "started_by": r.StartedBy, "lines": r.Compared, "changed": r.Changed, "failed": r.Failed}
			if !r.Running() {
				m["stopped"], m["stopped_by"], m["ended"] = r.Stopped, r.StoppedBy, r.Ended
			}
			out = append(out, m)
		}
		return writeIndented(e.stdout, map[string]any{"shadows": out})
	}
	if len(runs) == 0 {
		fmt.Fprintf(e.stdout, "no draft of %s has been in shadow: rmadesk policy shadow start --policy %s --draft N\n", *id, *id)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SHADOW\tDRAFT\tVERSION\tSTARTED\tSTATE\tCOMPARED\tCHANGED\tFAILED")
	for _, r := range runs {
		state := "in shadow"
		if !r.Running() {
			state = r.Ended + " " + r.Stopped.UTC().Format(stampUTC)
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%d\t%d\t%d\n", r.ID, r.DraftID, r.DraftVersion, r.Started.UTC().Format(stampUTC), state, r.Compared, r.Changed, r.Failed)
	}
	return tw.Flush()
}

func runShadowReview(e *env, args []string) error {
	fs := newFlags(e, "policy shadow review", "policy shadow review --policy ID [--shadow N] [--after C] [--limit N] [--json] [--data-dir DIR] [--db URL]")
	var sf storeFlags
	sf.register(fs)
	id := fs.String("policy", "", "the policy `ID`")
	shadow := fs.String("shadow", "", "the shadow's number `N` (default: the newest; rmadesk policy shadow list)")
	after := fs.Int64("after", 0, "start the changed lines after `C` (the next page's, as the last page said)")
	limit := fs.Int("limit", 20, fmt.Sprintf("changed lines to show, `N` (1 to %d)", rma.MaxShadowPage))
	asJSON := fs.Bool("json", false, "write the review as JSON (as the API answers it)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *id == "":
		return badInputf("--policy: required")
	case *after < 0:
		return badInputf("--after: must be 0 or more")
	case *limit < 1 || *limit > rma.MaxShadowPage:
		return badInputf("--limit: 1 to %d", rma.MaxShadowPage)
	}
	var n int64
	if *shadow != "" {
		var err error
		if n, err = strconv.ParseInt(*shadow, 10, 64); err != nil || n <= 0 {
			return badInputf("--shadow: %q is not a shadow's number (rmadesk policy shadow list)", *shadow)
		}
	}
	svc, done, err := deskService(e.ctx, &sf)
	if err != nil {
		return err
	}
	defer done()
	if _, err := svc.PackVersions(e.ctx, rma.System, *id); err != nil {
		return shadowRefused(err, *id, "policy")
	}
	if n == 0 {
		runs, err := svc.ShadowRuns(e.ctx, rma.System, *id, false)
		if err != nil {
			return err
		}
		if len(runs) == 0 {
			return badInputf("--policy: no draft of %s has been in shadow", *id)
		}
		n = runs[0].ID
	}
	rep, err := whatif.ShadowReview(e.ctx, svc, rma.System, *id, n, *after, *limit)
	if err != nil {
		return shadowRefused(err, *id, "shadow")
	}
	if *asJSON {
		return writeIndented(e.stdout, rep)
	}
	writeShadowReview(e.stdout, rep, *after)
	return nil
}

// stampUTC is how a shadow's times are written.
const stampUTC = "2006-01-02 15:04 UTC"

func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeShadowReview writes a review in the what-if's words: the run, the
// counts, how the changed lines changed, and a page of them.
func writeShadowReview(w io.Writer, r *whatif.ShadowReport, after int64) {
	fmt.Fprintf(w, "Shadow %d: %s draft %d (version %s), started %s by %s", r.ID, r.Policy, r.Draft, r.DraftVersion, r.Started.UTC().Format(stampUTC), r.StartedBy)
	if r.Running {
		fmt.Fprintln(w, ", in shadow")
	} else {
		by := ""
		if r.StoppedBy != "" {
			by = " by " + r.StoppedBy
		}
		fmt.Fprintf(w, ", %s %s%s\n", r.Ended, r.Stopped.UTC().Format(stampUTC), by)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "lines compared\t%d\n", r.Lines)
	fmt.Fprintf(tw, "unchanged\t%d\n", r.Unchanged)
	fmt.Fprintf(tw, "changed\t%d\n", r.Changed)
	if r.Failed > 0 {
		fmt.Fprintf(tw, "not decided by the draft\t%d\n", r.Failed)
	}
	tw.Flush()
	if r.Changed > 0 {
		writeHowChanged(w, r.Verdicts, r.Routes, r.WarrantyLastDay, r.WindowLastDay, r.DocumentsAdded, r.DocumentsRemoved, r.ChargesChanged, r.ReasonsChanged)
	}
	if len(r.ChangedLines) == 0 {
		return
	}
	fmt.Fprintf(w, "\nChanged lines (%d):\n", len(r.ChangedLines))
	for _, c := range r.ChangedLines {
		number := c.Number
		if number == "" {
			number = fmt.Sprintf("RMA id %d", c.RMAID)
		}
		what := strings.Join(c.How, ", ")
		if c.After == nil {
			what = "not decided by the draft"
		}
		fmt.Fprintf(w, "  %s line %d, %s, filed %s, version %s: %s\n", number, c.LineNo, c.Requester, c.Filed, c.BaselineVersion, what)
		if c.After == nil {
			fmt.Fprintf(w, "    decision %s, route %s; the draft: %s\n", c.Before.Verdict, c.Before.Route, c.Error)
			continue
		}
		writeDecisions(w, &c.Before, c.After, func() {})
	}
	if r.Next != "" {
		fmt.Fprintf(w, "\nmore: rmadesk policy shadow review --policy %s --shadow %d --after %s\n", r.Policy, r.ID, r.Next)
	} else if after > 0 {
		fmt.Fprintln(w, "\n(the last page)")
	}
}
