// Package web is rmadesk's portal for people: requesters file and follow
// their RMAs, the desk works its queue. It is server-rendered html/template
// with plain forms (a little JavaScript only enhances: drag-and-drop uploads
// and the policy preview without leaving the page), served from assets
// embedded in the binary. Like internal/api it holds no business rule: every
// step is a call to rma.Service.
package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/report"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/sso"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// LabelRenderer renders an RMA's return label and packing slip as PDF.
type LabelRenderer func(ctx context.Context, r *rma.RMA, lang string) ([]byte, error)

// Config is what the portal needs besides the service.
type Config struct {
	Files      rma.Files
	Log        *slog.Logger
	SessionKey []byte        // 32+ random bytes signing reset links and status messages; the same on every instance
	Secure     bool          // cookies only over HTTPS (behind a TLS proxy)
	SessionTTL time.Duration // a session's absolute lifetime; default 12 hours (auth.DefaultSessionAbsolute)
	Label      LabelRenderer // nil: no label link
	MaxUpload  int64
	Mail       notify.Sender // sends password-reset links; nil: none are sent
	PublicURL  string        // where people reach the portal, for links in mail

	// SessionIdle ends a session unused this long; default 2 hours
	// (auth.DefaultSessionIdle).
	SessionIdle time.Duration
	// Now is the clock sessions are timed by; default time.Now.
	Now func() time.Time
	// Clock is the desk's clock, for the header's note when a demo desk's
	// date was moved (clock.go); the service reads it for the date itself.
	Clock *rma.DeskClock

	// SupplierLabel makes a supplier RMA's label and packing slip
	// (suppliers.go); nil: no link.
	SupplierLabel SupplierLabelRenderer

	// VATBasisPoints is the VAT credit notes and invoices add (money.go).
	VATBasisPoints int

	// SignInProvider is the identity provider the deployment sets (flags,
	// environment); when it names an issuer it wins over the settings
	// admins keep at /admin/sign-in (oidc.go). ProviderClient calls the
	// provider; nil: a client with a timeout.
	SignInProvider *sso.Settings
	ProviderClient *http.Client
	// WhatIfDrafts finds stored policy drafts for the what-if page
	// (whatif.go, ?draft=); nil: the drafts the desk keeps.
	WhatIfDrafts WhatIfDrafts

	// Settings are what the desk runs with, shown to admins (adminhome.go).
	Settings Settings

	// UnitsSold is the registry of units sold the return rate divides by
	// (reports.go); nil: the store's serial registry (issue 16).
	UnitsSold report.UnitsSold
	// WarrantyChecksPerMinute bounds the public warranty checks one client
	// address makes at /warranty (warranty.go): 0 the default (10), a
	// negative number no limit. Counted by this instance, in memory.
	WarrantyChecksPerMinute float64
	// WebhookAllowPrivate: the desk delivers webhooks to private addresses
	// (--webhook-allow-private), so an endpoint may name one (webhooks.go).
	WebhookAllowPrivate bool
}

// Server serves the portal.
type Server struct {
	svc  *rma.Service
	cfg  Config
	tmpl *template.Template
	mux  *http.ServeMux
	// Sign-in attempts: a few per account (guessing one password), more per
	// address (an office shares one).
	perEmail, perIP *limiter
	// accounts manages users and keys, recording each change in the
	// audit log (admin.go).
	accounts *auth.Accounts
	rps      relyingParties  // oidc.go
	reports  *report.Desk    // reports.go
	warranty warrantyLimiter // warranty.go
}

// New builds the portal.
func New(svc *rma.Service, cfg Config) (*Server, error) {
	if len(cfg.SessionKey) < 32 {
		return nil, errors.New("web: the session key must be at least 32 bytes")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.WhatIfDrafts == nil {
		cfg.WhatIfDrafts = storedDrafts{svc} // whatif.go: the drafts the desk keeps
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = auth.DefaultSessionAbsolute
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = auth.DefaultSessionIdle
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 25 << 20
	}
	tmpl, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	s := &Server{svc: svc, cfg: cfg, tmpl: tmpl, mux: http.NewServeMux(),
		perEmail: newLimiter(5, 5*time.Minute), perIP: newLimiter(30, 5*time.Minute), accounts: auth.NewAccounts(svc.Store())}
	s.accounts.Mail = auth.InvitationMail{Sender: cfg.Mail, PublicURL: cfg.PublicURL}
	units := cfg.UnitsSold
	if units == nil { // the desk's serial registry (issue 16), which the store keeps
		units, _ = svc.Store().(report.UnitsSold)
	}
	s.reports = &report.Desk{Units: units, Directory: svc.Store(), Policies: func() []string { return svc.Policies().IDs() }, Today: svc.Today}
	if src, ok := svc.Store().(report.Source); ok {
		s.reports.Cells = src
	}
	s.routes()
	return s, nil
}

// Handler is the portal with its protections: same-origin checks on every
// form (CSRF), security headers, a size limit on every form and panic
// recovery.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	return cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				s.cfg.Log.ErrorContext(r.Context(), "panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if !s.limitBody(w, r) { // every form has a size limit (forms.go)
			return
		}
		s.mux.ServeHTTP(w, r)
	}))
}

func (s *Server) routes() {
	static, _ := fs.Sub(staticFS, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(http.FileServerFS(static), time.Hour)))
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.HandleFunc("POST /logout", s.logout)
	s.mux.HandleFunc("GET /lang/{lang}", s.setLanguage)
	s.mux.HandleFunc("GET /reset", s.resetPage)
	s.mux.HandleFunc("POST /reset", s.resetRequest)
	s.mux.HandleFunc("GET /reset/{token}", s.resetForm)
	s.mux.HandleFunc("POST /reset/{token}", s.resetSet)
	s.mux.HandleFunc("GET /{$}", s.signedIn(func(w http.ResponseWriter, r *http.Request, p *page) {
		http.Redirect(w, r, "/rmas", http.StatusSeeOther)
	}))
	s.mux.HandleFunc("GET /rmas", s.signedIn(s.list))
	s.mux.HandleFunc("POST /rmas/bulk", s.signedIn(s.bulk))
	s.mux.HandleFunc("GET /rmas/new", s.signedIn(s.newForm))
	s.mux.HandleFunc("POST /rmas/new", s.signedIn(s.newSubmit))
	s.mux.HandleFunc("POST /rmas/preview", s.signedIn(s.preview))
	s.mux.HandleFunc("GET /rmas/{id}", s.signedIn(s.detail))
	s.mux.HandleFunc("POST /rmas/{id}/act/{action}", s.signedIn(s.act))
	s.mux.HandleFunc("POST /rmas/{id}/messages", s.signedIn(s.message))
	s.mux.HandleFunc("POST /rmas/{id}/documents", s.signedIn(s.upload))
	s.mux.HandleFunc("GET /rmas/{id}/documents/{doc}", s.signedIn(s.document))
	s.mux.HandleFunc("GET /rmas/{id}/label.pdf", s.signedIn(s.label))
	s.mux.HandleFunc("GET /receiving", s.signedIn(s.receivingForm))
	s.mux.HandleFunc("POST /receiving", s.signedIn(s.receive))
	s.mux.HandleFunc("GET /serials", s.signedIn(s.serials))
	s.supplierRoutes() // suppliers.go
	s.moneyRoutes()    // money.go

	s.requesterRoutes() // requester.go
	s.agentRoutes()     // assign.go
	s.adminRoutes()     // admin.go
	s.oidcRoutes()      // oidc.go, oidc_admin.go
	s.whatifRoutes()    // whatif.go

	// policystore.go: policies managed in the desk
	s.policyStoreRoutes()
	s.shadowRoutes()    // shadow.go
	s.adminHomeRoutes() // adminhome.go
	s.reportRoutes()    // reports.go
	s.registryRoutes()  // registry.go, warranty.go (issue 16)
	s.webhookRoutes()   // webhooks.go (issue 17)
}

func cacheFor(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

// page is what every template gets.
type page struct {
	translator
	Actor   rma.Actor
	Org     *rma.Org
	User    string
	Title   string
	Flash   string
	Error   string
	Path    string
	IsDesk  bool
	Data    any
	Desk    *deskDate // the desk's date, in the header (clock.go)
	request *http.Request
}

// signedIn wraps a handler that needs a session; without one it sends the
// browser to sign in and back.
func (s *Server) signedIn(h func(http.ResponseWriter, *http.Request, *page)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		actor, u, org, err := s.session(r)
		if err != nil {
			if rma.ErrorCode(err) != rma.EUNAUTHORIZED {
				s.fail(w, r, &page{translator: translator{language(r)}, request: r}, err)
				return
			}
			if _, had := r.Cookie(sessionCookie); had == nil {
				s.clearSession(w) // ended, expired or never ours: forget it
			}
			http.Redirect(w, r, "/login?next="+urlEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		p := &page{translator: translator{language(r)}, Actor: actor, Org: org, User: u.Email, Path: r.URL.Path,
			IsDesk: actor.Role.IsDesk(), Desk: s.deskDate(), request: r}
		if r.Method == http.MethodPost {
			// A plain form is read here and its text checked as the API
			// checks JSON; a multipart form is checked by its handler once
			// parsed (newSubmit, preview), as its files must not be read
			// before their size limit is set.
			if err := r.ParseForm(); err != nil {
				s.fail(w, r, p, rma.Invalid("form", "unreadable"))
				return
			}
			if err := checkForm(r.PostForm); err != nil {
				s.fail(w, r, p, err)
				return
			}
		}
		h(w, r, p)
	}
}

// maxFieldBytes bounds a form field as the API bounds a JSON string.
const maxFieldBytes = 10000

// checkForm refuses a form with a value that is no text the desk keeps:
// invalid UTF-8, a control character other than tab and line breaks, or
// more than maxFieldBytes (rma.CheckText). Browsers send none of these;
// a script posting to the portal can, and PostgreSQL would refuse some of
// them only after other parts of the change were made.
func checkForm(values map[string][]string) error {
	for name, vs := range values {
		if err := rma.CheckText("form field name", name, 200); err != nil {
			return err
		}
		for _, v := range vs {
			if err := rma.CheckText(name, v, maxFieldBytes); err != nil {
				return err
			}
		}
	}
	return nil
}

// render writes a full page.
func (s *Server) render(w http.ResponseWriter, status int, name string, p *page) {
	s.takeFlash(w, p.request, p) // the status message left for this page (flash.go)
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, p); err != nil {
		s.cfg.Log.Error("template", "name", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// fail shows an error page for err: the domain's message for domain errors,
// a plain apology (and a log line) for anything else.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, p *page, err error) {
	status := http.StatusInternalServerError
	msg := p.T("error.title")
	var e *rma.Error
	if errors.As(err, &e) {
		switch e.Code {
		case rma.ENOTFOUND:
			status, msg = http.StatusNotFound, p.T("error.notfound")
		case rma.EFORBIDDEN:
			status, msg = http.StatusForbidden, p.T("error.forbidden")
		case rma.EINVALID, rma.ECONFLICT, rma.EPRECONDITION:
			status, msg = http.StatusUnprocessableEntity, e.Error()
		}
	} else {
		s.cfg.Log.ErrorContext(r.Context(), "portal", "path", r.URL.Path, "err", err)
	}
	p.Title, p.Error = p.T("error.title"), msg
	s.render(w, status, "error", p)
}

// Sessions are in sessions.go.

// limiter bounds sign-in attempts per address and per account: a few
// wrong passwords are human, a stream of them is not.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string][]time.Time
}

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, hits: map[string][]time.Time{}}
}

// allow records an attempt for key and reports whether it is within the
// limit.
func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	recent := l.hits[key][:0]
	for _, t := range l.hits[key] {
		if now.Sub(t) < l.window {
			recent = append(recent, t)
		}
	}
	ok := len(recent) < l.max
	l.hits[key] = append(recent, now)
	if len(l.hits) > 100000 { // bounded memory under a spray of addresses
		l.hits = map[string][]time.Time{}
	}
	return ok
}

// wait is how long until key may try again: until its oldest attempt in
// the window leaves it.
func (l *limiter) wait(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	hits := l.hits[key]
	if len(hits) < l.max {
		return 0
	}
	return max(time.Second, l.window-time.Since(hits[len(hits)-l.max]))
}

func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, key)
}

func urlEscape(s string) string {
	return strings.NewReplacer("%", "%25", "&", "%26", "?", "%3F", "#", "%23", " ", "%20", "+", "%2B").Replace(s)
}

// safeNext is in redirect.go.

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	p := &page{translator: translator{language(r)}, request: r}
	p.Title = p.T("login.title")
	p.Data = s.loginData(r, safeNext(r.URL.Query().Get("next")), "") // oidc.go: the provider's button
	s.render(w, http.StatusOK, "login", p)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	p := &page{translator: translator{language(r)}, request: r}
	p.Title = p.T("login.title")
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	next := safeNext(r.PostFormValue("next"))
	p.Data = s.loginData(r, next, email) // oidc.go
	ip := clientIP(r)
	// The account limit counts every way of typing one email as one: in
	// another case, Unicode form or with invisible characters it is the
	// same account (rma.NameKey), and must not get five more tries.
	account := rma.NameKey(email)
	if !s.perIP.allow(ip) || !s.perEmail.allow(account) {
		p.Error = p.T("login.limited")
		s.render(w, http.StatusTooManyRequests, "login", p)
		return
	}
	actor, u, err := auth.SignIn(r.Context(), s.svc.Store(), email, r.PostFormValue("password"))
	if auth.IsDisabled(err) {
		p.Error = p.T("login.disabled")
		s.render(w, http.StatusForbidden, "login", p)
		return
	}
	if err != nil {
		if rma.ErrorCode(err) != rma.EUNAUTHORIZED {
			s.fail(w, r, p, err)
			return
		}
		p.Error = p.T("login.failed")
		s.render(w, http.StatusUnauthorized, "login", p)
		return
	}
	s.perEmail.reset(account)
	// Staff whose desk signs them in through its identity provider use
	// it (oidc.go); told only to whoever gave the right password.
	if ok, provider, err := s.passwordAllowed(r, actor); err != nil {
		s.fail(w, r, p, err)
		return
	} else if !ok {
		p.Error = p.T("oidc.use_provider", provider)
		s.render(w, http.StatusForbidden, "login", p)
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.rememberLanguage(w, r, u) // languages.go
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i > 0 {
		host = host[:i]
	}
	return host
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.endSession(r); err != nil {
		// The cookie goes anyway, but the session would live on: say so
		// rather than pretend the browser is signed out everywhere.
		s.fail(w, r, &page{translator: translator{language(r)}, request: r}, err)
		return
	}
	s.clearSession(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	for _, l := range Languages {
		if l == lang {
			http.SetCookie(w, &http.Cookie{Name: "lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Secure})
		}
	}
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// formVersion reads the version a form was rendered at (its If-Match).
func formVersion(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	return v
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, rma.Errorf(rma.ENOTFOUND, "not found")
	}
	return id, nil
}

// redirectFlash is in flash.go.
