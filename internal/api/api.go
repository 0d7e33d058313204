// Package api is rmadesk's JSON API under /api/v1: it decodes requests,
// authenticates them, calls rma.Service and maps errors to problem+json.
// It holds no business rule; those live in internal/rma and internal/policy.
// The routes and openapi.json are kept in step by a test.
package api

import (
	_ "embed"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/report"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/sso"
)

// OpenAPI is the API's OpenAPI 3 document, served at /api/v1/openapi.json.
//
//go:embed openapi.json
var OpenAPI []byte

// Server serves the API.
type Server struct {
	svc       *rma.Service
	files     rma.Files
	accounts  *auth.Accounts
	log       *slog.Logger
	maxUpload int64
	routes    []Route
	mux       *http.ServeMux
	limits    limits
	handler   http.Handler // mux behind the rate limits
	clock     *rma.DeskClock
	vat       int // basis points, on credit notes and invoices

	// drafts are the stored drafts for a what-if (whatif.go); nil: none.
	drafts WhatIfDrafts
	// reports runs the desk's reports (reports.go).
	reports *report.Desk

	// mail is the desk's relay, for a test mail (testmail.go); nil: none.
	mail      notify.Sender
	publicURL string

	version        string // the desk's version, for the settings overview (settings.go)
	webhookPrivate bool   // endpoints may name private addresses (Config.WebhookAllowPrivate)
	// rate and burst are the per-key limit as configured (settings.go).
	rate  float64
	burst int

	// signInDeployed is the deployment's sign-in provider (signin.go).
	signInDeployed *sso.Settings

	// warrantyLimit bounds the public warranty checks of a client address
	// (registry.go); nil: no limit.
	warrantyLimit *limiter
}

// Route is one endpoint. Public routes need no API key.
type Route struct {
	Method string
	Path   string // a ServeMux pattern path: /api/v1/rmas/{id}
	Public bool
	// Op is checked before the handler runs, against the RMA in the path
	// when there is one, so a refused caller never sees a validation error.
	Op      rma.Action
	handler func(w http.ResponseWriter, r *http.Request, actor rma.Actor) error
}

// Config is what New needs besides the service.
type Config struct {
	Files     rma.Files
	Log       *slog.Logger
	MaxUpload int64 // bytes; default 25 MiB

	// RequestsPerSecond is the sustained rate each API key may call at
	// (calls without a key: each client address), and RequestBurst how
	// many calls it may make at once (default 4 × RequestsPerSecond).
	// 0, the default here, is unlimited: serve sets the limit.
	RequestsPerSecond float64
	RequestBurst      int
	// AuthFailuresPerMinute is how fast a client address may fail to
	// authenticate once it has used AuthFailureBurst failures; past that,
	// its calls get 429 until its allowance refills. 0 means the default
	// (10 a minute, 100 at once); a negative rate, unlimited.
	AuthFailuresPerMinute float64
	AuthFailureBurst      int

	// Clock is the desk's clock, which the service reads too; nil: the
	// wall clock, never moved (clock.go).
	Clock *rma.DeskClock

	// VATBasisPoints is the VAT credit notes and invoices add (money.go).
	VATBasisPoints int

	// Mail sends invitations, with links to the portal at PublicURL
	// (users.go); nil: each invitation's link is given back to the admin.
	Mail      notify.Sender
	PublicURL string

	// WhatIfDrafts finds stored policy drafts for a what-if (whatif.go);
	// nil: a what-if takes the draft's YAML only.
	WhatIfDrafts WhatIfDrafts

	// UnitsSold is the registry of units sold the return rate divides by
	// (reports.go); nil: the store's serial registry (issue 16).
	UnitsSold report.UnitsSold
	// WarrantyChecksPerMinute bounds the public warranty checks one client
	// address makes (registry.go), with as many at once; 0 means the
	// default, DefaultWarrantyChecksPerMinute; a negative number, no limit.
	// The buckets are this instance's, in memory.
	WarrantyChecksPerMinute float64

	// SignInProvider is the sign-in provider the deployment sets (flags or
	// environment), which wins over the one stored (signin.go); nil: none.
	SignInProvider *sso.Settings
	// Version is the desk's version the settings overview shows
	// (settings.go); "": dev.
	Version string
	// WebhookAllowPrivate: the desk delivers webhooks to private and
	// loopback addresses (serve --webhook-allow-private); without it an
	// endpoint whose URL names such an address is refused when saved, as
	// the portal refuses it (webhooks.go).
	WebhookAllowPrivate bool
}

// DefaultWarrantyChecksPerMinute is the public warranty check's limit per
// client address: a person checks a few serials, a script that walks
// serials is slowed to a crawl.
const DefaultWarrantyChecksPerMinute = 10

// New builds the API server.
func New(svc *rma.Service, cfg Config) *Server {
	s := &Server{svc: svc, files: cfg.Files, accounts: auth.NewAccounts(svc.Store()), log: cfg.Log, maxUpload: cfg.MaxUpload}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.maxUpload <= 0 {
		s.maxUpload = 25 << 20
	}
	s.limits = newLimits(cfg)
	if s.rate = cfg.RequestsPerSecond; s.rate > 0 {
		s.burst = cfg.RequestBurst
		if s.burst <= 0 {
			s.burst = int(math.Ceil(4 * s.rate)) // newLimits' default
		}
	}
	s.clock = cfg.Clock
	s.vat = cfg.VATBasisPoints
	s.drafts = cfg.WhatIfDrafts
	if s.drafts == nil {
		s.drafts = storedDrafts{svc} // whatif.go: the drafts the desk keeps
	}
	if s.clock == nil {
		s.clock = rma.NewDeskClock(nil, false, nil)
	}
	s.routes = append(s.routeTable(), s.clockRoutes()...)
	s.routes = append(s.routes, s.moneyRoutes()...)    // money.go
	s.routes = append(s.routes, s.labelRoutes()...)    // labels.go
	s.routes = append(s.routes, s.exportRoutes()...)   // exports.go
	s.routes = append(s.routes, s.replyRoutes()...)    // replies.go
	s.routes = append(s.routes, s.testMailRoutes()...) // testmail.go
	s.mail, s.publicURL = cfg.Mail, cfg.PublicURL
	s.routes = append(s.routes, s.userRoutes()...) // users.go
	s.accounts.Mail = auth.InvitationMail{Sender: cfg.Mail, PublicURL: cfg.PublicURL}
	s.routes = append(s.routes, s.whatifRoutes()...)
	// shadow.go: drafts in shadow (before the draft's routes, whose
	// last, a discard, ends the access test's draft)
	s.routes = append(s.routes, s.shadowRoutes()...)
	// policystore.go: policies managed in the desk
	s.routes = append(s.routes, s.policyStoreRoutes()...)
	s.reports = reportsDesk(svc, cfg.UnitsSold)
	s.routes = append(s.routes, s.reportRoutes()...)    // reports.go
	s.routes = append(s.routes, s.registryRoutes()...)  // registry.go (issue 16)
	s.routes = append(s.routes, s.webhookRoutes()...)   // webhooks.go (issue 17)
	s.routes = append(s.routes, s.bulkRoutes()...)      // bulk.go (issue 17)
	s.routes = append(s.routes, s.savedViewRoutes()...) // savedviews.go (issue 17)
	s.routes = append(s.routes, s.previewRoutes()...)   // preview.go (issue 17)
	s.signInDeployed = cfg.SignInProvider
	s.routes = append(s.routes, s.signInRoutes()...) // signin.go (issue 17)
	s.version = cfg.Version
	s.webhookPrivate = cfg.WebhookAllowPrivate
	s.routes = append(s.routes, s.settingsRoutes()...) // settings.go (issue 17)
	s.warrantyLimit = warrantyCheckLimiter(cfg.WarrantyChecksPerMinute)
	s.mux = http.NewServeMux()
	for _, rt := range s.routes {
		s.mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	// Anything else under /api/ is a problem, not the mux's plain-text 404.
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if methods := s.methodsFor(r.URL.Path); len(methods) > 0 {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			writeProblem(w, r, Problem{Status: http.StatusMethodNotAllowed, Detail: r.Method + " is not allowed here"})
			return
		}
		writeProblem(w, r, Problem{Status: http.StatusNotFound, Detail: "no such endpoint"})
	})
	s.handler = s.limit(s.mux)
	return s
}

// Handler returns the API's handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Routes lists the endpoints (the access test walks them all).
func (s *Server) Routes() []Route { return s.routes }

func (s *Server) methodsFor(path string) []string {
	var out []string
	for _, rt := range s.routes {
		if matchPath(rt.Path, path) && !slices.Contains(out, rt.Method) {
			out = append(out, rt.Method)
		}
	}
	return out
}

func matchPath(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if !strings.HasPrefix(ps[i], "{") && ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// wrap authenticates, recovers from panics (a bug must not take the server
// down or leak a stack to the client) and sets the headers every answer has.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v) // a stream cut short on purpose (exports.go): net/http drops the connection
				}
				s.log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				writeProblem(w, r, Problem{Status: http.StatusInternalServerError, Detail: "internal error; it has been logged"})
			}
		}()
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		var actor rma.Actor
		if !rt.Public {
			key, ok := bearer(r)
			if !ok {
				s.writeError(w, r, rma.Errorf(rma.EUNAUTHORIZED, "missing API key: send Authorization: Bearer rk_..."))
				return
			}
			a, err := auth.Authenticate(r.Context(), s.svc.Store(), key)
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			actor = a
			if err := s.check(r, rt, actor); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		run := func(w http.ResponseWriter) error { return rt.handler(w, r, actor) }
		var err error
		if rt.Public || (rt.Method == http.MethodPost && (rt.Path == v1+"/rmas" || rt.Path == v1+"/rmas/preview")) {
			// Submissions are guarded by the store, with the RMA; a
			// preview writes nothing, not even an idempotency record.
			err = run(w)
		} else {
			err = s.withIdempotency(w, r, actor, run)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

// check applies the route's access rule before the request is read.
func (s *Server) check(r *http.Request, rt Route, actor rma.Actor) error {
	if rt.Op == "" {
		return nil
	}
	var rmaID int64
	if strings.Contains(rt.Path, "/rmas/{id}") {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		rmaID = id
	}
	return s.svc.Check(r.Context(), actor, rmaID, rt.Op)
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:]), true
	}
	if k := r.Header.Get("X-API-Key"); k != "" {
		return k, true
	}
	return "", false
}

// pathID reads a numeric path value.
func pathID(r *http.Request, name string) (int64, error) {
	v := r.PathValue(name)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, rma.Errorf(rma.ENOTFOUND, "%s %q not found", name, v)
	}
	return id, nil
}

// etag is an RMA version as an entity tag.
func etag(id int64, version int) string { return fmt.Sprintf(`"%d-%d"`, id, version) }

// ifMatch reads the version the client acts on. State changes require it:
// two agents acting at once, one wins and the other gets 412.
func ifMatch(r *http.Request, id int64) (int, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, &badRequest{status: http.StatusPreconditionRequired, field: "If-Match", detail: "required: the RMA's ETag from GET, so a change made meanwhile is not overwritten"}
	}
	tag := strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	idPart, verPart, ok := strings.Cut(tag, "-")
	v, err := strconv.Atoi(verPart)
	if !ok || err != nil || idPart != strconv.FormatInt(id, 10) || v <= 0 {
		return 0, rma.Errorf(rma.EPRECONDITION, "If-Match %s does not match RMA %d", h, id)
	}
	return v, nil
}
