package sqlcodec

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Scanner is a row: *sql.Row and *sql.Rows are.
type Scanner interface{ Scan(dest ...any) error }

// KeyColumns are an API key's columns on the table alias k, in the order
// KeyScan reads them.
const KeyColumns = `k.id, k.org_id, k.user_id, k.role, k.prefix, k.hash, k.name, k.created, k.revoked, k.last_used`

// KeyScan reads KeyColumns into an API key.
type KeyScan struct {
	k                          rma.APIKey
	userID                     sql.NullInt64
	role                       string
	created, revoked, lastUsed sql.NullString
}

// Dest is where Scan puts KeyColumns.
func (s *KeyScan) Dest() []any {
	return []any{&s.k.ID, &s.k.OrgID, &s.userID, &s.role, &s.k.Prefix, &s.k.Hash, &s.k.Name, &s.created, &s.revoked, &s.lastUsed}
}

// Key is the key read, or the column that would not decode.
func (s *KeyScan) Key() (*rma.APIKey, error) {
	k := s.k
	k.UserID = s.userID.Int64
	k.Role = rma.Role(s.role)
	d := Decoder{Where: fmt.Sprintf("api key %d", k.ID)}
	k.Created = d.Time("created", s.created)
	k.Revoked = d.Time("revoked", s.revoked)
	k.LastUsed = d.Time("last_used", s.lastUsed)
	return &k, d.Err
}

// ScanAfter is a row whose first columns go to Dest and the rest to the
// caller of Scan: an organisation's scanner reads it after a key's columns.
type ScanAfter struct {
	Row  Scanner
	Dest []any
}

// Scan scans Dest, then rest.
func (s ScanAfter) Scan(rest ...any) error { return s.Row.Scan(append(s.Dest, rest...)...) }

// Columns is a list of columns ("id, name") on a table alias ("o.id, o.name").
func Columns(alias, cols string) string {
	return alias + "." + strings.ReplaceAll(cols, ", ", ", "+alias+".")
}
