package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/webhook"
)

// Webhook endpoints in the portal (issue 17): the same use cases as the
// API's /api/v1/webhooks (internal/webhook.Manager), behind the same
// operation, rma.OpManageWebhooks: a requester's users manage their own
// organisation's endpoints, the desk's admin every organisation's; the
// desk's other roles are refused. The secret is shown on the page that
// answers the form that made it (or rotated it), never again. Templates in
// templates/webhooks.html.

func (s *Server) webhookRoutes() {
	s.mux.HandleFunc("GET /webhooks", s.webhookPage(s.webhookList))
	s.mux.HandleFunc("GET /webhooks/new", s.webhookPage(s.webhookNew))
	s.mux.HandleFunc("POST /webhooks/new", s.webhookPage(s.webhookCreate))
	s.mux.HandleFunc("GET /webhooks/{id}", s.webhookPage(s.webhookEdit))
	s.mux.HandleFunc("POST /webhooks/{id}", s.webhookPage(s.webhookSave))
	s.mux.HandleFunc("POST /webhooks/{id}/disable", s.webhookPage(s.webhookSwitch(true)))
	s.mux.HandleFunc("POST /webhooks/{id}/enable", s.webhookPage(s.webhookSwitch(false)))
	s.mux.HandleFunc("POST /webhooks/{id}/rotate", s.webhookPage(s.webhookRotate))
	s.mux.HandleFunc("GET /webhooks/{id}/delete", s.webhookPage(s.webhookDeleteConfirm))
	s.mux.HandleFunc("POST /webhooks/{id}/delete", s.webhookPage(s.webhookDelete))
	s.mux.HandleFunc("GET /webhooks/{id}/log", s.webhookPage(s.webhookLog))
	s.mux.HandleFunc("POST /webhooks/{id}/replay", s.webhookPage(s.webhookReplay))
}

// ShowWebhooks reports whether the navigation links the webhook pages:
// for whoever the API lets manage endpoints, less the desk's admin, whose
// link is in the admin navigation.
func (p *page) ShowWebhooks() bool {
	return !p.IsDesk && rma.Can(p.Actor.Role, rma.OpManageWebhooks)
}

// webhookPage wraps a page of endpoints: those the API's route refuses
// are refused here too.
func (s *Server) webhookPage(h func(http.ResponseWriter, *http.Request, *page)) http.HandlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request, p *page) {
		if !rma.Can(p.Actor.Role, rma.OpManageWebhooks) {
			s.fail(w, r, p, rma.Errorf(rma.EFORBIDDEN, "role %s may not manage webhooks", p.Actor.Role))
			return
		}
		h(w, r, p)
	})
}

// webhookManager is the endpoints' use cases over the desk's store; it
// refuses a private address written in a URL unless the desk delivers to
// them (--webhook-allow-private).
func (s *Server) webhookManager() (*webhook.Manager, error) {
	st, ok := s.svc.Store().(webhook.EndpointStore)
	if !ok {
		return nil, rma.Errorf(rma.ENOTFOUND, "this desk's store keeps no webhooks")
	}
	m := webhook.NewManager(st, s.svc.Store(), nil)
	m.RefusePrivate = !s.cfg.WebhookAllowPrivate
	return m, nil
}

// webhookEndpoint is the endpoint of the path, as the actor may see it.
func (s *Server) webhookEndpoint(r *http.Request, p *page) (*webhook.Manager, *webhook.Endpoint, error) {
	m, err := s.webhookManager()
	if err != nil {
		return nil, nil, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, rma.Errorf(rma.ENOTFOUND, "webhook endpoint %q not found", r.PathValue("id"))
	}
	ep, err := m.Endpoint(r.Context(), p.Actor, id)
	return m, ep, err
}

// webhookRow is an endpoint in the list.
type webhookRow struct {
	webhook.Endpoint
	OrgName string
	Types   []string // the chosen types in the page's language; none: every type
}

type webhookListData struct {
	Rows     []webhookRow
	ShowOrgs bool // the admin sees every organisation's
}

func (s *Server) webhookList(w http.ResponseWriter, r *http.Request, p *page) {
	m, err := s.webhookManager()
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	eps, err := m.Endpoints(r.Context(), p.Actor, 0)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	d := &webhookListData{ShowOrgs: p.IsDesk}
	names := map[int64]string{}
	if d.ShowOrgs {
		orgs, err := s.orgAccounts().Orgs(r.Context(), p.Actor)
		if err != nil {
			s.fail(w, r, p, err)
			return
		}
		for _, o := range orgs {
			names[o.ID] = o.Name
		}
	}
	for _, ep := range eps {
		row := webhookRow{Endpoint: ep, OrgName: names[ep.OrgID]}
		for _, t := range ep.EventTypes {
			row.Types = append(row.Types, p.EventType(t))
		}
		d.Rows = append(d.Rows, row)
	}
	p.Title = p.T("wh.title")
	p.Data = d
	s.render(w, http.StatusOK, "webhooks", p)
}

// EventType is an event type in the page's language.
func (tr translator) EventType(t string) string {
	if _, ok := catalogue["en"]["wh.type."+t]; ok {
		return tr.T("wh.type." + t)
	}
	return t
}

// typeOption is one event type's checkbox.
type typeOption struct {
	Type, Label string
	DeskOnly    bool // never sent to a requester organisation's endpoint
	Checked     bool
}

// webhookForm is the form that makes or edits an endpoint.
type webhookForm struct {
	Endpoint    *webhook.Endpoint // nil: a new one
	URL         string
	Description string
	Every       bool // every event type the organisation may hear
	Types       []typeOption
	Orgs        []option // the admin's choice of organisation
	Fields      fieldErrors
}

// webhookTypes are the checkboxes of the types the actor may choose, as
// the API's /webhooks/event-types lists them.
func webhookTypes(p *page, chosen []string) []typeOption {
	var out []typeOption
	for _, t := range webhook.Types() {
		desk := !webhook.ForRequesters(t)
		if desk && !p.IsDesk {
			continue
		}
		out = append(out, typeOption{Type: t, Label: p.EventType(t), DeskOnly: desk, Checked: slices.Contains(chosen, t)})
	}
	// In the page's words' order, which a reader scans; the codes' order
	// is another.
	slices.SortStableFunc(out, func(a, b typeOption) int { return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)) })
	return out
}

// DeskTypes reports whether the form offers the desk's own types.
func (d *webhookForm) DeskTypes() bool {
	return slices.ContainsFunc(d.Types, func(t typeOption) bool { return t.DeskOnly })
}

// webhookOrgs are the organisations the admin may make an endpoint for:
// the desk and the requesters, not suppliers.
func (s *Server) webhookOrgs(r *http.Request, p *page, chosen int64) ([]option, error) {
	if !p.IsDesk {
		return nil, nil
	}
	orgs, err := s.orgAccounts().Orgs(r.Context(), p.Actor)
	if err != nil {
		return nil, err
	}
	var out []option
	for _, o := range orgs {
		if o.Supplier {
			continue
		}
		label := o.Name
		if o.IsDesk {
			label = p.T("wh.org_desk", o.Name)
		}
		out = append(out, option{Value: strconv.FormatInt(o.ID, 10), Label: label, Selected: o.ID == chosen})
	}
	return out, nil
}

func (s *Server) renderWebhookForm(w http.ResponseWriter, p *page, d *webhookForm, status int) {
	p.Title = p.T("wh.new")
	if d.Endpoint != nil {
		p.Title = p.T("wh.edit_title")
	}
	if len(d.Fields) > 0 {
		p.Error = p.T("admin.form.fix")
	}
	p.Data = d
	s.render(w, status, "webhook_form", p)
}

func (s *Server) webhookNew(w http.ResponseWriter, r *http.Request, p *page) {
	orgs, err := s.webhookOrgs(r, p, p.Actor.OrgID)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.renderWebhookForm(w, p, &webhookForm{Every: true, Types: webhookTypes(p, nil), Orgs: orgs, Fields: fieldErrors{}}, http.StatusOK)
}

// readWebhookForm reads the form's fields; types is nil for every type.
func readWebhookForm(r *http.Request, p *page, d *webhookForm) (types []string) {
	d.URL = strings.TrimSpace(r.PostFormValue("url"))
	d.Description = strings.TrimSpace(r.PostFormValue("description"))
	d.Every = r.PostFormValue("scope") != "some"
	chosen := r.PostForm["event_types"]
	d.Types = webhookTypes(p, chosen)
	if d.Every {
		return []string{}
	}
	if len(chosen) == 0 {
		// Choosing "only these" and none is a slip, not "every type".
		d.Fields["event_types"] = p.T("wh.err.no_types")
	}
	return chosen
}

// webhookRefused puts a refusal of the form on its field, in the page's
// language; it reports false for an error that is not the form's. The
// domain's messages are English: each field has its own words here, the
// same whatever the rule that refused it, but for a private address.
// A new endpoint's "not found" can only be its organisation.
func webhookRefused(p *page, d *webhookForm, err error) bool {
	var e *rma.Error
	if !errors.As(err, &e) || (e.Code != rma.EINVALID && (e.Code != rma.ENOTFOUND || d.Endpoint != nil)) {
		return false
	}
	field, _, _ := strings.Cut(e.Field, "[")
	switch {
	case e.Code == rma.ENOTFOUND || field == "org_id":
		d.Fields["org"] = p.T("wh.err.org")
	case field == "url":
		msg := p.T("wh.err.url")
		if (&webhook.Endpoint{URL: d.URL}).Check() == nil {
			if host, ok := webhook.PrivateURL(d.URL); ok {
				msg = p.T("wh.err.private", host)
			}
		}
		d.Fields["url"] = msg
	case field == "description":
		d.Fields["description"] = p.T("wh.err.description")
	case field == "event_types":
		d.Fields["event_types"] = p.T("wh.err.types")
	default:
		d.Fields[field] = e.Message
	}
	return true
}

// webhookFormRefused re-shows a form the page refused for a reason of its
// own, with what the Manager would say of its address and description
// too; it reports whether it did.
func (s *Server) webhookFormRefused(w http.ResponseWriter, p *page, m *webhook.Manager, d *webhookForm) bool {
	if len(d.Fields) == 0 {
		return false
	}
	if err := m.Check(&webhook.Endpoint{URL: d.URL, Description: d.Description}); err != nil {
		webhookRefused(p, d, err)
	}
	s.renderWebhookForm(w, p, d, http.StatusUnprocessableEntity)
	return true
}

func (s *Server) webhookCreate(w http.ResponseWriter, r *http.Request, p *page) {
	d := &webhookForm{Fields: fieldErrors{}}
	types := readWebhookForm(r, p, d)
	orgID := p.Actor.OrgID
	if p.IsDesk {
		if v := r.PostFormValue("org"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				d.Fields["org"] = p.T("wh.err.org")
			}
			orgID = n
		}
	}
	orgs, err := s.webhookOrgs(r, p, orgID)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	d.Orgs = orgs
	m, err := s.webhookManager()
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	if s.webhookFormRefused(w, p, m, d) {
		return
	}
	ep, err := m.Create(r.Context(), p.Actor, webhook.NewEndpoint{OrgID: orgID, URL: d.URL, Description: d.Description, EventTypes: types})
	if err != nil {
		if webhookRefused(p, d, err) {
			s.renderWebhookForm(w, p, d, http.StatusUnprocessableEntity)
			return
		}
		s.fail(w, r, p, err)
		return
	}
	s.renderWebhookSecret(w, p, ep, false)
}

// webhookSecretData is the page that shows a secret, once.
type webhookSecretData struct {
	Endpoint *webhook.Endpoint
	Rotated  bool
}

func (s *Server) renderWebhookSecret(w http.ResponseWriter, p *page, ep *webhook.Endpoint, rotated bool) {
	p.Title = p.T("wh.secret_title")
	if rotated {
		p.Title = p.T("wh.rotated_title")
	}
	// The answer holds a secret: no cache keeps it, and a reload re-sends
	// the form (the browser asks) rather than showing it again.
	w.Header().Set("Cache-Control", "no-store")
	p.Data = &webhookSecretData{Endpoint: ep, Rotated: rotated}
	s.render(w, http.StatusOK, "webhook_secret", p)
}

func (s *Server) webhookEdit(w http.ResponseWriter, r *http.Request, p *page) {
	_, ep, err := s.webhookEndpoint(r, p)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	d := &webhookForm{Endpoint: ep, URL: ep.URL, Description: ep.Description, Every: len(ep.EventTypes) == 0,
		Types: webhookTypes(p, ep.EventTypes), Fields: fieldErrors{}}
	s.renderWebhookForm(w, p, d, http.StatusOK)
}

func (s *Server) webhookSave(w http.ResponseWriter, r *http.Request, p *page) {
	m, ep, err := s.webhookEndpoint(r, p)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	d := &webhookForm{Endpoint: ep, Fields: fieldErrors{}}
	types := readWebhookForm(r, p, d)
	if s.webhookFormRefused(w, p, m, d) {
		return
	}
	if _, err := m.Update(r.Context(), p.Actor, ep.ID, webhook.Patch{URL: &d.URL, Description: &d.Description, EventTypes: &types}); err != nil {
		if webhookRefused(p, d, err) {
			s.renderWebhookForm(w, p, d, http.StatusUnprocessableEntity)
			return
		}
		s.fail(w, r, p, err)
		return
	}
	s.setFlash(w, flashStatus, p.T("wh.saved", d.URL))
	http.Redirect(w, r, "/webhooks", http.StatusSeeOther)
}

// webhookSwitch disables an endpoint, or enables it again (its failures
// forgotten, the deliveries that waited sent).
func (s *Server) webhookSwitch(disable bool) func(http.ResponseWriter, *http.Request, *page) {
	return func(w http.ResponseWriter, r *http.Request, p *page) {
		m, ep, err := s.webhookEndpoint(r, p)
		if err != nil {
			s.fail(w, r, p, err)
			return
		}
		if _, err := m.Update(r.Context(), p.Actor, ep.ID, webhook.Patch{Disabled: &disable}); err != nil {
			s.fail(w, r, p, err)
			return
		}
		key := "wh.enabled_flash"
		if disable {
			key = "wh.disabled_flash"
		}
		s.setFlash(w, flashStatus, p.T(key, ep.URL))
		http.Redirect(w, r, "/webhooks", http.StatusSeeOther)
	}
}

func (s *Server) webhookRotate(w http.ResponseWriter, r *http.Request, p *page) {
	m, ep, err := s.webhookEndpoint(r, p)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	ep, err = m.RotateSecret(r.Context(), p.Actor, ep.ID)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.renderWebhookSecret(w, p, ep, true)
}

func (s *Server) webhookDeleteConfirm(w http.ResponseWriter, r *http.Request, p *page) {
	_, ep, err := s.webhookEndpoint(r, p)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Title = p.T("wh.delete_title")
	p.Data = ep
	s.render(w, http.StatusOK, "webhook_delete", p)
}

func (s *Server) webhookDelete(w http.ResponseWriter, r *http.Request, p *page) {
	m, ep, err := s.webhookEndpoint(r, p)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	if err := m.Delete(r.Context(), p.Actor, ep.ID); err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.setFlash(w, flashStatus, p.T("wh.deleted", ep.URL))
	http.Redirect(w, r, "/webhooks", http.StatusSeeOther)
}

// webhookLogPage is how many deliveries a page of the log shows.
const webhookLogPage = 25

// webhookLogData is an endpoint's deliveries, a page at a time, newest
// first, and its latest attempts (or one delivery's).
type webhookLogData struct {
	Endpoint   *webhook.Endpoint
	Deliveries []webhook.Delivery
	Before     int64  // the page starts before this delivery; 0: the newest
	Next       string // the next page's link; "": none
	Delivery   int64  // the attempts shown are this delivery's; 0: the latest of all
	Attempts   []webhook.Attempt
	From, To   string // the range form, as sent
	Fields     fieldErrors
}

// Pending reports whether a delivery waits for its next attempt.
func (d *webhookLogData) Pending(del webhook.Delivery) bool { return del.State == webhook.Pending }

// MessageID is the webhook-id of the delivery whose attempts are shown.
func (d *webhookLogData) MessageID() string {
	if len(d.Attempts) > 0 {
		return d.Attempts[0].MessageID
	}
	return strconv.FormatInt(d.Delivery, 10)
}

// Latency is an attempt's time in milliseconds.
func (d *webhookLogData) Latency(a webhook.Attempt) int64 { return a.Latency.Milliseconds() }

// Excerpt is the start of an answer, for the table; the log keeps more.
func (d *webhookLogData) Excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return s
}

func (s *Server) webhookLog(w http.ResponseWriter, r *http.Request, p *page) {
	d := &webhookLogData{Fields: fieldErrors{}}
	s.showWebhookLog(w, r, p, d, http.StatusOK)
}

func (s *Server) showWebhookLog(w http.ResponseWriter, r *http.Request, p *page, d *webhookLogData, status int) {
	m, ep, err := s.webhookEndpoint(r, p)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	d.Endpoint = ep
	q := r.URL.Query()
	// A cursor that is not a number shows the first page, as a link cut
	// short would be meant.
	d.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	d.Before = max(d.Before, 0)
	d.Delivery, _ = strconv.ParseInt(q.Get("delivery"), 10, 64)
	d.Delivery = max(d.Delivery, 0)
	ds, err := m.Deliveries(r.Context(), p.Actor, ep.ID, d.Before, webhookLogPage+1)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	if len(ds) > webhookLogPage {
		ds = ds[:webhookLogPage]
		d.Next = "/webhooks/" + strconv.FormatInt(ep.ID, 10) + "/log?before=" + strconv.FormatInt(ds[len(ds)-1].ID, 10)
	}
	d.Deliveries = ds
	limit := 20
	if d.Delivery != 0 {
		limit = 100
	}
	if d.Attempts, err = m.Attempts(r.Context(), p.Actor, ep.ID, d.Delivery, 0, limit); err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Title = p.T("wh.log_title", ep.URL)
	if len(d.Fields) > 0 {
		p.Error = p.T("admin.form.fix")
	}
	p.Data = d
	s.render(w, status, "webhook_log", p)
}

// replayTimeLayout is the browser's datetime-local value, read as UTC.
const replayTimeLayout = "2006-01-02T15:04"

func (s *Server) webhookReplay(w http.ResponseWriter, r *http.Request, p *page) {
	m, ep, err := s.webhookEndpoint(r, p)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	d := &webhookLogData{Fields: fieldErrors{}, From: strings.TrimSpace(r.PostFormValue("from")), To: strings.TrimSpace(r.PostFormValue("to"))}
	var delivery int64
	var since, until time.Time
	if v := r.PostFormValue("delivery"); v != "" {
		if delivery, err = strconv.ParseInt(v, 10, 64); err != nil || delivery <= 0 {
			s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "webhook delivery %q not found", v))
			return
		}
	} else {
		if since, err = time.Parse(replayTimeLayout, d.From); err != nil {
			d.Fields["from"] = p.T("wh.err.time")
		}
		if d.To != "" {
			if until, err = time.Parse(replayTimeLayout, d.To); err != nil {
				d.Fields["to"] = p.T("wh.err.time")
			} else if !since.IsZero() && !until.After(since) {
				d.Fields["to"] = p.T("wh.err.until")
			}
		}
		if len(d.Fields) > 0 {
			s.showWebhookLog(w, r, p, d, http.StatusUnprocessableEntity)
			return
		}
	}
	n, err := m.Replay(r.Context(), p.Actor, ep.ID, delivery, since, until)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.setFlash(w, flashStatus, p.T("wh.replayed", n))
	http.Redirect(w, r, "/webhooks/"+strconv.FormatInt(ep.ID, 10)+"/log", http.StatusSeeOther)
}

// AttemptsLink is the log's link to one delivery's attempts.
func (d *webhookLogData) AttemptsLink(id int64) string {
	v := url.Values{"delivery": {strconv.FormatInt(id, 10)}}
	if d.Before != 0 {
		v.Set("before", strconv.FormatInt(d.Before, 10))
	}
	return "/webhooks/" + strconv.FormatInt(d.Endpoint.ID, 10) + "/log?" + v.Encode() + "#attempts"
}

// webhookFieldOrder are the webhook forms' fields in the order they show,
// with their labels, for the summary above a refused form.
var webhookFieldOrder = []struct{ Name, Label string }{
	{"org", "wh.f.org"}, {"url", "wh.f.url"}, {"description", "wh.f.description"}, {"event_types", "wh.f.types"},
	{"from", "wh.from"}, {"to", "wh.to"},
}

// WebhookErrors lists a refused webhook form's messages in the order of
// its fields, each linking its field.
func (p *page) WebhookErrors(errs fieldErrors) []formField {
	var out []formField
	for _, f := range webhookFieldOrder {
		if msg, ok := errs[f.Name]; ok {
			out = append(out, formField{Name: f.Name, ID: "f-" + f.Name, Label: p.T(f.Label), Error: msg})
		}
	}
	return out
}
