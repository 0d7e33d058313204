package whatif

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The review of a draft in shadow (issue 15; rma/shadow.go): what a draft
// decided otherwise among the new claims filed while it shadowed, told in
// the what-if report's words and fields. The what-if replays the past; a
// shadow collects the future, one claim at a time, so its counts are read
// from the store rather than replayed.

// ShadowReport is a shadow run's review: the run, its counts as a Report
// has them, and a page of its changed (or failed) lines.
type ShadowReport struct {
	ID           int64      `json:"id"`
	Policy       string     `json:"policy"`
	Draft        int64      `json:"draft"`
	DraftVersion string     `json:"draft_version"`
	Running      bool       `json:"running"`
	Started      time.Time  `json:"started"`
	StartedBy    string     `json:"started_by"`
	Stopped      *time.Time `json:"stopped,omitempty"`
	StoppedBy    string     `json:"stopped_by,omitempty"`
	Ended        string     `json:"ended,omitempty"` // stopped, replaced, edited, published, discarded

	Lines     int64 `json:"lines"` // compared
	Unchanged int64 `json:"unchanged"`
	Changed   int64 `json:"changed"`
	Failed    int64 `json:"failed"` // the draft did not decide: each with its error

	Verdicts         []Transition `json:"verdicts"`
	Routes           []Transition `json:"routes"`
	WarrantyLastDay  Shift        `json:"warranty_last_day"`
	WindowLastDay    Shift        `json:"window_last_day"`
	DocumentsAdded   []Count      `json:"documents_added"`
	DocumentsRemoved []Count      `json:"documents_removed"`
	ChargesChanged   int64        `json:"expected_charges_changed"`
	ReasonsChanged   int64        `json:"reasons_changed"`

	// ChangedLines are a page of the changed and failed lines, in the
	// order they were filed; Next, when set, is the after of the next page.
	ChangedLines []ShadowChange `json:"changed_lines"`
	Next         string         `json:"next,omitempty"`
}

// ShadowChange is a changed line of a shadow run, as a Change of the
// what-if says it (without money: a new claim has none yet).
type ShadowChange struct {
	ID              int64         `json:"id"` // the comparison's, for paging
	RMAID           int64         `json:"rma_id"`
	Number          string        `json:"number"`
	LineNo          int           `json:"line"`
	Requester       string        `json:"requester"`
	Filed           calendar.Date `json:"filed"`
	BaselineVersion string        `json:"baseline_version"`
	How             []string      `json:"how"`
	Before          Side          `json:"before"`
	After           *Side         `json:"after"` // null when the draft failed
	Error           string        `json:"error,omitempty"`
}

// DefaultShadowPage is how many changed lines a review shows at once.
const DefaultShadowPage = 50

// ShadowReview reads a shadow run of policyID (admins only): its counts,
// and the changed lines after the comparison after (0: from the first),
// limit of them (0: DefaultShadowPage).
func ShadowReview(ctx context.Context, svc *rma.Service, actor rma.Actor, policyID string, id, after int64, limit int) (*ShadowReport, error) {
	if limit == 0 {
		limit = DefaultShadowPage
	}
	run, tally, lines, err := svc.ShadowReview(ctx, actor, policyID, id, after, limit)
	if err != nil {
		return nil, err
	}
	rep := &ShadowReport{ID: run.ID, Policy: run.PolicyID, Draft: run.DraftID, DraftVersion: run.DraftVersion, Running: run.Running(),
		Started: run.Started, StartedBy: run.StartedBy, StoppedBy: run.StoppedBy, Ended: run.Ended, ChangedLines: []ShadowChange{}}
	if !run.Running() {
		stopped := run.Stopped
		rep.Stopped = &stopped
	}
	a := newAcc()
	for _, c := range tally {
		rep.tally(a, &c)
	}
	rep.Verdicts, rep.Routes = transitions(a.verdicts), transitions(a.routes)
	rep.WarrantyLastDay, rep.WindowLastDay = a.warranty, a.window
	rep.DocumentsAdded, rep.DocumentsRemoved = counts(a.added), counts(a.removed)
	rep.ChargesChanged, rep.ReasonsChanged = a.charges, a.reasons
	for i := range lines {
		l := &lines[i]
		c := ShadowChange{ID: l.ID, RMAID: l.RMAID, Number: l.Number, LineNo: l.LineNo, Requester: l.Requester,
			Filed: calendar.DateOf(l.Filed.Year(), l.Filed.Month(), l.Filed.Day()), BaselineVersion: l.Baseline,
			How: l.How, Before: side(&l.Before), Error: l.Err}
		if c.How == nil {
			c.How = []string{}
		}
		if l.Err == "" {
			after := side(&l.After)
			c.After = &after
		}
		rep.ChangedLines = append(rep.ChangedLines, c)
	}
	if len(lines) == limit {
		rep.Next = strconv.FormatInt(lines[len(lines)-1].ID, 10)
	}
	return rep, nil
}

// tally adds one group of lines compared alike to the report's counts,
// as the replay counts a line (acc.count), c.Lines times.
func (rep *ShadowReport) tally(a *acc, c *rma.ShadowCount) {
	l, n := &c.Line, c.Lines
	rep.Lines += n
	switch {
	case l.Err != "":
		rep.Failed += n
		return
	case len(l.How) == 0:
		rep.Unchanged += n
		return
	}
	rep.Changed += n
	for _, h := range l.How {
		switch h {
		case HowVerdict:
			a.verdicts[[2]string{l.Before.Verdict.String(), l.After.Verdict.String()}] += n
		case HowRoute:
			a.routes[[2]string{l.Before.Route.String(), l.After.Route.String()}] += n
		case HowWarranty:
			a.warranty.add(l.WarrantyShift, n)
		case HowWindow:
			a.window.add(l.WindowShift, n)
		case HowDocuments:
			for _, doc := range l.DocumentsAdded {
				a.added[doc] += n
			}
			for _, doc := range l.DocumentsRemoved {
				a.removed[doc] += n
			}
		case HowCharges:
			a.charges += n
		case HowReasons:
			a.reasons += n
		}
	}
}

// add counts n last days moved as policy.ShiftOf says.
func (s *Shift) add(how string, n int64) {
	switch how {
	case policy.ShiftGained:
		s.Gained += n
	case policy.ShiftLost:
		s.Lost += n
	case policy.ShiftEarlier:
		s.Earlier += n
	case policy.ShiftLater:
		s.Later += n
	}
}

// StartShadow puts a draft in shadow for the API, the portal and the
// command line alike, recorded in the audit log (st; nil: not recorded)
// in the start's own transaction, with the draft it replaced. A draft in
// shadow already is answered as it is, and nothing is recorded.
func StartShadow(ctx context.Context, svc *rma.Service, st audit.Store, actor rma.Actor, policyID string, draftID int64) (*rma.ShadowStart, error) {
	running, err := svc.ShadowRuns(ctx, actor, policyID, true) // admins only
	if err != nil {
		return nil, err
	}
	for _, run := range running {
		if run.DraftID == draftID {
			return &rma.ShadowStart{Run: run, Already: true}, nil
		}
	}
	d, err := svc.Draft(ctx, actor, policyID, draftID)
	if err != nil {
		return nil, err
	}
	changes := []audit.Change{{Field: "draft", To: fmt.Sprintf("draft %d (version %s)", d.ID, d.Version)}}
	for _, run := range running {
		changes = append(changes, audit.Change{Field: "replaced", From: fmt.Sprintf("draft %d (version %s)", run.DraftID, run.DraftVersion)})
	}
	var out *rma.ShadowStart
	err = record(ctx, st, actor, audit.PolicyShadowStart, policyID, changes, func(ctx context.Context) (err error) {
		out, err = svc.StartShadow(ctx, actor, policyID, draftID)
		return err
	})
	return out, err
}

// StopShadow takes a draft out of shadow, recorded as StartShadow is.
func StopShadow(ctx context.Context, svc *rma.Service, st audit.Store, actor rma.Actor, policyID string, draftID int64) (*rma.ShadowRun, error) {
	running, err := svc.ShadowRuns(ctx, actor, policyID, true)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(running, func(r rma.ShadowRun) bool { return r.DraftID == draftID })
	if i < 0 {
		return nil, rma.Errorf(rma.ENOTFOUND, "draft %d of policy %s is not in shadow", draftID, policyID)
	}
	run := running[i]
	changes := []audit.Change{{Field: "draft", From: fmt.Sprintf("draft %d (version %s)", run.DraftID, run.DraftVersion)},
		{Field: "compared", To: fmt.Sprintf("%d lines, %d changed", run.Compared, run.Changed)}}
	var out *rma.ShadowRun
	err = record(ctx, st, actor, audit.PolicyShadowStop, policyID, changes, func(ctx context.Context) (err error) {
		out, err = svc.StopShadow(ctx, actor, policyID, draftID)
		return err
	})
	return out, err
}

func record(ctx context.Context, st audit.Store, actor rma.Actor, action, policyID string, changes []audit.Change, change func(context.Context) error) error {
	if st == nil {
		return change(ctx)
	}
	e := audit.Of(actor, action, audit.TargetPolicy, policyID, policyID, changes...)
	return audit.Record(ctx, st, &e, change)
}
