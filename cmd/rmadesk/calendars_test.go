package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// calendarFixtures holds cn-2027.txt, a year shaped like a State Council
// notice (not the real one), which the calendar package's tests use too.
var calendarFixtures = filepath.Join("..", "..", "internal", "calendar", "testdata", "calendars")

// TestCLICalendarFile: a Pixfra claim whose last day falls in the 2027
// Spring Festival goes to a person while the desk has no 2027 data, and is
// extended by the desk's calendar file once --calendars names it; a bad
// file is bad input, in one line.
func TestCLICalendarFile(t *testing.T) {
	claim := `{"requester": {"role": "distributor", "country": "DE"}, "product": {"category": "thermal-camera"}, "dates": {"invoice": "2024-02-06", "reported": "2027-02-12"}, "documents": ["vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"]}`
	code, out, errOut := runCLI(t, claim, "policy", "check", "--policy", "pixfra")
	if code != 0 || !strings.Contains(out, "Decision:   REVIEW") ||
		!strings.Contains(out, "calendar_not_covered [warranty-holiday]\n     the CN holiday calendar has no data for 2027-02-05") {
		t.Fatalf("without the file: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, claim, "policy", "check", "--policy", "pixfra", "--calendars", calendarFixtures)
	if code != 0 || !strings.Contains(out, "Decision:   ACCEPT") ||
		!strings.Contains(out, "last day 2027-02-15 (moved from 2027-02-05): in warranty") ||
		!strings.Contains(out, "the last day 2027-02-05 is a public holiday in CN (Spring Festival)") {
		t.Fatalf("with the file: exit %d\n%s%s", code, out, errOut)
	}
	// A pack given as a file uses the desk's calendars too.
	code, out, errOut = runCLI(t, claim, "policy", "check", "--policy", filepath.Join("..", "..", "policies", "pixfra.yaml"), "--calendars", calendarFixtures)
	if code != 0 || !strings.Contains(out, "Decision:   ACCEPT") {
		t.Fatalf("a pack file with the calendar file: exit %d\n%s%s", code, out, errOut)
	}
	// The environment names the directory as the flag does.
	t.Setenv("RMADESK_CALENDARS", calendarFixtures)
	if code, out, errOut = runCLI(t, claim, "policy", "check", "--policy", "pixfra"); code != 0 || !strings.Contains(out, "Decision:   ACCEPT") {
		t.Fatalf("with RMADESK_CALENDARS: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "calendar", "list")
	if code != 0 || !strings.Contains(out, "CN        2020-01-01 to 2027-12-30  ") || !strings.Contains(out, "; 2027 from cn-2027.txt\n") {
		t.Fatalf("calendar list: exit %d\n%s%s", code, out, errOut)
	}
	t.Setenv("RMADESK_CALENDARS", "")
	code, out, _ = runCLI(t, "", "calendar", "list")
	if code != 0 || !strings.Contains(out, "CN        2020-01-01 to 2026-12-30  ") {
		t.Fatalf("calendar list, built-in: exit %d\n%s", code, out)
	}

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "cn-2028.txt"), []byte("year 2028\n2028-01-01 holiday New Year's Day\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"calendar", "list", "--calendars", bad},
		{"policy", "check", "--policy", "pixfra", "--calendars", bad},
		{"serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--calendars", bad},
	} {
		code, _, errOut := runCLI(t, claim, args...)
		want := "rmadesk: --calendars: cn-2028.txt: line 2: year 2028 leaves 2027 uncovered: years must follow each other from 2027 (the CN calendar covers 2020-01-01 to 2026-12-30)\n"
		if code != exitBadInput || errOut != want {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", args[0], code, errOut, want)
		}
	}
	if code, _, errOut := runCLI(t, "", "calendar", "list", "--calendars", filepath.Join(bad, "nothing")); code != exitBadInput || !strings.HasPrefix(errOut, "rmadesk: --calendars: ") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("a missing directory: exit %d, %q", code, errOut)
	}
}
