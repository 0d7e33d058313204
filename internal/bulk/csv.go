package bulk

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// CSVColumns are the columns an import file may have, in the order Header
// writes them. The first row names the columns (any order, any subset that
// holds the required ones); each further row is one RMA line, and
// consecutive rows with the same reference are one RMA.
//
//	reference      required: the requester's reference; groups lines into an RMA
//	policy         required: the policy pack ID (dexxon, plextor, ...)
//	kind           defect (default), doa, withdrawal, ...
//	no_substitute  true or false (default): the requester wants no substitute unit
//	category       required: the product category (ssd, camera, ...)
//	model, serial, part
//	part_number    the unit's part number (PN); required by some policies (Pixfra)
//	purchase, invoice, shipped, delivered, manufactured   dates, YYYY-MM-DD
//	conditions     policy conditions, separated by ";"
//	cause          the cause, if the requester states one
//	documents      documents the requester has, separated by ";"
//	quantity       default 1
//	fault          the fault as the requester describes it
//	price          the last invoiced price, a decimal amount (89.90)
//	currency       its ISO 4217 code (EUR), required with price
//
// kind, policy and no_substitute belong to the RMA: every line of one
// reference must repeat the same value (or leave it empty after the first).
var CSVColumns = []string{"reference", "policy", "kind", "no_substitute", "category", "model", "serial", "part", "part_number",
	"purchase", "invoice", "shipped", "delivered", "manufactured", "conditions", "cause", "documents",
	"quantity", "fault", "price", "currency"}

var requiredColumns = []string{"reference", "policy", "category"}

// Group is one RMA read from a CSV file: its lines' submission, or why it
// cannot be filed.
type Group struct {
	Reference string
	FirstRow  int // the file's line numbers (the header is line 1)
	LastRow   int
	Request   rma.SubmitRequest
	Err       error // a bad value: the group is not filed
}

// Source names the group's rows for messages: "lines 12-14 (PO-1)".
func (g *Group) Source() string {
	if g.FirstRow == g.LastRow {
		return fmt.Sprintf("line %d (%s)", g.FirstRow, g.Reference)
	}
	return fmt.Sprintf("lines %d-%d (%s)", g.FirstRow, g.LastRow, g.Reference)
}

// ReadCSV reads an import file and calls fn with each RMA in file order.
// A group with a bad value carries the error and reading goes on; a file
// that is not CSV, a bad header, or a reference that reappears after other
// references (its lines must be together) stops the read with an error.
// An error from fn stops it too and is returned.
func ReadCSV(r io.Reader, fn func(g *Group) error) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return errors.New("empty file: the first line names the columns")
	}
	if err != nil {
		return err
	}
	col := map[string]int{}
	names := make([]string, len(header)) // header's strings are reused by the next Read
	for i, name := range header {
		name = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\uFEFF")))
		if err := rma.CheckText("line 1", name, maxCellBytes); err != nil {
			return err
		}
		names[i] = name
		if !slices.Contains(CSVColumns, name) {
			return fmt.Errorf("line 1: unknown column %q (columns: %s)", name, strings.Join(CSVColumns, ", "))
		}
		if _, dup := col[name]; dup {
			return fmt.Errorf("line 1: column %q appears twice", name)
		}
		col[name] = i
	}
	for _, name := range requiredColumns {
		if _, ok := col[name]; !ok {
			return fmt.Errorf("line 1: column %q is required", name)
		}
	}
	seen := map[string]bool{}
	var g *Group
	flush := func() error {
		if g == nil {
			return nil
		}
		seen[g.Reference] = true
		err := fn(g)
		g = nil
		return err
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return flush()
		}
		if err != nil {
			return err
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		ref := get("reference")
		if g == nil || ref != g.Reference {
			if err := flush(); err != nil {
				return err
			}
			if seen[ref] {
				return fmt.Errorf("line %d: reference %q appears again after other references: keep an RMA's lines together", line, ref)
			}
			g = &Group{Reference: ref, FirstRow: line}
		}
		g.LastRow = line
		if g.Err == nil {
			g.Err = checkCells(names, rec, line)
		}
		if g.Err == nil {
			g.Err = addLine(g, get, line)
		}
	}
}

// maxCellBytes bounds a cell as the API bounds a JSON string.
const maxCellBytes = 10000

// checkCells refuses a row with a cell that is not text the desk keeps:
// invalid UTF-8, a control character, or over maxCellBytes.
func checkCells(header, rec []string, line int) error {
	for i, v := range rec {
		name := fmt.Sprintf("column %d", i+1)
		if i < len(header) {
			name = header[i]
		}
		if err := rma.CheckText(name, v, maxCellBytes); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
	return nil
}

// addLine adds one row to its group's submission.
func addLine(g *Group, get func(string) string, line int) error {
	bad := func(column, format string, args ...any) error {
		return fmt.Errorf("line %d: %s: %s", line, column, fmt.Sprintf(format, args...))
	}
	req := &g.Request
	first := len(req.Lines) == 0
	if g.Reference == "" {
		return bad("reference", "required")
	}
	// The RMA's own columns: set by the first line, repeated or empty after.
	if v := get("policy"); first {
		if v == "" {
			return bad("policy", "required")
		}
		req.PolicyID = v
	} else if v != "" && v != req.PolicyID {
		return bad("policy", "%q differs from the first line's %q", v, req.PolicyID)
	}
	kind, err := policy.ParseKind(get("kind"))
	if err != nil {
		return bad("kind", "%v", err)
	}
	if first {
		req.Kind = kind
	} else if get("kind") != "" && kind != req.Kind {
		return bad("kind", "%s differs from the first line's %s", kind, req.Kind)
	}
	if v := get("no_substitute"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return bad("no_substitute", "%q is not true or false", v)
		}
		if first {
			req.NoSubstitute = b
		} else if b != req.NoSubstitute {
			return bad("no_substitute", "differs from the first line's")
		}
	}
	if first {
		req.Reference = g.Reference
	}

	if len(req.Lines) >= rma.MaxLines {
		return bad("reference", "at most %d lines per RMA", rma.MaxLines)
	}
	var c policy.Claim
	c.Product = policy.Product{Category: get("category"), Model: get("model"), Serial: get("serial"), Part: get("part")}
	if c.Product.Category == "" {
		return bad("category", "required")
	}
	for _, d := range []struct {
		name string
		to   *calendar.Date
	}{{"purchase", &c.Dates.Purchase}, {"invoice", &c.Dates.Invoice}, {"shipped", &c.Dates.Shipped},
		{"delivered", &c.Dates.Delivered}, {"manufactured", &c.Dates.Manufactured}} {
		if v := get(d.name); v != "" {
			day, err := calendar.ParseDate(v)
			if err != nil {
				return bad(d.name, "%q is not a date YYYY-MM-DD", v)
			}
			*d.to = day
		}
	}
	for _, v := range list(get("conditions")) {
		cond, err := policy.ParseCondition(v)
		if err != nil {
			return bad("conditions", "%v", err)
		}
		c.Conditions = c.Conditions.With(cond)
	}
	if c.Cause, err = policy.ParseCause(get("cause")); err != nil {
		return bad("cause", "%v", err)
	}
	for _, v := range list(get("documents")) {
		doc, err := policy.ParseDocument(v)
		if err != nil {
			return bad("documents", "%v", err)
		}
		c.Documents = c.Documents.With(doc)
	}
	lr := rma.LineRequest{Claim: c, PartNumber: get("part_number"), Fault: get("fault")}
	if v := get("quantity"); v != "" {
		if lr.Quantity, err = strconv.Atoi(v); err != nil {
			return bad("quantity", "%q is not a whole number", v)
		}
	}
	if lr.LastInvoicedPrice, err = parseMoney(get("price"), get("currency")); err != nil {
		return bad("price", "%v", err)
	}
	req.Lines = append(req.Lines, lr)
	return nil
}

// list splits a ";"-separated cell.
func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseMoney reads a non-negative decimal amount with at most two decimals.
func parseMoney(amount, currency string) (rma.Money, error) {
	if amount == "" && currency == "" {
		return rma.Money{}, nil
	}
	if len(currency) != 3 || strings.ToUpper(currency) != currency {
		return rma.Money{}, fmt.Errorf("currency %q must be an ISO 4217 code such as EUR", currency)
	}
	whole, frac, hasFrac := strings.Cut(amount, ".")
	if whole == "" || len(whole) > 13 || len(frac) > 2 || (hasFrac && frac == "") || strings.Trim(whole+frac, "0123456789") != "" {
		return rma.Money{}, fmt.Errorf("%q must be an amount such as 12.50", amount)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return rma.Money{}, fmt.Errorf("%q must be an amount such as 12.50", amount)
	}
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	return rma.Money{Cents: w*100 + f, Currency: currency}, nil
}

// Header is the CSV header line with every column, for writing a file.
func Header() string { return strings.Join(CSVColumns, ",") }
