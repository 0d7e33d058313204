package auth

import (
	"context"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/sso"
)

// Audit actions of sign-in through the provider (audit.UserRole is the
// role its groups changed).
const (
	// ActionUserFromProvider: an account made at first sign-in.
	ActionUserFromProvider = "user.create_at_sign_in"
	// ActionSignInSettings: the provider's settings changed (/admin/sign-in).
	ActionSignInSettings = "sign_in.settings"
)

// Staff sign-in through the company's identity provider: the provider
// says who the person is (sso.Identity, already verified); this file
// decides who that is at the desk and whether they may come in.
//
// Matching is by email, and only an email the provider says it verified:
// an unverified address is anyone's claim. The desk role follows the
// person's groups at every sign-in (sso.Settings.RoleFor): moved to
// another group at the company, they have the new role at their next
// sign-in; in no mapped group, they are refused, and the role the desk had
// written on them is not kept in their favour.

// ProviderUserStore is what a provider's sign-in needs of the store.
type ProviderUserStore interface {
	UserStore
	Orgs(ctx context.Context) ([]rma.Org, error)
	SetUserRole(ctx context.Context, userID int64, role rma.Role) error
	DeleteUserSessions(ctx context.Context, userID int64) (int, error)
	audit.Store // role changes and accounts made at sign-in are in the log
}

// ProviderRefusal is a person the provider vouched for whom the desk does
// not let in. Reason says why, in a word the portal words for people.
type ProviderRefusal struct{ Reason string }

// The reasons of a ProviderRefusal.
const (
	RefusedNoRole     = "no_role"    // their groups map to no desk role
	RefusedUnverified = "unverified" // no email, or one the provider did not verify
	RefusedUnknown    = "unknown"    // no account, and accounts are not made at sign-in
	RefusedNotStaff   = "not_staff"  // the email is a requester's account
	RefusedDisabled   = "disabled"   // the account is disabled
)

func (r *ProviderRefusal) Error() string { return "sign-in through the provider refused: " + r.Reason }

// SignInWithProvider returns the desk user id signs in as: found by its
// verified email, or made in the desk's organisation when the settings
// create users, with its role set from its groups.
func SignInWithProvider(ctx context.Context, store ProviderUserStore, s *sso.Settings, id *sso.Identity) (*rma.User, error) {
	role, ok := s.RoleFor(id.Groups)
	if !ok {
		// Their sessions end too: the role the desk wrote on them earlier
		// must not outlive the groups that gave it.
		if err := endStaffSessions(ctx, store, id); err != nil {
			return nil, err
		}
		return nil, &ProviderRefusal{RefusedNoRole}
	}
	email := strings.TrimSpace(id.Email)
	if email == "" || !id.EmailVerified {
		return nil, &ProviderRefusal{RefusedUnverified}
	}
	u, err := store.UserByEmail(ctx, email)
	switch {
	case rma.ErrorCode(err) == rma.ENOTFOUND:
		if !s.CreateUsers {
			return nil, &ProviderRefusal{RefusedUnknown}
		}
		return createStaff(ctx, store, s, email, id.Name, role)
	case err != nil:
		return nil, err
	}
	org, err := store.Org(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	if !org.IsDesk {
		// A requester who happens to work at the desk's company signs in
		// as a requester, with a password; the provider never makes a
		// requester's account staff.
		return nil, &ProviderRefusal{RefusedNotStaff}
	}
	if u.Disabled {
		return nil, &ProviderRefusal{RefusedDisabled}
	}
	if u.Role != role {
		e := audit.Of(providerActor(s, u), audit.UserRole, audit.TargetUser, strconv.FormatInt(u.ID, 10), u.Email,
			audit.Change{Field: "role", From: string(u.Role), To: string(role)})
		if err := audit.Record(ctx, store, &e, func(ctx context.Context) error { return store.SetUserRole(ctx, u.ID, role) }); err != nil {
			return nil, err
		}
		u.Role = role
	}
	return u, nil
}

// endStaffSessions signs out the desk account id's verified email names,
// if there is one.
func endStaffSessions(ctx context.Context, store ProviderUserStore, id *sso.Identity) error {
	if id.Email == "" || !id.EmailVerified {
		return nil
	}
	u, err := store.UserByEmail(ctx, strings.TrimSpace(id.Email))
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	org, err := store.Org(ctx, u.OrgID)
	if err != nil || !org.IsDesk {
		return err
	}
	_, err = store.DeleteUserSessions(ctx, u.ID)
	return err
}

// createStaff makes an account without a password (the provider is how
// they sign in) in the desk's organisation.
func createStaff(ctx context.Context, store ProviderUserStore, s *sso.Settings, email, name string, role rma.Role) (*rma.User, error) {
	email, err := rma.CleanEmail("email", email)
	if err != nil {
		return nil, &ProviderRefusal{RefusedUnverified}
	}
	if name, err = rma.CleanName("name", name, 200); err != nil {
		name = "" // a name the desk cannot keep is no reason to refuse
	}
	orgs, err := store.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if o.IsDesk {
			u := &rma.User{OrgID: o.ID, Email: email, Name: name, Role: role}
			e := audit.Of(providerActor(s, u), ActionUserFromProvider, audit.TargetUser, "", email,
				audit.Change{Field: "role", To: string(role)}, audit.Change{Field: "name", To: name})
			if err := audit.Record(ctx, store, &e, func(ctx context.Context) error { return store.CreateUser(ctx, u) }); err != nil {
				return nil, err
			}
			return u, nil
		}
	}
	return nil, rma.Errorf(rma.ENOTFOUND, "the desk has no organisation of its own to add staff to")
}

// providerActor is who acts when a sign-in changes an account: the
// provider, on the person's behalf.
func providerActor(s *sso.Settings, u *rma.User) rma.Actor {
	return rma.Actor{OrgID: u.OrgID, UserID: u.ID, Name: s.DisplayName() + " (identity provider)"}
}

// PasswordAllowed reports whether a user may sign in with a password under
// the provider's settings: requesters always; staff unless the settings
// take passwords from them, and administrators always, so the desk can be
// reached when the provider cannot.
func PasswordAllowed(s *sso.Settings, a rma.Actor) bool {
	if !s.Enabled() || s.StaffPasswords || !a.Role.IsDesk() {
		return true
	}
	return a.Role == rma.RoleAdmin
}
