package policy

import (
	"hash/maphash"
	"sync/atomic"
)

// internSlots is the intern table's size: a desk's claims repeat a few
// hundred words (roles, countries, models, document names); a word that
// collides with another in its slot is simply allocated, never wrong.
const internSlots = 4096

// internMax is the longest word interned: longer ones are not words.
const internMax = 64

var (
	internSeed  = maphash.MakeSeed()
	internTable [internSlots]atomic.Pointer[string]
)

// intern returns b as a string, shared with earlier calls for the same
// bytes when its slot holds them. Safe for concurrent use: a slot is one
// atomic pointer, replaced whole; at worst two readers allocate the same
// word once each.
func intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > internMax {
		return string(b)
	}
	slot := &internTable[maphash.Bytes(internSeed, b)%internSlots]
	if p := slot.Load(); p != nil && *p == string(b) {
		return *p
	}
	s := string(b)
	slot.Store(&s)
	return s
}
