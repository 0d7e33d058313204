package rma

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitizeFilename(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"receipt.pdf", "receipt.pdf"},
		{`C:\Users\me\receipt.pdf`, "receipt.pdf"},
		{"../../etc/passwd", "passwd"},
		{"a\"b\r\nc.pdf", "a_b__c.pdf"},
		{"bad\xffname.pdf", "bad\uFFFDname.pdf"},
		{"..", "upload"},
		{"", "upload"},
		{"a" + strings.Repeat("é", 150), "a" + strings.Repeat("é", 99)}, // 301 bytes: cut to 199, between characters
	} {
		got := sanitizeFilename(tc.in)
		if got != tc.want || !utf8.ValidString(got) || len(got) > 200 {
			t.Errorf("sanitizeFilename(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
