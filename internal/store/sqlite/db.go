package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strings"

	"github.com/pressly/goose/v3"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// pragmas are in the DSN, not executed after Open: database/sql pools
// connections, and an Exec of a pragma would reach only the one it ran on.
// The driver runs these on every connection it opens. temp_store(MEMORY)
// keeps the writer's sub-journals (a savepoint's copies of the pages it
// changes, writer.go) in memory rather than in a temporary file: they only
// serve to roll a savepoint back, never to recover after a crash, so the
// durability is the WAL's with synchronous=FULL as before.
const pragmas = "_pragma=busy_timeout(10000)" +
	"&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(FULL)" +
	"&_pragma=temp_store(MEMORY)" +
	"&_txlock=immediate"

// maxConns bounds the pool. One connection is the writer's (writer.go);
// readers run in parallel under WAL on the others.
const maxConns = 8

// DB is an open SQLite store. It is safe for concurrent use.
type DB struct {
	*store.Store // every rma.Store method the two databases share
	pool         *sql.DB
	path         string
	w            *writer  // every write goes through it (writer.go)
	prep         prepared // reads' statements (prepared.go)
}

var _ rma.Store = (*DB)(nil)

// Open opens (creating if needed) the database file at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		// A memory database would be one per pooled connection, and a URI
		// would bypass the pragmas below; the store needs one real file.
		return nil, fmt.Errorf("sqlite: open %q: a file path is required", path)
	}
	pool, err := OpenPool(path)
	if err != nil {
		return nil, err
	}
	db := &DB{pool: pool, path: path}
	db.Store = store.New(engine{db}, dialect{})
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := db.Migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if db.w, err = newWriter(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return db, nil
}

// OpenPool opens a database file with the store's driver, pragmas and pool
// size, and nothing else: no schema. The load tool measures the raw commit
// rate of the settings the store runs with on such a file.
func OpenPool(path string) (*sql.DB, error) {
	pool, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	pool.SetMaxOpenConns(maxConns)
	pool.SetMaxIdleConns(maxConns)
	return pool, nil
}

// dsn makes the driver's URI for path. SQLite reads "file:" names as URIs,
// so the characters that end a URI path or start an escape are escaped.
func dsn(path string) string {
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + escaped + "?" + pragmas
}

// Path returns the file the store was opened on.
func (db *DB) Path() string { return db.path }

// Close finishes the writes queued and closes the database; SQLite
// checkpoints the WAL into the file when its last connection closes.
func (db *DB) Close() error {
	db.w.close()
	db.closePrepared()
	return db.pool.Close()
}

// Migrate applies the migrations the file lacks; Open calls it.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		// goose decides what to apply before its transaction begins, so a
		// second process opening the same new file can lose the race and
		// fail on a table the first one created. If nothing is pending now,
		// the other process did the work.
		if pending, perr := p.HasPending(ctx); perr == nil && !pending {
			return nil
		}
		return fmt.Errorf("sqlite: migrate %s: %w", db.path, err)
	}
	return nil
}

// provider is goose over the embedded migrations; the accounts are
// rekeyed at version 8 and the reports' roll-ups filled at 26.
func (db *DB) provider() (*goose.Provider, error) {
	p, err := store.Migrations(goose.DialectSQLite3, db.pool, migrations, 8, 26)
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrate %s: %w", db.path, err)
	}
	return p, nil
}

// storeError gives err the domain's vocabulary (store.DomainError).
func storeError(op string, err error) error { return store.DomainError(dialect{}, op, err) }

// classify is dialect.Classify: SQLite's constraint errors.
func classify(err error) (code, detail string) {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return rma.ECONFLICT, constraintDetail(se)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return rma.ENOTFOUND, ""
		}
	}
	return "", ""
}

// constraintDetail keeps the "table.column" part of SQLite's message, which
// tells the caller which value was taken without the driver's noise.
func constraintDetail(se *sqlite.Error) string {
	msg := se.Error()
	if i := strings.Index(msg, "constraint failed: "); i >= 0 {
		msg = msg[i+len("constraint failed: "):]
	}
	if i := strings.Index(msg, " ("); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// SQL is the database handle, for the archive's table copy.
func (db *DB) SQL() *sql.DB { return db.pool }

// Dialect names the database kind for the archive.
func (db *DB) Dialect() string { return "sqlite" }

// Ready reports whether the database answers and is at the schema this
// binary expects.
func (db *DB) Ready(ctx context.Context) error { return store.Ready(ctx, db.pool, db.provider) }
