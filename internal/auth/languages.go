package auth

import (
	"context"
	"strconv"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The language an organisation or a user reads the desk's messages in
// (rma.RecipientLanguage). Admins set them; "" clears one.

func (a *Accounts) languages(actor rma.Actor) (rma.LanguageStore, error) {
	if !rma.Can(actor.Role, rma.OpAdminister) {
		return nil, rma.Errorf(rma.EFORBIDDEN, "role %s may not manage organisations and users", actor.Role)
	}
	ls, ok := a.store.(rma.LanguageStore)
	if !ok {
		return nil, rma.Errorf(rma.EINTERNAL, "this store keeps no languages")
	}
	return ls, nil
}

// SetOrgLanguage sets an organisation's language and returns the
// organisation with the language stored.
func (a *Accounts) SetOrgLanguage(ctx context.Context, actor rma.Actor, orgID int64, lang string) (*rma.Org, string, error) {
	ls, err := a.languages(actor)
	if err != nil {
		return nil, "", err
	}
	l, err := rma.CheckLanguage("language", lang)
	if err != nil {
		return nil, "", err
	}
	// Recorded in the audit log with what it was (issue 15).
	before, _, err := ls.Languages(ctx, orgID, 0)
	if err != nil {
		return nil, "", err
	}
	o, err := a.store.Org(ctx, orgID)
	if err != nil {
		return nil, "", err
	}
	e := audit.Of(actor, audit.OrgLanguage, audit.TargetOrg, strconv.FormatInt(orgID, 10), o.Name, audit.Diff([3]string{"language", before, l})...)
	if err := audit.RecordWith(ctx, a.store, e, func(ctx context.Context) error { return ls.SetOrgLanguage(ctx, orgID, l) }); err != nil {
		return nil, "", err
	}
	o, err = a.store.Org(ctx, orgID)
	return o, l, err
}

// SetUserLanguage sets a user's language.
func (a *Accounts) SetUserLanguage(ctx context.Context, actor rma.Actor, u *rma.User, lang string) (string, error) {
	ls, err := a.languages(actor)
	if err != nil {
		return "", err
	}
	l, err := rma.CheckLanguage("language", lang)
	if err != nil {
		return "", err
	}
	return l, ls.SetUserLanguage(ctx, u.ID, l)
}
