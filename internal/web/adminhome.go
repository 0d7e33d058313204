package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The administrator's pages (issue 15): /admin says what needs attention,
// and links every part of administration; /admin/jobs is the job queue and
// /admin/settings what the desk runs with, with a test mail through its
// relay. Organisations and service locations are in adminorgs.go; the
// templates in templates/adminorgs.html. Only
// admins reach /admin: the desk's other roles get 403, requesters 404, as
// a requester must not learn what the desk's pages are.

// Settings are what the desk runs with, shown to admins at /admin/settings.
type Settings struct {
	Database  string // "SQLite", "PostgreSQL"
	MailRelay string // host:port of the SMTP relay; "" when mail is only logged
	Version   string
}

// adminLinks are the parts of administration, in the order the admin
// navigation shows them; some pages come with other parts of issue 15.
var adminLinks = []struct{ Path, Key string }{
	{"/admin/orgs", "admin.nav.orgs"}, {"/admin/users", "admin.nav.users"}, {"/admin/keys", "admin.nav.keys"},
	{"/admin/locations", "admin.nav.locations"}, {"/admin/policies", "admin.nav.policies"}, {"/admin/jobs", "admin.nav.jobs"},
	{"/admin/settings", "admin.nav.settings"}, {"/admin/sign-in", "admin.nav.signin"}, {"/admin/audit", "admin.nav.audit"},
	{"/admin/registry", "admin.nav.registry"}, // registry.go (issue 16)
	{"/webhooks", "admin.nav.webhooks"},       // webhooks.go (issue 17)
}

// ShowAdmin reports whether the page shows the admin navigation: to
// admins only.
func (p *page) ShowAdmin() bool { return p.IsDesk && rma.Can(p.Actor.Role, rma.OpAdminister) }

// AdminNav is the admin navigation the layout shows admins on every page.
func (p *page) AdminNav() []struct{ Path, Key string } { return adminLinks }

// AdminCurrent reports whether the admin navigation's link to path is the
// page shown (or its parent).
func (p *page) AdminCurrent(path string) bool {
	return p.Path == path || strings.HasPrefix(p.Path, path+"/")
}

// AttentionItem is one thing on the admin home that needs the admin.
type AttentionItem struct {
	Text string // already translated
	Link string
	Bad  bool // shown as a problem (dead jobs), not only a count
	// Each are the things counted, each with its own link, where the
	// admin goes to them one by one (the drafts waiting, by policy).
	Each []AttentionLink
}

// AttentionLink is one of the things an AttentionItem counts.
type AttentionLink struct {
	Text string // already translated
	Link string
}

// AttentionSource adds what one part of administration has waiting (the
// invitations no one answered, policy drafts not published): the other
// parts of the admin register theirs in AttentionSources from an init, so
// the home lists them without knowing them.
type AttentionSource func(ctx context.Context, s *Server, p *page) []AttentionItem

// AttentionSources are the admin home's sources beyond the job queue's and
// the organisations'.
var AttentionSources []AttentionSource

func (s *Server) adminHomeRoutes() {
	s.mux.HandleFunc("GET /admin", s.adminPage(s.adminHome))
	s.mux.HandleFunc("GET /admin/{$}", s.adminPage(s.adminHome))
	s.mux.HandleFunc("GET /admin/jobs", s.adminPage(s.adminJobs))
	s.mux.HandleFunc("POST /admin/jobs/{id}/retry", s.adminPage(s.adminRetryJob))
	s.mux.HandleFunc("GET /admin/settings", s.adminPage(s.adminSettings))
	s.mux.HandleFunc("POST /admin/settings/test-mail", s.adminPage(s.adminTestMail))
	s.adminOrgRoutes() // adminorgs.go
}

// adminPage wraps a page only admins see.
func (s *Server) adminPage(h func(http.ResponseWriter, *http.Request, *page)) http.HandlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request, p *page) {
		switch {
		case !p.IsDesk:
			s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "not found"))
		case !rma.Can(p.Actor.Role, rma.OpAdminister):
			s.fail(w, r, p, rma.Errorf(rma.EFORBIDDEN, "role %s may not administer the desk", p.Actor.Role))
		default:
			h(w, r, p)
		}
	})
}

type adminHomeData struct {
	Attention []AttentionItem
	Counts    rma.JobCountsView
	Links     []struct{ Path, Key string }
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request, p *page) {
	ctx := r.Context()
	d := &adminHomeData{Links: adminLinks}
	counts, err := s.svc.JobQueueCounts(ctx, p.Actor)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	d.Counts = counts
	if counts.Dead > 0 {
		d.Attention = append(d.Attention, AttentionItem{Text: p.T("admin.att.dead", counts.Dead), Link: "/admin/jobs?state=dead", Bad: true})
	}
	if counts.Failed > 0 {
		d.Attention = append(d.Attention, AttentionItem{Text: p.T("admin.att.failed", counts.Failed), Link: "/admin/jobs?state=failed", Bad: true})
	}
	if n, err := s.requestersWithoutAddress(ctx, p); err == nil && n > 0 {
		d.Attention = append(d.Attention, AttentionItem{Text: p.T("admin.att.noaddress", n), Link: "/admin/orgs?role=requesters"})
	}
	for _, src := range AttentionSources {
		d.Attention = append(d.Attention, src(ctx, s, p)...)
	}
	p.Title = p.T("admin.title")
	p.Data = d
	s.render(w, http.StatusOK, "admin_home", p)
}

// requestersWithoutAddress counts the requester organisations with no
// postal address: their labels have no sender.
func (s *Server) requestersWithoutAddress(ctx context.Context, p *page) (int, error) {
	orgs, err := s.orgAccounts().Orgs(ctx, p.Actor)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range orgs {
		if !o.IsDesk && !o.Supplier && o.Address.IsZero() {
			n++
		}
	}
	return n, nil
}

type adminJobsData struct {
	Counts rma.JobCountsView
	Views  []rma.JobView
	View   rma.JobView
	Jobs   []rma.Job
}

// Count is the number of jobs in view v, for the tabs.
func (d *adminJobsData) Count(v rma.JobView) int {
	switch v {
	case rma.JobPending:
		return d.Counts.Pending
	case rma.JobFailed:
		return d.Counts.Failed
	case rma.JobView(rma.JobRunning):
		return d.Counts.Running
	case rma.JobView(rma.JobDead):
		return d.Counts.Dead
	case rma.JobView(rma.JobDone):
		return d.Counts.Done
	}
	return 0
}

// Retryable reports whether a job of the list shown may be sent back.
func (d *adminJobsData) Retryable() bool {
	return d.View == rma.JobFailed || d.View == rma.JobView(rma.JobDead)
}

func (s *Server) adminJobs(w http.ResponseWriter, r *http.Request, p *page) {
	ctx := r.Context()
	d := &adminJobsData{Views: rma.JobViews}
	var err error
	if d.Counts, err = s.svc.JobQueueCounts(ctx, p.Actor); err != nil {
		s.fail(w, r, p, err)
		return
	}
	state := r.URL.Query().Get("state")
	if state == "" {
		// The list that most needs the admin.
		switch {
		case d.Counts.Dead > 0:
			state = string(rma.JobDead)
		case d.Counts.Failed > 0:
			state = string(rma.JobFailed)
		default:
			state = string(rma.JobPending)
		}
	}
	if d.View, err = rma.ParseJobView("state", state); err != nil || d.View == rma.JobView(rma.JobQueued) {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "no such list"))
		return
	}
	if d.Jobs, err = s.svc.JobList(ctx, p.Actor, d.View, 200); err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Title = p.T("admin.jobs.title")
	p.Data = d
	s.render(w, http.StatusOK, "admin_jobs", p)
}

func (s *Server) adminRetryJob(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	back := "/admin/jobs"
	if v, err := rma.ParseJobView("state", r.PostFormValue("state")); err == nil {
		back += "?state=" + string(v)
	}
	if err := s.retryJob(r.Context(), p.Actor, id); err != nil {
		if rma.ErrorCode(err) == rma.ECONFLICT {
			// Another admin or a worker got there first: say so on the list.
			s.setFlash(w, flashError, p.T("admin.jobs.notretried", id))
			http.Redirect(w, r, back, http.StatusSeeOther)
			return
		}
		s.fail(w, r, p, err)
		return
	}
	s.redirectFlash(w, r, back, p.T("admin.jobs.retried", id))
}

type adminSettingsData struct {
	Settings Settings
	BaseURL  string
	To       string
	Sent     string // the address the test mail went to
	Problem  string // the relay's answer, in plain words
	Fields   fieldErrors
}

func (s *Server) settingsData(p *page) *adminSettingsData {
	d := &adminSettingsData{Settings: s.cfg.Settings, BaseURL: s.cfg.PublicURL}
	if d.Settings.Version == "" {
		d.Settings.Version = "dev"
	}
	return d
}

func (s *Server) adminSettings(w http.ResponseWriter, r *http.Request, p *page) {
	p.Title = p.T("admin.settings.title")
	p.Data = s.settingsData(p)
	s.render(w, http.StatusOK, "admin_settings", p)
}

// adminTestMail sends a short message to the address given through the
// desk's relay, and says what the relay answered.
func (s *Server) adminTestMail(w http.ResponseWriter, r *http.Request, p *page) {
	d := s.settingsData(p)
	p.Title = p.T("admin.settings.title")
	p.Data = d
	d.To = strings.TrimSpace(r.PostFormValue("to"))
	to, err := rma.CleanEmail("to", d.To)
	if d.To == "" {
		err = rma.Invalid("to", "required")
	}
	if err != nil {
		d.Fields = fieldErrors{"to": p.T("admin.settings.bad_to")}
		p.Error = p.T("admin.form.fix")
		s.render(w, http.StatusUnprocessableEntity, "admin_settings", p)
		return
	}
	if s.cfg.Mail == nil {
		d.Problem = p.T("admin.settings.nomail")
		s.render(w, http.StatusOK, "admin_settings", p)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	msg := notify.Message{ID: fmt.Sprintf("test-%d", time.Now().UnixNano()), To: to, Subject: p.T("admin.mail.subject"),
		Text: p.T("admin.mail.body", p.User, s.cfg.PublicURL)}
	err = s.cfg.Mail.Send(ctx, msg)
	outcome := "sent"
	if err != nil {
		outcome = "failed: " + err.Error()
	}
	// Recorded whatever the relay said: a test mail is an admin's action.
	if aerr := audit.RecordWith(r.Context(), s.svc.Store(), audit.Of(p.Actor, audit.MailTest, audit.TargetMail, "", to,
		audit.Change{Field: "relay", To: s.cfg.Settings.MailRelay}, audit.Change{Field: "outcome", To: outcome}), nil); aerr != nil {
		s.fail(w, r, p, aerr)
		return
	}
	if err != nil {
		s.cfg.Log.WarnContext(r.Context(), "test mail", "to", to, "err", err)
		d.Problem = relayProblem(p, err)
		s.render(w, http.StatusOK, "admin_settings", p)
		return
	}
	d.Sent = to
	if _, logged := s.cfg.Mail.(notify.LogSender); logged {
		d.Problem = p.T("admin.settings.logged")
		d.Sent = ""
	}
	s.render(w, http.StatusOK, "admin_settings", p)
}

// retryJob sends a job back to run now, recorded in the audit log with
// the state and the error it had.
func (s *Server) retryJob(ctx context.Context, actor rma.Actor, id int64) error {
	j, err := s.svc.Job(ctx, actor, id)
	if err != nil {
		return err
	}
	e := audit.Of(actor, audit.JobRetry, audit.TargetJob, strconv.FormatInt(id, 10), j.Kind,
		audit.Diff([3]string{"state", string(j.State), string(rma.JobQueued)}, [3]string{"last_error", j.LastError, ""})...)
	return audit.RecordWith(ctx, s.svc.Store(), e, func(ctx context.Context) error {
		_, err := s.svc.RetryJob(ctx, actor, id)
		return err
	})
}

// relayProblem says in plain words why the relay did not take the test
// mail, with what it answered.
func relayProblem(p *page, err error) string {
	var de *notify.DeliveryError
	if errors.As(err, &de) {
		what := p.T("admin.mail.fail_" + de.Step)
		if de.Code != 0 {
			return p.T("admin.mail.fail_code", what, strconv.Itoa(de.Code), de.Err.Error())
		}
		return p.T("admin.mail.fail_plain", what, de.Err.Error())
	}
	return p.T("admin.mail.fail_plain", p.T("admin.mail.fail_send"), err.Error())
}

// JobKind names a job's kind in plain words; a kind without a text (one
// added later) shows as it is.
func (p *page) JobKind(kind string) string {
	if _, ok := catalogue["en"]["admin.jobs.k."+kind]; ok {
		return p.T("admin.jobs.k." + kind)
	}
	return strings.ReplaceAll(kind, "_", " ")
}
