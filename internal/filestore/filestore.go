// Package filestore keeps uploaded files named by their SHA-256: on disk
// under a data directory (Dir, the default), or in an S3-compatible bucket
// (Bucket, s3.go). Both name a file "ab/abcdef..." (the first two hex
// digits, then the whole SHA-256), so the records in the database read the
// same on either, and moving a desk from one to the other is a copy of the
// files under the same names.
//
// On disk, writes go to a temporary file that is synced and renamed, so a
// crash never leaves a half-written file under a final name.
package filestore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Store is what the desk's commands need of either kind of store.
type Store interface {
	// Save stores r under its SHA-256 and returns the name ("ab/abc..."),
	// the size and the SHA-256 of what was written.
	Save(ctx context.Context, r io.Reader) (path string, size int64, sha256 string, err error)
	// Open returns the bytes stored under path; a missing file is an error
	// that matches fs.ErrNotExist.
	Open(path string) (io.ReadCloser, error)
	// Walk calls fn with the name of every stored file, in byte order.
	Walk(ctx context.Context, fn func(path string) error) error
	// Where says where the files are, for messages: a directory or s3://bucket/prefix.
	Where() string
}

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

// Where is the directory.
func (d *Dir) Where() string { return d.root }

// Walk calls fn with every file's name relative to the root, in byte
// order; temporary files of saves under way (".upload-*") are left out.
func (d *Dir) Walk(ctx context.Context, fn func(path string) error) error {
	var names []string
	err := filepath.WalkDir(d.root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == d.root {
				return nil
			}
			return err
		}
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			return nil
		}
		rel, err := filepath.Rel(d.root, path)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(name); err != nil {
			return err
		}
	}
	return nil
}

// validName reports whether path is a name Save gives: two hex digits, a
// slash and a SHA-256 in hex that starts with them.
func validName(path string) bool {
	if len(path) != 2+1+64 || path[2] != '/' || path[:2] != path[3:5] {
		return false
	}
	for _, c := range path[3:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
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
