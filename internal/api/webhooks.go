package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/webhook"
)

// Webhook endpoints (issue 17, internal/webhook): an organisation's
// signed event feed. A requester manages its own organisation's
// endpoints, the desk's admin every organisation's; the secret is shown
// when made and when rotated, never again.

func (s *Server) webhookRoutes() []Route {
	op := rma.OpManageWebhooks
	return []Route{
		{Method: "GET", Path: v1 + "/webhooks/event-types", Op: op, handler: s.webhookEventTypes},
		{Method: "GET", Path: v1 + "/webhooks/endpoints", Op: op, handler: s.listWebhookEndpoints},
		{Method: "POST", Path: v1 + "/webhooks/endpoints", Op: op, handler: s.createWebhookEndpoint},
		{Method: "GET", Path: v1 + "/webhooks/endpoints/{endpoint}", Op: op, handler: s.getWebhookEndpoint},
		{Method: "PATCH", Path: v1 + "/webhooks/endpoints/{endpoint}", Op: op, handler: s.updateWebhookEndpoint},
		{Method: "POST", Path: v1 + "/webhooks/endpoints/{endpoint}/rotate-secret", Op: op, handler: s.rotateWebhookSecret},
		{Method: "GET", Path: v1 + "/webhooks/endpoints/{endpoint}/deliveries", Op: op, handler: s.listWebhookDeliveries},
		{Method: "GET", Path: v1 + "/webhooks/endpoints/{endpoint}/attempts", Op: op, handler: s.listWebhookAttempts},
		{Method: "POST", Path: v1 + "/webhooks/endpoints/{endpoint}/replay", Op: op, handler: s.replayWebhooks},
		{Method: "DELETE", Path: v1 + "/webhooks/endpoints/{endpoint}", Op: op, handler: s.deleteWebhookEndpoint},
	}
}

// webhookManager is the endpoints' use cases over the desk's store.
func (s *Server) webhookManager() (*webhook.Manager, error) {
	st, ok := s.svc.Store().(webhook.EndpointStore)
	if !ok {
		return nil, rma.Errorf(rma.ENOTFOUND, "this desk's store keeps no webhooks")
	}
	m := webhook.NewManager(st, s.svc.Store(), nil)
	m.RefusePrivate = !s.webhookPrivate
	return m, nil
}

// hookEndpoint is the endpoints' manager and the endpoint the path names.
func (s *Server) hookEndpoint(r *http.Request) (*webhook.Manager, int64, error) {
	id, err := pathID(r, "endpoint")
	if err != nil {
		return nil, 0, err
	}
	m, err := s.webhookManager()
	return m, id, err
}

// WebhookEndpointView is an endpoint as the API shows it: never its
// secret, except in the answer that makes one (Secret).
type WebhookEndpointView struct {
	ID             int64      `json:"id"`
	OrgID          int64      `json:"org_id"`
	URL            string     `json:"url"`
	Description    string     `json:"description"`
	EventTypes     []string   `json:"event_types"`
	Disabled       bool       `json:"disabled"`
	DisabledReason string     `json:"disabled_reason,omitempty"`
	FailingSince   *time.Time `json:"failing_since,omitempty"`
	Created        time.Time  `json:"created"`
	Updated        time.Time  `json:"updated"`
	Secret         string     `json:"secret,omitempty"`
	PreviousUntil  *time.Time `json:"previous_secret_until,omitempty"`
}

func webhookEndpointView(ep *webhook.Endpoint, withSecret bool) WebhookEndpointView {
	v := WebhookEndpointView{ID: ep.ID, OrgID: ep.OrgID, URL: ep.URL, Description: ep.Description, EventTypes: ep.EventTypes,
		Disabled: ep.Disabled, DisabledReason: ep.DisabledReason, Created: ep.Created, Updated: ep.Updated}
	if v.EventTypes == nil {
		v.EventTypes = []string{}
	}
	if !ep.FailingSince.IsZero() {
		t := ep.FailingSince
		v.FailingSince = &t
	}
	if withSecret {
		v.Secret = ep.Secret
		if ep.PreviousSecret != "" {
			t := ep.PreviousUntil
			v.PreviousUntil = &t
		}
	}
	return v
}

func (s *Server) webhookEventTypes(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	types := webhook.Types()
	if !actor.Role.IsDesk() {
		types = types[:0:0]
		for _, t := range webhook.Types() {
			if webhook.ForRequesters(t) {
				types = append(types, t)
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": types})
	return nil
}

func (s *Server) listWebhookEndpoints(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	orgID, err := hookQueryID(r, "org_id")
	if err != nil {
		return err
	}
	m, err := s.webhookManager()
	if err != nil {
		return err
	}
	eps, err := m.Endpoints(r.Context(), actor, orgID)
	if err != nil {
		return err
	}
	items := make([]WebhookEndpointView, len(eps))
	for i := range eps {
		items[i] = webhookEndpointView(&eps[i], false)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// WebhookEndpointBody is POST /api/v1/webhooks/endpoints.
type WebhookEndpointBody struct {
	OrgID       int64    `json:"org_id,omitempty"` // the admin's choice; default the caller's organisation
	URL         string   `json:"url"`
	Description string   `json:"description,omitempty"`
	EventTypes  []string `json:"event_types,omitempty"`
}

func (s *Server) createWebhookEndpoint(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var b WebhookEndpointBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	m, err := s.webhookManager()
	if err != nil {
		return err
	}
	ep, err := m.Create(r.Context(), actor, webhook.NewEndpoint{OrgID: b.OrgID, URL: b.URL, Description: b.Description, EventTypes: b.EventTypes})
	if err != nil {
		return err
	}
	w.Header().Set("Location", v1+"/webhooks/endpoints/"+strconv.FormatInt(ep.ID, 10))
	writeJSON(w, http.StatusCreated, webhookEndpointView(ep, true))
	return nil
}

func (s *Server) getWebhookEndpoint(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	m, id, err := s.hookEndpoint(r)
	if err != nil {
		return err
	}
	ep, err := m.Endpoint(r.Context(), actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, webhookEndpointView(ep, false))
	return nil
}

// WebhookEndpointPatch is PATCH /api/v1/webhooks/endpoints/{endpoint}:
// absent fields stay; "disabled": false enables an endpoint again.
type WebhookEndpointPatch struct {
	URL         *string   `json:"url,omitempty"`
	Description *string   `json:"description,omitempty"`
	EventTypes  *[]string `json:"event_types,omitempty"`
	Disabled    *bool     `json:"disabled,omitempty"`
}

func (s *Server) updateWebhookEndpoint(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var b WebhookEndpointPatch
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	m, id, err := s.hookEndpoint(r)
	if err != nil {
		return err
	}
	ep, err := m.Update(r.Context(), actor, id, webhook.Patch{URL: b.URL, Description: b.Description, EventTypes: b.EventTypes, Disabled: b.Disabled})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, webhookEndpointView(ep, false))
	return nil
}

func (s *Server) rotateWebhookSecret(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var b struct{}
	if err := decodeOptionalJSON(w, r, &b); err != nil {
		return err
	}
	m, id, err := s.hookEndpoint(r)
	if err != nil {
		return err
	}
	ep, err := m.RotateSecret(r.Context(), actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, webhookEndpointView(ep, true))
	return nil
}

func (s *Server) deleteWebhookEndpoint(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	m, id, err := s.hookEndpoint(r)
	if err != nil {
		return err
	}
	ep, err := m.Endpoint(r.Context(), actor, id)
	if err != nil {
		return err
	}
	if err := m.Delete(r.Context(), actor, id); err != nil {
		return err
	}
	// The endpoint as it was, as a revoked key is shown: the caller sees
	// what it deleted.
	writeJSON(w, http.StatusOK, webhookEndpointView(ep, false))
	return nil
}

// WebhookDeliveryView is one event on its way to an endpoint.
type WebhookDeliveryView struct {
	ID         int64     `json:"id"`
	MessageID  string    `json:"webhook_id"`
	Type       string    `json:"type"`
	EventID    int64     `json:"event_id"`
	State      string    `json:"state"`
	Attempts   int       `json:"attempts"`
	NextAt     time.Time `json:"next_attempt_at"`
	LastStatus int       `json:"last_status"`
	LastError  string    `json:"last_error,omitempty"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
}

func (s *Server) listWebhookDeliveries(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	m, id, err := s.hookEndpoint(r)
	if err != nil {
		return err
	}
	before, err := hookQueryID(r, "before")
	if err != nil {
		return err
	}
	limit, err := hookQueryLimit(r)
	if err != nil {
		return err
	}
	ds, err := m.Deliveries(r.Context(), actor, id, before, limit)
	if err != nil {
		return err
	}
	items := make([]WebhookDeliveryView, len(ds))
	for i, d := range ds {
		items[i] = WebhookDeliveryView{ID: d.ID, MessageID: d.MessageID, Type: d.Type, EventID: d.EventID, State: d.State, Attempts: d.Attempts,
			NextAt: d.NextAt, LastStatus: d.LastStatus, LastError: d.LastError, Created: d.Created, Updated: d.Updated}
	}
	out := map[string]any{"items": items}
	if len(ds) == limit && limit > 0 {
		out["next"] = v1 + "/webhooks/endpoints/" + strconv.FormatInt(id, 10) + "/deliveries?before=" + strconv.FormatInt(ds[len(ds)-1].ID, 10) + "&limit=" + strconv.Itoa(limit)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// WebhookAttemptView is one line of an endpoint's delivery log.
type WebhookAttemptView struct {
	ID         int64     `json:"id"`
	DeliveryID int64     `json:"delivery_id"`
	MessageID  string    `json:"webhook_id"`
	Type       string    `json:"type"`
	Attempt    int       `json:"attempt"`
	At         time.Time `json:"at"`
	Status     int       `json:"status"`
	LatencyMS  int64     `json:"latency_ms"`
	Response   string    `json:"response"`
	Error      string    `json:"error,omitempty"`
}

func (s *Server) listWebhookAttempts(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	m, id, err := s.hookEndpoint(r)
	if err != nil {
		return err
	}
	delivery, err := hookQueryID(r, "delivery_id")
	if err != nil {
		return err
	}
	before, err := hookQueryID(r, "before")
	if err != nil {
		return err
	}
	limit, err := hookQueryLimit(r)
	if err != nil {
		return err
	}
	as, err := m.Attempts(r.Context(), actor, id, delivery, before, limit)
	if err != nil {
		return err
	}
	items := make([]WebhookAttemptView, len(as))
	for i, a := range as {
		items[i] = WebhookAttemptView{ID: a.ID, DeliveryID: a.DeliveryID, MessageID: a.MessageID, Type: a.Type, Attempt: a.Attempt, At: a.At,
			Status: a.Status, LatencyMS: a.Latency.Milliseconds(), Response: a.Response, Error: a.Error}
	}
	out := map[string]any{"items": items}
	if len(as) == limit {
		next := v1 + "/webhooks/endpoints/" + strconv.FormatInt(id, 10) + "/attempts?before=" + strconv.FormatInt(as[len(as)-1].ID, 10) + "&limit=" + strconv.Itoa(limit)
		if delivery != 0 {
			next += "&delivery_id=" + strconv.FormatInt(delivery, 10)
		}
		out["next"] = next
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// WebhookReplayBody is POST .../replay: one delivery, or every delivery
// made in [since, until) (RFC 3339 times).
type WebhookReplayBody struct {
	DeliveryID int64  `json:"delivery_id,omitempty"`
	Since      string `json:"since,omitempty"`
	Until      string `json:"until,omitempty"`
}

func (s *Server) replayWebhooks(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var b WebhookReplayBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	since, err := hookTime("since", b.Since)
	if err != nil {
		return err
	}
	until, err := hookTime("until", b.Until)
	if err != nil {
		return err
	}
	m, id, err := s.hookEndpoint(r)
	if err != nil {
		return err
	}
	n, err := m.Replay(r.Context(), actor, id, b.DeliveryID, since, until)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"queued": n})
	return nil
}

// hookTime reads an optional RFC 3339 time.
func hookTime(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, rma.Invalid(field, "a time such as 2026-03-01T00:00:00Z")
	}
	return t, nil
}

// hookQueryID reads an optional positive integer query value (0 when absent).
func hookQueryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, rma.Invalid(name, "a positive whole number, not %q", v)
	}
	return n, nil
}

// hookQueryLimit reads limit: 1 to 500, default 100.
func hookQueryLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 500 {
		return 0, rma.Invalid("limit", "a whole number from 1 to 500, not %q", v)
	}
	return n, nil
}
