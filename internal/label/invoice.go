package label

import (
	"errors"
	"io"
	"strings"
)

// A credit note or a charge invoice (issue 13): A4, the issuer and the
// recipient side by side, the number and dates, the ledger's entries as a
// table and the totals under it. The caller gives every word and amount
// as text in the reader's language: the package draws, it does not count
// money or translate.

// MoneyDoc is a credit note or an invoice ready to print.
type MoneyDoc struct {
	Title  string // "Credit note", "Invoice"
	Number string // CN-2026-00001
	// Facts are printed under the title as label: value pairs (the date,
	// the RMA number, the requester's reference, the policy).
	Facts    [][2]string
	From, To Party
	Columns  MoneyColumns
	Items    []MoneyItem
	Totals   []MoneyTotal
	Notes    []string // under the totals: VAT, how it is settled
	Strings  Strings  // Continued and PageOf, for further pages
}

// Party is one side of the document: a heading ("From", "To"), a name
// and its address lines.
type Party struct {
	Heading string
	Name    string
	Lines   []string
}

// MoneyColumns are the table's headers.
type MoneyColumns struct {
	Line, Description, Quantity, UnitPrice, Amount string
}

// MoneyItem is one entry of the ledger.
type MoneyItem struct {
	Line, Description, Quantity, UnitPrice, Amount string
}

// MoneyTotal is a line under the table: "Total credited", "121.00 EUR".
type MoneyTotal struct {
	Label, Amount string
	Strong        bool
}

// RenderMoneyDoc writes d as a PDF.
func RenderMoneyDoc(w io.Writer, m MoneyDoc) error {
	if strings.TrimSpace(m.Number) == "" || strings.TrimSpace(m.Title) == "" {
		return errors.New("label: a credit note or invoice needs its title and number")
	}
	d, err := newDocument()
	if err != nil {
		return err
	}
	s := m.Strings.withDefaults()
	s.SlipTitle = m.Title // further pages and footers are headed with the document's title
	sl := &slip{d: d, l: Label{Number: m.Number}, s: s}
	sl.p = d.addPage(pageA4)
	sl.pages = append(sl.pages, sl.p)
	layMoneyDoc(sl, m)
	sl.footers()
	return d.write(w, m.Title+" "+m.Number)
}

func layMoneyDoc(sl *slip, m MoneyDoc) {
	d, p := sl.d, sl.p
	left, right := sl.left(), sl.right()
	y := slipMargin
	p.text(bold, 20, left, y, m.Title, black)
	p.textRight(d, mono, 14, right, y+3, m.Number, black)
	y += 20 + 7
	p.hline(left, right, y, 1.5, black)
	y += 12

	// The two parties side by side; the longer decides the height.
	half := (sl.width() - 20) / 2
	party := func(x float64, pt Party) float64 {
		yy := y
		p.text(bold, slipSmall, x, yy, pt.Heading, grey)
		yy += slipSmall*lineSpacing + 2
		for _, ln := range d.wrap(bold, slipBody, pt.Name, half) {
			p.text(bold, slipBody, x, yy, ln, black)
			yy += slipBody * lineSpacing
		}
		for _, ln := range d.wrapAll(regular, slipBody, pt.Lines, half) {
			p.text(regular, slipBody, x, yy, ln, black)
			yy += slipBody * lineSpacing
		}
		return yy
	}
	y = max(party(left, m.From), party(left+half+20, m.To)) + 10

	for _, f := range m.Facts {
		p.text(bold, slipBody, left, y, f[0], grey)
		for i, ln := range d.wrap(regular, slipBody, f[1], sl.width()-slipKeyCol) {
			p.text(regular, slipBody, left+slipKeyCol, y+float64(i)*slipBody*lineSpacing, ln, black)
			if i > 0 {
				y += slipBody * lineSpacing
			}
		}
		y += slipBody*lineSpacing + 2
	}
	sl.y = y + 8
	sl.fresh = false

	c := m.Columns
	w := sl.width()
	cols := []column{
		{header: c.Line, width: 36},
		{header: c.Description, width: w - 36 - 60 - 90 - 95},
		{header: c.Quantity, width: 60, right: true},
		{header: c.UnitPrice, width: 90, right: true},
		{header: c.Amount, width: 95, right: true},
	}
	rows := make([][]string, len(m.Items))
	for i, it := range m.Items {
		rows[i] = []string{it.Line, it.Description, it.Quantity, it.UnitPrice, it.Amount}
	}
	sl.table(cols, rows)

	sl.y += 6
	for _, t := range m.Totals {
		f, size := regular, slipBody
		if t.Strong {
			f, size = bold, 11.0
		}
		sl.block(1, size*lineSpacing, 2, func(_, _ int, top float64) {
			sl.p.textRight(d, f, size, right-12-95, top, t.Label, black)
			sl.p.textRight(d, f, size, right-12, top, t.Amount, black)
		})
	}
	if len(m.Notes) > 0 {
		sl.y += 10
		lines := d.wrapAll(regular, slipBody, m.Notes, sl.width())
		sl.block(len(lines), slipBody*lineSpacing, 0, func(from, to int, top float64) {
			for i := from; i < to; i++ {
				sl.p.text(regular, slipBody, left, top+float64(i-from)*slipBody*lineSpacing, lines[i], black)
			}
		})
	}
}
