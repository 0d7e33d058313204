package jobs

import (
	"context"
)

// maxDueRun bounds one RunDue: a demo desk moved a year ahead has a few
// jobs per RMA due, and the runner's loop takes whatever is left.
const maxDueRun = 10000

// RunDue runs every job due now, one after another, until none is left:
// after a demo desk's clock moves (rma.DeskClock.AfterAdvance) the
// expiries, reminders and escalations that fell due run at once, and the
// mails they cause with them, rather than on the next polls. A job that
// retries later (an escalation the morning after) runs again here if that
// morning has passed too. It returns how many jobs ran.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	n := 0
	for n < maxDueRun {
		did, err := r.RunOnce(ctx)
		if err != nil {
			return n, err
		}
		if !did {
			return n, nil
		}
		n++
	}
	return n, nil
}
