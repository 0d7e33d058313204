package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"

	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
)

// Migrations stay per database (internal/store/sqlite/migrations,
// internal/store/postgres/migrations): the same tables in each one's SQL.

// GoMigrations is how many of a database's migrations are written in Go.
const GoMigrations = 2

// Migrations is goose over a database's migrations: the SQL files of the
// directory "migrations" in fsys, and the ones written in Go, which both
// databases share at versions of their own (migrations/README.md lists
// them): rekeyAt is the version that rekeys accounts
// (sqlcodec.RekeyAccounts), reportsAt the one that fills the reports'
// roll-ups (BackfillReports). opts add goose's options (PostgreSQL's lock).
func Migrations(dialect goose.Dialect, pool *sql.DB, fsys fs.FS, rekeyAt, reportsAt int64, opts ...goose.ProviderOption) (*goose.Provider, error) {
	sub, err := fs.Sub(fsys, "migrations")
	if err != nil {
		return nil, err
	}
	opts = append(opts, goose.WithGoMigrations(
		goose.NewGoMigration(rekeyAt, &goose.GoFunc{RunTx: sqlcodec.RekeyAccounts}, nil),
		goose.NewGoMigration(reportsAt, &goose.GoFunc{RunTx: BackfillReports}, &goose.GoFunc{RunTx: noDown})))
	return goose.NewProvider(dialect, pool, sub, opts...)
}

// Ready reports whether the database answers and is at the schema this
// binary expects: the migrations provider gives find nothing to apply.
func Ready(ctx context.Context, pool *sql.DB, provider func() (*goose.Provider, error)) error {
	if err := pool.PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	p, err := provider()
	if err != nil {
		return err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	if pending {
		return errors.New("migrations pending: run rmadesk migrate")
	}
	return nil
}

// noDown is the down step of a migration that only fills tables another
// migration's down step drops.
func noDown(context.Context, *sql.Tx) error { return nil }
