package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/rmadesk/rmadesk/internal/store"
)

// What the commands need beyond rma.Store, as SQLite's DB offers it: the
// archive's handle and dialect, readiness (the RMA gauge of internal/ops
// is the shared store's), and where the store is.

// SQL is the database handle, for the archive's table copy.
func (db *DB) SQL() *sql.DB { return db.pool }

// Dialect names the database kind for the archive.
func (db *DB) Dialect() string { return "postgres" }

// Path says where the store is: its URL without the password.
func (db *DB) Path() string { return db.where }

// where is cfg as a URL without the password; a Unix socket directory
// goes in the host parameter, as pgx reads it.
func where(cfg *pgx.ConnConfig) string {
	u := url.URL{Scheme: "postgres", User: url.User(cfg.User), Path: "/" + cfg.Database}
	port := strconv.Itoa(int(cfg.Port))
	if strings.HasPrefix(cfg.Host, "/") {
		u.RawQuery = url.Values{"host": {cfg.Host}, "port": {port}}.Encode()
	} else {
		u.Host = net.JoinHostPort(cfg.Host, port)
	}
	return u.String()
}

// Ready reports whether the database answers and is at the schema this
// binary expects. Another instance may be migrating it: until it is done,
// this one is not ready.
func (db *DB) Ready(ctx context.Context) error { return store.Ready(ctx, db.pool, db.provider) }

// HasDesk reports whether the database at url holds a desk's schema, and
// creates nothing: Open would migrate an empty database into an empty desk,
// and a command that only reads or adds to a desk (check, export) must
// refuse a mistyped URL rather than report on a desk it just made.
func HasDesk(ctx context.Context, url string) (bool, error) {
	pool, cfg, err := openPool(url)
	if err != nil {
		return false, err
	}
	defer pool.Close()
	var ok bool
	if err := pool.QueryRowContext(ctx, `SELECT to_regclass('orgs') IS NOT NULL`).Scan(&ok); err != nil {
		return false, fmt.Errorf("postgres: open %s: %w", cfg.Database, err)
	}
	return ok, nil
}
