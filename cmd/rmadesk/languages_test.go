package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
)

// TestCLILanguages: rmadesk org language and user language set what the
// emails go in; bad input is exit 2 with one line naming the flag.
func TestCLILanguages(t *testing.T) {
	dir := t.TempDir()
	cli(t, "", "org", "create", "--data-dir", dir, "--name", "Desk", "--desk")
	cli(t, "", "org", "create", "--data-dir", dir, "--name", "Bakker Beveiliging", "--role", "dealer", "--country", "NL")
	cli(t, "a long enough password\n", "user", "create", "--data-dir", dir, "--org", "Bakker Beveiliging", "--email", "anna@bakker.example", "--role", "requester")

	if out := cli(t, "", "org", "language", "--data-dir", dir, "--org", "bakker beveiliging", "--language", "NL"); !strings.Contains(out, "Bakker Beveiliging: language nl") {
		t.Errorf("org language: %q", out)
	}
	if out := cli(t, "", "user", "language", "--data-dir", dir, "--email", "anna@bakker.example", "--language", "en"); !strings.Contains(out, "anna@bakker.example: language en") {
		t.Errorf("user language: %q", out)
	}
	if out := cli(t, "", "user", "language", "--data-dir", dir, "--email", "anna@bakker.example", "--language", ""); !strings.Contains(out, "language none (English)") {
		t.Errorf("user language cleared: %q", out)
	}

	bad := []struct {
		name string
		args []string
		want string
	}{
		{"unknown language", []string{"org", "language", "--data-dir", dir, "--org", "Bakker Beveiliging", "--language", "fr"}, `rmadesk: --language: "fr" is not a language the desk writes in (one of en, nl, or empty for none)`},
		{"no language", []string{"org", "language", "--data-dir", dir, "--org", "Bakker Beveiliging"}, `rmadesk: --language: required: en or nl, or "" to clear it`},
		{"no such organisation", []string{"org", "language", "--data-dir", dir, "--org", "Nobody", "--language", "nl"}, `rmadesk: --org: no organisation "Nobody"`},
		{"no such user", []string{"user", "language", "--data-dir", dir, "--email", "bob@bakker.example", "--language", "nl"}, `rmadesk: --email: no user with email "bob@bakker.example"`},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", tc.args...)
			if code != 2 || strings.TrimSpace(errOut) != tc.want || strings.Count(errOut, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tc.want)
			}
		})
	}

	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "rmadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	o, err := db.OrgByName(t.Context(), "Bakker Beveiliging")
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.UserByEmail(t.Context(), "anna@bakker.example")
	if err != nil {
		t.Fatal(err)
	}
	org, user, err := rma.LanguageStore(db).Languages(t.Context(), o.ID, u.ID)
	if err != nil || org != "nl" || user != "" {
		t.Fatalf("stored %q, %q, %v; want nl and none (the refusals changed nothing)", org, user, err)
	}
}
