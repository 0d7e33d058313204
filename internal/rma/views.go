package rma

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"
)

// A user's saved views of the queue, and the desk's canned replies.

// SavedView is a named list query of one user: the queue's filters and
// order as the list's URL carries them.
type SavedView struct {
	ID      int64
	UserID  int64
	Name    string
	Query   string // "state=submitted&sort=urgency&mine=1"
	Created time.Time
}

// CannedReply is a text the desk keeps to put into a message.
type CannedReply struct {
	ID      int64
	Title   string
	Body    string
	Created time.Time
	Updated time.Time
}

// ViewStore keeps saved views and canned replies.
type ViewStore interface {
	// SaveView stores a view, or replaces the text of the user's view of
	// the same name.
	SaveView(ctx context.Context, v *SavedView) error
	Views(ctx context.Context, userID int64) ([]SavedView, error)
	// DeleteView deletes one of the user's views (ENOTFOUND otherwise).
	DeleteView(ctx context.Context, userID, id int64) error

	// SaveCannedReply creates a reply (ID 0) or rewrites one; a title
	// another reply has is ECONFLICT.
	SaveCannedReply(ctx context.Context, c *CannedReply) error
	CannedReplies(ctx context.Context) ([]CannedReply, error)
	DeleteCannedReply(ctx context.Context, id int64) error
}

func (s *Service) viewStore() (ViewStore, error) {
	vs, ok := s.store.(ViewStore)
	if !ok {
		return nil, Errorf(EINTERNAL, "the store keeps no views")
	}
	return vs, nil
}

// viewKeys are the list parameters a view keeps: its filters and order,
// never a page's cursor.
var viewKeys = []string{"state", "policy", "org", "q", "overdue", "sort", "mine"}

// ViewKeys are the list parameters a saved view keeps (the API refuses
// others rather than drop them unsaid).
func ViewKeys() []string { return slices.Clone(viewKeys) }

// SaveView keeps the list query under name for the signed-in user; a view
// of the same name is replaced.
func (s *Service) SaveView(ctx context.Context, actor Actor, name, query string) (*SavedView, error) {
	if actor.UserID == 0 {
		return nil, Errorf(EFORBIDDEN, "views are kept per user: sign in to save one")
	}
	name = strings.TrimSpace(name)
	if err := required("name", name, 100); err != nil {
		return nil, err
	}
	if err := optional("query", query, 2000); err != nil {
		return nil, err
	}
	q, err := url.ParseQuery(strings.TrimPrefix(query, "?"))
	if err != nil {
		return nil, Invalid("query", "not a list's query")
	}
	kept := url.Values{}
	for k, v := range q {
		if slices.Contains(viewKeys, k) && len(v) > 0 && v[0] != "" {
			kept.Set(k, v[0])
		}
	}
	vs, err := s.viewStore()
	if err != nil {
		return nil, err
	}
	v := &SavedView{UserID: actor.UserID, Name: name, Query: kept.Encode(), Created: s.now().UTC()}
	if err := vs.SaveView(ctx, v); err != nil {
		return nil, err
	}
	return v, nil
}

// Views are the signed-in user's saved views, by name.
func (s *Service) Views(ctx context.Context, actor Actor) ([]SavedView, error) {
	if actor.UserID == 0 {
		return nil, nil
	}
	vs, err := s.viewStore()
	if err != nil {
		return nil, err
	}
	return vs.Views(ctx, actor.UserID)
}

// DeleteView deletes one of the signed-in user's views.
func (s *Service) DeleteView(ctx context.Context, actor Actor, id int64) error {
	vs, err := s.viewStore()
	if err != nil {
		return err
	}
	return vs.DeleteView(ctx, actor.UserID, id)
}

// mayKeepReplies: the desk's agents and admins keep its canned replies.
func mayKeepReplies(actor Actor) error {
	if !Can(actor.Role, OpKeepReplies) {
		return Errorf(EFORBIDDEN, "role %s may not keep canned replies", actor.Role)
	}
	return nil
}

// SaveCannedReply creates (ID 0) or edits one of the desk's canned replies.
func (s *Service) SaveCannedReply(ctx context.Context, actor Actor, c *CannedReply) error {
	if err := mayKeepReplies(actor); err != nil {
		return err
	}
	c.Title = strings.TrimSpace(c.Title)
	if err := required("title", c.Title, 100); err != nil {
		return err
	}
	if err := required("body", c.Body, 10000); err != nil {
		return err
	}
	vs, err := s.viewStore()
	if err != nil {
		return err
	}
	now := s.now().UTC()
	if c.ID == 0 {
		c.Created = now
	}
	c.Updated = now
	return vs.SaveCannedReply(ctx, c)
}

// CannedReplies are the desk's canned replies, by title; the desk only.
func (s *Service) CannedReplies(ctx context.Context, actor Actor) ([]CannedReply, error) {
	if !actor.Role.IsDesk() {
		return nil, Errorf(EFORBIDDEN, "canned replies are the desk's")
	}
	vs, err := s.viewStore()
	if err != nil {
		return nil, err
	}
	return vs.CannedReplies(ctx)
}

// DeleteCannedReply deletes one of the desk's canned replies.
func (s *Service) DeleteCannedReply(ctx context.Context, actor Actor, id int64) error {
	if err := mayKeepReplies(actor); err != nil {
		return err
	}
	vs, err := s.viewStore()
	if err != nil {
		return err
	}
	return vs.DeleteCannedReply(ctx, id)
}
