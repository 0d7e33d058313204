package auth_test

import (
	"context"
	"errors"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// wantField fails unless err is EINVALID naming field.
func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	var de *rma.Error
	if !errors.As(err, &de) || de.Code != rma.EINVALID || de.Field != field {
		t.Errorf("%s: %v; want EINVALID naming %s", what, err, field)
	}
}

// TestOrgNamesThatLookTheSame: an organisation cannot be made to look like
// another (issue 10, point 20).
func TestOrgNamesThatLookTheSame(t *testing.T) {
	ctx := context.Background()
	accounts := auth.NewAccounts(openStore(t))
	org, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: " Demo  Partner for Dexxon ", Role: "partner", Country: "NL", Email: "dexxon@demo.example"})
	if err != nil {
		t.Fatal(err)
	}
	if org.Name != "Demo Partner for Dexxon" {
		t.Errorf("stored name %q", org.Name)
	}
	for name, variant := range map[string]string{
		"case":        "demo partner for DEXXON",
		"fullwidth":   "\uff24emo Partner for Dexxon",
		"ideographic": "Demo\u3000Partner for Dexxon",
	} {
		_, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: variant, Role: "partner"})
		if rma.ErrorCode(err) != rma.ECONFLICT {
			t.Errorf("%s (%q): %v; want ECONFLICT", name, variant, err)
		}
	}
	for name, variant := range map[string]string{
		"zero-width space": "Demo Partner\u200b for Dexxon",
		"right-to-left":    "\u202eDemo Partner for Dexxon",
		"Cyrillic e":       "Demo Partner for D\u0435xxon",
		"control":          "Demo Partner for Dexxon\x1b",
	} {
		_, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: variant, Role: "partner"})
		wantField(t, name, err, "name")
	}
	_, err = accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Other", Role: "partner", Email: "rma\u200b@other.example"})
	wantField(t, "an invisible character in the email", err, "email")

	// NFD is stored NFC and is one name with it.
	cafe, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Cafe\u0301 Mu\u0308ller", Role: "consumer"})
	if err != nil || cafe.Name != "Caf\u00e9 M\u00fcller" {
		t.Fatalf("NFD name: %+v %v", cafe, err)
	}
	if _, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "CAF\u00c9 M\u00dcLLER", Role: "consumer"}); rma.ErrorCode(err) != rma.ECONFLICT {
		t.Errorf("NFC upper case after NFD: %v", err)
	}
	if got, err := accounts.OrgByName(ctx, "\uff24emo partner for dexxon"); err != nil || got.ID != org.ID {
		t.Errorf("found by a look-alike: %+v %v", got, err)
	}
}

// TestUserEmailsThatLookTheSame: an email typed in another case or Unicode
// form is the same account, to create and to sign in.
func TestUserEmailsThatLookTheSame(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	accounts := auth.NewAccounts(db)
	org, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Shop", Role: "consumer"})
	if err != nil {
		t.Fatal(err)
	}
	const password = "a long enough password"
	u, err := accounts.CreateUser(ctx, rma.System, org.ID, "Jose\u0301@Shop.example", "Jose\u0301", rma.RoleRequester, password)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "Jos\u00e9@Shop.example" || u.Name != "Jos\u00e9" {
		t.Errorf("stored %q %q, want NFC", u.Email, u.Name)
	}
	for _, email := range []string{"jos\u00e9@shop.example", "JOSE\u0301@SHOP.EXAMPLE", " Jos\u00e9@Shop.example"} {
		a, got, err := auth.SignIn(ctx, db, email, password)
		if err != nil || got.ID != u.ID || a.UserID != u.ID {
			t.Errorf("sign in as %q: %v", email, err)
		}
		_, err = accounts.CreateUser(ctx, rma.System, org.ID, email, "", rma.RoleRequester, password)
		if rma.ErrorCode(err) != rma.ECONFLICT {
			t.Errorf("a second user %q: %v; want ECONFLICT", email, err)
		}
	}
	for name, email := range map[string]string{
		"zero-width space": "jos\u00e9\u200b@shop.example",
		"word joiner":      "anna@shop.example\u2060",
		"two @":            "anna@@shop.example",
		"space":            "an na@shop.example",
		"Cyrillic a":       "\u0430nna@shop.example",
	} {
		_, err := accounts.CreateUser(ctx, rma.System, org.ID, email, "", rma.RoleRequester, password)
		wantField(t, name, err, "email")
	}
	_, err = accounts.CreateUser(ctx, rma.System, org.ID, "bob@shop.example", "Bob\u200b", rma.RoleRequester, password)
	wantField(t, "an invisible character in the name", err, "name")
}
