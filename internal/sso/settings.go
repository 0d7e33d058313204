// Package sso owns the desk staff's sign-in through the company's identity
// provider (OpenID Connect): the settings an administrator keeps, which
// desk role a person's groups give them (settings.go), and the relying
// party that runs the authorization code flow with PKCE and verifies what
// the provider answers (relyingparty.go, over github.com/coreos/go-oidc
// and golang.org/x/oauth2). Who that person is at the desk, and whether
// they may sign in, is internal/auth's rule (auth/oidc.go).
package sso

import (
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Settings are how the desk signs its staff in through the provider.
type Settings struct {
	// Name is what the sign-in page calls the provider ("Sign in with
	// Contoso"): a person knows their company's name, not "OIDC".
	Name         string
	Issuer       string   // e.g. https://login.microsoftonline.com/TENANT/v2.0
	ClientID     string   // the desk's registration at the provider
	ClientSecret string   // write-only on every page; never shown or logged
	Scopes       []string // besides openid; e.g. email, profile, groups
	GroupsClaim  string   // the claim that lists the person's groups, e.g. groups
	Roles        []RoleRule
	// CreateUsers: someone the provider vouches for and whose groups give
	// a role gets an account in the desk's organisation at first sign-in;
	// otherwise an administrator adds them first (matched by email).
	CreateUsers bool
	// StaffPasswords: agents and technicians may still sign in with a
	// password. Off, only administrators keep theirs, so that a desk whose
	// provider is down (or wrongly set) can still be reached and mended.
	StaffPasswords bool

	Updated   time.Time
	UpdatedBy string
	// FromDeployment: the settings come from flags or the environment,
	// which win over the database; the admin page shows them, read-only.
	FromDeployment bool
}

// RoleRule gives a desk role to whoever has a group (or claim value).
type RoleRule struct {
	Group string
	Role  rma.Role
}

// Enabled reports whether staff can sign in through the provider.
func (s *Settings) Enabled() bool {
	return s != nil && s.Issuer != "" && s.ClientID != ""
}

// DisplayName is the provider's name for the sign-in button.
func (s *Settings) DisplayName() string {
	if s.Name != "" {
		return s.Name
	}
	if u, err := url.Parse(s.Issuer); err == nil && u.Host != "" {
		return u.Hostname()
	}
	return "single sign-on"
}

// DefaultScopes are asked for when the settings name none: the person's
// email and name. Entra ID and Google put groups in the ID token without
// a scope; Keycloak and Authentik need a scope (or mapper) for them.
var DefaultScopes = []string{"email", "profile"}

// RoleFor is the desk role a person with these groups gets: the first rule
// (in the order the administrator wrote them) whose group they have.
// Groups are compared exactly, as providers send them (Entra ID sends
// object IDs, Keycloak paths like /desk/agents). No rule matching is no
// role: the person is refused, whatever role they had before.
func (s *Settings) RoleFor(groups []string) (rma.Role, bool) {
	for _, r := range s.Roles {
		if slices.Contains(groups, r.Group) {
			return r.Role, true
		}
	}
	return "", false
}

// ParseRoles reads the role mapping as the admin page shows it: one rule a
// line, "group = role"; blank lines and lines starting with # are skipped.
func ParseRoles(text string) ([]RoleRule, error) {
	var rules []RoleRule
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndex(line, "=")
		if i < 0 {
			return nil, rma.Invalid("roles", "line %q: write group = role", line)
		}
		group, role := strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
		r, ok := rma.ParseRole(role)
		if group == "" || !ok || !r.IsDesk() {
			return nil, rma.Invalid("roles", "line %q: write group = role, the role one of admin, agent, technician", line)
		}
		rules = append(rules, RoleRule{Group: group, Role: r})
	}
	return rules, nil
}

// FormatRoles writes the role mapping as ParseRoles reads it.
func FormatRoles(rules []RoleRule) string {
	var b strings.Builder
	for _, r := range rules {
		b.WriteString(r.Group + " = " + string(r.Role) + "\n")
	}
	return b.String()
}

// ParseScopes reads scopes separated by spaces or commas; openid is
// always asked for and need not be listed.
func ParseScopes(text string) []string {
	var scopes []string
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		if f != "openid" && !slices.Contains(scopes, f) {
			scopes = append(scopes, f)
		}
	}
	return scopes
}

// Check refuses settings the desk could not sign anybody in with. Empty
// issuer and client ID are valid: sign-in through a provider is off.
func (s *Settings) Check() error {
	if s.Issuer == "" && s.ClientID == "" {
		return nil
	}
	if err := CheckIssuer(s.Issuer); err != nil {
		return err
	}
	if s.ClientID == "" {
		return rma.Invalid("client_id", "the client ID the provider gave the desk is required")
	}
	if s.GroupsClaim == "" {
		return rma.Invalid("groups_claim", "name the claim that lists a person's groups, e.g. groups")
	}
	if len(s.Roles) == 0 {
		return rma.Invalid("roles", "map at least one group to a role, or nobody can sign in")
	}
	for _, sc := range s.Scopes {
		if strings.ContainsAny(sc, "\"\\") {
			return rma.Invalid("scopes", "scope %q has a character no scope has", sc)
		}
	}
	return nil
}

// CheckIssuer accepts an https URL, or http on a loopback address only
// (a provider on the same machine, as in tests and trials): tokens and
// the client secret must not cross a network in clear text.
func CheckIssuer(issuer string) error {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return rma.Invalid("issuer", "the issuer is a URL such as https://login.example.com/realms/desk")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
	}
	return rma.Invalid("issuer", "the issuer must be an https URL (http only on this machine's loopback address)")
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Changes lists what changed from a to b for the audit log, the secret
// only as set, changed or removed: the portal and the API write the same
// list, so the log reads the same whichever way the admin came.
func Changes(a, b *Settings) []audit.Change {
	var out []audit.Change
	add := func(field, x, y string) {
		if x != y {
			out = append(out, audit.Change{Field: field, From: x, To: y})
		}
	}
	yes := func(v bool) string {
		if v {
			return "yes"
		}
		return "no"
	}
	add("name", a.Name, b.Name)
	add("issuer", a.Issuer, b.Issuer)
	add("client_id", a.ClientID, b.ClientID)
	switch {
	case a.ClientSecret == b.ClientSecret:
	case b.ClientSecret == "":
		add("client_secret", "(set)", "(removed)")
	case a.ClientSecret == "":
		add("client_secret", "(none)", "(set)")
	default:
		add("client_secret", "(set)", "(changed)")
	}
	add("scopes", strings.Join(a.Scopes, " "), strings.Join(b.Scopes, " "))
	add("groups_claim", a.GroupsClaim, b.GroupsClaim)
	add("roles", strings.TrimSpace(FormatRoles(a.Roles)), strings.TrimSpace(FormatRoles(b.Roles)))
	add("create_users", yes(a.CreateUsers), yes(b.CreateUsers))
	add("staff_passwords", yes(a.StaffPasswords), yes(b.StaffPasswords))
	return out
}
