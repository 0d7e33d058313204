package web

import (
	"os"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
)

// TestMain hashes the tests' passwords cheaply: they sign in hundreds of
// times, and argon2 at a desk's cost was three quarters of this package's
// CPU (auth.LowerCostForTests; internal/auth tests the real cost).
func TestMain(m *testing.M) {
	auth.LowerCostForTests()
	os.Exit(m.Run())
}
