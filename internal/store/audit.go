package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The audit log (internal/audit). An entry travels to the store in the
// context of the change it records (audit.Record), and write appends it in
// that change's transaction; AppendAudit writes one on its own.

// AppendAudit stores e and sets its ID, and its At when zero.
func (st *Store) AppendAudit(ctx context.Context, e *audit.Entry) error {
	if e == nil {
		return rma.Invalid("entry", "missing")
	}
	if err := e.Valid(); err != nil {
		return err
	}
	at := orNow(e.At).UTC()
	var id int64
	err := st.write(ctx, "append audit", func(q Querier) error {
		var err error
		id, err = insertAudit(ctx, q, e, at)
		return err
	})
	if err != nil {
		return err
	}
	e.ID, e.At = id, at
	return nil
}

// insertAudit writes e, made at at, in the transaction q and returns its ID.
func insertAudit(ctx context.Context, q Querier, e *audit.Entry, at time.Time) (int64, error) {
	return insertAuditWith(e, at, func(query string, args ...any) rowScanner { return q.QueryRowContext(ctx, query, args...) })
}

// insertAuditWith is insertAudit through any transaction's QueryRow (the
// bulk loader's too).
func insertAuditWith(e *audit.Entry, at time.Time, queryRow func(query string, args ...any) rowScanner) (int64, error) {
	var enc encoder
	atText := enc.Time("at", at)
	changes := e.Changes
	if changes == nil {
		changes = []audit.Change{}
	}
	b, ok := enc.Marshal("changes", changes)
	if enc.Err != nil || !ok {
		return 0, enc.Err
	}
	var id int64
	err := queryRow(
		`INSERT INTO audit_log (at, action, actor_org_id, actor_user_id, actor_key_id, actor_name, actor_name_key,
		   target_kind, target_id, target_name, target_name_key, changes)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		atText, e.Action, e.ActorOrgID, e.ActorUserID, e.ActorKeyID, e.ActorName, nameKey(e.ActorName),
		e.TargetKind, e.TargetID, e.TargetName, nameKey(e.TargetName), string(b)).Scan(&id)
	return id, err
}

// writeAudited is write with the audit entry ctx carries, if any not yet
// recorded: appended by fn's transaction after fn, so the change and its
// entry are kept together or not at all (audit.Record).
func (st *Store) writeAudited(ctx context.Context, op string, fn func(q Querier) error) error {
	e, committed := audit.Unrecorded(ctx)
	if e == nil {
		return st.e.Write(ctx, op, fn)
	}
	at := orNow(e.At).UTC()
	var id int64
	err := st.e.Write(ctx, op, func(q Querier) error {
		if err := fn(q); err != nil {
			return err
		}
		var err error
		id, err = insertAudit(ctx, q, e, at)
		return err
	})
	if err != nil {
		return err
	}
	e.ID, e.At = id, at
	committed()
	return nil
}

const auditColumns = `id, at, action, actor_org_id, actor_user_id, actor_key_id, actor_name,
	target_kind, target_id, target_name, changes`

func scanAudit(row scanner) (audit.Entry, error) {
	var e audit.Entry
	var at, changes string
	if err := row.Scan(&e.ID, &at, &e.Action, &e.ActorOrgID, &e.ActorUserID, &e.ActorKeyID, &e.ActorName,
		&e.TargetKind, &e.TargetID, &e.TargetName, &changes); err != nil {
		return e, err
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return e, fmt.Errorf("audit entry %d: at %q: %w", e.ID, at, err)
	}
	e.At = t.UTC()
	if err := json.Unmarshal([]byte(changes), &e.Changes); err != nil {
		return e, fmt.Errorf("audit entry %d: changes: %w", e.ID, err)
	}
	return e, nil
}

// AuditLog returns one page of entries, newest first (by ID, which is the
// order they were appended on SQLite and, give or take transactions in
// flight, on PostgreSQL), and the next page's cursor.
func (st *Store) AuditLog(ctx context.Context, f audit.Filter) ([]audit.Entry, string, error) {
	if err := f.Check(); err != nil {
		return nil, "", err
	}
	limit := f.Limit
	if limit == 0 {
		limit = audit.DefaultLimit
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Cursor != "" {
		id, err := decodeAuditCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where = append(where, "id < "+arg(id))
	}
	if a := f.Action; a != "" {
		if strings.HasSuffix(a, ".") {
			end, _ := prefixEnd(a) // a ends in ".", which has a successor
			where = append(where, "action >= "+arg(a)+" AND action < "+arg(end))
		} else {
			where = append(where, "action = "+arg(a))
		}
	}
	if f.Actor != "" {
		where = append(where, "actor_name_key = "+arg(nameKey(f.Actor)))
	}
	if f.Target != "" {
		where = append(where, "(target_name_key = "+arg(nameKey(f.Target))+" OR target_id = "+arg(f.Target)+")")
	}
	var enc encoder
	if !f.From.IsZero() {
		where = append(where, "at >= "+arg(enc.Time("from", f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "at < "+arg(enc.Time("to", f.To)))
	}
	if enc.Err != nil {
		return nil, "", enc.Err
	}
	query := `SELECT ` + auditColumns + ` FROM audit_log`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY id DESC LIMIT ` + arg(limit+1)
	page, err := collect(ctx, st.pool(), scanAudit, query, args...)
	if err != nil {
		return nil, "", st.storeError("audit log", err)
	}
	var next string
	if len(page) > limit {
		page = page[:limit]
		next = encodeAuditCursor(page[limit-1].ID)
	}
	return page, next, nil
}

// An audit cursor is opaque to the client: base64url of "audit," and the
// last entry's ID.
func encodeAuditCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("audit," + strconv.FormatInt(id, 10)))
}

func decodeAuditCursor(s string) (int64, error) {
	bad := rma.Invalid("cursor", "not a cursor from a previous page")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, bad
	}
	n, ok := strings.CutPrefix(string(b), "audit,")
	if !ok {
		return 0, bad
	}
	id, err := strconv.ParseInt(n, 10, 64)
	if err != nil || id <= 0 {
		return 0, bad
	}
	return id, nil
}

var _ audit.Store = (*Store)(nil)
