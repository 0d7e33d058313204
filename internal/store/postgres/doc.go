// Package postgres runs the desk's store (internal/store, written once for
// both databases) on PostgreSQL, with github.com/jackc/pgx/v5 through its
// database/sql adapter (pgx/v5/stdlib). It owns what is PostgreSQL's own:
// connecting, the schema and its migrations (migrations/, embedded,
// applied by goose when the store is opened), the store's Engine and its
// Dialect (engine.go).
//
// It behaves as SQLite does, down to what a caller can see: the same
// tables and columns, timestamps as the same text with nanoseconds, the
// same cursors, the same errors. Both pass the conformance suite in
// internal/store/storetest. database/sql rather than pgxpool lets one
// store run on both (and goose needs a *sql.DB anyway); pgx does the work
// underneath either way.
//
// Where PostgreSQL needs more than SQLite, because several transactions,
// and several instances of the desk, really run at once:
//
//   - Write transactions run at READ COMMITTED, set explicitly so a server
//     default of SERIALIZABLE does not change the behaviour. SaveRMA's
//     "UPDATE ... WHERE version = $n" then makes a second writer wait for
//     the first and find the version moved: EPRECONDITION for the loser, as
//     in SQLite.
//   - A write that hits a deadlock or a serialization failure is retried
//     from the start a few times, then reported as EPRECONDITION: the
//     records changed under it. Transaction bodies are written to be run
//     again: they set their results, never append to them, and change the
//     caller's values only after the commit.
//   - Appending events to an RMA locks its row first (SaveRMA's UPDATE
//     does, and AddDocument's and AddMessage's UPDATE of its version), so
//     two writers queue for the next sequence number instead of both
//     taking it.
//   - CreateRMA inserts ON CONFLICT (org_id, idempotency_key) DO NOTHING:
//     of two submissions with one key, however close, the second waits for
//     the first's commit and gets ECONFLICT with the first's ID.
//   - ClaimJob selects FOR UPDATE SKIP LOCKED (the dialect's SkipLocked),
//     so workers in any number of processes never hold one job, and never
//     wait on each other's rows.
//   - A new RMA's lines, numbers, deadlines, search terms, jobs and first
//     event go in one statement of data-modifying CTEs (the dialect's
//     InsertRows, multiinsert.go), as do SaveRMA's replaced rows with its
//     events: one round trip instead of one a table.
//   - A bulk load (CreateRMAs) runs in one transaction, and one by one
//     when an item is refused (the engine's WriteEach).
//   - Migrations hold a session advisory lock (goose's session locker), so
//     instances starting together apply them once, one after the other.
//   - Reads that span several queries (one RMA with its lines, a list page
//     with its deadlines) run in one REPEATABLE READ, read-only transaction:
//     one snapshot, as SQLite's read transaction gives.
//   - Every connection has synchronous_commit on: a server or database
//     configured with it off is overridden, because a desk that
//     acknowledges an RMA must not lose it in a crash. Stronger settings
//     (remote_apply on a replicated server) are left alone.
//
// And where PostgreSQL keeps less: text cannot hold a NUL character or
// invalid UTF-8. Writing such text is EINVALID (SQLite stores it); looking
// one up finds nothing on either database, as it could never have been
// stored.
package postgres
