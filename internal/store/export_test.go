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

// The shadow review's reads (shadows.go).
const (
	ShadowLinesSQL = shadowLinesSQL
	ShadowTallySQL = shadowTallySQL
	ShadowRunsSQL  = shadowRunsSQL
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

// HoldCreates keeps submissions queued, unwritten, until release is
// called: a test can then see the ones queued meanwhile written together.
// pending tells how many wait.
func (st *Store) HoldCreates() (pending func() int, release func()) {
	b := &st.creates
	b.mu.Lock()
	held := maxCreateFlushers - b.running
	b.running = maxCreateFlushers
	b.mu.Unlock()
	pending = func() int {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.pending)
	}
	release = func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		for range held {
			go st.flushCreates(st.e.(Bulk)) // takes the slot held
		}
	}
	return pending, release
}
