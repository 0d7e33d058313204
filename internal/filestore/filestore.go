// Package filestore keeps uploaded files on disk, named by their SHA-256,
// under a data directory. Writes go to a temporary file that is synced and
// renamed, so a crash never leaves a half-written file under a final name.
package filestore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Dir stores files under a root directory.
type Dir struct {
	root string
}

// Open prepares root (created if missing).
func Open(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, fmt.Errorf("files directory: %w", err)
	}
	return &Dir{root: root}, nil
}

// Root is the directory files are kept in.
func (d *Dir) Root() string { return d.root }

// Save writes r and returns its path relative to the root ("ab/abcdef..."),
// its size and its SHA-256. The same content is stored once.
func (d *Dir) Save(ctx context.Context, r io.Reader) (string, int64, string, error) {
	tmp, err := os.CreateTemp(d.root, ".upload-*")
	if err != nil {
		return "", 0, "", err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), readerWithContext{ctx, r})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	rel := filepath.Join(sum[:2], sum)
	if err := os.MkdirAll(filepath.Join(d.root, sum[:2]), 0o750); err != nil {
		return "", 0, "", err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(d.root, rel)); err != nil {
		return "", 0, "", err
	}
	if dir, err := os.Open(filepath.Join(d.root, sum[:2])); err == nil {
		_ = dir.Sync() // make the rename durable
		dir.Close()
	}
	return filepath.ToSlash(rel), n, sum, nil
}

// Open returns the file stored at path; paths leaving the root are refused.
func (d *Dir) Open(path string) (io.ReadCloser, error) {
	clean := filepath.Clean(filepath.FromSlash(path))
	if filepath.IsAbs(clean) || strings.HasPrefix(clean, "..") {
		return nil, fmt.Errorf("file path %q is outside the files directory", path)
	}
	return os.Open(filepath.Join(d.root, clean))
}

type readerWithContext struct {
	ctx context.Context
	r   io.Reader
}

func (r readerWithContext) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}
