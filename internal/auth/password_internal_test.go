package auth

import (
	"strings"
	"testing"
)

// The dummy hash an unknown email is checked against costs what a real
// one costs: the same algorithm and parameters, and well formed (a hash
// that did not parse would be refused at once, and time would tell).
func TestDummyHashCostsAsMuch(t *testing.T) {
	want, err := HashPassword("a real password")
	if err != nil {
		t.Fatal(err)
	}
	params := func(h string) string { return strings.Join(strings.Split(h, "$")[:4], "$") }
	if params(dummyHash) != params(want) {
		t.Fatalf("dummy %q, real %q", params(dummyHash), params(want))
	}
	parts := strings.Split(dummyHash, "$")
	if len(parts) != 6 || len(parts[4]) != len(strings.Split(want, "$")[4]) || len(parts[5]) != len(strings.Split(want, "$")[5]) {
		t.Fatalf("dummy hash %q is not shaped like %q", dummyHash, want)
	}
	if CheckPassword(dummyHash, "a real password") || CheckPassword(dummyHash, "") {
		t.Fatal("the dummy hash matched a password")
	}
}
