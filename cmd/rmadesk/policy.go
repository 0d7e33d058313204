package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/policies"
)

const policyUsage = `policy <subcommand> [flags]

Subcommands:
  list                   list the policy packs
  show ID|FILE           show a policy's rules and the clauses they cite
  lint FILE...           check policy files; exit 1 when a file has problems
  check --policy ID|FILE [--json] [--claim FILE]
                         decide a claim (JSON, from stdin by default)`

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
	}
	return badInputf("policy: unknown subcommand %q (list, show, lint, check)", sub)
}

// packs loads the policy packs: the embedded ones, or those in dir.
func packs(dir string) ([]*policy.Policy, error) {
	var fsys fs.FS = policies.FS
	if dir != "" {
		info, err := os.Stat(dir)
		if err != nil || !info.IsDir() {
			return nil, badInputf("--dir: %q is not a directory", dir)
		}
		fsys = os.DirFS(dir)
	}
	ps, err := policy.LoadFS(fsys)
	if err != nil {
		return nil, badInputf("loading policies: %v", err)
	}
	return ps, nil
}

// resolvePolicy finds a policy by pack ID, or loads it from a file path.
func resolvePolicy(ref, dir string) (*policy.Policy, error) {
	if ref == "" {
		return nil, badInputf("--policy: required (a pack ID such as dexxon, or a YAML file)")
	}
	if looksLikeFile(ref) {
		data, err := os.ReadFile(ref)
		if err != nil {
			return nil, badInputf("--policy: %v", err)
		}
		p, err := policy.Load(ref, data)
		if err != nil {
			return nil, badInputf("--policy: %v", err)
		}
		return p, nil
	}
	ps, err := packs(dir)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		if p.ID == ref {
			return p, nil
		}
		ids[i] = p.ID
	}
	return nil, badInputf("--policy: unknown policy %q (known: %s; or give a YAML file)", ref, strings.Join(ids, ", "))
}

func looksLikeFile(ref string) bool {
	if strings.ContainsRune(ref, os.PathSeparator) || strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml") {
		return true
	}
	_, err := os.Stat(ref)
	return err == nil
}

func runPolicyList(e *env, args []string) error {
	fs := newFlags(e, "policy list", "policy list [--dir DIR]")
	dir := fs.String("dir", "", "load policy packs from `DIR` instead of the embedded ones")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInputf("policy list: unexpected argument %q", fs.Arg(0))
	}
	ps, err := packs(*dir)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tVERSION\tEFFECTIVE\tVENDOR\tTITLE")
	for _, p := range ps {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.ID, p.Version, p.EffectiveFrom, p.Vendor.Name, p.Title)
	}
	return tw.Flush()
}

func runPolicyShow(e *env, args []string) error {
	fs := newFlags(e, "policy show", "policy show [--dir DIR] [--clauses] ID|FILE")
	dir := fs.String("dir", "", "load policy packs from `DIR` instead of the embedded ones")
	quotes := fs.Bool("clauses", false, "print each clause with its quoted text")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return badInputf("policy show: give exactly one policy ID or file")
	}
	p, err := resolvePolicy(fs.Arg(0), *dir)
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
		}
	}
	if bad > 0 {
		return errProblemsFound
	}
	return nil
}

func runPolicyCheck(e *env, args []string) error {
	fs := newFlags(e, "policy check", "policy check --policy ID|FILE [--json] [--claim FILE] [--dir DIR]")
	ref := fs.String("policy", "", "the policy: a pack `ID` or a YAML file")
	asJSON := fs.Bool("json", false, "print the decision as JSON")
	claimFile := fs.String("claim", "-", "read the claim from `FILE` (- for stdin)")
	dir := fs.String("dir", "", "load policy packs from `DIR` instead of the embedded ones")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInputf("policy check: unexpected argument %q (the claim comes from --claim or stdin)", fs.Arg(0))
	}
	p, err := resolvePolicy(*ref, *dir)
	if err != nil {
		return err
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
	d := p.Evaluate(claim)
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	return policy.WriteDecision(e.stdout, p, &d)
}
