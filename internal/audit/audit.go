// Package audit owns the desk's audit log: who did which administrative
// action (an invitation, a role changed, a key made or revoked, an
// organisation or a policy changed), to what, when, and what changed.
// RMAs keep their own history (rma.Event); this log is for the accounts
// and settings around them.
//
// An entry is written in the same transaction as the change it records
// wherever the change is one write to the store: Record carries the entry
// in the context, and the store (internal/store) appends it inside the
// first write transaction made with that context, so a change is never
// made without its entry nor an entry kept for a change that failed. A
// change that writes nothing to the store gets its entry on its own, once
// the change has succeeded.
package audit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Actions the desk records. An action is a dotted name, the kind of thing
// acted on first, so a filter by "user." finds every user action. Other
// packages add their own in the same form.
const (
	UserInvite       = "user.invite"
	UserInviteResend = "user.invite_resend"
	UserInviteAccept = "user.invite_accept"
	UserRole         = "user.role"
	UserDisable      = "user.disable"
	UserEnable       = "user.enable"
	UserSessionsEnd  = "user.sessions_end"
	KeyCreate        = "key.create"
	KeyRevoke        = "key.revoke"
	// The serial registry (issue 16): a load of units, the public
	// warranty check's settings.
	RegistryImport        = "registry.import"
	RegistryCheckSettings = "registry.check_settings"
)

// A page of the log holds DefaultLimit entries unless asked for up to
// MaxLimit.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// What one entry may hold.
const (
	maxActionBytes    = 100
	maxFilterBytes    = 200
	maxChangeText     = 2000
	maxChangesInEntry = 100
)

// Kinds of target, the first part of their actions.
const (
	TargetUser   = "user"
	TargetKey    = "key"
	TargetOrg    = "org"
	TargetPolicy = "policy"
	// TargetRegistry is the serial registry (issue 16).
	TargetRegistry = "registry"
)

// Change is one field an action changed, as text a person reads: a role
// from "agent" to "admin", a key's "revoked" from "" to its time. From is
// empty for a value set where there was none, To for one removed.
type Change struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Entry is one action in the log.
type Entry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`     // when it was made, wall-clock time in UTC (never the desk's test clock)
	Action string    `json:"action"` // user.invite, key.revoke, ...

	// Who acted, as authentication named them (rma.Actor): a user of the
	// portal, an API key, or "system" for the command line.
	ActorOrgID  int64  `json:"actor_org_id"`
	ActorUserID int64  `json:"actor_user_id"` // 0 for a key without a user, or the system
	ActorKeyID  int64  `json:"actor_key_id"`  // 0 for a signed-in user
	ActorName   string `json:"actor"`

	// What was acted on: its kind (TargetUser...), its ID as text (a
	// user's number, a key's prefix, a policy's id), and the name a person
	// knows it by (an email, an organisation's name).
	TargetKind string `json:"target_kind"`
	TargetID   string `json:"target_id"`
	TargetName string `json:"target"`

	Changes []Change `json:"changes"`
}

// Filter selects entries. Every field is optional; the entries come newest
// first, one page at a time.
type Filter struct {
	// Action is an action ("user.role"), or every action of a kind when it
	// ends with a dot ("user.").
	Action string
	// Actor is the actor's name, in any case (rma.NameKey).
	Actor string
	// Target is the target's name in any case, or its ID.
	Target string
	// From and To bound At: From included, To excluded.
	From, To time.Time
	Cursor   string // from the previous page
	Limit    int    // 1..MaxLimit; 0 means DefaultLimit
}

// Check refuses a filter no store can answer: text that is too long or no
// text at all, a limit out of range, a range that ends before it starts.
func (f Filter) Check() error {
	for _, v := range []struct{ field, s string }{{"action", f.Action}, {"actor", f.Actor}, {"target", f.Target}, {"cursor", f.Cursor}} {
		if err := rma.CheckText(v.field, v.s, maxFilterBytes); err != nil {
			return err
		}
	}
	if f.Limit < 0 || f.Limit > MaxLimit {
		return rma.Invalid("limit", "must be between 1 and %d", MaxLimit)
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return rma.Invalid("to", "the range ends before it starts")
	}
	return nil
}

// Store keeps the log. Both databases implement it (internal/store), and
// the conformance suite (internal/store/storetest) checks them alike.
type Store interface {
	// AppendAudit stores e and sets its ID, and its At when zero.
	AppendAudit(ctx context.Context, e *Entry) error
	// AuditLog returns one page of entries, newest first, and the cursor
	// of the next page ("" at the end). Pages are cut by keyset: entries
	// added while someone pages neither repeat nor hide one.
	AuditLog(ctx context.Context, f Filter) ([]Entry, string, error)
}

// Valid refuses an entry the log cannot keep: no action, no actor, or
// text that is no text.
func (e *Entry) Valid() error {
	if e.Action == "" || len(e.Action) > maxActionBytes || strings.TrimSpace(e.Action) != e.Action {
		return rma.Invalid("action", "required: a dotted name such as user.invite")
	}
	if e.ActorName == "" {
		return rma.Invalid("actor", "required")
	}
	if len(e.Changes) > maxChangesInEntry {
		return rma.Invalid("changes", "at most %d", maxChangesInEntry)
	}
	texts := []struct{ field, s string }{{"action", e.Action}, {"actor", e.ActorName}, {"target_kind", e.TargetKind},
		{"target_id", e.TargetID}, {"target", e.TargetName}}
	for _, c := range e.Changes {
		texts = append(texts, struct{ field, s string }{"changes.field", c.Field},
			struct{ field, s string }{"changes.from", c.From}, struct{ field, s string }{"changes.to", c.To})
	}
	for _, t := range texts {
		if err := rma.CheckText(t.field, t.s, maxChangeText); err != nil {
			return err
		}
	}
	return nil
}

// Of starts an entry for an action of actor on a target.
func Of(actor rma.Actor, action, targetKind, targetID, targetName string, changes ...Change) Entry {
	name := actor.Name
	switch {
	case name != "":
	case actor.KeyID != 0:
		name = fmt.Sprintf("key %d", actor.KeyID)
	case actor.UserID != 0:
		name = fmt.Sprintf("user %d", actor.UserID)
	default:
		name = rma.System.Name
	}
	return Entry{Action: action, ActorOrgID: actor.OrgID, ActorUserID: actor.UserID, ActorKeyID: actor.KeyID,
		ActorName: name, TargetKind: targetKind, TargetID: targetID, TargetName: targetName, Changes: changes}
}

// pending is an entry travelling in a context to the write that records it.
type pending struct {
	entry    *Entry
	recorded bool
	named    bool // NameTarget set the entry's TargetID
}

type pendingKey struct{}

// Unrecorded is for the store: the entry ctx carries that no committed
// write has recorded yet (nil when there is none), and the function to
// call once the write that appended it has committed. A store appends the
// entry inside its write transaction; a write that is retried appends it
// again in its new attempt, as it is one entry until committed.
func Unrecorded(ctx context.Context) (e *Entry, committed func()) {
	p, _ := ctx.Value(pendingKey{}).(*pending)
	if p == nil || p.recorded {
		return nil, nil
	}
	return p.entry, func() { p.recorded = true }
}

// NameTarget is for a store method that creates the target of the change
// being recorded (a user invited): it gives the entry ctx carries the new
// target's ID, when the entry has none of its own, before the entry is
// appended in the same transaction. A retried transaction names it again.
func NameTarget(ctx context.Context, id string) {
	p, _ := ctx.Value(pendingKey{}).(*pending)
	if p == nil || p.recorded || p.entry.TargetID != "" && !p.named {
		return
	}
	p.entry.TargetID, p.named = id, true
}

// Record makes an administrative change and records it: e (see Of) is
// appended to the log in the transaction of change's first write to st
// made with the context change is given, so both are kept or neither; a
// change that wrote nothing gets e appended after it. When change fails,
// nothing is recorded and its error is returned. A nil change records e
// alone.
//
// The entry's At is set by the store when left zero; e's ID and At are
// set once Record returns nil.
func Record(ctx context.Context, st Store, e *Entry, change func(ctx context.Context) error) error {
	if err := e.Valid(); err != nil {
		return err
	}
	if change == nil {
		return st.AppendAudit(ctx, e)
	}
	p := &pending{entry: e}
	if err := change(context.WithValue(ctx, pendingKey{}, p)); err != nil {
		return err
	}
	if p.recorded {
		return nil
	}
	// Nothing the change did was written with the entry: it changed
	// nothing in the store (a value set to what it was), or not through
	// it. The entry still says it was done.
	return st.AppendAudit(context.WithoutCancel(ctx), e)
}
