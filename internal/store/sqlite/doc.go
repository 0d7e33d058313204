// Package sqlite keeps the desk's records in one SQLite file: it implements
// rma.Store with modernc.org/sqlite (pure Go, no cgo) through database/sql,
// and owns the schema and its migrations (migrations/, embedded, applied by
// goose when the file is opened).
//
// The file is opened in WAL mode with synchronous=FULL, so a committed
// change survives a power cut, and readers never wait for the writer.
// Every write of the store goes to one writer goroutine with a connection
// of its own, which commits concurrent writes together: one transaction
// and one fsync for every write waiting, each write in its own savepoint
// so that its failure is its own, and no answer before the commit
// (writer.go). Its transactions begin IMMEDIATE, taking the file's write
// lock first, so another process writing the same file queues on the busy
// timeout. Reads that span several queries run in a read-only (deferred)
// transaction so they see one snapshot; reads run prepared statements
// (prepared.go).
//
// Conventions the Postgres store shares, because they are fixed by the
// conformance suite in internal/store/storetest and by the data:
//
//   - Timestamps are stored as TEXT, RFC 3339 in UTC with nine fixed
//     fractional digits, so they sort as text and keep nanoseconds; dates
//     (calendar.Date) as TEXT "YYYY-MM-DD". Zero times and dates are NULL.
//   - Timestamps the caller leaves zero (Created, Updated, Event.At...) are
//     set from the store's clock; the ones the caller sets are kept.
//   - A line's claim is kept in the claim's JSON contract and its decision as
//     the decision's JSON; both are checked before they are written, so a
//     stored RMA can always be read back.
//   - List cursors are opaque: base64url of the last row's (created, id).
//   - Searching by a prefix of a number, serial or model reads the
//     search_terms table, one lower-cased row per term and RMA.
//
// Queries use $1-style parameters, which SQLite reads by number as
// PostgreSQL does, so a query can move between the two stores unchanged.
package sqlite
