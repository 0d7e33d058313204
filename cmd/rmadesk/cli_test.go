package main

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/store/pgtest"
)

// The command line says what it means (issue 10, point 22).

// TestCLIParseFlagsInterspersed: flags may come after the arguments, in any
// order, and -- ends the flags.
func TestCLIParseFlagsInterspersed(t *testing.T) {
	cases := []struct {
		args    []string
		clauses bool
		version string
		rest    []string
	}{
		{[]string{"pixfra", "--clauses"}, true, "", []string{"pixfra"}},
		{[]string{"--clauses", "pixfra"}, true, "", []string{"pixfra"}},
		{[]string{"a", "--version", "2", "b", "-clauses", "c"}, true, "2", []string{"a", "b", "c"}},
		{[]string{"a", "--", "--clauses", "-x"}, false, "", []string{"a", "--clauses", "-x"}},
		{[]string{"--version=--", "a"}, false, "--", []string{"a"}},
		{[]string{"-", "--clauses"}, true, "", []string{"-"}},
		{nil, false, "", []string{}},
	}
	for _, tc := range cases {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		clauses := fs.Bool("clauses", false, "")
		version := fs.String("version", "", "")
		if err := parseFlags(fs, tc.args); err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if *clauses != tc.clauses || *version != tc.version || !slices.Equal(append([]string{}, fs.Args()...), tc.rest) {
			t.Errorf("%q: clauses %v version %q args %q; want %v %q %q", tc.args, *clauses, *version, fs.Args(), tc.clauses, tc.version, tc.rest)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := parseFlags(fs, []string{"a", "--nope"}); err == nil || !strings.Contains(err.Error(), "-nope") {
		t.Errorf("an unknown flag after an argument: %v", err)
	}
}

// TestCLIFlagsAfterArguments: the README's own order works for the commands
// that take arguments.
func TestCLIFlagsAfterArguments(t *testing.T) {
	code, after, errOut := runCLI(t, "", "policy", "show", "pixfra", "--clauses")
	if code != 0 {
		t.Fatalf("policy show pixfra --clauses: exit %d: %s", code, errOut)
	}
	_, before, _ := runCLI(t, "", "policy", "show", "--clauses", "pixfra")
	if after != before || !strings.Contains(after, "[") {
		t.Errorf("flag after the argument prints otherwise than before it:\n%s\n---\n%s", after, before)
	}
	good := filepath.Join("..", "..", "policies", "pixfra.yaml")
	if code, out, errOut := runCLI(t, "", "policy", "lint", good, "--dir", filepath.Join("..", "..", "policies")); code != exitBadInput || out != "" ||
		!strings.Contains(errOut, "flag provided but not defined: -dir") {
		t.Errorf("lint with an unknown flag after a file: exit %d %q %q", code, out, errOut)
	}
	// -- ends the flags: what follows is a file name, however it is spelt.
	if code, _, errOut := runCLI(t, "", "policy", "lint", "--", "--clauses"); code != exitBadInput || !strings.Contains(errOut, "open --clauses") {
		t.Errorf("lint -- --clauses: exit %d %q", code, errOut)
	}
	// A command with a subcommand and a store: import-csv with its file first.
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "", "org", "create", "--name", "Acme", "--data-dir", dir, "--role", "dealer", "--country", "NL"); code != 0 {
		t.Fatalf("org create: %d %s", code, errOut)
	}
	csv := filepath.Join(dir, "in.csv")
	if code, out, _ := runCLI(t, "", "import-csv", "--sample", "3"); code != 0 || os.WriteFile(csv, []byte(out), 0o644) != nil {
		t.Fatalf("import-csv --sample: %d", code)
	}
	if code, out, errOut := runCLI(t, "", "import-csv", csv, "--org", "Acme", "--data-dir", dir); code != 0 || !strings.Contains(out, "imported "+csv) {
		t.Errorf("import-csv FILE --org ...: exit %d %q %q", code, out, errOut)
	}
}

// TestCLIVersion: --version and the version command print the version.
func TestCLIVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}, {"-version"}} {
		code, out, errOut := runCLI(t, "", args...)
		if code != 0 || out != "rmadesk "+version+"\n" || errOut != "" {
			t.Errorf("%v: exit %d %q %q", args, code, out, errOut)
		}
	}
}

// TestCLIRefusesMissingDesk: the commands that only read a desk or add to
// one refuse a directory or database that holds none, with exit 2 and one
// line, and create nothing.
func TestCLIRefusesMissingDesk(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such", "dir")
	out := filepath.Join(t.TempDir(), "archive")
	for _, args := range [][]string{
		{"check", "--data-dir", missing},
		{"check", "--db", "sqlite:" + filepath.Join(missing, "rmadesk.db")},
		{"export", "--out", out, "--data-dir", missing},
		{"import-csv", "--org", "Acme", "--data-dir", missing, "-"},
		{"apikey", "create", "--org", "Acme", "--role", "requester", "--data-dir", missing},
		{"user", "create", "--org", "Acme", "--email", "a@acme.example", "--role", "requester", "--data-dir", missing},
	} {
		code, stdout, errOut := runCLI(t, "a long enough password\n", args...)
		if code != exitBadInput || stdout != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "no desk") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and one line saying there is no desk", args, code, stdout, errOut)
		}
		if _, err := os.Stat(missing); !os.IsNotExist(err) {
			t.Fatalf("%v created %s", args, missing)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatalf("%v created %s", args, out)
		}
	}
	// migrate makes a desk; then check finds it sound.
	if code, _, errOut := runCLI(t, "", "migrate", "--data-dir", missing); code != 0 {
		t.Fatalf("migrate: %d %s", code, errOut)
	}
	if code, out, errOut := runCLI(t, "", "check", "--data-dir", missing); code != 0 || !strings.Contains(out, "0 problems") {
		t.Fatalf("check after migrate: %d %s %s", code, out, errOut)
	}
}

// TestCLIRefusesMissingDeskPostgres: check on a PostgreSQL database that
// holds no desk refuses it, and leaves it without a schema.
func TestCLIRefusesMissingDeskPostgres(t *testing.T) {
	url := pgtest.URL(t)
	code, out, errOut := runCLI(t, "", "check", "--db", url, "--data-dir", t.TempDir())
	if code != exitBadInput || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "--db: the database holds no desk") {
		t.Fatalf("check on an empty database: exit %d %q %q", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "", "export", "--db", url, "--data-dir", t.TempDir(), "--out", filepath.Join(t.TempDir(), "a"))
	if code != exitBadInput || !strings.Contains(errOut, "holds no desk") {
		t.Fatalf("export from an empty database: exit %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "migrate", "--db", url); code != 0 {
		t.Fatalf("migrate: %d %s", code, errOut)
	}
	if code, out, errOut := runCLI(t, "", "check", "--db", url, "--data-dir", t.TempDir()); code != 0 || !strings.Contains(out, "0 problems") {
		t.Fatalf("check after migrate: %d %s %s", code, out, errOut)
	}
}

// TestCLIReadmeClaimRequired: the README's claim section names the fields
// a claim must have; a claim without any one of them is refused naming it,
// and a claim without any other field is decided.
func TestCLIReadmeClaimRequired(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := regexp.MustCompile("(?s)A claim \\(all dates .*?```json\n(.*?)```").FindSubmatch(readme)
	if section == nil {
		t.Fatal("README.md has no claim section with an example")
	}
	intro := string(section[0][:strings.Index(string(section[0]), "```")])
	var required []string
	for _, m := range regexp.MustCompile("`([a-z_.]+)`").FindAllStringSubmatch(strings.Split(intro, ";")[0], -1) {
		required = append(required, m[1])
	}
	if len(required) == 0 {
		t.Fatalf("the claim section names no required field:\n%s", intro)
	}
	example := string(section[1])
	// Every leaf field of the example: drop it and see whether it was needed.
	leaves := map[string]*regexp.Regexp{
		"kind":                regexp.MustCompile(`"kind": "[^"]*",\s*`),
		"requester.role":      regexp.MustCompile(`"role": "[^"]*",\s*`),
		"requester.country":   regexp.MustCompile(`,\s*"country": "[^"]*"`),
		"product.category":    regexp.MustCompile(`"category": "[^"]*",\s*`),
		"product.part":        regexp.MustCompile(`"part": "[^"]*",\s*`),
		"product.model":       regexp.MustCompile(`"model": "[^"]*",\s*`),
		"product.serial":      regexp.MustCompile(`,\s*"serial": "[^"]*"`),
		"dates.invoice":       regexp.MustCompile(`"invoice": "[^"]*",\s*`),
		"dates.reported":      regexp.MustCompile(`,\s*"reported": "[^"]*"`),
		"conditions":          regexp.MustCompile(`\s*"conditions": \[\],`),
		"cause":               regexp.MustCompile(`\s*"cause": "[^"]*",`),
		"documents":           regexp.MustCompile(`,\s*"documents": \[[^\]]*\]`),
		"(the whole example)": regexp.MustCompile(`^$`),
	}
	for field, re := range leaves {
		claim := re.ReplaceAllString(example, "")
		if claim == example && field != "(the whole example)" {
			t.Fatalf("README example changed: %s not found in\n%s", field, example)
		}
		code, _, errOut := runCLI(t, claim, "policy", "check", "--policy", "pixfra")
		if slices.Contains(required, field) {
			if code != exitBadInput || !strings.Contains(errOut, field+": required") {
				t.Errorf("without %s (README: required): exit %d %q; want 2 naming it", field, code, errOut)
			}
		} else if code != 0 {
			t.Errorf("without %s (README: optional): exit %d %q", field, code, errOut)
		}
	}
	for _, field := range required {
		if _, ok := leaves[field]; !ok {
			t.Errorf("README names %q as required, which is no field of the example", field)
		}
	}
}

// TestCLIUserPasswordOnStdin: there is no --password flag; the README and
// the errors say the password comes on standard input.
func TestCLIUserPasswordOnStdin(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(readme), "--password") {
		t.Error("README.md names a --password flag, which rmadesk does not have")
	}
	line := regexp.MustCompile(`(?m)^rmadesk user create .*$`).FindString(string(readme))
	if !strings.Contains(line, "< password") {
		t.Errorf("README's user create line does not say the password comes on stdin: %q", line)
	}
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "", "org", "create", "--name", "Acme", "--data-dir", dir, "--role", "dealer"); code != 0 {
		t.Fatalf("org create: %d %s", code, errOut)
	}
	code, _, errOut := runCLI(t, "short\n", "user", "create", "--data-dir", dir, "--org", "Acme", "--email", "b@acme.example", "--role", "requester")
	if code != exitBadInput || strings.Contains(errOut, "--password") || !strings.Contains(errOut, "standard input") {
		t.Errorf("short password: exit %d %q; want 2 naming standard input, not a flag", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "user", "create", "--data-dir", dir, "--org", "Acme", "--email", "b@acme.example", "--role", "requester", "--password", "a long enough password")
	if code != exitBadInput || !strings.Contains(errOut, "flag provided but not defined: -password") {
		t.Errorf("--password: exit %d %q", code, errOut)
	}
	code, out, errOut := runCLI(t, "a long enough password\n", "user", "create", "--data-dir", dir, "--org", "Acme", "--email", "b@acme.example", "--role", "requester")
	if code != 0 || !strings.Contains(out, "b@acme.example") {
		t.Errorf("password on stdin: exit %d %q %q", code, out, errOut)
	}
}

// TestCLIImportIntoNonEmptyIsBadInput: importing into a database that holds
// records is the caller's mistake: exit 2, one line.
func TestCLIImportIntoNonEmptyIsBadInput(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "", "org", "create", "--name", "Acme", "--data-dir", dir, "--role", "dealer"); code != 0 {
		t.Fatalf("org create: %d %s", code, errOut)
	}
	archiveDir := filepath.Join(t.TempDir(), "a")
	if code, _, errOut := runCLI(t, "", "export", "--data-dir", dir, "--out", archiveDir); code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "", "import", "--data-dir", dir, "--in", archiveDir)
	if code != exitBadInput || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "already holds records") {
		t.Fatalf("import into a desk with records: exit %d %q %q; want 2 and one line", code, out, errOut)
	}
}

// TestCLIImportCSVBadFile: a file that cannot be read prints only its
// error, exit 2; no summary line claims an import.
func TestCLIImportCSVBadFile(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "", "org", "create", "--name", "Acme", "--data-dir", dir, "--role", "dealer"); code != 0 {
		t.Fatalf("org create: %d %s", code, errOut)
	}
	for name, body := range map[string]string{
		"unknown column": "reference,colour\nPO-1,red\n",
		"empty":          "",
	} {
		code, out, errOut := runCLI(t, body, "import-csv", "--org", "Acme", "--data-dir", dir, "-")
		if code != exitBadInput || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "nothing was imported") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 2, nothing on stdout, one line", name, code, out, errOut)
		}
	}
	// A file that breaks after some RMAs: the one line says how many went in.
	_, sample, _ := runCLI(t, "", "import-csv", "--sample", "40")
	broken := sample + "\"PO-9,dexxon\n"
	code, out, errOut := runCLI(t, broken, "import-csv", "--org", "Acme", "--data-dir", dir, "-")
	if code != exitBadInput || out != "" || !regexp.MustCompile(`the \d+ RMAs before it were imported`).MatchString(errOut) {
		t.Errorf("broken after some RMAs: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestCLIDemoKeysReused: a demo desk started again keeps its keys; a key
// that no longer works (revoked, or not this desk's) is replaced, and only
// that one.
func TestCLIDemoKeysReused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	sf := storeFlags{dataDir: dir}
	db, err := sf.openStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	set, err := packs("")
	if err != nil {
		t.Fatal(err)
	}
	envFile := filepath.Join(dir, "demo-keys.env")
	seed := func(base string) map[string]string {
		t.Helper()
		if err := seedDemo(ctx, io.Discard, db, set, base, dir, time.Now); err != nil {
			t.Fatal(err)
		}
		return readKeys(t, envFile)
	}
	valid := func() int {
		t.Helper()
		var n int
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM api_keys WHERE revoked IS NULL`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	first := seed("http://127.0.0.1:1")
	if n := valid(); n != 8 || len(first) != 9 {
		t.Fatalf("first start: %d valid keys, %d lines in the env file; want 8 and 9", n, len(first))
	}
	second := seed("http://127.0.0.1:2")
	if n := valid(); n != 8 {
		t.Fatalf("second start: %d valid keys, want still 8", n)
	}
	for name, k := range first {
		if name != "RMADESK" && second[name] != k {
			t.Errorf("%s changed on the second start", name)
		}
	}
	if second["RMADESK"] != "http://127.0.0.1:2" {
		t.Errorf("the env file's URL is not this start's: %q", second["RMADESK"])
	}
	for name, k := range second {
		if name == "RMADESK" {
			continue
		}
		if _, err := auth.Authenticate(ctx, db, k); err != nil {
			t.Errorf("%s does not authenticate: %v", name, err)
		}
	}
	// One key revoked, one replaced by a stranger's: those two are made
	// anew, the others kept, and the revoked one stays revoked.
	prefix := strings.Split(second["AGENT_KEY"], "_")[1]
	if _, err := db.SQL().ExecContext(ctx, `UPDATE api_keys SET revoked = created WHERE prefix = $1`, prefix); err != nil {
		t.Fatal(err)
	}
	stranger, _, _, _ := auth.NewKey()
	data, _ := os.ReadFile(envFile)
	if err := os.WriteFile(envFile, []byte(strings.Replace(string(data), second["PIXFRA_KEY"], stranger, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	third := seed("http://127.0.0.1:2")
	if n := valid(); n != 9 {
		t.Errorf("third start: %d valid keys, want 9 (the first 8 less the revoked one, and two new)", n)
	}
	for name, k := range second {
		changed := third[name] != k
		if want := name == "AGENT_KEY" || name == "PIXFRA_KEY"; changed != want {
			t.Errorf("%s changed: %v, want %v", name, changed, want)
		}
	}
	if a, err := auth.Authenticate(ctx, db, third["AGENT_KEY"]); err != nil || a.Role != "agent" {
		t.Errorf("the new agent key: %+v %v", a, err)
	}
}

// TestCLINamesThatLookTheSame: org create and user create refuse a name or
// email with a character that cannot be seen, naming the flag, and take a
// look-alike of an existing one for it (issue 10, point 20); on SQLite and
// on PostgreSQL.
func TestCLINamesThatLookTheSame(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			store := []string{"--data-dir", t.TempDir()}
			if backend == "postgres" {
				store = append(store, "--db", pgtest.URL(t))
			}
			cli := func(stdin string, args ...string) (int, string, string) {
				return runCLI(t, stdin, append(args, store...)...)
			}
			if code, out, errOut := cli("", "org", "create", "--name", "Demo Partner for Dexxon", "--role", "partner"); code != 0 {
				t.Fatalf("org create: %d %s %s", code, out, errOut)
			}
			for _, c := range []struct{ name, want string }{
				{"Demo Partner\u200b for Dexxon", "--name: contains U+200B ZERO WIDTH SPACE"},
				{"\uff24emo Partner for Dexxon", "exists"},
				{"DEMO PARTNER FOR DEXXON", "exists"},
			} {
				code, out, errOut := cli("", "org", "create", "--name", c.name, "--role", "partner")
				if code != exitBadInput || out != "" || !strings.Contains(errOut, c.want) {
					t.Errorf("org create %q: exit %d %q %q; want 2 and %q", c.name, code, out, errOut, c.want)
				}
			}
			// The organisation is found however its name is typed.
			if code, out, errOut := cli("", "apikey", "create", "--org", "\uff24emo partner for dexxon", "--role", "requester"); code != 0 || !strings.HasPrefix(out, "rk_") {
				t.Errorf("apikey create by a look-alike name: %d %q %q", code, out, errOut)
			}
			const pw = "a long enough password\n"
			if code, out, errOut := cli(pw, "user", "create", "--org", "Demo Partner for Dexxon", "--email", "Jose\u0301@Demo.example", "--role", "requester"); code != 0 || !strings.Contains(out, "Jos\u00e9@Demo.example") {
				t.Fatalf("user create with an NFD email: %d %q %q; want it stored NFC", code, out, errOut)
			}
			for _, c := range []struct{ email, want string }{
				{"jos\u00e9@demo.example", "exists"},
				{"jos\u00e9\u200b@demo.example", "--email: contains U+200B ZERO WIDTH SPACE"},
			} {
				code, _, errOut := cli(pw, "user", "create", "--org", "Demo Partner for Dexxon", "--email", c.email, "--role", "requester")
				if code != exitBadInput || !strings.Contains(errOut, c.want) {
					t.Errorf("user create %q: exit %d %q; want 2 and %q", c.email, code, errOut, c.want)
				}
			}
		})
	}
}
