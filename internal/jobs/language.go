package jobs

import (
	"context"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// language is the language a message to an organisation's address goes
// in: the organisation's, else the desk's default (rma.RecipientLanguage).
// A message to a person (a password reset) takes the user's own first; the
// jobs write to organisations' addresses only.
func (r *Runner) language(ctx context.Context, orgID int64) (string, error) {
	ls, ok := r.store.(rma.LanguageStore)
	if !ok {
		return rma.DefaultLanguage, nil
	}
	org, user, err := ls.Languages(ctx, orgID, 0)
	if err != nil {
		return "", err
	}
	return rma.RecipientLanguage(org, user), nil
}
