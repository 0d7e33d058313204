package label

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// outDir keeps the rendered pages where a person can look at them after
// a run; testdata/.gitignore keeps them out of the repository.
const outDir = "testdata/out"

func dexxonLabel() Label {
	return Label{
		Number:    "RMA-26-04817-L",
		Expires:   "2026-03-31",
		Reference: "PO-2026-0113",
		Policy:    "Dexxon partner RMA process",
		Vendor:    "Dexxon Data Media and Storage B.V.",
		ReturnAddress: []string{
			"Dexxon Data Media and Storage B.V.",
			"RMA Number <number>",
			"Curieweg 15",
			"2408 BZ Alphen aan den Rijn",
			"Netherlands",
		},
		From: []string{"Bakker Computers B.V.", "Netherlands"},
		Lines: []Line{
			{No: 1, Product: "Portable SSD 1TB", Model: "DX-PSSD-1T", Serial: "DX23A0019876", Quantity: 1, Fault: "Not recognised by any computer after a firmware update; the LED blinks orange."},
			{No: 2, Product: "USB-C hub 7-in-1", Model: "DX-HUB7", Serial: "H7-2291-004", Quantity: 2, Fault: "HDMI port gives no picture."},
		},
		Instructions: []string{
			"Write the RMA number clearly on the outside of the packaging.",
			"Return the product complete, with all its accessories.",
			"Enclose a copy of the end user's purchase receipt or the original invoice, showing the purchase date.",
			"Send the goods DDP (Delivered Duty Paid); the partner bears the cost of the return.",
			"Returns without an RMA number are not processed.",
			"Address the parcel to: Dexxon Data Media and Storage B.V., RMA Number <number>, Curieweg 15, 2408 BZ Alphen aan den Rijn.",
		},
		Labels: EnglishStrings(),
	}
}

func miniCartLabel() Label {
	return Label{
		Number:        "RMA-26-00312-D",
		Expires:       "2026-02-14",
		Reference:     "MC-778812",
		Policy:        "Mini Cart return policy",
		Vendor:        "Mini Cart",
		ReturnAddress: []string{"Mini Cart warehouse, returns", "Room 1204, Tower B, 88 Keji Road", "Shenzhen 518057", "China"},
		From:          []string{"Jan de Vries", "Belgium"},
		Lines: []Line{
			{No: 1, Product: "Mini drone X2", Model: "MC-X2", Serial: "X2-000451", Quantity: 1, Fault: "Left rear motor does not spin up."},
			{No: 2, Product: "Spare battery pack", Quantity: 3, Fault: "Swollen on arrival."},
		},
		Instructions: []string{
			"Contact Mini Cart before returning a defective item; otherwise the return may be delayed.",
			"Put a note inside the package with your order number, the product ID or name and the quantity, and a short description of the problem.",
		},
		NoteInside: true,
		// Only some words translated: the rest fall back to English.
		Labels: Strings{LabelTitle: "RETOUR"},
	}
}

func manyLinesLabel() Label {
	l := dexxonLabel()
	l.Number = "RMA-26-90210-M"
	l.NoteInside = true // the note, as long as the table, must split too
	l.Lines = nil
	for i := 1; i <= 60; i++ {
		l.Lines = append(l.Lines, Line{
			No:       i,
			Product:  fmt.Sprintf("Product %02d", i),
			Model:    fmt.Sprintf("MODEL-%03d", i),
			Serial:   fmt.Sprintf("SN%010d", i*7919),
			Quantity: i%3 + 1,
			Fault:    strings.Repeat("Intermittent fault when warm. ", 1+i%4) + fmt.Sprintf("End of line %02d.", i),
		})
	}
	return l
}

func unicodeLabel() Label {
	return Label{
		Number:        "RMA-26-00001-X",
		Expires:       "2026-12-31",
		Reference:     "Bestelling № 4711 – Loïs",
		Policy:        "Pixfra’s RMA Policy",
		Vendor:        "Pixfra",
		ReturnAddress: []string{"Pixfra repair service station", "Attn: Zoë Brontë", "Ærøskøbing Straße 5", "Łódź, Polska"},
		From:          []string{"Fotografie Noël & Daniëlle", "België"},
		Lines: []Line{
			{No: 1, Product: "Thermal monocular Sirius", Model: "PFI-S650", Serial: "PX2025-ÄÖÜ-42", Quantity: 1, Fault: "Beeld bevriest na twee minuten; café-test mislukt. Ünïcödé everywhere: “quotes” and ‘apostrophes’ — and an ellipsis…"},
		},
		Instructions: []string{"Don’t forget the lens cap’s strap."},
		Labels:       EnglishStrings(),
	}
}

// longTextLabel has more to say than an A6 label holds: the address
// shrinks, then is cut with "…", and never runs over the barcodes.
func longTextLabel() Label {
	l := dexxonLabel()
	l.Number = "RMA-26-00312-D"
	l.Vendor = "Vereinigte Rücksendungs- und Reparaturdienstleistungsgesellschaft für Unterhaltungselektronik mbH"
	l.Reference = "A reference far longer than anyone should type, with PO-2026-0113-REV-7 in it"
	l.From = []string{"Bakker Computers B.V.", "Afdeling Retouren en Garantie, tweede verdieping, achteringang", "Netherlands", "Extra line", "Another extra line"}
	l.ReturnAddress = nil
	for i := 1; i <= 30; i++ {
		l.ReturnAddress = append(l.ReturnAddress, fmt.Sprintf("Address line %d of a warehouse with a very long name indeed", i))
	}
	return l
}

type renderCase struct {
	name  string
	label Label
	pages int      // pages in the PDF: the label, then the slip
	texts []string // text that must be in the PDF (checked with pdftotext)
}

func renderCases() []renderCase {
	return []renderCase{
		{
			name: "dexxon", label: dexxonLabel(), pages: 2,
			texts: []string{
				"RMA-26-04817-L", "Curieweg 15", "2408 BZ Alphen aan den Rijn", "RMA Number RMA-26-04817-L",
				"Bakker Computers B.V.", "Valid until", "2026-03-31", "PO-2026-0113", "Dexxon partner RMA process",
				"Write the RMA number clearly on the outside of the packaging.", "Put this slip inside the parcel.",
				"DX23A0019876", "Page 1 of 1",
			},
		},
		{
			name: "minicart", label: miniCartLabel(), pages: 2,
			texts: []string{
				"RETOUR", "RMA-26-00312-D", "Note for inside the parcel", "Order number", "MC-778812",
				"Mini drone X2, MC-X2, X2-000451", "Swollen on arrival.", "Shenzhen 518057",
			},
		},
		{
			// 60 lines with faults of up to five lines, and the note: the
			// slip takes 8 pages.
			name: "many-lines", label: manyLinesLabel(), pages: 9,
			texts: []string{"Product 01", "Product 30", "Product 60", "Page 1 of 8", "Page 8 of 8"},
		},
		{
			name: "unicode", label: unicodeLabel(), pages: 2,
			texts: []string{
				"Pixfra’s RMA Policy", "Zoë Brontë", "Ærøskøbing Straße 5", "Łódź, Polska", "Fotografie Noël & Daniëlle",
				"België", "Bestelling № 4711 – Loïs", "Don’t forget the lens cap’s strap.", "“quotes”", "‘apostrophes’",
			},
		},
		{
			name: "long-text", label: longTextLabel(), pages: 2,
			texts: []string{"Address line 1 of", "Address line 30 of", "…"},
		},
	}
}

func render(t *testing.T, l Label) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, l); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

// pageObject matches a page object's type, not the page tree's (/Pages).
var pageObject = regexp.MustCompile(`/Type\s*/Page\b`)

func TestRenderPDF(t *testing.T) {
	for _, c := range renderCases() {
		t.Run(c.name, func(t *testing.T) {
			pdf := render(t, c.label)
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("output starts %q, want %%PDF-", pdf[:min(len(pdf), 8)])
			}
			if !bytes.Contains(pdf[max(0, len(pdf)-32):], []byte("%%EOF")) {
				t.Errorf("output does not end with %%%%EOF")
			}
			if got := len(pageObject.FindAll(pdf, -1)); got != c.pages {
				t.Errorf("%d pages, want %d", got, c.pages)
			}
		})
	}
}

// TestRenderConcurrentSameBytes: renders share only the font data, and
// the same label gives the same bytes, so a PDF can be cached by its
// RMA's version.
func TestRenderConcurrentSameBytes(t *testing.T) {
	want := render(t, dexxonLabel())
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			var buf bytes.Buffer
			if err := Render(&buf, dexxonLabel()); err != nil {
				t.Error(err)
				return
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Error("a second rendering of the same label differs")
			}
		})
	}
	wg.Wait()
}

// TestRenderMissingGlyphs: the Go fonts have no Chinese; such text
// prints as '?' rather than failing the label or vanishing.
func TestRenderMissingGlyphs(t *testing.T) {
	l := miniCartLabel()
	l.ReturnAddress = append(l.ReturnAddress, "深圳市南山区")
	render(t, l)
}

func TestRenderRefuses(t *testing.T) {
	for name, number := range map[string]string{
		"no number":      "  ",
		"not code 128":   "RMA-26-0000€-X",
		"too long a bar": strings.Repeat("RMA-26-00001-X", 6),
	} {
		t.Run(name, func(t *testing.T) {
			l := dexxonLabel()
			l.Number = number
			if err := Render(&bytes.Buffer{}, l); err == nil {
				t.Errorf("Render(%q) succeeded, want an error", number)
			}
		})
	}
}

// TestBarcodeBitmaps decodes the bitmaps before they go into the PDF, so
// a broken drawing is told apart from a broken page.
func TestBarcodeBitmaps(t *testing.T) {
	for _, number := range []string{"RMA-26-00001-X", "RMA-26-04817-L", "RMA-27-123456-B"} {
		c, err := newCodes(number)
		if err != nil {
			t.Fatal(err)
		}
		bar, err := linearBitmap(c.linear, pageA6.W, 40)
		if err != nil {
			t.Fatal(err)
		}
		// Each module is whole dots: the width is a multiple of the module count.
		if cols := c.linear.cols() + 2*code128Quiet; bar.img.Rect.Dx()%cols != 0 {
			t.Errorf("%s: code 128 is %d dots for %d modules", number, bar.img.Rect.Dx(), cols)
		}
		qr, err := squareBitmap(c.square, 70)
		if err != nil {
			t.Fatal(err)
		}
		if got := decode(t, bar.img, code128Format); got != number {
			t.Errorf("code 128 reads %q, want %q", got, number)
		}
		if got := decode(t, qr.img, qrFormat); got != number {
			t.Errorf("QR reads %q, want %q", got, number)
		}
	}
}

func TestWrap(t *testing.T) {
	d, err := newDocument()
	if err != nil {
		t.Fatal(err)
	}
	const width = 80.0
	text := "A short line, then SUPERCALIFRAGILISTICEXPIALIDOCIOUS-SERIAL-0123456789 and\nan explicit break\tand a tab."
	lines := d.wrap(regular, 10, text, width)
	for _, l := range lines {
		if w := d.width(regular, 10, l); w > width {
			t.Errorf("line %q is %.1f pt, wider than %.0f", l, w, width)
		}
	}
	// Nothing is lost: the words, with the long one cut, are all there.
	joined := strings.Join(lines, "")
	for _, want := range []string{"SUPERCALIFRAGILISTICEXPIALIDOCIOUS-SERIAL-0123456789", "explicit", "tab."} {
		if !strings.Contains(strings.ReplaceAll(joined, " ", ""), want) {
			t.Errorf("wrapped lines %q lost %q", lines, want)
		}
	}
	if got := d.wrap(regular, 10, " \n ", width); len(got) != 0 {
		t.Errorf("blank text wraps to %q, want no lines", got)
	}
}

func TestStringsDefaults(t *testing.T) {
	s := Strings{LabelTitle: "RETOUR", PageOf: "Seite {page} von {pages}"}.withDefaults()
	if s.LabelTitle != "RETOUR" || s.ReturnTo != "Return to" {
		t.Errorf("withDefaults: title %q, return to %q", s.LabelTitle, s.ReturnTo)
	}
	if got := s.pageOf(2, 3); got != "Seite 2 von 3" {
		t.Errorf("pageOf = %q", got)
	}
}

// poppler finds a poppler-utils command. The rendering checks need it;
// without it they are skipped on a developer's machine (scripts/deps.sh
// installs it) and fail in CI, where a skip would hide a broken label.
func poppler(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (poppler-utils; scripts/deps.sh installs it)", name)
		}
		t.Skipf("%s not found: install poppler-utils (scripts/deps.sh) to check rendered pages", name)
	}
	return path
}

// TestRenderedBarcodes rasterises the label and slip as a printer would
// and reads the barcodes back off the whole page, the text and the other
// code around them included.
func TestRenderedBarcodes(t *testing.T) {
	pdftoppm := poppler(t, "pdftoppm")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range renderCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// The PDF stays beside its pages, for a look at all of them.
			pdf := filepath.Join(outDir, c.name+".pdf")
			if err := os.WriteFile(pdf, render(t, c.label), 0o644); err != nil {
				t.Fatal(err)
			}
			for page := 1; page <= 2; page++ {
				prefix := filepath.Join(outDir, fmt.Sprintf("%s-page%d", c.name, page))
				cmd := exec.Command(pdftoppm, "-png", "-gray", "-r", "200", "-f", fmt.Sprint(page), "-l", fmt.Sprint(page), "-singlefile", pdf, prefix)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("pdftoppm page %d: %v\n%s", page, err, out)
				}
				img := readPNG(t, prefix+".png")
				abs, _ := filepath.Abs(prefix + ".png")
				t.Logf("page %d: %s", page, abs)
				bmp, err := gozxing.NewBinaryBitmapFromImage(img)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range []barcodeFormat{code128Format, qrFormat} {
					if got := decodeBitmap(bmp, f); got != c.label.Number {
						t.Errorf("page %d: %s reads %q, want %q", page, f, got, c.label.Number)
					}
				}
			}
		})
	}
}

// TestRenderedText extracts the text as a reader (or a search) sees it:
// the embedded font must map its glyphs back to the right characters.
func TestRenderedText(t *testing.T) {
	pdftotext := poppler(t, "pdftotext")
	for _, c := range renderCases() {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			pdf := filepath.Join(dir, c.name+".pdf")
			if err := os.WriteFile(pdf, render(t, c.label), 0o644); err != nil {
				t.Fatal(err)
			}
			text := extract(t, pdftotext, pdf, 0)
			for _, want := range c.texts {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q", want)
				}
			}
			if strings.Contains(text, string(missingGlyph)+string(missingGlyph)) {
				t.Errorf("text has missing glyphs: %q", text)
			}
			if c.name == "dexxon" {
				golden(t, filepath.Join("testdata", c.name+".txt"), text)
			}
		})
	}

	t.Run("many-lines continue", func(t *testing.T) {
		l := manyLinesLabel()
		pdf := filepath.Join(t.TempDir(), "many.pdf")
		if err := os.WriteFile(pdf, render(t, l), 0o644); err != nil {
			t.Fatal(err)
		}
		// The last page is the note's end: its column headers repeated.
		last := extract(t, pdftotext, pdf, 9)
		for _, want := range []string{"Packing slip (continued)", l.Number, "Problem", "Product 60,", "Page 8 of 8"} {
			if !strings.Contains(last, want) {
				t.Errorf("last page lacks %q:\n%s", want, last)
			}
		}
		// Every line is on the slip exactly once, none lost at a page break
		// nor drawn twice, and so is every column header row.
		all := extract(t, pdftotext, pdf, 0)
		for i := 1; i <= len(l.Lines); i++ {
			if n := strings.Count(all, fmt.Sprintf("Product %02d\n", i)); n != 1 {
				t.Errorf("line %d appears %d times in the table", i, n)
			}
			if n := strings.Count(all, fmt.Sprintf("Product %02d,", i)); n != 1 {
				t.Errorf("line %d appears %d times in the note", i, n)
			}
		}
		if n := strings.Count(all, "Serial number"); n != 5 {
			t.Errorf("the table's headers appear %d times, want 5 (one a slip page)", n)
		}
	})
}

// extract runs pdftotext on one page, or all when page is 0.
func extract(t *testing.T, pdftotext, pdf string, page int) string {
	t.Helper()
	args := []string{"-enc", "UTF-8"}
	if page > 0 {
		args = append(args, "-f", fmt.Sprint(page), "-l", fmt.Sprint(page))
	}
	out, err := exec.Command(pdftotext, append(args, pdf, "-")...).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/label -update)", err)
	}
	if got != string(want) {
		t.Errorf("text differs from %s (go test ./internal/label -update rewrites it):\n%s", path, got)
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

type barcodeFormat string

const (
	code128Format barcodeFormat = "Code 128"
	qrFormat      barcodeFormat = "QR"
)

// decode reads one barcode of format f anywhere in img with ZXing's Go
// port, or returns the error as text so the comparison shows it.
func decode(t *testing.T, img image.Image, f barcodeFormat) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	return decodeBitmap(bmp, f)
}

func decodeBitmap(bmp *gozxing.BinaryBitmap, f barcodeFormat) string {
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	var r gozxing.Reader = oned.NewCode128Reader()
	if f == qrFormat {
		r = qrcode.NewQRCodeReader()
	}
	res, err := r.Decode(bmp, hints)
	if err != nil {
		return fmt.Sprintf("(no %s: %v)", f, err)
	}
	return res.GetText()
}
