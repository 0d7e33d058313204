package rma

import (
	"strings"
	"testing"
)

func TestFormatNumber(t *testing.T) {
	cases := []struct {
		year, seq int
		want      string
	}{
		{2026, 4817, "RMA-26-04817-"},
		{2026, 1, "RMA-26-00001-"},
		{2027, 123456, "RMA-27-123456-"},
	}
	for _, tc := range cases {
		got := FormatNumber(tc.year, tc.seq)
		if !strings.HasPrefix(got, tc.want) || len(got) != len(tc.want)+1 {
			t.Errorf("FormatNumber(%d, %d) = %s, want %s?", tc.year, tc.seq, got, tc.want)
		}
		if n, err := NormalizeNumber(got); err != nil || n != got {
			t.Errorf("NormalizeNumber(%s) = %s, %v", got, n, err)
		}
	}
}

// TestCheckLetterCatchesSlips: every single-digit substitution and every
// swap of two adjacent different digits of many numbers fails the check.
func TestCheckLetterCatchesSlips(t *testing.T) {
	for seq := 0; seq < 100000; seq += 7 {
		n := FormatNumber(2026, seq)
		digits := []byte(strings.ReplaceAll(n[4:len(n)-2], "-", ""))
		check := n[len(n)-1:]
		for i := range digits {
			for d := byte('0'); d <= '9'; d++ {
				if d == digits[i] {
					continue
				}
				typo := append([]byte(nil), digits...)
				typo[i] = d
				if _, err := NormalizeNumber(string(typo) + check); err == nil {
					t.Fatalf("%s: changing digit %d to %c passes the check", n, i, d)
				}
			}
			if i+1 < len(digits) && digits[i] != digits[i+1] {
				swap := append([]byte(nil), digits...)
				swap[i], swap[i+1] = swap[i+1], swap[i]
				if _, err := NormalizeNumber(string(swap) + check); err == nil {
					t.Fatalf("%s: swapping digits %d and %d passes the check", n, i, i+1)
				}
			}
		}
	}
}

func TestNormalizeNumber(t *testing.T) {
	n := FormatNumber(2026, 4817)
	ok := []string{n, strings.ToLower(n), " " + n + " ", strings.ReplaceAll(n, "-", ""), strings.ReplaceAll(n, "-", " "), strings.TrimPrefix(n, "RMA-")}
	for _, s := range ok {
		if got, err := NormalizeNumber(s); err != nil || got != n {
			t.Errorf("NormalizeNumber(%q) = %q, %v; want %s", s, got, err, n)
		}
	}
	bad := map[string]string{
		"":                 "is not an RMA number",
		"RMA-26-0481":      "is not an RMA number",
		"RMA-2X-04817-K":   "is not an RMA number",
		n[:len(n)-1] + "Z": "fails its check letter",
	}
	for s, want := range bad {
		_, err := NormalizeNumber(s)
		if err == nil || !strings.Contains(err.Error(), want) || ErrorCode(err) != EINVALID {
			t.Errorf("NormalizeNumber(%q) = %v, want %q", s, err, want)
		}
	}
}
