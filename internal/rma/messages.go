package rma

import "context"

// Messages between the desk and the requester, and the desk's internal
// notes. A message emails the other side (a job written with it: the
// requester's organisation, or the desk); an internal note emails nobody
// and is never shown to a requester, in the portal or the API, nor is the
// event that records it.

// NoteMessage is the notification of a message (the job payload's event).
const NoteMessage = "message"

// ActAddNote is the history's name for an internal note.
const ActAddNote Action = "add_note"

// MessageRequest is a message to post on an RMA.
type MessageRequest struct {
	Body     string
	Internal bool // an internal note of the desk: for the desk's eyes only
}

// PostMessage posts a message or, for the desk, an internal note. A
// message from the requester tells the desk, one from the desk tells the
// requester, by email with a link back to the RMA.
func (s *Service) PostMessage(ctx context.Context, actor Actor, id int64, req MessageRequest) (*Message, error) {
	if err := required("body", req.Body, 10000); err != nil {
		return nil, err
	}
	r, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := authorize(actor, r, OpAddMessage); err != nil {
		return nil, err
	}
	if req.Internal && !actor.Role.IsDesk() {
		return nil, Invalid("internal", "only the desk writes internal notes")
	}
	now := s.now().UTC()
	m := &Message{RMAID: id, Author: actor.Name, FromDesk: actor.Role.IsDesk(), Internal: req.Internal, Body: req.Body, Created: now}
	action := OpAddMessage
	if m.Internal {
		action = ActAddNote
	} else {
		to := "desk"
		if m.FromDesk {
			to = "requester"
		}
		// The email quotes the message, so it reads without signing in.
		m.Jobs = append(m.Jobs, Job{Kind: JobNotify, RunAt: now,
			Payload: map[string]any{"event": NoteMessage, "to": to, "author": m.Author, "body": m.Body}})
	}
	// The store sets From and To to the RMA's state when it writes (see
	// AddDocument).
	ev := &Event{At: now, Actor: actor.Name, Action: string(action), Details: map[string]any{"from_desk": m.FromDesk}}
	if err := s.store.AddMessage(ctx, m, ev); err != nil {
		return nil, err
	}
	return m, nil
}

// visibleMessages are the messages actor may read: a requester never
// reads the desk's internal notes.
func visibleMessages(actor Actor, msgs []Message) []Message {
	if actor.Role.IsDesk() {
		return msgs
	}
	out := msgs[:0:0]
	for _, m := range msgs {
		if !m.Internal {
			out = append(out, m)
		}
	}
	return out
}

// withoutNotes drops the events of internal notes from a requester's
// history: that the desk wrote one is the desk's business.
func withoutNotes(actor Actor, evs []Event) []Event {
	if actor.Role.IsDesk() {
		return evs
	}
	out := evs[:0:0]
	for _, e := range evs {
		if e.Action != string(ActAddNote) {
			out = append(out, e)
		}
	}
	return out
}
