package rma

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// Policies managed in the desk (issue 15). Every version of every pack is a
// row of the store with its YAML and translations: published versions make
// the desk's policy Set, drafts are edited and linted until an admin
// publishes one for a date. A published version is never changed or
// removed, because RMAs name the version they were decided by and are read
// and re-evaluated by it for as long as they exist.

// PackState is where a stored pack version stands.
type PackState string

const (
	PackDraft     PackState = "draft"     // edited, linted, not used to decide anything
	PackPublished PackState = "published" // in the desk's Set; never changed again
	PackRetired   PackState = "retired"   // withdrawn before it took effect: kept, never loaded
)

// PackVersion is one stored version of a policy pack.
type PackVersion struct {
	ID            int64
	PolicyID      string
	Version       string
	EffectiveFrom calendar.Date
	Source        string            // the pack's YAML
	Translations  map[string]string // by language: the translation's YAML
	State         PackState
	Origin        string // "embedded", "dir" or "upload": where the text came from
	CreatedBy     string
	Created       time.Time
	Updated       time.Time
	PublishedBy   string
	Published     time.Time // zero for a draft
	RetiredBy     string
	Retired       time.Time // zero unless retired
}

// PackStore keeps the desk's policy packs. The one store implements it;
// storetest holds it to the contract.
type PackStore interface {
	// PackVersions lists the stored versions of policyID ("" for every
	// policy), by policy ID and then effective date, drafts included.
	PackVersions(ctx context.Context, policyID string) ([]PackVersion, error)
	// PackVersion reads one by its row ID; ENOTFOUND.
	PackVersion(ctx context.Context, id int64) (*PackVersion, error)
	// CreatePackVersion stores v and sets its ID and times; ECONFLICT when
	// the policy has a version (draft or published) of that number.
	CreatePackVersion(ctx context.Context, v *PackVersion) error
	// UpdateDraft rewrites a draft's version, date, source and
	// translations; ENOTFOUND without the draft, ECONFLICT when the row is
	// no longer a draft or the version number is taken. A new source ends
	// the draft's shadow (ShadowEdited, shadow.go) in the same transaction.
	UpdateDraft(ctx context.Context, v *PackVersion) error
	// PublishDraft makes a draft published with its final source and date
	// and moves the generation on, in one transaction; ECONFLICT when it
	// is no longer a draft or another version takes effect that day. It
	// ends the draft's shadow (ShadowPublished).
	PublishDraft(ctx context.Context, v *PackVersion) error
	// RetirePackVersion withdraws a published version and moves the
	// generation on; ENOTFOUND, or ECONFLICT when it is not published.
	RetirePackVersion(ctx context.Context, id int64, by string, at time.Time) error
	// DeleteDraft removes a draft; ENOTFOUND, or ECONFLICT when published.
	// It ends the draft's shadow (ShadowDiscarded), whose lines stay.
	DeleteDraft(ctx context.Context, id int64) error
	// PacksGeneration moves on with every publication (and every version
	// created published): an instance that reads another number rebuilds
	// its Set.
	PacksGeneration(ctx context.Context) (int64, error)
}

// DraftError is a draft the loader refused: every finding with its file,
// line and column. The API answers it 422 with the findings; the portal
// shows each beside its line.
type DraftError struct {
	Issues []policy.Issue
}

func (e *DraftError) Error() string {
	if len(e.Issues) == 0 {
		return "the draft has problems"
	}
	return (&policy.LoadError{Issues: e.Issues}).Error()
}

func (s *Service) packs() (PackStore, error) {
	ps, ok := s.store.(PackStore)
	if !ok {
		return nil, Errorf(EINTERNAL, "this store keeps no policy packs")
	}
	return ps, nil
}

// packName is the file name a stored pack is loaded and reported under.
func packName(policyID string) string { return policyID + ".yaml" }

// LoadPackVersion compiles a stored version with its translations and the
// desk's calendars.
func (s *Service) LoadPackVersion(v *PackVersion) (*policy.Policy, error) {
	tr := make(map[string][]byte, len(v.Translations))
	for lang, src := range v.Translations {
		tr[lang] = []byte(src)
	}
	p, err := policy.LoadPack(packName(v.PolicyID), []byte(v.Source), tr)
	if err != nil {
		return nil, err
	}
	if s.calendars != nil {
		return p.WithCalendars(s.calendars)
	}
	return p, nil
}

// ReloadPolicies builds the Set from the published versions and swaps it
// in at once: a request holds the Set it started with, and every version
// an RMA names stays in every later Set. It returns the generation read.
func (s *Service) ReloadPolicies(ctx context.Context) (int64, error) {
	ps, err := s.packs()
	if err != nil {
		return 0, err
	}
	gen, err := ps.PacksGeneration(ctx)
	if err != nil {
		return 0, err
	}
	vs, err := ps.PackVersions(ctx, "")
	if err != nil {
		return 0, err
	}
	var loaded []*policy.Policy
	for _, v := range vs {
		if v.State != PackPublished {
			continue
		}
		p, err := s.LoadPackVersion(&v)
		if err != nil {
			return 0, fmt.Errorf("policy %s version %s: %w", v.PolicyID, v.Version, err)
		}
		loaded = append(loaded, p)
	}
	set, err := policy.NewSet(loaded)
	if err != nil {
		return 0, err
	}
	if len(set.All()) == 0 {
		// ENOTFOUND: a desk never served has none yet, and the commands
		// that can work without tell it apart from a failure.
		return 0, Errorf(ENOTFOUND, "no published policy pack in the store")
	}
	// The running shadows, compiled against the same calendars; read after
	// the generation like the versions, so a start missed here moves it
	// again.
	shadows, err := s.loadShadows(ctx)
	if err != nil {
		return 0, err
	}
	s.policies.Store(set)
	s.shadows.Store(&shadows)
	s.packsGen.Store(gen)
	return gen, nil
}

// RefreshPolicies rebuilds the Set when another instance published since
// the last build (the generation moved); serve calls it every few seconds.
func (s *Service) RefreshPolicies(ctx context.Context) (bool, error) {
	ps, err := s.packs()
	if err != nil {
		return false, err
	}
	gen, err := ps.PacksGeneration(ctx)
	if err != nil || gen == s.packsGen.Load() {
		return false, err
	}
	_, err = s.ReloadPolicies(ctx)
	return err == nil, err
}

// SeedPacks adds the packs of files (the embedded seeds, or --dir) that
// the store lacks, published, and never overwrites a stored version: on
// the first start it fills the empty table, on later starts it adds a
// newer version the binary or the directory brings. A version whose number
// is stored with other text, or whose effective date another stored
// version has, is skipped and logged: the stored one stays.
func (s *Service) SeedPacks(ctx context.Context, files []policy.PackFile, origin string, log *slog.Logger) (added int, err error) {
	ps, err := s.packs()
	if err != nil {
		return 0, err
	}
	stored, err := ps.PackVersions(ctx, "")
	if err != nil {
		return 0, err
	}
	for _, f := range files {
		p, err := policy.LoadPack(f.Name, f.Source, f.Translations)
		if err != nil {
			return added, fmt.Errorf("%s: %w", origin, err)
		}
		skip := ""
		for _, v := range stored {
			if v.PolicyID != p.ID {
				continue
			}
			switch {
			case v.Version == p.Version && v.Source != string(f.Source):
				skip = "the stored version " + v.Version + " has other text; give the file a new version"
			case v.Version == p.Version:
				skip = "-"
			case v.EffectiveFrom == p.EffectiveFrom:
				skip = "stored version " + v.Version + " takes effect that day"
			}
			if skip != "" {
				break
			}
		}
		if skip != "" {
			if skip != "-" && log != nil {
				log.Warn("policy pack not loaded", "file", f.Name, "policy", p.ID, "version", p.Version, "reason", skip)
			}
			continue
		}
		tr := map[string]string{}
		for lang, src := range f.Translations {
			tr[lang] = string(src)
		}
		now := s.now().UTC()
		v := &PackVersion{PolicyID: p.ID, Version: p.Version, EffectiveFrom: p.EffectiveFrom, Source: string(f.Source),
			Translations: tr, State: PackPublished, Origin: origin, CreatedBy: "system", PublishedBy: "system", Published: now}
		if err := ps.CreatePackVersion(ctx, v); err != nil {
			if ErrorCode(err) == ECONFLICT {
				continue // another instance starting at the same time added it
			}
			return added, err
		}
		stored = append(stored, *v)
		added++
	}
	return added, nil
}

// PackVersions lists the stored versions of one policy (admins only).
func (s *Service) PackVersions(ctx context.Context, actor Actor, policyID string) ([]PackVersion, error) {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return nil, err
	}
	ps, err := s.packs()
	if err != nil {
		return nil, err
	}
	vs, err := ps.PackVersions(ctx, policyID)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, Errorf(ENOTFOUND, "no policy %q", policyID)
	}
	return vs, nil
}

// Draft reads one draft of a policy (admins only); ENOTFOUND when the ID
// is not a draft of that policy.
func (s *Service) Draft(ctx context.Context, actor Actor, policyID string, id int64) (*PackVersion, error) {
	v, err := s.packVersion(ctx, actor, policyID, id)
	if err != nil {
		return nil, err
	}
	if v.State != PackDraft {
		return nil, Errorf(ENOTFOUND, "policy %s has no draft %d", policyID, id)
	}
	return v, nil
}

func (s *Service) packVersion(ctx context.Context, actor Actor, policyID string, id int64) (*PackVersion, error) {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return nil, err
	}
	ps, err := s.packs()
	if err != nil {
		return nil, err
	}
	v, err := ps.PackVersion(ctx, id)
	if err != nil {
		return nil, err
	}
	if v.PolicyID != policyID {
		return nil, Errorf(ENOTFOUND, "policy %s has no draft %d", policyID, id)
	}
	return v, nil
}

// DraftInput is a draft as an admin gives it: the pack's YAML, and
// optionally a version number and an effective date that replace the
// YAML's own, and translations (by language). Translations left nil are
// carried over from the newest stored version, their version line
// rewritten to the draft's.
type DraftInput struct {
	Source        string
	Version       string // "" keeps the YAML's
	EffectiveFrom string // "" keeps the YAML's
	Translations  map[string]string
}

// MaxPackBytes bounds a draft's YAML, as the loader does.
const MaxPackBytes = 4 << 20

// prepareDraft checks a draft: the YAML loads with its translations, names
// the policy of the URL, and takes a version no stored version has.
func (s *Service) prepareDraft(ctx context.Context, ps PackStore, policyID string, in DraftInput, self int64) (*PackVersion, error) {
	if strings.TrimSpace(in.Source) == "" {
		return nil, Invalid("source", "required: the pack's YAML")
	}
	if len(in.Source) > MaxPackBytes {
		return nil, Invalid("source", "larger than %d bytes", MaxPackBytes)
	}
	src := []byte(in.Source)
	if v := strings.TrimSpace(in.Version); v != "" {
		src = policy.SetTopLevel(src, "version", v)
	}
	if d := strings.TrimSpace(in.EffectiveFrom); d != "" {
		if _, err := calendar.ParseDate(d); err != nil {
			return nil, Invalid("effective_from", "%q is not a date (YYYY-MM-DD)", d)
		}
		src = policy.SetTopLevel(src, "effective_from", d)
	}
	stored, err := ps.PackVersions(ctx, policyID)
	if err != nil {
		return nil, err
	}
	if len(stored) == 0 {
		return nil, Errorf(ENOTFOUND, "no policy %q", policyID)
	}
	tr := in.Translations
	if tr == nil {
		tr = map[string]string{}
		var newest *PackVersion
		for i := range stored {
			if stored[i].State == PackPublished && (newest == nil || stored[i].EffectiveFrom > newest.EffectiveFrom) {
				newest = &stored[i]
			}
		}
		if newest != nil {
			maps.Copy(tr, newest.Translations)
		}
	}
	// The pack is loaded first for its version, to which the translations
	// are then set: they name the version they were checked against.
	p, err := policy.Load(packName(policyID), src)
	if err != nil {
		var le *policy.LoadError
		if errors.As(err, &le) {
			return nil, &DraftError{Issues: le.Issues}
		}
		return nil, err
	}
	trb := map[string][]byte{}
	out := map[string]string{}
	for lang, t := range tr {
		b := policy.SetTopLevel([]byte(t), "version", p.Version)
		trb[lang], out[lang] = b, string(b)
	}
	if _, err := policy.LoadPack(packName(policyID), src, trb); err != nil {
		var le *policy.LoadError
		if errors.As(err, &le) {
			return nil, &DraftError{Issues: le.Issues}
		}
		return nil, err
	}
	if p.ID != policyID {
		return nil, &DraftError{Issues: []policy.Issue{issueAt(src, packName(policyID), "id", fmt.Sprintf("%q is not this policy's id %q", p.ID, policyID))}}
	}
	for _, v := range stored {
		if v.ID != self && v.Version == p.Version {
			return nil, &DraftError{Issues: []policy.Issue{issueAt(src, packName(policyID), "version",
				fmt.Sprintf("version %q is taken (%s); give the draft a new version number", p.Version, v.State))}}
		}
	}
	return &PackVersion{PolicyID: policyID, Version: p.Version, EffectiveFrom: p.EffectiveFrom, Source: string(src), Translations: out, State: PackDraft, Origin: "upload"}, nil
}

// issueAt is a finding on a top-level key, on its line.
func issueAt(src []byte, file, key, msg string) policy.Issue {
	is := policy.Issue{File: file, Path: key, Msg: msg}
	for i, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, key+":") {
			is.Line, is.Column = i+1, 1
			break
		}
	}
	return is
}

// SaveDraft stores a new draft of a policy (admins only): a *DraftError
// lists the loader's findings by line, and nothing is stored.
func (s *Service) SaveDraft(ctx context.Context, actor Actor, policyID string, in DraftInput) (*PackVersion, error) {
	if err := authorize(actor, nil, OpAdminister); err != nil {
		return nil, err
	}
	ps, err := s.packs()
	if err != nil {
		return nil, err
	}
	v, err := s.prepareDraft(ctx, ps, policyID, in, 0)
	if err != nil {
		return nil, err
	}
	v.CreatedBy = actor.Name
	v.Created = s.now().UTC()
	if err := ps.CreatePackVersion(ctx, v); err != nil {
		return nil, err
	}
	return v, nil
}

// UpdateDraft replaces a draft's text (admins only), checked as SaveDraft
// checks a new one.
func (s *Service) UpdateDraft(ctx context.Context, actor Actor, policyID string, id int64, in DraftInput) (*PackVersion, error) {
	old, err := s.Draft(ctx, actor, policyID, id)
	if err != nil {
		return nil, err
	}
	ps, _ := s.packs()
	if in.Translations == nil {
		in.Translations = old.Translations
	}
	v, err := s.prepareDraft(ctx, ps, policyID, in, id)
	if err != nil {
		return nil, err
	}
	v.ID, v.CreatedBy, v.Created = old.ID, old.CreatedBy, old.Created
	if err := ps.UpdateDraft(ctx, v); err != nil {
		return nil, err
	}
	// An edit ends the draft's shadow (the store moved the generation):
	// its comparisons were of the old text.
	_, _ = s.RefreshPolicies(context.WithoutCancel(ctx))
	return v, nil
}

// DiscardDraft deletes a draft (admins only).
func (s *Service) DiscardDraft(ctx context.Context, actor Actor, policyID string, id int64) (*PackVersion, error) {
	v, err := s.Draft(ctx, actor, policyID, id)
	if err != nil {
		return nil, err
	}
	ps, _ := s.packs()
	if err := ps.DeleteDraft(ctx, id); err != nil {
		return nil, err
	}
	_, _ = s.RefreshPolicies(context.WithoutCancel(ctx)) // its shadow, if any, ended
	return v, nil
}

// PublishOptions say when a published draft takes effect.
type PublishOptions struct {
	// EffectiveFrom replaces the draft's date ("" keeps it).
	EffectiveFrom string
	// AllowPast lets it take effect before today, which changes the
	// version claims reported on those days would be judged by; RMAs
	// already decided keep theirs either way.
	AllowPast bool
}

// PublishDraft publishes a draft for its date (admins only): from then on
// the desk's Set holds it, and claims reported on or after its date are
// decided by it. The Set is rebuilt at once here; other instances rebuild
// theirs when they see the generation move.
func (s *Service) PublishDraft(ctx context.Context, actor Actor, policyID string, id int64, opt PublishOptions) (*PackVersion, error) {
	old, err := s.Draft(ctx, actor, policyID, id)
	if err != nil {
		return nil, err
	}
	ps, _ := s.packs()
	in := DraftInput{Source: old.Source, EffectiveFrom: opt.EffectiveFrom, Translations: old.Translations}
	v, err := s.prepareDraft(ctx, ps, policyID, in, id)
	if err != nil {
		return nil, err
	}
	if today := s.Today(); v.EffectiveFrom < today && !opt.AllowPast {
		return nil, Invalid("effective_from", "%s is before today (%s): a version takes effect today or later", v.EffectiveFrom, today)
	}
	if cur := s.Policies(); cur != nil {
		for _, p := range cur.All() {
			if p.ID == policyID && p.EffectiveFrom == v.EffectiveFrom {
				return nil, Invalid("effective_from", "version %s takes effect on %s already; choose another day", p.Version, v.EffectiveFrom)
			}
		}
	}
	// The set it will make must load before anything is written.
	p, err := s.LoadPackVersion(v)
	if err != nil {
		return nil, err
	}
	if cur := s.Policies(); cur != nil {
		if _, err := policy.NewSet(append(slices.Clone(cur.All()), p)); err != nil {
			return nil, Invalid("effective_from", "%v", err)
		}
	}
	v.ID, v.CreatedBy, v.Created, v.Origin = old.ID, old.CreatedBy, old.Created, old.Origin
	v.State, v.PublishedBy, v.Published = PackPublished, actor.Name, s.now().UTC()
	if err := ps.PublishDraft(ctx, v); err != nil {
		return nil, err
	}
	// It is published: a Set that fails to rebuild here (an outage) is
	// rebuilt by the next refresh, since the generation moved.
	_, _ = s.ReloadPolicies(context.WithoutCancel(ctx))
	return v, nil
}

// PackDiffPair finds the two versions to compare (admins only): each named
// by its version number or as draft:ID; from defaults to the version in
// force today.
func (s *Service) PackDiffPair(ctx context.Context, actor Actor, policyID, from, to string) (a, b *PackVersion, err error) {
	vs, err := s.PackVersions(ctx, actor, policyID)
	if err != nil {
		return nil, nil, err
	}
	if from == "" {
		if p := s.Policies().InForce(policyID, s.Today()); p != nil {
			from = p.Version
		}
	}
	if to == "" {
		return nil, nil, Invalid("to", "required: a version number, or draft:ID")
	}
	find := func(field, ref string) (*PackVersion, error) {
		for i := range vs {
			if d, ok := strings.CutPrefix(ref, "draft:"); ok {
				if vs[i].State == PackDraft && fmt.Sprint(vs[i].ID) == d {
					return &vs[i], nil
				}
				continue
			}
			if vs[i].Version == ref {
				return &vs[i], nil
			}
		}
		return nil, Invalid(field, "policy %s has no version %q (a version number, or draft:ID)", policyID, ref)
	}
	if a, err = find("from", from); err != nil {
		return nil, nil, err
	}
	if b, err = find("to", to); err != nil {
		return nil, nil, err
	}
	return a, b, nil
}

// RetireVersion withdraws a published version that has not taken effect
// (admins only): a version published for the wrong day, or not wanted
// after all. Until its day no claim is decided by it, so no RMA names it
// and it can leave the Set; one that took effect stays for ever.
func (s *Service) RetireVersion(ctx context.Context, actor Actor, policyID, version string) (*PackVersion, error) {
	vs, err := s.PackVersions(ctx, actor, policyID)
	if err != nil {
		return nil, err
	}
	var v *PackVersion
	for i := range vs {
		if vs[i].Version == version && vs[i].State != PackDraft {
			v = &vs[i]
		}
	}
	switch {
	case v == nil:
		return nil, Errorf(ENOTFOUND, "policy %s has no published version %q", policyID, version)
	case v.State != PackPublished:
		return nil, Errorf(ECONFLICT, "policy %s version %s is %s already", policyID, version, v.State)
	case v.EffectiveFrom <= s.Today():
		return nil, Errorf(ECONFLICT, "policy %s version %s took effect on %s: RMAs may name it, so it stays; publish a newer version instead", policyID, version, v.EffectiveFrom)
	}
	ps, _ := s.packs()
	now := s.now().UTC()
	if err := ps.RetirePackVersion(ctx, v.ID, actor.Name, now); err != nil {
		return nil, err
	}
	v.State, v.RetiredBy, v.Retired = PackRetired, actor.Name, now
	_, _ = s.ReloadPolicies(context.WithoutCancel(ctx)) // as PublishDraft: the next refresh retries
	return v, nil
}
