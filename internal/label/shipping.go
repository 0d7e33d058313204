package label

import (
	"fmt"
	"math"
)

// The shipping label is A6 (105 × 148 mm) because that is the label size
// of the trade: thermal label printers take A6 or 4 × 6 in (102 × 152 mm)
// stock, parcel "documents enclosed" pouches are A6, and an office printer
// prints an A6 page at actual size on A4 to be cut out. A half-A4 label
// would have to be shrunk to 70% on a label printer, and the barcodes
// with it below the module sizes chosen in barcode.go.
const labelMargin = 5 * mmPt

// Sizes on the label, in points.
const (
	labelCaption    = 7.0  // the small grey words over each block
	labelFromSize   = 9.0  // the sender's lines
	labelAddrMax    = 16.0 // the return address, shrunk to fit its box down to labelAddrMin
	labelAddrMin    = 7.0
	labelNumberMax  = 26.0 // the RMA number in text
	labelBarHeight  = 15 * mmPt
	labelQRMax      = 26 * mmPt
	labelFromLines  = 5 // the sender: organisation, street, postcode and city, country, phone; more is cut
	lineSpacing     = 1.22
	labelBlockSpace = 6.0
)

// layShippingLabel lays out page 1: who it is from, where it goes (the
// largest block, as a carrier's eye looks for it first), then the number
// as text, Code 128 and QR, and the last day the number is valid.
func layShippingLabel(d *document, l Label, c codes) {
	p := d.addPage(pageA6)
	s := l.Labels
	m := labelMargin
	left, right := m, pageA6.W-m
	cw := right - left
	y := m

	// Title and vendor.
	p.text(bold, 13, left, y, s.LabelTitle, black)
	tw := d.width(bold, 13, s.LabelTitle)
	p.textRight(d, regular, 9, right, y+3, d.ellipsize(regular, 9, l.Vendor, cw-tw-12), black)
	y += 13 + 5
	p.hline(left, right, y, 1.5, black)
	y += labelBlockSpace

	// From.
	p.text(regular, labelCaption, left, y, s.From, grey)
	y += labelCaption * lineSpacing
	from := d.wrapAll(regular, labelFromSize, l.From, cw)
	if len(from) > labelFromLines {
		from = from[:labelFromLines]
		last := from[labelFromLines-1] + " …"
		from[labelFromLines-1] = d.ellipsize(regular, labelFromSize, last, cw)
	}
	for _, line := range from {
		p.text(regular, labelFromSize, left, y+1, line, black)
		y += labelFromSize * lineSpacing
	}
	y += labelBlockSpace

	// The codes, bottom up, so that the address box takes what is left.
	qr, err := squareBitmap(c.square, labelQRMax)
	if err != nil {
		d.fail(err)
		return
	}
	bar, err := linearBitmap(c.linear, cw, labelBarHeight)
	if err != nil {
		d.fail(err)
		return
	}
	qrTop := pageA6.H - m - qr.h
	barTop := qrTop - 4 - bar.h
	numSize := fitSize(d, mono, l.Number, cw, labelNumberMax, 10)
	numTop := barTop - 5 - numSize*ascent

	// Return to: a ruled box, the address as large as fits.
	boxTop, boxBottom := y, numTop-9
	p.rect(left, boxTop, cw, boxBottom-boxTop, 1.5, false)
	pad := 6.0
	p.text(regular, labelCaption, left+pad, boxTop+pad, s.ReturnTo, grey)
	addrTop := boxTop + pad + labelCaption*lineSpacing + 3
	size, lines := fitLines(d, bold, l.ReturnAddress, cw-2*pad, boxBottom-pad-addrTop, labelAddrMax, labelAddrMin)
	for i, line := range lines {
		p.text(bold, size, left+pad, addrTop+float64(i)*size*lineSpacing, line, black)
	}

	// The number, its barcode centred under it, the QR code and the date.
	p.text(mono, numSize, left+(cw-d.width(mono, numSize, l.Number))/2, numTop, l.Number, black)
	p.image(bar, left+(cw-bar.w)/2, barTop)
	// The QR code's quiet zone is white already; align its dark modules,
	// not its edge, with the margin.
	quiet := qr.w * qrQuiet / float64(c.square.cols()+2*qrQuiet)
	p.image(qr, left-quiet, qrTop)
	x := left - quiet + qr.w + 4
	ty := qrTop + quiet
	if l.Expires != "" {
		p.text(regular, labelCaption, x, ty, s.ValidUntil, grey)
		ty += labelCaption*lineSpacing + 1
		p.text(bold, 16, x, ty, l.Expires, black)
		ty += 16*lineSpacing + 3
	}
	if l.Reference != "" {
		p.text(regular, labelCaption, x, ty, s.Reference, grey)
		ty += labelCaption*lineSpacing + 1
		p.text(regular, 10, x, ty, d.ellipsize(regular, 10, l.Reference, right-x), black)
	}
}

// wrapAll wraps each of texts and joins the lines.
func (d *document) wrapAll(f font, size float64, texts []string, width float64) []string {
	var out []string
	for _, t := range texts {
		out = append(out, d.wrap(f, size, t, width)...)
	}
	return out
}

// fitSize is the largest whole-point size, from hi down to lo, at which
// s fits in width.
func fitSize(d *document, f font, s string, width, hi, lo float64) float64 {
	size := hi
	for size > lo && d.width(f, size, s) > width {
		size--
	}
	return size
}

// fitLines finds the largest size, in half points from hi down to lo,
// at which texts wrapped to width fit in height. A size at which every
// line fits unwrapped wins over a larger one that breaks a line, as an
// address reads line by line. At lo it keeps the lines that fit and marks
// the cut with "…": an address is never allowed to run over the barcode.
func fitLines(d *document, f font, texts []string, width, height, hi, lo float64) (float64, []string) {
	unwrapped := len(d.wrapAll(f, 1, texts, width)) // at 1 pt nothing wraps
	for _, wrapping := range []bool{false, true} {
		for size := hi; size >= lo; size -= 0.5 {
			lines := d.wrapAll(f, size, texts, width)
			if (wrapping || len(lines) == unwrapped) && float64(len(lines))*size*lineSpacing <= height {
				return size, lines
			}
		}
	}
	lines := d.wrapAll(f, lo, texts, width)
	n := int(math.Floor(height / (lo * lineSpacing)))
	if n < 1 {
		d.fail(fmt.Errorf("no room for the return address"))
		return lo, nil
	}
	lines = lines[:n]
	lines[n-1] = d.ellipsize(f, lo, lines[n-1]+" …", width)
	return lo, lines
}
