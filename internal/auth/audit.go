package auth

import (
	"context"
	"errors"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Every change Accounts makes is recorded in the audit log, in the
// change's own transaction (audit.Record). The store keeps the log when it
// implements audit.Store, as both databases do.

// record makes change with e as its audit entry.
func (a *Accounts) record(ctx context.Context, e audit.Entry, change func(ctx context.Context) error) error {
	if a.log == nil {
		return errors.New("the store keeps no audit log")
	}
	return audit.Record(ctx, a.log, &e, change)
}

// AuditLog returns a page of the audit log. Admins only.
func (a *Accounts) AuditLog(ctx context.Context, actor rma.Actor, f audit.Filter) ([]audit.Entry, string, error) {
	if !rma.Can(actor.Role, rma.OpAdminister) {
		return nil, "", rma.Errorf(rma.EFORBIDDEN, "role %s may not read the audit log", actor.Role)
	}
	if a.log == nil {
		return nil, "", nil
	}
	return a.log.AuditLog(ctx, f)
}
