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
	if params(dummyHash()) != params(want) {
		t.Fatalf("dummy %q, real %q", params(dummyHash()), params(want))
	}
	parts := strings.Split(dummyHash(), "$")
	if len(parts) != 6 || len(parts[4]) != len(strings.Split(want, "$")[4]) || len(parts[5]) != len(strings.Split(want, "$")[5]) {
		t.Fatalf("dummy hash %q is not shaped like %q", dummyHash(), want)
	}
	if CheckPassword(dummyHash(), "a real password") || CheckPassword(dummyHash(), "") {
		t.Fatal("the dummy hash matched a password")
	}
}

// A desk hashes at RFC 9106's second recommended setting: this package's
// tests never lower the cost (LowerCostForTests is for the packages that
// sign in by the hundred).
func TestHashAtTheRealCost(t *testing.T) {
	h, err := HashPassword("a real password")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q is not argon2id at 64 MiB and 3 passes", h)
	}
}
