package rma

import (
	"fmt"
	"strconv"
	"strings"
)

// An RMA number looks like RMA-26-04817-K: the year of issue, a sequence
// number within the year (five digits, more when a year needs them), and a
// check letter. People read these numbers off parcels and type them at the
// receiving bench, so the check letter is chosen to catch the usual slips.
//
// The check letter is a weighted sum of the digits modulo 23 (a prime),
// with weights 1, 2, 3, ... Because every weight and every difference of two
// digits is non-zero modulo 23, a single wrong digit always changes the sum;
// because adjacent weights differ by one, swapping two adjacent different
// digits always changes it too. The 23 letters leave out I, O and Z, which
// are read as 1, 0 and 2.
const checkLetters = "ABCDEFGHJKLMNPQRSTUVWXY"

// FormatNumber builds the RMA number for a two-digit year and a sequence.
func FormatNumber(year, seq int) string {
	digits := fmt.Sprintf("%02d%05d", year%100, seq)
	return fmt.Sprintf("RMA-%s-%s-%c", digits[:2], digits[2:], checkLetter(digits))
}

func checkLetter(digits string) byte {
	sum := 0
	for i := 0; i < len(digits); i++ {
		sum += int(digits[i]-'0') * (i + 1)
	}
	return checkLetters[sum%23]
}

// NormalizeNumber reads an RMA number as a person might type or a scanner
// might deliver it: any case, with or without the RMA prefix, with spaces or
// dashes. It returns the canonical form, or an EINVALID error that says
// whether the check letter failed (a mistyped digit).
func NormalizeNumber(s string) (string, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "RMA")
	t = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '_' {
			return -1
		}
		return r
	}, t)
	if len(t) < 8 {
		return "", Invalid("number", "%q is not an RMA number (like RMA-26-04817-K)", s)
	}
	digits, check := t[:len(t)-1], t[len(t)-1]
	if _, err := strconv.ParseUint(digits, 10, 64); err != nil || len(digits) < 7 {
		return "", Invalid("number", "%q is not an RMA number (like RMA-26-04817-K)", s)
	}
	if checkLetter(digits) != check {
		return "", Invalid("number", "%q fails its check letter: a digit is mistyped or two are swapped", s)
	}
	return "RMA-" + digits[:2] + "-" + digits[2:] + "-" + string(check), nil
}
