package filestore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/filestore/s3test"
)

func TestMain(m *testing.M) { s3test.Main(m) }

// backends opens a fresh store of each kind.
var backends = []struct {
	name string
	open func(t *testing.T) filestore.Store
}{
	{"dir", func(t *testing.T) filestore.Store {
		d, err := filestore.Open(filepath.Join(t.TempDir(), "files"))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}},
	{"s3", func(t *testing.T) filestore.Store {
		cfg := s3test.Config(t)
		cfg.SpoolDir = t.TempDir()
		b, err := filestore.OpenS3(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}},
}

func names(t *testing.T, s filestore.Store) []string {
	t.Helper()
	var got []string
	if err := s.Walk(context.Background(), func(p string) error { got = append(got, p); return nil }); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestStores(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t)
			if got := names(t, s); len(got) != 0 {
				t.Fatalf("a new store lists %v", got)
			}
			contents := []string{"a receipt", "", "a photo of a label", strings.Repeat("video ", 200_000)}
			var want []string
			for _, c := range contents {
				path, size, sum, err := s.Save(ctx, strings.NewReader(c))
				if err != nil {
					t.Fatal(err)
				}
				h := sha256.Sum256([]byte(c))
				if sum != hex.EncodeToString(h[:]) || size != int64(len(c)) || path != sum[:2]+"/"+sum {
					t.Fatalf("saved %d bytes as %s %d %s", len(c), path, size, sum)
				}
				f, err := s.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(f)
				f.Close()
				if err != nil || string(got) != c {
					t.Fatalf("read back %d bytes of %d: %v", len(got), len(c), err)
				}
				want = append(want, path)
			}
			// The same content is stored once.
			again, _, _, err := s.Save(ctx, strings.NewReader(contents[0]))
			if err != nil || again != want[0] {
				t.Fatalf("second save: %s %v", again, err)
			}
			slices.Sort(want)
			if got := names(t, s); !slices.Equal(got, want) {
				t.Fatalf("Walk lists\n%v, want\n%v", got, want)
			}
			// A missing file is fs.ErrNotExist; a name that leaves the store is refused.
			missing := strings.Repeat("ab", 32)
			if _, err := s.Open(missing[:2] + "/" + missing); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("opening a missing file: %v", err)
			}
			for _, p := range []string{"../secret", "/etc/passwd", "ab/../../x"} {
				if f, err := s.Open(p); err == nil {
					f.Close()
					t.Errorf("Open(%q) succeeded", p)
				}
			}
			// A cancelled save stores nothing.
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if _, _, _, err := s.Save(cctx, strings.NewReader("never stored")); err == nil {
				t.Fatal("a cancelled save succeeded")
			}
			if got := names(t, s); !slices.Equal(got, want) {
				t.Fatalf("after a cancelled save Walk lists %v", got)
			}
			// Walk stops at fn's first error and returns it.
			stop := errors.New("stop")
			n := 0
			if err := s.Walk(ctx, func(string) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
				t.Fatalf("Walk after an error: %d calls, %v", n, err)
			}
		})
	}
}

// The bucket's objects sit under the prefix, named by their SHA-256, and
// would be offered as downloads, never shown, by anyone reading the bucket
// directly.
func TestBucketObjects(t *testing.T) {
	cfg := s3test.Config(t)
	s, err := filestore.OpenS3(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := "s3://" + cfg.Bucket + "/desk/files"; s.Where() != want {
		t.Errorf("Where() = %s, want %s", s.Where(), want)
	}
	path, _, sum, err := s.Save(context.Background(), strings.NewReader("<html><script>alert(1)</script>"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := s3test.Client(t).StatObject(context.Background(), cfg.Bucket, "desk/files/"+path, minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.ContentType != "application/octet-stream" || info.Metadata.Get("Content-Disposition") != "attachment" {
		t.Errorf("object served as %q, %q", info.ContentType, info.Metadata.Get("Content-Disposition"))
	}
	if info.UserMetadata["Sha256"] != sum {
		t.Errorf("object's metadata %v, want sha256 %s", info.UserMetadata, sum)
	}
}

// Settings that cannot work stop the store at start with a message naming
// what is wrong.
func TestOpenS3Refuses(t *testing.T) {
	good := s3test.Config(t)
	for _, c := range []struct {
		name string
		edit func(*filestore.S3Config)
		want string
	}{
		{"no bucket", func(c *filestore.S3Config) { c.Bucket = "" }, "no bucket"},
		{"no such bucket", func(c *filestore.S3Config) { c.Bucket = "not-there" }, "no such bucket"},
		{"no secret", func(c *filestore.S3Config) { c.SecretKey = "" }, "RMADESK_S3_SECRET_ACCESS_KEY"},
		{"wrong secret", func(c *filestore.S3Config) { c.SecretKey = "wrong" }, "s3://"},
		{"bad endpoint", func(c *filestore.S3Config) { c.Endpoint = "ftp://127.0.0.1" }, "is not https://HOST[:PORT]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := good
			c.edit(&cfg)
			_, err := filestore.OpenS3(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error with %q", err, c.want)
			}
		})
	}
}

func TestParseS3URL(t *testing.T) {
	for _, c := range []struct {
		in, bucket, prefix string
		ok                 bool
	}{
		{"s3://desk", "desk", "", true},
		{"s3://desk/", "desk", "", true},
		{"s3://desk/acme/files", "desk", "acme/files", true},
		{"s3://desk/acme/files/", "desk", "acme/files", true},
		{"s3:///files", "", "", false},
		{"https://desk/files", "", "", false},
		{"s3://key:secret@desk/files", "", "", false},
		{"s3://desk/a//b", "", "", false},
		{"s3://desk/a/../b", "", "", false},
	} {
		bucket, prefix, err := filestore.ParseS3URL(c.in)
		if (err == nil) != c.ok || bucket != c.bucket || prefix != c.prefix {
			t.Errorf("ParseS3URL(%q) = %q, %q, %v", c.in, bucket, prefix, err)
		}
	}
}

// BenchmarkStores saves and reads back a 1 MiB photo on each store: the
// bucket's cost over the disk (docs/BENCHMARKS.md).
func BenchmarkStores(b *testing.B) {
	photo := make([]byte, 1<<20)
	for _, be := range backends {
		b.Run(be.name+"/save", func(b *testing.B) {
			s := openForBench(b, be.name)
			b.SetBytes(int64(len(photo)))
			for i := 0; b.Loop(); i++ {
				photo[0], photo[1], photo[2] = byte(i), byte(i>>8), byte(i>>16) // new content each time: no deduplication
				if _, _, _, err := s.Save(context.Background(), bytes.NewReader(photo)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(be.name+"/open", func(b *testing.B) {
			s := openForBench(b, be.name)
			path, _, _, err := s.Save(context.Background(), bytes.NewReader(photo))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(photo)))
			for b.Loop() {
				f, err := s.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, f); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		})
	}
}

func openForBench(b *testing.B, kind string) filestore.Store {
	if kind == "dir" {
		d, err := filestore.Open(filepath.Join(b.TempDir(), "files"))
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	cfg := s3test.Config(b)
	cfg.SpoolDir = b.TempDir()
	s, err := filestore.OpenS3(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	return s
}
