package webhook

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// EndpointStore is what managing endpoints needs of the store.
type EndpointStore interface {
	CreateWebhookEndpoint(ctx context.Context, ep *Endpoint) error
	WebhookEndpoint(ctx context.Context, id int64) (*Endpoint, error)
	WebhookEndpoints(ctx context.Context, orgID int64) ([]Endpoint, error)
	UpdateWebhookEndpoint(ctx context.Context, ep *Endpoint) error
	DeleteWebhookEndpoint(ctx context.Context, id int64) error
	WebhookDeliveries(ctx context.Context, endpointID, before int64, limit int) ([]Delivery, error)
	WebhookAttempts(ctx context.Context, endpointID, deliveryID, before int64, limit int) ([]Attempt, error)
	ReplayWebhooks(ctx context.Context, endpointID, deliveryID int64, since, until, at time.Time) (int, error)
}

// The audit log's actions (internal/audit): who changed which endpoint.
const (
	AuditCreate = "webhook.create"
	AuditUpdate = "webhook.update"
	AuditDelete = "webhook.delete"
	AuditRotate = "webhook.rotate_secret"
	AuditReplay = "webhook.replay"
	auditTarget = "webhook"
)

// RotationOverlap is how long the previous secret still signs after a
// rotation: a day for the receiver to take the new one.
const RotationOverlap = 24 * time.Hour

// Manager is the endpoints' use cases, with who may do what: a requester
// organisation manages its own endpoints, the desk's admin every
// organisation's (the route's rma.OpManageWebhooks lets no one else in).
// Another organisation's endpoint does not exist for a requester.
type Manager struct {
	st    EndpointStore
	audit any // the store that keeps the audit log (audit.RecordWith)
	now   func() time.Time
	// RefusePrivate refuses, when an endpoint is saved, a URL whose host is
	// a private, loopback or link-local address written out (or
	// "localhost"): a desk that does not allow private addresses would
	// only fail every delivery to it. A name that resolves to one is left
	// to the dispatcher's guard, at each request.
	RefusePrivate bool
}

// NewManager makes a Manager; auditStore keeps the audit log (the desk's
// store).
func NewManager(st EndpointStore, auditStore any, now func() time.Time) *Manager {
	if now == nil {
		now = time.Now
	}
	return &Manager{st: st, audit: auditStore, now: now}
}

// Endpoint finds an endpoint the actor may see; ENOTFOUND otherwise.
func (m *Manager) Endpoint(ctx context.Context, actor rma.Actor, id int64) (*Endpoint, error) {
	ep, err := m.st.WebhookEndpoint(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor.Role != rma.RoleAdmin && ep.OrgID != actor.OrgID {
		return nil, rma.Errorf(rma.ENOTFOUND, "webhook endpoint %d not found", id)
	}
	return ep, nil
}

// Endpoints lists the actor's organisation's endpoints; the admin's, of
// orgID (0: every organisation's).
func (m *Manager) Endpoints(ctx context.Context, actor rma.Actor, orgID int64) ([]Endpoint, error) {
	if actor.Role != rma.RoleAdmin {
		if orgID != 0 && orgID != actor.OrgID {
			return nil, nil // another's: none to see
		}
		orgID = actor.OrgID
	}
	return m.st.WebhookEndpoints(ctx, orgID)
}

// NewEndpoint is what a caller gives for a new endpoint.
type NewEndpoint struct {
	OrgID       int64 // 0: the caller's organisation
	URL         string
	Description string
	EventTypes  []string
}

// Create stores an endpoint with a new secret, which only this answer
// (and a rotation's) shows.
func (m *Manager) Create(ctx context.Context, actor rma.Actor, n NewEndpoint) (*Endpoint, error) {
	ep := &Endpoint{OrgID: n.OrgID, URL: strings.TrimSpace(n.URL), Description: strings.TrimSpace(n.Description),
		EventTypes: dedupe(n.EventTypes), Secret: NewSecret()}
	if ep.OrgID == 0 {
		ep.OrgID = actor.OrgID
	}
	if err := m.Check(ep); err != nil {
		return nil, err
	}
	if err := m.forRequester(actor, ep.EventTypes); err != nil {
		return nil, err
	}
	if actor.Role != rma.RoleAdmin && ep.OrgID != actor.OrgID {
		return nil, rma.Errorf(rma.ENOTFOUND, "org_id: organisation %d not found", ep.OrgID)
	}
	e := audit.Of(actor, AuditCreate, auditTarget, "", ep.URL,
		audit.Diff([3]string{"url", "", ep.URL}, [3]string{"org_id", "", strconv.FormatInt(ep.OrgID, 10)},
			[3]string{"event_types", "", strings.Join(ep.EventTypes, " ")}, [3]string{"description", "", ep.Description})...)
	err := audit.RecordWith(ctx, m.audit, e, func(ctx context.Context) error { return m.st.CreateWebhookEndpoint(ctx, ep) })
	if err != nil {
		return nil, err
	}
	return ep, nil
}

// Check is what saving ep checks of it beyond who may: ep.Check and, when
// the desk refuses them, no private address. A form that refuses ep for a
// reason of its own asks it too, to name every mistake at once.
func (m *Manager) Check(ep *Endpoint) error {
	if err := ep.Check(); err != nil {
		return err
	}
	if m.RefusePrivate {
		if host, ok := PrivateURL(ep.URL); ok {
			return rma.Invalid("url", "%s is a private, loopback or link-local address: this desk delivers to public addresses only", host)
		}
	}
	return nil
}

// forRequester refuses a requester the desk's own event types.
func (m *Manager) forRequester(actor rma.Actor, types []string) error {
	if actor.Role.IsDesk() {
		return nil
	}
	for i, t := range types {
		if !ForRequesters(t) {
			return rma.Invalid("event_types["+strconv.Itoa(i)+"]", "%s is the desk's own: a requester's endpoint never gets it", t)
		}
	}
	return nil
}

// Patch is a change of an endpoint; nil fields stay.
type Patch struct {
	URL         *string
	Description *string
	EventTypes  *[]string
	// Disabled false enables an endpoint again, its failures forgotten;
	// deliveries that waited are sent.
	Disabled *bool
}

// Update changes an endpoint.
func (m *Manager) Update(ctx context.Context, actor rma.Actor, id int64, p Patch) (*Endpoint, error) {
	ep, err := m.Endpoint(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if p == (Patch{}) {
		// Most likely a misspelt field: say so rather than answer as if
		// something were saved.
		return nil, rma.Invalid("url", "nothing to change: give url, description, event_types or disabled")
	}
	before := *ep
	if p.URL != nil {
		ep.URL = strings.TrimSpace(*p.URL)
	}
	if p.Description != nil {
		ep.Description = strings.TrimSpace(*p.Description)
	}
	if p.EventTypes != nil {
		ep.EventTypes = dedupe(*p.EventTypes)
	}
	if p.Disabled != nil {
		ep.Disabled = *p.Disabled
		if ep.Disabled && !before.Disabled {
			ep.DisabledReason = "disabled by " + actor.Name
		}
	}
	if err := m.Check(ep); err != nil {
		return nil, err
	}
	if err := m.forRequester(actor, ep.EventTypes); err != nil {
		return nil, err
	}
	e := audit.Of(actor, AuditUpdate, auditTarget, strconv.FormatInt(id, 10), ep.URL,
		audit.Diff([3]string{"url", before.URL, ep.URL}, [3]string{"description", before.Description, ep.Description},
			[3]string{"event_types", strings.Join(before.EventTypes, " "), strings.Join(ep.EventTypes, " ")},
			[3]string{"disabled", strconv.FormatBool(before.Disabled), strconv.FormatBool(ep.Disabled)})...)
	if err := audit.RecordWith(ctx, m.audit, e, func(ctx context.Context) error { return m.st.UpdateWebhookEndpoint(ctx, ep) }); err != nil {
		return nil, err
	}
	return ep, nil
}

// Delete removes an endpoint, its deliveries and its log.
func (m *Manager) Delete(ctx context.Context, actor rma.Actor, id int64) error {
	ep, err := m.Endpoint(ctx, actor, id)
	if err != nil {
		return err
	}
	e := audit.Of(actor, AuditDelete, auditTarget, strconv.FormatInt(id, 10), ep.URL)
	return audit.RecordWith(ctx, m.audit, e, func(ctx context.Context) error { return m.st.DeleteWebhookEndpoint(ctx, id) })
}

// RotateSecret gives the endpoint a new secret; the previous one signs
// too for RotationOverlap (the messages carry both signatures).
func (m *Manager) RotateSecret(ctx context.Context, actor rma.Actor, id int64) (*Endpoint, error) {
	ep, err := m.Endpoint(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	ep.PreviousSecret, ep.PreviousUntil, ep.Secret = ep.Secret, m.now().Add(RotationOverlap).UTC(), NewSecret()
	e := audit.Of(actor, AuditRotate, auditTarget, strconv.FormatInt(id, 10), ep.URL,
		audit.Change{Field: "secret", From: "(previous, valid until " + ep.PreviousUntil.Format(time.RFC3339) + ")", To: "(new)"})
	if err := audit.RecordWith(ctx, m.audit, e, func(ctx context.Context) error { return m.st.UpdateWebhookEndpoint(ctx, ep) }); err != nil {
		return nil, err
	}
	return ep, nil
}

// Deliveries lists an endpoint's deliveries, newest first.
func (m *Manager) Deliveries(ctx context.Context, actor rma.Actor, id, before int64, limit int) ([]Delivery, error) {
	if _, err := m.Endpoint(ctx, actor, id); err != nil {
		return nil, err
	}
	return m.st.WebhookDeliveries(ctx, id, before, limit)
}

// Attempts lists an endpoint's log, newest first, before the attempt
// numbered before (0: from the newest); of one delivery, when deliveryID
// is not 0.
func (m *Manager) Attempts(ctx context.Context, actor rma.Actor, id, deliveryID, before int64, limit int) ([]Attempt, error) {
	if _, err := m.Endpoint(ctx, actor, id); err != nil {
		return nil, err
	}
	return m.st.WebhookAttempts(ctx, id, deliveryID, before, limit)
}

// Replay sends one delivery again (deliveryID), or every delivery made in
// [since, until), now, with their webhook-ids. It says how many.
func (m *Manager) Replay(ctx context.Context, actor rma.Actor, id, deliveryID int64, since, until time.Time) (int, error) {
	ep, err := m.Endpoint(ctx, actor, id)
	if err != nil {
		return 0, err
	}
	if deliveryID == 0 && since.IsZero() {
		return 0, rma.Invalid("delivery_id", "give a delivery_id, or since (and until) for a range")
	}
	if !until.IsZero() && !until.After(since) {
		return 0, rma.Invalid("until", "must be after since")
	}
	e := audit.Of(actor, AuditReplay, auditTarget, strconv.FormatInt(id, 10), ep.URL,
		audit.Diff([3]string{"delivery_id", "", idText(deliveryID)}, [3]string{"since", "", timeText(since)}, [3]string{"until", "", timeText(until)})...)
	var n int
	err = audit.RecordWith(ctx, m.audit, e, func(ctx context.Context) (err error) {
		n, err = m.st.ReplayWebhooks(ctx, id, deliveryID, since, until, m.now())
		return err
	})
	return n, err
}

// idText is a delivery's ID for the audit log; "" for none (a range).
func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return itoa(id)
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// dedupe keeps the first of each type, in the caller's order.
func dedupe(types []string) []string {
	var out []string
	for _, t := range types {
		t = strings.TrimSpace(t)
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
