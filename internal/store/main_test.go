package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/pgtest"
	"github.com/rmadesk/rmadesk/internal/store/postgres"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
)

// The shared store's own tests: what the conformance suite
// (internal/store/storetest, run by each database's package) does not
// reach, on both databases, and SQLite's plans for the store's queries.

func TestMain(m *testing.M) { pgtest.Main(m) }

// DB is a store on a real database, with its handle for tests that look
// underneath.
type DB interface {
	rma.Store
	SQL() *sql.DB
	Dialect() string
	Path() string
	Close() error
	CreateRMAs(ctx context.Context, rs []*rma.RMA, evs []*rma.Event, keys []string) ([]error, error)
}

func openSQLite(t *testing.T) *sqlite.DB {
	t.Helper()
	db := sqlitetest.Open(t)
	return db
}

// migratedURL gives each test a copy of a database migrated once.
var migratedURL = pgtest.Template(func(ctx context.Context, url string) error {
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	return db.Close()
})

func openPostgres(t *testing.T) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), migratedURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// eachDB runs f on a new store of each database.
func eachDB(t *testing.T, f func(t *testing.T, db DB)) {
	t.Run("sqlite", func(t *testing.T) { f(t, openSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, openPostgres(t)) })
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// explainPlan returns SQLite's plan for q, one detail a line.
func explainPlan(t testing.TB, db *sqlite.DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.SQL().QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, args...)
	must(t, err)
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notused int
		var detail string
		must(t, rows.Scan(&id, &parent, &notused, &detail))
		b.WriteString(detail + "\n")
	}
	must(t, rows.Err())
	return b.String()
}
