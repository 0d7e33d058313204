package rma_test

import (
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Names that look the same are the same (issue 10, point 20).

func TestNameKeySameLookingNames(t *testing.T) {
	const plain = "Demo Partner for Dexxon"
	for _, tc := range []struct{ name, other string }{
		{"case", "DEMO partner FOR dexxon"},
		{"fullwidth D", "\uff24emo Partner for Dexxon"},
		{"zero-width space", "Demo Partner\u200b for Dexxon"},
		{"soft hyphen", "Demo Part\u00adner for Dexxon"},
		{"word joiner", "Demo\u2060 Partner for Dexxon"},
		{"no-break space", "Demo\u00a0Partner for Dexxon"},
		{"two spaces and a tab", " Demo  Partner\tfor Dexxon "},
		{"ideographic space", "Demo\u3000Partner for Dexxon"},
	} {
		if a, b := rma.NameKey(plain), rma.NameKey(tc.other); a != b {
			t.Errorf("%s: key %q, plain %q", tc.name, b, a)
		}
	}
	for _, pair := range [][2]string{
		{"Caf\u00e9 M\u00fcller", "Cafe\u0301 Mu\u0308ller"}, // NFC, NFD
		{"Stra\u00dfe", "STRASSE"},                           // full case folding
		{"\ufb01ne", "fine"},                                 // the ligature ﬁ
		{"anna@dexxon.example", "ANNA@Dexxon.EXAMPLE"},
		{"Jos\u00e9@demo.example", "JOSE\u0301@DEMO.example"},
	} {
		if a, b := rma.NameKey(pair[0]), rma.NameKey(pair[1]); a != b {
			t.Errorf("%q and %q: keys %q and %q", pair[0], pair[1], a, b)
		}
	}
	for _, pair := range [][2]string{
		{"Dexxon", "Dexxon B.V."},
		{"Cafe", "Caf\u00e9"}, // an accent is a different letter
		{"Dexxon", "D\u0435xxon"},
	} {
		if rma.NameKey(pair[0]) == rma.NameKey(pair[1]) {
			t.Errorf("%q and %q have one key", pair[0], pair[1])
		}
	}
}

func TestCleanName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Demo Partner for Dexxon", "Demo Partner for Dexxon"},
		{"  Demo   Partner\u00a0for Dexxon ", "Demo Partner for Dexxon"},
		{"Cafe\u0301 Mu\u0308ller", "Caf\u00e9 M\u00fcller"}, // stored NFC
		{"\u6771\u4eac\u30c6\u30ec\u30d3 Tokyo", "\u6771\u4eac\u30c6\u30ec\u30d3 Tokyo"},
		{"T\u30b7\u30e3\u30c4", "T\u30b7\u30e3\u30c4"}, // Latin and katakana in one word
		{"\u041c\u043e\u0441\u043a\u0432\u0430 Trading", "\u041c\u043e\u0441\u043a\u0432\u0430 Trading"},
		{"AT&T (Europe) 2", "AT&T (Europe) 2"},
	} {
		got, err := rma.CleanName("name", tc.in, 200)
		if err != nil || got != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"Demo Partner\u200b for Dexxon", "U+200B ZERO WIDTH SPACE, a character that cannot be seen"},
		{"Demo\u200d Partner", "U+200D ZERO WIDTH JOINER"},
		{"Dexxon\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"},
		{"Dex\u00adxon", "U+00AD SOFT HYPHEN"},
		{"Dexxon\ufe0f", "U+FE0F VARIATION SELECTOR-16"},
		{"\u3164Dexxon", "U+3164 HANGUL FILLER"},
		{"Dexxon\ue000", "U+E000"},
		{"Dexxon\x00", "control character U+0000"},
		{"Dexxon\x1b[31m", "control character U+001B"},
		{"Dexxon\tB.V.", "control character U+0009"},
		{"Dexxon\u0085", "control character U+0085"},
		{"Dexxon\u2028B.V.", "line break"},
		{"D\u0435xxon", "the word \"D\u0435xxon\" mixes Latin and Cyrillic letters"},
		{"\u0391lpha Tech", "mixes Greek and Latin letters"},
		{"Dexxon\xff", "not valid UTF-8"},
		{" \u00a0 ", "required"},
		{strings.Repeat("x", 201), "at most 200 bytes"},
	} {
		_, err := rma.CleanName("name", tc.in, 200)
		if rma.ErrorCode(err) != rma.EINVALID || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "name") {
			t.Errorf("%q: %v; want EINVALID naming the field and %q", tc.in, err, tc.want)
		}
	}
}

func TestCleanEmail(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{" Anna@Dexxon.example ", "Anna@Dexxon.example"},
		{"jose\u0301@demo.example", "jos\u00e9@demo.example"},
		{"\u0438\u0432\u0430\u043d@example.com", "\u0438\u0432\u0430\u043d@example.com"},
	} {
		got, err := rma.CleanEmail("email", tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{
		"anna\u200b@dexxon.example", "anna@dexxon.example\u2060", "anna", "@dexxon.example", "anna@", "anna@@dexxon.example",
		"an na@dexxon.example", "anna@dexxon..example", "anna@.example", "anna@d\u0435xxon.example", "anna@dexxon.example\n",
	} {
		if _, err := rma.CleanEmail("email", in); rma.ErrorCode(err) != rma.EINVALID || !strings.Contains(err.Error(), "email") {
			t.Errorf("%q: %v; want EINVALID naming email", in, err)
		}
	}
}
