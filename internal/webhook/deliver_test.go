package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/pgtest"
	"github.com/rmadesk/rmadesk/internal/store/postgres"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
	"github.com/rmadesk/rmadesk/internal/webhook"
	"github.com/rmadesk/rmadesk/policies"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// deskStore is what these tests need of a store: the desk's and the
// webhooks'.
type deskStore interface {
	rma.Store
	webhook.Store
	CreateWebhookEndpoint(ctx context.Context, ep *webhook.Endpoint) error
	WebhookEndpoint(ctx context.Context, id int64) (*webhook.Endpoint, error)
	WebhookDeliveries(ctx context.Context, endpointID, before int64, limit int) ([]webhook.Delivery, error)
	WebhookAttempts(ctx context.Context, endpointID, deliveryID, before int64, limit int) ([]webhook.Attempt, error)
	ReplayWebhooks(ctx context.Context, endpointID, deliveryID int64, since, until, at time.Time) (int, error)
}

// pgMigrated gives each test a copy of a database migrated once.
var pgMigrated = pgtest.Template(func(ctx context.Context, url string) error {
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	return db.Close()
})

// databases runs a test on real SQLite and real PostgreSQL.
func databases(t *testing.T, run func(t *testing.T, st deskStore)) {
	t.Run("sqlite", func(t *testing.T) {
		db := sqlitetest.Open(t)
		run(t, db)
	})
	t.Run("postgres", func(t *testing.T) {
		db, err := postgres.Open(t.Context(), pgMigrated(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		run(t, db)
	})
}

type desk struct {
	st              deskStore
	svc             *rma.Service
	deskOrg         *rma.Org
	alpha, beta     rma.Actor // two requester organisations
	agent           rma.Actor
	deskID, alphaID int64
	betaID          int64
}

func newDesk(t *testing.T, st deskStore) *desk {
	t.Helper()
	ctx := t.Context()
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	accounts := auth.NewAccounts(st)
	deskOrg, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Desk", IsDesk: true, Email: "desk@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	alpha, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Alpha", Role: "distributor", Country: "DE"})
	if err != nil {
		t.Fatal(err)
	}
	beta, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Beta", Role: "distributor", Country: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	return &desk{st: st, svc: rma.NewService(st, set), deskOrg: deskOrg,
		alpha:  rma.Actor{OrgID: alpha.ID, Role: rma.RoleRequester, Name: "alpha"},
		beta:   rma.Actor{OrgID: beta.ID, Role: rma.RoleRequester, Name: "beta"},
		agent:  rma.Actor{OrgID: deskOrg.ID, Role: rma.RoleAgent, Name: "agent"},
		deskID: deskOrg.ID, alphaID: alpha.ID, betaID: beta.ID}
}

func (d *desk) submit(t *testing.T, who rma.Actor) *rma.RMA {
	t.Helper()
	c, err := policy.ParseClaim([]byte(`{"requester": {"role": "distributor"}, "product": {"category": "thermal-camera"},
		"dates": {"invoice": "2025-06-01", "reported": "2026-03-02"},
		"documents": ["vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"]}`))
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := d.svc.Submit(t.Context(), who, rma.SubmitRequest{PolicyID: "pixfra", Lines: []rma.LineRequest{{Claim: c, PartNumber: "1.0.01.08.43501"}}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (d *desk) endpoint(t *testing.T, orgID int64, url string, types ...string) *webhook.Endpoint {
	t.Helper()
	ep := &webhook.Endpoint{OrgID: orgID, URL: url, Secret: webhook.NewSecret(), EventTypes: types}
	if err := d.st.CreateWebhookEndpoint(t.Context(), ep); err != nil {
		t.Fatal(err)
	}
	return ep
}

// receiver is a real HTTP server on loopback that verifies every message
// with its endpoint's secret, as docs/API.md tells receivers to, and
// answers with the statuses it is given in turn (then 200).
type receiver struct {
	*httptest.Server
	t       *testing.T
	secret  string
	mu      sync.Mutex
	answers []int
	got     []message
}

type message struct {
	id   string
	body map[string]any
	raw  string
}

func newReceiver(t *testing.T, answers ...int) *receiver {
	r := &receiver{t: t, answers: answers}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if err := webhook.Verify(r.secret, req.Header, body, time.Now()); err != nil {
			t.Errorf("receiver: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var m message
		m.id, m.raw = req.Header.Get("webhook-id"), string(body)
		if err := json.Unmarshal(body, &m.body); err != nil {
			t.Errorf("receiver: %v", err)
		}
		r.got = append(r.got, m)
		status := http.StatusOK
		if len(r.answers) > 0 {
			status, r.answers = r.answers[0], r.answers[1:]
		}
		w.WriteHeader(status)
		io.WriteString(w, `{"seen": true}`)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) messages() []message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]message(nil), r.got...)
}

func (r *receiver) types() []string {
	var out []string
	for _, m := range r.messages() {
		out = append(out, m.body["type"].(string))
	}
	return out
}

// drain runs the dispatcher until nothing is due and nothing waits within
// the test's schedule.
func drain(t *testing.T, d *webhook.Dispatcher, st deskStore) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	idle := 0
	for idle < 20 {
		if time.Now().After(deadline) {
			t.Fatal("the dispatcher never ran dry")
		}
		did, err := d.RunOnce(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if did {
			idle = 0
			continue
		}
		idle++
		time.Sleep(10 * time.Millisecond)
	}
}

func testConfig() webhook.Config {
	return webhook.Config{AllowPrivate: true, Timeout: 5 * time.Second, Worker: "test",
		Schedule: []time.Duration{20 * time.Millisecond, 20 * time.Millisecond, 20 * time.Millisecond}}
}

// TestDeliveries: the desk's endpoint hears every organisation's events,
// signed so the receiver verifies them; one that fails twice gets the
// event three times with one webhook-id; a requester's endpoint hears only
// its own RMAs' events; a 410 disables its endpoint; the log keeps every
// attempt; a replay sends the event again with its webhook-id.
func TestDeliveries(t *testing.T) {
	databases(t, func(t *testing.T, st deskStore) {
		ctx := t.Context()
		d := newDesk(t, st)
		deskRecv := newReceiver(t)
		flaky := newReceiver(t, 500, 503)
		alphaRecv := newReceiver(t)
		betaRecv := newReceiver(t)
		gone := newReceiver(t, http.StatusGone)

		deskEP := d.endpoint(t, d.deskID, deskRecv.URL)
		flakyEP := d.endpoint(t, d.deskID, flaky.URL, "rma.authorized")
		alphaEP := d.endpoint(t, d.alphaID, alphaRecv.URL)
		betaEP := d.endpoint(t, d.betaID, betaRecv.URL, "rma.authorized")
		goneEP := d.endpoint(t, d.deskID, gone.URL)
		for r, ep := range map[*receiver]*webhook.Endpoint{deskRecv: deskEP, flaky: flakyEP, alphaRecv: alphaEP, betaRecv: betaEP, gone: goneEP} {
			r.secret = ep.Secret
		}

		a := d.submit(t, d.alpha)
		b := d.submit(t, d.beta)
		// The desk's note is its own business: no requester hears of it.
		if _, err := d.svc.PostMessage(ctx, d.agent, a.ID, rma.MessageRequest{Body: "customer sounds upset", Internal: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.svc.Authorize(ctx, d.agent, b.ID, b.Version, rma.AuthorizeRequest{Resolution: "repair"}); err != nil {
			t.Fatal(err)
		}

		dis := webhook.NewDispatcher(st, testConfig())
		drain(t, dis, st)

		got := deskRecv.types()
		slices.Sort(got)
		if got, want := strings.Join(got, " "), "rma.authorized rma.created rma.created rma.note_added"; got != want {
			t.Errorf("desk endpoint got %s, want %s", got, want)
		}
		// Every message names its RMA and, for the desk, who acted.
		for _, m := range deskRecv.messages() {
			data := m.body["data"].(map[string]any)
			if data["rma_id"] == nil || data["actor"] == "" || m.body["timestamp"] == "" {
				t.Errorf("desk message %s lacks its RMA, actor or timestamp: %s", m.id, m.raw)
			}
		}

		// Failed twice, then succeeded: the event three times, with one
		// webhook-id.
		msgs := flaky.messages()
		if len(msgs) != 3 || msgs[0].id != msgs[1].id || msgs[1].id != msgs[2].id || msgs[0].raw != msgs[2].raw {
			t.Errorf("the flaky receiver got %d messages, want the one event three times with one webhook-id: %+v", len(msgs), msgs)
		}
		log, err := st.WebhookAttempts(ctx, flakyEP.ID, 0, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var statuses []int
		for _, at := range log {
			statuses = append(statuses, at.Status)
			if at.Status == 200 && at.Response != `{"seen": true}` {
				t.Errorf("the log kept %q of the answer", at.Response)
			}
		}
		if !slices.Equal(statuses, []int{200, 503, 500}) {
			t.Errorf("the flaky endpoint's log has %v, want 200, 503, 500 (newest first)", statuses)
		}
		// The log in pages of two, by keyset: the third attempt alone after the first page.
		if len(log) == 3 {
			page, err := st.WebhookAttempts(ctx, flakyEP.ID, 0, 0, 2)
			if err != nil {
				t.Fatal(err)
			}
			rest, err := st.WebhookAttempts(ctx, flakyEP.ID, 0, page[len(page)-1].ID, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) != 2 || len(rest) != 1 || rest[0].ID != log[2].ID {
				t.Errorf("pages of two: %d then %d attempts, want 2 then the oldest", len(page), len(rest))
			}
		}

		// A requester's endpoint: its own RMA's events, never the other
		// organisation's, never the desk's note.
		for _, m := range alphaRecv.messages() {
			data := m.body["data"].(map[string]any)
			if int64(data["org_id"].(float64)) != d.alphaID || int64(data["rma_id"].(float64)) != a.ID {
				t.Errorf("alpha's endpoint heard of another organisation's RMA: %s", m.raw)
			}
			if _, ok := data["actor"]; ok {
				t.Errorf("alpha's endpoint was told who acted: %s", m.raw)
			}
		}
		if got := strings.Join(alphaRecv.types(), " "); got != "rma.created" {
			t.Errorf("alpha's endpoint got %s, want rma.created", got)
		}
		if got := strings.Join(betaRecv.types(), " "); got != "rma.authorized" {
			t.Errorf("beta's endpoint (rma.authorized only) got %s", got)
		}

		// 410 Gone: one attempt, the endpoint disabled, nothing more sent.
		if n := len(gone.messages()); n != 1 {
			t.Errorf("the gone receiver got %d messages, want 1", n)
		}
		ep, err := st.WebhookEndpoint(ctx, goneEP.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !ep.Disabled || !strings.Contains(ep.DisabledReason, "410") {
			t.Errorf("after a 410 the endpoint is disabled=%v (%q)", ep.Disabled, ep.DisabledReason)
		}
		d.submit(t, d.alpha)
		drain(t, dis, st)
		if n := len(gone.messages()); n != 1 {
			t.Errorf("a disabled endpoint got %d messages", n)
		}

		// Replay: the same webhook-id again.
		dels, err := st.WebhookDeliveries(ctx, alphaEP.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		first := dels[len(dels)-1]
		if n, err := st.ReplayWebhooks(ctx, alphaEP.ID, first.ID, time.Time{}, time.Time{}, time.Now()); err != nil || n != 1 {
			t.Fatalf("replay: %d, %v", n, err)
		}
		if _, err := st.ReplayWebhooks(ctx, betaEP.ID, first.ID, time.Time{}, time.Time{}, time.Now()); rma.ErrorCode(err) != rma.ENOTFOUND {
			t.Errorf("replaying alpha's delivery through beta's endpoint: %v, want not found", err)
		}
		before := len(alphaRecv.messages())
		drain(t, dis, st)
		msgs = alphaRecv.messages()
		if len(msgs) != before+1 || msgs[len(msgs)-1].id != first.MessageID {
			t.Errorf("after a replay alpha got %d messages (had %d), the last %q, want %q again", len(msgs), before, msgs[len(msgs)-1].id, first.MessageID)
		}
	})
}

// TestGiveUp: a receiver that never answers well gets the schedule's
// attempts and no more; the delivery fails and its endpoint stays enabled
// until it has failed for DisableAfter.
func TestGiveUp(t *testing.T) {
	databases(t, func(t *testing.T, st deskStore) {
		d := newDesk(t, st)
		down := newReceiver(t, 500, 500, 500, 500, 500, 500, 500, 500)
		ep := d.endpoint(t, d.deskID, down.URL)
		down.secret = ep.Secret
		d.submit(t, d.alpha)
		cfg := testConfig()
		dis := webhook.NewDispatcher(st, cfg)
		drain(t, dis, st)
		if n := len(down.messages()); n != len(cfg.Schedule)+1 {
			t.Errorf("the receiver got %d attempts, want %d", n, len(cfg.Schedule)+1)
		}
		dels, err := st.WebhookDeliveries(t.Context(), ep.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(dels) != 1 || dels[0].State != webhook.Failed || dels[0].LastStatus != 500 {
			t.Errorf("deliveries %+v, want one failed with 500", dels)
		}
		got, err := st.WebhookEndpoint(t.Context(), ep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Disabled || got.FailingSince.IsZero() {
			t.Errorf("endpoint disabled=%v failing since %v, want enabled and failing", got.Disabled, got.FailingSince)
		}
		// Failing for longer than DisableAfter: the next failure disables it.
		cfg.DisableAfter = time.Nanosecond
		var told string
		cfg.Disabled = func(_ context.Context, ep *webhook.Endpoint, o webhook.Outcome) { told = o.Disable }
		d.submit(t, d.alpha)
		drain(t, webhook.NewDispatcher(st, cfg), st)
		got, err = st.WebhookEndpoint(t.Context(), ep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Disabled || told == "" {
			t.Errorf("after failing too long: disabled=%v, owner told %q", got.Disabled, told)
		}
	})
}

// TestGuard: a receiver on loopback is refused unless the desk allows its
// own network, and a redirect is not followed.
func TestGuard(t *testing.T) {
	databases(t, func(t *testing.T, st deskStore) {
		d := newDesk(t, st)
		recv := newReceiver(t)
		ep := d.endpoint(t, d.deskID, recv.URL)
		recv.secret = ep.Secret
		d.submit(t, d.alpha)
		cfg := testConfig()
		cfg.AllowPrivate = false
		guarded := webhook.NewDispatcher(st, cfg)
		drain(t, guarded, st)
		if n := len(recv.messages()); n != 0 {
			t.Fatalf("a loopback receiver got %d messages with the guard on", n)
		}
		// /metrics counts the refusals: every attempt of the schedule.
		reg := prometheus.NewRegistry()
		reg.MustRegister(guarded.Collectors()...)
		if got := refusals(t, reg); got != float64(len(cfg.Schedule)+1) {
			t.Fatalf("rmadesk_webhook_attempts_total{outcome=refused} = %v, want %d", got, len(cfg.Schedule)+1)
		}
		log, err := st.WebhookAttempts(t.Context(), ep.ID, 0, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) == 0 || !strings.Contains(log[0].Error, "private, loopback or link-local") {
			t.Fatalf("the log says %+v, want the guard's refusal", log)
		}

		// Allowed: a replay reaches it.
		if _, err := st.ReplayWebhooks(t.Context(), ep.ID, 0, time.Time{}, time.Now().Add(time.Hour), time.Now()); err != nil {
			t.Fatal(err)
		}
		drain(t, webhook.NewDispatcher(st, testConfig()), st)
		if n := len(recv.messages()); n != 1 {
			t.Fatalf("allowed, the receiver got %d messages", n)
		}

		// A redirect is an answer, not an address to post to.
		target := newReceiver(t)
		redirect := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusTemporaryRedirect))
		t.Cleanup(redirect.Close)
		rep := d.endpoint(t, d.deskID, redirect.URL)
		target.secret = rep.Secret
		d.submit(t, d.beta)
		drain(t, webhook.NewDispatcher(st, testConfig()), st)
		if n := len(target.messages()); n != 0 {
			t.Fatalf("a redirect was followed: %d messages", n)
		}
		log, err = st.WebhookAttempts(t.Context(), rep.ID, 0, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) == 0 || log[0].Status != http.StatusTemporaryRedirect {
			t.Fatalf("the redirect's log %+v", log)
		}
	})
}

// refusals reads rmadesk_webhook_attempts_total{outcome="refused"}.
func refusals(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "rmadesk_webhook_attempts_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" && l.GetValue() == "refused" {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}
