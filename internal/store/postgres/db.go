package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// maxConns bounds the pool. Each connection is a server process; a desk's
// transactions are short, so a few connections serve many requests, and
// several instances of the desk share the server's max_connections.
const maxConns = 16

// writeAttempts is how often a write transaction is run before a deadlock
// or serialization failure is given up on.
const writeAttempts = 4

// DB is an open PostgreSQL store. It is safe for concurrent use.
type DB struct {
	*store.Store // every rma.Store method the two databases share
	pool         *sql.DB
	name         string // the database's name, for messages
	where        string // the URL without its password, for Path
	deadlocks    atomic.Int64
}

// Deadlocks is how many writes PostgreSQL broke off as deadlocked (and
// the store ran again) since the store was opened: each cost a second
// (the server's deadlock_timeout), and none should happen, since every
// transaction takes the rows others share in one order (store.Rows.Shared).
func (db *DB) Deadlocks() int64 { return db.deadlocks.Load() }

var _ rma.Store = (*DB)(nil)

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string, as pgx reads them) and brings its schema up to date.
func Open(ctx context.Context, url string) (*DB, error) {
	pool, cfg, err := openPool(url)
	if err != nil {
		return nil, err
	}
	db := &DB{pool: pool, name: cfg.Database, where: where(cfg)}
	db.Store = store.New(engine{db}, dialect{})
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open %s: %w", db.name, err)
	}
	if err := db.Migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// OpenPool connects to the database at url with the store's driver,
// session settings and pool size, and nothing else: no schema. The load
// tool measures the raw commit rate of the settings the store runs with.
func OpenPool(url string) (*sql.DB, error) {
	pool, _, err := openPool(url)
	return pool, err
}

func openPool(url string) (*sql.DB, *pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// pgx's message shows the URL with its password masked.
		return nil, nil, fmt.Errorf("postgres: open: %w", err)
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "rmadesk" // so pg_stat_activity names us
	}
	pool := stdlib.OpenDB(*cfg, stdlib.OptionAfterConnect(durable))
	pool.SetMaxOpenConns(maxConns)
	pool.SetMaxIdleConns(maxConns)
	// Idle connections go back after a while: a quiet desk should not hold
	// server processes that other instances could use.
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return pool, cfg, nil
}

// durable runs on every new connection: a committed change must survive a
// crash, so synchronous_commit = off (set on the server, the database, the
// role or in the URL) is turned back on for this session. Any other value
// is at least as durable and is kept.
func durable(ctx context.Context, c *pgx.Conn) error {
	_, err := c.Exec(ctx, `SELECT set_config('synchronous_commit', 'on', false)
		WHERE current_setting('synchronous_commit') = 'off'`)
	return err
}

// Close closes the pool's connections.
func (db *DB) Close() error { return db.pool.Close() }

// Migrate applies the migrations the database lacks; Open calls it. A
// session advisory lock makes instances that start together take turns:
// the first applies the migrations, the others then find nothing to do.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate %s: %w", db.name, err)
	}
	return nil
}

// provider is goose over the embedded migrations, taking the advisory lock
// while it migrates; the accounts are rekeyed at version 7 and the
// reports' roll-ups filled at 25.
func (db *DB) provider() (*goose.Provider, error) {
	// Probe for the lock every second (goose's default is every 5), for up
	// to 5 minutes: a long migration on a big database holds it that long.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, fmt.Errorf("postgres: migrate: %w", err)
	}
	p, err := store.Migrations(goose.DialectPostgres, db.pool, migrations, 7, 25, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("postgres: migrate %s: %w", db.name, err)
	}
	return p, nil
}

// SQLSTATE codes the store maps to the domain.
const (
	uniqueViolation      = "23505"
	foreignKeyViolation  = "23503"
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
	badCharacter         = "22021" // character_not_in_repertoire: NUL, invalid UTF-8
	untranslatable       = "22P05"
)

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// retryable reports whether err ended a transaction that would succeed if
// run again.
func retryable(err error) bool {
	c := pgCode(err)
	return c == serializationFailure || c == deadlockDetected
}

// storeError gives err the domain's vocabulary (store.DomainError).
func storeError(op string, err error) error { return store.DomainError(dialect{}, op, err) }

// classify is dialect.Classify: PostgreSQL's SQLSTATE codes.
func classify(err error) (code, detail string) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case uniqueViolation:
			return rma.ECONFLICT, constraintDetail(pe)
		case foreignKeyViolation:
			return rma.ENOTFOUND, ""
		case badCharacter, untranslatable:
			return rma.EINVALID, ""
		}
	}
	return "", ""
}

// constraintDetail names the columns whose value was taken as
// "table.column", as SQLite's messages do, read from the "Key (a,
// b)=(...)" of PostgreSQL's detail without the values themselves.
func constraintDetail(pe *pgconn.PgError) string {
	cols, ok := strings.CutPrefix(pe.Detail, "Key (")
	if i := strings.Index(cols, ")="); ok && i > 0 && pe.TableName != "" {
		parts := strings.Split(cols[:i], ", ")
		for j, c := range parts {
			parts[j] = pe.TableName + "." + c
		}
		return strings.Join(parts, ", ")
	}
	return pe.ConstraintName
}
