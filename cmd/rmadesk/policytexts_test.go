package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPolicyLintTranslations: lint checks a pack's translations beside it,
// and a translation file on its own against its pack; a stale key is a
// problem (exit 1), a text not given a note.
func TestPolicyLintTranslations(t *testing.T) {
	dir := t.TempDir()
	pack, err := os.ReadFile(filepath.Join("..", "..", "policies", "minicart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	nl, err := os.ReadFile(filepath.Join("..", "..", "policies", "minicart.nl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	packFile := write("minicart.yaml", string(pack))
	nlFile := write("minicart.nl.yaml", string(nl))
	code, out, _ := runCLI(t, "", "policy", "lint", packFile)
	if code != 0 || !strings.Contains(out, nlFile+": ok (minicart 1, nl: ") {
		t.Fatalf("exit %d:\n%s", code, out)
	}

	// One text left out: a note, still ok.
	var kept []string
	for _, l := range strings.Split(string(nl), "\n") {
		if !strings.HasPrefix(l, "  instructions.note-inside:") {
			kept = append(kept, l)
		}
	}
	write("minicart.nl.yaml", strings.Join(kept, "\n"))
	code, out, _ = runCLI(t, "", "policy", "lint", nlFile)
	if code != 0 || !strings.Contains(out, nlFile+": note: texts.instructions.note-inside: no nl text; the pack's own is shown") {
		t.Fatalf("exit %d:\n%s", code, out)
	}

	// A key that names nothing in the pack: exit 1, with its line.
	write("minicart.nl.yaml", strings.Replace(string(nl), "  fees.transport:", "  fees.transprt:", 1))
	code, out, _ = runCLI(t, "", "policy", "lint", nlFile)
	if code != 1 || !strings.Contains(out, nlFile+":") || !strings.Contains(out, ": texts.fees.transprt: names no text of the pack minicart") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// The same through the directory the desk loads: the load fails (exit 2).
	code, _, errOut := runCLI(t, "", "policy", "list", "--dir", dir)
	if code != 2 || !strings.Contains(errOut, "texts.fees.transprt") {
		t.Fatalf("policy list --dir: exit %d: %s", code, errOut)
	}
}
