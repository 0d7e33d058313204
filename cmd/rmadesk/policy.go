package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/policies"
)

const policyUsage = `policy <subcommand> [flags]

Subcommands:
  list [--dir DIR]       list the policy packs, every version
  show [--version V] [--clauses] ID|FILE
                         show a policy's rules and the clauses they cite
  lint FILE...           check policy files; exit 1 when a file has problems
  check --policy ID|FILE [--version V] [--json] [--lang LANG] [--claim FILE]
                         decide a claim (JSON, from stdin by default) by the
                         version in force on its reported date; --lang nl says
                         the reasons in Dutch
  whatif --policy ID --draft FILE [--from DAY] [--to DAY] [--sample N] [--json]
                         replay the claims of past RMAs under a draft and
                         say what changes (decisions, reasons, money)
` + policyStoreUsage + `

--dir DIR loads the packs from DIR instead of the embedded ones; --calendars DIR
adds the desk's calendar files in DIR (rmadesk calendar list).`

func runPolicy(e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, "Usage: rmadesk "+policyUsage)
		if len(args) == 0 {
			return badInputf("policy: missing subcommand (list, show, lint, check)")
		}
		return flag.ErrHelp
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "list":
		return runPolicyList(e, rest)
	case "show":
		return runPolicyShow(e, rest)
	case "lint":
		return runPolicyLint(e, rest)
	case "check":
		return runPolicyCheck(e, rest)
	case "versions": // policystore.go: policies managed in the desk
		return runPolicyVersions(e, rest)
	case "draft":
		return runPolicyDraft(e, rest)
	case "publish":
		return runPolicyPublish(e, rest)
	case "diff":
		return runPolicyDiff(e, rest)
	case "retire":
		return runPolicyRetire(e, rest)
	case "whatif":
		return runPolicyWhatIf(e, rest) // whatif.go
	case "shadow":
		return runPolicyShadow(e, rest) // shadow.go
	}
	return badInputf("policy: unknown subcommand %q (list, show, lint, check, whatif, versions, draft, publish, diff, retire, shadow)", sub)
}

// packs loads the policy packs: the embedded ones, or those in dir.
func packs(dir string) (*policy.Set, error) {
	var fsys fs.FS = policies.FS
	if dir != "" {
		info, err := os.Stat(dir)
		if err != nil || !info.IsDir() {
			return nil, badInputf("--dir: %q is not a directory", dir)
		}
		fsys = os.DirFS(dir)
	}
	set, err := policy.LoadFS(fsys)
	if err != nil {
		return nil, badInputf("loading policies: %v", err)
	}
	return set, nil
}

// policyRef is how a command names a policy: a pack ID (optionally a
// version of it), or a YAML file.
type policyRef struct {
	ref, version, dir string
	calendars         string // the desk's calendar files (--calendars)
}

// resolve finds the policy. For a pack ID without a version it takes the
// version in force on day (the claim's reported date); see Set.InForce.
func (r policyRef) resolve(day calendar.Date) (*policy.Policy, error) {
	if r.ref == "" {
		return nil, badInputf("--policy: required (a pack ID such as dexxon, or a YAML file)")
	}
	if looksLikeFile(r.ref) {
		if r.version != "" {
			return nil, badInputf("--version: applies to a pack ID, not to a policy file")
		}
		data, err := os.ReadFile(r.ref)
		if err != nil {
			return nil, badInputf("--policy: %v", err)
		}
		p, err := policy.Load(r.ref, data)
		if err != nil {
			return nil, badInputf("--policy: %v", err)
		}
		if err := translateBeside(p, r.ref); err != nil { // policytexts.go
			return nil, badInputf("--policy: %v", err)
		}
		if r.calendars != "" {
			cals, err := deskCalendars(r.calendars)
			if err != nil {
				return nil, err
			}
			if p, err = p.WithCalendars(cals); err != nil {
				return nil, badInputf("--calendars: %v", err)
			}
		}
		return p, nil
	}
	set, err := packsWithCalendars(r.dir, r.calendars)
	if err != nil {
		return nil, err
	}
	if set.Latest(r.ref) == nil {
		return nil, badInputf("--policy: unknown policy %q (known: %s; or give a YAML file)", r.ref, strings.Join(set.IDs(), ", "))
	}
	if r.version != "" {
		if p := set.Version(r.ref, r.version); p != nil {
			return p, nil
		}
		return nil, badInputf("--version: policy %s has no version %q", r.ref, r.version)
	}
	return set.InForce(r.ref, day), nil
}

func looksLikeFile(ref string) bool {
	if strings.ContainsRune(ref, os.PathSeparator) || strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml") {
		return true
	}
	_, err := os.Stat(ref)
	return err == nil
}

func runPolicyList(e *env, args []string) error {
	fs := newFlags(e, "policy list", "policy list [--dir DIR] [--calendars DIR]")
	dir := fs.String("dir", "", "load policy packs from `DIR` instead of the embedded ones")
	cals := calendarsFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInputf("policy list: unexpected argument %q", fs.Arg(0))
	}
	set, err := packsWithCalendars(*dir, *cals)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tVERSION\tEFFECTIVE\tVENDOR\tTITLE")
	for _, p := range set.All() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.ID, p.Version, p.EffectiveFrom, p.Vendor.Name, p.Title)
	}
	return tw.Flush()
}

func runPolicyShow(e *env, args []string) error {
	fs := newFlags(e, "policy show", "policy show [--dir DIR] [--calendars DIR] [--version V] [--clauses] ID|FILE")
	var r policyRef
	fs.StringVar(&r.dir, "dir", "", "load policy packs from `DIR` instead of the embedded ones")
	calendarsVar(fs, &r.calendars)
	fs.StringVar(&r.version, "version", "", "show version `V` (default: the latest)")
	quotes := fs.Bool("clauses", false, "print each clause with its quoted text")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return badInputf("policy show: give exactly one policy ID or file")
	}
	r.ref = fs.Arg(0)
	p, err := r.resolve(maxDate)
	if err != nil {
		return err
	}
	if *quotes {
		for _, c := range p.Clauses {
			fmt.Fprintf(e.stdout, "[%s] %s\n  %s\n\n", c.ID, c.Section, c.Quote)
		}
		return nil
	}
	return policy.WritePolicy(e.stdout, p)
}

// maxDate selects the latest version where no claim date decides.
var maxDate = calendar.DateOf(9999, 12, 31)

func runPolicyLint(e *env, args []string) error {
	fs := newFlags(e, "policy lint", "policy lint FILE...")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return badInputf("policy lint: give one or more policy files")
	}
	bad := 0
	for _, name := range fs.Args() {
		if pack, lang, ok := policy.TranslationOf(filepath.Base(name), fileBeside(name)); ok {
			// A pack's texts in another language: checked against the pack (policytexts.go).
			n, err := lintTranslation(e, filepath.Join(filepath.Dir(name), pack), name, lang)
			if err != nil {
				return err
			}
			bad += n
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			return badInputf("policy lint: %v", err)
		}
		p, err := policy.Load(name, data)
		var le *policy.LoadError
		switch {
		case errors.As(err, &le):
			bad++
			for _, is := range le.Issues {
				fmt.Fprintln(e.stdout, is)
			}
		case err != nil:
			return err
		default:
			fmt.Fprintf(e.stdout, "%s: ok (%s %s, %d clauses)\n", name, p.ID, p.Version, len(p.Clauses))
			n, err := lintTranslationsOf(e, p, name)
			if err != nil {
				return err
			}
			bad += n
		}
	}
	if bad > 0 {
		return errProblemsFound
	}
	return nil
}

func runPolicyCheck(e *env, args []string) error {
	fs := newFlags(e, "policy check", "policy check --policy ID|FILE [--version V] [--json] [--lang LANG] [--claim FILE] [--dir DIR] [--calendars DIR]")
	var r policyRef
	fs.StringVar(&r.ref, "policy", "", "the policy: a pack `ID` or a YAML file")
	fs.StringVar(&r.version, "version", "", "use version `V` of the pack (default: the version in force on the claim's reported date)")
	fs.StringVar(&r.dir, "dir", "", "load policy packs from `DIR` instead of the embedded ones")
	calendarsVar(fs, &r.calendars)
	asJSON := fs.Bool("json", false, "print the decision as JSON")
	claimFile := fs.String("claim", "-", "read the claim from `FILE` (- for stdin)")
	lang := fs.String("lang", policy.SourceLanguage, "say the reasons in `LANG`: en, or a language the pack has texts in (nl)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInputf("policy check: unexpected argument %q (the claim comes from --claim or stdin)", fs.Arg(0))
	}
	if r.ref == "" {
		return badInputf("--policy: required (a pack ID such as dexxon, or a YAML file)")
	}
	var in io.Reader = e.stdin
	if *claimFile != "-" {
		f, err := os.Open(*claimFile)
		if err != nil {
			return badInputf("--claim: %v", err)
		}
		defer f.Close()
		in = f
	}
	claim, err := policy.DecodeClaim(in)
	if err != nil {
		return badInputf("claim: %v", err)
	}
	p, err := r.resolve(claim.Dates.Reported)
	if err != nil {
		return err
	}
	d := p.Evaluate(claim)
	if err := sayReasons(p, &d, *lang); err != nil { // policytexts.go
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	return policy.WriteDecision(e.stdout, p, &d)
}
