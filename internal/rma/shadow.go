package rma

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// Shadow mode (issue 15). An admin puts a stored draft of a pack "in
// shadow": from then on every new claim of that pack is decided by the
// published version, as always (the RMA keeps that decision and nothing
// else changes for anyone), and also, silently, by the draft. Each line's
// comparison (policy.Compare, the what-if's words) is written in the
// transaction that creates the RMA, and collects for an admin to review
// before the draft is published.
//
// The draft is compiled once, when its shadow starts here or when another
// instance sees the packs' generation move (ReloadPolicies); a submission
// only reads the compiled draft from an atomic pointer and decides one
// claim more, about a microsecond a line. A draft that fails to decide a
// claim (it does not load here, or its engine panics) is recorded as a
// failure on that line: the intake never fails for its shadow.

// Why a shadow run ended (ShadowRun.Ended).
const (
	ShadowStopped   = "stopped"   // an admin stopped it
	ShadowReplaced  = "replaced"  // another draft of the pack was put in shadow
	ShadowEdited    = "edited"    // its draft's text changed: start it again to compare the new text
	ShadowPublished = "published" // its draft was published
	ShadowDiscarded = "discarded" // its draft was discarded
)

// ShadowRun is one draft's time in shadow. At most one runs per pack.
type ShadowRun struct {
	ID           int64
	PolicyID     string
	DraftID      int64  // the draft's policy_packs row; it may since be published or discarded
	DraftVersion string // the draft's version number when it started
	Started      time.Time
	StartedBy    string
	Stopped      time.Time // zero while it runs
	StoppedBy    string    // the admin who stopped or replaced it; "" when its draft's change ended it
	Ended        string    // why it stopped (ShadowStopped...); "" while it runs

	// Counted from its lines when read.
	Compared int64 // lines decided by the draft beside the published version
	Changed  int64 // decided otherwise (policy.Compare names an aspect)
	Failed   int64 // the draft did not decide (ShadowLine.Err)
}

// Running reports whether the run still compares new claims.
func (r *ShadowRun) Running() bool { return r.Stopped.IsZero() }

// ShadowLine is one line of a new claim decided again by the draft in
// shadow.
type ShadowLine struct {
	ID     int64 // set when read
	Run    int64
	RMAID  int64 // set when read; the RMA's own ID when written with it
	LineNo int
	// Baseline is the published version that decided the line.
	Baseline string
	// How names the aspects in which the draft decided otherwise
	// (policy.Compare); none when alike.
	How []string
	// Before is the published version's decision, After the draft's. Of a
	// listed line (Listed) the store keeps what the review shows of each:
	// verdict, route, last days, missing documents, expected charges
	// (kind, amount, clause) and reasons; of the others, verdict and route.
	// They read back as decisions with only those fields set.
	Before, After policy.Decision
	// How the last days moved (policy.ShiftOf) and which documents are
	// missing now or no longer: what the review counts by.
	WarrantyShift, WindowShift       string
	DocumentsAdded, DocumentsRemoved []string
	// Err says why the draft did not decide the line; After is then empty.
	Err string

	// Read with the line for the review.
	Number    string // the RMA's number; "" until authorized
	Requester string // the requester's organisation
	Filed     time.Time
}

// Listed reports whether the review lists the line: the draft decided
// otherwise, or did not decide.
func (l *ShadowLine) Listed() bool { return len(l.How) > 0 || l.Err != "" }

// ShadowCount is how many lines of a run were compared alike: a line with
// only the fields the review counts by (Before and After hold only their
// verdicts and routes).
type ShadowCount struct {
	Line  ShadowLine
	Lines int64
}

// ShadowStore keeps shadow runs and their lines. The one store implements
// it and writes an RMA's Shadow with the RMA (CreateRMA, CreateRMAs); its
// PackStore ends a draft's running shadow, in the change's transaction,
// when the draft is edited (ShadowEdited), published or discarded, and
// then moves the packs' generation on.
type ShadowStore interface {
	// StartShadow ends the pack's running shadow, if any (ShadowReplaced,
	// by run.StartedBy), and stores run as the pack's running one, moving
	// the packs' generation on, in one transaction; it sets run's ID and
	// returns the run it replaced (nil when none). ENOTFOUND when the
	// draft is gone, ECONFLICT when it is no longer a draft.
	StartShadow(ctx context.Context, run *ShadowRun) (replaced *ShadowRun, err error)
	// StopShadow ends a running shadow (ShadowStopped) and moves the
	// generation on; ENOTFOUND, or ECONFLICT when it has ended.
	StopShadow(ctx context.Context, id int64, by string, at time.Time) error
	// ShadowRuns lists the runs of a policy ("" every policy's), newest
	// first, with their counts; only the running ones when asked.
	ShadowRuns(ctx context.Context, policyID string, runningOnly bool) ([]ShadowRun, error)
	// ShadowRun reads one run with its counts; ENOTFOUND.
	ShadowRun(ctx context.Context, id int64) (*ShadowRun, error)
	// ShadowTally counts a run's lines by what the review counts by.
	ShadowTally(ctx context.Context, id int64) ([]ShadowCount, error)
	// ShadowLines pages a run's listed lines in the order they were
	// compared: at most limit, with IDs above after.
	ShadowLines(ctx context.Context, id, after int64, limit int) ([]ShadowLine, error)
}

func (s *Service) shadowStore() (ShadowStore, error) {
	ss, ok := s.store.(ShadowStore)
	if !ok {
		return nil, Errorf(EINTERNAL, "this store keeps no shadow runs")
	}
	return ss, nil
}

// liveShadow is a running shadow as this instance decides with it.
type liveShadow struct {
	run     ShadowRun
	draft   *policy.Policy // nil when it does not load here
	loadErr string
}

// shadowSet is every running shadow by policy ID: swapped whole, like the
// policy Set.
type shadowSet map[string]*liveShadow

// loadShadows compiles the running shadows' drafts; a run already
// compiled (by its ID: a run's text never changes, an edit ends it) is
// kept as it is.
func (s *Service) loadShadows(ctx context.Context) (shadowSet, error) {
	ss, ok := s.store.(ShadowStore)
	if !ok {
		return nil, nil
	}
	ps, ok := s.store.(PackStore)
	if !ok {
		return nil, nil
	}
	runs, err := ss.ShadowRuns(ctx, "", true)
	if err != nil {
		return nil, err
	}
	old := s.shadowSet()
	out := shadowSet{}
	for _, run := range runs {
		if live := old[run.PolicyID]; live != nil && live.run.ID == run.ID {
			out[run.PolicyID] = live
			continue
		}
		out[run.PolicyID] = s.compileShadow(ctx, ps, run)
	}
	return out, nil
}

// compileShadow loads a run's draft; one that does not load is kept with
// the reason, which each line it cannot decide records.
func (s *Service) compileShadow(ctx context.Context, ps PackStore, run ShadowRun) *liveShadow {
	live := &liveShadow{run: run}
	v, err := ps.PackVersion(ctx, run.DraftID)
	var p *policy.Policy
	if err == nil {
		p, err = s.LoadPackVersion(v)
	}
	if err != nil {
		live.loadErr = storableText("the draft does not load: " + err.Error())
		return live
	}
	// Asked what it would decide were it in force, whatever its date.
	live.draft = p.AsInForce()
	return live
}

func (s *Service) shadowSet() shadowSet {
	if p := s.shadows.Load(); p != nil {
		return *p
	}
	return nil
}

// shadowDecide decides each line of a new RMA again by the draft its
// pack has in shadow, if any (Submit).
func (s *Service) shadowDecide(r *RMA) {
	live := s.shadowSet()[r.PolicyID]
	if live == nil {
		return
	}
	r.Shadow = make([]ShadowLine, 0, len(r.Lines))
	for i := range r.Lines {
		r.Shadow = append(r.Shadow, live.decide(&r.Lines[i]))
	}
}

// decide is one line's comparison. A panic of the draft's engine is the
// line's failure, never the submission's.
func (live *liveShadow) decide(l *Line) (out ShadowLine) {
	out = ShadowLine{Run: live.run.ID, LineNo: l.No, Baseline: l.Decision.PolicyVersion, Before: l.Decision}
	if live.draft == nil {
		out.Err = live.loadErr
		return out
	}
	defer func() {
		if v := recover(); v != nil {
			out.After, out.How, out.WarrantyShift, out.WindowShift, out.DocumentsAdded, out.DocumentsRemoved = policy.Decision{}, nil, "", "", nil, nil
			out.Err = storableText(fmt.Sprintf("the draft's engine failed: %v", v))
		}
	}()
	out.After = live.draft.Evaluate(EngineClaim(l.Claim, l.PartNumber))
	out.How = policy.Compare(&out.Before, &out.After)
	if len(out.How) > 0 {
		out.WarrantyShift = policy.ShiftOf(out.Before.Warranty.LastDay, out.After.Warranty.LastDay)
		out.WindowShift = policy.ShiftOf(out.Before.Window.LastDay, out.After.Window.LastDay)
		out.DocumentsAdded, out.DocumentsRemoved = policy.DocumentsChanged(&out.Before, &out.After)
	}
	return out
}

// storableText is s as the database keeps text: valid UTF-8, no NUL, a
// few hundred bytes at most (a failure's message is for a person).
func storableText(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if len(s) > 500 {
		cut := 500
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// ShadowStart is what starting a shadow did.
type ShadowStart struct {
	Run      ShadowRun
	Replaced *ShadowRun // the pack's shadow it ended; nil when none
	Already  bool       // the draft was in shadow already: nothing changed
}

// StartShadow puts a draft of a policy in shadow (admins only): every new
// claim of the policy is decided by the draft too, and the differences
// collect for review. The pack's other draft in shadow, if any, is
// replaced (ShadowStart.Replaced says which). A draft in shadow already
// stays as it is.
func (s *Service) StartShadow(ctx context.Context, actor Actor, policyID string, draftID int64) (*ShadowStart, error) {
	d, err := s.Draft(ctx, actor, policyID, draftID)
	if err != nil {
		return nil, err
	}
	ss, err := s.shadowStore()
	if err != nil {
		return nil, err
	}
	running, err := ss.ShadowRuns(ctx, policyID, true)
	if err != nil {
		return nil, err
	}
	for _, run := range running {
		if run.DraftID == draftID {
			return &ShadowStart{Run: run, Already: true}, nil
		}
	}
	// Compiled here first: a draft the desk cannot load (its calendars
	// changed since it was stored) is refused before anything is written.
	if _, err := s.LoadPackVersion(d); err != nil {
		return nil, Invalid("draft", "draft %d does not load: %v", draftID, err)
	}
	run := ShadowRun{PolicyID: policyID, DraftID: draftID, DraftVersion: d.Version, Started: s.now().UTC(), StartedBy: actor.Name}
	replaced, err := ss.StartShadow(ctx, &run)
	if err != nil {
		return nil, err
	}
	// Started: a set that fails to rebuild here is rebuilt by the next
	// refresh, since the generation moved.
	_, _ = s.ReloadPolicies(context.WithoutCancel(ctx))
	return &ShadowStart{Run: run, Replaced: replaced}, nil
}

// StopShadow takes a draft out of shadow (admins only); its comparisons
// stay for review. ENOTFOUND when the draft is not in shadow.
func (s *Service) StopShadow(ctx context.Context, actor Actor, policyID string, draftID int64) (*ShadowRun, error) {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return nil, err
	}
	ss, err := s.shadowStore()
	if err != nil {
		return nil, err
	}
	running, err := ss.ShadowRuns(ctx, policyID, true)
	if err != nil {
		return nil, err
	}
	for _, run := range running {
		if run.DraftID != draftID {
			continue
		}
		now := s.now().UTC()
		if err := ss.StopShadow(ctx, run.ID, actor.Name, now); err != nil {
			return nil, err
		}
		_, _ = s.ReloadPolicies(context.WithoutCancel(ctx))
		run.Stopped, run.StoppedBy, run.Ended = now, actor.Name, ShadowStopped
		return &run, nil
	}
	return nil, Errorf(ENOTFOUND, "draft %d of policy %s is not in shadow", draftID, policyID)
}

// ShadowRuns lists a policy's shadow runs, newest first, with their
// counts (admins only); policyID "" lists every policy's.
func (s *Service) ShadowRuns(ctx context.Context, actor Actor, policyID string, runningOnly bool) ([]ShadowRun, error) {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return nil, err
	}
	ss, err := s.shadowStore()
	if err != nil {
		return nil, err
	}
	return ss.ShadowRuns(ctx, policyID, runningOnly)
}

// ShadowRun reads one run of a policy with its counts (admins only);
// ENOTFOUND when it is not that policy's.
func (s *Service) ShadowRun(ctx context.Context, actor Actor, policyID string, id int64) (*ShadowRun, error) {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return nil, err
	}
	ss, err := s.shadowStore()
	if err != nil {
		return nil, err
	}
	run, err := ss.ShadowRun(ctx, id)
	if err != nil {
		return nil, err
	}
	if run.PolicyID != policyID {
		return nil, Errorf(ENOTFOUND, "policy %s has no shadow %d", policyID, id)
	}
	return run, nil
}

// MaxShadowPage bounds a page of a run's listed lines.
const MaxShadowPage = 500

// ShadowReview reads what a run found (admins only): its counts by what
// changed, and a page of its listed lines after the line ID after (0: the
// first), at most limit (MaxShadowPage).
func (s *Service) ShadowReview(ctx context.Context, actor Actor, policyID string, id, after int64, limit int) (*ShadowRun, []ShadowCount, []ShadowLine, error) {
	run, err := s.ShadowRun(ctx, actor, policyID, id)
	if err != nil {
		return nil, nil, nil, err
	}
	if after < 0 {
		return nil, nil, nil, Invalid("after", "must not be negative")
	}
	if limit < 1 || limit > MaxShadowPage {
		return nil, nil, nil, Invalid("limit", "must be between 1 and %d", MaxShadowPage)
	}
	ss, _ := s.shadowStore()
	counts, err := ss.ShadowTally(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	lines, err := ss.ShadowLines(ctx, id, after, limit)
	if err != nil {
		return nil, nil, nil, err
	}
	return run, counts, lines, nil
}

// LoadShadows reads the running shadows and compiles their drafts, for a
// service whose Set does not come from ReloadPolicies (an import's).
func (s *Service) LoadShadows(ctx context.Context) error {
	sh, err := s.loadShadows(ctx)
	if err != nil {
		return err
	}
	s.shadows.Store(&sh)
	return nil
}

// Shadows are the drafts a service decides in shadow with, compiled: a
// bulk load files through a service of its own (over a store that keeps
// its writes for a batch), which takes them with WithShadows.
type Shadows struct{ set shadowSet }

// Shadows returns the drafts s decides in shadow with now.
func (s *Service) Shadows() *Shadows { return &Shadows{s.shadowSet()} }

// WithShadows has a service decide in shadow with sh.
func WithShadows(sh *Shadows) Option {
	return func(s *Service) {
		if sh != nil {
			s.shadows.Store(&sh.set)
		}
	}
}
