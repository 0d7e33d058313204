// Package label owns the printed side of an authorised return: the PDF with
// the shipping label a requester sticks on the parcel (page 1, A6) and the
// packing slip that goes inside it (page 2 on, A4).
//
// It knows nothing of RMAs, policies or storage: the caller fills a Label
// with words already chosen and localised, and Render lays them out. The RMA
// number is printed three ways on the label, as text, as a Code 128 barcode
// and as a QR code, because the desk receiving the parcel may have a
// handheld laser scanner, a phone, or only eyes.
//
// Everything the output needs is inside the binary: the Go fonts are
// embedded from golang.org/x/image, so a server renders the same PDF with
// no font files installed.
package label

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Label is what a return label and packing slip show.
type Label struct {
	Number        string   // the RMA number, e.g. RMA-26-00001-K
	Expires       string   // YYYY-MM-DD: the number's last valid day
	Reference     string   // the requester's own reference (order number)
	Policy        string   // e.g. "Dexxon partner RMA process"
	Vendor        string   // vendor name
	ReturnAddress []string // where the parcel goes (lines)
	From          []string // the requester (organisation name, country)
	Lines         []Line
	// Instructions are the policy's instructions, one sentence or paragraph
	// each, e.g. "Write the RMA number clearly on the outside of the
	// packaging." The placeholder <number> in them, and in ReturnAddress,
	// is replaced by Number, as policies write it where the number goes.
	Instructions []string
	// NoteInside asks for a note inside the parcel with the order number,
	// each product and quantity and a short description of the problem
	// (Mini Cart's policy); the slip then carries that note, filled in from
	// Reference and Lines, to cut out and enclose.
	NoteInside bool
	// Labels are the words on the page, localised by the caller. Empty
	// fields fall back to EnglishStrings, so a partial translation still
	// renders a complete page.
	Labels Strings
}

// Line is one product being returned.
type Line struct {
	No      int
	Product string
	Model   string
	Serial  string
	// PartNumber is the unit's part number (PN), printed with the model:
	// the receiving bench compares both with the reservation.
	PartNumber string
	Quantity   int
	Fault      string
}

// Strings are the fixed words on the label and slip.
type Strings struct {
	LabelTitle   string // heading of the shipping label
	SlipTitle    string // heading of the packing slip
	ReturnTo     string
	From         string
	ValidUntil   string
	Reference    string
	Policy       string
	Vendor       string
	RMANumber    string
	Lines        string // heading of the lines table
	Instructions string // heading of the instructions list
	PutInside    string // the request to put the slip inside the parcel
	Continued    string // after the slip's title on its further pages
	// PageOf is the slip's page footer; {page} and {pages} are replaced by
	// numbers. Placeholders rather than a fmt verb, because a translator
	// who drops or reorders a verb would otherwise print %!d(MISSING).
	PageOf string

	// The lines table's column headers.
	ColNo, ColProduct, ColModel, ColSerial, ColQuantity, ColFault string

	NoteTitle   string // heading of the note to put inside the parcel
	NoteCut     string // how to use the note (cut out, enclose)
	OrderNumber string // "Order number" on the note
	Problem     string // the note's column for the fault description
}

// EnglishStrings returns the English words for a label and slip.
func EnglishStrings() Strings {
	return Strings{
		LabelTitle:   "RETURN",
		SlipTitle:    "Packing slip",
		ReturnTo:     "Return to",
		From:         "From",
		ValidUntil:   "Valid until",
		Reference:    "Your reference",
		Policy:       "Policy",
		Vendor:       "Vendor",
		RMANumber:    "RMA number",
		Lines:        "Lines",
		Instructions: "Instructions",
		PutInside:    "Put this slip inside the parcel.",
		Continued:    "continued",
		PageOf:       "Page {page} of {pages}",
		ColNo:        "#",
		ColProduct:   "Product",
		ColModel:     "Model",
		ColSerial:    "Serial number",
		ColQuantity:  "Qty",
		ColFault:     "Fault",
		NoteTitle:    "Note for inside the parcel",
		NoteCut:      "Cut along the dashed line and put this note inside the parcel, with the products.",
		OrderNumber:  "Order number",
		Problem:      "Problem",
	}
}

// withDefaults fills every empty field from EnglishStrings.
func (s Strings) withDefaults() Strings {
	e := EnglishStrings()
	for _, f := range []struct {
		dst *string
		def string
	}{
		{&s.LabelTitle, e.LabelTitle}, {&s.SlipTitle, e.SlipTitle},
		{&s.ReturnTo, e.ReturnTo}, {&s.From, e.From},
		{&s.ValidUntil, e.ValidUntil}, {&s.Reference, e.Reference},
		{&s.Policy, e.Policy}, {&s.Vendor, e.Vendor},
		{&s.RMANumber, e.RMANumber}, {&s.Lines, e.Lines},
		{&s.Instructions, e.Instructions}, {&s.PutInside, e.PutInside},
		{&s.Continued, e.Continued}, {&s.PageOf, e.PageOf},
		{&s.ColNo, e.ColNo}, {&s.ColProduct, e.ColProduct},
		{&s.ColModel, e.ColModel}, {&s.ColSerial, e.ColSerial},
		{&s.ColQuantity, e.ColQuantity}, {&s.ColFault, e.ColFault},
		{&s.NoteTitle, e.NoteTitle}, {&s.NoteCut, e.NoteCut},
		{&s.OrderNumber, e.OrderNumber}, {&s.Problem, e.Problem},
	} {
		if strings.TrimSpace(*f.dst) == "" {
			*f.dst = f.def
		}
	}
	return s
}

// pageOf renders the footer "Page 2 of 3" in the caller's words.
func (s Strings) pageOf(page, pages int) string {
	return strings.NewReplacer("{page}", fmt.Sprint(page), "{pages}", fmt.Sprint(pages)).Replace(s.PageOf)
}

// numberPlaceholder is how policies mark where the RMA number goes in an
// address or instruction ("RMA Number <number>").
const numberPlaceholder = "<number>"

// Render writes l as a PDF: the A6 shipping label, then the A4 packing
// slip on as many pages as its lines and instructions need. It is safe
// for concurrent use, and the same Label always gives the same bytes.
func Render(w io.Writer, l Label) error {
	l.Number = strings.TrimSpace(l.Number)
	if l.Number == "" {
		return errors.New("label: no RMA number")
	}
	l.Labels = l.Labels.withDefaults()
	l.ReturnAddress = fillNumber(l.ReturnAddress, l.Number)
	l.Instructions = fillNumber(l.Instructions, l.Number)

	codes, err := newCodes(l.Number)
	if err != nil {
		return fmt.Errorf("label %s: %w", l.Number, err)
	}
	d, err := newDocument()
	if err != nil {
		return fmt.Errorf("label %s: %w", l.Number, err)
	}
	layShippingLabel(d, l, codes)
	layPackingSlip(d, l, codes)
	if err := d.write(w, l.Number); err != nil {
		return fmt.Errorf("label %s: %w", l.Number, err)
	}
	return nil
}

func fillNumber(lines []string, number string) []string {
	out := make([]string, len(lines))
	for i, s := range lines {
		out[i] = strings.ReplaceAll(s, numberPlaceholder, number)
	}
	return out
}
