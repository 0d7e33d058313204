// Package registry reads and writes the serial registry's files (issue
// 16): the units a desk, or the vendor it works for, sold and shipped, as
// an ERP exports them to CSV, for `rmadesk registry import`, the API's CSV
// upload and the portal's; and a generator of such files for the load
// tool. What the registry is and does is the desk's (internal/rma,
// registry.go); how it is kept, the store's (internal/store/units.go).
package registry

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The file: a first line naming the columns (any order, any subset that
// has serial; names in any case), then one unit a line. Dates are
// YYYY-MM-DD; the price is an amount such as 129.00 (or 129,00) with its
// ISO 4217 currency. Fields are separated by commas, or by semicolons
// when the first line has semicolons and no commas (a spreadsheet saved
// in a European locale). Blank lines are skipped; a byte order mark is
// allowed.
//
//	serial        required: the serial number as on the label
//	part_number   the vendor's part number (PN)
//	model, category
//	sold_to       the organisation it was sold to, as the desk names it
//	invoice_date, invoice_no
//	delivered     the day it was delivered (Pixfra: from manufacturing)
//	manufactured  the day it was made
//	price, currency
//	policy        the policy its warranty is under (pixfra, dexxon, ...)

// CSV reads one file. Units yields each unit, or the first bad value as an
// *rma.Error naming its line and column ("line 7, column invoice_date"),
// which ends the read; Field names a unit's field by its position in the
// file, for the errors the desk finds after reading (a serial given twice).
type CSV struct {
	r io.Reader
	// DefaultPolicy is the policy of the units whose policy column is
	// empty or absent.
	DefaultPolicy string
	lines         []int32 // the file line of each unit yielded
}

// NewCSV reads r.
func NewCSV(r io.Reader) *CSV { return &CSV{r: r} }

// Field names column of the i-th unit read (from 0).
func (c *CSV) Field(i int, column string) string {
	if i >= 0 && i < len(c.lines) {
		return fmt.Sprintf("line %d, column %s", c.lines[i], column)
	}
	return "column " + column
}

func at(line int, column string) string { return fmt.Sprintf("line %d, column %s", line, column) }

var amountPattern = regexp.MustCompile(`^[0-9]{1,12}([.,][0-9]{1,2})?$`)

// Units reads the file once.
func (c *CSV) Units() iter.Seq2[rma.Unit, error] {
	return func(yield func(rma.Unit, error) bool) {
		fail := func(err error) { yield(rma.Unit{}, err) }
		br := bufio.NewReaderSize(c.r, 64<<10)
		head, _ := br.Peek(4096)
		head = bytes.TrimPrefix(head, []byte("\ufeff"))
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			head = head[:i]
		}
		cr := csv.NewReader(br)
		cr.ReuseRecord = true
		if bytes.IndexByte(head, ';') >= 0 && bytes.IndexByte(head, ',') < 0 {
			cr.Comma = ';'
		}
		header, err := cr.Read()
		if errors.Is(err, io.EOF) {
			fail(rma.Invalid("line 1", "empty file: the first line names the columns (%s)", strings.Join(rma.UnitColumns, ", ")))
			return
		}
		if err != nil {
			fail(csvError(err))
			return
		}
		col := map[string]int{}
		for i, name := range header {
			name = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
			switch {
			case !slices.Contains(rma.UnitColumns, name):
				fail(rma.Invalid(fmt.Sprintf("line 1, column %d", i+1), "unknown column %q (the columns are %s)", name, strings.Join(rma.UnitColumns, ", ")))
				return
			case col[name] != 0:
				fail(rma.Invalid(fmt.Sprintf("line 1, column %d", i+1), "column %q appears twice", name))
				return
			}
			col[name] = i + 1
		}
		if col["serial"] == 0 {
			fail(rma.Invalid("line 1", "the serial column is required (the columns are %s)", strings.Join(rma.UnitColumns, ", ")))
			return
		}
		c.lines = c.lines[:0]
		for {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				fail(csvError(err))
				return
			}
			line, _ := cr.FieldPos(0)
			get := func(name string) string {
				if i := col[name]; i > 0 && i <= len(rec) {
					return strings.TrimSpace(rec[i-1])
				}
				return ""
			}
			u, err := unitOf(line, get)
			if err == nil && u.PolicyID == "" {
				u.PolicyID = c.DefaultPolicy
			}
			if err == nil {
				c.lines = append(c.lines, int32(line))
			}
			if !yield(u, err) || err != nil {
				return
			}
		}
	}
}

// csvError names the line of a file that is not CSV.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return rma.Invalid(fmt.Sprintf("line %d", pe.Line), "has a different number of fields than the first line")
		}
		return rma.Invalid(fmt.Sprintf("line %d, column %d", pe.Line, pe.Column), "%v", pe.Err)
	}
	return rma.Invalid("file", "%v", err)
}

// unitOf reads one line's unit; get gives a column's trimmed text.
func unitOf(line int, get func(string) string) (rma.Unit, error) {
	u := rma.Unit{Serial: get("serial"), PartNumber: get("part_number"), Model: get("model"), Category: get("category"),
		SoldTo: get("sold_to"), InvoiceNo: get("invoice_no"), PolicyID: get("policy")}
	for _, d := range []struct {
		name string
		to   *calendar.Date
	}{{"invoice_date", &u.InvoiceDate}, {"delivered", &u.Delivered}, {"manufactured", &u.Manufactured}} {
		s := get(d.name)
		if s == "" {
			continue
		}
		v, err := calendar.ParseDate(s)
		if err != nil {
			return u, rma.Invalid(at(line, d.name), "%q is not a date in the form YYYY-MM-DD", s)
		}
		*d.to = v
	}
	price, currency := get("price"), strings.ToUpper(get("currency"))
	if price != "" {
		cents, err := parseCents(price)
		if err != nil {
			return u, rma.Invalid(at(line, "price"), "%q is not an amount such as 129.00", price)
		}
		if currency == "" {
			return u, rma.Invalid(at(line, "currency"), "required with a price: an ISO 4217 code such as EUR")
		}
		u.Price = rma.Money{Cents: cents, Currency: currency}
	} else if currency != "" {
		u.Price.Currency = currency
	}
	return u, nil
}

// parseCents reads "129", "129.9", "129.00" or "129,00" as cents.
func parseCents(s string) (int64, error) {
	if !amountPattern.MatchString(s) {
		return 0, errors.New("not an amount")
	}
	whole, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	for len(frac) < 2 {
		frac += "0"
	}
	return strconv.ParseInt(whole+frac, 10, 64)
}

// WriteCSV writes units as a CSV file ReadCSV reads back: the first line
// names every column.
func WriteCSV(w io.Writer, units iter.Seq[rma.Unit]) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(rma.UnitColumns); err != nil {
		return err
	}
	rec := make([]string, len(rma.UnitColumns))
	date := func(d calendar.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	for u := range units {
		price := ""
		if u.Price.Cents > 0 {
			price = fmt.Sprintf("%d.%02d", u.Price.Cents/100, u.Price.Cents%100)
		}
		rec = append(rec[:0], u.Serial, u.PartNumber, u.Model, u.Category, u.SoldTo, date(u.InvoiceDate), u.InvoiceNo,
			date(u.Delivered), date(u.Manufactured), price, u.Price.Currency, u.PolicyID)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
