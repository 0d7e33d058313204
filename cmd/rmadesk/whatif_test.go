package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/bulk"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/whatif"
	"github.com/rmadesk/rmadesk/policies"
)

// whatifHistory files a small Dexxon history in a new SQLite desk and
// returns its --db: six claims filed on 2 March 2026, bought 100 to 850
// days before, the first credited at 100.00 EUR.
func whatifHistory(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "whatif.db")
	if code, _, errOut := runCLI(t, "", "org", "create", "--db", db, "--name", "Partner", "--role", "partner", "--country", "NL"); code != 0 {
		t.Fatal(errOut)
	}
	sf := storeFlags{db: db}
	store, err := sf.openExisting(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	org, err := store.OrgByName(t.Context(), "Partner")
	if err != nil {
		t.Fatal(err)
	}
	filed := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	l := bulk.New(store, set, bulk.Options{Now: func() time.Time { return filed }, DropJobs: true})
	actor := rma.Actor{OrgID: org.ID, Role: rma.RoleRequester, Name: "test"}
	for i, days := range []int{100, 250, 400, 550, 700, 850} {
		line := rma.LineRequest{Quantity: 1, Fault: "dead", LastInvoicedPrice: rma.Money{Cents: 10000, Currency: "EUR"}}
		line.Claim.Product = policy.Product{Category: "ssd", Model: "DX-SSD-1TB", Serial: fmt.Sprintf("WI%03d", i)}
		line.Claim.Dates.Purchase = calendar.DateOf(2026, 3, 2).AddDays(-days)
		line.Claim.Documents = line.Claim.Documents.With(policy.PurchaseReceipt)
		req := rma.SubmitRequest{PolicyID: "dexxon", Reference: fmt.Sprintf("WI-%d", i), Lines: []rma.LineRequest{line}}
		if err := l.Submit(t.Context(), actor, req, fmt.Sprint("whatif ", i)); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := l.Close(t.Context()); err != nil || len(res.Failed) > 0 {
		t.Fatalf("filing: %v %v", err, res.Failed)
	}
	for id := int64(1); id <= 6; id++ { // the fourth was credited (in warranty for 2 years, not for 1)
		r, err := store.RMA(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Reference != "WI-3" {
			continue
		}
		r.Charges = append(r.Charges, rma.Charge{LineNo: 1, Kind: "credit", Basis: "last_invoiced_price", Quantity: 1,
			Amount: rma.Money{Cents: -10000, Currency: "EUR"}, Created: filed.Add(time.Hour)})
		if err := store.SaveRMA(t.Context(), r, r.Version, &rma.Event{At: filed.Add(time.Hour), Actor: "agent", Action: "note", From: r.State, To: r.State}); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// writeDraft writes the Dexxon pack with edits (pairs of old, new text).
func writeDraft(t *testing.T, pairs ...string) string {
	t.Helper()
	b, err := policies.FS.ReadFile("dexxon.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(src, pairs[i]) {
			t.Fatalf("no %q in the pack", pairs[i])
		}
		src = strings.Replace(src, pairs[i], pairs[i+1], 1)
	}
	path := filepath.Join(t.TempDir(), "dexxon-draft.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPolicyWhatIf(t *testing.T) {
	db := whatifHistory(t)
	draft := writeDraft(t, `version: "1"`, `version: "2-draft"`, "years: 2", "years: 1")

	code, out, errOut := runCLI(t, "", "policy", "whatif", "--db", db, "--policy", "dexxon", "--draft", draft, "--detail", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	checkGolden(t, "whatif/dexxon-one-year.txt", strings.ReplaceAll(out, draft, "dexxon-draft.yaml"))

	code, out, errOut = runCLI(t, "", "policy", "whatif", "--db", db, "--policy", "dexxon", "--draft", draft, "--json", "--from", "2026-03-01", "--to", "2026-03-31", "--sample", "2", "--seed", "3")
	if code != 0 {
		t.Fatalf("--json: exit %d: %s", code, errOut)
	}
	var rep whatif.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	// Bought 100..850 days before: 5 in a 2-year warranty, 2 in a 1-year one.
	if rep.Lines != 6 || rep.Changed != 6 || len(rep.Verdicts) != 1 || rep.Verdicts[0] != (whatif.Transition{From: "accept", To: "reject", Lines: 3}) ||
		len(rep.Sample) != 2 || len(rep.ChangedLines) != 6 {
		t.Errorf("report: %d lines, %d changed, verdicts %+v, sample %d, changed lines %d", rep.Lines, rep.Changed, rep.Verdicts, len(rep.Sample), len(rep.ChangedLines))
	}
	if m := rep.Money; len(m) != 1 || m[0].Difference.Credits != -10000 {
		t.Errorf("money %+v, want the one credit lost", m)
	}

	// A range with nothing in it replays nothing.
	code, out, _ = runCLI(t, "", "policy", "whatif", "--db", db, "--policy", "dexxon", "--draft", draft, "--from", "2026-04-01")
	if code != 0 || !strings.Contains(out, "lines replayed  0") {
		t.Errorf("empty range: exit %d\n%s", code, out)
	}
}

func TestPolicyWhatIfBadInput(t *testing.T) {
	db := whatifHistory(t)
	good := writeDraft(t)
	lintError := writeDraft(t, "years: 2", "years: two")
	other := filepath.Join(t.TempDir(), "pixfra.yaml")
	b, _ := policies.FS.ReadFile("pixfra.yaml")
	os.WriteFile(other, b, 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"lint error names the file and line", []string{"--policy", "dexxon", "--draft", lintError}, lintError + ":163:"},
		{"no draft", []string{"--policy", "dexxon"}, "--draft: required"},
		{"missing file", []string{"--policy", "dexxon", "--draft", "/nonexistent.yaml"}, "--draft:"},
		{"another policy's draft", []string{"--policy", "dexxon", "--draft", other}, `draft of policy "pixfra"`},
		{"unknown policy", []string{"--policy", "nobody", "--draft", good}, `unknown policy "nobody"`},
		{"no policy", []string{"--draft", good}, "--policy: required"},
		{"bad day", []string{"--policy", "dexxon", "--draft", good, "--from", "2026-02-30"}, "--from:"},
		{"range backwards", []string{"--policy", "dexxon", "--draft", good, "--from", "2026-03-02", "--to", "2026-03-01"}, "--to:"},
		{"sample too large", []string{"--policy", "dexxon", "--draft", good, "--sample", "100000"}, "--sample:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", append([]string{"policy", "whatif", "--db", db}, tc.args...)...)
			if code != exitBadInput || out != "" || !strings.Contains(errOut, tc.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d and one line with %q", code, out, errOut, exitBadInput, tc.want)
			}
		})
	}
}
