package sso

import (
	"reflect"
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
)

func TestParseRoles(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []RoleRule
		bad        bool
	}{
		{"empty", "", nil, false},
		{"comments and blanks", "# who\n\n desk = agent \n", []RoleRule{{"desk", rma.RoleAgent}}, false},
		{"an equals sign in the group", "cn=desk,ou=groups = admin", []RoleRule{{"cn=desk,ou=groups", rma.RoleAdmin}}, false},
		{"order kept", "a = technician\nb = admin", []RoleRule{{"a", rma.RoleTechnician}, {"b", rma.RoleAdmin}}, false},
		{"requester is no desk role", "x = requester", nil, true},
		{"unknown role", "x = boss", nil, true},
		{"no group", " = agent", nil, true},
		{"no equals", "desk agent", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseRoles(tc.text)
			if (err != nil) != tc.bad || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("ParseRoles(%q) = %v, %v", tc.text, got, err)
			}
			if err == nil {
				again, _ := ParseRoles(FormatRoles(got))
				if !reflect.DeepEqual(again, got) {
					t.Fatalf("FormatRoles does not read back: %v", again)
				}
			}
		})
	}
}

func TestRoleFor(t *testing.T) {
	s := &Settings{Roles: []RoleRule{{"admins", rma.RoleAdmin}, {"agents", rma.RoleAgent}, {"techs", rma.RoleTechnician}}}
	for _, tc := range []struct {
		name   string
		groups []string
		want   rma.Role
		ok     bool
	}{
		{"first rule wins", []string{"techs", "admins"}, rma.RoleAdmin, true},
		{"one group", []string{"techs"}, rma.RoleTechnician, true},
		{"no group", nil, "", false},
		{"other groups", []string{"sales", "Agents"}, "", false}, // exact, as the provider sends them
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := s.RoleFor(tc.groups)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("RoleFor(%v) = %s, %v", tc.groups, got, ok)
			}
		})
	}
}

func TestCheckIssuer(t *testing.T) {
	for issuer, ok := range map[string]bool{
		"https://login.example.com/realms/desk":   true,
		"https://accounts.google.com":             true,
		"http://127.0.0.1:5556":                   true,
		"http://localhost:8080/dex":               true,
		"http://[::1]:9000":                       true,
		"http://login.example.com":                false,
		"http://10.0.0.1":                         false,
		"ftp://login.example.com":                 false,
		"login.example.com":                       false,
		"https://user:pw@login.example.com":       false,
		"https://login.example.com/?tenant=x":     false,
		"https://login.example.com/#x":            false,
		"":                                        false,
		"http://127.0.0.1.evil.example":           false,
		"http://localhost.evil.example/realms/rm": false,
	} {
		if err := CheckIssuer(issuer); (err == nil) != ok {
			t.Errorf("CheckIssuer(%q) = %v, want ok %v", issuer, err, ok)
		}
	}
}

func TestIdentityRead(t *testing.T) {
	for _, tc := range []struct {
		name   string
		claims map[string]any
		want   Identity
	}{
		{"list of groups", map[string]any{"email": "a@x", "email_verified": true, "groups": []any{"g1", "g2", "g1", 3}},
			Identity{Email: "a@x", EmailVerified: true, Groups: []string{"g1", "g2"}}},
		{"one group, verified as text", map[string]any{"email": "a@x", "email_verified": "true", "groups": "g1"},
			Identity{Email: "a@x", EmailVerified: true, Groups: []string{"g1"}}},
		{"unverified", map[string]any{"email": "a@x", "email_verified": false},
			Identity{Email: "a@x"}},
		{"no email_verified is unverified", map[string]any{"email": "a@x", "groups": []any{}},
			Identity{Email: "a@x", Groups: []string{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var id Identity
			id.read(tc.claims, "groups")
			if !reflect.DeepEqual(id, tc.want) {
				t.Fatalf("got %+v, want %+v", id, tc.want)
			}
		})
	}
}

func TestSettingsCheck(t *testing.T) {
	good := Settings{Issuer: "https://idp.example.com", ClientID: "desk", GroupsClaim: "groups", Roles: []RoleRule{{"g", rma.RoleAgent}}}
	if err := good.Check(); err != nil {
		t.Fatal(err)
	}
	if err := (&Settings{}).Check(); err != nil {
		t.Fatalf("no provider is valid: %v", err)
	}
	for name, change := range map[string]func(*Settings){
		"no client":      func(s *Settings) { s.ClientID = "" },
		"no claim":       func(s *Settings) { s.GroupsClaim = "" },
		"no roles":       func(s *Settings) { s.Roles = nil },
		"plain http":     func(s *Settings) { s.Issuer = "http://idp.example.com" },
		"odd scope":      func(s *Settings) { s.Scopes = []string{`a"b`} },
		"no issuer only": func(s *Settings) { s.Issuer = "" },
	} {
		s := good
		change(&s)
		if rma.ErrorCode(s.Check()) != rma.EINVALID {
			t.Errorf("%s: %v", name, s.Check())
		}
	}
}
