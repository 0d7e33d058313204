package policy_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
)

var updateExamples = flag.Bool("update", false, "rewrite the golden decisions of the example packs")

// TestExamplePacks decides every claim of every example pack (issue 14)
// against its golden decision:
//
//	examples/policies/<pack>.yaml                     the pack, marked example: true
//	examples/policies/<pack>/<case>.claim.json        a claim in the JSON contract
//	examples/policies/<pack>/<case>.decision.json     the decision it must give
//	examples/policies/<pack>/<case>.decision.txt      the same, as a person reads it
//
// go test ./internal/policy -run TestExamplePacks -update rewrites the
// decisions; review the diff before committing it.
func TestExamplePacks(t *testing.T) {
	root := filepath.Join("..", "..", "examples", "policies")
	packs, err := filepath.Glob(filepath.Join(root, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range packs {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		if strings.Contains(name, ".") {
			continue // a translation (pack.nl.yaml)
		}
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := policy.Load(filepath.Base(file), data)
			if err != nil {
				t.Fatalf("loading %s: %v", file, err)
			}
			if !p.Example {
				t.Errorf("%s: an example pack must say example: true", file)
			}
			claims, _ := filepath.Glob(filepath.Join(root, name, "*.claim.json"))
			if len(claims) < 3 {
				t.Fatalf("%s has %d claims; an example pack shows its mechanics with at least three, edge days included", name, len(claims))
			}
			for _, cf := range claims {
				base := strings.TrimSuffix(cf, ".claim.json")
				t.Run(filepath.Base(base), func(t *testing.T) {
					raw, err := os.ReadFile(cf)
					if err != nil {
						t.Fatal(err)
					}
					claim, err := policy.ParseClaim(raw)
					if err != nil {
						t.Fatalf("%s: %v", cf, err)
					}
					d := p.Evaluate(claim)
					js, err := json.MarshalIndent(d, "", "  ")
					if err != nil {
						t.Fatal(err)
					}
					var txt bytes.Buffer
					if err := policy.WriteDecision(&txt, p, &d); err != nil {
						t.Fatal(err)
					}
					golden(t, base+".decision.json", append(js, '\n'))
					golden(t, base+".decision.txt", txt.Bytes())
				})
			}
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *updateExamples {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the decision given:\n%s\n(run with -update and review the diff)", path, got)
	}
}
