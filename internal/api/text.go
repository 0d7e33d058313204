package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Text in requests. encoding/json takes any string: NUL bytes and other
// control characters (as escapes), invalid UTF-8 (silently replaced by
// U+FFFD) and strings as long as the body. PostgreSQL refuses NUL and
// invalid UTF-8 in text columns, so such a value used to end in a 500
// there; none of them belongs in a record of the desk, whatever the
// database. The API refuses them at the door, naming the field.

// maxStringBytes bounds every string in a JSON body: the longest text the
// desk keeps (a message, a fault, evaluation notes) is 10,000 bytes. The
// desk's own, tighter limits still apply after this one.
const maxStringBytes = 10000

// maxParamBytes bounds a query parameter or a path value the API reads as
// text (a search, a cursor, a serial number).
const maxParamBytes = 1000

// checkText is rma.CheckText.
func checkText(field, s string, max int) error { return rma.CheckText(field, s, max) }

// checkJSONText applies checkText to every string of a JSON document (keys
// and values), which has been decoded successfully already. Most bodies
// are short and hold no escape, so they are valid if they are valid
// UTF-8: a control character can only be written as an escape (raw, it is
// a syntax error), DEL aside.
func checkJSONText(data []byte) error {
	if len(data) <= maxStringBytes && bytes.IndexByte(data, '\\') < 0 && bytes.IndexByte(data, 0x7f) < 0 && utf8.Valid(data) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		array   bool
		index   int
		key     string
		wantKey bool
	}
	var stack []*frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			switch {
			case f.array && f.index >= 0:
				fmt.Fprintf(&b, "[%d]", f.index)
			case !f.array && f.key != "":
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			}
		}
		if b.Len() == 0 {
			return "body"
		}
		return b.String()
	}
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil // the end (the document decoded, so nothing else)
		}
		raw := data[before:dec.InputOffset()]
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if s, ok := tok.(string); ok && top != nil && !top.array && top.wantKey {
			top.key, top.wantKey = s, false
			if err := checkRawText(path(), raw, s); err != nil {
				return err
			}
			continue
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			if len(stack) > 0 && !stack[len(stack)-1].array {
				stack[len(stack)-1].wantKey = true
			}
			continue
		}
		if top != nil && top.array {
			top.index++
		}
		switch t := tok.(type) {
		case json.Delim:
			stack = append(stack, &frame{array: t == '[', index: -1, wantKey: t == '{'})
			continue
		case string:
			if err := checkRawText(path(), raw, t); err != nil {
				return err
			}
		}
		if top != nil && !top.array {
			top.wantKey = true
		}
	}
}

// checkRawText checks one string token: raw is its bytes in the body (with
// the separators before it, which are ASCII), s its decoded value.
func checkRawText(field string, raw []byte, s string) error {
	if !utf8.Valid(raw) {
		return rma.Invalid(field, "not valid UTF-8")
	}
	return checkText(field, s, maxStringBytes)
}
