package filestore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSaveAndOpen(t *testing.T) {
	d, err := Open(filepath.Join(t.TempDir(), "files"))
	if err != nil {
		t.Fatal(err)
	}
	content := "a receipt"
	path, size, sum, err := d.Save(context.Background(), strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256([]byte(content))
	if sum != hex.EncodeToString(want[:]) || size != int64(len(content)) || path != sum[:2]+"/"+sum {
		t.Fatalf("saved %s %d %s", path, size, sum)
	}
	f, err := d.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if string(got) != content {
		t.Fatalf("read back %q", got)
	}
	// The same content is stored once; no temporary files stay behind.
	again, _, _, err := d.Save(context.Background(), strings.NewReader(content))
	if err != nil || again != path {
		t.Fatalf("second save: %s %v", again, err)
	}
	entries, _ := os.ReadDir(d.Root())
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".upload-") {
			t.Fatalf("temporary file left: %s", e.Name())
		}
	}
}

func TestOpenRefusesPathsOutside(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"../secret", "/etc/passwd", "ab/../../x"} {
		if _, err := d.Open(p); err == nil {
			t.Errorf("Open(%q) succeeded", p)
		}
	}
}

func TestSaveCancelled(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := d.Save(ctx, strings.NewReader("x")); err == nil {
		t.Fatal("a cancelled save succeeded")
	}
	entries, _ := os.ReadDir(d.Root())
	if len(entries) != 0 {
		t.Fatalf("a cancelled save left %d entries", len(entries))
	}
}
