// Package s3test runs a throw-away S3-compatible server for tests, so that
// the bucket store is tested against a real S3 implementation, not a mock.
//
// The server is versitygw (github.com/versity/versitygw), an S3 gateway
// written in Go, over its posix backend: each bucket is a directory, the
// objects' metadata is kept in a sidecar directory beside it (no extended
// attributes needed of the file system). Its large dependency tree stays out
// of the desk's go.mod: internal/testtools is a module of its own whose
// go.mod names the version (a tool directive), and the binary is built from
// it with the Go module proxy on first use, then kept in the user's cache
// directory under a name that includes the SHA-256 of that module's go.sum,
// so a new version builds anew and every later test run, and every package
// of one run, shares the one binary. A file lock makes parallel test
// binaries wait for one build rather than each building their own.
//
// A test package opts in with
//
//	func TestMain(m *testing.M) { s3test.Main(m) }
//
// and asks for a bucket with Config(t), which returns the settings of a new,
// empty bucket on the server (started on first use, on 127.0.0.1 only).
// Main stops the server and removes its files; a watchdog shell does the
// same should the test binary die first.
package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/rmadesk/rmadesk/internal/filestore"
)

const (
	accessKey = "rmadesk-test"
	secretKey = "rmadesk-test-secret-key"
	region    = "us-east-1"
)

type server struct {
	dir      string // temporary: data/, sidecar/, server.log
	endpoint string // http://127.0.0.1:PORT
	cmd      *exec.Cmd
	exited   chan struct{} // closed when the server has ended
	watcher  *os.Process
	client   *minio.Client
}

var (
	startOnce sync.Once
	srv       *server
	startErr  error
)

// Main runs the tests of a package and then stops the server, if a test
// started one. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if srv != nil {
		srv.stop()
	}
	os.Exit(code)
}

// Config returns the settings of a new, empty bucket on the test server;
// the objects have a prefix, as a desk sharing a bucket would use.
func Config(t testing.TB) filestore.S3Config {
	t.Helper()
	startOnce.Do(func() { srv, startErr = start() })
	if startErr != nil {
		t.Fatalf("s3test: %v", startErr)
	}
	name := "t-" + randomHex(6)
	if err := srv.client.MakeBucket(context.Background(), name, minio.MakeBucketOptions{Region: region}); err != nil {
		t.Fatalf("s3test: make bucket: %v", err)
	}
	// The bucket is removed with the server's directory.
	return filestore.S3Config{
		Bucket: name, Prefix: "desk/files", Endpoint: srv.endpoint, Region: region,
		AccessKey: accessKey, SecretKey: secretKey, PathStyle: true,
	}
}

// Env returns cfg as the environment rmadesk reads it (RMADESK_FILES and
// the RMADESK_S3_* variables), for tests that run the command.
func Env(cfg filestore.S3Config) []string {
	return []string{
		"RMADESK_FILES=s3://" + cfg.Bucket + "/" + cfg.Prefix,
		"RMADESK_S3_ENDPOINT=" + cfg.Endpoint,
		"RMADESK_S3_REGION=" + cfg.Region,
		"RMADESK_S3_ACCESS_KEY_ID=" + cfg.AccessKey,
		"RMADESK_S3_SECRET_ACCESS_KEY=" + cfg.SecretKey,
		"RMADESK_S3_PATH_STYLE=true",
	}
}

// Client returns a client of the test server, to look at what a store
// wrote behind its back (or damage it, for the checker's tests).
func Client(t testing.TB) *minio.Client {
	t.Helper()
	if srv == nil {
		t.Fatal("s3test: Client before Config")
	}
	return srv.client
}

func start() (*server, error) {
	bin, err := binary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "s3test-")
	if err != nil {
		return nil, err
	}
	for _, sub := range []string{"data", "sidecar"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, err
		}
	}
	s := &server{dir: dir}
	// A free port is found by listening on port 0 and letting it go; another
	// process could take it in between, so a start that fails is tried again.
	for try := 0; ; try++ {
		err = s.run(bin)
		if err == nil || try == 2 {
			break
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.watch()
	return s, nil
}

func (s *server) run(bin string) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	logf, err := os.Create(filepath.Join(s.dir, "server.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "--access", accessKey, "--secret", secretKey, "--region", region,
		"--port", addr, "--quiet",
		"posix", "--sidecar", filepath.Join(s.dir, "sidecar"), filepath.Join(s.dir, "data"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	client, err := minio.New(addr, &minio.Options{
		Creds: credentials.NewStaticV4(accessKey, secretKey, ""), Region: region, BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		cmd.Process.Kill()
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err = client.ListBuckets(ctx)
		cancel()
		if err == nil {
			break
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
			return fmt.Errorf("versitygw ended at start: %s", tail(log))
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			return fmt.Errorf("versitygw on %s did not answer in 30 s: %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.cmd, s.exited, s.endpoint, s.client = cmd, exited, "http://"+addr, client
	return nil
}

// watch starts a shell in its own session that waits for this process to
// end, then ends the server and removes its directory: best effort, so a
// crashed test run leaks nothing.
func (s *server) watch() {
	script := `while kill -0 "$1" 2>/dev/null || [ -d "/proc/$1" ]; do sleep 1; done
kill "$2" 2>/dev/null
rm -rf "$3"`
	cmd := exec.Command("/bin/sh", "-c", script, "s3test-watchdog", strconv.Itoa(os.Getpid()), strconv.Itoa(s.cmd.Process.Pid), s.dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err == nil {
		s.watcher = cmd.Process
		go cmd.Wait()
	}
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
	}
	if s.watcher != nil {
		s.watcher.Kill()
	}
	os.RemoveAll(s.dir)
}

// binary returns the path of the versitygw binary, building it first if
// the cache has none for the version internal/testtools names.
func binary() (string, error) {
	tools, err := toolsDir()
	if err != nil {
		return "", err
	}
	sum, err := os.ReadFile(filepath.Join(tools, "go.sum"))
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(sum)
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "rmadesk-testtools")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "versitygw-"+hex.EncodeToString(h[:6]))
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	lock, err := os.OpenFile(bin+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(bin); err == nil { // another test binary built it while this one waited
		return bin, nil
	}
	tmp := bin + ".building"
	cmd := exec.Command("go", "build", "-o", tmp, "github.com/versity/versitygw/cmd/versitygw")
	cmd.Dir = tools
	// The tools module is built on its own, whatever the test's environment
	// says about modules and workspaces.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building versitygw in %s: %v: %s", tools, err, tail(out.Bytes()))
	}
	return bin, os.Rename(tmp, bin)
}

// toolsDir finds internal/testtools from the test's working directory (its
// package's directory), walking up to the repository's root.
func toolsDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "internal", "testtools")
		if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no internal/testtools/go.mod above the test's directory")
		}
		dir = parent
	}
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(bytes.TrimSpace(b))
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
