package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
)

// The serial registry (issue 16, rma.UnitStore): the units table, its
// sales roll-up units_sold_daily, and the public check's settings.
//
// Every write of units, a load of a million from the ERP or the one
// replacement a resolution ships, goes the same way, in its transaction:
//
//  1. the units are staged in a temporary table, units_load (PostgreSQL's
//     COPY for a load, INSERT statements otherwise), while a map in memory
//     finds a serial given twice (which refuses the write: it would
//     overwrite itself) and counts what the sales roll-up gains by day and
//     model;
//  2. one join of the staged units with the stored ones counts the units
//     replaced and those loaded again unchanged, by the roll-up's day and
//     model: what the roll-up loses;
//  3. the units are upserted (a row loaded again as it was is not
//     touched), and the roll-up moves by what it gains less what it loses,
//     in statements written once for both databases;
//  4. the staging table is emptied.
//
// Into an empty registry (the first load) the units go straight into
// units instead, their secondary indexes dropped and built again once the
// rows are in: there is nothing to replace, staging would write every row
// twice, and an index is built faster by one sort than by a million
// inserts. On PostgreSQL the dropped index locks the table to the load's
// commit: lookups wait for the first load.
//
// On PostgreSQL an advisory lock held to the commit keeps two writers of
// units from moving the roll-up from the same old rows; SQLite's one
// writer does that by itself.

// unitCols are the units table's columns a write gives, in the order
// encodeUnit writes them; units_load has them and row_no.
var unitCols = []string{"serial_key", "serial", "part_number", "model", "category", "sold_to", "sold_to_key", "invoice_date",
	"invoice_no", "delivered", "manufactured", "price_cents", "currency", "policy_id", "rma_id", "rma_number", "replaces",
	"replaces_key", "warranty_end", "sold_on"}

var (
	unitLoadCols   = append(append([]string{}, unitCols...), "row_no")
	unitInsertCols = append(append([]string{}, unitCols...), "created", "updated")
)

// unitsStageChunk is how many units one staging INSERT holds: 21
// parameters each, well under either database's limit. A load stages the
// rest one by one, so that the writer's statement cache keeps two texts.
const unitsStageChunk = 500

// encodeUnit is a unit's row for units_load: its columns, then row.
func encodeUnit(u *rma.Unit, row int64) ([]any, error) {
	return encodeUnitKeyed(u, row, nameKey(u.SoldTo))
}

// encodeUnitKeyed is encodeUnit with the sold-to name's key, which a load
// computes once a name.
func encodeUnitKeyed(u *rma.Unit, row int64, soldToKey string) ([]any, error) {
	var enc encoder
	var rmaID any
	if u.RMAID != 0 {
		rmaID = u.RMAID
	}
	replacesKey := ""
	if u.Replaces != "" {
		replacesKey = rma.SerialKey(u.Replaces)
	}
	serial := strings.TrimSpace(u.Serial)
	v := []any{rma.SerialKey(serial), serial, u.PartNumber, u.Model, u.Category, u.SoldTo, soldToKey,
		enc.Date("invoice_date", u.InvoiceDate), u.InvoiceNo, enc.Date("delivered", u.Delivered), enc.Date("manufactured", u.Manufactured),
		u.Price.Cents, u.Price.Currency, u.PolicyID, rmaID, u.RMANumber, u.Replaces, replacesKey,
		enc.Date("warranty_end", u.WarrantyEnd), enc.Date("sold_on", u.SoldOn()), row}
	if serial == "" {
		enc.Fail("serial", "required")
	}
	for _, s := range []string{serial, u.PartNumber, u.Model, u.Category, u.SoldTo, u.InvoiceNo, u.Price.Currency, u.PolicyID, u.RMANumber, u.Replaces} {
		if !storable(s) {
			enc.Fail("serial", "text with a NUL character or invalid UTF-8 cannot be stored")
		}
	}
	return v, enc.Err
}

// unitTx is a transaction the units' statements run in: the store's
// Querier, or PostgreSQL's bulk loader.
type unitTx interface {
	exec(query string, args ...any) (int64, error)
	queryRow(query string, args ...any) rowScanner
	query(query string, each func(scan func(dest ...any) error) error) error
	// stage writes rows, each in cols' order, into table.
	stage(table string, cols []string, rows iter.Seq2[[]any, error]) error
}

type rowScanner interface{ Scan(dest ...any) error }

// querierTx runs a unitTx on a Querier, staging with INSERT statements,
// their parameters "?" where the dialect says so.
type querierTx struct {
	ctx       context.Context
	q         Querier
	anonymous bool
}

func (t querierTx) exec(query string, args ...any) (int64, error) {
	res, err := t.q.ExecContext(t.ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t querierTx) queryRow(query string, args ...any) rowScanner {
	return t.q.QueryRowContext(t.ctx, query, args...)
}

func (t querierTx) query(query string, each func(scan func(dest ...any) error) error) error {
	rows, err := t.q.QueryContext(t.ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (t querierTx) stage(table string, cols []string, rows iter.Seq2[[]any, error]) error {
	one, many := t.insertText(table, cols, 1), ""
	batch := make([]any, 0, unitsStageChunk*len(cols))
	n := 0
	for r, err := range rows {
		if err != nil {
			return err
		}
		batch, n = append(batch, r...), n+1
		if n == unitsStageChunk {
			if many == "" {
				many = t.insertText(table, cols, unitsStageChunk)
			}
			if _, err := t.q.ExecContext(t.ctx, many, batch...); err != nil {
				return err
			}
			batch, n = batch[:0], 0
		}
	}
	for i := range n {
		if _, err := t.q.ExecContext(t.ctx, one, batch[i*len(cols):(i+1)*len(cols)]...); err != nil {
			return err
		}
	}
	return nil
}

// insertText is the INSERT of n rows into table.
func (t querierTx) insertText(table string, cols []string, n int) string {
	groups := make([]string, n)
	for i := range groups {
		if t.anonymous {
			groups[i] = "(" + strings.Repeat("?, ", len(cols)-1) + "?)"
		} else {
			groups[i] = "(" + params(1+i*len(cols), len(cols)) + ")"
		}
	}
	return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.Join(groups, ", ")
}

// loaderTx runs a unitTx on a bulk Loader (PostgreSQL: COPY).
type loaderTx struct{ l Loader }

func (t loaderTx) exec(query string, args ...any) (int64, error) { return t.l.Exec(query, args...) }
func (t loaderTx) query(query string, each func(scan func(dest ...any) error) error) error {
	return t.l.Query(query, each)
}
func (t loaderTx) queryRow(query string, args ...any) rowScanner { return t.l.QueryRow(query, args...) }
func (t loaderTx) stage(table string, cols []string, rows iter.Seq2[[]any, error]) error {
	next, stop := iter.Pull2(rows)
	defer stop()
	var srcErr error // the source's own, which COPY would report as its failure
	err := t.l.CopyFunc(table, cols, func() ([]any, error) {
		r, err, ok := next()
		if !ok {
			return nil, nil
		}
		srcErr = err
		return r, err
	})
	if srcErr != nil {
		return srcErr
	}
	return err
}

// unitIndexes are the units table's secondary indexes as the migrations
// (sqlite 00025, postgres 00024) make them: the first load into an empty
// registry builds them again once its rows are in.
var unitIndexes = []struct{ name, create string }{
	{"units_replaces", `CREATE INDEX units_replaces ON units (replaces_key) WHERE replaces_key <> ''`},
	{"units_sold_to", `CREATE INDEX units_sold_to ON units (sold_to_key, sold_on, model) WHERE sold_on IS NOT NULL`},
}

// The set-based statements, written once for both databases.
var (
	// A temporary table of units' columns with their types (and, on
	// PostgreSQL, their collation): made once a connection, emptied after
	// each write, and rolled back with a write that fails.
	createUnitsLoadSQL = `CREATE TEMP TABLE IF NOT EXISTS units_load AS SELECT ` + strings.Join(unitCols, ", ") +
		`, CAST(0 AS BIGINT) AS row_no FROM units WHERE 1 = 0`
	// unitChanged: a staged row (excluded or t) differs from the stored one (units or u).
	unitChanged = func(stored, staged string) string {
		var parts []string
		for _, c := range unitCols[1:] {
			parts = append(parts, stored+"."+c+" IS DISTINCT FROM "+staged+"."+c)
		}
		return strings.Join(parts, " OR ")
	}
	// matchedSQL groups the stored units a write replaces by the roll-up's
	// day and model, counting those loaded again unchanged: one join gives
	// the load's counts and what the roll-up loses.
	matchedSQL = `SELECT u.sold_on, u.model, COUNT(*), SUM(CASE WHEN ` + unitChanged("u", "t") + ` THEN 0 ELSE 1 END)
		FROM units_load t JOIN units u ON u.serial_key = t.serial_key GROUP BY u.sold_on, u.model`
	rollupEmptySQL = `DELETE FROM units_sold_daily WHERE units = 0`
	upsertUnitsSQL = func() string {
		var set []string
		for _, c := range unitCols[1:] {
			set = append(set, c+" = excluded."+c)
		}
		return `INSERT INTO units (` + strings.Join(unitCols, ", ") + `, created, updated)
		SELECT ` + strings.Join(unitCols, ", ") + `, $1, $1 FROM units_load WHERE true
		ON CONFLICT (serial_key) DO UPDATE SET ` + strings.Join(set, ", ") + `, updated = excluded.updated
		WHERE ` + unitChanged("units", "excluded")
	}()
)

// writeUnits writes the units rows gives (encodeUnit's rows, row_no their
// position) in the transaction t: steps 1 to 4 above. A serial given twice
// is found, and the roll-up's gain counted, as the rows are staged: a map
// in memory (a key and a position a unit: about 60 MB a million) instead
// of sorting the staged rows twice, which costs SQLite more.
func (st *Store) writeUnits(t unitTx, rows iter.Seq2[[]any, error], at string) (load rma.UnitLoad, err error) {
	dw := st.d.UnitWrites()
	for _, q := range dw.Begin {
		if _, err := t.exec(q); err != nil {
			return load, err
		}
	}
	defer func() {
		for _, q := range dw.End {
			if _, endErr := t.exec(q); err == nil && endErr != nil {
				err = endErr // after a failure, its own error stands: the transaction is lost anyway
			}
		}
	}()
	if _, err := t.exec(createUnitsLoadSQL); err != nil {
		return load, err
	}
	if _, err := t.exec(`DELETE FROM units_load`); err != nil {
		return load, err
	}
	// An empty registry (the first load) takes the rows straight into
	// units, its secondary indexes built once the rows are in: building
	// one sorts the rows once, where a million inserts would each walk it.
	var one int
	empty := false
	switch err := t.queryRow(`SELECT 1 FROM units LIMIT 1`).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		empty = true
		for _, ix := range unitIndexes {
			if _, err := t.exec(`DROP INDEX ` + ix.name); err != nil {
				return load, err
			}
		}
	case err != nil:
		return load, err
	}
	type soldKey struct{ day, model string }
	seen := map[string]int32{}
	gain := map[soldKey]int64{}
	var dup *rma.DuplicateUnitError
	checked := func(yield func([]any, error) bool) {
		for r, err := range rows {
			if err == nil {
				key, _ := r[0].(string)
				if first, ok := seen[key]; ok {
					dup = &rma.DuplicateUnitError{Serial: r[1].(string), First: int(first), Again: len(seen)}
					err = dup
				} else {
					seen[key] = int32(len(seen))
					if day, ok := r[19].(string); ok {
						gain[soldKey{day, r[3].(string)}]++
					}
				}
				if empty {
					r = append(r[:len(unitCols):len(unitCols)], at, at) // created, updated for row_no
				}
			}
			if !yield(r, err) || err != nil {
				return
			}
		}
	}
	if empty {
		if err := t.stage("units", unitInsertCols, checked); err != nil {
			return load, err
		}
		load.Units, load.Created = len(seen), len(seen)
		for _, ix := range unitIndexes {
			if _, err := t.exec(ix.create); err != nil {
				return load, err
			}
		}
	} else {
		if err := t.stage("units_load", unitLoadCols, checked); err != nil {
			return load, err
		}
		n := len(seen)
		load.Units = n
		if n == 0 {
			return load, nil
		}
		for _, q := range dw.Staged {
			if _, err := t.exec(q); err != nil {
				return load, err
			}
		}
		var matched, unchanged int64
		err := t.query(matchedSQL, func(scan func(dest ...any) error) error {
			var day sql.NullString
			var model string
			var count, same int64
			if err := scan(&day, &model, &count, &same); err != nil {
				return err
			}
			matched, unchanged = matched+count, unchanged+same
			if day.Valid {
				gain[soldKey{day.String, model}] -= count // the roll-up loses what the write replaces
			}
			return nil
		})
		if err != nil {
			return load, err
		}
		load.Updated, load.Unchanged = int(matched-unchanged), int(unchanged)
		load.Created = n - load.Updated - load.Unchanged
		if _, err := t.exec(upsertUnitsSQL, at); err != nil {
			return load, err
		}
	}
	var batch []any
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, err := t.exec(`INSERT INTO units_sold_daily (day, model, units) VALUES `+st.groups(len(batch)/3, 3)+`
			ON CONFLICT (day, model) DO UPDATE SET units = units_sold_daily.units + excluded.units`, batch...); err != nil {
			return err
		}
		batch = batch[:0]
		return nil
	}
	for k, v := range gain {
		if v == 0 {
			continue // a unit loaded again as it was, or moved within its day and model
		}
		if batch = append(batch, k.day, k.model, v); len(batch) == 3*rollupChunk {
			if err := flush(); err != nil {
				return load, err
			}
		}
	}
	if err := flush(); err != nil {
		return load, err
	}
	if _, err := t.exec(rollupEmptySQL); err != nil {
		return load, err
	}
	return load, nil
}

// rollupChunk is how many roll-up rows one statement adds to.
const rollupChunk = 2000

// groups is the VALUES of n rows of k parameters, in the dialect's style.
func (st *Store) groups(n, k int) string {
	g := make([]string, n)
	for i := range g {
		if st.d.UnitWrites().Anonymous {
			g[i] = "(" + strings.Repeat("?, ", k-1) + "?)"
		} else {
			g[i] = "(" + params(1+i*k, k) + ")"
		}
	}
	return strings.Join(g, ", ")
}

// LoadUnits writes units in one transaction (rma.UnitStore).
func (st *Store) LoadUnits(ctx context.Context, units iter.Seq2[rma.Unit, error]) (rma.UnitLoad, error) {
	at := now().Format(sqlcodec.TimeLayout)
	soldTo := map[string]*rma.NameCount{}
	keys := map[string]string{} // sold-to names' keys, computed once a name
	var load rma.UnitLoad
	rows := func() iter.Seq2[[]any, error] {
		return func(yield func([]any, error) bool) {
			clear(soldTo)
			row := int64(0)
			for u, err := range units {
				var r []any
				if err == nil {
					k, ok := keys[u.SoldTo]
					if !ok {
						k = nameKey(u.SoldTo)
						keys[u.SoldTo] = k
					}
					if r, err = encodeUnitKeyed(&u, row, k); err != nil {
						err = fmt.Errorf("unit %d: %w", row, err)
					}
					if c := soldTo[k]; c != nil {
						c.Units++
					} else if k != "" {
						soldTo[k] = &rma.NameCount{Name: u.SoldTo, Units: 1}
					}
				}
				if !yield(r, err) || err != nil {
					return
				}
				row++
			}
		}
	}
	var err error
	if b, ok := st.e.(Bulk); ok {
		// PostgreSQL: COPY into the staging table, in a transaction of its
		// own (a bulk one is never retried: the units are read once).
		err = b.Bulk(ctx, "load units", func(l Loader) error {
			var err error
			if load, err = st.writeUnits(loaderTx{l}, rows(), at); err != nil {
				return err
			}
			return appendAuditIn(ctx, func(query string, args ...any) rowScanner { return l.QueryRow(query, args...) })
		})
	} else {
		err = st.write(ctx, "load units", func(q Querier) error {
			var err error
			load, err = st.writeUnits(querierTx{ctx, q, st.d.UnitWrites().Anonymous}, rows(), at)
			return err
		})
	}
	if err != nil {
		var dup *rma.DuplicateUnitError
		if errors.As(err, &dup) {
			return rma.UnitLoad{}, dup
		}
		return rma.UnitLoad{}, err // the engines' errors speak the domain's words already
	}
	if load.UnknownSoldTo, err = st.unknownSoldTo(ctx, soldTo); err != nil {
		return load, err
	}
	return load, nil
}

// appendAuditIn appends the audit entry ctx carries, if any, through a
// transaction that is not a Querier (the bulk loader's), as write does for
// the others.
func appendAuditIn(ctx context.Context, queryRow func(query string, args ...any) rowScanner) error {
	e, committed := audit.Unrecorded(ctx)
	if e == nil {
		return nil
	}
	at := orNow(e.At).UTC()
	id, err := insertAuditWith(e, at, queryRow)
	if err != nil {
		return err
	}
	e.ID, e.At = id, at
	committed()
	return nil
}

// unknownSoldTo are the sold-to names of a load that name no organisation
// of the desk, most units first, at most 20.
func (st *Store) unknownSoldTo(ctx context.Context, names map[string]*rma.NameCount) ([]rma.NameCount, error) {
	if len(names) == 0 {
		return nil, nil
	}
	keys, err := collect(ctx, st.pool(), func(s scanner) (string, error) {
		var k string
		return k, s.Scan(&k)
	}, `SELECT name_key FROM orgs`)
	if err != nil {
		return nil, st.storeError("organisations' names", err)
	}
	for _, k := range keys {
		delete(names, k)
	}
	var out []rma.NameCount
	for _, c := range names {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b rma.NameCount) int {
		return cmp.Or(cmp.Compare(b.Units, a.Units), strings.Compare(a.Name, b.Name))
	})
	return out[:min(len(out), 20)], nil
}

// putUnits writes the units a change of an RMA ships (rma.RMA.Units) in
// its transaction.
func (st *Store) putUnits(ctx context.Context, q Querier, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	seq := func(yield func([]any, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
	_, err := st.writeUnits(querierTx{ctx, q, st.d.UnitWrites().Anonymous}, seq, now().Format(sqlcodec.TimeLayout))
	var dup *rma.DuplicateUnitError
	if errors.As(err, &dup) {
		return rma.Invalid("replacements", "serial %s is given twice", dup.Serial)
	}
	return err
}

// encodeUnits encodes an RMA change's units before its transaction.
func encodeUnits(units []rma.Unit) ([][]any, error) {
	out := make([][]any, len(units))
	for i := range units {
		r, err := encodeUnit(&units[i], int64(i))
		if err != nil {
			return nil, fmt.Errorf("units[%d]: %w", i, err)
		}
		out[i] = r
	}
	return out, nil
}

const unitSelect = `SELECT serial, part_number, model, category, sold_to, invoice_date, invoice_no, delivered, manufactured,
	price_cents, currency, policy_id, rma_id, rma_number, replaces, warranty_end, created, updated FROM units`

func scanUnit(row scanner) (rma.Unit, error) {
	var u rma.Unit
	var invoice, delivered, manufactured, warrantyEnd, created, updated sql.NullString
	var rmaID sql.NullInt64
	if err := row.Scan(&u.Serial, &u.PartNumber, &u.Model, &u.Category, &u.SoldTo, &invoice, &u.InvoiceNo, &delivered, &manufactured,
		&u.Price.Cents, &u.Price.Currency, &u.PolicyID, &rmaID, &u.RMANumber, &u.Replaces, &warrantyEnd, &created, &updated); err != nil {
		return u, err
	}
	d := decoder{Where: "unit " + u.Serial}
	u.InvoiceDate, u.Delivered, u.Manufactured = d.Date("invoice_date", invoice), d.Date("delivered", delivered), d.Date("manufactured", manufactured)
	u.WarrantyEnd = d.Date("warranty_end", warrantyEnd)
	u.Created, u.Updated = d.Time("created", created), d.Time("updated", updated)
	u.RMAID = rmaID.Int64
	return u, d.Err
}

// Unit finds a unit by its serial.
func (st *Store) Unit(ctx context.Context, serial string) (*rma.Unit, error) {
	key := rma.SerialKey(serial)
	if key == "" || !storable(key) {
		return nil, rma.Errorf(rma.ENOTFOUND, "serial %q is not in the registry", serial)
	}
	u, err := scanUnit(st.pool().QueryRowContext(ctx, unitSelect+` WHERE serial_key = $1`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "serial %q is not in the registry", serial)
	}
	if err != nil {
		return nil, st.storeError("unit", err)
	}
	return &u, nil
}

// ReplacedBy lists the units the desk sent to replace serial.
func (st *Store) ReplacedBy(ctx context.Context, serial string) ([]rma.Unit, error) {
	key := rma.SerialKey(serial)
	if key == "" || !storable(key) {
		return nil, nil
	}
	out, err := collect(ctx, st.pool(), scanUnit, unitSelect+` WHERE replaces_key = $1 AND replaces_key <> '' ORDER BY created, serial_key`, key)
	if err != nil {
		return nil, st.storeError("replacements", err)
	}
	return out, nil
}

// KeepsUnits reports whether the registry holds a unit that is no
// replacement: the first row read is one, unless the desk has shipped
// replacements and loaded nothing (an index of every sale would cost
// each load more than this read ever does).
func (st *Store) KeepsUnits(ctx context.Context) (bool, error) {
	var one int
	err := st.pool().QueryRowContext(ctx, `SELECT 1 FROM units WHERE rma_id IS NULL LIMIT 1`).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, st.storeError("keeps units", err)
	}
	return true, nil
}

// CountUnits counts the registry.
func (st *Store) CountUnits(ctx context.Context) (units, replacements int64, err error) {
	err = st.pool().QueryRowContext(ctx, `SELECT COUNT(*), COUNT(rma_id) FROM units`).Scan(&units, &replacements)
	if err != nil {
		return 0, 0, st.storeError("count units", err)
	}
	return units, replacements, nil
}

// UnitsSold counts units sold in [from, to] by model: from the roll-up
// for every organisation, through units_sold_to for one.
func (st *Store) UnitsSold(ctx context.Context, from, to calendar.Date, model, orgID string) (map[string]int64, error) {
	if from.IsZero() || to.IsZero() {
		return nil, rma.Invalid("from", "both ends of the range are required")
	}
	if to < from {
		return nil, rma.Invalid("to", "the range ends before it starts")
	}
	if !storable(model) {
		return map[string]int64{}, nil
	}
	var enc encoder
	args := []any{enc.Date("from", from), enc.Date("to", to)}
	if enc.Err != nil {
		return nil, enc.Err
	}
	var query string
	if orgID == "" {
		query = `SELECT model, SUM(units) FROM units_sold_daily WHERE day >= $1 AND day <= $2`
		if model != "" {
			query += ` AND model = $3`
			args = append(args, model)
		}
	} else {
		id, err := strconv.ParseInt(orgID, 10, 64)
		if err != nil || id <= 0 {
			return nil, rma.Invalid("org", "%q is not an organisation's ID", orgID)
		}
		var key string
		err = st.pool().QueryRowContext(ctx, `SELECT name_key FROM orgs WHERE id = $1`, id).Scan(&key)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, rma.Errorf(rma.ENOTFOUND, "organisation %d not found", id)
		}
		if err != nil {
			return nil, st.storeError("units sold", err)
		}
		query = `SELECT model, COUNT(*) FROM units WHERE sold_to_key = $3 AND sold_on >= $1 AND sold_on <= $2 AND sold_on IS NOT NULL`
		args = append(args, key)
		if model != "" {
			query += ` AND model = $4`
			args = append(args, model)
		}
	}
	query += ` GROUP BY model`
	rows, err := st.pool().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, st.storeError("units sold", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var m string
		var n int64
		if err := rows.Scan(&m, &n); err != nil {
			return nil, st.storeError("units sold", err)
		}
		if n != 0 {
			out[m] = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, st.storeError("units sold", err)
	}
	return out, nil
}

// WarrantyCheckSettings returns the public check's settings; none stored
// are rma.DefaultWarrantyCheckSettings.
func (st *Store) WarrantyCheckSettings(ctx context.Context) (rma.WarrantyCheckSettings, error) {
	var s rma.WarrantyCheckSettings
	err := st.pool().QueryRowContext(ctx, `SELECT enabled, second_factor, reveal_unknown, default_policy FROM warranty_check_settings WHERE id = 1`).Scan(
		&s.Enabled, &s.SecondFactor, &s.RevealUnknown, &s.DefaultPolicy)
	if errors.Is(err, sql.ErrNoRows) {
		return rma.DefaultWarrantyCheckSettings, nil
	}
	if err != nil {
		return s, st.storeError("warranty check settings", err)
	}
	return s, nil
}

// SaveWarrantyCheckSettings replaces them.
func (st *Store) SaveWarrantyCheckSettings(ctx context.Context, s rma.WarrantyCheckSettings) error {
	at := now().Format(sqlcodec.TimeLayout)
	return st.write(ctx, "save warranty check settings", func(q Querier) error {
		_, err := q.ExecContext(ctx, `INSERT INTO warranty_check_settings (id, enabled, second_factor, reveal_unknown, default_policy, updated)
			VALUES (1, $1, $2, $3, $4, $5)
			ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, second_factor = excluded.second_factor,
			reveal_unknown = excluded.reveal_unknown, default_policy = excluded.default_policy, updated = excluded.updated`,
			s.Enabled, s.SecondFactor, s.RevealUnknown, s.DefaultPolicy, at)
		return err
	})
}

var _ rma.UnitStore = (*Store)(nil)
