package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/webhook"
)

// webhookStore is what a store keeps of webhooks (internal/store/webhooks.go).
type webhookStore interface {
	webhook.Store
	CreateWebhookEndpoint(ctx context.Context, ep *webhook.Endpoint) error
	WebhookEndpoint(ctx context.Context, id int64) (*webhook.Endpoint, error)
	WebhookEndpoints(ctx context.Context, orgID int64) ([]webhook.Endpoint, error)
	UpdateWebhookEndpoint(ctx context.Context, ep *webhook.Endpoint) error
	DeleteWebhookEndpoint(ctx context.Context, id int64) error
	WebhookDeliveries(ctx context.Context, endpointID, before int64, limit int) ([]webhook.Delivery, error)
	ReplayWebhooks(ctx context.Context, endpointID, deliveryID int64, since, until, at time.Time) (int, error)
}

// testWebhooks: every event an RMA's write appends reaches the outbox in
// its transaction; a fan-out takes it once, into one delivery per endpoint
// that wants it, with the event's webhook-id; a claim leases a due
// delivery and a lapsed lease makes it due again; only the worker holding
// a delivery finishes it; endpoints are kept, listed by organisation,
// changed and deleted.
func testWebhooks(t *testing.T, open Opener) {
	s := open(t)
	ws, ok := s.(webhookStore)
	if !ok {
		t.Fatal("the store keeps no webhooks")
	}
	ctx := t.Context()
	desk := &rma.Org{Name: "desk", IsDesk: true, Created: base}
	must(t, s.CreateOrg(ctx, desk))
	stranger := mkOrg(t, s, "stranger") // another requester: hears nothing of other's RMAs
	other := mkOrg(t, s, "other")
	at := minute

	// No endpoint yet: the outbox is emptied, nothing is delivered.
	mkRMA(t, s, simpleRMA(t, other.ID, "R1", at(0)))
	n, err := ws.FanOutWebhooks(ctx, 100, at(1))
	must(t, err)
	if n != 1 {
		t.Fatalf("first fan-out took %d events, want the submit event", n)
	}
	if n, err := ws.FanOutWebhooks(ctx, 100, at(1)); err != nil || n != 0 {
		t.Fatalf("second fan-out took %d (%v), want 0", n, err)
	}

	if err := ws.CreateWebhookEndpoint(ctx, &webhook.Endpoint{OrgID: 987654, URL: "https://x.example", Secret: webhook.NewSecret()}); rma.ErrorCode(err) != rma.ENOTFOUND {
		t.Fatalf("endpoint of no organisation: %v", err)
	}
	deskEP := &webhook.Endpoint{OrgID: desk.ID, URL: "https://desk.example/hook", Secret: webhook.NewSecret(), Description: "ERP"}
	otherEP := &webhook.Endpoint{OrgID: other.ID, URL: "https://other.example/hook", Secret: webhook.NewSecret(), EventTypes: []string{"rma.authorized"}}
	must(t, ws.CreateWebhookEndpoint(ctx, deskEP))
	must(t, ws.CreateWebhookEndpoint(ctx, otherEP))
	strangerEP := &webhook.Endpoint{OrgID: stranger.ID, URL: "https://stranger.example/hook", Secret: webhook.NewSecret()}
	must(t, ws.CreateWebhookEndpoint(ctx, strangerEP))
	got, err := ws.WebhookEndpoint(ctx, otherEP.ID)
	must(t, err)
	if got.URL != otherEP.URL || got.Secret != otherEP.Secret || len(got.EventTypes) != 1 || got.Desk || got.Disabled {
		t.Fatalf("endpoint read back as %+v", got)
	}
	list, err := ws.WebhookEndpoints(ctx, other.ID)
	must(t, err)
	if len(list) != 1 || list[0].ID != otherEP.ID {
		t.Fatalf("other's endpoints %+v", list)
	}

	r := mkRMA(t, s, simpleRMA(t, other.ID, "R2", at(2)))
	n, err = ws.FanOutWebhooks(ctx, 100, at(3))
	must(t, err)
	if n != 1 {
		t.Fatalf("fan-out took %d events, want 1", n)
	}
	dels, err := ws.WebhookDeliveries(ctx, deskEP.ID, 0, 10)
	must(t, err)
	if len(dels) != 1 || dels[0].Type != "rma.created" || dels[0].State != webhook.Pending || dels[0].MessageID == "" {
		t.Fatalf("desk deliveries %+v", dels)
	}
	if dels, err := ws.WebhookDeliveries(ctx, otherEP.ID, 0, 10); err != nil || len(dels) != 0 {
		t.Fatalf("other's endpoint (rma.authorized only) got %+v (%v)", dels, err)
	}
	if dels, err := ws.WebhookDeliveries(ctx, strangerEP.ID, 0, 10); err != nil || len(dels) != 0 {
		t.Fatalf("another organisation's endpoint got %+v (%v)", dels, err)
	}
	evs, err := s.Events(ctx, r.ID)
	must(t, err)
	if len(evs) != 1 || dels[0].EventID != evs[0].ID {
		t.Fatalf("the delivery is of event %d, the RMA's events %+v", dels[0].EventID, evs)
	}

	// Claim, lapse, claim again: the second attempt of the same delivery.
	d1, ep, err := ws.ClaimWebhookDelivery(ctx, "w1", at(3), time.Minute)
	must(t, err)
	if d1.ID != dels[0].ID || d1.Attempts != 1 || ep.ID != deskEP.ID || !ep.Desk {
		t.Fatalf("claimed %+v of %+v", d1, ep)
	}
	if _, _, err := ws.ClaimWebhookDelivery(ctx, "w2", at(3), time.Minute); rma.ErrorCode(err) != rma.ENOTFOUND {
		t.Fatalf("a leased delivery was claimed again: %v", err)
	}
	d2, _, err := ws.ClaimWebhookDelivery(ctx, "w2", at(5), time.Minute)
	must(t, err)
	if d2.ID != d1.ID || d2.Attempts != 2 || d2.MessageID != d1.MessageID {
		t.Fatalf("after the lease lapsed: %+v", d2)
	}
	a := &webhook.Attempt{DeliveryID: d1.ID, EndpointID: ep.ID, Attempt: d1.Attempts, At: at(5), Status: 500}
	if err := ws.FinishWebhookAttempt(ctx, "w1", a, webhook.Outcome{State: webhook.Pending, NextAt: at(10)}); rma.ErrorCode(err) != rma.ECONFLICT {
		t.Fatalf("a worker whose lease lapsed finished: %v", err)
	}
	a.Attempt = d2.Attempts
	must(t, ws.FinishWebhookAttempt(ctx, "w2", a, webhook.Outcome{State: webhook.Pending, NextAt: at(10)}))
	if got, err := ws.WebhookEndpoint(ctx, deskEP.ID); err != nil || !got.FailingSince.Equal(at(5)) {
		t.Fatalf("after a failure the endpoint is failing since %v (%v)", got.FailingSince, err)
	}
	d3, _, err := ws.ClaimWebhookDelivery(ctx, "w1", at(10), time.Minute)
	must(t, err)
	a = &webhook.Attempt{DeliveryID: d3.ID, EndpointID: ep.ID, Attempt: d3.Attempts, At: at(10), Status: 200}
	must(t, ws.FinishWebhookAttempt(ctx, "w1", a, webhook.Outcome{State: webhook.Delivered, Success: true}))
	got, err = ws.WebhookEndpoint(ctx, deskEP.ID)
	must(t, err)
	if !got.FailingSince.IsZero() {
		t.Fatalf("after a success the endpoint is still failing since %v", got.FailingSince)
	}

	// A disabled endpoint's deliveries wait; enabled again, they go.
	if n, err := ws.ReplayWebhooks(ctx, deskEP.ID, d3.ID, time.Time{}, time.Time{}, at(11)); err != nil || n != 1 {
		t.Fatalf("replay: %d, %v", n, err)
	}
	got.Disabled, got.DisabledReason = true, "paused"
	must(t, ws.UpdateWebhookEndpoint(ctx, got))
	if _, _, err := ws.ClaimWebhookDelivery(ctx, "w1", at(12), time.Minute); rma.ErrorCode(err) != rma.ENOTFOUND {
		t.Fatalf("a disabled endpoint's delivery was claimed: %v", err)
	}
	got.Disabled = false
	must(t, ws.UpdateWebhookEndpoint(ctx, got))
	if d, _, err := ws.ClaimWebhookDelivery(ctx, "w1", at(12), time.Minute); err != nil || d.ID != d3.ID || d.Attempts != 1 {
		t.Fatalf("the replayed delivery: %+v, %v", d, err)
	}

	must(t, ws.DeleteWebhookEndpoint(ctx, deskEP.ID))
	if _, err := ws.WebhookEndpoint(ctx, deskEP.ID); rma.ErrorCode(err) != rma.ENOTFOUND {
		t.Fatalf("a deleted endpoint: %v", err)
	}
	if err := ws.DeleteWebhookEndpoint(ctx, deskEP.ID); rma.ErrorCode(err) != rma.ENOTFOUND {
		t.Fatalf("deleting it again: %v", err)
	}
}
