package store

import (
	"strings"
	"testing"
)

func TestPrefixEnd(t *testing.T) {
	for _, tc := range []struct {
		prefix, end string
		ok          bool
	}{
		{"px-2", "px-3", true},
		{"a\U0010FFFF", "b", true},
		{"\U0010FFFF", "", false},
		{"\uD7FF", "\uE000", true},
		{"über", "übes", true},
	} {
		end, ok := prefixEnd(tc.prefix)
		if end != tc.end || ok != tc.ok {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q, %v", tc.prefix, end, ok, tc.end, tc.ok)
		}
	}
}

// FuzzPrefixRange: a term starts with the query exactly when it lies in the
// range [query, prefixEnd(query)) the list searches.
func FuzzPrefixRange(f *testing.F) {
	f.Add("px-2", "px-200")
	f.Add("px-2", "px-3")
	f.Add("\U0010FFFF", "\U0010FFFFa")
	f.Add("\uD7FF", "\uE000")
	f.Add("ü", "üb")
	f.Fuzz(func(t *testing.T, prefix, term string) {
		prefix, term = searchKey(prefix), searchKey(term)
		if prefix == "" {
			return
		}
		end, ok := prefixEnd(prefix)
		inRange := term >= prefix && (!ok || term < end)
		if inRange != strings.HasPrefix(term, prefix) {
			t.Fatalf("term %q, prefix %q, end %q (%v): in range %v", term, prefix, end, ok, inRange)
		}
	})
}
