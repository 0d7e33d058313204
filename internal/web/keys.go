package web

import (
	"net/http"
	"strconv"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// API keys (issue 15): /admin/keys lists every key and makes one for an
// organisation; the new key is shown on the answer to the form, once, and
// never stored (only its hash is). Revoking takes effect at the key's next
// call on every instance.

func (s *Server) keyRoutes() {
	s.mux.HandleFunc("GET /admin/keys", s.adminPage(s.keysPage))
	s.mux.HandleFunc("POST /admin/keys", s.adminPage(s.createKey))
	s.mux.HandleFunc("POST /admin/keys/{prefix}/revoke", s.adminPage(s.revokeKey))
}

type keyRow struct {
	rma.APIKey
	OrgName  string
	RoleText string
}

type keysData struct {
	Rows  []keyRow
	Orgs  []option
	Roles []option
	Name  string
	// The key just made, shown this once.
	NewKey, NewPrefix, NewOrg, NewRole string
}

func (s *Server) keysData(r *http.Request, p *page) (*keysData, error) {
	orgs, err := s.accounts.Orgs(r.Context(), p.Actor)
	if err != nil {
		return nil, err
	}
	keys, err := s.accounts.Keys(r.Context(), p.Actor, 0)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(orgs))
	d := &keysData{Name: r.PostFormValue("name")}
	want, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	for _, o := range orgs {
		names[o.ID] = o.Name
		if !o.Supplier {
			d.Orgs = append(d.Orgs, option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name, Selected: o.ID == want})
		}
	}
	for _, role := range append([]rma.Role{rma.RoleRequester}, deskRoles...) {
		d.Roles = append(d.Roles, option{Value: string(role), Label: p.T("role." + string(role)), Selected: r.PostFormValue("role") == string(role)})
	}
	// Newest first: the key just made, or just revoked, is at the top.
	for i := len(keys) - 1; i >= 0; i-- {
		k := keys[i]
		d.Rows = append(d.Rows, keyRow{APIKey: k, OrgName: names[k.OrgID], RoleText: p.T("role." + string(k.Role))})
	}
	return d, nil
}

func (s *Server) renderKeys(w http.ResponseWriter, r *http.Request, p *page, status int, d *keysData) {
	p.Title = p.T("keys.title")
	p.Data = d
	s.render(w, status, "admin_keys", p)
}

// keysPage is GET /admin/keys.
func (s *Server) keysPage(w http.ResponseWriter, r *http.Request, p *page) {
	d, err := s.keysData(r, p)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.renderKeys(w, r, p, http.StatusOK, d)
}

// createKey is POST /admin/keys. The answer is the page itself, not a
// redirect: the key must not travel in a URL or a cookie, and this is the
// only time it is shown.
func (s *Server) createKey(w http.ResponseWriter, r *http.Request, p *page) {
	orgID, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	role := rma.Role(r.PostFormValue("role"))
	key, k, err := s.accounts.CreateKey(r.Context(), p.Actor, orgID, role, r.PostFormValue("name"))
	status := http.StatusOK
	if err != nil {
		if c := rma.ErrorCode(err); c != rma.EINVALID && c != rma.ENOTFOUND && c != rma.ECONFLICT {
			s.fail(w, r, p, err)
			return
		}
		if rma.ErrorCode(err) == rma.ENOTFOUND {
			err = rma.Invalid("org", "choose an organisation")
		}
		p.Error, status = err.Error(), http.StatusUnprocessableEntity
	}
	d, derr := s.keysData(r, p)
	if derr != nil {
		s.fail(w, r, p, derr)
		return
	}
	if err == nil {
		for _, row := range d.Rows {
			if row.ID == k.ID {
				d.NewOrg = row.OrgName
			}
		}
		d.NewKey, d.NewPrefix, d.NewRole, d.Name = key, k.Prefix, p.T("role."+string(k.Role)), ""
		for i := range d.Orgs {
			d.Orgs[i].Selected = false
		}
	}
	s.renderKeys(w, r, p, status, d)
}

// revokeKey is POST /admin/keys/{prefix}/revoke.
func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request, p *page) {
	k, err := s.accounts.RevokeKey(r.Context(), p.Actor, r.PathValue("prefix"))
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.redirectFlash(w, r, "/admin/keys", p.T("keys.revoked_flash", k.Prefix))
}
