package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestCheck: a sound desk passes; each kind of damage is reported.
func TestCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, id := demoDesk(t, dir)
	code, out, errOut := runCLI(t, "", "check", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("checked %d RMAs", 1+len(demoPixfraPast))) || !strings.Contains(out, ": 0 problems") ||
		strings.Contains(out, "no document refers to") {
		t.Fatalf("a sound desk: exit %d\n%s%s", code, out, errOut)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "rmadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The damage is done to the RMA demoDesk filed, not to the demo's past.
	damage := []struct {
		name, sql, want string
	}{
		{"a history that skips a step", `UPDATE rmas SET state = 'received' WHERE id = $1`, "history ends in authorized, the RMA is received"},
		{"an event changed", `UPDATE events SET action = 'resolve' WHERE rma_id = $1 AND seq = 2`, "not a step the state machine allows"},
		{"an event lost", `DELETE FROM events WHERE rma_id = $1 AND seq = 2`, "has sequence number"},
		{"a number edited", `UPDATE rmas SET number = 'RMA-26-00001-Z' WHERE id = $1`, "fails its check letter"},
		{"waiting at a supplier with nothing there", `UPDATE rmas SET state = 'at_supplier' WHERE id = $1`, "state at_supplier, but no line at a supplier"},
	}
	for _, d := range damage {
		t.Run(d.name, func(t *testing.T) {
			backup := filepath.Join(t.TempDir(), "copy")
			copyDir(t, dir, backup)
			bdb, err := sql.Open("sqlite", filepath.Join(backup, "rmadesk.db"))
			if err != nil {
				t.Fatal(err)
			}
			if res, err := bdb.Exec(d.sql, id); err != nil {
				t.Fatal(err)
			} else if n, _ := res.RowsAffected(); n != 1 {
				t.Fatalf("%s: %d rows changed, want 1", d.sql, n)
			}
			bdb.Close()
			code, out, _ := runCLI(t, "", "check", "--data-dir", backup)
			if code != exitProblems || !strings.Contains(out, d.want) {
				t.Fatalf("exit %d, want 1 and %q:\n%s", code, d.want, out)
			}
		})
	}
	t.Run("a file changed", func(t *testing.T) {
		backup := filepath.Join(t.TempDir(), "copy")
		copyDir(t, dir, backup)
		var path string
		filepath.WalkDir(filepath.Join(backup, "files"), func(p string, de os.DirEntry, err error) error {
			if err == nil && !de.IsDir() {
				path = p
			}
			return nil
		})
		if err := os.WriteFile(path, []byte("tampered"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, _ := runCLI(t, "", "check", "--data-dir", backup)
		if code != exitProblems || !strings.Contains(out, "recorded") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
	// A file no document refers to (an upload never saved) is named, and
	// is not a problem.
	t.Run("a stray file", func(t *testing.T) {
		backup := filepath.Join(t.TempDir(), "copy")
		copyDir(t, dir, backup)
		if err := os.MkdirAll(filepath.Join(backup, "files", "zz"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(backup, "files", "zz", "stray"), []byte("never saved"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, _ := runCLI(t, "", "check", "--data-dir", backup)
		if code != 0 || !strings.Contains(out, ": 0 problems") || !strings.Contains(out, "1 stored files no document refers to") || !strings.Contains(out, "zz/stray") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
	})
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
