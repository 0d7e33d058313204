package store

// What the tests of package store_test, which open the real databases,
// reach of the store's internals.

const (
	JobColumns  = jobColumns
	MaxErrorLen = maxErrorLen
)

var (
	ListQuery   = listQuery
	LoadRMA     = loadRMA
	DenseSearch = denseSearch
	SearchKey   = searchKey
)

// SetDenseAt sets denseAt and returns the value it had.
func SetDenseAt(n int) int {
	old := denseAt
	denseAt = n
	return old
}

// BulkLoads counts the batches CreateRMAs loaded with the engine's Bulk.
func (st *Store) BulkLoads() int64 { return st.bulkLoads.Load() }

// CreateBatches counts the batches of submissions written together.
func (st *Store) CreateBatches() int64 { return st.batches.Load() }
