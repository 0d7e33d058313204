package label

import (
	"errors"
	"fmt"
	"image"
	"image/color"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"
	"github.com/boombuler/barcode/qr"
)

// Barcodes are drawn as bitmaps at dotsPerInch, each module a whole number
// of dots, and placed on the page at exactly that resolution. A module
// that is a fraction of a pixel would be resampled by the viewer into
// bars of uneven width, which is what makes printed barcodes fail to scan;
// whole dots at 600 dpi stay whole on 600 dpi office lasers and close to
// whole on 203 and 300 dpi label printers.
const dotsPerInch = 600

// dotsToPt converts barcode dots to PDF points (1/72 in).
func dotsToPt(dots int) float64 { return float64(dots) * 72 / dotsPerInch }

// Code 128 module width in dots: 9 dots is 0.381 mm (15 mil), three dots
// of a 203 dpi thermal printer and comfortable for any handheld scanner.
// A number too long for the space gets narrower modules, down to 6 dots
// (0.254 mm, 10 mil), still within what laser scanners read on paper.
const (
	code128Module    = 9
	code128MinModule = 6
	// code128Quiet is the quiet zone each side, in modules: ISO/IEC 15417
	// asks for at least 10.
	code128Quiet = 10
)

// QR module size in dots: 18 dots is 0.762 mm, so that a phone camera
// reads the code from arm's length on a parcel; it shrinks to fit, down
// to 8 dots (0.34 mm).
const (
	qrModule    = 18
	qrMinModule = 8
	// qrQuiet is the quiet zone around a QR code, in modules, as ISO/IEC
	// 18004 requires.
	qrQuiet = 4
)

// qrLevel is the error correction level. Q recovers 25% of the symbol,
// enough for a scuffed or taped-over corner of a parcel label, and still
// fits a 14-character RMA number into version 1 (21×21 modules), so the
// modules can be large.
const qrLevel = qr.Q

// codes are the RMA number's two symbols, as module matrices; they are
// drawn at the size each page has room for.
type codes struct {
	linear matrix // Code 128, one row
	square matrix // QR
}

// matrix is a barcode's modules: dark[y][x] is true for a dark module.
type matrix struct {
	dark [][]bool
}

func (m matrix) cols() int { return len(m.dark[0]) }
func (m matrix) rows() int { return len(m.dark) }

func newCodes(number string) (codes, error) {
	c128, err := code128.Encode(number)
	if err != nil {
		return codes{}, fmt.Errorf("code 128 of %q: %w", number, err)
	}
	q, err := qr.Encode(number, qrLevel, qr.Auto)
	if err != nil {
		return codes{}, fmt.Errorf("QR code of %q: %w", number, err)
	}
	return codes{linear: modules(c128), square: modules(q)}, nil
}

// modules reads a boombuler barcode, drawn at one pixel per module, back
// into a matrix, so that drawing does not depend on its colour model.
func modules(bc barcode.Barcode) matrix {
	b := bc.Bounds()
	m := matrix{dark: make([][]bool, b.Dy())}
	for y := range m.dark {
		m.dark[y] = make([]bool, b.Dx())
		for x := range m.dark[y] {
			g := color.GrayModel.Convert(bc.At(b.Min.X+x, b.Min.Y+y)).(color.Gray)
			m.dark[y][x] = g.Y < 128
		}
	}
	return m
}

// bitmap is a barcode drawn for the page, with its size there in points.
type bitmap struct {
	img  *image.Gray
	w, h float64
}

var errNoRoom = errors.New("no room for the barcode")

// linearBitmap draws the Code 128 no wider than maxW points with bars
// heightPt tall, quiet zones included, using the widest whole-dot module
// that fits.
func linearBitmap(m matrix, maxW, heightPt float64) (bitmap, error) {
	cols := m.cols() + 2*code128Quiet
	for mod := code128Module; mod >= code128MinModule; mod-- {
		if dotsToPt(cols*mod) > maxW {
			continue
		}
		h := int(heightPt * dotsPerInch / 72)
		img := drawMatrix(m, mod, h, code128Quiet, 0)
		return bitmap{img: img, w: dotsToPt(img.Rect.Dx()), h: dotsToPt(img.Rect.Dy())}, nil
	}
	return bitmap{}, fmt.Errorf("code 128: %d modules: %w in %.0f pt", cols, errNoRoom, maxW)
}

// squareBitmap draws the QR code no larger than maxSide points square,
// quiet zone included, using the largest whole-dot module that fits.
func squareBitmap(m matrix, maxSide float64) (bitmap, error) {
	n := m.cols() + 2*qrQuiet
	for mod := qrModule; mod >= qrMinModule; mod-- {
		if dotsToPt(n*mod) > maxSide {
			continue
		}
		img := drawMatrix(m, mod, mod, qrQuiet, qrQuiet)
		side := dotsToPt(img.Rect.Dx())
		return bitmap{img: img, w: side, h: side}, nil
	}
	return bitmap{}, fmt.Errorf("QR code: %d modules: %w in %.0f pt", n, errNoRoom, maxSide)
}

// drawMatrix redraws m into a grey image: each module modW dots wide and
// modH dots tall, with quietX modules of white left and right and quietY
// above and below. The image is pure black and white so that nothing is
// anti-aliased; the PDF then carries it losslessly (PNG, Flate).
func drawMatrix(m matrix, modW, modH, quietX, quietY int) *image.Gray {
	w := (m.cols() + 2*quietX) * modW
	h := (m.rows() + 2*quietY) * modH
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y, row := range m.dark {
		for x, dark := range row {
			if !dark {
				continue
			}
			x0, y0 := (x+quietX)*modW, (y+quietY)*modH
			for py := y0; py < y0+modH; py++ {
				line := img.Pix[py*img.Stride:]
				for px := x0; px < x0+modW; px++ {
					line[px] = 0
				}
			}
		}
	}
	return img
}
