package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/webhook"
)

// Webhooks (issue 17): endpoints, the outbox every event is written to in
// its own transaction (events.go), the deliveries the outbox fans out to
// and their attempts. See webhook.Store.

var _ webhook.Store = (*Store)(nil)

const endpointColumns = `ep.id, ep.org_id, o.is_desk, ep.url, ep.description, ep.event_types, ep.secret, ep.previous_secret,
	ep.previous_until, ep.disabled, ep.disabled_reason, ep.failing_since, ep.created, ep.updated`

const endpointFrom = ` FROM webhook_endpoints ep JOIN orgs o ON o.id = ep.org_id`

func scanEndpoint(row interface{ Scan(...any) error }) (*webhook.Endpoint, error) {
	var ep webhook.Endpoint
	var types, created, updated string
	var prevUntil, failing sql.NullString
	if err := row.Scan(&ep.ID, &ep.OrgID, &ep.Desk, &ep.URL, &ep.Description, &types, &ep.Secret, &ep.PreviousSecret,
		&prevUntil, &ep.Disabled, &ep.DisabledReason, &failing, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(types), &ep.EventTypes); err != nil {
		return nil, err
	}
	var dec decoder
	ep.PreviousUntil = dec.Time("previous_until", prevUntil)
	ep.FailingSince = dec.Time("failing_since", failing)
	ep.Created = dec.Time("created", sql.NullString{String: created, Valid: true})
	ep.Updated = dec.Time("updated", sql.NullString{String: updated, Valid: true})
	return &ep, dec.Err
}

// endpointArgs encodes what a caller sets of an endpoint.
func endpointArgs(ep *webhook.Endpoint) (types string, prevUntil any, err error) {
	for _, s := range []struct{ field, v string }{{"url", ep.URL}, {"description", ep.Description}, {"secret", ep.Secret}} {
		if !storable(s.v) {
			return "", nil, rma.Invalid(s.field, "not text the desk keeps")
		}
	}
	for i, t := range ep.EventTypes {
		if !storable(t) {
			return "", nil, rma.Invalid(fmt.Sprintf("event_types[%d]", i), "not text the desk keeps")
		}
	}
	b, _ := json.Marshal(ep.EventTypes)
	if ep.EventTypes == nil {
		b = []byte("[]")
	}
	var enc encoder
	prevUntil = enc.Time("previous_until", ep.PreviousUntil)
	return string(b), prevUntil, enc.Err
}

// CreateWebhookEndpoint stores a new endpoint; ENOTFOUND for an
// organisation that does not exist.
func (st *Store) CreateWebhookEndpoint(ctx context.Context, ep *webhook.Endpoint) error {
	types, prevUntil, err := endpointArgs(ep)
	if err != nil {
		return err
	}
	created := orNow(ep.Created)
	var enc encoder
	createdText := enc.Time("created", created)
	if enc.Err != nil {
		return enc.Err
	}
	var id int64
	var desk bool
	err = st.write(ctx, "create webhook endpoint", func(q Querier) error {
		if err := q.QueryRowContext(ctx, `SELECT is_desk FROM orgs WHERE id = $1`, ep.OrgID).Scan(&desk); errors.Is(err, sql.ErrNoRows) {
			return rma.Errorf(rma.ENOTFOUND, "organisation %d not found", ep.OrgID)
		} else if err != nil {
			return err
		}
		return q.QueryRowContext(ctx, `INSERT INTO webhook_endpoints (org_id, url, description, event_types, secret, previous_secret,
			previous_until, disabled, disabled_reason, created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
			ep.OrgID, ep.URL, ep.Description, types, ep.Secret, ep.PreviousSecret, prevUntil, ep.Disabled, ep.DisabledReason, createdText).Scan(&id)
	})
	if err != nil {
		return err
	}
	ep.ID, ep.Desk, ep.Created, ep.Updated = id, desk, created.UTC(), created.UTC()
	return nil
}

// WebhookEndpoint finds one endpoint; ENOTFOUND.
func (st *Store) WebhookEndpoint(ctx context.Context, id int64) (*webhook.Endpoint, error) {
	ep, err := scanEndpoint(st.pool().QueryRowContext(ctx, `SELECT `+endpointColumns+endpointFrom+` WHERE ep.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "webhook endpoint %d not found", id)
	}
	if err != nil {
		return nil, st.storeError("webhook endpoint", err)
	}
	return ep, nil
}

// WebhookEndpoints lists an organisation's endpoints (orgID 0: every
// organisation's), oldest first.
func (st *Store) WebhookEndpoints(ctx context.Context, orgID int64) ([]webhook.Endpoint, error) {
	query, args := `SELECT `+endpointColumns+endpointFrom+` ORDER BY ep.id`, []any{}
	if orgID != 0 {
		query, args = `SELECT `+endpointColumns+endpointFrom+` WHERE ep.org_id = $1 ORDER BY ep.id`, []any{orgID}
	}
	out, err := collect(ctx, st.pool(), func(s scanner) (webhook.Endpoint, error) {
		ep, err := scanEndpoint(s)
		if err != nil {
			return webhook.Endpoint{}, err
		}
		return *ep, nil
	}, query, args...)
	if err != nil {
		return nil, st.storeError("webhook endpoints", err)
	}
	return out, nil
}

// UpdateWebhookEndpoint rewrites what a caller may change: the URL,
// description, event types, secrets, and whether it is disabled (enabling
// it forgets its failures). ENOTFOUND.
func (st *Store) UpdateWebhookEndpoint(ctx context.Context, ep *webhook.Endpoint) error {
	types, prevUntil, err := endpointArgs(ep)
	if err != nil {
		return err
	}
	updated := now()
	var enc encoder
	updatedText := enc.Time("updated", updated)
	if enc.Err != nil {
		return enc.Err
	}
	reason := ep.DisabledReason
	if !ep.Disabled {
		reason = ""
	}
	err = st.write(ctx, "update webhook endpoint", func(q Querier) error {
		res, err := q.ExecContext(ctx, `UPDATE webhook_endpoints SET url = $2, description = $3, event_types = $4, secret = $5,
			previous_secret = $6, previous_until = $7, disabled = $8, disabled_reason = $9, updated = $10,
			failing_since = CASE WHEN $8 THEN failing_since ELSE NULL END WHERE id = $1`,
			ep.ID, ep.URL, ep.Description, types, ep.Secret, ep.PreviousSecret, prevUntil, ep.Disabled, reason, updatedText)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return rma.Errorf(rma.ENOTFOUND, "webhook endpoint %d not found", ep.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	ep.Updated, ep.DisabledReason = updated, reason
	if !ep.Disabled {
		ep.FailingSince = time.Time{}
	}
	return nil
}

// DeleteWebhookEndpoint removes an endpoint with its deliveries and log.
func (st *Store) DeleteWebhookEndpoint(ctx context.Context, id int64) error {
	return st.write(ctx, "delete webhook endpoint", func(q Querier) error {
		for _, stmt := range []string{`DELETE FROM webhook_attempts WHERE endpoint_id = $1`,
			`DELETE FROM webhook_deliveries WHERE endpoint_id = $1`} {
			if _, err := q.ExecContext(ctx, stmt, id); err != nil {
				return err
			}
		}
		res, err := q.ExecContext(ctx, `DELETE FROM webhook_endpoints WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return rma.Errorf(rma.ENOTFOUND, "webhook endpoint %d not found", id)
		}
		return nil
	})
}

// outboxKey is an outbox row: an event's (rma_id, seq).
type outboxKey struct {
	rmaID int64
	seq   int
}

// keysWhere is "(e.rma_id = $1 AND e.seq = $2) OR ..." for keys, with
// their arguments: one statement for a batch, on both databases.
func keysWhere(prefix string, keys []outboxKey) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, 2*len(keys))
	for i, k := range keys {
		if i > 0 {
			b.WriteString(" OR ")
		}
		fmt.Fprintf(&b, "(%srma_id = $%d AND %sseq = $%d)", prefix, 2*i+1, prefix, 2*i+2)
		args = append(args, k.rmaID, k.seq)
	}
	return b.String(), args
}

var deliveryCols = []string{"endpoint_id", "event_id", "message_id", "type", "body", "state", "attempts", "next_at", "created", "updated"}

// FanOutWebhooks takes up to limit events from the outbox, oldest RMA
// first, and writes their deliveries (webhook.Store). An empty outbox is
// seen without a write: the dispatcher asks every second.
func (st *Store) FanOutWebhooks(ctx context.Context, limit int, at time.Time) (int, error) {
	limit = min(max(limit, 1), 200) // a statement's parameters stay well within both databases' limits
	var one int
	switch err := st.pool().QueryRowContext(ctx, `SELECT 1 FROM webhook_outbox LIMIT 1`).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return 0, nil
	case err != nil:
		return 0, st.storeError("webhook outbox", err)
	}
	var enc encoder
	atText := enc.Time("at", at)
	if enc.Err != nil {
		return 0, enc.Err
	}
	var taken int
	err := st.write(ctx, "fan out webhooks", func(q Querier) error {
		taken = 0
		keys, err := collect(ctx, q, func(s scanner) (outboxKey, error) {
			var k outboxKey
			return k, s.Scan(&k.rmaID, &k.seq)
		}, `SELECT rma_id, seq FROM webhook_outbox ORDER BY rma_id, seq LIMIT $1`+st.d.SkipLocked(), limit)
		if err != nil || len(keys) == 0 {
			return err
		}
		endpoints, err := collect(ctx, q, func(s scanner) (webhook.Endpoint, error) {
			ep, err := scanEndpoint(s)
			if err != nil {
				return webhook.Endpoint{}, err
			}
			return *ep, nil
		}, `SELECT `+endpointColumns+endpointFrom+` WHERE ep.disabled = FALSE ORDER BY ep.id`)
		if err != nil {
			return err
		}
		if len(endpoints) > 0 {
			where, args := keysWhere("e.", keys)
			events, err := collect(ctx, q, scanOutboxEvent, `SELECT e.id, e.rma_id, e.seq, e.at, e.actor, e.action, e.from_state,
				e.to_state, e.details, r.org_id, COALESCE(r.number, ''), r.reference
				FROM events e JOIN rmas r ON r.id = e.rma_id WHERE `+where, args...)
			if err != nil {
				return err
			}
			var rows [][]any
			for i := range events {
				ev := &events[i]
				for j := range endpoints {
					ep := &endpoints[j]
					if !ep.Wants(ev) {
						continue
					}
					body, err := webhook.Payload(ev, ep.Desk)
					if err != nil {
						return err
					}
					rows = append(rows, []any{ep.ID, ev.ID, ev.MessageID(), webhook.TypeOf(ev.Action), string(body),
						webhook.Pending, 0, atText, atText, atText})
				}
			}
			for len(rows) > 0 {
				n := min(len(rows), 500)
				if err := st.d.InsertRows(ctx, q, []Rows{{Table: "webhook_deliveries", Cols: deliveryCols, Values: rows[:n],
					OnConflict: "(endpoint_id, event_id) DO NOTHING"}}, nil); err != nil {
					return err
				}
				rows = rows[n:]
			}
		}
		where, args := keysWhere("", keys)
		if _, err := q.ExecContext(ctx, `DELETE FROM webhook_outbox WHERE `+where, args...); err != nil {
			return err
		}
		taken = len(keys)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return taken, nil
}

func scanOutboxEvent(s scanner) (webhook.Event, error) {
	var ev webhook.Event
	var at string
	var details sql.NullString
	if err := s.Scan(&ev.ID, &ev.RMAID, &ev.Seq, &at, &ev.Actor, &ev.Action, &ev.From, &ev.To, &details,
		&ev.OrgID, &ev.Number, &ev.Reference); err != nil {
		return ev, err
	}
	if details.Valid && details.String != "" {
		ev.Details = json.RawMessage(details.String)
	}
	var dec decoder
	ev.At = dec.Time("at", sql.NullString{String: at, Valid: true})
	return ev, dec.Err
}

const deliveryColumns = `id, endpoint_id, event_id, message_id, type, body, state, attempts, next_at, last_status, last_error, created, updated`

func scanDelivery(row interface{ Scan(...any) error }) (*webhook.Delivery, error) {
	var d webhook.Delivery
	var body, nextAt, created, updated string
	if err := row.Scan(&d.ID, &d.EndpointID, &d.EventID, &d.MessageID, &d.Type, &body, &d.State, &d.Attempts, &nextAt,
		&d.LastStatus, &d.LastError, &created, &updated); err != nil {
		return nil, err
	}
	d.Body = []byte(body)
	var dec decoder
	d.NextAt = dec.Time("next_at", sql.NullString{String: nextAt, Valid: true})
	d.Created = dec.Time("created", sql.NullString{String: created, Valid: true})
	d.Updated = dec.Time("updated", sql.NullString{String: updated, Valid: true})
	return &d, dec.Err
}

// ClaimWebhookDelivery leases the next due delivery (webhook.Store): its
// next_at moves past the lease, so a worker that dies holding it leaves it
// due again once the lease lapses, to be sent again with the same
// webhook-id. On PostgreSQL SKIP LOCKED lets several workers claim side by
// side (jobs.go says how).
func (st *Store) ClaimWebhookDelivery(ctx context.Context, worker string, at time.Time, lease time.Duration) (*webhook.Delivery, *webhook.Endpoint, error) {
	var enc encoder
	nowText, untilText := enc.Time("now", at), enc.Time("until", at.Add(lease))
	if enc.Err != nil {
		return nil, nil, enc.Err
	}
	if !storable(worker) {
		return nil, nil, rma.Invalid("worker", "not text the desk keeps")
	}
	// Nothing due is the usual answer, seen without a write: the
	// dispatcher asks every second, and SQLite has one writer.
	var one int
	switch err := st.pool().QueryRowContext(ctx, `SELECT 1 FROM webhook_deliveries WHERE state = 'pending' AND next_at <= $1 LIMIT 1`, nowText).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil, rma.Errorf(rma.ENOTFOUND, "no webhook delivery is due")
	case err != nil:
		return nil, nil, st.storeError("claim webhook delivery", err)
	}
	var del *webhook.Delivery
	var ep *webhook.Endpoint
	err := st.write(ctx, "claim webhook delivery", func(q Querier) error {
		del, ep = nil, nil
		var id int64
		err := q.QueryRowContext(ctx, `SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_at <= $1
			AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE disabled = FALSE)
			ORDER BY next_at, id LIMIT 1`+st.d.SkipLocked(), nowText).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return rma.Errorf(rma.ENOTFOUND, "no webhook delivery is due")
		}
		if err != nil {
			return err
		}
		d, err := scanDelivery(q.QueryRowContext(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, next_at = $2,
			locked_by = $3, updated = $4 WHERE id = $1 RETURNING `+deliveryColumns, id, untilText, worker, nowText))
		if err != nil {
			return err
		}
		e, err := scanEndpoint(q.QueryRowContext(ctx, `SELECT `+endpointColumns+endpointFrom+` WHERE ep.id = $1`, d.EndpointID))
		if err != nil {
			return err
		}
		del, ep = d, e
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return del, ep, nil
}

var attemptCols = []string{"delivery_id", "endpoint_id", "attempt", "at", "status", "latency_ms", "response", "error"}

// FinishWebhookAttempt logs an attempt and moves its delivery and
// endpoint (webhook.Store). ECONFLICT when the worker's lease lapsed and
// another took the delivery: the other's attempt is the one that counts.
func (st *Store) FinishWebhookAttempt(ctx context.Context, worker string, a *webhook.Attempt, o webhook.Outcome) error {
	var enc encoder
	atText, nextText, nowText := enc.Time("at", a.At), enc.Time("next_at", o.NextAt), enc.Time("now", now())
	if enc.Err != nil {
		return enc.Err
	}
	if o.State != webhook.Pending {
		nextText = nowText
	}
	response := strings.ToValidUTF8(strings.ReplaceAll(a.Response, "\x00", ""), "\uFFFD")
	errText := strings.ToValidUTF8(strings.ReplaceAll(a.Error, "\x00", ""), "\uFFFD")
	return st.write(ctx, "finish webhook attempt", func(q Querier) error {
		res, err := q.ExecContext(ctx, `UPDATE webhook_deliveries SET state = $4, next_at = $5, locked_by = '', last_status = $6,
			last_error = $7, updated = $8 WHERE id = $1 AND locked_by = $2 AND attempts = $3`,
			a.DeliveryID, worker, a.Attempt, o.State, nextText, a.Status, errText, nowText)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return rma.Errorf(rma.ECONFLICT, "webhook delivery %d is no longer %s's to finish", a.DeliveryID, worker)
		}
		if err := st.d.InsertRows(ctx, q, []Rows{{Table: "webhook_attempts", Cols: attemptCols, Values: [][]any{{
			a.DeliveryID, a.EndpointID, a.Attempt, atText, a.Status, a.Latency.Milliseconds(), response, errText}}}}, nil); err != nil {
			return err
		}
		switch {
		case o.Disable != "":
			_, err = q.ExecContext(ctx, `UPDATE webhook_endpoints SET disabled = TRUE, disabled_reason = $2, updated = $3 WHERE id = $1`,
				a.EndpointID, o.Disable, nowText)
		case o.Success:
			_, err = q.ExecContext(ctx, `UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`, a.EndpointID)
		default:
			_, err = q.ExecContext(ctx, `UPDATE webhook_endpoints SET failing_since = $2 WHERE id = $1 AND failing_since IS NULL`, a.EndpointID, atText)
		}
		return err
	})
}

// WebhookDeliveries lists an endpoint's deliveries, newest first, before
// the delivery ID before (0: from the newest).
func (st *Store) WebhookDeliveries(ctx context.Context, endpointID, before int64, limit int) ([]webhook.Delivery, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	if before <= 0 {
		before = 1<<63 - 1
	}
	out, err := collect(ctx, st.pool(), func(s scanner) (webhook.Delivery, error) {
		d, err := scanDelivery(s)
		if err != nil {
			return webhook.Delivery{}, err
		}
		return *d, nil
	}, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE endpoint_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, endpointID, before, limit)
	if err != nil {
		return nil, st.storeError("webhook deliveries", err)
	}
	return out, nil
}

// WebhookAttempts lists an endpoint's delivery log, newest first, from
// the attempt before the one numbered before (0: the newest), by keyset
// on (endpoint_id, id): of one delivery when deliveryID is not 0.
func (st *Store) WebhookAttempts(ctx context.Context, endpointID, deliveryID, before int64, limit int) ([]webhook.Attempt, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	if before <= 0 {
		before = 1<<63 - 1
	}
	query := `SELECT a.id, a.delivery_id, a.endpoint_id, d.message_id, d.type, a.attempt, a.at, a.status, a.latency_ms, a.response, a.error
		FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE a.endpoint_id = $1 AND a.id < $3`
	args := []any{endpointID, limit, before}
	if deliveryID != 0 {
		query += ` AND a.delivery_id = $4`
		args = append(args, deliveryID)
	}
	out, err := collect(ctx, st.pool(), func(s scanner) (webhook.Attempt, error) {
		var a webhook.Attempt
		var at string
		var ms int64
		if err := s.Scan(&a.ID, &a.DeliveryID, &a.EndpointID, &a.MessageID, &a.Type, &a.Attempt, &at, &a.Status, &ms, &a.Response, &a.Error); err != nil {
			return a, err
		}
		a.Latency = time.Duration(ms) * time.Millisecond
		var dec decoder
		a.At = dec.Time("at", sql.NullString{String: at, Valid: true})
		return a, dec.Err
	}, query+` ORDER BY a.id DESC LIMIT $2`, args...)
	if err != nil {
		return nil, st.storeError("webhook attempts", err)
	}
	return out, nil
}

// ReplayWebhooks sends an endpoint's deliveries again, now, with their
// webhook-id, their attempts counted afresh: one delivery (deliveryID), or
// every delivery created in [since, until) when deliveryID is 0 (a zero
// bound is open). A
// delivery being sent (leased) is left to its worker. It returns how many
// it queued; ENOTFOUND for one delivery that is not the endpoint's.
func (st *Store) ReplayWebhooks(ctx context.Context, endpointID, deliveryID int64, since, until, at time.Time) (int, error) {
	if since.IsZero() {
		since = time.Unix(0, 0)
	}
	if until.IsZero() {
		until = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	var enc encoder
	atText, sinceText, untilText := enc.Time("at", at), enc.Time("since", since), enc.Time("until", until)
	if enc.Err != nil {
		return 0, enc.Err
	}
	var n int64
	err := st.write(ctx, "replay webhooks", func(q Querier) error {
		var res sql.Result
		var err error
		if deliveryID != 0 {
			res, err = q.ExecContext(ctx, `UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_at = $3, locked_by = '', updated = $3
				WHERE id = $2 AND endpoint_id = $1 AND (locked_by = '' OR next_at <= $3)`, endpointID, deliveryID, atText)
		} else {
			res, err = q.ExecContext(ctx, `UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_at = $4, locked_by = '', updated = $4
				WHERE endpoint_id = $1 AND created >= $2 AND created < $3 AND (locked_by = '' OR next_at <= $4)`, endpointID, sinceText, untilText, atText)
		}
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		if deliveryID != 0 && n == 0 {
			var locked string
			switch err := q.QueryRowContext(ctx, `SELECT locked_by FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2`,
				deliveryID, endpointID).Scan(&locked); {
			case errors.Is(err, sql.ErrNoRows):
				return rma.Errorf(rma.ENOTFOUND, "webhook delivery %d of endpoint %d not found", deliveryID, endpointID)
			case err != nil:
				return err
			}
			return rma.Errorf(rma.ECONFLICT, "webhook delivery %d is being sent: replay it once the attempt is logged", deliveryID)
		}
		return nil
	})
	return int(n), err
}
