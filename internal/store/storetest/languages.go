package storetest

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// testLanguages: organisations and users start with no language, keep the
// one set, give a user's only with its own organisation, and say
// ENOTFOUND for one that does not exist.
func testLanguages(t *testing.T, open Opener) {
	st := open(t)
	ls, ok := st.(rma.LanguageStore)
	if !ok {
		t.Fatal("the store keeps no languages (rma.LanguageStore)")
	}
	ctx := t.Context()
	nl := &rma.Org{Name: "Bakker Beveiliging", Role: policy.Dealer, Country: "NL", Email: "rma@bakker.example"}
	other := &rma.Org{Name: "Other GmbH", Role: policy.Dealer, Country: "DE"}
	must(t, st.CreateOrg(ctx, nl))
	must(t, st.CreateOrg(ctx, other))
	anna := &rma.User{OrgID: nl.ID, Email: "anna@bakker.example", Role: rma.RoleRequester}
	must(t, st.CreateUser(ctx, anna))

	check := func(orgID, userID int64, wantOrg, wantUser string) {
		t.Helper()
		org, user, err := ls.Languages(ctx, orgID, userID)
		must(t, err)
		if org != wantOrg || user != wantUser {
			t.Fatalf("Languages(%d, %d) = %q, %q; want %q, %q", orgID, userID, org, user, wantOrg, wantUser)
		}
	}
	check(nl.ID, anna.ID, "", "")
	must(t, ls.SetOrgLanguage(ctx, nl.ID, "nl"))
	check(nl.ID, anna.ID, "nl", "")
	check(nl.ID, 0, "nl", "")
	must(t, ls.SetUserLanguage(ctx, anna.ID, "en"))
	check(nl.ID, anna.ID, "nl", "en")
	// A user of another organisation is not that organisation's reader.
	check(other.ID, anna.ID, "", "")

	langs, err := ls.OrgLanguages(ctx)
	must(t, err)
	if len(langs) != 1 || langs[nl.ID] != "nl" {
		t.Fatalf("OrgLanguages = %v, want only %d: nl", langs, nl.ID)
	}
	must(t, ls.SetOrgLanguage(ctx, nl.ID, ""))
	check(nl.ID, anna.ID, "", "en")

	// The rest of the accounts is untouched by a language.
	if o, err := st.Org(ctx, nl.ID); err != nil || o.Name != nl.Name || o.Email != nl.Email {
		t.Fatalf("Org after setting its language: %+v, %v", o, err)
	}

	wantCode(t, ls.SetOrgLanguage(ctx, 999999, "nl"), rma.ENOTFOUND)
	wantCode(t, ls.SetUserLanguage(ctx, 999999, "nl"), rma.ENOTFOUND)
	_, _, err = ls.Languages(ctx, 999999, 0)
	wantCode(t, err, rma.ENOTFOUND)
}
