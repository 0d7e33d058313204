package storetest

import (
	"context"
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/sso"
)

// signInProviderStore is what the identity provider's settings need.
type signInProviderStore interface {
	SignInProvider(ctx context.Context) (*sso.Settings, error)
	SaveSignInProvider(ctx context.Context, s *sso.Settings) error
	SetUserRole(ctx context.Context, userID int64, role rma.Role) error
}

// testSignInProvider: no row is no provider (passwords allowed); the
// settings come back as saved, a second save replaces the first; a user's
// role can be changed, an unknown user's cannot.
func testSignInProvider(t *testing.T, open Opener) {
	s := open(t)
	st, ok := s.(signInProviderStore)
	if !ok {
		t.Fatal("the store does not keep the sign-in provider's settings")
	}
	ctx := t.Context()
	got, err := st.SignInProvider(ctx)
	must(t, err)
	if got.Enabled() || !got.StaffPasswords {
		t.Fatalf("a new desk's provider: %+v, want none, with passwords", got)
	}
	want := &sso.Settings{Name: "Contoso", Issuer: "https://login.example.com/realms/desk", ClientID: "rmadesk",
		ClientSecret: "s3cret ✓", Scopes: []string{"email", "profile", "groups"}, GroupsClaim: "groups",
		Roles:       []sso.RoleRule{{Group: "/desk/admins", Role: rma.RoleAdmin}, {Group: "desk = agents", Role: rma.RoleAgent}},
		CreateUsers: true, StaffPasswords: false, Updated: minute(3), UpdatedBy: "admin@desk.example"}
	must(t, st.SaveSignInProvider(ctx, want))
	got, err = st.SignInProvider(ctx)
	must(t, err)
	wantSame(t, "settings", want, got)
	want.Roles, want.CreateUsers, want.StaffPasswords, want.Updated = []sso.RoleRule{{Group: "g", Role: rma.RoleTechnician}}, false, true, minute(4)
	must(t, st.SaveSignInProvider(ctx, want))
	got, err = st.SignInProvider(ctx)
	must(t, err)
	wantSame(t, "settings saved again", want, got)

	org := &rma.Org{Name: "Desk", IsDesk: true, Created: base}
	must(t, s.CreateOrg(ctx, org))
	u := &rma.User{OrgID: org.ID, Email: "tech@desk.example", Role: rma.RoleAgent, Created: base}
	must(t, s.CreateUser(ctx, u))
	must(t, st.SetUserRole(ctx, u.ID, rma.RoleTechnician))
	back, err := s.UserByEmail(ctx, u.Email)
	must(t, err)
	if back.Role != rma.RoleTechnician {
		t.Fatalf("role after SetUserRole: %s", back.Role)
	}
	wantCode(t, st.SetUserRole(ctx, u.ID+100, rma.RoleAgent), rma.ENOTFOUND)
}
