package label

import (
	"fmt"
	"strings"
)

// The packing slip is A4, what every office printer holds. It flows: the
// lines table and the instructions continue on as many pages as they
// need, each further page headed with the number (so a loose page finds
// its parcel) and the table's column headers repeated.
const (
	slipMargin  = 15 * mmPt
	slipFooter  = 20.0 // room at the bottom for "Page 2 of 3"
	slipBody    = 9.5  // body text size
	slipSmall   = 8.0  // captions, table headers, footer
	slipPad     = 3.5  // above and below a table row's text
	slipKeyCol  = 105.0
	slipBarH    = 12 * mmPt
	slipQRMax   = 24 * mmPt
	slipSection = 14.0 // space before a section heading
)

// slip is the packing slip being laid out: the current page and the top
// of the free space on it.
type slip struct {
	d      *document
	l      Label
	s      Strings
	p      *page
	pages  []*page
	y      float64
	fresh  bool   // nothing has been put on the current page's body yet
	header func() // redraws a table's column headers after a page break
}

func (sl *slip) left() float64   { return slipMargin }
func (sl *slip) right() float64  { return pageA4.W - slipMargin }
func (sl *slip) width() float64  { return sl.right() - sl.left() }
func (sl *slip) bottom() float64 { return pageA4.H - slipMargin - slipFooter }

// newPage starts a continuation page: number and title, then whatever
// the interrupted block needs repeated.
func (sl *slip) newPage() {
	sl.p = sl.d.addPage(pageA4)
	sl.pages = append(sl.pages, sl.p)
	y := slipMargin
	title := sl.s.SlipTitle + " (" + sl.s.Continued + ")"
	sl.p.text(bold, 10, sl.left(), y, title, black)
	sl.p.textRight(sl.d, mono, 10, sl.right(), y, sl.l.Number, black)
	y += 10 + 5
	sl.p.hline(sl.left(), sl.right(), y, 0.8, black)
	sl.y = y + 10
	sl.fresh = true
	if sl.header != nil {
		sl.header()
	}
	sl.fresh = true
}

// room is the height left on the current page.
func (sl *slip) room() float64 { return sl.bottom() - sl.y }

// block places n lines of height lh, with pad above and below, drawing
// them through draw(from, to, top). It keeps the block on one page when
// it fits on one, and otherwise splits it between lines, so no text is
// ever lost off the bottom of a page.
func (sl *slip) block(n int, lh, pad float64, draw func(from, to int, top float64)) {
	if n < 1 {
		n = 1
	}
	if float64(n)*lh+2*pad > sl.room() && !sl.fresh {
		sl.newPage()
	}
	for from := 0; from < n; {
		fit := int((sl.room() - 2*pad) / lh)
		if fit < 1 {
			sl.newPage()
			continue
		}
		to := min(n, from+fit)
		draw(from, to, sl.y+pad)
		sl.y += float64(to-from)*lh + 2*pad
		sl.fresh = false
		from = to
		if from < n {
			sl.newPage()
		}
	}
}

// heading starts a section, moving to a new page rather than leaving the
// heading alone at the bottom of one.
func (sl *slip) heading(text string, keep float64) {
	sl.y += slipSection
	if 13*lineSpacing+keep > sl.room() {
		sl.newPage()
	}
	sl.p.text(bold, 13, sl.left(), sl.y, text, black)
	sl.y += 13*lineSpacing + 4
	sl.fresh = false
}

// layPackingSlip lays out the slip from page 2 on.
func layPackingSlip(d *document, l Label, c codes) {
	sl := &slip{d: d, l: l, s: l.Labels}
	sl.p = d.addPage(pageA4)
	sl.pages = append(sl.pages, sl.p)
	sl.top(c)
	sl.facts()
	sl.lines()
	sl.instructions()
	if l.NoteInside {
		sl.note()
	}
	sl.footers()
}

// top is the first page's head: title, the number as text, Code 128 and
// QR (the receiving desk scans the slip when the label is torn), and the
// request to put the slip inside.
func (sl *slip) top(c codes) {
	d, p, s := sl.d, sl.p, sl.s
	left, right := sl.left(), sl.right()
	y := slipMargin
	p.text(bold, 20, left, y, s.SlipTitle, black)
	tw := d.width(bold, 20, s.SlipTitle)
	p.textRight(d, regular, 11, right, y+6, d.ellipsize(regular, 11, sl.l.Vendor, sl.width()-tw-20), black)
	y += 20 + 7
	p.hline(left, right, y, 1.5, black)
	y += 8

	qr, err := squareBitmap(c.square, slipQRMax)
	if err != nil {
		d.fail(err)
		return
	}
	quiet := qr.w * qrQuiet / float64(c.square.cols()+2*qrQuiet)
	qrX := right - qr.w + quiet
	p.image(qr, qrX, y-quiet+2)

	top := y
	p.text(regular, slipSmall, left, y, s.RMANumber, grey)
	y += slipSmall*lineSpacing + 2
	numSize := fitSize(d, mono, sl.l.Number, qrX-left-10, 22, 10)
	p.text(mono, numSize, left, y, sl.l.Number, black)
	y += numSize + 6
	bar, err := linearBitmap(c.linear, qrX-left-10, slipBarH)
	if err != nil {
		d.fail(err)
		return
	}
	// The Code 128 quiet zone is white: let it hang into the margin so
	// the bars line up with the text.
	barQuiet := bar.w * code128Quiet / float64(c.linear.cols()+2*code128Quiet)
	p.image(bar, left-barQuiet, y)
	y += bar.h
	y = max(y, top+qr.h-2*quiet) + 10

	banner := 11 * 2.2
	p.fill(left, y, sl.width(), banner, 0.88)
	p.text(bold, 11, left+8, y+(banner-11*ascent)/2, s.PutInside, black)
	sl.y = y + banner + 6
	sl.fresh = false
}

// facts are the RMA's particulars as captioned rows.
func (sl *slip) facts() {
	l, s := sl.l, sl.s
	rows := []struct{ key, value string }{
		{s.Reference, l.Reference},
		{s.ValidUntil, l.Expires},
		{s.Policy, l.Policy},
		{s.Vendor, l.Vendor},
		{s.From, strings.Join(l.From, ", ")},
		{s.ReturnTo, strings.Join(l.ReturnAddress, ", ")},
	}
	lh := slipBody * lineSpacing
	for _, r := range rows {
		if strings.TrimSpace(r.value) == "" {
			continue
		}
		lines := sl.d.wrap(regular, slipBody, r.value, sl.width()-slipKeyCol)
		sl.block(len(lines), lh, 2, func(from, to int, top float64) {
			sl.p.text(regular, slipSmall, sl.left(), top+1, r.key, grey)
			for i := from; i < to; i++ {
				sl.p.text(regular, slipBody, sl.left()+slipKeyCol, top+float64(i-from)*lh, lines[i], black)
			}
		})
	}
}

// column is one column of a table: its header, width and alignment.
type column struct {
	header string
	width  float64
	right  bool // numbers align right
}

// textWidth is the room for text in a column: a gap before the next
// column, a wider one after right-aligned numbers.
func (c column) textWidth() float64 {
	if c.right {
		return c.width - 16
	}
	return c.width - 8
}

// table lays out rows of cells under repeated column headers.
func (sl *slip) table(cols []column, rows [][]string) {
	d := sl.d
	lh := slipBody * lineSpacing
	header := func() {
		x := sl.left()
		for _, c := range cols {
			if c.right {
				sl.p.textRight(d, bold, slipSmall, x+c.width-12, sl.y, c.header, grey)
			} else {
				sl.p.text(bold, slipSmall, x, sl.y, c.header, grey)
			}
			x += c.width
		}
		sl.y += slipSmall*lineSpacing + 2
		sl.p.hline(sl.left(), sl.right(), sl.y, 0.8, black)
	}
	header()
	sl.header = header
	defer func() { sl.header = nil }()

	for _, row := range rows {
		cells := make([][]string, len(cols))
		n := 1
		for i, c := range cols {
			cells[i] = d.wrap(regular, slipBody, row[i], c.textWidth())
			n = max(n, len(cells[i]))
		}
		sl.block(n, lh, slipPad, func(from, to int, top float64) {
			x := sl.left()
			for i, c := range cols {
				for j := from; j < min(to, len(cells[i])); j++ {
					ty := top + float64(j-from)*lh
					if c.right {
						sl.p.textRight(d, regular, slipBody, x+c.width-12, ty, cells[i][j], black)
					} else {
						sl.p.text(regular, slipBody, x, ty, cells[i][j], black)
					}
				}
				x += c.width
			}
			bottom := top + float64(to-from)*lh + slipPad
			sl.p.hline(sl.left(), sl.right(), bottom, 0.4, 0.6)
		})
	}
}

// lineColumns sizes the lines table for the slip's width; the fault,
// the longest text, takes what the others leave.
func (sl *slip) lineColumns() []column {
	s := sl.s
	cols := []column{
		{header: s.ColNo, width: 24},
		{header: s.ColProduct, width: 118},
		{header: s.ColModel, width: 84},
		{header: s.ColSerial, width: 96},
		{header: s.ColQuantity, width: 40, right: true},
		{header: s.ColFault},
	}
	used := 0.0
	for _, c := range cols {
		used += c.width
	}
	cols[len(cols)-1].width = sl.width() - used
	return cols
}

func (sl *slip) lines() {
	if len(sl.l.Lines) == 0 {
		return
	}
	sl.heading(sl.s.Lines, 3*slipBody*lineSpacing)
	rows := make([][]string, len(sl.l.Lines))
	for i, ln := range sl.l.Lines {
		no := ln.No
		if no == 0 {
			no = i + 1
		}
		model := ln.Model
		if ln.PartNumber != "" {
			model = strings.TrimSpace(model + " PN " + ln.PartNumber)
		}
		rows[i] = []string{fmt.Sprint(no), ln.Product, model, ln.Serial, quantity(ln.Quantity), ln.Fault}
	}
	sl.table(sl.lineColumns(), rows)
}

// quantity prints a quantity; zero is a line someone forgot to count, not
// a line of nothing, so it stays blank to be written in.
func quantity(q int) string {
	if q == 0 {
		return ""
	}
	return fmt.Sprint(q)
}

// instructions are a numbered list with hanging indents.
func (sl *slip) instructions() {
	var items []string
	for _, in := range sl.l.Instructions {
		if strings.TrimSpace(in) != "" {
			items = append(items, in)
		}
	}
	if len(items) == 0 {
		return
	}
	sl.heading(sl.s.Instructions, 2*slipBody*lineSpacing)
	const indent = 20.0
	lh := slipBody * lineSpacing
	for i, item := range items {
		lines := sl.d.wrap(regular, slipBody, item, sl.width()-indent)
		mark := fmt.Sprintf("%d.", i+1)
		sl.block(len(lines), lh, 2, func(from, to int, top float64) {
			if from == 0 {
				sl.p.textRight(sl.d, bold, slipBody, sl.left()+indent-6, top, mark, black)
			}
			for j := from; j < to; j++ {
				sl.p.text(regular, slipBody, sl.left()+indent, top+float64(j-from)*lh, lines[j], black)
			}
		})
	}
}

// note is the cut-out note Mini Cart asks for inside the parcel, filled
// in from the reference and the lines, inside a dashed border. A note too
// long for a page is split, each part with its own border.
func (sl *slip) note() {
	d, s, l := sl.d, sl.s, sl.l
	const pad = 10.0
	inner := sl.width() - 2*pad
	lh := slipBody * lineSpacing

	// The note's rows, each a height and a drawing at (left, top).
	type row struct {
		h    float64
		draw func(p *page, x, y float64)
	}
	var rows []row
	rows = append(rows, row{12*lineSpacing + 4, func(p *page, x, y float64) {
		p.text(bold, 12, x, y, s.NoteTitle, black)
	}})
	kv := func(key, value string) {
		lines := d.wrap(bold, slipBody, value, inner-slipKeyCol)
		rows = append(rows, row{float64(max(1, len(lines)))*lh + 3, func(p *page, x, y float64) {
			p.text(regular, slipSmall, x, y+1, key, grey)
			for i, line := range lines {
				p.text(bold, slipBody, x+slipKeyCol, y+float64(i)*lh, line, black)
			}
		}})
	}
	kv(s.RMANumber, l.Number)
	order := l.Reference
	if order == "" {
		order = "________________________" // to write in by hand
	}
	kv(s.OrderNumber, order)

	cols := []column{
		{header: s.ColProduct, width: 190},
		{header: s.ColQuantity, width: 36, right: true},
		{header: s.Problem},
	}
	cols[2].width = inner - cols[0].width - cols[1].width
	header := len(rows)
	rows = append(rows, row{slipSmall*lineSpacing + 5, func(p *page, x, y float64) {
		for _, c := range cols {
			if c.right {
				p.textRight(d, bold, slipSmall, x+c.width-12, y+2, c.header, grey)
			} else {
				p.text(bold, slipSmall, x, y+2, c.header, grey)
			}
			x += c.width
		}
	}})
	for _, ln := range l.Lines {
		product := ln.Product
		for _, extra := range []string{ln.Model, ln.Serial} {
			if extra != "" && extra != ln.Product {
				product += ", " + extra
			}
		}
		cells := [][]string{
			d.wrap(regular, slipBody, product, cols[0].textWidth()),
			d.wrap(regular, slipBody, quantity(ln.Quantity), cols[1].textWidth()),
			d.wrap(regular, slipBody, ln.Fault, cols[2].textWidth()),
		}
		n := max(1, len(cells[0]), len(cells[2]))
		// A line taller than a page is not kept whole; its cells are cut
		// into page-sized rows so that the note can still split.
		for from := 0; from < n; from += 40 {
			to := min(n, from+40)
			rows = append(rows, row{float64(to-from)*lh + 4, func(p *page, x, y float64) {
				for i, c := range cols {
					for j := from; j < min(to, len(cells[i])); j++ {
						ty := y + 2 + float64(j-from)*lh
						if c.right {
							p.textRight(d, regular, slipBody, x+c.width-12, ty, cells[i][j], black)
						} else {
							p.text(regular, slipBody, x, ty, cells[i][j], black)
						}
					}
					x += c.width
				}
			}})
		}
	}

	total := 2 * pad
	for _, r := range rows {
		total += r.h
	}
	hint := slipSmall*lineSpacing + 4
	sl.y += slipSection
	if hint+total > sl.room() && !sl.fresh {
		sl.newPage()
	}
	sl.p.text(regular, slipSmall, sl.left(), sl.y, s.NoteCut, grey)
	sl.y += hint

	// Draw the rows, closing the border at each page break.
	boxTop := sl.y
	sl.y += pad
	closeBox := func() {
		sl.p.rect(sl.left(), boxTop, sl.width(), sl.y+pad-boxTop, 0.8, true)
		sl.y += pad
	}
	for i, r := range rows {
		if sl.y+r.h+pad > sl.bottom() && i > 0 {
			closeBox()
			sl.newPage()
			boxTop = sl.y
			sl.y += pad
			if i > header {
				h := rows[header]
				h.draw(sl.p, sl.left()+pad, sl.y)
				sl.y += h.h
			}
		}
		r.draw(sl.p, sl.left()+pad, sl.y)
		sl.y += r.h
	}
	closeBox()
	sl.fresh = false
}

// footers number the slip's pages now that their count is known.
func (sl *slip) footers() {
	y := pageA4.H - slipMargin - slipSmall
	for i, p := range sl.pages {
		p.hline(sl.left(), sl.right(), y-5, 0.4, 0.6)
		p.text(regular, slipSmall, sl.left(), y, sl.l.Number+" · "+sl.s.SlipTitle, grey)
		p.textRight(sl.d, regular, slipSmall, sl.right(), y, sl.s.pageOf(i+1, len(sl.pages)), grey)
	}
}
