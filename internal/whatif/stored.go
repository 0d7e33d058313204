package whatif

import (
	"context"
	"fmt"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// storedDraft is a draft the desk keeps (rma.Service.Draft): the what-if
// page and route replay it by its number as well as a pasted one.
type storedDraft struct{ v *rma.PackVersion }

func (d storedDraft) DraftYAML(_ context.Context, policyID string) (string, []byte, error) {
	if d.v.PolicyID != policyID {
		return "", nil, rma.Errorf(rma.ENOTFOUND, "draft %d is a draft of %s, not of %s", d.v.ID, d.v.PolicyID, policyID)
	}
	return fmt.Sprintf("draft %d (version %s)", d.v.ID, d.v.Version), []byte(d.v.Source), nil
}

// Stored finds draft id of policyID among the drafts the desk keeps. It
// reads as the system: Desk.Run checks that the person asking may run a
// what-if before the draft is read.
func Stored(ctx context.Context, svc *rma.Service, policyID string, id int64) (DraftSource, error) {
	v, err := svc.Draft(ctx, rma.System, policyID, id)
	if err != nil {
		return nil, err
	}
	return storedDraft{v}, nil
}
