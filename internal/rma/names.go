package rma

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Names and emails are how people find an organisation or an account, so
// two that look the same must be the same. Three things make different
// strings look alike: how a character is encoded (é as one code point, NFC,
// or as e and a combining accent, NFD), compatibility forms (fullwidth Ｄ
// for D, the ligature ﬁ for fi), and characters that cannot be seen at all
// (a zero-width space, a soft hyphen). CleanName and CleanEmail refuse what
// cannot be seen and store the NFC form; NameKey is the comparison key the
// stores keep unique, under which the remaining look-alikes and every
// difference of case are one name.

// NameKey is the key under which two organisation names, or two emails, are
// the same: NFKC (compatibility forms become their plain letters), full case
// folding (Straße and STRASSE are one), characters that cannot be seen
// dropped, and every run of white space one space, trimmed. The stores keep
// it unique and look names and emails up by it.
func NameKey(s string) string {
	s = cases.Fold().String(norm.NFKC.String(s))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case invisible(r) || unicode.IsControl(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	// Folding can undo a composition (a folded capital with an accent), so
	// the result is composed again.
	return norm.NFKC.String(b.String())
}

// invisible reports whether r is a character that shows nothing: format
// characters (Cf: zero-width space and joiners, bidirectional controls, the
// soft hyphen, tags), the other default-ignorable code points (the Hangul
// fillers, U+115F, U+3164) and variation selectors, private use characters
// (no meaning outside one system) and noncharacters.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r) || unicode.Is(unicode.Co, r) ||
		unicode.Is(unicode.Noncharacter_Code_Point, r)
}

// describe names a character for an error message: "U+200B ZERO WIDTH
// SPACE". Only the characters people paste without knowing are named
// here; Unicode's whole name table (x/text/unicode/runenames) would add a
// megabyte to the binary for the rest.
func describe(r rune) string {
	if name, ok := runeNames[r]; ok {
		return fmt.Sprintf("%U %s", r, name)
	}
	return fmt.Sprintf("%U", r)
}

var runeNames = map[rune]string{
	0x0000: "NULL", 0x0009: "CHARACTER TABULATION", 0x000A: "LINE FEED", 0x000D: "CARRIAGE RETURN",
	0x001B: "ESCAPE", 0x007F: "DELETE", 0x0085: "NEXT LINE", 0x00AD: "SOFT HYPHEN",
	0x034F: "COMBINING GRAPHEME JOINER", 0x061C: "ARABIC LETTER MARK", 0x115F: "HANGUL CHOSEONG FILLER",
	0x1160: "HANGUL JUNGSEONG FILLER", 0x180E: "MONGOLIAN VOWEL SEPARATOR",
	0x200B: "ZERO WIDTH SPACE", 0x200C: "ZERO WIDTH NON-JOINER", 0x200D: "ZERO WIDTH JOINER",
	0x200E: "LEFT-TO-RIGHT MARK", 0x200F: "RIGHT-TO-LEFT MARK", 0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR",
	0x202A: "LEFT-TO-RIGHT EMBEDDING", 0x202B: "RIGHT-TO-LEFT EMBEDDING", 0x202C: "POP DIRECTIONAL FORMATTING",
	0x202D: "LEFT-TO-RIGHT OVERRIDE", 0x202E: "RIGHT-TO-LEFT OVERRIDE", 0x2060: "WORD JOINER",
	0x2061: "FUNCTION APPLICATION", 0x2062: "INVISIBLE TIMES", 0x2063: "INVISIBLE SEPARATOR", 0x2064: "INVISIBLE PLUS",
	0x2066: "LEFT-TO-RIGHT ISOLATE", 0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE",
	0x2069: "POP DIRECTIONAL ISOLATE", 0x3164: "HANGUL FILLER", 0xFE0E: "VARIATION SELECTOR-15",
	0xFE0F: "VARIATION SELECTOR-16", 0xFEFF: "ZERO WIDTH NO-BREAK SPACE", 0xFFA0: "HALFWIDTH HANGUL FILLER",
}

// cleanText is what CleanName and CleanEmail share: valid UTF-8, no control
// character, nothing invisible, no line or paragraph separator; white space
// trimmed and each run of it one space; NFC.
func cleanText(field, s string, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", Invalid(field, "not valid UTF-8")
	}
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			return "", Invalid(field, "contains the control character %s", describe(r))
		case invisible(r):
			return "", Invalid(field, "contains %s, a character that cannot be seen: remove it", describe(r))
		case r == '\u2028' || r == '\u2029':
			return "", Invalid(field, "contains a line break (%s)", describe(r))
		}
	}
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	s = norm.NFC.String(s)
	if s == "" {
		return "", Invalid(field, "required")
	}
	if len(s) > max {
		return "", Invalid(field, "at most %d bytes", max)
	}
	return s, nil
}

// CleanName checks an organisation's name (or a person's) and returns the
// form to store: see cleanText. A word that mixes scripts, such as "Dеxxon"
// with a Cyrillic е, is refused too: it is how a look-alike of another
// name is made, and no real name needs it (Latin with Han and kana, or with
// Hangul, is allowed, as Japanese and Korean words mix them).
func CleanName(field, s string, max int) (string, error) {
	s, err := cleanText(field, s, max)
	if err != nil {
		return "", err
	}
	if word, scripts := mixedScriptWord(s); word != "" {
		return "", Invalid(field, "the word %q mixes %s letters, which makes it look like another word", word, strings.Join(scripts, " and "))
	}
	return s, nil
}

// CleanEmail checks an email address and returns the form to store: as
// CleanName, and one @ with something on each side, no white space. It is
// compared by NameKey, so case does not matter.
func CleanEmail(field, s string) (string, error) {
	s, err := cleanText(field, s, 200)
	if err != nil {
		return "", err
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") || strings.ContainsRune(s, ' ') ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "", Invalid(field, "%q is not an email address", s)
	}
	if word, scripts := mixedScriptWord(s); word != "" {
		return "", Invalid(field, "%q mixes %s letters, which makes it look like another address", word, strings.Join(scripts, " and "))
	}
	return s, nil
}

// scripts are the writing systems mixedScriptWord tells apart; a letter of
// any other script counts as "Other". Common and Inherited (digits,
// punctuation, combining accents) belong to every script.
var scripts = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Latin", unicode.Latin}, {"Greek", unicode.Greek}, {"Cyrillic", unicode.Cyrillic},
	{"Armenian", unicode.Armenian}, {"Hebrew", unicode.Hebrew}, {"Arabic", unicode.Arabic},
	{"Georgian", unicode.Georgian}, {"Cherokee", unicode.Cherokee}, {"Han", unicode.Han},
	{"Hiragana", unicode.Hiragana}, {"Katakana", unicode.Katakana}, {"Hangul", unicode.Hangul},
	{"Bopomofo", unicode.Bopomofo}, {"Thai", unicode.Thai}, {"Devanagari", unicode.Devanagari},
}

// allowedMixes are the sets of scripts one word may combine (Unicode's
// "highly restrictive" profile, UTS #39).
var allowedMixes = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"},
	{"Latin", "Han", "Hangul"},
	{"Latin", "Han", "Bopomofo"},
}

// mixedScriptWord returns the first word of s whose letters come from
// scripts no allowed mix covers, and those scripts.
func mixedScriptWord(s string) (string, []string) {
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) })
	for _, w := range words {
		var found []string
		for _, r := range w {
			if !unicode.IsLetter(r) {
				continue
			}
			name := "Other"
			for _, sc := range scripts {
				if unicode.Is(sc.table, r) {
					name = sc.name
					break
				}
			}
			if !slices.Contains(found, name) {
				found = append(found, name)
			}
		}
		if len(found) > 1 && !allowedMix(found) {
			return w, found
		}
	}
	return "", nil
}

func allowedMix(found []string) bool {
	for _, mix := range allowedMixes {
		all := true
		for _, f := range found {
			all = all && slices.Contains(mix, f)
		}
		if all {
			return true
		}
	}
	return false
}
