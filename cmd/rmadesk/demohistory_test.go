package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/whatif"
)

// TestDemoHistory: a demo desk starts with the Pixfra distributor's past,
// each RMA at its end and decided by version 1, dated back from the desk's
// date, with no mail or reminder left to go out; a second start files
// nothing again. A draft that gives a thermal camera one year instead of
// three changes three of its four lines, two of them to a rejection, and
// the replaced camera's value is the money it would have saved.
func TestDemoHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := (&storeFlags{dataDir: dir}).openStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	set, err := packs("")
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 12, 6, 15, 0, 0, 0, time.UTC)
	for range 2 { // the second start finds its past filed
		if err := seedDemo(ctx, io.Discard, db, set, "http://127.0.0.1:0", dir, func() time.Time { return today }); err != nil {
			t.Fatal(err)
		}
	}
	org, err := db.OrgByName(ctx, "Demo Distributor for Pixfra")
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := db.ListRMAs(ctx, rma.ListFilter{OrgID: org.ID, Order: rma.OrderOldest})
	if err != nil {
		t.Fatal(err)
	}
	type seen struct {
		filed   string
		outcome rma.Outcome
	}
	var got []seen
	for _, r := range list {
		r, err := db.RMA(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.State != rma.Closed || r.PolicyVersion != "1" {
			t.Errorf("%s: %s, decided by version %s", r.Reference, r.State, r.PolicyVersion)
		}
		got = append(got, seen{r.Created.Format(time.DateOnly), r.Outcome})
	}
	want := []seen{{"2026-02-19", rma.Replaced}, {"2026-06-29", rma.Repaired}, {"2026-09-27", rma.Repaired}, {"2026-11-01", ""}}
	if len(got) != len(want) {
		t.Fatalf("the distributor's past: %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("RMA %d: filed %s, %q; want %s, %q", i+1, got[i].filed, got[i].outcome, want[i].filed, want[i].outcome)
		}
	}
	var jobs int
	if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE rma_id IS NOT NULL`).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	if jobs != 0 {
		t.Errorf("the past left %d jobs to run", jobs)
	}

	src, err := os.ReadFile(filepath.Join("..", "..", "policies", "pixfra.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	term := "    - category: thermal-camera\n      part: device\n      years: 3\n"
	if !strings.Contains(string(src), term) {
		t.Fatal("pixfra.yaml has no thermal-camera term")
	}
	draft, err := policy.Load("pixfra.yaml", []byte(strings.Replace(strings.Replace(string(src), term, strings.Replace(term, "years: 3", "years: 1", 1), 1),
		`version: "1"`, `version: "2"`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := whatif.Replay(ctx, db.(whatif.History), whatif.Query{PolicyID: "pixfra"}, draft, set, whatif.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Lines != 4 || rep.Changed != 3 || rep.WarrantyLastDay.Earlier != 3 || len(rep.Verdicts) != 1 || rep.Verdicts[0] != (whatif.Transition{From: "accept", To: "reject", Lines: 2}) {
		t.Errorf("the what-if: %d lines, %d changed, %+v, warranty %+v", rep.Lines, rep.Changed, rep.Verdicts, rep.WarrantyLastDay)
	}
	if len(rep.Money) != 1 || rep.Money[0].Currency != "EUR" || rep.Money[0].Baseline.ReplacementValue != 124900 ||
		rep.Money[0].Draft.Replacements != 0 || rep.Money[0].Difference.Net != -124900 {
		t.Errorf("the what-if's money: %+v", rep.Money)
	}
}
