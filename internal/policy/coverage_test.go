package policy_test

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// The clause-coverage check: every clause that a rule of a seed pack cites
// must be exercised by some test of this package (a decision citing it, or a
// rule test returning a rule that cites it). It runs after the whole suite,
// so a new rule without a test fails `make check`.

var (
	coveredMu sync.Mutex
	covered   = map[string]map[string]bool{} // pack ID -> clause ID
)

// cover records that a test exercised clauses of a pack.
func cover(packID string, clauses ...string) {
	coveredMu.Lock()
	defer coveredMu.Unlock()
	if covered[packID] == nil {
		covered[packID] = map[string]bool{}
	}
	for _, c := range clauses {
		covered[packID][c] = true
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	// Only a full run can judge coverage: -run, -fuzz and -bench select parts.
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.fuzz").Value.String() == "" &&
		flag.Lookup("test.bench").Value.String() == "" {
		if missing := uncoveredClauses(); len(missing) > 0 {
			fmt.Fprintln(os.Stderr, "clauses cited by a rule but exercised by no test:")
			for _, m := range missing {
				fmt.Fprintln(os.Stderr, "  "+m)
			}
			code = 1
		}
	}
	os.Exit(code)
}

func uncoveredClauses() []string {
	var missing []string
	for _, id := range seedPacks {
		if packsByID == nil || packsByID[id] == nil {
			return []string{"packs were not loaded"}
		}
		for _, c := range ruleClauses(packsByID[id]) {
			if !covered[id][c] {
				missing = append(missing, id+": "+c)
			}
		}
	}
	slices.Sort(missing)
	return slices.Compact(missing)
}

// ruleClauses lists every clause a rule of p cites (not not_enforced).
func ruleClauses(p *policy.Policy) []string {
	var out []string
	add := func(ids ...string) {
		for _, id := range ids {
			if id != "" {
				out = append(out, id)
			}
		}
	}
	add(p.Requesters.Clause)
	for _, r := range p.Requesters.Refusals {
		add(r.Clause)
	}
	if p.Scope != nil {
		add(p.Scope.Clause)
	}
	for _, r := range p.Regions {
		add(r.Clause)
	}
	add(p.Warranty.Clause)
	for _, b := range p.Warranty.Start {
		add(b.Clause)
	}
	for _, t := range p.Warranty.Terms {
		add(t.Clause)
	}
	if p.Warranty.RollForward != nil {
		add(p.Warranty.RollForward.Clause)
	}
	if d := p.DOA; d != nil {
		add(d.Clause)
		for _, c := range d.ConditionRules {
			add(c.Clause)
		}
		for _, r := range d.Documents {
			add(r.Clause)
		}
	}
	if w := p.Withdrawal; w != nil {
		add(w.Clause)
	}
	add(p.OutOfWarranty.Clause)
	for _, e := range p.Exclusions {
		add(e.Clause)
	}
	for _, k := range p.RecordChecks { // issue 16 (records.go)
		add(k.Clause)
	}
	for _, d := range p.Documents {
		add(d.Clause)
	}
	add(p.RMANumber.Clause)
	for _, d := range p.Deadlines {
		add(d.Clause)
	}
	for _, s := range p.Shipping {
		add(s.Clause)
	}
	for _, f := range p.Fees {
		add(f.Clause)
	}
	for _, r := range p.Resolutions {
		add(r.Clause)
	}
	if r := p.Replacement; r != nil {
		add(r.Clause)
		add(r.AlsoCites...)
	}
	for _, l := range p.ServiceLocations {
		add(l.Clause)
	}
	for _, in := range p.Instructions {
		add(in.Clause)
	}
	return out
}
