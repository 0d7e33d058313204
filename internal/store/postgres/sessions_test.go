package postgres

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/storetest"
)

// TestSharedDatabase: two stores on one database, as two instances of the
// desk, see each other's ended sessions and revoked keys at once.
func TestSharedDatabase(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) (rma.Store, rma.Store) {
		url := migratedURL(t)
		return openURL(t, url), openURL(t, url)
	})
}
