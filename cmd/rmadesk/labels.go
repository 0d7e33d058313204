package main

import (
	"context"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/shipdoc"
)

// labelRenderer makes an RMA's return label and packing slip
// (internal/shipdoc) for the portal and the mail.
func labelRenderer(svc *rma.Service) func(ctx context.Context, r *rma.RMA, lang string) ([]byte, error) {
	return func(ctx context.Context, r *rma.RMA, lang string) ([]byte, error) {
		return shipdoc.Return(ctx, svc.Store(), svc.Policies().Version(r.PolicyID, r.PolicyVersion), r, lang)
	}
}

// supplierLabelRenderer makes a supplier RMA's label and slip
// (internal/shipdoc); desk is the sender.
func supplierLabelRenderer(svc *rma.Service) func(ctx context.Context, sr *rma.SupplierRMA, desk *rma.Org, lang string) ([]byte, error) {
	return func(ctx context.Context, sr *rma.SupplierRMA, desk *rma.Org, lang string) ([]byte, error) {
		return shipdoc.Supplier(ctx, svc.Store(), sr, desk, lang)
	}
}
