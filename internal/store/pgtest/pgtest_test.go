package pgtest

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestMain(m *testing.M) { Main(m) }

func connect(t *testing.T, u string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func exec1(t *testing.T, db *sql.DB, query string) {
	t.Helper()
	if _, err := db.ExecContext(t.Context(), query); err != nil {
		t.Fatal(err)
	}
}

// TestDatabasesAreIsolatedAndDropped: each URL is a database of its own,
// gone when its test ends.
func TestDatabasesAreIsolatedAndDropped(t *testing.T) {
	var name string
	t.Run("one test", func(t *testing.T) {
		a, b := connect(t, URL(t)), connect(t, URL(t))
		exec1(t, a, "CREATE TABLE only_in_a (x int)")
		var n int
		if err := b.QueryRowContext(t.Context(), `SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("a table of one database is in the other: %d, %v", n, err)
		}
		if err := a.QueryRowContext(t.Context(), "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
	})
	var n int
	if err := connect(t, URL(t)).QueryRowContext(t.Context(), `SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil || n != 0 {
		t.Fatalf("database %s still exists after its test: %d, %v", name, n, err)
	}
}

// TestTemplate: a template is prepared once, and each test gets a copy of
// its own.
func TestTemplate(t *testing.T) {
	prepared := 0
	withTable := Template(func(ctx context.Context, u string) error {
		prepared++
		db, err := sql.Open("pgx", u)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.ExecContext(ctx, "CREATE TABLE prepared (x int)")
		return err
	})
	for i := range 2 {
		db := connect(t, withTable(t))
		// Each copy starts with the template's table and nothing else.
		exec1(t, db, fmt.Sprintf("INSERT INTO prepared VALUES (%d)", i))
		var n int
		if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM prepared").Scan(&n); err != nil || n != 1 {
			t.Fatalf("copy %d holds %d rows, %v", i, n, err)
		}
	}
	if prepared != 1 {
		t.Fatalf("prepared %d times", prepared)
	}
}

// TestServerIsPrivate: the server listens on its socket only, keeps the
// default durability, stores UTF-8, and does not run as root.
func TestServerIsPrivate(t *testing.T) {
	u := URL(t)
	db := connect(t, u)
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ setting, want string }{
		{"listen_addresses", ""},
		{"unix_socket_directories", parsed.Query().Get("host")},
		{"fsync", "on"},
		{"synchronous_commit", "on"},
		{"server_encoding", "UTF8"},
	} {
		var got string
		if err := db.QueryRowContext(t.Context(), "SHOW "+tc.setting).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s = %q, want %q", tc.setting, got, tc.want)
		}
	}
	var dataDir string
	if err := db.QueryRowContext(t.Context(), "SHOW data_directory").Scan(&dataDir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	owner := fi.Sys().(*syscall.Stat_t).Uid
	if want := uint32(os.Geteuid()); want != 0 && owner != want || want == 0 && owner == 0 {
		t.Fatalf("the data directory belongs to uid %d (tests run as %d)", owner, want)
	}
}

// helper runs this test binary again to run one helper test, with extra
// environment, and returns its output and exit code.
func helper(t *testing.T, name string, env ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), append([]string{"PGTEST_HELPER=1"}, env...)...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return string(out), cmd.ProcessState.ExitCode()
}

// TestWithoutPostgreSQL: with no PostgreSQL installed, a test is skipped
// with one line saying so, except under CI, where it fails.
func TestWithoutPostgreSQL(t *testing.T) {
	for _, tc := range []struct {
		ci       string
		wantExit int
		want     string
	}{
		{"", 0, "--- SKIP: TestHelperURL"},
		{"true", 1, "--- FAIL: TestHelperURL"},
	} {
		out, code := helper(t, "TestHelperURL", "PGTEST_BINDIR="+t.TempDir(), "CI="+tc.ci)
		if code != tc.wantExit || !strings.Contains(out, tc.want) || !strings.Contains(out, "no initdb") {
			t.Errorf("CI=%q: exit %d, output:\n%s", tc.ci, code, out)
		}
	}
}

func TestHelperURL(t *testing.T) {
	if os.Getenv("PGTEST_HELPER") == "" {
		t.Skip("run by TestWithoutPostgreSQL")
	}
	URL(t)
}

// TestWatchdogAfterCrash: a test binary that dies without its cleanup
// (here: os.Exit in a test) leaves no server running and no files behind.
func TestWatchdogAfterCrash(t *testing.T) {
	out, code := helper(t, "TestHelperCrash")
	var dir string
	var pid int
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if _, err := fmt.Sscanf(sc.Text(), "SERVER %s %d", &dir, &pid); err == nil {
			break
		}
	}
	if code != 3 || dir == "" || pid == 0 {
		t.Fatalf("the helper did not start a server and crash: exit %d, output:\n%s", code, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, statErr := os.Stat(dir)
		gone := errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
		if gone && errors.Is(statErr, os.ErrNotExist) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("30s after the crash: server %d gone %v, %s: %v", pid, gone, dir, statErr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestHelperCrash(t *testing.T) {
	if os.Getenv("PGTEST_HELPER") == "" {
		t.Skip("run by TestWatchdogAfterCrash")
	}
	u, err := url.Parse(URL(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := u.Query().Get("host")
	b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("SERVER %s %d\n", dir, pid)
	os.Exit(3) // no cleanup runs: as a panic, a -timeout or a kill
}
