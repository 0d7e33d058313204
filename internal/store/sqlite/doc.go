// Package sqlite runs the desk's store (internal/store, written once for
// both databases) on one SQLite file, with modernc.org/sqlite (pure Go, no
// cgo) through database/sql. It owns what is SQLite's own: opening the
// file, the schema and its migrations (migrations/, embedded, applied by
// goose when the file is opened), the store's Engine and its Dialect
// (engine.go).
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
// What its dialect says: a new RMA's rows go in a statement a table (SQLite
// has no data-modifying CTEs, and a statement in the writer's process
// costs no round trip); a claim needs no locking clause, since the one
// writer runs claims in turn; a search that matches many RMAs walks
// rmas_created (INDEXED BY), which SQLite's planner would not choose.
package sqlite
