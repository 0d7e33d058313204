package main

import (
	"strings"
	"testing"
)

// TestLocationCommands: an admin adds, changes and lists the desk's service
// locations and sets an organisation's address from the CLI; bad input is
// exit 2 with one line naming the flag.
func TestLocationCommands(t *testing.T) {
	dir := t.TempDir()
	ok := func(want string, args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, "", append(args, "--data-dir", dir)...)
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("rmadesk %s: exit %d, %q %q; want %q", strings.Join(args, " "), code, out, errOut, want)
		}
		return out
	}
	bad := func(want string, args ...string) {
		t.Helper()
		code, out, errOut := runCLI(t, "", append(args, "--data-dir", dir)...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, want) {
			t.Fatalf("rmadesk %s: exit %d, %q %q; want exit 2 and one line with %q", strings.Join(args, " "), code, out, errOut, want)
		}
	}
	// The commands work on an existing desk only, as apikey and user do.
	bad("no desk", "location", "list")
	ok("organisation", "org", "create", "--name", "Distributor", "--role", "distributor", "--country", "DE")
	ok("location pixfra-eu: Pixfra Europe Repair Station, Industrieweg 44, 5145 PV Waalwijk, Netherlands",
		"location", "add", "--code", "pixfra-eu", "--name", "Pixfra Europe Repair Station",
		"--street", "Industrieweg 44", "--postcode", "5145 PV", "--city", "Waalwijk", "--country", "NL")
	bad("--code: ", "location", "add", "--code", "Pixfra EU", "--name", "X", "--street", "A 1", "--postcode", "1", "--city", "C", "--country", "NL")
	bad("--postcode: required", "location", "add", "--code", "x", "--name", "X", "--street", "A 1", "--city", "C", "--country", "NL")
	bad("--country: ", "location", "add", "--code", "x", "--name", "X", "--street", "A 1", "--postcode", "1", "--city", "C", "--country", "UK")
	bad(`a service location with code "pixfra-eu" exists`, "location", "add", "--code", "pixfra-eu", "--name", "X",
		"--street", "A 1", "--postcode", "1", "--city", "C", "--country", "NL")
	// Changing one field keeps the others.
	ok("location pixfra-eu (inactive): Pixfra Europe Repair Station, Industrieweg 46, 5145 PV Waalwijk",
		"location", "update", "--code", "pixfra-eu", "--street", "Industrieweg 46", "--active=false")
	bad(`service location "nowhere" not found`, "location", "update", "--code", "nowhere", "--name", "X")
	out := ok("pixfra-eu", "location", "list")
	if !strings.Contains(out, "false") || !strings.Contains(out, "Industrieweg 46") {
		t.Fatalf("list: %s", out)
	}
	ok("Distributor, Hafenstraße 12, 20457 Hamburg, Germany", "org", "address", "--org", "distributor",
		"--street", "Hafenstraße 12", "--postcode", "20457", "--city", "Hamburg")
	bad("--street: give the street and the number", "org", "address", "--org", "Distributor", "--street", "Hafenstraße", "--postcode", "20457", "--city", "Hamburg")
	bad(`--org: no organisation "Nobody"`, "org", "address", "--org", "Nobody", "--street", "A 1", "--postcode", "1", "--city", "C")
	bad("location: unknown subcommand", "location", "remove")
}
