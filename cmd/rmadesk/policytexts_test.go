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

// TestPolicyCheckLang: policy check --lang nl says the reasons in Dutch, for
// an embedded pack and for a pack file with its translation beside it; a
// language the pack has no texts in is bad input.
func TestPolicyCheckLang(t *testing.T) {
	claim := filepath.Join("..", "..", "examples", "claims", "pixfra.json")
	want := "in garantie: 3 jaar vanaf de factuurdatum 2022-10-02, laatste dag 2025-10-09"
	code, out, errOut := runCLI(t, "", "policy", "check", "--policy", "pixfra", "--claim", claim, "--lang", "nl")
	if code != 0 || !strings.Contains(out, want) || strings.Contains(out, "in warranty: 3 years") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}

	dir := t.TempDir()
	for _, name := range []string{"pixfra.yaml", "pixfra.nl.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "policies", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(dir, "pixfra.yaml")
	code, out, errOut = runCLI(t, "", "policy", "check", "--policy", file, "--claim", claim, "--lang", "nl", "--json")
	if code != 0 || !strings.Contains(out, `"text": "`+want+`"`) || !strings.Contains(out, `"msg": "in_warranty.term"`) {
		t.Fatalf("a pack file with its translation: exit %d: %s%s", code, out, errOut)
	}

	code, _, errOut = runCLI(t, "", "policy", "check", "--policy", "pixfra", "--claim", claim, "--lang", "de")
	if code != 2 || strings.TrimSpace(errOut) != `rmadesk: --lang: policy pixfra 1 has no texts in "de" (it has: en, nl)` {
		t.Fatalf("--lang de: exit %d: %q", code, errOut)
	}
	if err := os.WriteFile(filepath.Join(dir, "pixfra.nl.yaml"), []byte("id: pixfra\nversion: \"1\"\nlang: nl\ntexts:\n  titel: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "", "policy", "check", "--policy", file, "--claim", claim)
	if code != 2 || !strings.Contains(errOut, "texts.titel: names no text of the pack pixfra") || strings.Count(errOut, "\n") != 1 {
		t.Fatalf("a broken translation beside the file: exit %d: %q", code, errOut)
	}
}
