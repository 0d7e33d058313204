package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/rmadesk/rmadesk/internal/archive"
	"github.com/rmadesk/rmadesk/internal/filestore/s3test"
)

// runCLIWith runs rmadesk as a process of its own (the test binary run
// again, TestMain) with environ added to its environment, so that a test
// giving it a bucket's keys leaves the test process's environment alone.
func runCLIWith(t *testing.T, environ []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "RMADESK_RUN_MAIN=1"), environ...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errOut.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errOut.String()
}

// TestFilesOnS3 moves a demo desk's attachments into a bucket with import,
// checks the desk there, exports it again (the same archive), and then
// damages and removes the object: check finds both.
func TestFilesOnS3(t *testing.T) {
	t.Parallel()
	bucket := s3test.Config(t)
	env := s3test.Env(bucket)
	src, dst := t.TempDir(), t.TempDir()
	demoDesk(t, src)
	first := filepath.Join(t.TempDir(), "a1")
	if code, out, errOut := runCLI(t, "", "export", "--data-dir", src, "--out", first); code != 0 {
		t.Fatalf("export: %d %s %s", code, out, errOut)
	}
	// A damaged archive is refused before anything is stored: no records,
	// no object in the bucket.
	damagedArchive := filepath.Join(t.TempDir(), "damaged")
	if err := os.CopyFS(damagedArchive, os.DirFS(first)); err != nil {
		t.Fatal(err)
	}
	var stored string
	filepath.WalkDir(filepath.Join(damagedArchive, "files"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			stored = p
		}
		return err
	})
	if err := os.WriteFile(stored, []byte("%PDF-1.4\n% swapped\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLIWith(t, env, "import", "--data-dir", dst, "--in", damagedArchive); code != 1 || !strings.Contains(errOut, "the archive is damaged") {
		t.Fatalf("import of a damaged archive: exit %d %s", code, errOut)
	}
	for obj := range s3test.Client(t).ListObjects(context.Background(), bucket.Bucket, minio.ListObjectsOptions{Recursive: true}) {
		t.Fatalf("a refused import left %s in the bucket (%v)", obj.Key, obj.Err)
	}
	if code, out, errOut := runCLIWith(t, env, "import", "--data-dir", dst, "--in", first); code != 0 || !strings.Contains(out, "imported") {
		t.Fatalf("import into the bucket: %d %s %s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dst, "files")); err == nil {
		t.Fatal("import with a bucket wrote a files directory")
	}
	var keys []string
	for obj := range s3test.Client(t).ListObjects(context.Background(), bucket.Bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		keys = append(keys, obj.Key)
	}
	if len(keys) != 1 || !strings.HasPrefix(keys[0], bucket.Prefix+"/") {
		t.Fatalf("the bucket holds %v, want the one document under %s/", keys, bucket.Prefix)
	}
	code, out, errOut := runCLIWith(t, env, "check", "--data-dir", dst)
	if code != 0 || !strings.Contains(out, ": 0 problems") || strings.Contains(out, "no document refers to") {
		t.Fatalf("check on the bucket: exit %d\n%s%s", code, out, errOut)
	}
	// An object no document refers to (an upload never saved) is named.
	stray := bucket.Prefix + "/zz/stray"
	if _, err := s3test.Client(t).PutObject(context.Background(), bucket.Bucket, stray, strings.NewReader("never saved"), 11, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLIWith(t, env, "check", "--data-dir", dst)
	if code != 0 || !strings.Contains(out, "1 stored files no document refers to") || !strings.Contains(out, "zz/stray") {
		t.Fatalf("check with a stray object: exit %d\n%s%s", code, out, errOut)
	}
	if err := s3test.Client(t).RemoveObject(context.Background(), bucket.Bucket, stray, minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(t.TempDir(), "a2")
	if code, out, errOut := runCLIWith(t, env, "export", "--data-dir", dst, "--out", second); code != 0 {
		t.Fatalf("export from the bucket: %d %s %s", code, out, errOut)
	}
	m1, err := archive.ReadManifest(first)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := archive.ReadManifest(second)
	if err != nil {
		t.Fatal(err)
	}
	if !m1.Equal(m2) || m2.Files.Count != 1 {
		t.Fatalf("the bucket's archive differs:\n%+v\n%+v", m1.Files, m2.Files)
	}

	// Other bytes under the document's name, then no object at all.
	damaged := "%PDF-1.4\n% not the receipt\n"
	if _, err := s3test.Client(t).PutObject(context.Background(), bucket.Bucket, keys[0], strings.NewReader(damaged), int64(len(damaged)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLIWith(t, env, "check", "--data-dir", dst)
	if code != 1 || !strings.Contains(out, "bytes with SHA-256") || !strings.Contains(out, ": 1 problems") {
		t.Fatalf("check after damage: exit %d\n%s", code, out)
	}
	if err := s3test.Client(t).RemoveObject(context.Background(), bucket.Bucket, keys[0], minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLIWith(t, env, "check", "--data-dir", dst)
	if code != 1 || !strings.Contains(out, "file does not exist") {
		t.Fatalf("check after removal: exit %d\n%s", code, out)
	}
}

// Files settings that cannot work are refused with exit 2 and one line
// naming the setting, before anything is read or written.
func TestFilesSettingsRefused(t *testing.T) {
	t.Parallel()
	bucket := s3test.Config(t)
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "", "org", "create", "--data-dir", dir, "--name", "Desk", "--desk"); code != 0 {
		t.Fatal(errOut)
	}
	for _, c := range []struct {
		name    string
		environ []string
		args    []string
		code    int
		want    string
	}{
		{"not an s3 URL", nil, []string{"--files", "https://bucket/files"}, 2, `rmadesk: --files: "https://bucket/files" is not s3://BUCKET or s3://BUCKET/PREFIX`},
		{"no keys", []string{"RMADESK_S3_ENDPOINT=" + bucket.Endpoint, "RMADESK_S3_ACCESS_KEY_ID=", "RMADESK_S3_SECRET_ACCESS_KEY=", "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY="},
			[]string{"--files", "s3://" + bucket.Bucket}, 2, "rmadesk: --files: no access key and secret"},
		{"bad endpoint", append(s3test.Env(bucket), "RMADESK_S3_ENDPOINT=ftp://127.0.0.1"), nil, 2, `rmadesk: --files: endpoint "ftp://127.0.0.1" is not https://HOST[:PORT]`},
		{"no such bucket", append(s3test.Env(bucket), "RMADESK_FILES=s3://no-such-bucket/files"), nil, 1, "s3://no-such-bucket/files at " + bucket.Endpoint + ": no such bucket"},
		{"path style not a bool", append(s3test.Env(bucket), "RMADESK_S3_PATH_STYLE=maybe"), nil, 2, `RMADESK_S3_PATH_STYLE: "maybe" is not true or false`},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLIWith(t, c.environ, append([]string{"check", "--data-dir", dir}, c.args...)...)
			if code != c.code || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d with %q", code, out, errOut, c.code, c.want)
			}
		})
	}
}
