package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/store/pgtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestMain lets a test run the real binary: the test executable re-runs
// itself as rmadesk when RMADESK_RUN_MAIN is set, so exit codes are checked
// through os.Exit as a shell sees them.
//
// Passwords are hashed cheaply, in the tests and in the desks they run as
// processes of this binary: the browser lives sign in by the hundred
// (auth.LowerCostForTests; internal/auth tests the real cost).
func TestMain(m *testing.M) {
	auth.LowerCostForTests()
	if os.Getenv("RMADESK_RUN_MAIN") == "1" {
		main()
		return
	}
	pgtest.Main(m)
}

// runCLI runs rmadesk in-process.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(&env{ctx: context.Background(), stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut}, args)
	return code, out.String(), errOut.String()
}

var packIDs = []string{"dexxon", "plextor", "webstore4", "pixfra", "minicart"}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/rmadesk -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update if the change is intended)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestCheckExamplesGolden: the readable and the JSON verdict of each pack's
// example claim, against golden files.
func TestCheckExamplesGolden(t *testing.T) {
	for _, id := range packIDs {
		t.Run(id, func(t *testing.T) {
			claim := filepath.Join("..", "..", "examples", "claims", id+".json")
			code, out, errOut := runCLI(t, "", "policy", "check", "--policy", id, "--claim", claim)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			checkGolden(t, "examples/"+id+".txt", out)

			code, out, _ = runCLI(t, "", "policy", "check", "--policy", id, "--claim", claim, "--json")
			if code != 0 {
				t.Fatalf("--json exit %d", code)
			}
			if !json.Valid([]byte(out)) {
				t.Fatalf("--json output is not JSON: %s", out)
			}
			checkGolden(t, "examples/"+id+".json", out)
		})
	}
}

// TestReadmeExamples keeps the README's example outputs equal to what the
// command prints: each "$ rmadesk policy check ..." block is run and compared.
func TestReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```\n\\$ rmadesk (policy check [^\n]*)\n(.*?)```")
	matches := block.FindAllStringSubmatch(string(readme), -1)
	if len(matches) != len(packIDs) {
		t.Fatalf("found %d example blocks in README.md, want one per pack (%d)", len(matches), len(packIDs))
	}
	for _, m := range matches {
		args := strings.Fields(m[1])
		for i, a := range args {
			if strings.HasPrefix(a, "examples/") {
				args[i] = filepath.Join("..", "..", a)
			}
		}
		code, out, errOut := runCLI(t, "", args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", m[1], code, errOut)
		}
		if out != m[2] {
			t.Errorf("README block for %q is stale\n--- README\n%s\n--- actual\n%s", m[1], m[2], out)
		}
	}
}

func TestCheckFromStdin(t *testing.T) {
	claim, err := os.ReadFile(filepath.Join("..", "..", "examples", "claims", "dexxon.json"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, string(claim), "policy", "check", "--policy", "dexxon")
	if code != 0 || !strings.Contains(out, "Decision:   ACCEPT") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestCheckPolicyFromFile(t *testing.T) {
	claim := `{"requester": {"role": "distributor", "country": "DE"}, "product": {"category": "thermal-camera", "part": "wearing"}, "dates": {"reported": "2026-01-01"}}`
	code, out, errOut := runCLI(t, claim, "policy", "check", "--policy", filepath.Join("..", "..", "policies", "pixfra.yaml"))
	if code != 0 || !strings.Contains(out, "part_not_covered [wearing-parts]") {
		t.Fatalf("exit %d, stderr %q:\n%s", code, errOut, out)
	}
}

// TestBadInput: every bad input exits 2 with one line naming what is wrong.
func TestBadInput(t *testing.T) {
	const ok = `{"requester": {"role": "partner"}, "product": {"category": "ssd"}, "dates": {"reported": "2026-01-01"}}`
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"no command", "", nil, ""},
		{"unknown command", "", []string{"frobnicate"}, `rmadesk: unknown command "frobnicate" (see 'rmadesk help')`},
		{"policy without subcommand", "", []string{"policy"}, "rmadesk: policy: missing subcommand (list, show, lint, check)"},
		{"unknown subcommand", "", []string{"policy", "judge"}, `rmadesk: policy: unknown subcommand "judge"`},
		{"unknown flag", ok, []string{"policy", "check", "--polcy", "dexxon"}, "rmadesk: flag provided but not defined: -polcy"},
		{"missing policy", ok, []string{"policy", "check"}, "rmadesk: --policy: required"},
		{"unknown policy", ok, []string{"policy", "check", "--policy", "acme"}, `rmadesk: --policy: unknown policy "acme" (known: dexxon, minicart, pixfra, plextor, webstore4; or give a YAML file)`},
		{"policy file missing", ok, []string{"policy", "check", "--policy", "nowhere/acme.yaml"}, "rmadesk: --policy: open nowhere/acme.yaml: no such file or directory"},
		{"claim file missing", "", []string{"policy", "check", "--policy", "dexxon", "--claim", "nowhere.json"}, "rmadesk: --claim: open nowhere.json: no such file or directory"},
		{"malformed JSON", `{"requester": `, []string{"policy", "check", "--policy", "dexxon"}, "rmadesk: claim: malformed JSON: unexpected end of input"},
		{"empty stdin", "", []string{"policy", "check", "--policy", "dexxon"}, "rmadesk: claim: empty input: expected a claim object"},
		{"bad date", strings.Replace(ok, "2026-01-01", "2026-13-01", 1), []string{"policy", "check", "--policy", "dexxon"}, `rmadesk: claim: dates.reported: "2026-13-01" is not a date in the form YYYY-MM-DD`},
		{"unknown role", strings.Replace(ok, "partner", "wizard", 1), []string{"policy", "check", "--policy", "dexxon"}, `rmadesk: claim: requester.role: unknown role "wizard" (one of consumer, end_user, dealer, partner, distributor)`},
		{"stray argument", ok, []string{"policy", "check", "--policy", "dexxon", "claim.json"}, `rmadesk: policy check: unexpected argument "claim.json"`},
		{"show without id", "", []string{"policy", "show"}, "rmadesk: policy show: give exactly one policy ID or file"},
		{"lint without files", "", []string{"policy", "lint"}, "rmadesk: policy lint: give one or more policy files"},
		{"lint missing file", "", []string{"policy", "lint", "nowhere.yaml"}, "rmadesk: policy lint: open nowhere.yaml: no such file or directory"},
		{"version of a file", ok, []string{"policy", "check", "--policy", "x.yaml", "--version", "2"}, "rmadesk: --version: applies to a pack ID, not to a policy file"},
		{"list from a missing dir", "", []string{"policy", "list", "--dir", "nowhere"}, `rmadesk: --dir: "nowhere" is not a directory`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.stdin, tc.args...)
			if code != exitBadInput {
				t.Fatalf("exit %d, want 2; stdout %q stderr %q", code, out, errOut)
			}
			if tc.want == "" {
				return
			}
			lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
			last := lines[len(lines)-1]
			if !strings.HasPrefix(last, tc.want) {
				t.Fatalf("stderr's last line\n  %q\nwant prefix\n  %q", last, tc.want)
			}
			if out != "" {
				t.Errorf("bad input printed to stdout: %q", out)
			}
		})
	}
}

func TestLint(t *testing.T) {
	good := filepath.Join("..", "..", "policies", "pixfra.yaml")
	code, out, _ := runCLI(t, "", "policy", "lint", good)
	if code != 0 || !strings.Contains(out, "pixfra.yaml: ok (pixfra 1,") {
		t.Fatalf("exit %d: %s", code, out)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	broken := strings.Replace(string(data), "valid_days: 30", "valid_days: -30\n  colour: red", 1)
	if err := os.WriteFile(bad, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, "", "policy", "lint", good, bad)
	if code != exitProblems {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	if !regexp.MustCompile(`bad\.yaml:\d+:\d+: rma_number\.colour: unknown key "colour"`).MatchString(out) {
		t.Fatalf("lint output lacks the position and path:\n%s", out)
	}
}

func TestListAndShow(t *testing.T) {
	code, out, _ := runCLI(t, "", "policy", "list")
	if code != 0 {
		t.Fatalf("list exit %d", code)
	}
	for _, id := range packIDs {
		if !strings.Contains(out, "\n"+id+" ") {
			t.Errorf("list lacks %s:\n%s", id, out)
		}
	}
	code, out, _ = runCLI(t, "", "policy", "show", "pixfra")
	if code != 0 {
		t.Fatalf("show exit %d", code)
	}
	checkGolden(t, "show/pixfra.txt", out)
	code, out, _ = runCLI(t, "", "policy", "show", "--clauses", "dexxon")
	if code != 0 || !strings.Contains(out, "[excl-animals] Warranty exclusions\n  Damage is caused by animals.") {
		t.Fatalf("show --clauses exit %d:\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "policy", "list", "--dir", filepath.Join("..", "..", "policies"))
	if code != 0 || strings.Count(out, "\n") != len(packIDs)+1 {
		t.Fatalf("list --dir exit %d:\n%s", code, out)
	}
}

func TestHelp(t *testing.T) {
	code, out, _ := runCLI(t, "", "help")
	if code != 0 || !strings.Contains(out, "policy") {
		t.Fatalf("help exit %d: %s", code, out)
	}
	code, _, errOut := runCLI(t, "", "policy", "check", "-h")
	if code != 0 || !strings.Contains(errOut, "--policy") && !strings.Contains(errOut, "-policy") {
		t.Fatalf("check -h exit %d: %s", code, errOut)
	}
}

// TestExitCodesOfTheBinary runs the real process, as a shell or CI would.
func TestExitCodesOfTheBinary(t *testing.T) {
	cases := []struct {
		args  []string
		stdin string
		code  int
	}{
		{[]string{"policy", "check", "--policy", "dexxon"}, `{"requester": {"role": "consumer"}, "product": {"category": "x"}, "dates": {"reported": "2026-01-01"}}`, 0},
		{[]string{"policy", "check", "--policy", "dexxon"}, `{"requester": {"role": "consumer"}}`, 2},
		{[]string{"policy", "check", "--policy", "nope"}, ``, 2},
	}
	for _, tc := range cases {
		cmd := exec.Command(os.Args[0], tc.args...)
		cmd.Env = append(os.Environ(), "RMADESK_RUN_MAIN=1")
		cmd.Stdin = strings.NewReader(tc.stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", tc.args, code, tc.code, stderr.String())
		}
		if code == 2 && strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%v: stderr is not one line: %q", tc.args, stderr.String())
		}
	}
}

// TestVersions: a directory may hold several versions of a pack; a claim is
// judged by the one in force on its reported date, or the one asked for.
func TestVersions(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "policies", "dexxon.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	v2 := strings.NewReplacer(`version: "1"`, `version: "2"`, "effective_from: 2020-01-01", "effective_from: 2027-01-01", "valid_days: 14", "valid_days: 21").Replace(string(src))
	for name, data := range map[string]string{"dexxon-1.yaml": string(src), "dexxon-2.yaml": v2} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	claim := func(reported string) string {
		return `{"requester": {"role": "partner"}, "product": {"category": "ssd"}, "dates": {"invoice": "2019-06-01", "reported": "` + reported + `"}}`
	}
	cases := []struct {
		reported, version, want string
	}{
		{"2026-12-31", "", `"policy_version": "1"`},
		{"2027-01-01", "", `"policy_version": "2"`},
		{"2027-01-01", "1", `"policy_version": "1"`},
		{"2026-12-31", "2", `"code": "policy_not_in_force"`},
		{"2019-12-31", "", `"policy_version": "1"`}, // before every version: the first, flagged
		{"2019-12-31", "", `"code": "policy_not_in_force"`},
	}
	for _, tc := range cases {
		args := []string{"policy", "check", "--dir", dir, "--policy", "dexxon", "--json"}
		if tc.version != "" {
			args = append(args, "--version", tc.version)
		}
		code, out, errOut := runCLI(t, claim(tc.reported), args...)
		if code != 0 || !strings.Contains(out, tc.want) {
			t.Errorf("reported %s version %q: exit %d %s, want %s in\n%s", tc.reported, tc.version, code, errOut, tc.want, out)
		}
	}
	code, out, _ := runCLI(t, "", "policy", "list", "--dir", dir)
	if code != 0 || !strings.Contains(out, "dexxon  1 ") || !strings.Contains(out, "dexxon  2 ") {
		t.Errorf("list shows both versions? exit %d\n%s", code, out)
	}
	code, _, errOut := runCLI(t, claim("2026-12-31"), "policy", "check", "--dir", dir, "--policy", "dexxon", "--version", "9")
	if code != 2 || !strings.Contains(errOut, `--version: policy dexxon has no version "9"`) {
		t.Errorf("unknown version: exit %d %s", code, errOut)
	}
	dup := filepath.Join(dir, "dexxon-copy.yaml")
	if err := os.WriteFile(dup, src, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "", "policy", "list", "--dir", dir)
	if code != 2 || !strings.Contains(errOut, "policy dexxon version 1 is also in") {
		t.Errorf("duplicate version: exit %d %s", code, errOut)
	}
}
