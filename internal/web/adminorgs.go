package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Organisations and service locations as an administrator keeps them
// (issue 15): lists, and one form each to create and to edit. A form that
// is refused comes back filled in as it was sent, with each message on its
// field; nothing is written until every field passes.

func (s *Server) adminOrgRoutes() {
	s.mux.HandleFunc("GET /admin/orgs", s.adminPage(s.adminOrgs))
	s.mux.HandleFunc("GET /admin/orgs/new", s.adminPage(s.adminOrgNew))
	s.mux.HandleFunc("POST /admin/orgs/new", s.adminPage(s.adminOrgCreate))
	s.mux.HandleFunc("GET /admin/orgs/{id}", s.adminPage(s.adminOrgEdit))
	s.mux.HandleFunc("POST /admin/orgs/{id}", s.adminPage(s.adminOrgSave))
	s.mux.HandleFunc("GET /admin/locations", s.adminPage(s.adminLocations))
	s.mux.HandleFunc("GET /admin/locations/new", s.adminPage(s.adminLocationNew))
	s.mux.HandleFunc("POST /admin/locations/new", s.adminPage(s.adminLocationCreate))
	s.mux.HandleFunc("GET /admin/locations/{code}", s.adminPage(s.adminLocationEdit))
	s.mux.HandleFunc("POST /admin/locations/{code}", s.adminPage(s.adminLocationSave))
}

func (s *Server) orgAccounts() *auth.Accounts { return auth.NewAccounts(s.svc.Store()) }

// fieldErrors are a refused form's messages by field name ("address.street").
type fieldErrors map[string]string

// add keeps the first message of a field; a domain error without a field
// goes under fallback.
func (f fieldErrors) add(err error, fallback string) {
	var e *rma.Error
	field, msg := fallback, err.Error()
	if errors.As(err, &e) {
		msg = e.Message
		if e.Field != "" {
			field = e.Field
		}
	}
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// formField is one labelled input of an admin form, with its message.
type formField struct {
	Name, ID, Label, Value, Error, Hint, Autocomplete string
	Required                                          bool
}

// Field builds the input named name for the "afield" template.
func (p *page) Field(name, labelKey, value string, errs fieldErrors) formField {
	f := formField{Name: name, ID: "f-" + strings.ReplaceAll(name, ".", "-"), Label: p.T(labelKey), Value: value, Error: errs[name]}
	if hint := "admin.hint." + name; catalogue["en"][hint] != "" {
		f.Hint = p.T(hint)
	}
	switch name {
	case "name", "code", "address.street", "address.postcode", "address.city", "country", "address.country":
		f.Required = true
	case "email", "to":
		f.Autocomplete = "email"
	case "address.phone":
		f.Autocomplete = "tel"
	}
	return f
}

// FieldList lists the refused fields in the order of the form, for the
// summary at its top.
func (p *page) FieldList(errs fieldErrors) []formField {
	var out []formField
	for _, name := range formOrder {
		if msg, ok := errs[name]; ok {
			out = append(out, formField{Name: name, ID: "f-" + strings.ReplaceAll(name, ".", "-"), Label: p.T(fieldLabels[name]), Error: msg})
		}
	}
	for name, msg := range errs { // a field the form does not show
		if !slices.Contains(formOrder, name) {
			out = append(out, formField{Name: name, Label: name, Error: msg})
		}
	}
	return out
}

var formOrder = []string{"code", "name", "role", "country", "email", "language", "standing", "policy",
	"address.street", "address.postcode", "address.city", "address.region", "address.country", "address.contact", "address.phone", "address.note", "to"}

var fieldLabels = map[string]string{
	"code": "admin.f.code", "name": "admin.f.name", "role": "admin.f.role", "country": "admin.f.country", "email": "admin.f.email",
	"language": "admin.f.language", "standing": "admin.f.standing", "policy": "admin.f.policy",
	"address.street": "admin.f.street", "address.postcode": "admin.f.postcode", "address.city": "admin.f.city",
	"address.region": "admin.f.region", "address.country": "admin.f.address_country", "address.contact": "admin.f.contact",
	"address.phone": "admin.f.phone", "address.note": "admin.f.note", "to": "admin.settings.to",
}

// addressForm reads the address fields of a form.
func addressForm(r *http.Request) rma.Address {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue("address." + k)) }
	return rma.Address{Street: f("street"), Postcode: f("postcode"), City: f("city"), Region: f("region"),
		Country: strings.ToUpper(f("country")), Contact: f("contact"), Phone: f("phone"), Note: f("note")}
}

// --- organisations ---

// orgRow is an organisation in the list.
type orgRow struct {
	rma.Org
	Kind     string // desk, supplier, or the requester role
	Language string
	Standing string
	Policy   string
}

type adminOrgsData struct {
	Filter  string // "", requesters, suppliers, desk, or one requester role
	Filters []string
	Roles   []string // the requester roles, to narrow the requesters down
	Orgs    []orgRow
}

// Requesters reports whether the list shows requesters (all or one role).
func (d *adminOrgsData) Requesters() bool {
	return d.Filter == "requesters" || slices.Contains(d.Roles, d.Filter)
}

func (s *Server) adminOrgs(w http.ResponseWriter, r *http.Request, p *page) {
	ctx := r.Context()
	d := &adminOrgsData{Filter: r.URL.Query().Get("role"), Filters: []string{"requesters", "suppliers", "desk"},
		Roles: []string{"consumer", "end_user", "dealer", "partner", "distributor"}}
	if d.Filter != "" && !slices.Contains(d.Filters, d.Filter) && !slices.Contains(d.Roles, d.Filter) {
		d.Filter = ""
	}
	orgs, err := s.orgAccounts().Orgs(ctx, p.Actor)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	langs, standings, packs := s.orgExtras(r)
	for _, o := range orgs {
		row := orgRow{Org: o, Kind: orgKind(&o), Language: langs[o.ID], Policy: packs[o.ID]}
		if !o.IsDesk && !o.Supplier {
			row.Standing = policy.StandingGood.String()
			if st, ok := standings[o.ID]; ok {
				row.Standing = st.String()
			}
		}
		switch {
		case d.Filter == "requesters" && (o.IsDesk || o.Supplier),
			d.Filter == "suppliers" && !o.Supplier,
			d.Filter == "desk" && !o.IsDesk,
			slices.Contains(d.Roles, d.Filter) && (o.IsDesk || o.Supplier || o.Role.String() != d.Filter):
			continue
		}
		d.Orgs = append(d.Orgs, row)
	}
	p.Title = p.T("admin.orgs.title")
	p.Data = d
	s.render(w, http.StatusOK, "admin_orgs", p)
}

// orgExtras are what the list shows beside each organisation: its
// language, its standing and a supplier's pack; empty where the store
// keeps none.
func (s *Server) orgExtras(r *http.Request) (map[int64]string, map[int64]policy.Standing, map[int64]string) {
	ctx := r.Context()
	var langs map[int64]string
	if ls, ok := s.svc.Store().(rma.LanguageStore); ok {
		langs, _ = ls.OrgLanguages(ctx)
	}
	var standings map[int64]policy.Standing
	if ss, ok := s.svc.Store().(rma.StandingStore); ok {
		standings, _ = ss.OrgStandings(ctx)
	}
	packs := map[int64]string{}
	if sups, err := s.svc.Store().Suppliers(ctx); err == nil {
		for _, sup := range sups {
			packs[sup.ID] = sup.PolicyID
		}
	}
	return langs, standings, packs
}

func orgKind(o *rma.Org) string {
	switch {
	case o.IsDesk:
		return "desk"
	case o.Supplier:
		return "supplier"
	}
	return o.Role.String()
}

// orgForm is the organisation form as sent.
type orgForm struct {
	Name, Role, Country, Email, Language, Standing, Policy string
	Address                                                rma.Address
}

type adminOrgData struct {
	Org       *rma.Org // nil: a new organisation
	Kind      string   // the edited organisation's kind
	Form      orgForm
	Fields    fieldErrors
	Roles     []string
	Standings []string
	Languages []string
	Policies  []string
}

func (s *Server) orgFormData(org *rma.Org, f orgForm) *adminOrgData {
	d := &adminOrgData{Org: org, Form: f, Fields: fieldErrors{}, Standings: policy.StandingNames(), Languages: rma.Languages, Policies: s.svc.Policies().IDs()}
	d.Roles = []string{"consumer", "end_user", "dealer", "partner", "distributor"}
	if org == nil {
		d.Roles = append(d.Roles, "supplier")
	} else {
		d.Kind = orgKind(org)
	}
	return d
}

func (s *Server) renderOrgForm(w http.ResponseWriter, p *page, d *adminOrgData, status int) {
	p.Title = p.T("admin.orgs.new")
	if d.Org != nil {
		p.Title = p.T("admin.orgs.edit", d.Org.Name)
	}
	if len(d.Fields) > 0 {
		p.Error = p.T("admin.form.fix")
	}
	p.Data = d
	s.render(w, status, "admin_org_form", p)
}

func (s *Server) adminOrgNew(w http.ResponseWriter, r *http.Request, p *page) {
	role := r.URL.Query().Get("role")
	s.renderOrgForm(w, p, s.orgFormData(nil, orgForm{Role: role, Standing: policy.StandingGood.String()}), http.StatusOK)
}

func readOrgForm(r *http.Request) orgForm {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return orgForm{Name: f("name"), Role: f("role"), Country: strings.ToUpper(f("country")), Email: f("email"),
		Language: f("language"), Standing: f("standing"), Policy: f("policy"), Address: addressForm(r)}
}

// checkOrgForm checks every field of the form as the service will, so a
// refused form writes nothing and says all that is wrong at once.
func (s *Server) checkOrgForm(p *page, d *adminOrgData, kind string) {
	f := &d.Form
	if _, err := rma.CleanName("name", f.Name, 200); err != nil {
		d.Fields.add(err, "name")
	}
	requester := kind != "desk" && kind != "supplier"
	if d.Org == nil || requester {
		if !slices.Contains(d.Roles, f.Role) {
			d.Fields["role"] = p.T("admin.err.role")
		}
	}
	if f.Country == "" && kind != "desk" {
		d.Fields["country"] = p.T("admin.err.required")
	} else if f.Country != "" && !policy.ValidCountry(f.Country) {
		d.Fields["country"] = p.T("admin.err.country")
	}
	if f.Email == "" && kind == "supplier" {
		d.Fields["email"] = p.T("admin.err.supplier_email")
	} else if f.Email != "" {
		if _, err := rma.CleanEmail("email", f.Email); err != nil {
			d.Fields.add(err, "email")
		}
	}
	if _, err := rma.CheckLanguage("language", f.Language); err != nil {
		d.Fields.add(err, "language")
	}
	if requester && f.Standing != "" {
		if _, err := rma.CheckStanding("standing", f.Standing); err != nil {
			d.Fields.add(err, "standing")
		}
	}
	if kind == "supplier" && f.Policy != "" && s.svc.Policies().Latest(f.Policy) == nil {
		d.Fields["policy"] = p.T("admin.err.policy", f.Policy)
	}
	if !f.Address.IsZero() || kind == "supplier" || (d.Org != nil && !d.Org.Address.IsZero()) {
		a := f.Address
		if a.Country == "" {
			a.Country = f.Country
		}
		if err := a.Check("address"); err != nil {
			d.Fields.add(err, "address.street")
		} else {
			f.Address = a
		}
	}
}

func (s *Server) adminOrgCreate(w http.ResponseWriter, r *http.Request, p *page) {
	ctx := r.Context()
	d := s.orgFormData(nil, readOrgForm(r))
	f := &d.Form
	kind := f.Role
	s.checkOrgForm(p, d, kind)
	if len(d.Fields) > 0 {
		s.renderOrgForm(w, p, d, http.StatusUnprocessableEntity)
		return
	}
	var id int64
	if kind == "supplier" {
		var sup *rma.Supplier
		e := audit.Of(p.Actor, audit.OrgCreate, audit.TargetOrg, "", f.Name, audit.Diff([3]string{"kind", "", "supplier"},
			[3]string{"country", "", f.Country}, [3]string{"email", "", f.Email}, [3]string{"policy", "", f.Policy})...)
		err := audit.RecordWith(ctx, s.svc.Store(), e, func(ctx context.Context) (err error) {
			sup, err = s.svc.CreateSupplier(ctx, p.Actor, rma.NewSupplier{Name: f.Name, Country: f.Country, Email: f.Email, Address: f.Address, PolicyID: f.Policy})
			return err
		})
		if err != nil {
			s.orgWriteFailed(w, r, p, d, err)
			return
		}
		id = sup.ID
	} else {
		o, err := s.orgAccounts().CreateOrg(ctx, p.Actor, auth.NewOrg{Name: f.Name, Role: f.Role, Country: f.Country, Email: f.Email})
		if err != nil {
			s.orgWriteFailed(w, r, p, d, err)
			return
		}
		id = o.ID
		if !f.Address.IsZero() {
			if err := s.setOrgAddress(ctx, p.Actor, id, f.Name, rma.Address{}, f.Address); err != nil {
				s.fail(w, r, p, err)
				return
			}
		}
		if f.Standing != "" && f.Standing != policy.StandingGood.String() {
			st, _ := rma.CheckStanding("standing", f.Standing)
			if err := s.orgAccounts().SetOrgStanding(ctx, p.Actor, id, st); err != nil {
				s.fail(w, r, p, err)
				return
			}
		}
	}
	if f.Language != "" {
		if _, _, err := s.orgAccounts().SetOrgLanguage(ctx, p.Actor, id, f.Language); err != nil {
			s.fail(w, r, p, err)
			return
		}
	}
	s.redirectFlash(w, r, "/admin/orgs/"+strconv.FormatInt(id, 10), p.T("admin.orgs.created", f.Name))
}

// orgWriteFailed shows the form again with what the store refused (a taken
// name) on its field; anything else is the error page.
func (s *Server) orgWriteFailed(w http.ResponseWriter, r *http.Request, p *page, d *adminOrgData, err error) {
	switch rma.ErrorCode(err) {
	case rma.ECONFLICT:
		d.Fields["name"] = p.T("admin.orgs.taken")
	case rma.EINVALID:
		d.Fields.add(err, "name")
	default:
		s.fail(w, r, p, err)
		return
	}
	s.renderOrgForm(w, p, d, http.StatusUnprocessableEntity)
}

// loadOrg finds the organisation of the path with its form as stored.
func (s *Server) loadOrg(r *http.Request) (*rma.Org, orgForm, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, orgForm{}, err
	}
	o, err := s.svc.Store().Org(r.Context(), id)
	if err != nil {
		return nil, orgForm{}, err
	}
	langs, standings, packs := s.orgExtras(r)
	f := orgForm{Name: o.Name, Role: orgKind(o), Country: o.Country, Email: o.Email, Language: langs[o.ID], Policy: packs[o.ID], Address: o.Address}
	if !o.IsDesk && !o.Supplier {
		f.Standing = policy.StandingGood.String()
		if st, ok := standings[o.ID]; ok {
			f.Standing = st.String()
		}
	}
	return o, f, nil
}

func (s *Server) adminOrgEdit(w http.ResponseWriter, r *http.Request, p *page) {
	o, f, err := s.loadOrg(r)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.renderOrgForm(w, p, s.orgFormData(o, f), http.StatusOK)
}

func (s *Server) adminOrgSave(w http.ResponseWriter, r *http.Request, p *page) {
	ctx := r.Context()
	o, was, err := s.loadOrg(r)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	d := s.orgFormData(o, readOrgForm(r))
	f := &d.Form
	kind := orgKind(o)
	if kind == "desk" || kind == "supplier" {
		f.Role = kind // not on the form: theirs does not change
	}
	s.checkOrgForm(p, d, kind)
	if len(d.Fields) > 0 {
		s.renderOrgForm(w, p, d, http.StatusUnprocessableEntity)
		return
	}
	u := auth.OrgUpdate{Name: &f.Name, Country: &f.Country, Email: &f.Email}
	if kind != "desk" && kind != "supplier" {
		u.Role = &f.Role
	}
	if _, _, err := s.orgAccounts().UpdateOrg(ctx, p.Actor, o.ID, u); err != nil {
		s.orgWriteFailed(w, r, p, d, err)
		return
	}
	if f.Address != was.Address && !f.Address.IsZero() {
		if err := s.setOrgAddress(ctx, p.Actor, o.ID, f.Name, was.Address, f.Address); err != nil {
			s.fail(w, r, p, err)
			return
		}
	}
	if f.Language != was.Language {
		if _, _, err := s.orgAccounts().SetOrgLanguage(ctx, p.Actor, o.ID, f.Language); err != nil {
			s.fail(w, r, p, err)
			return
		}
	}
	if f.Standing != was.Standing && f.Standing != "" && kind != "desk" && kind != "supplier" {
		st, _ := rma.CheckStanding("standing", f.Standing)
		if err := s.orgAccounts().SetOrgStanding(ctx, p.Actor, o.ID, st); err != nil {
			s.fail(w, r, p, err)
			return
		}
	}
	if kind == "supplier" && f.Policy != was.Policy {
		e := audit.Of(p.Actor, audit.OrgPolicy, audit.TargetOrg, strconv.FormatInt(o.ID, 10), f.Name, audit.Diff([3]string{"policy", was.Policy, f.Policy})...)
		if err := audit.RecordWith(ctx, s.svc.Store(), e, func(ctx context.Context) error {
			_, err := s.svc.SetSupplierPolicy(ctx, p.Actor, o.ID, f.Policy)
			return err
		}); err != nil {
			s.fail(w, r, p, err)
			return
		}
	}
	s.redirectFlash(w, r, "/admin/orgs/"+strconv.FormatInt(o.ID, 10), p.T("admin.orgs.saved", f.Name))
}

// setOrgAddress sets an organisation's address, recorded in the audit log.
func (s *Server) setOrgAddress(ctx context.Context, actor rma.Actor, id int64, name string, from, to rma.Address) error {
	e := audit.Of(actor, audit.OrgAddress, audit.TargetOrg, strconv.FormatInt(id, 10), name, audit.AddressDiff("address", from, to)...)
	return audit.RecordWith(ctx, s.svc.Store(), e, func(ctx context.Context) error {
		_, err := s.svc.SetOrgAddress(ctx, actor, id, to)
		return err
	})
}

// --- service locations ---

// locationRow is a location with the policies' rules that send goods to it.
type locationRow struct {
	rma.Location
	Serves []string // "pixfra: europe", one per policy rule
}

type adminLocationsData struct {
	Locations []locationRow
}

// servedBy says which requesters each policy's location rules send to the
// desk's location code: the countries and regions are the packs' to say
// (service_locations in a pack), so a desk with several packs sees here
// what each routes to which location.
func (s *Server) servedBy(p *page, code string) []string {
	var out []string
	for _, id := range s.svc.Policies().IDs() {
		pol := s.svc.Policies().Latest(id)
		for _, rule := range pol.ServiceLocations {
			to := rule.Location
			if to == "" {
				to = rule.ID
			}
			if to != code {
				continue
			}
			var where []string
			for _, r := range rule.Regions {
				where = append(where, r.ID)
			}
			where = append(where, rule.Countries...)
			what := p.T("admin.loc.everywhere")
			if len(where) > 0 {
				what = strings.Join(where, ", ")
			}
			if len(rule.Categories) > 0 {
				what += " (" + strings.Join(rule.Categories, ", ") + ")"
			}
			out = append(out, id+": "+what)
		}
	}
	return out
}

func (s *Server) adminLocations(w http.ResponseWriter, r *http.Request, p *page) {
	ls, err := s.svc.Locations(r.Context(), p.Actor)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	d := &adminLocationsData{}
	for _, l := range ls {
		d.Locations = append(d.Locations, locationRow{Location: l, Serves: s.servedBy(p, l.Code)})
	}
	p.Title = p.T("admin.loc.title")
	p.Data = d
	s.render(w, http.StatusOK, "admin_locations", p)
}

type adminLocationData struct {
	Location *rma.Location // nil: a new one
	Code     string
	Name     string
	Active   bool
	Address  rma.Address
	Serves   []string
	Fields   fieldErrors
}

func (s *Server) renderLocationForm(w http.ResponseWriter, p *page, d *adminLocationData, status int) {
	p.Title = p.T("admin.loc.new")
	if d.Location != nil {
		p.Title = p.T("admin.loc.edit", d.Location.Name)
		d.Serves = s.servedBy(p, d.Location.Code)
	}
	if len(d.Fields) > 0 {
		p.Error = p.T("admin.form.fix")
	}
	p.Data = d
	s.render(w, status, "admin_location_form", p)
}

func (s *Server) adminLocationNew(w http.ResponseWriter, r *http.Request, p *page) {
	s.renderLocationForm(w, p, &adminLocationData{Active: true, Fields: fieldErrors{}}, http.StatusOK)
}

func (s *Server) adminLocationCreate(w http.ResponseWriter, r *http.Request, p *page) {
	active := r.PostFormValue("active") == "1"
	d := &adminLocationData{Code: strings.TrimSpace(r.PostFormValue("code")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Active: active, Address: addressForm(r), Fields: fieldErrors{}}
	// Each field on its own, so every mistake shows at once.
	if err := rma.CheckCode("code", d.Code); err != nil {
		d.Fields.add(err, "code")
	}
	if d.Name == "" {
		d.Fields["name"] = p.T("admin.err.required")
	}
	a := d.Address
	if err := a.Check("address"); err != nil {
		d.Fields.add(err, "address.street")
	}
	if len(d.Fields) > 0 {
		s.renderLocationForm(w, p, d, http.StatusUnprocessableEntity)
		return
	}
	var l *rma.Location
	e := audit.Of(p.Actor, audit.LocationCreate, audit.TargetLocation, d.Code, d.Name,
		append(audit.Diff([3]string{"name", "", d.Name}, [3]string{"active", "", strconv.FormatBool(active)}), audit.AddressDiff("address", rma.Address{}, d.Address)...)...)
	err := audit.RecordWith(r.Context(), s.svc.Store(), e, func(ctx context.Context) (err error) {
		l, err = s.svc.CreateLocation(ctx, p.Actor, rma.NewLocation{Code: d.Code, Name: d.Name, Address: d.Address, Active: &active})
		return err
	})
	if err != nil {
		switch rma.ErrorCode(err) {
		case rma.ECONFLICT:
			d.Fields["code"] = p.T("admin.loc.taken")
		case rma.EINVALID:
			d.Fields.add(err, "name")
		default:
			s.fail(w, r, p, err)
			return
		}
		s.renderLocationForm(w, p, d, http.StatusUnprocessableEntity)
		return
	}
	s.redirectFlash(w, r, "/admin/locations/"+l.Code, p.T("admin.loc.created", l.Name))
}

func (s *Server) adminLocationEdit(w http.ResponseWriter, r *http.Request, p *page) {
	l, err := s.svc.Location(r.Context(), p.Actor, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.renderLocationForm(w, p, &adminLocationData{Location: l, Code: l.Code, Name: l.Name, Active: l.Active, Address: l.Address, Fields: fieldErrors{}}, http.StatusOK)
}

func (s *Server) adminLocationSave(w http.ResponseWriter, r *http.Request, p *page) {
	l, err := s.svc.Location(r.Context(), p.Actor, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	active := r.PostFormValue("active") == "1"
	d := &adminLocationData{Location: l, Code: l.Code, Name: strings.TrimSpace(r.PostFormValue("name")), Active: active, Address: addressForm(r), Fields: fieldErrors{}}
	if d.Name == "" {
		d.Fields["name"] = p.T("admin.err.required")
	}
	a := d.Address
	if err := a.Check("address"); err != nil {
		d.Fields.add(err, "address.street")
	}
	if len(d.Fields) > 0 {
		s.renderLocationForm(w, p, d, http.StatusUnprocessableEntity)
		return
	}
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	e := audit.Of(p.Actor, audit.LocationUpdate, audit.TargetLocation, l.Code, d.Name,
		append(audit.Diff([3]string{"name", l.Name, d.Name}, [3]string{"active", strconv.FormatBool(l.Active), strconv.FormatBool(active)}),
			audit.AddressDiff("address", l.Address, a)...)...)
	if err := audit.RecordWith(r.Context(), s.svc.Store(), e, func(ctx context.Context) error {
		_, err := s.svc.UpdateLocation(ctx, p.Actor, l.Code, rma.LocationUpdate{Name: &d.Name, Address: &d.Address, Active: &active})
		return err
	}); err != nil {
		if rma.ErrorCode(err) != rma.EINVALID {
			s.fail(w, r, p, err)
			return
		}
		d.Fields.add(err, "name")
		s.renderLocationForm(w, p, d, http.StatusUnprocessableEntity)
		return
	}
	s.redirectFlash(w, r, "/admin/locations/"+l.Code, p.T("admin.loc.saved", d.Name))
}

// addressBlock is the "aaddress" template's input: the page, the address
// and the form's messages.
type addressBlock struct {
	P *page
	A rma.Address
	E fieldErrors
}

// AddressOf hands an address and the form's messages to "aaddress".
func (p *page) AddressOf(a rma.Address, e fieldErrors) addressBlock {
	return addressBlock{P: p, A: a, E: e}
}
