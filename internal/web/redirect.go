package web

import (
	"net/url"
	"strings"
)

// maxNextBytes bounds a redirect target: a page of this portal, not a
// document.
const maxNextBytes = 2048

// safeNext keeps a post-login (or post-language) redirect on this site: it
// returns next when it is a plain local path, "/" otherwise.
//
// A plain local path is printable ASCII without spaces or backslashes, has
// no scheme, host or user, starts with one "/" and has no empty, "." or
// ".." segment, and no encoded slash or backslash. Browsers are generous
// with what they follow: they drop tabs and line breaks anywhere in a URL
// ("/\t/evil.example" becomes "//evil.example", another site), read a
// backslash as a slash, strip leading spaces and controls, and resolve dot
// segments; a target that is already in its plain form gives them nothing
// to normalise. Every link the portal makes itself (signedIn's RequestURI,
// the language links) is of that form.
func safeNext(next string) string {
	const home = "/"
	if next == "" || len(next) > maxNextBytes {
		return home
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return home // controls, whitespace, backslash, anything not ASCII
		}
	}
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Opaque != "" || u.Host != "" || u.User != nil {
		return home
	}
	// The escaped path must not hide what the checks above refuse: an
	// encoded slash or backslash ("/%2F%2Fevil"), or an encoded control.
	raw := strings.ToLower(u.EscapedPath())
	if strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") {
		return home
	}
	segments := strings.Split(u.Path, "/")
	for i, seg := range segments[1:] {
		last := i == len(segments)-2
		if (seg == "" && !last) || seg == "." || seg == ".." {
			return home
		}
		for j := 0; j < len(seg); j++ {
			if c := seg[j]; c < ' ' || c == 0x7f || c == '\\' {
				return home
			}
		}
	}
	return next
}
