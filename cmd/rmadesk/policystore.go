package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Policies managed in the desk, from the command line (issue 15): the same
// use cases as /admin/policies and the API, on the desk's database, acting
// as the system (the audit log says "system").

const policyStoreUsage = `  versions --policy ID   list the desk's stored versions of a policy, drafts too
  draft --policy ID --file F [--version V] [--effective-from DATE]
                         check F and keep it as a draft; its findings refuse it
  publish --policy ID --draft N [--effective-from DATE] [--allow-past]
                         publish a draft: claims reported from DATE on are
                         decided by it (today or later unless --allow-past)
  diff --policy ID [--from V] --to V|draft:N [--json]
                         compare two versions rule by rule
  retire --policy ID --version V
                         withdraw a published version before it takes effect
` + policyShadowUsage + `
  (these take --data-dir DIR or --db URL, the desk's database)`

// deskService opens the desk's database and builds its policies from the
// store, as serve does.
func deskService(ctx context.Context, sf *storeFlags) (*rma.Service, func(), error) {
	db, err := sf.openExisting(ctx)
	if err != nil {
		return nil, nil, err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// A demo desk's moved date is the date its publications are checked
	// against, as the desk itself does.
	clock, err := deskClock(ctx, db, true, log)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	svc := rma.NewService(db, nil, rma.WithClock(clock.Now))
	if _, err := svc.ReloadPolicies(ctx); err != nil {
		db.Close()
		if rma.ErrorCode(err) == rma.ENOTFOUND { // no published version at all
			return nil, nil, badInputf("the desk keeps no policy packs yet: start rmadesk serve once, which stores them")
		}
		return nil, nil, err
	}
	return svc, func() { db.Close() }, nil
}

// recordAs records a change made from the command line in the audit log.
func recordAs(ctx context.Context, svc *rma.Service, action, policyID string, changes []audit.Change, change func(ctx context.Context) error) error {
	st, ok := svc.Store().(audit.Store)
	if !ok {
		return change(ctx)
	}
	e := audit.Of(rma.System, action, audit.TargetPolicy, policyID, policyID, changes...)
	return audit.Record(ctx, st, &e, change)
}

// draftRefused is a refused draft as one line: the first finding, how many
// more, and how to list them.
func draftRefused(err error, file string) error {
	var de *rma.DraftError
	if !errors.As(err, &de) || len(de.Issues) == 0 {
		return badInputf("%v", err)
	}
	is := de.Issues[0]
	if is.File == "" || strings.Count(is.File, ".") < 2 { // the pack's own file: name it as the user did
		is.File = file
	}
	more := ""
	if n := len(de.Issues) - 1; n > 0 {
		more = fmt.Sprintf(" (and %d more; rmadesk policy lint %s lists them)", n, file)
	}
	return badInputf("%s%s", is, more)
}

func runPolicyVersions(e *env, args []string) error {
	fs := newFlags(e, "policy versions", "policy versions --policy ID [--data-dir DIR] [--db URL]")
	var sf storeFlags
	sf.register(fs)
	id := fs.String("policy", "", "the policy `ID`")
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
	vs, err := svc.PackVersions(e.ctx, rma.System, *id)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return badInputf("--policy: the desk keeps no policy %q", *id)
	}
	if err != nil {
		return err
	}
	inForce := ""
	if p := svc.Policies().InForce(*id, svc.Today()); p != nil {
		inForce = p.Version
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tVERSION\tEFFECTIVE\tSTATE\tBY")
	for _, v := range vs {
		state, by := string(v.State), v.CreatedBy
		if v.State == rma.PackPublished {
			by = v.PublishedBy
			if v.Version == inForce {
				state = "in force"
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", v.ID, v.Version, v.EffectiveFrom, state, by)
	}
	return tw.Flush()
}

func runPolicyDraft(e *env, args []string) error {
	fs := newFlags(e, "policy draft", "policy draft --policy ID --file F [--version V] [--effective-from DATE] [--data-dir DIR] [--db URL]")
	var sf storeFlags
	sf.register(fs)
	id := fs.String("policy", "", "the policy `ID` the draft is a new version of")
	file := fs.String("file", "", "the pack's YAML `FILE`; its translations beside it (F.nl.yaml) go with it, else the newest version's")
	version := fs.String("version", "", "the draft's version `V`, replacing the file's")
	eff := fs.String("effective-from", "", "the `DATE` it is meant to take effect, replacing the file's")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *id == "":
		return badInputf("--policy: required")
	case *file == "":
		return badInputf("--file: required: the pack's YAML")
	}
	data, err := os.ReadFile(*file)
	if err != nil {
		return badInputf("--file: %v", errors.Unwrap(err))
	}
	in := rma.DraftInput{Source: string(data), Version: *version, EffectiveFrom: *eff}
	if tr := translationsBeside(*file); len(tr) > 0 {
		in.Translations = tr
	}
	svc, done, err := deskService(e.ctx, &sf)
	if err != nil {
		return err
	}
	defer done()
	var v *rma.PackVersion
	changes := []audit.Change{{Field: "version", To: *version}, {Field: "effective_from", To: *eff}}
	if p, err := policy.Load(*file, data); err == nil {
		changes = []audit.Change{{Field: "version", To: cmp.Or(*version, p.Version)}, {Field: "effective_from", To: cmp.Or(*eff, p.EffectiveFrom.String())}}
	}
	err = recordAs(e.ctx, svc, audit.PolicyDraft, *id, changes, func(ctx context.Context) (err error) {
		v, err = svc.SaveDraft(ctx, rma.System, *id, in)
		return err
	})
	switch {
	case rma.ErrorCode(err) == rma.ENOTFOUND:
		return badInputf("--policy: the desk keeps no policy %q", *id)
	case err != nil && (rma.ErrorCode(err) == rma.EINVALID || rma.ErrorCode(err) == rma.ECONFLICT || errors.As(err, new(*rma.DraftError))):
		return draftRefused(err, *file)
	case err != nil:
		return err
	}
	fmt.Fprintf(e.stdout, "draft %d: %s version %s, effective from %s; rmadesk policy publish --policy %s --draft %d publishes it\n",
		v.ID, v.PolicyID, v.Version, v.EffectiveFrom, v.PolicyID, v.ID)
	return nil
}

// translationsBeside reads the translations beside a pack file
// (pixfra.nl.yaml beside pixfra.yaml), by language.
func translationsBeside(file string) map[string]string {
	out := map[string]string{}
	for _, lang := range []string{"nl", "de", "fr", "es", "it", "zh"} {
		ext := ".yaml"
		if strings.HasSuffix(file, ".yml") {
			ext = ".yml"
		}
		if data, err := os.ReadFile(strings.TrimSuffix(file, ext) + "." + lang + ext); err == nil {
			out[lang] = string(data)
		}
	}
	return out
}

func runPolicyPublish(e *env, args []string) error {
	fs := newFlags(e, "policy publish", "policy publish --policy ID --draft N [--effective-from DATE] [--allow-past] [--data-dir DIR] [--db URL]")
	var sf storeFlags
	sf.register(fs)
	id := fs.String("policy", "", "the policy `ID`")
	draft := fs.String("draft", "", "the draft's number `N` (rmadesk policy versions lists them)")
	eff := fs.String("effective-from", "", "the `DATE` it takes effect (default: the draft's)")
	past := fs.Bool("allow-past", false, "let it take effect before today")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *id == "" {
		return badInputf("--policy: required")
	}
	n, err := strconv.ParseInt(*draft, 10, 64)
	if err != nil || n <= 0 {
		return badInputf("--draft: %q is not a draft's number", *draft)
	}
	svc, done, err := deskService(e.ctx, &sf)
	if err != nil {
		return err
	}
	defer done()
	d, err := svc.Draft(e.ctx, rma.System, *id, n)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return badInputf("--draft: policy %s has no draft %d", *id, n)
	}
	if err != nil {
		return err
	}
	var v *rma.PackVersion
	changes := []audit.Change{{Field: "version", To: d.Version}, {Field: "effective_from", To: cmp.Or(*eff, d.EffectiveFrom.String())}}
	err = recordAs(e.ctx, svc, audit.PolicyPublish, *id, changes, func(ctx context.Context) (err error) {
		v, err = svc.PublishDraft(ctx, rma.System, *id, n, rma.PublishOptions{EffectiveFrom: *eff, AllowPast: *past})
		return err
	})
	var re *rma.Error
	switch {
	case errors.As(err, &re) && re.Field == "effective_from":
		return badInputf("--effective-from: %s", re.Message)
	case err != nil && (rma.ErrorCode(err) == rma.EINVALID || rma.ErrorCode(err) == rma.ECONFLICT || errors.As(err, new(*rma.DraftError))):
		return draftRefused(err, *id+".yaml")
	case err != nil:
		return err
	}
	fmt.Fprintf(e.stdout, "%s version %s is published: claims reported from %s on are decided by it (a running desk picks it up within %s)\n",
		v.PolicyID, v.Version, v.EffectiveFrom, packsRefresh)
	return nil
}

func runPolicyDiff(e *env, args []string) error {
	fs := newFlags(e, "policy diff", "policy diff --policy ID [--from V] --to V|draft:N [--json] [--data-dir DIR] [--db URL]")
	var sf storeFlags
	sf.register(fs)
	id := fs.String("policy", "", "the policy `ID`")
	from := fs.String("from", "", "the older version `V` (default: the one in force today), or draft:N")
	to := fs.String("to", "", "the newer version `V`, or draft:N")
	asJSON := fs.Bool("json", false, "write the changes as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *id == "":
		return badInputf("--policy: required")
	case *to == "":
		return badInputf("--to: required: a version number, or draft:N")
	}
	svc, done, err := deskService(e.ctx, &sf)
	if err != nil {
		return err
	}
	defer done()
	a, b, err := svc.PackDiffPair(e.ctx, rma.System, *id, *from, *to)
	var re *rma.Error
	switch {
	case rma.ErrorCode(err) == rma.ENOTFOUND:
		return badInputf("--policy: the desk keeps no policy %q", *id)
	case errors.As(err, &re) && re.Field != "":
		return badInputf("--%s: %s", re.Field, re.Message)
	case err != nil:
		return err
	}
	changes, err := policy.DiffSources([]byte(a.Source), []byte(b.Source))
	if err != nil {
		return err
	}
	if *asJSON {
		if changes == nil {
			changes = []policy.Change{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"policy": *id, "from": a.Version, "to": b.Version, "changes": changes})
	}
	fmt.Fprintf(e.stdout, "%s: version %s (%s) → version %s (%s, %s)\n", *id, a.Version, a.EffectiveFrom, b.Version, b.EffectiveFrom, b.State)
	if len(changes) == 0 {
		fmt.Fprintln(e.stdout, "no rule differs")
	}
	for _, c := range changes {
		fmt.Fprintf(e.stdout, "%-7s %s", c.Kind, c.Section)
		if c.Item != "" {
			fmt.Fprintf(e.stdout, " [%s]", c.Item)
		}
		if c.Clause != "" {
			fmt.Fprintf(e.stdout, " (clause %s)", c.Clause)
		}
		fmt.Fprintln(e.stdout)
		for _, f := range c.Fields {
			fmt.Fprintf(e.stdout, "          %s: %s → %s\n", f.Field, cmp.Or(f.Before, "(none)"), cmp.Or(f.After, "(none)"))
		}
		if len(c.Fields) == 0 && c.Kind == "changed" {
			fmt.Fprintf(e.stdout, "          %s → %s\n", c.Before, c.After)
		}
	}
	return nil
}

func runPolicyRetire(e *env, args []string) error {
	fs := newFlags(e, "policy retire", "policy retire --policy ID --version V [--data-dir DIR] [--db URL]")
	var sf storeFlags
	sf.register(fs)
	id := fs.String("policy", "", "the policy `ID`")
	version := fs.String("version", "", "the published version `V` to withdraw")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *id == "":
		return badInputf("--policy: required")
	case *version == "":
		return badInputf("--version: required")
	}
	svc, done, err := deskService(e.ctx, &sf)
	if err != nil {
		return err
	}
	defer done()
	err = recordAs(e.ctx, svc, audit.PolicyRetire, *id, []audit.Change{{Field: "version", From: *version}}, func(ctx context.Context) error {
		_, err := svc.RetireVersion(ctx, rma.System, *id, *version)
		return err
	})
	var re *rma.Error
	switch {
	case errors.As(err, &re) && (re.Code == rma.ENOTFOUND || re.Code == rma.ECONFLICT):
		return badInputf("--version: %s", re.Message)
	case err != nil:
		return err
	}
	fmt.Fprintf(e.stdout, "%s version %s is withdrawn: it will decide nothing\n", *id, *version)
	return nil
}
