package jobs

import (
	"context"
	"fmt"

	"github.com/rmadesk/rmadesk/internal/moneydoc"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// advanceReturn runs rma.JobAdvanceReturn: the morning after a defective
// unit's due day, the replacement shipped in advance is invoiced or its
// deposit kept (rma.Service.SettleAdvance), once.
func (r *Runner) advanceReturn(ctx context.Context, j *rma.Job) error {
	line, _ := j.Payload["line"].(float64) // a JSON number, as the store reads it back
	if n, ok := j.Payload["line"].(int); ok {
		line = float64(n)
	}
	err := r.svc.SettleAdvance(ctx, j.RMAID, int(line))
	if rma.ErrorCode(err) == rma.EPRECONDITION {
		// Someone changed the RMA meanwhile: look again soon.
		return fmt.Errorf("RMA %d changed while settling its advance replacement: %w", j.RMAID, err)
	}
	return err
}

// advanceFacts fills what the message about an unreturned unit says: the
// most recently settled line's replacement, due day and amount.
func advanceFacts(rm *rma.RMA, lang string, f *notify.Facts) {
	for i := range rm.Lines {
		a := rm.Lines[i].Advance
		if a == nil || (a.Status != rma.AdvanceInvoiced && a.Status != rma.AdvanceDepositKept) {
			continue
		}
		f.AdvanceSerial, f.AdvanceDue = a.Serial, a.Due.String()
		f.AdvanceDepositKept = a.Status == rma.AdvanceDepositKept
		m := a.Invoice
		if f.AdvanceDepositKept {
			m = a.Deposit
		}
		if m.Currency != "" {
			f.AdvanceAmount = moneydoc.Amount(lang, m.Cents, m.Currency)
		}
	}
}
