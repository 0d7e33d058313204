package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/whatif"
)

// shadowStore is the store as rma.ShadowStore: every store must be one.
func shadowStore(t *testing.T, s rma.Store) rma.ShadowStore {
	t.Helper()
	ss, ok := s.(rma.ShadowStore)
	if !ok {
		t.Fatalf("%T keeps no shadow runs (rma.ShadowStore)", s)
	}
	return ss
}

// bulkCreator is a store that files many RMAs at once (internal/bulk's
// Creator): the path PostgreSQL loads with COPY.
type bulkCreator interface {
	CreateRMAs(ctx context.Context, rs []*rma.RMA, evs []*rma.Event, keys []string) ([]error, error)
}

// shadowed is a one-line RMA of pixfra whose line the run compared: alike
// when how is empty, else a rejection by the draft (or a failure).
func shadowed(t *testing.T, orgID, run int64, ref string, changed bool, failure string) *rma.RMA {
	r := simpleRMA(t, orgID, ref, minute(len(ref)))
	r.PolicyID, r.PolicyVersion = "pixfra", "1"
	before := fullDecision()
	before.Policy, before.PolicyVersion, before.Verdict, before.Route = "pixfra", "1", policy.Accept, policy.RouteWarranty
	r.Lines[0].Decision = before
	l := rma.ShadowLine{Run: run, LineNo: 1, Baseline: "1", Before: before, After: before, Err: failure}
	if changed {
		l.After.PolicyVersion, l.After.Verdict, l.After.Route = "2", policy.Reject, policy.RouteNone
		l.After.Warranty.LastDay = before.Warranty.LastDay.AddDays(-730)
		l.After.MissingDocuments = []policy.Document{policy.LabelPhoto}
		l.After.Reasons = []policy.Reason{{Code: policy.CodeOutOfWarranty, Clause: "warranty-chart", Text: "out of warranty «since» 2024"}}
		l.How = policy.Compare(&l.Before, &l.After)
		l.WarrantyShift = policy.ShiftOf(l.Before.Warranty.LastDay, l.After.Warranty.LastDay)
		l.DocumentsAdded, l.DocumentsRemoved = policy.DocumentsChanged(&l.Before, &l.After)
	}
	if failure != "" {
		l.After = policy.Decision{}
	}
	r.Shadow = []rma.ShadowLine{l}
	return r
}

// testShadows: shadow runs and the lines written with their RMAs (issue 15).
func testShadows(t *testing.T, open Opener) {
	ctx := t.Context()
	// draftOf stores pixfra 1 published and a draft 2 (and a dexxon draft).
	setup := func(t *testing.T) (rma.Store, rma.PackStore, rma.ShadowStore, *rma.PackVersion, *rma.PackVersion) {
		s := open(t)
		ps, ss := packStore(t, s), shadowStore(t, s)
		must(t, ps.CreatePackVersion(ctx, pixfraVersion("1", calendar.DateOf(2020, 1, 1), rma.PackPublished)))
		d2 := pixfraVersion("2", calendar.DateOf(2027, 1, 1), rma.PackDraft)
		must(t, ps.CreatePackVersion(ctx, d2))
		d3 := pixfraVersion("3", calendar.DateOf(2028, 1, 1), rma.PackDraft)
		must(t, ps.CreatePackVersion(ctx, d3))
		return s, ps, ss, d2, d3
	}
	start := func(t *testing.T, ss rma.ShadowStore, d *rma.PackVersion, n int) (*rma.ShadowRun, *rma.ShadowRun) {
		t.Helper()
		run := &rma.ShadowRun{PolicyID: d.PolicyID, DraftID: d.ID, DraftVersion: d.Version, Started: minute(n), StartedBy: "ada@desk.example"}
		replaced, err := ss.StartShadow(ctx, run)
		must(t, err)
		return run, replaced
	}

	t.Run("one runs per pack; another replaces it", func(t *testing.T) {
		_, ps, ss, d2, d3 := setup(t)
		gen, err := ps.PacksGeneration(ctx)
		must(t, err)
		run, replaced := start(t, ss, d2, 1)
		if run.ID == 0 || replaced != nil {
			t.Fatalf("StartShadow: run %+v, replaced %v", run, replaced)
		}
		if g, _ := ps.PacksGeneration(ctx); g <= gen {
			t.Fatalf("starting a shadow left the generation at %d: other instances would not see it", g)
		}
		got, err := ss.ShadowRun(ctx, run.ID)
		must(t, err)
		want := *run
		if z := slices.DeleteFunc(zeroFields(want), func(f string) bool {
			// A new run has not ended, nor compared anything yet: below.
			return slices.Contains([]string{".Stopped", ".StoppedBy", ".Ended", ".Compared", ".Changed", ".Failed"}, f)
		}); len(z) > 0 {
			t.Fatalf("the fixture leaves fields zero, so their round trip is untested:\n%s", joinLines(z))
		}
		wantSame(t, "ShadowRun", &want, got)
		if !got.Running() {
			t.Fatal("a new run reads back ended")
		}
		second, replaced := start(t, ss, d3, 2)
		if replaced == nil || replaced.ID != run.ID || replaced.Ended != rma.ShadowReplaced || replaced.StoppedBy != "ada@desk.example" || !replaced.Stopped.Equal(minute(2)) {
			t.Fatalf("the replaced run: %+v", replaced)
		}
		running, err := ss.ShadowRuns(ctx, "pixfra", true)
		must(t, err)
		if len(running) != 1 || running[0].ID != second.ID {
			t.Fatalf("running shadows of pixfra: %+v", running)
		}
		all, err := ss.ShadowRuns(ctx, "", false)
		must(t, err)
		if len(all) != 2 || all[0].ID != second.ID || all[1].Ended != rma.ShadowReplaced || all[1].Running() {
			t.Fatalf("every run, newest first: %+v", all)
		}
		none, err := ss.ShadowRuns(ctx, "dexxon", false)
		must(t, err)
		if len(none) != 0 {
			t.Fatalf("dexxon's runs: %+v", none)
		}
		// Only a draft of the pack can shadow it.
		pub, err := ps.PackVersions(ctx, "pixfra")
		must(t, err)
		_, err = ss.StartShadow(ctx, &rma.ShadowRun{PolicyID: "pixfra", DraftID: pub[0].ID, DraftVersion: "1", StartedBy: "ada"})
		wantCode(t, err, rma.ECONFLICT)
		_, err = ss.StartShadow(ctx, &rma.ShadowRun{PolicyID: "dexxon", DraftID: d2.ID, DraftVersion: "2", StartedBy: "ada"})
		wantCode(t, err, rma.ENOTFOUND)
		_, err = ss.StartShadow(ctx, &rma.ShadowRun{PolicyID: "pixfra", DraftID: 999, DraftVersion: "2", StartedBy: "ada"})
		wantCode(t, err, rma.ENOTFOUND)
		_, err = ss.ShadowRun(ctx, 999)
		wantCode(t, err, rma.ENOTFOUND)
		// Stopped: no longer running, reviewable still.
		gen, _ = ps.PacksGeneration(ctx)
		must(t, ss.StopShadow(ctx, second.ID, "bob@desk.example", minute(3)))
		got, err = ss.ShadowRun(ctx, second.ID)
		must(t, err)
		if got.Running() || got.Ended != rma.ShadowStopped || got.StoppedBy != "bob@desk.example" || !got.Stopped.Equal(minute(3)) {
			t.Fatalf("stopped run: %+v", got)
		}
		if g, _ := ps.PacksGeneration(ctx); g <= gen {
			t.Fatalf("stopping a shadow left the generation at %d", g)
		}
		wantCode(t, ss.StopShadow(ctx, second.ID, "bob", minute(4)), rma.ECONFLICT)
		wantCode(t, ss.StopShadow(ctx, 999, "bob", minute(4)), rma.ENOTFOUND)
	})

	t.Run("lines are written with their RMA and counted", func(t *testing.T) {
		s, _, ss, d2, _ := setup(t)
		org := mkOrg(t, s, "Shadowed")
		run, _ := start(t, ss, d2, 1)
		alike := mkRMA(t, s, shadowed(t, org.ID, run.ID, "A", false, ""))
		if alike.Shadow != nil {
			t.Fatal("CreateRMA left the shadow lines on the RMA: a later save would write them again")
		}
		changed := shadowed(t, org.ID, run.ID, "BB", true, "")
		wantLine := changed.Shadow[0]
		must(t, s.CreateRMA(ctx, changed, submitEvent(changed.Created), "key-bb"))
		// A retried submission (its key used) writes no second comparison.
		again := shadowed(t, org.ID, run.ID, "BB", true, "")
		if err := s.CreateRMA(ctx, again, submitEvent(again.Created), "key-bb"); rma.ErrorCode(err) != rma.ECONFLICT {
			t.Fatalf("a used key: %v", err)
		}
		// A failure's text the databases cannot keep is mended, never the
		// submission's refusal.
		failed := mkRMA(t, s, shadowed(t, org.ID, run.ID, "CCC", false, "the draft's engine failed: \x00bad \xff"))
		// Many at once: PostgreSQL copies them.
		bc, ok := s.(bulkCreator)
		if !ok {
			t.Fatalf("%T does not create RMAs in bulk", s)
		}
		rs := []*rma.RMA{shadowed(t, org.ID, run.ID, "DDDD", true, ""), shadowed(t, org.ID, run.ID, "EEEEE", false, "")}
		errs, err := bc.CreateRMAs(ctx, rs, []*rma.Event{submitEvent(rs[0].Created), submitEvent(rs[1].Created)}, []string{"", ""})
		must(t, err)
		for _, err := range errs {
			must(t, err)
		}
		got, err := ss.ShadowRun(ctx, run.ID)
		must(t, err)
		if got.Compared != 5 || got.Changed != 2 || got.Failed != 1 {
			t.Fatalf("counts: compared %d, changed %d, failed %d; want 5, 2, 1", got.Compared, got.Changed, got.Failed)
		}
		all, err := ss.ShadowRuns(ctx, "pixfra", true)
		must(t, err)
		if len(all) != 1 || all[0].Compared != 5 {
			t.Fatalf("ShadowRuns counts: %+v", all)
		}
		// The tally: by what changed, the same totals.
		tally, err := ss.ShadowTally(ctx, run.ID)
		must(t, err)
		var sum, rejected, failures int64
		for _, c := range tally {
			sum += c.Lines
			if c.Line.Err != "" {
				failures += c.Lines
				continue
			}
			if c.Line.Before.Verdict == policy.Accept && c.Line.After.Verdict == policy.Reject {
				rejected += c.Lines
				if c.Line.WarrantyShift != policy.ShiftEarlier || fmt.Sprint(c.Line.How) != fmt.Sprint(wantLine.How) ||
					fmt.Sprint(c.Line.DocumentsAdded) != "[label_photo]" || c.Line.After.Route != policy.RouteNone {
					t.Fatalf("the changed lines' group: %+v", c.Line)
				}
			}
		}
		if sum != 5 || rejected != 2 || failures != 1 {
			t.Fatalf("tally %+v: %d lines, %d accept→reject, %d failed", tally, sum, rejected, failures)
		}
		// The listed lines, a page at a time in the order compared.
		page, err := ss.ShadowLines(ctx, run.ID, 0, 2)
		must(t, err)
		if len(page) != 2 || page[0].RMAID != changed.ID || page[1].RMAID != failed.ID {
			t.Fatalf("first page: %+v", page)
		}
		l := page[0]
		wantLine.ID, wantLine.RMAID, wantLine.Requester, wantLine.Filed = l.ID, changed.ID, "Shadowed", changed.Created
		// Of each decision the store keeps what the review shows of it.
		wantSame(t, "the published decision as the review shows it", whatif.SideOf(&wantLine.Before), whatif.SideOf(&l.Before))
		wantSame(t, "the draft's decision as the review shows it", whatif.SideOf(&wantLine.After), whatif.SideOf(&l.After))
		wantLine.Before, wantLine.After, l.Before, l.After = policy.Decision{}, policy.Decision{}, policy.Decision{}, policy.Decision{}
		wantSame(t, "ShadowLine", &wantLine, &l)
		if !strings.Contains(page[1].Err, "the draft's engine failed: bad") || page[1].After.Verdict != 0 || page[1].Before.Verdict != policy.Accept || len(page[1].Before.Reasons) != 2 {
			t.Fatalf("the failed line: %+v", page[1])
		}
		next, err := ss.ShadowLines(ctx, run.ID, page[1].ID, 2)
		must(t, err)
		if len(next) != 1 || next[0].RMAID != rs[0].ID || next[0].After.Verdict != policy.Reject {
			t.Fatalf("second page: %+v", next)
		}
		if last, err := ss.ShadowLines(ctx, run.ID, next[0].ID, 2); err != nil || len(last) != 0 {
			t.Fatalf("past the end: %v %v", last, err)
		}
	})

	t.Run("the draft's edit, publication or discard ends its shadow", func(t *testing.T) {
		_, ps, ss, d2, d3 := setup(t)
		run, _ := start(t, ss, d2, 1)
		// The same text again is no edit of what it compares.
		must(t, ps.UpdateDraft(ctx, d2))
		if got, _ := ss.ShadowRun(ctx, run.ID); !got.Running() {
			t.Fatalf("saving the same text ended the shadow: %+v", got)
		}
		gen, _ := ps.PacksGeneration(ctx)
		d2.Source += "# edited\n"
		must(t, ps.UpdateDraft(ctx, d2))
		got, err := ss.ShadowRun(ctx, run.ID)
		must(t, err)
		if got.Running() || got.Ended != rma.ShadowEdited || got.StoppedBy != "" {
			t.Fatalf("after an edit: %+v", got)
		}
		if g, _ := ps.PacksGeneration(ctx); g <= gen {
			t.Fatalf("an edit that ended a shadow left the generation at %d", g)
		}
		run, _ = start(t, ss, d2, 2)
		d2.PublishedBy = "ada@desk.example"
		must(t, ps.PublishDraft(ctx, d2))
		if got, _ := ss.ShadowRun(ctx, run.ID); got.Ended != rma.ShadowPublished || got.StoppedBy != "ada@desk.example" {
			t.Fatalf("after publishing: %+v", got)
		}
		run3, _ := start(t, ss, d3, 3)
		must(t, ps.DeleteDraft(ctx, d3.ID))
		got, err = ss.ShadowRun(ctx, run3.ID)
		must(t, err)
		if got.Ended != rma.ShadowDiscarded || got.DraftID != d3.ID || got.DraftVersion != "3" {
			t.Fatalf("a discarded draft's run: %+v", got)
		}
		if running, _ := ss.ShadowRuns(ctx, "", true); len(running) != 0 {
			t.Fatalf("still running: %+v", running)
		}
	})
}
