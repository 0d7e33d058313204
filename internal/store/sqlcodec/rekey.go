package sqlcodec

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// RekeyAccounts is a migration of both stores (SQLite 8, PostgreSQL 7, a
// Go migration because neither database computes rma.NameKey): it gives
// every organisation's name_key and every user's email_key the key of
// rma.NameKey. Rows made before kept a lower-cased copy, under which
// "Ｄexxon" and "Dexxon", or an NFD and an NFC email, were different, and
// under which the stores would no longer find a name typed another way.
//
// Where two rows now have one key, the older (lower id) keeps it and the
// newer gets the key followed by U+0001 and its id: no name typed can
// match that (NameKey drops control characters), so the newer one is no
// longer found by name or email, but everything that refers to it by id
// (its RMAs, keys, sessions) works as before and nothing is deleted. A
// desk that had look-alike accounts should rename or disable the newer.
func RekeyAccounts(ctx context.Context, tx *sql.Tx) error {
	for _, t := range []struct{ table, value, key string }{
		{"orgs", "name", "name_key"},
		{"users", "email", "email_key"},
	} {
		if err := rekey(ctx, tx, t.table, t.value, t.key); err != nil {
			return fmt.Errorf("rekey %s: %w", t.table, err)
		}
	}
	return nil
}

func rekey(ctx context.Context, tx *sql.Tx, table, value, key string) error {
	type row struct {
		id       int64
		old, new string
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, `+value+`, `+key+` FROM `+table+` ORDER BY id`)
	if err != nil {
		return err
	}
	var all []row
	taken := map[string]bool{}
	for rows.Next() {
		var r row
		var v string
		if err := rows.Scan(&r.id, &v, &r.old); err != nil {
			rows.Close()
			return err
		}
		r.new = rma.NameKey(v)
		if taken[r.new] {
			r.new += "\x01" + strconv.FormatInt(r.id, 10)
		}
		taken[r.new] = true
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var changed []row
	for _, r := range all {
		if r.new != r.old {
			changed = append(changed, r)
		}
	}
	// The key column is unique: a key can move from one row to another, so
	// the rows that change first step aside to a key of their own id.
	for _, pass := range []func(r row) string{
		func(r row) string { return "\x01rekey\x01" + strconv.FormatInt(r.id, 10) },
		func(r row) string { return r.new },
	} {
		for _, r := range changed {
			if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+key+` = $1 WHERE id = $2`, pass(r), r.id); err != nil {
				return err
			}
		}
	}
	return nil
}
