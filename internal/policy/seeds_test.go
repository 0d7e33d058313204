package policy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// sourcesDir holds the published texts the packs encode, one file per pack
// (policies/sources/<pack>.txt), kept in the repository as the reference
// every clause's quote is taken from.
var sourcesDir = filepath.Join("..", "..", "policies", "sources")

// seedPacks are the packs that encode a source text in sourcesDir.
var seedPacks = []string{"dexxon", "plextor", "webstore4", "pixfra", "minicart"}

// TestEverySeedSentenceIsQuoted checks that each sentence of each source
// policy stands in one of its pack's clause quotes. With the loader's rule
// that every clause is cited by a rule or listed under not_enforced, this
// proves every sentence of the source is either encoded or set aside with a
// reason.
func TestEverySeedSentenceIsQuoted(t *testing.T) {
	for _, id := range seedPacks {
		t.Run(id, func(t *testing.T) {
			file := filepath.Join(sourcesDir, id+".txt")
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p := pack(t, id)
			var quotes []string
			for _, c := range p.Clauses {
				quotes = append(quotes, normalize(c.Quote))
			}
			sentences := seedSentences(string(src))
			if len(sentences) < 10 {
				t.Fatalf("only %d sentences found in %s", len(sentences), file)
			}
			for _, s := range sentences {
				found := false
				for _, q := range quotes {
					if strings.Contains(q, s) {
						found = true
						break
					}
				}
				if !found {
					t.Errorf("sentence not quoted by any clause: %q", s)
				}
			}
		})
	}
}

// seedSentences splits a source into sentences: by line, then after a full
// stop followed by a space. List markers are dropped; they are layout.
func seedSentences(src string) []string {
	var out []string
	for _, line := range strings.Split(src, "\n") {
		line = normalize(line)
		for _, marker := range []string{"•", "->", "-", ""} {
			line = strings.TrimSpace(strings.TrimPrefix(line, marker))
		}
		line = strings.TrimSpace(strings.TrimLeft(line, "0123456789"))
		line = strings.TrimSpace(strings.TrimPrefix(line, "."))
		for line != "" {
			i := sentenceEnd(line)
			s := strings.TrimSpace(line[:i])
			if s != "" {
				out = append(out, s)
			}
			line = strings.TrimSpace(line[i:])
		}
	}
	return out
}

func sentenceEnd(s string) int {
	for i := 1; i < len(s)-1; i++ {
		if (s[i] == '.' || s[i] == '?' || s[i] == '!') && s[i+1] == ' ' {
			return i + 1
		}
	}
	return len(s)
}

// normalize folds every run of white space (including no-break spaces) into
// one space, as YAML folding does to the quotes.
func normalize(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

func TestSeedSentences(t *testing.T) {
	got := seedSentences("  • One thing. Two things.\n1. Numbered step:\n -> arrow\n\u00a0nbsp\u00a0line;\n\n")
	want := []string{"One thing.", "Two things.", "Numbered step:", "arrow", "nbsp line;"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
}
