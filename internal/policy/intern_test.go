package policy

import (
	"fmt"
	"sync"
	"testing"
)

// TestIntern: whatever the slots hold, intern returns the bytes it was
// given, from many goroutines at once (the replay's workers), including
// words that share a slot and words too long to intern.
func TestIntern(t *testing.T) {
	words := make([][]byte, 0, 3*internSlots)
	for i := range cap(words) { // more words than slots: collisions
		words = append(words, fmt.Appendf(nil, "word-%d", i))
	}
	long := make([]byte, internMax+1)
	for i := range long {
		long[i] = 'x'
	}
	words = append(words, long, []byte{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for round := range 3 {
				for i, w := range words {
					if got := intern(w); got != string(w) {
						t.Errorf("goroutine %d round %d word %d: intern(%q) = %q", g, round, i, w, got)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	a, b := intern([]byte("partner")), intern([]byte("partner"))
	if a != "partner" || b != "partner" {
		t.Errorf("intern(partner) = %q, %q", a, b)
	}
}
