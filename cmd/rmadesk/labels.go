package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/rmadesk/rmadesk/internal/label"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// dutchLabel is the label and slip in Dutch; English fills what is empty.
var dutchLabel = label.Strings{
	LabelTitle: "RETOUR", SlipTitle: "Pakbon", ReturnTo: "Retour naar", From: "Van", ValidUntil: "Geldig tot",
	Reference: "Uw referentie", Policy: "Beleid", Vendor: "Leverancier", RMANumber: "RMA-nummer", Lines: "Regels",
	Instructions: "Instructies", PutInside: "Leg deze pakbon in het pakket.", Continued: "vervolg", PageOf: "Pagina {page} van {pages}",
	ColNo: "#", ColProduct: "Product", ColModel: "Model", ColSerial: "Serienummer", ColQuantity: "Aantal", ColFault: "Defect",
	NoteTitle: "Briefje voor in het pakket", NoteCut: "Knip langs de stippellijn en leg dit briefje bij de producten in het pakket.",
	OrderNumber: "Ordernummer", Problem: "Probleem",
}

// labelRenderer makes an RMA's return label and packing slip from its
// policy (return address, service location, instructions) and requester.
func labelRenderer(svc *rma.Service) func(ctx context.Context, r *rma.RMA, lang string) ([]byte, error) {
	return func(ctx context.Context, r *rma.RMA, lang string) ([]byte, error) {
		p := svc.Policies().Version(r.PolicyID, r.PolicyVersion)
		if p == nil {
			return nil, fmt.Errorf("RMA %d: policy %s %s not loaded", r.ID, r.PolicyID, r.PolicyVersion)
		}
		// Where it goes: the desk's location as copied at authorization,
		// else the policy's address (rma.GuideFor, as every face shows it).
		l := label.Label{Number: r.Number, Expires: r.NumberExpires.String(), Reference: r.Reference, Policy: p.Title,
			Vendor: p.Vendor.Name, ReturnAddress: rma.GuideFor(p, r).Address, Labels: label.EnglishStrings()}
		if lang == "nl" {
			l.Labels = dutchLabel
		}
		org, err := svc.Store().Org(ctx, r.OrgID)
		if err != nil {
			return nil, err
		}
		l.From = senderLines(org)
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
}

// senderLines are the requester as the sender on a label: its name and
// postal address (the courier returns an undeliverable parcel there), or
// its name and country while it has no address.
func senderLines(org *rma.Org) []string {
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
