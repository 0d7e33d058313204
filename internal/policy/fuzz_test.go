package policy_test

import (
	"encoding/json"
	"io"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// FuzzLoad feeds the policy loader arbitrary YAML. It must never panic, and a
// policy it accepts must be usable: evaluated, explained and summarised.
// Seeds: testdata/fuzz/FuzzLoad (the five packs, the minimal policy and
// broken variants).
func FuzzLoad(f *testing.F) {
	f.Add([]byte("id: x\n"))
	probe, err := policy.ParseClaim([]byte(validClaim))
	if err != nil {
		f.Fatal(err)
	}
	withdrawal := probe
	withdrawal.Kind = policy.Withdrawal
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := policy.Load("fuzz.yaml", data)
		if err != nil {
			if _, ok := err.(*policy.LoadError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		for _, c := range []policy.Claim{probe, withdrawal} {
			d := p.Evaluate(c)
			checkDecision(t, p, d)
		}
		if err := policy.WritePolicy(io.Discard, p); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzParseClaim feeds the claim decoder arbitrary bytes. It must never
// panic; a claim it accepts must survive a JSON round trip unchanged and be
// decidable by every pack.
func FuzzParseClaim(f *testing.F) {
	f.Add([]byte(validClaim))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := policy.ParseClaim(data)
		if err != nil {
			if _, ok := err.(*policy.FieldError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		checkRoundTrip(t, c)
		for _, id := range []string{"dexxon", "plextor", "webstore4", "pixfra", "minicart"} {
			p := pack(t, id)
			checkDecision(t, p, p.Evaluate(c))
		}
	})
}

// checkDecision asserts what holds for every decision of every policy.
func checkDecision(t *testing.T, p *policy.Policy, d policy.Decision) {
	t.Helper()
	if len(d.Reasons) == 0 {
		t.Fatalf("decision without reasons: %+v", d)
	}
	if d.Verdict == policy.Reject && d.Route != policy.RouteNone {
		t.Fatalf("rejected on route %s", d.Route)
	}
	if d.Route == policy.RouteChargeable && d.Verdict == policy.Accept {
		t.Fatal("chargeable route accepted without review")
	}
	if len(d.MissingDocuments) > 0 && d.Verdict != policy.NeedsInfo && d.Verdict != policy.Reject {
		t.Fatalf("missing documents but verdict %s", d.Verdict)
	}
	for _, r := range d.Reasons {
		if r.Clause != "" && p.Clause(r.Clause) == nil {
			t.Fatalf("reason %s cites unknown clause %q", r.Code, r.Clause)
		}
	}
	if _, err := json.Marshal(d); err != nil {
		t.Fatal(err)
	}
	if err := policy.WriteDecision(io.Discard, p, &d); err != nil {
		t.Fatal(err)
	}
}
