package main

import (
	"flag"
	"os"
	"strings"

	"github.com/rmadesk/rmadesk/internal/sso"
)

// The identity provider from flags and the environment, for deployments
// that are configured, not clicked: when --oidc-issuer (RMADESK_OIDC_ISSUER)
// is given, these settings win over the ones admins keep at
// /admin/sign-in, whose page then shows them read-only. The client secret
// comes from the environment only (RMADESK_OIDC_CLIENT_SECRET): a flag's
// value is in every process listing.
type oidcFlags struct {
	name, issuer, clientID, scopes, groupsClaim, roles string
	createUsers, staffPasswords                        bool
}

func (f *oidcFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.issuer, "oidc-issuer", os.Getenv("RMADESK_OIDC_ISSUER"), "desk staff sign in at this OpenID Connect issuer `URL`; set, the --oidc-* flags win over /admin/sign-in; the client secret is read from RMADESK_OIDC_CLIENT_SECRET (env RMADESK_OIDC_ISSUER)")
	fs.StringVar(&f.name, "oidc-name", os.Getenv("RMADESK_OIDC_NAME"), "the provider's `NAME` on the sign-in button (env RMADESK_OIDC_NAME)")
	fs.StringVar(&f.clientID, "oidc-client-id", os.Getenv("RMADESK_OIDC_CLIENT_ID"), "the desk's client `ID` at the provider (env RMADESK_OIDC_CLIENT_ID)")
	fs.StringVar(&f.scopes, "oidc-scopes", envOr("RMADESK_OIDC_SCOPES", "email profile"), "`SCOPES` to ask for besides openid, separated by spaces (env RMADESK_OIDC_SCOPES)")
	fs.StringVar(&f.groupsClaim, "oidc-groups-claim", envOr("RMADESK_OIDC_GROUPS_CLAIM", "groups"), "the `CLAIM` that lists a person's groups (env RMADESK_OIDC_GROUPS_CLAIM)")
	fs.StringVar(&f.roles, "oidc-roles", os.Getenv("RMADESK_OIDC_ROLES"), "`MAP` of groups to desk roles, \"group=role;group=role\", the first group a person has deciding (env RMADESK_OIDC_ROLES)")
	fs.BoolVar(&f.createUsers, "oidc-create-users", envOr("RMADESK_OIDC_CREATE_USERS", "false") == "true", "create staff accounts at first sign-in (env RMADESK_OIDC_CREATE_USERS)")
	fs.BoolVar(&f.staffPasswords, "oidc-staff-passwords", envOr("RMADESK_OIDC_STAFF_PASSWORDS", "true") == "true", "let agents and technicians still sign in with a password; admins always may (env RMADESK_OIDC_STAFF_PASSWORDS)")
}

// settings are the deployment's provider, nil when it sets none.
func (f *oidcFlags) settings() (*sso.Settings, error) {
	if f.issuer == "" {
		return nil, nil
	}
	roles, err := sso.ParseRoles(strings.ReplaceAll(f.roles, ";", "\n"))
	if err != nil {
		return nil, badInputf("--oidc-roles: %v", err)
	}
	s := &sso.Settings{Name: f.name, Issuer: f.issuer, ClientID: f.clientID, ClientSecret: os.Getenv("RMADESK_OIDC_CLIENT_SECRET"),
		Scopes: sso.ParseScopes(f.scopes), GroupsClaim: f.groupsClaim, Roles: roles,
		CreateUsers: f.createUsers, StaffPasswords: f.staffPasswords}
	if err := s.Check(); err != nil {
		return nil, badInputf("--oidc-*: %v", err)
	}
	return s, nil
}
