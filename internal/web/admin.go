package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/webhook"
	"github.com/rmadesk/rmadesk/internal/whatif"
)

// The desk's administration (issue 15): users and their invitations
// (users.go), API keys (keys.go) and the audit log (here), in the admin
// navigation of adminhome.go. Only an admin sees these pages (adminPage);
// auth.Accounts refuses anyone else whatever they post, and records every
// change it makes in the audit log.

func (s *Server) adminRoutes() {
	s.mux.HandleFunc("GET /admin/audit", s.adminPage(s.auditPage))
	s.userRoutes() // users.go
	s.keyRoutes()  // keys.go
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// auditActions are the actions the filter offers, each kind first.
var auditActions = []string{"user.", audit.UserInvite, audit.UserInviteResend, audit.UserInviteAccept, auth.ActionUserFromProvider,
	audit.UserRole, audit.UserDisable, audit.UserEnable, audit.UserSessionsEnd, "key.", audit.KeyCreate, audit.KeyRevoke,
	"policy.", audit.PolicyDraft, audit.PolicyDraftEdit, audit.PolicyPublish, audit.PolicyDiscard, audit.PolicyRetire, whatif.ActionWhatIf,
	audit.PolicyShadowStart, audit.PolicyShadowStop,
	auth.ActionSignInSettings, "registry.", audit.RegistryImport, audit.RegistryCheckSettings,
	"webhook.", webhook.AuditCreate, webhook.AuditUpdate, webhook.AuditRotate, webhook.AuditReplay, webhook.AuditDelete}

// actionLabel is an action in the page's language: the catalogue's words
// where it has them, else the action's own name (an action another part
// of the desk records).
func (tr translator) actionLabel(action string) string {
	if _, ok := catalogue["en"]["audit.action."+action]; ok {
		return tr.T("audit.action." + action)
	}
	return action
}

// changeField is a changed field's name in the page's language, or as
// recorded.
func (tr translator) changeField(field string) string {
	if _, ok := catalogue["en"]["audit.field."+field]; ok {
		return tr.T("audit.field." + field)
	}
	return field
}

type auditRow struct {
	audit.Entry
	Label   string
	Changes []auditChange
}

type auditChange struct {
	Field, From, To string
}

type auditData struct {
	Actor, Target, From, To string
	Actions                 []option
	Rows                    []auditRow
	NextLink                string
	Filtered                bool
}

// auditPage is GET /admin/audit: the log, newest first, filtered by the
// form's fields, a page at a time.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, p *page) {
	p.Title = p.T("audit.title")
	q := r.URL.Query()
	d := &auditData{Actor: q.Get("actor"), Target: q.Get("target"), From: q.Get("from"), To: q.Get("to")}
	for _, a := range auditActions {
		d.Actions = append(d.Actions, option{Value: a, Label: p.actionLabel(a), Selected: q.Get("action") == a})
	}
	if a := q.Get("action"); a != "" && !strings.Contains(strings.Join(auditActions, " ")+" ", a+" ") {
		d.Actions = append(d.Actions, option{Value: a, Label: p.actionLabel(a), Selected: true})
	}
	p.Data = d
	f, err := audit.ParseFilter(q)
	if err == nil {
		var entries []audit.Entry
		var next string
		entries, next, err = s.accounts.AuditLog(r.Context(), p.Actor, f)
		for _, e := range entries {
			row := auditRow{Entry: e, Label: p.actionLabel(e.Action)}
			for _, c := range e.Changes {
				row.Changes = append(row.Changes, auditChange{Field: p.changeField(c.Field), From: c.From, To: c.To})
			}
			d.Rows = append(d.Rows, row)
		}
		if next != "" {
			nq := url.Values{}
			for k, v := range q {
				nq[k] = v
			}
			nq.Set("cursor", next)
			d.NextLink = "/admin/audit?" + nq.Encode()
		}
	}
	d.Filtered = f.Action != "" || f.Actor != "" || f.Target != "" || !f.From.IsZero() || !f.To.IsZero()
	if err != nil {
		if rma.ErrorCode(err) != rma.EINVALID {
			s.fail(w, r, p, err)
			return
		}
		p.Error = err.Error()
		s.render(w, http.StatusUnprocessableEntity, "admin_audit", p)
		return
	}
	s.render(w, http.StatusOK, "admin_audit", p)
}
