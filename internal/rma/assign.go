package rma

import "context"

// An RMA is held by one person of the desk at a time (the assignee), so a
// queue can say whose it is and show each their own ("mine"); and the
// desk sees which RMAs have a requester's message it has not read yet.
// Neither is part of an RMA's save: assigning is its own write, with its
// own event and version, and the unread marker is set by the requester's
// message and cleared when someone of the desk opens the RMA.

// ActAssign is the history's name for a change of assignee.
const ActAssign Action = "assign"

// AssignStore is what the store keeps for assignees and unread markers.
type AssignStore interface {
	// SetAssignee sets the RMA's assignee (0: nobody) at the version the
	// caller read, moves the version on and appends the event, in one
	// transaction; EPRECONDITION when the version moved.
	SetAssignee(ctx context.Context, rmaID, userID int64, expectVersion int, ev *Event) error
	// MarkRead clears the RMA's unread marker; it is not a change of the
	// RMA (no version, no event).
	MarkRead(ctx context.Context, rmaID int64) error
	// DeskUsers are the desk's users who may sign in, by email.
	DeskUsers(ctx context.Context) ([]User, error)
}

func (s *Service) assignStore() (AssignStore, error) {
	as, ok := s.store.(AssignStore)
	if !ok {
		return nil, Errorf(EINTERNAL, "the store keeps no assignees")
	}
	return as, nil
}

// Assign gives the RMA to a user of the desk (userID 0: to nobody), at the
// caller's version (ifVersion, 0 to skip). Anyone of the desk may take an
// RMA or hand it to a colleague.
func (s *Service) Assign(ctx context.Context, actor Actor, id int64, ifVersion int, userID int64) (*RMA, error) {
	if !actor.Role.IsDesk() {
		return nil, Errorf(EFORBIDDEN, "only the desk assigns RMAs")
	}
	as, err := s.assignStore()
	if err != nil {
		return nil, err
	}
	r, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if ifVersion != 0 && r.Version != ifVersion {
		return nil, Errorf(EPRECONDITION, "RMA %d changed since version %d (it is at version %d): reload and retry", r.ID, ifVersion, r.Version)
	}
	who := ""
	if userID != 0 {
		u, err := s.store.UserByID(ctx, userID)
		if ErrorCode(err) == ENOTFOUND {
			return nil, Invalid("assignee", "no user %d", userID)
		}
		if err != nil {
			return nil, err
		}
		org, err := s.store.Org(ctx, u.OrgID)
		if err != nil {
			return nil, err
		}
		if !org.IsDesk || u.Disabled {
			return nil, Invalid("assignee", "%s is not a user of the desk who may sign in", u.Email)
		}
		who = u.Email
	}
	if userID == r.AssigneeID {
		return r, nil // already so: nothing to record
	}
	now := s.now().UTC()
	ev := &Event{At: now, Actor: actor.Name, Action: string(ActAssign), From: r.State, To: r.State, Details: map[string]any{"assignee": who}}
	if who == "" {
		ev.Details["assignee"] = "nobody"
	}
	if err := as.SetAssignee(ctx, r.ID, userID, r.Version, ev); err != nil {
		return nil, err
	}
	r.AssigneeID, r.Version, r.Updated = userID, r.Version+1, now
	return r, nil
}

// MarkRead records that someone of the desk read the RMA's messages; a
// requester's reading changes nothing.
func (s *Service) MarkRead(ctx context.Context, actor Actor, r *RMA) error {
	if !actor.Role.IsDesk() || !r.Unread {
		return nil
	}
	as, err := s.assignStore()
	if err != nil {
		return err
	}
	return as.MarkRead(ctx, r.ID)
}

// DeskUsers are the people an RMA may be assigned to.
func (s *Service) DeskUsers(ctx context.Context, actor Actor) ([]User, error) {
	if !actor.Role.IsDesk() {
		return nil, Errorf(EFORBIDDEN, "only the desk assigns RMAs")
	}
	as, err := s.assignStore()
	if err != nil {
		return nil, err
	}
	return as.DeskUsers(ctx)
}
