package rma

import "unicode/utf8"

// CheckText refuses a value that is not valid UTF-8, is longer than max
// bytes, or holds a control character other than tab, line feed and
// carriage return. Every door text comes in by (the API's JSON, the CSV
// import) applies it: PostgreSQL cannot store NUL or invalid UTF-8, and
// none of them belongs in a record of the desk, whatever the database.
func CheckText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return Invalid(field, "not valid UTF-8")
	}
	if len(s) > max {
		return Invalid(field, "at most %d bytes", max)
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return Invalid(field, "contains the control character %U", r)
		}
	}
	return nil
}
