// Package shipdoc puts a parcel's papers on paper: an RMA's return label and
// packing slip, and a supplier RMA's label and slip to the supplier, drawn
// by internal/label in English or Dutch. The portal, the API and the mail
// (the label attached on authorization) serve the same bytes.
package shipdoc

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/rmadesk/rmadesk/internal/label"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Store is what the papers read besides the RMA: the sender's and the
// supplier's addresses, and the RMAs a supplier RMA's lines come from.
type Store interface {
	Org(ctx context.Context, id int64) (*rma.Org, error)
	Supplier(ctx context.Context, orgID int64) (*rma.Supplier, error)
	RMA(ctx context.Context, id int64) (*rma.RMA, error)
}

// Languages are the languages the papers are written in.
var Languages = []string{"en", "nl"}

// dutch is the label and slip in Dutch; English fills what is empty.
var dutch = label.Strings{
	LabelTitle: "RETOUR", SlipTitle: "Pakbon", ReturnTo: "Retour naar", From: "Van", ValidUntil: "Geldig tot",
	Reference: "Uw referentie", Policy: "Beleid", Vendor: "Leverancier", RMANumber: "RMA-nummer", Lines: "Regels",
	Instructions: "Instructies", PutInside: "Leg deze pakbon in het pakket.", Continued: "vervolg", PageOf: "Pagina {page} van {pages}",
	ColNo: "#", ColProduct: "Product", ColModel: "Model", ColSerial: "Serienummer", ColQuantity: "Aantal", ColFault: "Defect",
	NoteTitle: "Briefje voor in het pakket", NoteCut: "Knip langs de stippellijn en leg dit briefje bij de producten in het pakket.",
	OrderNumber: "Ordernummer", Problem: "Probleem",
}

// Return makes an RMA's return label and packing slip from its policy p
// (return address, service location, instructions) and requester. An RMA
// without a number has no label: it is refused as a conflict.
func Return(ctx context.Context, st Store, p *policy.Policy, r *rma.RMA, lang string) ([]byte, error) {
	if r.Number == "" {
		return nil, rma.Errorf(rma.ECONFLICT, "RMA %d has no number yet: its label comes with the authorization", r.ID)
	}
	if p == nil {
		return nil, fmt.Errorf("RMA %d: policy %s %s not loaded", r.ID, r.PolicyID, r.PolicyVersion)
	}
	// Where it goes: the desk's location as copied at authorization,
	// else the policy's address (rma.GuideFor, as every face shows it).
	l := label.Label{Number: r.Number, Expires: r.NumberExpires.String(), Reference: r.Reference, Policy: p.Title,
		Vendor: p.Vendor.Name, ReturnAddress: rma.GuideFor(p, r).Address, Labels: label.EnglishStrings()}
	if lang == "nl" {
		l.Labels = dutch
	}
	org, err := st.Org(ctx, r.OrgID)
	if err != nil {
		return nil, err
	}
	l.From = SenderLines(org)
	if lang != "" {
		l.Policy, _ = p.Text(lang, "title") // the pack's own title where it has none in lang
	}
	for _, in := range p.InstructionsFor(r.Route) {
		if in.BeforeNumber {
			continue // a label has its number: asking for one is done
		}
		text, _ := p.Say(lang, in.Key, in.Text) // in lang where the pack has it (docs/POLICIES.md, section 9)
		l.Instructions = append(l.Instructions, rma.FillNumber(text, r.Number))
		// An instruction that asks for a note inside the parcel (Mini
		// Cart's) gets one printed, pre-filled, to cut out.
		l.NoteInside = l.NoteInside || in.NoteInside
	}
	for _, ln := range r.Lines {
		if !ln.InPlay() {
			continue // rejected at authorization: it stays with the requester
		}
		l.Lines = append(l.Lines, label.Line{No: ln.No, Product: ln.Claim.Product.Category, Model: ln.Claim.Product.Model,
			Serial: ln.Claim.Product.Serial, PartNumber: ln.PartNumber, Quantity: ln.Quantity, Fault: ln.Fault})
	}
	var buf bytes.Buffer
	if err := label.Render(&buf, l); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// The supplier RMA's shipping label and packing slip (issue 12, supplier
// steps): the same A6 label and A4 slip as an RMA's, from the desk to the
// supplier, numbered with the supplier RMA's number, each line naming the
// desk's RMA it comes from.

var englishSupplier = label.Strings{LabelTitle: "TO SUPPLIER", SlipTitle: "Packing slip to the supplier", ReturnTo: "Send to",
	ValidUntil: "Answer due", Reference: "Supplier's reference", Vendor: "Supplier", RMANumber: "Supplier RMA",
	PutInside: "Put this slip inside the parcel.", ColFault: "Fault and finding"}

var dutchSupplier = func() label.Strings {
	s := dutch
	s.LabelTitle, s.SlipTitle, s.ReturnTo, s.ValidUntil = "NAAR LEVERANCIER", "Pakbon voor de leverancier", "Verzenden naar", "Antwoord verwacht"
	s.Reference, s.Vendor, s.RMANumber, s.ColFault = "Referentie leverancier", "Leverancier", "Leveranciers-RMA", "Defect en bevinding"
	return s
}()

// Supplier makes a supplier RMA's label and slip; desk is the sender (the
// desk's organisation, with its postal address), nil where it has none.
func Supplier(ctx context.Context, st Store, sr *rma.SupplierRMA, desk *rma.Org, lang string) ([]byte, error) {
	sup, err := st.Supplier(ctx, sr.SupplierID)
	if err != nil {
		return nil, err
	}
	l := label.Label{Number: sr.Number, Expires: sr.Due.String(), Reference: sr.Reference, Vendor: sup.Name,
		ReturnAddress: SenderLines(&sup.Org), Labels: englishSupplier}
	if lang == "nl" {
		l.Labels = dutchSupplier
	}
	if desk != nil {
		l.From = SenderLines(desk)
	}
	rmas := map[int64]*rma.RMA{} // a supplier RMA's lines come from a few RMAs
	for i, sl := range sr.Lines {
		r, ok := rmas[sl.RMAID]
		if !ok {
			if r, err = st.RMA(ctx, sl.RMAID); err != nil {
				return nil, err
			}
			rmas[sl.RMAID] = r
		}
		ln := label.Line{No: i + 1, Quantity: 1, Fault: sl.RMANumber}
		for _, x := range r.Lines {
			if x.No != sl.LineNo {
				continue
			}
			ln.Product, ln.Model, ln.Serial, ln.PartNumber, ln.Quantity = x.Claim.Product.Category, x.Claim.Product.Model, x.Claim.Product.Serial, x.PartNumber, x.Quantity
			if x.ReceivedSerial != "" {
				ln.Serial = x.ReceivedSerial // the unit in the box
			}
			// Which of the desk's RMAs the unit is, and what it found.
			ln.Fault = sl.RMANumber + ": " + x.Fault
			if x.EvaluationNotes != "" {
				ln.Fault += " — " + x.EvaluationNotes
			}
		}
		l.Lines = append(l.Lines, ln)
	}
	var buf bytes.Buffer
	if err := label.Render(&buf, l); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SenderLines are an organisation as the sender on a label: its name and
// postal address (the courier returns an undeliverable parcel there), or
// its name and country while it has no address.
func SenderLines(org *rma.Org) []string {
	out := []string{org.Name}
	if org.Address.IsZero() {
		if org.Country != "" {
			out = append(out, rma.CountryName(org.Country))
		}
		return out
	}
	a := org.Address
	out = append(out, a.Street, strings.TrimSpace(a.Postcode+" "+a.City))
	country := rma.CountryName(a.Country)
	if a.Region != "" {
		country = a.Region + ", " + country
	}
	out = append(out, country)
	if a.Phone != "" {
		out = append(out, "Tel. "+a.Phone)
	}
	return out
}
