package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
)

// TestCLIPolicyShadow: a draft of Pixfra's pack that cuts the thermal
// camera's warranty to a year is put in shadow from the command line; an
// import (which decides each claim) files a thermal camera invoiced
// twenty months ago and a riflescope; the review finds two lines
// compared, one turned from accept to reject by the draft, in text and as
// JSON; stopped, the review stays. Bad input is exit 2 and one line.
func TestCLIPolicyShadow(t *testing.T) {
	dir := storedDesk(t)
	src, err := os.ReadFile("../../policies/pixfra.yaml")
	if err != nil {
		t.Fatal(err)
	}
	term := "    - category: thermal-camera\n      part: device\n      years: 3\n"
	good := filepath.Join(t.TempDir(), "pixfra-one-year.yaml")
	mustWrite(t, os.WriteFile(good, []byte(strings.Replace(string(src), term, strings.Replace(term, "years: 3", "years: 1", 1), 1)), 0o600))
	code, out, errOut := runCLI(t, "", "policy", "draft", "--data-dir", dir, "--policy", "pixfra", "--file", good, "--version", "2", "--effective-from", "2099-01-01")
	if code != 0 {
		t.Fatalf("draft: exit %d %q %q", code, out, errOut)
	}
	draft := strings.TrimSuffix(strings.Fields(out)[1], ":")

	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", []string{"policy", "shadow"}, "missing subcommand"},
		{"unknown subcommand", []string{"policy", "shadow", "begin"}, `unknown subcommand "begin"`},
		{"no policy", []string{"policy", "shadow", "start", "--data-dir", dir, "--draft", draft}, "--policy: required"},
		{"no draft", []string{"policy", "shadow", "start", "--data-dir", dir, "--policy", "pixfra"}, "--draft:"},
		{"unknown policy", []string{"policy", "shadow", "start", "--data-dir", dir, "--policy", "nope", "--draft", draft}, "--policy: the desk keeps no policy"},
		{"another policy's draft", []string{"policy", "shadow", "start", "--data-dir", dir, "--policy", "dexxon", "--draft", draft}, "--draft: policy dexxon has no draft"},
		{"no such draft", []string{"policy", "shadow", "start", "--data-dir", dir, "--policy", "pixfra", "--draft", "999"}, "--draft:"},
		{"nothing to stop", []string{"policy", "shadow", "stop", "--data-dir", dir, "--policy", "pixfra"}, "--policy: no draft of pixfra is in shadow"},
		{"nothing to review", []string{"policy", "shadow", "review", "--data-dir", dir, "--policy", "pixfra"}, "--policy: no draft of pixfra has been in shadow"},
		{"review: bad limit", []string{"policy", "shadow", "review", "--data-dir", dir, "--policy", "pixfra", "--limit", "0"}, "--limit: 1 to 500"},
		{"review: bad shadow", []string{"policy", "shadow", "review", "--data-dir", dir, "--policy", "pixfra", "--shadow", "x"}, "--shadow:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", c.args...)
			if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and one line with %q", code, errOut, c.want)
			}
		})
	}

	code, out, errOut = runCLI(t, "", "policy", "shadow", "start", "--data-dir", dir, "--policy", "pixfra", "--draft", draft)
	if code != 0 || !strings.Contains(out, "pixfra draft "+draft+" (version 2) is in shadow (shadow 1)") {
		t.Fatalf("start: exit %d %q %q", code, out, errOut)
	}
	if code, out, _ = runCLI(t, "", "policy", "shadow", "start", "--data-dir", dir, "--policy", "pixfra", "--draft", draft); code != 0 || !strings.Contains(out, "in shadow already") {
		t.Fatalf("start again: exit %d %q", code, out)
	}
	if code, out, errOut = runCLI(t, "", "org", "create", "--data-dir", dir, "--name", "Pixfra Distributor", "--role", "distributor", "--country", "DE"); code != 0 {
		t.Fatalf("org: exit %d %q %q", code, out, errOut)
	}
	// The import files by today's date: a camera invoiced twenty months ago
	// is within three years, not within one.
	invoice := time.Now().AddDate(0, -20, 0).Format(time.DateOnly)
	docs := "vendor_invoice;purchase_receipt;shipping_document;label_photo;appearance_photo"
	csv := "reference,policy,category,part,model,serial,part_number,invoice,documents\n" +
		fmt.Sprintf("PX-1,pixfra,thermal-camera,device,Arc A435,PXF22A0917,1.0.01.08.43501,%s,%s\n", invoice, docs) +
		fmt.Sprintf("PX-2,pixfra,riflescope,device,Mile 2,PXM21A0001,1.0.02.01.00001,%s,%s\n", invoice, docs)
	if code, out, errOut = runCLI(t, csv, "import-csv", "--data-dir", dir, "--org", "Pixfra Distributor", "-"); code != 0 || !strings.Contains(out, "2 RMAs") {
		t.Fatalf("import: exit %d %q %q", code, out, errOut)
	}

	code, out, errOut = runCLI(t, "", "policy", "shadow", "review", "--data-dir", dir, "--policy", "pixfra")
	if code != 0 {
		t.Fatalf("review: exit %d %q %q", code, out, errOut)
	}
	for _, want := range []string{"Shadow 1: pixfra draft " + draft + " (version 2)", "in shadow\n", "lines compared  2", "changed         1",
		"decision            accept → reject  1", "warranty last day   earlier          1",
		"line 1, Pixfra Distributor, filed", "verdict, route, warranty_last_day, reasons", "after  [warranty-chart] out of warranty: 1 year from invoice " + invoice} {
		if !strings.Contains(out, want) {
			t.Fatalf("the review lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "", "policy", "shadow", "review", "--data-dir", dir, "--policy", "pixfra", "--shadow", "1", "--json")
	var rep struct {
		Lines, Changed int
		ChangedLines   []struct {
			How   []string
			After struct{ Verdict string }
		} `json:"changed_lines"`
	}
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil || rep.Lines != 2 || rep.Changed != 1 || len(rep.ChangedLines) != 1 || rep.ChangedLines[0].After.Verdict != "reject" {
		t.Fatalf("review --json: exit %d, %v: %s", code, err, out)
	}
	if code, out, _ = runCLI(t, "", "policy", "shadow", "list", "--data-dir", dir, "--policy", "pixfra"); code != 0 || !strings.Contains(out, "in shadow") {
		t.Fatalf("list: exit %d %q", code, out)
	}
	code, out, _ = runCLI(t, "", "policy", "shadow", "stop", "--data-dir", dir, "--policy", "pixfra")
	if code != 0 || !strings.Contains(out, "is out of shadow after 2 lines compared, 1 changed") {
		t.Fatalf("stop: exit %d %q", code, out)
	}
	if code, out, _ = runCLI(t, "", "policy", "shadow", "review", "--data-dir", dir, "--policy", "pixfra", "--limit", "1"); code != 0 || !strings.Contains(out, ", stopped ") || !strings.Contains(out, "by system") {
		t.Fatalf("review after stopping: exit %d %q", code, out)
	}
}

// TestImportCSVDecidesByPublishedVersions: claims imported from a CSV are
// decided by the versions the desk has published, as serve decides them,
// not by the packs built into the binary: with a Pixfra version 2 that
// gives thermal cameras one year, a camera invoiced twenty months ago is
// refused, by version 2.
func TestImportCSVDecidesByPublishedVersions(t *testing.T) {
	dir := storedDesk(t)
	src, err := os.ReadFile("../../policies/pixfra.yaml")
	if err != nil {
		t.Fatal(err)
	}
	term := "    - category: thermal-camera\n      part: device\n      years: 3\n"
	oneYear := filepath.Join(t.TempDir(), "pixfra-one-year.yaml")
	mustWrite(t, os.WriteFile(oneYear, []byte(strings.Replace(string(src), term, strings.Replace(term, "years: 3", "years: 1", 1), 1)), 0o600))
	today := time.Now().Format(time.DateOnly)
	code, out, errOut := runCLI(t, "", "policy", "draft", "--data-dir", dir, "--policy", "pixfra", "--file", oneYear, "--version", "2", "--effective-from", today)
	if code != 0 {
		t.Fatalf("draft: exit %d %q %q", code, out, errOut)
	}
	draft := strings.TrimSuffix(strings.Fields(out)[1], ":")
	if code, out, errOut = runCLI(t, "", "policy", "publish", "--data-dir", dir, "--policy", "pixfra", "--draft", draft, "--effective-from", today); code != 0 {
		t.Fatalf("publish: exit %d %q %q", code, out, errOut)
	}
	if code, out, errOut = runCLI(t, "", "org", "create", "--data-dir", dir, "--name", "Pixfra Distributor", "--role", "distributor", "--country", "DE"); code != 0 {
		t.Fatalf("org: exit %d %q %q", code, out, errOut)
	}
	invoice := time.Now().AddDate(0, -20, 0).Format(time.DateOnly)
	docs := "vendor_invoice;purchase_receipt;shipping_document;label_photo;appearance_photo"
	csv := "reference,policy,category,part,model,serial,part_number,invoice,documents\n" +
		fmt.Sprintf("PX-1,pixfra,thermal-camera,device,Arc A435,PXF22A0917,1.0.01.08.43501,%s,%s\n", invoice, docs)
	if code, out, errOut = runCLI(t, csv, "import-csv", "--data-dir", dir, "--org", "Pixfra Distributor", "-"); code != 0 || !strings.Contains(out, "1 RMAs") {
		t.Fatalf("import: exit %d %q %q", code, out, errOut)
	}
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "rmadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	items, _, err := db.ListRMAs(t.Context(), rma.ListFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 {
		t.Fatalf("%d RMAs imported, want 1", len(items))
	}
	r, err := db.RMA(t.Context(), items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.PolicyVersion != "2" || len(r.Lines) != 1 || r.Lines[0].Decision.Verdict != policy.Reject {
		t.Fatalf("imported under version %s: %+v", r.PolicyVersion, r.Lines)
	}
}
