package rma

import (
	"context"
	"slices"
	"strings"
)

// Languages are the languages the desk writes to people in (emails, the
// portal, the policies' texts where a pack has them); the first is the
// desk's default.
var Languages = []string{"en", "nl"}

// DefaultLanguage is what a recipient with no language of their own, nor
// their organisation's, reads.
const DefaultLanguage = "en"

// CheckLanguage reads a language someone set: one of Languages in any
// case, or "" for none (the organisation's, else the desk's default,
// applies). field names it in the error.
func CheckLanguage(field, lang string) (string, error) {
	l := strings.ToLower(strings.TrimSpace(lang))
	if l == "" || slices.Contains(Languages, l) {
		return l, nil
	}
	if err := CheckText(field, lang, 64); err != nil {
		return "", err
	}
	return "", Invalid(field, "%q is not a language the desk writes in (one of %s, or empty for none)", lang, strings.Join(Languages, ", "))
}

// RecipientLanguage is the language a message to a person is written in:
// the user's own, else their organisation's, else the desk's default.
func RecipientLanguage(org, user string) string {
	switch {
	case user != "":
		return user
	case org != "":
		return org
	}
	return DefaultLanguage
}

// LanguageStore keeps the language of organisations and users. Stores
// that keep accounts implement it (internal/store); the API, the CLI and
// the jobs reach it through the store they have.
type LanguageStore interface {
	// SetOrgLanguage sets an organisation's language ("" for none);
	// ENOTFOUND when there is no such organisation.
	SetOrgLanguage(ctx context.Context, orgID int64, lang string) error
	// SetUserLanguage sets a user's language ("" for none); ENOTFOUND when
	// there is no such user.
	SetUserLanguage(ctx context.Context, userID int64, lang string) error
	// Languages returns the organisation's language and, for userID other
	// than 0, that of the user, who must belong to it ("" otherwise);
	// ENOTFOUND when there is no such organisation.
	Languages(ctx context.Context, orgID, userID int64) (org, user string, err error)
	// OrgLanguages returns every organisation's language that is set, by ID.
	OrgLanguages(ctx context.Context) (map[int64]string, error)
}

// LanguageStoreOf returns the store's LanguageStore, or EINTERNAL when the
// store keeps no languages.
func LanguageStoreOf(st Store) (LanguageStore, error) {
	ls, ok := st.(LanguageStore)
	if !ok {
		return nil, Errorf(EINTERNAL, "this store keeps no languages")
	}
	return ls, nil
}
