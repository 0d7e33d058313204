package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// storedDesk is a desk whose store holds the seed packs, as serve leaves it.
func storedDesk(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	sf := storeFlags{dataDir: dir}
	db, err := sf.openStore(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := deskPacks(t.Context(), rma.NewService(db, nil), "", slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCLIPolicyDraftPublishDiff: a draft with an error is refused in one
// line naming its line (exit 2); fixed, it is kept; the diff names the
// term and its clause; it is published for a day to come; bad input to
// each command is exit 2 and one line.
func TestCLIPolicyDraftPublishDiff(t *testing.T) {
	dir := storedDesk(t)
	src, err := os.ReadFile("../../policies/pixfra.yaml")
	if err != nil {
		t.Fatal(err)
	}
	term := "    - category: thermal-camera\n      part: device\n      years: 3\n"
	at := strings.Index(string(src), term)
	line := strings.Count(string(src[:at]), "\n") + 3
	files := t.TempDir()
	bad := filepath.Join(files, "bad.yaml")
	good := filepath.Join(files, "good.yaml")
	mustWrite(t, os.WriteFile(bad, []byte(strings.Replace(string(src), term, strings.Replace(term, "years: 3", "yeers: 1", 1), 1)), 0o600))
	mustWrite(t, os.WriteFile(good, []byte(strings.Replace(string(src), term, strings.Replace(term, "years: 3", "years: 1", 1), 1)), 0o600))

	code, out, errOut := runCLI(t, "", "policy", "draft", "--data-dir", dir, "--policy", "pixfra", "--file", bad, "--version", "2")
	if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, bad+":"+strconv.Itoa(line)+":") || !strings.Contains(errOut, "yeers") {
		t.Fatalf("a draft with an error: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "policy", "draft", "--data-dir", dir, "--policy", "pixfra", "--file", good, "--version", "2", "--effective-from", "2099-01-01")
	if code != 0 || !strings.HasPrefix(out, "draft ") || !strings.Contains(out, "pixfra version 2, effective from 2099-01-01") {
		t.Fatalf("the draft: exit %d, %q %q", code, out, errOut)
	}
	draft := strings.Fields(out)[1]
	draft = strings.TrimSuffix(draft, ":")
	code, out, errOut = runCLI(t, "", "policy", "diff", "--data-dir", dir, "--policy", "pixfra", "--from", "1", "--to", "draft:"+draft)
	if code != 0 || !strings.Contains(out, "changed warranty.terms [part=device category=thermal-camera] (clause warranty-chart)") || !strings.Contains(out, "years: 3 → 1") {
		t.Fatalf("diff: exit %d, %q %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "policy", "versions", "--data-dir", dir, "--policy", "pixfra")
	if code != 0 || !strings.Contains(out, "in force") || !strings.Contains(out, "draft") {
		t.Fatalf("versions: exit %d, %q %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "policy", "publish", "--data-dir", dir, "--policy", "pixfra", "--draft", draft, "--effective-from", "2000-01-02")
	if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "--effective-from") {
		t.Fatalf("publish in the past: exit %d, %q %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "policy", "publish", "--data-dir", dir, "--policy", "pixfra", "--draft", draft)
	if code != 0 || !strings.Contains(out, "pixfra version 2 is published: claims reported from 2099-01-01 on") {
		t.Fatalf("publish: exit %d, %q %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "policy", "retire", "--data-dir", dir, "--policy", "pixfra", "--version", "2")
	if code != 0 || !strings.Contains(out, "pixfra version 2 is withdrawn") {
		t.Fatalf("retire: exit %d, %q %q", code, out, errOut)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no policy", []string{"policy", "draft", "--data-dir", dir, "--file", good}, "--policy: required"},
		{"no file", []string{"policy", "draft", "--data-dir", dir, "--policy", "pixfra", "--file", filepath.Join(files, "none.yaml")}, "--file:"},
		{"unknown policy", []string{"policy", "draft", "--data-dir", dir, "--policy", "nope", "--file", good}, "--policy: the desk keeps no policy"},
		{"taken version", []string{"policy", "draft", "--data-dir", dir, "--policy", "pixfra", "--file", good, "--version", "2"}, "version \"2\" is taken"},
		{"bad date", []string{"policy", "draft", "--data-dir", dir, "--policy", "pixfra", "--file", good, "--version", "3", "--effective-from", "soon"}, "effective_from"},
		{"published draft", []string{"policy", "publish", "--data-dir", dir, "--policy", "pixfra", "--draft", draft}, "--draft: policy pixfra has no draft"},
		{"draft not a number", []string{"policy", "publish", "--data-dir", dir, "--policy", "pixfra", "--draft", "x"}, "--draft:"},
		{"diff without to", []string{"policy", "diff", "--data-dir", dir, "--policy", "pixfra"}, "--to: required"},
		{"diff unknown version", []string{"policy", "diff", "--data-dir", dir, "--policy", "pixfra", "--to", "9"}, "--to: policy pixfra has no version"},
		{"retire in force", []string{"policy", "retire", "--data-dir", dir, "--policy", "pixfra", "--version", "1"}, "--version: policy pixfra version 1 took effect"},
		{"retire twice", []string{"policy", "retire", "--data-dir", dir, "--policy", "pixfra", "--version", "2"}, "--version: policy pixfra version 2 is retired already"},
		{"retire unknown", []string{"policy", "retire", "--data-dir", dir, "--policy", "pixfra", "--version", "7"}, "--version: policy pixfra has no published version"},
		{"no desk", []string{"policy", "versions", "--data-dir", t.TempDir(), "--policy", "pixfra"}, "--data-dir: no desk"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", c.args...)
			if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and one line with %q", code, errOut, c.want)
			}
		})
	}
}

func mustWrite(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
