package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIRegistryImport: a CSV loads in one transaction; a bad line is
// exit 2 with one line naming its line and column, and writes nothing;
// loading the same file again changes nothing.
func TestCLIRegistryImport(t *testing.T) {
	dir := t.TempDir()
	cli(t, "", "migrate", "--data-dir", dir)
	cli(t, "", "org", "create", "--data-dir", dir, "--name", "Acme Distribution", "--role", "distributor", "--country", "DE")
	good := filepath.Join(dir, "units.csv")
	if err := os.WriteFile(good, []byte("serial,model,sold_to,delivered\nPX-1,TC2,Acme Distribution,2024-03-18\nPX-2,TC2,Beta GmbH,2024-03-19\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := cli(t, "", "registry", "import", "--data-dir", dir, "--policy", "pixfra", good)
	if !strings.Contains(out, ": 2 units in ") || !strings.Contains(out, "2 new, 0 updated, 0 unchanged") || !strings.Contains(out, "Beta GmbH (1)") {
		t.Fatalf("first import: %q", out)
	}
	if out := cli(t, "", "registry", "import", "--data-dir", dir, "--policy", "pixfra", good); !strings.Contains(out, "0 new, 0 updated, 2 unchanged") {
		t.Fatalf("second import: %q", out)
	}
	for _, tc := range []struct {
		name, text, want string
	}{
		{"a bad date", "serial,delivered\nPX-3,2024-03-18\nPX-4,18.03.2024\n", `line 3, column delivered: "18.03.2024" is not a date in the form YYYY-MM-DD (nothing was imported)`},
		{"a serial twice", "serial\nPX-3\nPX-4\npx-3\n", "line 4, column serial: px-3 was given before, at line 2, column serial: a load names each serial once (nothing was imported)"},
		{"an unknown column", "serial,colour\nPX-3,red\n", `line 1, column 2: unknown column "colour"`},
		{"an unknown policy", "serial,policy\nPX-3,acme\n", `line 2, column policy: unknown policy "acme"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "bad.csv")
			if err := os.WriteFile(path, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			code, _, errOut := runCLI(t, "", "registry", "import", "--data-dir", dir, path)
			if code != exitBadInput || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, %q; want 2 and one line with %q", code, errOut, tc.want)
			}
		})
	}
	// Nothing of the bad files was written: PX-3 is still unknown.
	if code, _, errOut := runCLI(t, "", "registry", "import", "--data-dir", dir, "-"); code != exitBadInput || !strings.Contains(errOut, "empty file") {
		t.Fatalf("an empty standard input: %d %q", code, errOut)
	}
	code, _, errOut := runCLI(t, "serial\nPX-3\n", "registry", "import", "--data-dir", dir, "--policy", "nope", "-")
	if code != exitBadInput || !strings.Contains(errOut, `--policy: unknown policy "nope"`) {
		t.Fatalf("--policy nope: %d %q", code, errOut)
	}
	if out := cli(t, "serial,model\nPX-3,TC2\n", "registry", "import", "--data-dir", dir, "-"); !strings.Contains(out, "1 new") {
		t.Fatalf("PX-3 after the refused files: %q", out)
	}
	// The template and the generator write files the import reads.
	if out := cli(t, "", "registry", "template"); !strings.HasPrefix(out, "serial,part_number,model,") {
		t.Fatalf("template: %q", out)
	}
	gen := cli(t, "", "registry", "generate", "25")
	if n := strings.Count(gen, "\n"); n != 26 {
		t.Fatalf("generate 25: %d lines", n)
	}
	if out := cli(t, gen, "registry", "import", "--data-dir", dir, "-"); !strings.Contains(out, "25 new") {
		t.Fatalf("importing generated units: %q", out)
	}
	for _, args := range [][]string{{"registry"}, {"registry", "export"}, {"registry", "generate", "0"}, {"registry", "import", "--data-dir", dir}} {
		if code, _, _ := runCLI(t, "", args...); code != exitBadInput {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// TestBenchRegistry: the load tool's registry mode loads, reloads and looks
// up on a small registry, and reports each part (its timings are for
// docs/BENCHMARKS.md, never asserted).
func TestBenchRegistry(t *testing.T) {
	out := cli(t, "", "bench", "registry", "--units", "300", "--lookups", "40", "--reload")
	for _, want := range []string{"load: 300 units in ", "300 new", "reload: 300 units in ", "300 unchanged", "registry: 300 units (0 replacements)",
		"lookup (store): 40 in ", "claim intake records (service): 40 in ", "public warranty check (service): 40 in ", "units sold in 2024, every model: ",
		"units sold in 2024 to one partner: "} {
		if !strings.Contains(out, want) {
			t.Errorf("bench registry's report lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := runCLI(t, "", "bench", "registry", "--units", "-1"); code != exitBadInput {
		t.Errorf("--units -1: exit %d", code)
	}
}
