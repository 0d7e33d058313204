package storetest

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

func testOrgs(t *testing.T, open Opener) {
	t.Run("round trip", func(t *testing.T) {
		s := open(t)
		for _, o := range []*rma.Org{
			{Name: "Pixfra Desk", IsDesk: true, Country: "NL", Email: "desk@pixfra.example", Created: minute(1)},
			{Name: "Dexxon", Role: policy.Distributor, Country: "DE", Email: "rma@dexxon.example", Created: minute(2)},
		} {
			must(t, s.CreateOrg(t.Context(), o))
			if o.ID == 0 {
				t.Fatalf("CreateOrg did not set the ID of %s", o.Name)
			}
			got, err := s.Org(t.Context(), o.ID)
			must(t, err)
			wantSame(t, "Org", o, got)
			got, err = s.OrgByName(t.Context(), o.Name)
			must(t, err)
			wantSame(t, "OrgByName", o, got)
		}
	})
	t.Run("created is set when zero", func(t *testing.T) {
		s := open(t)
		o := &rma.Org{Name: "Minicart"}
		must(t, s.CreateOrg(t.Context(), o))
		if o.Created.IsZero() {
			t.Fatal("Created not set")
		}
		got, err := s.Org(t.Context(), o.ID)
		must(t, err)
		wantSame(t, "Org", o, got)
	})
	t.Run("names are unique in any case", func(t *testing.T) {
		for _, tc := range []struct{ name, first, second string }{
			{"same", "Dexxon", "Dexxon"},
			{"lower case", "Dexxon", "dexxon"},
			{"upper case with spaces", "Dexxon", " DEXXON "},
			// Names that look the same are the same (rma.NameKey).
			{"zero-width space", "Demo Partner for Dexxon", "Demo Partner\u200b for Dexxon"},
			{"fullwidth letter", "Demo Partner for Dexxon", "\uff24emo Partner for Dexxon"},
			{"NFD and NFC", "Caf\u00e9 M\u00fcller", "Cafe\u0301 Mu\u0308ller"},
			{"two spaces", "Demo Partner", "Demo  Partner"},
			{"no-break space", "Demo Partner", "Demo\u00a0Partner"},
			{"full case folding", "Stra\u00dfe", "STRASSE"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s := open(t)
				mkOrg(t, s, tc.first)
				wantCode(t, s.CreateOrg(t.Context(), &rma.Org{Name: tc.second}), rma.ECONFLICT)
				orgs, err := s.Orgs(t.Context())
				must(t, err)
				if len(orgs) != 1 {
					t.Fatalf("%d organisations stored, want 1", len(orgs))
				}
			})
		}
	})
	t.Run("by name in any case", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Webstore4")
		got, err := s.OrgByName(t.Context(), "WEBSTORE4")
		must(t, err)
		if got.ID != o.ID {
			t.Fatalf("found organisation %d, want %d", got.ID, o.ID)
		}
	})
	t.Run("by a name that looks the same", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Caf\u00e9 Demo Partner")
		for _, name := range []string{"cafe\u0301 demo partner", "\uff23af\u00e9 Demo\u200b Partner", "CAF\u00c9  DEMO PARTNER"} {
			got, err := s.OrgByName(t.Context(), name)
			must(t, err)
			if got.ID != o.ID || got.Name != o.Name {
				t.Fatalf("%q found %+v, want organisation %d as stored", name, got, o.ID)
			}
		}
	})
	t.Run("list in creation order", func(t *testing.T) {
		s := open(t)
		var want []rma.Org
		for _, name := range []string{"zeta", "alpha", "mid"} {
			want = append(want, *mkOrg(t, s, name))
		}
		got, err := s.Orgs(t.Context())
		must(t, err)
		wantSame(t, "Orgs", want, got)
	})
	t.Run("not found", func(t *testing.T) {
		s := open(t)
		mkOrg(t, s, "Dexxon")
		_, err := s.Org(t.Context(), 9999)
		wantCode(t, err, rma.ENOTFOUND)
		_, err = s.OrgByName(t.Context(), "Plextor")
		wantCode(t, err, rma.ENOTFOUND)
	})
	t.Run("empty store lists nothing", func(t *testing.T) {
		s := open(t)
		orgs, err := s.Orgs(t.Context())
		must(t, err)
		if len(orgs) != 0 {
			t.Fatalf("got %d organisations", len(orgs))
		}
	})
}

func testUsers(t *testing.T, open Opener) {
	t.Run("round trip", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		u := &rma.User{OrgID: o.ID, Email: "anna@dexxon.example", Name: "Anna", Role: rma.RoleRequester,
			PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA", Created: minute(3)}
		must(t, s.CreateUser(t.Context(), u))
		if u.ID == 0 {
			t.Fatal("CreateUser did not set the ID")
		}
		got, err := s.UserByEmail(t.Context(), u.Email)
		must(t, err)
		wantSame(t, "User", u, got)
	})
	t.Run("by email in any case", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		u := &rma.User{OrgID: o.ID, Email: "Anna@Dexxon.example", Role: rma.RoleAgent}
		must(t, s.CreateUser(t.Context(), u))
		got, err := s.UserByEmail(t.Context(), "anna@dexxon.EXAMPLE")
		must(t, err)
		if got.ID != u.ID || got.Email != u.Email {
			t.Fatalf("found %+v", got)
		}
	})
	t.Run("emails are unique in any case", func(t *testing.T) {
		for _, tc := range []struct{ name, first, second string }{
			{"same", "anna@dexxon.example", "anna@dexxon.example"},
			{"other case", "anna@dexxon.example", "ANNA@dexxon.example"},
			{"NFD and NFC", "jos\u00e9@dexxon.example", "JOSE\u0301@dexxon.example"},
			{"zero-width space", "anna@dexxon.example", "anna\u200b@dexxon.example"},
			{"fullwidth letter", "anna@dexxon.example", "\uff41nna@dexxon.example"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s := open(t)
				o1, o2 := mkOrg(t, s, "Dexxon"), mkOrg(t, s, "Minicart")
				must(t, s.CreateUser(t.Context(), &rma.User{OrgID: o1.ID, Email: tc.first, Role: rma.RoleAgent}))
				// Unique across organisations too: an email signs in to one account.
				wantCode(t, s.CreateUser(t.Context(), &rma.User{OrgID: o2.ID, Email: tc.second, Role: rma.RoleAgent}), rma.ECONFLICT)
			})
		}
	})
	t.Run("by an email typed another way", func(t *testing.T) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		u := &rma.User{OrgID: o.ID, Email: "Jos\u00e9@Dexxon.example", Role: rma.RoleAgent}
		must(t, s.CreateUser(t.Context(), u))
		for _, email := range []string{"JOSE\u0301@DEXXON.EXAMPLE", " jos\u00e9@dexxon.example "} {
			got, err := s.UserByEmail(t.Context(), email)
			must(t, err)
			if got.ID != u.ID || got.Email != u.Email {
				t.Fatalf("%q found %+v", email, got)
			}
		}
	})
	t.Run("unknown organisation", func(t *testing.T) {
		s := open(t)
		wantCode(t, s.CreateUser(t.Context(), &rma.User{OrgID: 4242, Email: "x@y.example", Role: rma.RoleAgent}), rma.ENOTFOUND)
	})
	t.Run("not found", func(t *testing.T) {
		s := open(t)
		_, err := s.UserByEmail(t.Context(), "nobody@example.com")
		wantCode(t, err, rma.ENOTFOUND)
	})
}

func testAPIKeys(t *testing.T, open Opener) {
	setup := func(t *testing.T) (rma.Store, *rma.Org, *rma.User) {
		s := open(t)
		o := mkOrg(t, s, "Dexxon")
		u := &rma.User{OrgID: o.ID, Email: "erp@dexxon.example", Role: rma.RoleRequester}
		must(t, s.CreateUser(t.Context(), u))
		return s, o, u
	}
	t.Run("round trip", func(t *testing.T) {
		s, o, u := setup(t)
		for _, k := range []*rma.APIKey{
			{OrgID: o.ID, UserID: u.ID, Role: rma.RoleRequester, Prefix: "rk_ab12", Hash: "h1", Name: "ERP", Created: minute(4)},
			{OrgID: o.ID, Role: rma.RoleAgent, Prefix: "rk_cd34", Hash: "h2", Name: "no user", Created: minute(5)},
		} {
			must(t, s.CreateAPIKey(t.Context(), k))
			if k.ID == 0 {
				t.Fatal("CreateAPIKey did not set the ID")
			}
			got, org, err := s.APIKeyAndOrg(t.Context(), k.Prefix)
			must(t, err)
			wantSame(t, "APIKey", k, got)
			wantOrg, err := s.Org(t.Context(), o.ID)
			must(t, err)
			wantSame(t, "APIKeyAndOrg org", wantOrg, org)
		}
	})
	t.Run("revoked keys are not found", func(t *testing.T) {
		s, o, _ := setup(t)
		k := &rma.APIKey{OrgID: o.ID, Role: rma.RoleAgent, Prefix: "rk_old1", Hash: "h", Created: minute(1), Revoked: minute(2)}
		must(t, s.CreateAPIKey(t.Context(), k))
		_, _, err := s.APIKeyAndOrg(t.Context(), "rk_old1")
		wantCode(t, err, rma.ENOTFOUND)
	})
	t.Run("prefixes are unique, revoked or not", func(t *testing.T) {
		for _, tc := range []struct {
			name    string
			revoked bool
		}{{"live", false}, {"revoked", true}} {
			t.Run(tc.name, func(t *testing.T) {
				s, o, _ := setup(t)
				first := &rma.APIKey{OrgID: o.ID, Role: rma.RoleAgent, Prefix: "rk_dup1", Hash: "h1"}
				if tc.revoked {
					first.Revoked = minute(1)
				}
				must(t, s.CreateAPIKey(t.Context(), first))
				wantCode(t, s.CreateAPIKey(t.Context(), &rma.APIKey{OrgID: o.ID, Role: rma.RoleAgent, Prefix: "rk_dup1", Hash: "h2"}), rma.ECONFLICT)
			})
		}
	})
	t.Run("unknown prefix", func(t *testing.T) {
		s, _, _ := setup(t)
		_, _, err := s.APIKeyAndOrg(t.Context(), "rk_none")
		wantCode(t, err, rma.ENOTFOUND)
	})
}

// testUserByID: a session finds its user by ID.
func testUserByID(t *testing.T, open Opener) {
	s := open(t)
	org := mkOrg(t, s, "Users by ID")
	u := &rma.User{OrgID: org.ID, Email: "Ann@Example.com", Name: "Ann", Role: rma.RoleRequester, PasswordHash: "$argon2id$x", Created: minute(1)}
	must(t, s.CreateUser(t.Context(), u))
	got, err := s.UserByID(t.Context(), u.ID)
	must(t, err)
	wantSame(t, "UserByID", u, got)
	_, err = s.UserByID(t.Context(), u.ID+1000)
	wantCode(t, err, rma.ENOTFOUND)
	must(t, s.SetPassword(t.Context(), u.ID, "$argon2id$new"))
	got, err = s.UserByID(t.Context(), u.ID)
	must(t, err)
	if got.PasswordHash != "$argon2id$new" {
		t.Fatalf("password hash %q after SetPassword", got.PasswordHash)
	}
	wantCode(t, s.SetPassword(t.Context(), u.ID+1000, "x"), rma.ENOTFOUND)
}

// PreNameKeyRows writes organisations and users as a store kept them
// before the name key was rma.NameKey (a lower-cased copy), into a
// database migrated to just before the migration that recomputes the keys
// (sqlcodec.RekeyAccounts); exec runs one statement. CheckNameKeysMigrated
// then checks the store after that migration.
func PreNameKeyRows(t *testing.T, exec func(query string, args ...any) error) {
	t.Helper()
	const created = "2026-01-01T00:00:00.000000000Z"
	for _, o := range [][2]string{
		{"\uff24exxon", "\uff44exxon"},                       // 1: fullwidth, which now is "dexxon"
		{"Cafe\u0301 M\u00fcller", "cafe\u0301 m\u00fcller"}, // 2: NFD
		{"Dexxon", "dexxon"},                                 // 3: newer than 1, which takes its key
		{"Plextor", "plextor"},                               // 4: unchanged
	} {
		if err := exec(`INSERT INTO orgs (name, name_key, is_desk, role, country, email, created) VALUES ($1, $2, FALSE, '', '', '', $3)`, o[0], o[1], created); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range [][2]string{
		{"JOSE\u0301@Dexxon.example", "jose\u0301@dexxon.example"},
		{"anna@dexxon.example", "anna@dexxon.example"},
	} {
		if err := exec(`INSERT INTO users (org_id, email, email_key, name, role, password_hash, created) VALUES (1, $1, $2, '', 'agent', '', $3)`, u[0], u[1], created); err != nil {
			t.Fatal(err)
		}
	}
}

// CheckNameKeysMigrated: after the migration every name and email is found
// however it is typed; of two organisations that now have one key the
// older is found by name and the newer still by its ID, unchanged.
func CheckNameKeysMigrated(t *testing.T, s rma.Store) {
	t.Helper()
	ctx := t.Context()
	for name, want := range map[string]int64{"DEXXON": 1, "\uff24exxon": 1, "caf\u00e9 m\u00fcller": 2, "CAFE\u0301 MU\u0308LLER": 2, "plextor": 4} {
		o, err := s.OrgByName(ctx, name)
		if err != nil || o.ID != want {
			t.Errorf("OrgByName(%q) = %+v, %v; want organisation %d", name, o, err, want)
		}
	}
	if o, err := s.Org(ctx, 3); err != nil || o.Name != "Dexxon" {
		t.Errorf("the newer look-alike: %+v, %v", o, err)
	}
	for email, want := range map[string]int64{"jos\u00e9@dexxon.example": 1, "Jose\u0301@DEXXON.example": 1, "ANNA@dexxon.example": 2} {
		u, err := s.UserByEmail(ctx, email)
		if err != nil || u.ID != want {
			t.Errorf("UserByEmail(%q) = %+v, %v; want user %d", email, u, err, want)
		}
	}
	// The keys are unique still: a third Dexxon is refused.
	wantCode(t, s.CreateOrg(ctx, &rma.Org{Name: "dexxon"}), rma.ECONFLICT)
	must(t, s.CreateOrg(ctx, &rma.Org{Name: "Minicart"}))
}
