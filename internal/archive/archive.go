// Package archive moves a whole desk between databases: export writes every
// table as JSON lines plus the attachment files and a manifest of counts
// and checksums; import loads such an archive into an empty database of
// either kind. Rows are copied as they are stored (IDs, numbers, hashes of
// API keys included), so RMA numbers, links and keys keep working after a
// move from SQLite to PostgreSQL and back.
package archive

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// Format names the archive layout; import refuses any other.
const Format = "rmadesk-archive/1"

// ErrNotEmpty is Import's refusal of a database that already holds records:
// the caller named the wrong database, which is not a failure of the
// archive or the database (the command line exits 2 for it, not 1).
var ErrNotEmpty = errors.New("the database already holds records")

// Table is one table of the desk's records. Tables are listed in the order
// they load (a row's references load before it). Bools and Bytes name the
// columns whose stored form differs between databases (SQLite keeps 0/1 and
// BLOB, PostgreSQL BOOLEAN and BYTEA), so the archive holds one form.
type Table struct {
	Name  string
	Key   []string // the order rows are written in
	Bools []string
	Bytes []string
	// Identity is true when the first key column is a generated ID whose
	// sequence must be moved past the imported rows.
	Identity bool
}

// Tables is the desk's schema as the archive sees it. Portal sessions
// (the sessions table) are not records and are not moved: a desk moved to
// another database signs everyone out, and a session token never leaves
// the database it was made in.
var Tables = []Table{
	{Name: "orgs", Key: []string{"id"}, Bools: []string{"is_desk"}, Identity: true},
	{Name: "users", Key: []string{"id"}, Bools: []string{"disabled"}, Identity: true},
	{Name: "api_keys", Key: []string{"id"}, Identity: true},
	{Name: "saved_views", Key: []string{"id"}, Identity: true},
	{Name: "canned_replies", Key: []string{"id"}, Identity: true},
	{Name: "service_locations", Key: []string{"id"}, Bools: []string{"active"}, Identity: true},
	{Name: "rmas", Key: []string{"id"}, Bools: []string{"no_substitute", "unread"}, Identity: true},
	{Name: "rma_lines", Key: []string{"id"}, Bools: []string{"serial_mismatch", "part_mismatch", "rejected"}, Identity: true},
	{Name: "rma_numbers", Key: []string{"id"}, Bools: []string{"is_current"}, Identity: true},
	{Name: "deadlines", Key: []string{"id"}, Identity: true},
	{Name: "charges", Key: []string{"id"}, Identity: true},
	{Name: "documents", Key: []string{"id"}, Identity: true},
	{Name: "messages", Key: []string{"id"}, Bools: []string{"from_desk", "internal"}, Identity: true},
	{Name: "events", Key: []string{"id"}, Identity: true},
	{Name: "sequences", Key: []string{"name"}},
	{Name: "search_terms", Key: []string{"term", "rma_id"}},
	{Name: "idempotency_responses", Key: []string{"org_id", "key"}, Bytes: []string{"body"}},
	{Name: "jobs", Key: []string{"id"}, Identity: true},
	{Name: "suppliers", Key: []string{"org_id"}},
	{Name: "supplier_rmas", Key: []string{"id"}, Identity: true},
	{Name: "supplier_rma_lines", Key: []string{"id"}, Identity: true},
	{Name: "supplier_events", Key: []string{"id"}, Identity: true},
	// A demo desk's moved date goes with its records, whose dates are in
	// the desk's time.
	{Name: "desk_clock", Key: []string{"id"}},
	// Credit notes and invoices keep their numbers (issue 13).
	{Name: "money_documents", Key: []string{"id"}, Identity: true},
	// The identity provider's settings (internal/sso), its client secret too:
	// an archive is as secret as the database.
	{Name: "sign_in_provider", Key: []string{"id"}, Bools: []string{"create_users", "staff_passwords"}},
	// The audit log goes with the desk it is the record of (issue 15).
	{Name: "audit_log", Key: []string{"id"}, Identity: true},
	// Every version of every policy pack, drafts too (issue 15): the RMAs
	// name the versions that decided them.
	{Name: "policy_packs", Key: []string{"id"}, Identity: true},
	// Drafts' shadow runs and what they compared (issue 15).
	{Name: "policy_shadows", Key: []string{"id"}, Identity: true},
	{Name: "policy_shadow_lines", Key: []string{"id"}, Bools: []string{"listed"}, Identity: true},
	// The reports' roll-ups (issue 16) go with the RMAs they count: what
	// each RMA added, and the cubes.
	{Name: "report_rmas", Key: []string{"rma_id"}},
	{Name: "report_policy", Key: []string{"metric", "month", "item", "policy_id"}},
	{Name: "report_model", Key: []string{"metric", "month", "model", "item", "policy_id"}},
	{Name: "report_org", Key: []string{"metric", "month", "org_id", "item", "policy_id"}},
	{Name: "report_full", Key: []string{"metric", "month", "org_id", "supplier_id", "model", "item", "policy_id"}},
	// The serial registry and its sales roll-up, kept in step with it,
	// and the public warranty check's settings (issue 16).
	{Name: "units", Key: []string{"serial_key"}},
	{Name: "units_sold_daily", Key: []string{"day", "model"}},
	{Name: "warranty_check_settings", Key: []string{"id"}, Bools: []string{"enabled", "reveal_unknown"}},
	// Webhook endpoints with their secrets, the events not yet fanned out,
	// the deliveries still to make and the log (issue 17): a desk moved
	// loses no event and sends none under a new webhook-id.
	{Name: "webhook_endpoints", Key: []string{"id"}, Bools: []string{"disabled"}, Identity: true},
	{Name: "webhook_outbox", Key: []string{"rma_id", "seq"}},
	{Name: "webhook_deliveries", Key: []string{"id"}, Identity: true},
	{Name: "webhook_attempts", Key: []string{"id"}, Identity: true},
}

// DB is a store's database as the archive needs it.
type DB interface {
	SQL() *sql.DB
	// Dialect is "sqlite" or "postgres": how explicit IDs are inserted and
	// sequences moved on.
	Dialect() string
}

// Manifest describes an archive: what it holds and how to check it.
type Manifest struct {
	Format  string              `json:"format"`
	Created time.Time           `json:"created"`
	Tables  map[string]TableSum `json:"tables"`
	Files   FilesSum            `json:"files"`
}

// TableSum is a table's row count and the SHA-256 of its JSON lines.
type TableSum struct {
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"`
}

// FilesSum counts the attachment files and hashes their names and contents.
type FilesSum struct {
	Count  int    `json:"count"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Equal reports whether two archives hold the same records and files.
func (m *Manifest) Equal(o *Manifest) bool {
	if len(m.Tables) != len(o.Tables) || m.Files != o.Files {
		return false
	}
	for name, sum := range m.Tables {
		if o.Tables[name] != sum {
			return false
		}
	}
	return true
}

// Files is the attachment store as the archive needs it: the files
// directory or a bucket (internal/filestore). An archive holds the files
// under the names the store gives them, whichever kind it came from.
type Files interface {
	// Walk calls fn with the name of every stored file, in byte order.
	Walk(ctx context.Context, fn func(path string) error) error
	Open(path string) (io.ReadCloser, error)
	// Save stores r under the name of its SHA-256 ("ab/abc...").
	Save(ctx context.Context, r io.Reader) (path string, size int64, sha256 string, err error)
}

// Export writes the database's tables and the attachment files into the
// directory out, which must not exist yet.
func Export(ctx context.Context, db DB, files Files, out string) (*Manifest, error) {
	if _, err := os.Stat(out); err == nil {
		return nil, fmt.Errorf("%s exists: export into a new directory", out)
	}
	if err := os.MkdirAll(filepath.Join(out, "tables"), 0o750); err != nil {
		return nil, err
	}
	m := &Manifest{Format: Format, Created: time.Now().UTC(), Tables: map[string]TableSum{}}
	// One read transaction, so the archive is one consistent moment.
	tx, err := db.SQL().BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil && db.Dialect() == "sqlite" {
		tx, err = db.SQL().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	}
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	for _, t := range Tables {
		sum, err := exportTable(ctx, tx, t, filepath.Join(out, "tables", t.Name+".jsonl"))
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", t.Name, err)
		}
		m.Tables[t.Name] = sum
	}
	if m.Files, err = exportFiles(ctx, files, filepath.Join(out, "files")); err != nil {
		return nil, fmt.Errorf("export files: %w", err)
	}
	return m, writeManifest(filepath.Join(out, "manifest.json"), m)
}

func exportTable(ctx context.Context, tx *sql.Tx, t Table, path string) (TableSum, error) {
	rows, err := tx.QueryContext(ctx, "SELECT * FROM "+t.Name+" ORDER BY "+strings.Join(t.Key, ", "))
	if err != nil {
		return TableSum{}, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return TableSum{}, err
	}
	f, err := os.Create(path)
	if err != nil {
		return TableSum{}, err
	}
	defer f.Close()
	h := sha256.New()
	w := bufio.NewWriter(io.MultiWriter(f, h))
	n := 0
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return TableSum{}, err
		}
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			row[c] = normalize(t, c, vals[i])
		}
		line, err := json.Marshal(row) // map keys are sorted: one canonical form
		if err != nil {
			return TableSum{}, err
		}
		w.Write(line)
		w.WriteByte('\n')
		n++
	}
	if err := rows.Err(); err != nil {
		return TableSum{}, err
	}
	if err := w.Flush(); err != nil {
		return TableSum{}, err
	}
	if err := f.Sync(); err != nil {
		return TableSum{}, err
	}
	return TableSum{Rows: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// normalize gives a stored value the one form the archive holds.
func normalize(t Table, col string, v any) any {
	switch x := v.(type) {
	case []byte:
		if slices.Contains(t.Bytes, col) {
			return base64.StdEncoding.EncodeToString(x)
		}
		return string(x)
	case int64:
		if slices.Contains(t.Bools, col) {
			return x != 0
		}
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000000000Z")
	}
	return v
}

// Import loads the archive in dir into db, which must hold no records, and
// stores its files in files. It checks every table and the files
// against the manifest before it commits anything.
func Import(ctx context.Context, db DB, files Files, dir string) (*Manifest, error) {
	var m Manifest
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("reading the manifest: %w", err)
	}
	if err := json.Unmarshal(data, &m); err != nil || m.Format != Format {
		return nil, fmt.Errorf("%s is not an %s archive", dir, Format)
	}
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	for _, t := range Tables {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t.Name).Scan(&n); err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		if n > 0 && t.Name != "sequences" {
			return nil, fmt.Errorf("import: %w (%d in %s): import into a new one", ErrNotEmpty, n, t.Name)
		}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM sequences"); err != nil {
		return nil, err
	}
	for _, t := range Tables {
		want, ok := m.Tables[t.Name]
		if !ok {
			return nil, fmt.Errorf("import: the manifest has no table %s", t.Name)
		}
		got, err := importTable(ctx, tx, db.Dialect(), t, filepath.Join(dir, "tables", t.Name+".jsonl"))
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", t.Name, err)
		}
		if got != want {
			return nil, fmt.Errorf("import %s: %d rows with checksum %s, but the manifest says %d rows, %s", t.Name, got.Rows, got.SHA256, want.Rows, want.SHA256)
		}
	}
	if db.Dialect() == "postgres" {
		for _, t := range Tables {
			if t.Identity {
				q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), COALESCE((SELECT MAX(id) FROM %[1]s), 0) + 1, false)`, t.Name)
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return nil, fmt.Errorf("import: moving the %s sequence: %w", t.Name, err)
				}
			}
		}
	}
	got, err := importFiles(ctx, filepath.Join(dir, "files"), files)
	if err != nil {
		return nil, fmt.Errorf("import files: %w", err)
	}
	if got != m.Files {
		return nil, fmt.Errorf("import files: %d files (%s), but the manifest says %d (%s)", got.Count, got.SHA256, m.Files.Count, m.Files.SHA256)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return &m, nil
}

func importTable(ctx context.Context, tx *sql.Tx, dialect string, t Table, path string) (TableSum, error) {
	f, err := os.Open(path)
	if err != nil {
		return TableSum{}, err
	}
	defer f.Close()
	h := sha256.New()
	sc := bufio.NewScanner(io.TeeReader(f, h))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	var stmt *sql.Stmt
	var cols []string
	for sc.Scan() {
		var row map[string]any
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.UseNumber()
		if err := dec.Decode(&row); err != nil {
			return TableSum{}, fmt.Errorf("line %d: %w", n+1, err)
		}
		if stmt == nil {
			cols = make([]string, 0, len(row))
			for c := range row {
				cols = append(cols, c)
			}
			sort.Strings(cols)
			marks := make([]string, len(cols))
			for i := range cols {
				marks[i] = fmt.Sprintf("$%d", i+1)
			}
			q := "INSERT INTO " + t.Name + " (" + strings.Join(cols, ", ") + ") "
			if dialect == "postgres" && t.Identity {
				q += "OVERRIDING SYSTEM VALUE "
			}
			q += "VALUES (" + strings.Join(marks, ", ") + ")"
			if stmt, err = tx.PrepareContext(ctx, q); err != nil {
				return TableSum{}, err
			}
			defer stmt.Close()
		}
		args := make([]any, len(cols))
		for i, c := range cols {
			v, ok := row[c]
			if !ok {
				return TableSum{}, fmt.Errorf("line %d: no column %s", n+1, c)
			}
			if args[i], err = denormalize(t, c, v); err != nil {
				return TableSum{}, fmt.Errorf("line %d, %s: %w", n+1, c, err)
			}
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return TableSum{}, fmt.Errorf("line %d: %w", n+1, err)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return TableSum{}, err
	}
	return TableSum{Rows: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// denormalize turns an archived value back into a parameter.
func denormalize(t Table, col string, v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		return x.Float64()
	case string:
		if slices.Contains(t.Bytes, col) {
			return base64.StdEncoding.DecodeString(x)
		}
	}
	return v, nil
}

// exportFiles copies the store's files into the directory to and sums
// them: names, sizes and contents, in name order.
func exportFiles(ctx context.Context, files Files, to string) (FilesSum, error) {
	var sum FilesSum
	h := sha256.New()
	err := files.Walk(ctx, func(name string) error {
		dst := filepath.Join(to, filepath.FromSlash(name))
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			return fmt.Errorf("file name %q leaves the archive", name)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return err
		}
		in, err := files.Open(name)
		if err != nil {
			return err
		}
		defer in.Close()
		n, fileSum, err := writeFile(dst, in)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(h, "%s %d %s\n", name, n, fileSum)
		sum.Count++
		sum.Bytes += n
		return nil
	})
	sum.SHA256 = hex.EncodeToString(h.Sum(nil))
	return sum, err
}

// importFiles stores the archive's files (the tree under from) in the
// store and sums them as exportFiles does. The store names each file by
// its SHA-256, so a file whose name is not its content's SHA-256 (damaged,
// or not made by export) is refused: the records would point at nothing.
func importFiles(ctx context.Context, from string, files Files) (FilesSum, error) {
	var sum FilesSum
	h := sha256.New()
	if _, err := os.Stat(from); errors.Is(err, fs.ErrNotExist) {
		return FilesSum{SHA256: hex.EncodeToString(h.Sum(nil))}, nil
	}
	var names []string
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		rel, err := filepath.Rel(from, path)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		return sum, err
	}
	sort.Strings(names)
	for _, name := range names {
		// Checked before it is stored, so a damaged archive leaves nothing
		// behind in a bucket either.
		path := filepath.Join(from, filepath.FromSlash(name))
		if _, content, err := hashFile(path); err != nil {
			return sum, err
		} else if content[:2]+"/"+content != name {
			return sum, fmt.Errorf("%s holds content with SHA-256 %s: the archive is damaged", name, content)
		}
		in, err := os.Open(path)
		if err != nil {
			return sum, err
		}
		stored, n, fileSum, err := files.Save(ctx, in)
		in.Close()
		if err != nil {
			return sum, fmt.Errorf("%s: %w", name, err)
		}
		if stored != name {
			return sum, fmt.Errorf("%s holds content with SHA-256 %s: the archive is damaged", name, fileSum)
		}
		fmt.Fprintf(h, "%s %d %s\n", name, n, fileSum)
		sum.Count++
		sum.Bytes += n
	}
	sum.SHA256 = hex.EncodeToString(h.Sum(nil))
	return sum, nil
}

func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return n, hex.EncodeToString(h.Sum(nil)), err
}

// writeFile writes r to the new file dst, synced, and returns its size and
// SHA-256.
func writeFile(dst string, r io.Reader) (int64, string, error) {
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
	if err != nil {
		return 0, "", err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), r)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return n, hex.EncodeToString(h.Sum(nil)), err
}

func writeManifest(path string, m *Manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o640)
}

// ReadManifest reads an archive's manifest.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m Manifest
	return &m, json.Unmarshal(data, &m)
}
