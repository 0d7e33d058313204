package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The load tool's tests keep it working: each workload runs about a second
// with a few clients against SQLite. They assert what was done, never how
// fast (figures are docs/BENCHMARKS.md's business).

// benchSummary matches a run's last line.
var benchSummary = regexp.MustCompile(`^(submit|mixed|recall|reports): \d+/s p99 [\d.]+ms`)

func runBenchCLI(t *testing.T, args ...string) []string {
	t.Helper()
	code, out, errOut := runCLI(t, "", append([]string{"bench"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if !benchSummary.MatchString(last) {
		t.Fatalf("last line %q is not a summary\n%s", last, out)
	}
	if strings.Contains(last, "errors") {
		t.Fatalf("requests failed:\n%s\nstderr:\n%s", out, errOut)
	}
	return lines
}

// row returns the table row of an operation, failing if it is missing.
func row(t *testing.T, lines []string, op string) string {
	t.Helper()
	for _, l := range lines {
		if strings.HasPrefix(l, op+" ") {
			return l
		}
	}
	t.Fatalf("no row for %q in\n%s", op, strings.Join(lines, "\n"))
	return ""
}

func TestBenchWorkloads(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the server under load")
	}
	t.Run("submit", func(t *testing.T) {
		lines := runBenchCLI(t, "--workload", "submit", "--clients", "4", "--duration", "1s", "--rmas", "100", "--raw-duration", "300ms")
		row(t, lines, "submit")
		out := strings.Join(lines, "\n")
		for _, want := range []string{"seeded 100 RMAs", "raw baseline", "raw-ratio"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("mixed", func(t *testing.T) {
		// Which operations a second holds depends on the machine (and
		// the race detector): the first requests of the clients are reads.
		lines := runBenchCLI(t, "--workload", "mixed", "--clients", "4", "--duration", "1s", "--rmas", "300", "--raw=false")
		row(t, lines, "queue page")
		row(t, lines, "rma detail")
	})
	t.Run("recall", func(t *testing.T) {
		lines := runBenchCLI(t, "--workload", "recall", "--clients", "4", "--count", "200", "--rmas", "0", "--raw=false")
		if last := lines[len(lines)-1]; !strings.Contains(last, "(200 of 200 in") {
			t.Fatalf("the burst was not completed: %s", last)
		}
		row(t, lines, "search by model")
	})
	t.Run("reports", func(t *testing.T) {
		// A seed from three requesters, some of it worked through the
		// desk's steps; each report through the API and the portal.
		lines := runBenchCLI(t, "--workload", "reports", "--clients", "2", "--duration", "2s", "--rmas", "200", "--orgs", "3", "--lifecycle", "40", "--raw=false")
		out := strings.Join(lines, "\n")
		if !regexp.MustCompile(`worked 40 RMAs through their steps`).MatchString(out) {
			t.Errorf("no lifecycle:\n%s", out)
		}
		row(t, lines, "api findings")
		row(t, lines, "api money requester")
		row(t, lines, "portal index")
	})
}

// TestReportsCommand: the roll-ups of a bench's seed, some of it taken
// through the desk's steps by many writers at once, are the sum of its
// records; rebuilding them keeps them so.
func TestReportsCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a desk")
	}
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "bench.db")
	if code, out, errOut := runCLI(t, "", "bench", "--db", dbURL, "--rmas", "300", "--orgs", "4", "--lifecycle", "120", "--seed-only"); code != 0 {
		t.Fatalf("seed: exit %d\n%s%s", code, out, errOut)
	}
	for _, cmd := range []string{"check", "rebuild", "check"} {
		code, out, errOut := runCLI(t, "", "reports", cmd, "--db", dbURL)
		if code != 0 || !strings.Contains(out, "the reports' roll-ups") {
			t.Fatalf("reports %s: exit %d\n%s%s", cmd, code, out, errOut)
		}
	}
	for _, args := range [][]string{{"reports"}, {"reports", "show"}, {"reports", "check", "extra", "--db", dbURL}} {
		if code, _, errOut := runCLI(t, "", args...); code != exitBadInput || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want %d with a message", args, code, errOut, exitBadInput)
		}
	}
}

// TestBenchSeedThenURL: seed a database file once, serve it, and drive the
// running desk through --url with an admin key, as the 1,000,000-RMA
// figures are measured.
func TestBenchSeedThenURL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the server under load")
	}
	dir := t.TempDir()
	dbURL := "sqlite:" + filepath.Join(dir, "bench.db")
	code, out, errOut := runCLI(t, "", "bench", "--db", dbURL, "--rmas", "150", "--seed-only")
	if code != 0 || !strings.Contains(out, "seeded 150 RMAs") {
		t.Fatalf("seed: exit %d\n%s%s", code, out, errOut)
	}
	// Seeding again finds them there.
	if code, out, _ = runCLI(t, "", "bench", "--db", dbURL, "--rmas", "150", "--seed-only"); code != 0 || !strings.Contains(out, "holds 150 RMAs already") {
		t.Fatalf("second seed: exit %d\n%s", code, out)
	}

	sf := storeFlags{dataDir: dir, db: dbURL}
	db, err := sf.openStore(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	set, err := packs("")
	if err != nil {
		t.Fatal(err)
	}
	accounts := auth.NewAccounts(db)
	desk, err := accounts.OrgByName(t.Context(), benchDesk)
	if err != nil {
		t.Fatal(err)
	}
	admin, _, err := accounts.CreateKey(t.Context(), rma.System, desk.ID, rma.RoleAdmin, "test")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := startBenchServer(context.Background(), db, set, dir, false, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	lines := runBenchCLI(t, "--url", srv.url, "--admin-key", admin, "--workload", "mixed", "--clients", "3", "--duration", "1s",
		"--pid", "1")
	row(t, lines, "queue page")
	if !strings.Contains(strings.Join(lines, "\n"), "(the serve process, pid 1)") {
		t.Errorf("no resident memory of --pid 1:\n%s", strings.Join(lines, "\n"))
	}
}

func TestBenchBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--workload", "browse"},
		{"--clients", "0"},
		{"--url", "http://127.0.0.1:1"},                        // no admin key
		{"--url", "http://127.0.0.1:1", "--db", "sqlite:x.db"}, // both
		{"--seed-only"},                                        // no --db
		{"--orgs", "0"},
		{"--lifecycle", "-1"},
		{"extra"},
	} {
		if code, _, errOut := runCLI(t, "", append([]string{"bench"}, args...)...); code != exitBadInput || errOut == "" {
			t.Errorf("bench %v: exit %d, stderr %q; want %d with a message", args, code, errOut, exitBadInput)
		}
	}
}

func TestImportCSV(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "import.db")
	if code, _, errOut := runCLI(t, "", "org", "create", "--db", db, "--name", "Partner", "--role", "partner", "--country", "NL"); code != 0 {
		t.Fatal(errOut)
	}
	code, sample, _ := runCLI(t, "", "import-csv", "--sample", "40")
	if code != 0 || !strings.HasPrefix(sample, "reference,policy,") || strings.Count(sample, "\n") != 41 {
		t.Fatalf("sample: exit %d\n%s", code, sample)
	}
	file := filepath.Join(dir, "rmas.csv")
	if err := os.WriteFile(file, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "import-csv", "--db", db, "--org", "Partner", "--batch", "7", file)
	if code != 0 || !regexp.MustCompile(`^imported .*: \d+ RMAs with 40 lines in `).MatchString(out) {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	// The same file again files nothing twice.
	code, out, _ = runCLI(t, "", "import-csv", "--db", db, "--org", "Partner", file)
	if code != 0 || !strings.Contains(out, ": 0 RMAs with 0 lines") || !strings.Contains(out, "imported before") {
		t.Fatalf("second import: exit %d\n%s", code, out)
	}

	// Bad rows refuse their RMA and name the line; the others are filed.
	bad := "reference,policy,category,purchase,quantity\n" +
		"R1,dexxon,ssd,2026-01-10,1\n" +
		"R2,dexxon,ssd,2026-13-01,1\n" + // no such month
		"R3,dexxon,ssd,2026-01-10,1\n" +
		"R3,plextor,ssd,2026-01-10,1\n" + // a second policy within one RMA
		"R4,nosuch,ssd,2026-01-10,1\n" + // the service refuses the policy
		"R5,dexxon,ssd,2026-01-10,1\n"
	code, out, errOut = runCLI(t, bad, "import-csv", "--db", db, "--org", "Partner", "-")
	if code != exitProblems || !strings.Contains(out, ": 2 RMAs with 2 lines") || !strings.Contains(out, "3 refused") {
		t.Fatalf("bad rows: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"line 3 (R2): line 3: purchase", "lines 4-5 (R3): line 5: policy", "line 6 (R4)"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}

	for _, tc := range []struct{ name, csv string }{
		{"unknown column", "reference,policy,category,colour\nR,dexxon,ssd,red\n"},
		{"missing column", "reference,category\nR,ssd\n"},
		{"reference apart", "reference,policy,category\nA,dexxon,ssd\nB,dexxon,ssd\nA,dexxon,ssd\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.csv, "import-csv", "--db", db, "--org", "Partner", "-")
			if code != exitBadInput || errOut == "" {
				t.Fatalf("exit %d, stderr %q; want %d", code, errOut, exitBadInput)
			}
		})
	}
	if code, _, errOut := runCLI(t, "", "import-csv", "--db", db, "--org", "Nobody", file); code != exitBadInput {
		t.Fatalf("unknown org: exit %d %s", code, errOut)
	}
}
