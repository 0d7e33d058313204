package main

import (
	"strings"
	"testing"
)

// TestSupplierCommands: the desk adds and lists its suppliers from the CLI;
// bad input is exit 2 with one line naming the flag.
func TestSupplierCommands(t *testing.T) {
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
	address := []string{"--street", "Researchpark 310", "--postcode", "1731", "--city", "Zellik", "--country", "BE"}
	ok("supplier 1: Plextor Distribution", append([]string{"supplier", "add", "--name", "Plextor Distribution", "--email", "rma@plextor-dist.example",
		"--policy", "plextor", "--claim-role", "dealer", "--response-days", "21"}, address...)...)
	bad("--email: required", append([]string{"supplier", "add", "--name", "No Contact"}, address...)...)
	bad(`unknown policy "nope"`, append([]string{"supplier", "add", "--name", "X", "--email", "x@x.example", "--policy", "nope"}, address...)...)
	bad("--claim-role: ", append([]string{"supplier", "add", "--name", "X", "--email", "x@x.example", "--claim-role", "boss"}, address...)...)
	bad("--response-days: must be between 1 and 365", append([]string{"supplier", "add", "--name", "X", "--email", "x@x.example", "--response-days", "999"}, address...)...)
	bad("--postcode: required", "supplier", "add", "--name", "X", "--email", "x@x.example", "--street", "A 1", "--city", "C", "--country", "NL")
	bad(`an organisation named "plextor distribution" exists`, append([]string{"supplier", "add", "--name", "plextor distribution", "--email", "x@x.example"}, address...)...)
	bad("supplier: unknown subcommand", "supplier", "remove")
	out := ok("Plextor Distribution", "supplier", "list")
	for _, want := range []string{"rma@plextor-dist.example", "plextor", "21", "Researchpark 310, 1731 Zellik"} {
		if !strings.Contains(out, want) {
			t.Fatalf("list lacks %q:\n%s", want, out)
		}
	}
	// A supplier is the desk's counterpart: it gets no API key.
	bad("suppliers have no keys", "apikey", "create", "--org", "Plextor Distribution", "--role", "requester")
}

// TestOrgCreateSupplierPointsToSupplierAdd: an organisation with the role
// supplier is made where its address and RMA contact are asked for.
func TestOrgCreateSupplierPointsToSupplierAdd(t *testing.T) {
	code, out, errOut := runCLI(t, "", "org", "create", "--name", "Wholesale", "--role", "supplier", "--data-dir", t.TempDir())
	if code != 2 || out != "" || !strings.Contains(errOut, "--role: a supplier is added with rmadesk supplier add") {
		t.Fatalf("exit %d, %q %q", code, out, errOut)
	}
}
