package main

import (
	"strings"
	"testing"
)

// TestCLIOrgStanding: an admin puts a requester organisation on hold and
// back; bad values and the desk are bad input.
func TestCLIOrgStanding(t *testing.T) {
	dir := t.TempDir()
	cli(t, "", "org", "create", "--data-dir", dir, "--name", "Desk", "--desk")
	cli(t, "", "org", "create", "--data-dir", dir, "--name", "Partner", "--role", "partner", "--country", "NL")
	if out := cli(t, "", "org", "standing", "--data-dir", dir, "--org", "Partner", "--standing", "on_hold"); !strings.HasSuffix(out, ": Partner: standing on_hold\n") {
		t.Fatalf("on hold: %q", out)
	}
	if out := cli(t, "", "org", "standing", "--data-dir", dir, "--org", "Partner", "--standing", "good"); !strings.HasSuffix(out, ": Partner: standing good\n") {
		t.Fatalf("good: %q", out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--org", "Partner", "--standing", "late"}, "rmadesk: --standing: must be one of good, on_hold, blocked\n"},
		{[]string{"--org", "Desk", "--standing", "blocked"}, "rmadesk: --org: Desk is not a requester organisation: only those have a standing\n"},
		{[]string{"--org", "Nobody", "--standing", "blocked"}, "rmadesk: --org: no organisation \"Nobody\"\n"},
		{[]string{"--standing", "blocked"}, "rmadesk: --org: required: the organisation's name or id\n"},
	} {
		code, _, errOut := runCLI(t, "", append([]string{"org", "standing", "--data-dir", dir}, tc.args...)...)
		if code != exitBadInput || errOut != tc.want {
			t.Errorf("%v: exit %d, %q, want %q", tc.args, code, errOut, tc.want)
		}
	}
}
