package label

import (
	"fmt"
	"image"
	"io"
	"strings"
	"unicode"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"
)

// Page sizes in points (1/72 in).
var (
	pageA6 = gopdf.Rect{W: 105 * mmPt, H: 148 * mmPt}
	pageA4 = gopdf.Rect{W: 210 * mmPt, H: 297 * mmPt}
)

const mmPt = 72 / 25.4 // points per millimetre

type font int

const (
	regular font = iota
	bold
	// mono is for the RMA number: fixed width and a zero that is not an O,
	// so a number copied by hand from the label comes out right.
	mono
)

var fonts = [...]struct {
	family string
	ttf    []byte
}{
	regular: {"go-regular", goregular.TTF},
	bold:    {"go-bold", gobold.TTF},
	mono:    {"go-mono-bold", gomonobold.TTF},
}

// missingGlyph stands in for a character the Go fonts lack (Chinese,
// for one). gopdf's default is a space, which would silently drop it; a
// visible mark tells the reader something is missing.
const missingGlyph = '?'

// Text is set in grey levels, 0 black to 1 white.
const (
	black = 0.0
	grey  = 0.35
)

// A document is laid out in full before any page is drawn: the slip's
// footer says "page 2 of 3", and the total is known only at the end.
// Layout measures text with the same gopdf instance that later draws it,
// so measured and drawn widths agree to the point.
type document struct {
	pdf   *gopdf.GoPdf
	pages []*page
	err   error // the first error while laying out; later ones follow from it
}

// page is a page's size and what to draw on it, in order.
type page struct {
	size gopdf.Rect
	ops  []func(*gopdf.GoPdf) error
}

func newDocument() (*document, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: pageA4, Unit: gopdf.UnitPT})
	for _, f := range fonts {
		opt := gopdf.TtfOption{OnGlyphNotFoundSubstitute: func(rune) rune { return missingGlyph }}
		if err := pdf.AddTTFFontDataWithOption(f.family, f.ttf, opt); err != nil {
			return nil, fmt.Errorf("font %s: %w", f.family, err)
		}
	}
	return &document{pdf: pdf}, nil
}

func (d *document) fail(err error) {
	if d.err == nil && err != nil {
		d.err = err
	}
}

func (d *document) addPage(size gopdf.Rect) *page {
	p := &page{size: size}
	d.pages = append(d.pages, p)
	return p
}

// write draws the laid-out pages and writes the PDF.
func (d *document) write(w io.Writer, title string) error {
	if d.err != nil {
		return d.err
	}
	d.pdf.SetInfo(gopdf.PdfInfo{Title: title, Creator: "rmadesk", Producer: "rmadesk"})
	for i, p := range d.pages {
		d.pdf.AddPageWithOption(gopdf.PageOption{PageSize: &p.size})
		for _, op := range p.ops {
			if err := op(d.pdf); err != nil {
				return fmt.Errorf("page %d: %w", i+1, err)
			}
		}
	}
	if _, err := d.pdf.WriteTo(w); err != nil {
		return fmt.Errorf("write PDF: %w", err)
	}
	return nil
}

// width is the width of s in points, set in f at size.
func (d *document) width(f font, size float64, s string) float64 {
	if err := d.pdf.SetFont(fonts[f].family, "", size); err != nil {
		d.fail(err)
		return 0
	}
	w, err := d.pdf.MeasureTextWidth(s)
	d.fail(err)
	return w
}

// clean turns control characters (tabs, carriage returns) into spaces:
// the fonts have no glyphs for them, and they would print as missingGlyph.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// wrap breaks text into lines no wider than width: at spaces where it
// can, inside a word when a single word (a long serial number, a URL) is
// wider than the line. Line breaks in text are kept. Empty text is no lines.
func (d *document) wrap(f font, size float64, text string, width float64) []string {
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		words := strings.Fields(clean(para))
		line := ""
		for _, word := range words {
			try := word
			if line != "" {
				try = line + " " + word
			}
			if d.width(f, size, try) <= width {
				line = try
				continue
			}
			if line != "" {
				lines = append(lines, line)
				line = ""
			}
			for d.width(f, size, word) > width {
				head := d.fitRunes(f, size, word, width)
				lines = append(lines, head)
				word = word[len(head):]
			}
			line = word
		}
		if line != "" || (len(words) == 0 && len(lines) > 0) {
			lines = append(lines, line)
		}
	}
	// A blank last paragraph adds nothing to print.
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// fitRunes is the longest prefix of s, at least one character, that fits
// in width.
func (d *document) fitRunes(f font, size float64, s string, width float64) string {
	end := 0
	for i, r := range s {
		next := i + len(string(r))
		if end > 0 && d.width(f, size, s[:next]) > width {
			break
		}
		end = next
	}
	return s[:end]
}

// ellipsize shortens s with "…" until it fits in width. It is for the few
// places a fixed-size label has no room to wrap into.
func (d *document) ellipsize(f font, size float64, s string, width float64) string {
	s = clean(s)
	if d.width(f, size, s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && d.width(f, size, string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + "…"
}

// ascent is how far above the baseline capitals reach, as a share of the
// font size; text is placed by its top, and gopdf by the baseline.
const ascent = 0.76

// text draws s with its top (cap height) at y.
func (p *page) text(f font, size, x, y float64, s string, gray float64) {
	s = clean(s)
	p.ops = append(p.ops, func(pdf *gopdf.GoPdf) error {
		if err := pdf.SetFont(fonts[f].family, "", size); err != nil {
			return err
		}
		pdf.SetGrayFill(gray)
		pdf.SetXY(x, y+size*ascent)
		return pdf.Text(s)
	})
}

// textRight draws s ending at x.
func (p *page) textRight(d *document, f font, size, x, y float64, s string, gray float64) {
	p.text(f, size, x-d.width(f, size, clean(s)), y, s, gray)
}

// rect draws a rectangle's outline, dashed or not.
func (p *page) rect(x, y, w, h, lineWidth float64, dashed bool) {
	p.ops = append(p.ops, func(pdf *gopdf.GoPdf) error {
		pdf.SetLineWidth(lineWidth)
		pdf.SetGrayStroke(black)
		if dashed {
			pdf.SetCustomLineType([]float64{4, 3}, 0)
		}
		pdf.RectFromUpperLeftWithStyle(x, y, w, h, "D")
		pdf.SetLineType("solid")
		return nil
	})
}

// fill paints a rectangle in gray.
func (p *page) fill(x, y, w, h, gray float64) {
	p.ops = append(p.ops, func(pdf *gopdf.GoPdf) error {
		pdf.SetGrayFill(gray)
		pdf.RectFromUpperLeftWithStyle(x, y, w, h, "F")
		return nil
	})
}

// hline draws a horizontal rule.
func (p *page) hline(x1, x2, y, lineWidth, gray float64) {
	p.ops = append(p.ops, func(pdf *gopdf.GoPdf) error {
		pdf.SetLineWidth(lineWidth)
		pdf.SetGrayStroke(gray)
		pdf.SetLineType("solid")
		pdf.Line(x1, y, x2, y)
		return nil
	})
}

// image draws a barcode bitmap at its own size.
func (p *page) image(b bitmap, x, y float64) {
	var img image.Image = b.img
	p.ops = append(p.ops, func(pdf *gopdf.GoPdf) error {
		return pdf.ImageFrom(img, x, y, &gopdf.Rect{W: b.w, H: b.h})
	})
}
