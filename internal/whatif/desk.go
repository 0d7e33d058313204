package whatif

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// ActionWhatIf is the audit log's action for a what-if run.
const ActionWhatIf = "policy.whatif"

// DraftSource gives a draft's YAML: text pasted or uploaded (Pasted), or,
// once the desk keeps drafts in its database, a stored draft, which only
// needs to implement this.
type DraftSource interface {
	// DraftYAML returns a name for messages (a file name, "draft 3") and
	// the YAML, for a draft of policyID; an unknown draft is ENOTFOUND.
	DraftYAML(ctx context.Context, policyID string) (name string, yaml []byte, err error)
}

// Pasted is a draft given as text.
type Pasted struct {
	Name string // shown in lint findings; "draft.yaml" when empty
	YAML []byte
}

// DraftYAML returns the text.
func (p Pasted) DraftYAML(context.Context, string) (string, []byte, error) {
	name := p.Name
	if strings.TrimSpace(name) == "" {
		name = "draft.yaml"
	}
	if len(strings.TrimSpace(string(p.YAML))) == 0 {
		return name, nil, rma.Invalid("draft", "required: the draft policy's YAML")
	}
	return name, p.YAML, nil
}

// Desk runs what-ifs for the API and the portal alike: who may, which
// draft, the replay, and its line in the audit log.
type Desk struct {
	History  History
	Policies *policy.Set
	Audit    audit.Store // nil: not recorded
	// Calendars are the desk's calendar files, which its packs use
	// (policy.Set.WithCalendars); nil: the built-in ones.
	Calendars *calendar.Set
}

// Request is one what-if run.
type Request struct {
	Query   Query
	Draft   DraftSource
	Options Options
}

// LintError is a draft that does not load: its findings, each with its
// line.
type LintError struct {
	Name   string
	Issues []policy.Issue
}

func (e *LintError) Error() string {
	return (&policy.LoadError{Issues: e.Issues}).Error()
}

// Run checks that actor may replay history (agents and admins), loads the
// draft (a *LintError when it has problems), replays the history of
// req.Query.PolicyID under it and records the run.
func (d *Desk) Run(ctx context.Context, actor rma.Actor, req Request) (*Report, error) {
	if !rma.Can(actor.Role, rma.OpWhatIf) {
		return nil, rma.Errorf(rma.EFORBIDDEN, "role %s may not %s", actor.Role, rma.OpWhatIf)
	}
	id := req.Query.PolicyID
	if d.Policies.Latest(id) == nil {
		return nil, rma.Errorf(rma.ENOTFOUND, "no policy %q", id)
	}
	if !req.Query.From.IsZero() && !req.Query.To.IsZero() && req.Query.To < req.Query.From {
		return nil, rma.Invalid("to", "%s is before from %s", req.Query.To, req.Query.From)
	}
	if req.Draft == nil {
		return nil, rma.Invalid("draft", "required: the draft policy's YAML")
	}
	name, yaml, err := req.Draft.DraftYAML(ctx, id)
	if err != nil {
		return nil, err
	}
	// A browser sends a textarea's lines ending in CRLF, which the YAML
	// parser counts wrongly past a folded block: findings would name the
	// wrong lines.
	yaml = bytes.ReplaceAll(yaml, []byte("\r\n"), []byte("\n"))
	draft, err := policy.Load(name, yaml)
	var le *policy.LoadError
	if errors.As(err, &le) {
		return nil, &LintError{Name: name, Issues: le.Issues}
	}
	if err != nil {
		return nil, err
	}
	if draft.ID != id {
		return nil, rma.Invalid("draft", "the draft is of policy %q, not of %q", draft.ID, id)
	}
	if d.Calendars != nil { // the desk's calendar files, as its packs use them
		if draft, err = draft.WithCalendars(d.Calendars); err != nil {
			return nil, rma.Invalid("draft", "%v", err)
		}
	}
	rep, err := Replay(ctx, d.History, req.Query, draft, d.Policies, req.Options)
	if err != nil {
		return nil, err
	}
	if d.Audit != nil {
		span := req.Query.From.String() + ".." + req.Query.To.String()
		e := audit.Of(actor, ActionWhatIf, audit.TargetPolicy, id, id,
			audit.Change{Field: "draft", To: fmt.Sprintf("%s version %s", name, draft.Version)},
			audit.Change{Field: "range", To: span},
			audit.Change{Field: "changed", To: fmt.Sprintf("%d of %d lines", rep.Changed, rep.Lines)})
		if err := audit.Record(ctx, d.Audit, &e, nil); err != nil {
			return nil, fmt.Errorf("recording the what-if: %w", err)
		}
	}
	return rep, nil
}
