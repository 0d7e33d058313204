package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/whatif"
)

// The what-if page and route replay a draft the desk keeps (policystore)
// as well as a pasted one: these adapters give them the stored drafts.
// They read as the system because whatif.Desk has already checked that
// the person asking may run a what-if.

type storedDraft struct{ v *rma.PackVersion }

func (d storedDraft) DraftYAML(_ context.Context, policyID string) (string, []byte, error) {
	if d.v.PolicyID != policyID {
		return "", nil, rma.Errorf(rma.ENOTFOUND, "draft %d is a draft of %s, not of %s", d.v.ID, d.v.PolicyID, policyID)
	}
	return fmt.Sprintf("draft %d (version %s)", d.v.ID, d.v.Version), []byte(d.v.Source), nil
}

func storedDraftOf(ctx context.Context, svc *rma.Service, policyID string, id int64) (whatif.DraftSource, error) {
	v, err := svc.Draft(ctx, rma.System, policyID, id)
	if err != nil {
		return nil, err
	}
	return storedDraft{v}, nil
}

// apiDrafts is api.WhatIfDrafts: drafts by number.
type apiDrafts struct{ svc *rma.Service }

func (d apiDrafts) DraftSource(ctx context.Context, policyID string, id int64) (whatif.DraftSource, error) {
	return storedDraftOf(ctx, d.svc, policyID, id)
}

// webDrafts is web.WhatIfDrafts: drafts by the number in ?draft=.
type webDrafts struct{ svc *rma.Service }

func (d webDrafts) DraftSource(ctx context.Context, policyID, draft string) (whatif.DraftSource, error) {
	id, err := strconv.ParseInt(draft, 10, 64)
	if err != nil || id <= 0 {
		return nil, rma.Invalid("draft", "%q is not a draft number", draft)
	}
	return storedDraftOf(ctx, d.svc, policyID, id)
}
