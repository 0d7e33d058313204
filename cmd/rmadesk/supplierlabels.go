package main

import (
	"bytes"
	"context"

	"github.com/rmadesk/rmadesk/internal/label"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The supplier RMA's shipping label and packing slip (issue 12, supplier
// steps): the same A6 label and A4 slip as an RMA's, from the desk to the
// supplier, numbered with the supplier RMA's number, each line naming the
// desk's RMA it comes from.

var englishSupplierLabel = label.Strings{LabelTitle: "TO SUPPLIER", SlipTitle: "Packing slip to the supplier", ReturnTo: "Send to",
	ValidUntil: "Answer due", Reference: "Supplier's reference", Vendor: "Supplier", RMANumber: "Supplier RMA",
	PutInside: "Put this slip inside the parcel.", ColFault: "Fault and finding"}

var dutchSupplierLabel = func() label.Strings {
	s := dutchLabel
	s.LabelTitle, s.SlipTitle, s.ReturnTo, s.ValidUntil = "NAAR LEVERANCIER", "Pakbon voor de leverancier", "Verzenden naar", "Antwoord verwacht"
	s.Reference, s.Vendor, s.RMANumber, s.ColFault = "Referentie leverancier", "Leverancier", "Leveranciers-RMA", "Defect en bevinding"
	return s
}()

// supplierLabelRenderer makes a supplier RMA's label and slip; desk is the
// sender (the desk's organisation, with its postal address).
func supplierLabelRenderer(svc *rma.Service) func(ctx context.Context, sr *rma.SupplierRMA, desk *rma.Org, lang string) ([]byte, error) {
	return func(ctx context.Context, sr *rma.SupplierRMA, desk *rma.Org, lang string) ([]byte, error) {
		sup, err := svc.Store().Supplier(ctx, sr.SupplierID)
		if err != nil {
			return nil, err
		}
		l := label.Label{Number: sr.Number, Expires: sr.Due.String(), Reference: sr.Reference, Vendor: sup.Name,
			ReturnAddress: senderLines(&sup.Org), Labels: englishSupplierLabel}
		if lang == "nl" {
			l.Labels = dutchSupplierLabel
		}
		if desk != nil {
			l.From = senderLines(desk)
		}
		rmas := map[int64]*rma.RMA{}
		for i, sl := range sr.Lines {
			r, ok := rmas[sl.RMAID]
			if !ok {
				if r, err = svc.Store().RMA(ctx, sl.RMAID); err != nil {
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
}
