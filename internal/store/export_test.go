package store

// What the tests of package store_test, which open the real databases,
// reach of the store's internals.

const (
	JobColumns  = jobColumns
	MaxErrorLen = maxErrorLen
)
