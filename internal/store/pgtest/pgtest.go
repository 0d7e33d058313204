// Package pgtest runs a throw-away PostgreSQL server for tests, so that the
// PostgreSQL store is tested against the real thing with nothing to set up
// beforehand.
//
// A test package opts in with
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// and asks for a database with URL(t), which returns the URL of a new,
// empty database (CREATE DATABASE t_<random>) that is dropped when the test
// ends. Nothing is started until the first URL call, so a package whose
// selected tests need no database pays nothing; Main stops the server and
// removes its files when the tests are done.
//
// Template serves tests that want a database already set up (migrated):
// it prepares one database once per test binary, and each test gets a
// copy (CREATE DATABASE ... TEMPLATE), which is faster than migrating anew.
//
// How the server is found and run:
//
//   - initdb is looked up in PATH, then in /usr/lib/postgresql/*/bin (the
//     newest version first, as Debian installs it); pg_ctl comes from the
//     same directory as the initdb it found, so the two always match.
//     PGTEST_BINDIR, when set, is the only directory looked in: to test
//     against one of several installed versions.
//   - initdb makes a cluster in a new temporary directory: UTF8, locale C,
//     trust authentication for the user "postgres". The server listens on
//     a Unix socket in that directory and on no TCP address at all
//     (listen_addresses = ”), so it is reachable from this machine only,
//     and two test binaries never compete for a port. fsync and
//     synchronous_commit keep their defaults (on): the tests see the
//     durability production has.
//   - pg_ctl starts it and waits until it accepts connections; the server's
//     log is in the directory, and its end is shown when start fails.
//   - PostgreSQL refuses to run as root. When the tests run as root the
//     directory is given to the "postgres" user (or "nobody" when there is
//     none) and initdb and pg_ctl run as that user: the child processes get
//     its uid and gid directly (SysProcAttr.Credential), which needs no
//     runuser, su or sudo.
//   - A test binary that dies without reaching Main's cleanup (a panic, a
//     -timeout, a kill) would leave the server running. A small watchdog
//     shell, started in its own session, waits for the test process to end
//     and then stops the server and removes the directory, however it ended.
//
// When PostgreSQL is not installed, URL skips the test with one line that
// says how to install it; when the environment has CI=true it fails the
// test instead, so that CI cannot pass by skipping every PostgreSQL test.
// scripts/deps.sh installs PostgreSQL.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// port only names the socket file (.s.PGSQL.<port>) in the server's own
// directory: with no TCP listener, any value is free.
const port = 5432

// server is the one running server of this test binary.
type server struct {
	dir     string              // temporary directory: data/, the socket, server.log
	binDir  string              // where initdb and pg_ctl are
	cred    *syscall.Credential // nil unless running as root
	admin   *sql.DB             // to the "postgres" database, for CREATE/DROP DATABASE
	watcher *os.Process
}

var (
	startOnce sync.Once
	srv       *server
	startErr  error
	missing   bool // PostgreSQL is not installed: skip, not fail
)

// Main runs the tests of a package and then stops the server, if a test
// started one. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if srv != nil {
		if err := srv.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		}
	}
	os.Exit(code)
}

// URL returns the URL of a new, empty database on the test server, dropped
// when t ends. The server is started on first use.
func URL(t testing.TB) string {
	t.Helper()
	return running(t).create(t, "")
}

// running returns the server, starting it on first use; without one it
// skips t, or fails it when PostgreSQL is installed but would not start,
// or when CI=true.
func running(t testing.TB) *server {
	t.Helper()
	startOnce.Do(func() { srv, startErr = start() })
	if startErr != nil {
		if missing && os.Getenv("CI") != "true" {
			t.Skip("PostgreSQL not installed: " + startErr.Error() + " (scripts/deps.sh installs it)")
		}
		t.Fatalf("pgtest: %v", startErr)
	}
	return srv
}

// create makes a database for t, copied from template ("": the server's
// empty template1), and drops it when t ends.
func (s *server) create(t testing.TB, template string) string {
	t.Helper()
	name := "t_" + randomHex(6)
	// A database name cannot be a parameter; the names are ours and plain
	// [a-z0-9_], so they need no quoting.
	stmt := "CREATE DATABASE " + name
	if template != "" {
		stmt += " TEMPLATE " + template
	}
	if _, err := s.admin.ExecContext(context.Background(), stmt); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		// WITH (FORCE) ends connections a test left open, so one test's
		// leak does not fail the next; the server is removed at exit anyway.
		if _, err := s.admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return s.url(name)
}

// Template returns a function like URL whose databases start as copies of
// one that prepare sets up, given its URL, on first use. prepare must close
// its connections before it returns: PostgreSQL copies only a database no
// one is connected to. A failed prepare fails every test that asks.
func Template(prepare func(ctx context.Context, url string) error) func(t testing.TB) string {
	var (
		once sync.Once
		name string
		err  error
	)
	return func(t testing.TB) string {
		t.Helper()
		s := running(t)
		once.Do(func() {
			name = "tmpl_" + randomHex(6)
			// Not dropped: it lives as long as the server.
			if _, err = s.admin.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
				return
			}
			err = prepare(context.Background(), s.url(name))
		})
		if err != nil {
			t.Fatalf("pgtest: prepare template: %v", err)
		}
		return s.create(t, name)
	}
}

// url is a pgx URL for a database over the Unix socket.
func (s *server) url(database string) string {
	q := url.Values{}
	q.Set("host", s.dir)
	q.Set("port", strconv.Itoa(port))
	q.Set("sslmode", "disable")
	return "postgres://postgres@/" + database + "?" + q.Encode()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// findBinDir returns the directory holding initdb and pg_ctl.
func findBinDir() (string, error) {
	if dir := os.Getenv("PGTEST_BINDIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err != nil {
			return "", fmt.Errorf("no initdb in PGTEST_BINDIR=%s", dir)
		}
		return dir, nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		// PATH often holds symlinks (Debian's wrappers, /usr/local/bin):
		// pg_ctl and postgres are beside the real file, not the link.
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	// Newest major version first: "9.6" < "15" numerically, not as text.
	sort.Slice(dirs, func(i, j int) bool { return majorVersion(dirs[i]) > majorVersion(dirs[j]) })
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	return "", errors.New("no initdb in PATH or /usr/lib/postgresql/*/bin")
}

// majorVersion reads the version out of /usr/lib/postgresql/VERSION/bin.
func majorVersion(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

// serverUser is who runs the server: the current user, or when that is
// root an unprivileged one, since PostgreSQL refuses to run as root.
func serverUser() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			continue
		}
		// Groups empty: the child drops root's supplementary groups too.
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
	}
	return nil, errors.New("running as root, and there is neither a postgres nor a nobody user to run the server as")
}

func start() (*server, error) {
	binDir, err := findBinDir()
	if err != nil {
		missing = true
		return nil, err
	}
	cred, err := serverUser()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "rmadesk-pgtest-")
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir, binDir: binDir, cred: cred}
	if err := s.init(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.startServer(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	admin, err := sql.Open("pgx", s.url("postgres"))
	if err == nil {
		err = admin.PingContext(context.Background())
	}
	if err != nil {
		s.stop()
		return nil, fmt.Errorf("connect to the test server: %w", err)
	}
	s.admin = admin
	return s, nil
}

// command runs a PostgreSQL program as the server's user, in the server's
// directory (the user may not be allowed into the test's working directory).
func (s *server) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.binDir, name), args...)
	cmd.Dir = s.dir
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd
}

func run(cmd *exec.Cmd) error {
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	return nil
}

// init makes the cluster and writes its settings.
func (s *server) init() error {
	if s.cred != nil {
		if err := os.Chown(s.dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			return err
		}
	}
	data := filepath.Join(s.dir, "data")
	// --no-sync: initdb's files need not reach the disk, the cluster is
	// thrown away; the server itself keeps fsync on.
	if err := run(s.command("initdb", "-D", data, "--auth=trust", "--username=postgres",
		"--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions")); err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	conf := fmt.Sprintf(`
# pgtest: a private server, reachable through its socket only.
listen_addresses = ''
unix_socket_directories = '%s'
port = %d
max_connections = 200
`, s.dir, port)
	f, err := os.OpenFile(filepath.Join(data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(conf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *server) startServer() error {
	data, log := filepath.Join(s.dir, "data"), filepath.Join(s.dir, "server.log")
	if err := run(s.command("pg_ctl", "start", "-D", data, "-l", log, "-w", "-t", "60")); err != nil {
		tail, _ := os.ReadFile(log)
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return fmt.Errorf("start: %w\nserver log:\n%s", err, tail)
	}
	s.watch()
	return nil
}

// watch starts the watchdog: a shell in its own session (so that a ^C to
// the test's process group does not end it first) that waits for this
// process to end, then stops the server and removes its directory. It is
// best effort: without it only a crashed test run leaks a server.
func (s *server) watch() {
	// kill -0 answers for a process of the same user; when the tests run
	// as root the watchdog is not, and /proc answers instead.
	script := `while kill -0 "$1" 2>/dev/null || [ -d "/proc/$1" ]; do sleep 1; done
"$2/pg_ctl" stop -D "$3/data" -m immediate >/dev/null 2>&1
rm -rf "$3"`
	cmd := exec.Command("/bin/sh", "-c", script, "pgtest-watchdog", strconv.Itoa(os.Getpid()), s.binDir, s.dir)
	// pg_ctl refuses to run as root, so the watchdog runs as the server's
	// user; it has no standard streams, so go test never waits on it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Credential: s.cred}
	if err := cmd.Start(); err == nil {
		s.watcher = cmd.Process
		go cmd.Wait() // reap it should it end first
	}
}

// stop stops the server and removes its directory.
func (s *server) stop() error {
	if s.admin != nil {
		s.admin.Close()
	}
	err := run(s.command("pg_ctl", "stop", "-D", filepath.Join(s.dir, "data"), "-m", "fast", "-w", "-t", "60"))
	if s.watcher != nil {
		s.watcher.Kill()
	}
	// Give the data files a moment to be released before removing them.
	for range 10 {
		if rerr := os.RemoveAll(s.dir); rerr == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}
