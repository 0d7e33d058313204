package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Exports (issue 17): every RMA, line or charge the caller may see that
// matches the list's filters, as CSV or JSON lines, streamed. The export
// walks the store page by page by keyset (the list's cursor, oldest
// first), each page with its lines and charges in one query each, so its
// memory and its queries a page stay the same at ten RMAs or a million. A
// bad filter is refused before the first byte by its name; a failure
// after the first byte aborts the response (the client sees a transfer
// cut short, never a file that merely looks complete).

// exportPage is how many RMAs each read of the store brings: the list's
// largest page.
var exportPage = 200 // a variable for the tests

// exportRound is how long the server may take to write one page: the
// write deadline is moved by this much before each, so an export of a
// million RMAs outlives the server's write timeout while a client that
// stops reading is still let go.
const exportRound = time.Minute

func (s *Server) exportRoutes() []Route {
	var out []Route
	for _, name := range []string{"rmas", "lines", "charges"} {
		out = append(out, Route{Method: "GET", Path: v1 + "/exports/" + name, Op: rma.OpRead, handler: s.export(exportKinds[name])})
	}
	return out
}

// exportKind is one export's columns and how an RMA gives its rows.
type exportKind struct {
	name    string
	columns []string
	rows    func(r *rma.RMA, requester string, emit func(...any) error) error
}

var exportKinds = map[string]exportKind{
	"rmas": {name: "rmas", columns: []string{"id", "number", "requester_id", "requester", "reference", "policy", "policy_version",
		"kind", "state", "decision", "route", "resolution", "outcome", "filed", "created", "updated", "number_expires", "lines", "assignee_id"},
		rows: func(r *rma.RMA, requester string, emit func(...any) error) error {
			return emit(r.ID, r.Number, r.OrgID, requester, r.Reference, r.PolicyID, r.PolicyVersion,
				r.Kind.String(), string(r.State), r.Verdict.String(), r.Route.String(), r.Resolution, string(r.Outcome),
				r.Reported.String(), r.Created, r.Updated, r.NumberExpires.String(), len(r.Lines), r.AssigneeID)
		}},
	"lines": {name: "lines", columns: []string{"rma_id", "rma_number", "requester_id", "requester", "state", "line", "category", "model", "serial",
		"part_number", "quantity", "fault", "decision", "rejected", "received_serial", "received_model", "finding", "replacement_serial",
		"replacement_model", "last_invoiced_price", "currency"},
		rows: func(r *rma.RMA, requester string, emit func(...any) error) error {
			for _, l := range r.Lines {
				price, currency := "", ""
				if l.LastInvoicedPrice.Currency != "" {
					m := moneyView(l.LastInvoicedPrice)
					price, currency = m.Amount, m.Currency
				}
				p := l.Claim.Product
				if err := emit(r.ID, r.Number, r.OrgID, requester, string(r.State), l.No, p.Category, p.Model, p.Serial,
					l.PartNumber, l.Quantity, l.Fault, l.Decision.Verdict.String(), l.Rejected, l.ReceivedSerial, l.ReceivedModel,
					string(l.Finding), l.ReplacementSerial, l.ReplacementModel, price, currency); err != nil {
					return err
				}
			}
			return nil
		}},
	"charges": {name: "charges", columns: []string{"rma_id", "rma_number", "requester_id", "requester", "id", "line", "kind", "basis",
		"description", "quantity", "amount", "currency", "clause", "created", "deducted"},
		rows: func(r *rma.RMA, requester string, emit func(...any) error) error {
			for _, c := range r.Charges {
				m := moneyView(c.Amount)
				if err := emit(r.ID, r.Number, r.OrgID, requester, c.ID, c.LineNo, c.Kind, c.Basis,
					c.Description, c.Quantity, m.Amount, m.Currency, c.Clause, c.Created, c.Deducted); err != nil {
					return err
				}
			}
			return nil
		}},
}

// exportFormat reads ?format, else the Accept header: csv (the default)
// or jsonl.
func exportFormat(r *http.Request) (string, error) {
	if v, ok := r.URL.Query()["format"]; ok {
		switch f := strings.Join(v, ","); f {
		case "csv", "jsonl":
			return f, nil
		default:
			return "", rma.Invalid("format", "%.40q is not a format exports are written in (csv, jsonl)", f)
		}
	}
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		t, _, _ := mime.ParseMediaType(strings.TrimSpace(part))
		switch t {
		case "text/csv":
			return "csv", nil
		case "application/x-ndjson", "application/jsonl", "application/jsonlines":
			return "jsonl", nil
		}
	}
	return "csv", nil
}

func (s *Server) export(kind exportKind) func(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	return func(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
		q := r.URL.Query()
		format, err := exportFormat(r)
		if err != nil {
			return err
		}
		f, err := listFilter(q, actor)
		if err != nil {
			return err
		}
		if q.Get("order") == "" {
			f.Order = rma.OrderOldest // a file reads best in the order things happened
		}
		f.Limit, f.Full = exportPage, true
		ctx := r.Context()
		page, next, err := s.svc.List(ctx, actor, f)
		if err != nil {
			return err // nothing sent yet: a problem+json naming the filter
		}
		names, err := s.orgNames(r, actor)
		if err != nil {
			return err
		}
		var out rowWriter
		h := w.Header()
		if format == "jsonl" {
			h.Set("Content-Type", "application/x-ndjson")
			out = &jsonlWriter{w: w, columns: kind.columns}
		} else {
			h.Set("Content-Type", "text/csv; charset=utf-8")
			out = &csvWriter{w: csv.NewWriter(w)}
		}
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": kind.name + "." + format}))
		h.Set("Vary", "Accept")
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Now().Add(exportRound)) // not every writer has one (httptest's recorder)
		w.WriteHeader(http.StatusOK)
		fail := func(err error) {
			// Headers and rows are out: abort the connection, so the
			// client sees the file is incomplete.
			if ctx.Err() == nil {
				s.log.ErrorContext(ctx, "export cut short", "export", kind.name, "err", err)
			}
			panic(http.ErrAbortHandler)
		}
		if err := out.header(kind.columns); err != nil {
			fail(err)
		}
		for {
			for i := range page {
				if err := kind.rows(&page[i], names[page[i].OrgID], out.row); err != nil {
					fail(err)
				}
			}
			if err := out.flush(); err != nil {
				fail(err)
			}
			if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
				fail(err)
			}
			if next == "" {
				return nil
			}
			_ = rc.SetWriteDeadline(time.Now().Add(exportRound))
			f.Cursor = next
			if page, next, err = s.svc.List(ctx, actor, f); err != nil {
				fail(err)
			}
		}
	}
}

// orgNames are the names of the organisations whose RMAs the caller may
// see, read once: the desk's every organisation, a requester its own.
func (s *Server) orgNames(r *http.Request, actor rma.Actor) (map[int64]string, error) {
	names := map[int64]string{}
	if !actor.Role.IsDesk() {
		org, err := s.svc.Store().Org(r.Context(), actor.OrgID)
		if err != nil {
			return nil, err
		}
		names[org.ID] = org.Name
		return names, nil
	}
	orgs, err := s.svc.Store().Orgs(r.Context())
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	return names, nil
}

// rowWriter writes an export's rows in one format.
type rowWriter interface {
	header(columns []string) error
	row(values ...any) error
	flush() error
}

type csvWriter struct {
	w   *csv.Writer
	buf []string
}

func (c *csvWriter) header(columns []string) error { return c.w.Write(columns) }

func (c *csvWriter) row(values ...any) error {
	c.buf = c.buf[:0]
	for _, v := range values {
		cell := exportText(v)
		if _, text := v.(string); text {
			cell = noFormula(cell)
		}
		c.buf = append(c.buf, cell)
	}
	return c.w.Write(c.buf)
}

// noFormula writes text a spreadsheet would take for a formula (starting
// with = + - @, a tab or a carriage return) after an apostrophe, as OWASP
// advises and as the reports' CSV does (report.CSVValue): a requester's
// reference or serial cannot run in the desk's spreadsheet. A number
// (a credit's "-12.50") stays a number. JSON lines carry the text as is.
func noFormula(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(s, 64); err == nil { // never with a tab or CR in front
			return s
		}
		return "'" + s
	}
	return s
}

func (c *csvWriter) flush() error { c.w.Flush(); return c.w.Error() }

// exportText is a value as a CSV cell: times in RFC 3339 (UTC), the rest
// as Go writes them; an unset ID or date is empty.
func exportText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		if v == 0 {
			return ""
		}
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// jsonlWriter writes each row as one JSON object, its keys in the
// columns' order; unset IDs and dates are null.
type jsonlWriter struct {
	w       http.ResponseWriter
	columns []string
	buf     bytes.Buffer
}

func (j *jsonlWriter) header([]string) error { return nil }

func (j *jsonlWriter) row(values ...any) error {
	j.buf.WriteByte('{')
	for i, v := range values {
		if i > 0 {
			j.buf.WriteByte(',')
		}
		key, _ := json.Marshal(j.columns[i])
		j.buf.Write(key)
		j.buf.WriteByte(':')
		switch x := v.(type) {
		case int64:
			if x == 0 {
				v = nil
			}
		case string:
			if x == "" && (strings.HasSuffix(j.columns[i], "expires") || j.columns[i] == "filed") {
				v = nil
			}
		case time.Time:
			if x.IsZero() {
				v = nil
			} else {
				v = x.UTC().Format(time.RFC3339Nano)
			}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		j.buf.Write(b)
	}
	j.buf.WriteString("}\n")
	if j.buf.Len() >= 32<<10 {
		return j.flush()
	}
	return nil
}

func (j *jsonlWriter) flush() error {
	_, err := j.w.Write(j.buf.Bytes())
	j.buf.Reset()
	return err
}
