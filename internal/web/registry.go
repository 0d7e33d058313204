package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/registry"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The serial registry in the portal (issue 16): a unit's page (/units/
// {serial}) for the desk and for the unit's buyer, and the admin's page
// (/admin/registry): load a CSV file of units sold and shipped, see what
// the load did, and set the public warranty check (warranty.go).

func (s *Server) registryRoutes() {
	s.mux.HandleFunc("GET /units", s.signedIn(s.unitSearch))
	s.mux.HandleFunc("GET /units/{serial}", s.signedIn(s.unitPage))
	s.mux.HandleFunc("GET /admin/registry", s.adminPage(s.registryPage))
	s.mux.HandleFunc("POST /admin/registry/load", s.adminPage(s.registryLoad))
	s.mux.HandleFunc("POST /admin/registry/check", s.adminPage(s.registryCheckSettings))
	s.warrantyRoutes()
}

// maxRegistryUpload bounds a CSV file loaded from the portal: about 300,000
// units. rmadesk registry import loads a file of any size.
const maxRegistryUpload = 64 << 20

// unitSearch sends the finder's serial to its page.
func (s *Server) unitSearch(w http.ResponseWriter, r *http.Request, p *page) {
	serial := strings.TrimSpace(r.URL.Query().Get("serial"))
	if serial == "" {
		p.Title = p.T("unit.search")
		p.Data = &unitData{Desk: p.IsDesk}
		s.render(w, http.StatusOK, "unit_page", p)
		return
	}
	http.Redirect(w, r, "/units/"+url.PathEscape(serial), http.StatusSeeOther)
}

type unitData struct {
	Life     *rma.UnitLife
	Warranty *warrantyResult
	Desk     bool
}

func (s *Server) unitPage(w http.ResponseWriter, r *http.Request, p *page) {
	life, err := s.svc.UnitLife(r.Context(), p.Actor, r.PathValue("serial"))
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Title = p.T("unit.title", life.Serial)
	d := &unitData{Life: life, Desk: p.IsDesk}
	if life.Warranty != nil {
		d.Warranty = s.resultIn(p, life.Warranty)
	}
	p.Data = d
	s.render(w, http.StatusOK, "unit_page", p)
}

type registryData struct {
	Units, Replacements int64
	Columns             string
	Policies            []option
	Load                *rma.UnitLoad
	Unknown             string
	Settings            rma.WarrantyCheckSettings
	Factors             []option
	CheckPolicies       []option
	PublicURL           string
}

func (s *Server) registryData(ctx context.Context, p *page, set rma.WarrantyCheckSettings, load *rma.UnitLoad) (*registryData, error) {
	d := &registryData{Columns: strings.Join(rma.UnitColumns, ", "), Settings: set, Load: load, PublicURL: strings.TrimRight(s.cfg.PublicURL, "/") + "/warranty"}
	var err error
	if d.Units, d.Replacements, err = s.svc.RegistryStats(ctx, p.Actor); err != nil {
		return nil, err
	}
	d.Policies = []option{{Value: "", Label: p.T("reg.policy_none")}}
	d.CheckPolicies = []option{{Value: "", Label: p.T("reg.policy_none"), Selected: set.DefaultPolicy == ""}}
	for _, id := range s.svc.Policies().IDs() {
		title := id
		if pol := s.svc.Policies().Latest(id); pol != nil {
			title = packText(pol, p.lang, "title", pol.Title)
		}
		d.Policies = append(d.Policies, option{Value: id, Label: title})
		d.CheckPolicies = append(d.CheckPolicies, option{Value: id, Label: title, Selected: set.DefaultPolicy == id})
	}
	for _, f := range rma.SecondFactors {
		d.Factors = append(d.Factors, option{Value: f, Label: p.T("reg.factor." + f), Selected: set.SecondFactor == f})
	}
	if load != nil && len(load.UnknownSoldTo) > 0 {
		var names []string
		for _, n := range load.UnknownSoldTo {
			names = append(names, fmt.Sprintf("%s (%d)", n.Name, n.Units))
		}
		d.Unknown = strings.Join(names, ", ")
	}
	return d, nil
}

func (s *Server) registryPage(w http.ResponseWriter, r *http.Request, p *page) {
	p.Title = p.T("reg.title")
	set, err := s.svc.WarrantyCheckSettings(r.Context())
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	d, err := s.registryData(r.Context(), p, set, nil)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Data = d
	s.render(w, http.StatusOK, "registry", p)
}

// registryLoad reads the upload form as it arrives: the policy field
// first, then the file, streamed into the load without spooling it.
func (s *Server) registryLoad(w http.ResponseWriter, r *http.Request, p *page) {
	p.Title = p.T("reg.title")
	ctx := r.Context()
	set, err := s.svc.WarrantyCheckSettings(ctx)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	show := func(status int, load *rma.UnitLoad, msg string) {
		d, err := s.registryData(ctx, p, set, load)
		if err != nil {
			s.fail(w, r, p, err)
			return
		}
		p.Data, p.Error = d, msg
		if load != nil && msg == "" {
			p.Flash = p.T("reg.loaded", load.Units, load.Created, load.Updated, load.Unchanged)
		}
		s.render(w, status, "registry", p)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRegistryUpload)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		show(http.StatusUnprocessableEntity, nil, p.T("reg.file_required"))
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		show(http.StatusUnprocessableEntity, nil, p.T("reg.file_required"))
		return
	}
	policyID, name := "", ""
	var load rma.UnitLoad
	loaded := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			show(http.StatusUnprocessableEntity, nil, p.T("reg.unreadable"))
			return
		}
		switch part.FormName() {
		case "policy":
			b, _ := io.ReadAll(io.LimitReader(part, 200))
			policyID = strings.TrimSpace(string(b))
			if policyID != "" && s.svc.Policies().Latest(policyID) == nil {
				show(http.StatusUnprocessableEntity, nil, p.T("reg.unknown_policy", policyID))
				return
			}
		case "file":
			name = displayName(part.FileName())
			if name == "" {
				show(http.StatusUnprocessableEntity, nil, p.T("reg.file_required"))
				return
			}
			csv := registry.NewCSV(part)
			csv.DefaultPolicy = policyID
			e := audit.Of(p.Actor, audit.RegistryImport, audit.TargetRegistry, "units", "serial registry", audit.Change{Field: "source", To: "portal: " + name})
			err = audit.RecordWith(ctx, s.svc.Store(), e, func(ctx context.Context) error {
				var err error
				load, err = s.svc.ImportUnits(ctx, p.Actor, rma.UnitSource{Units: csv.Units(), Field: csv.Field})
				return err
			})
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig):
				show(http.StatusRequestEntityTooLarge, nil, p.T("reg.too_large", sizeText(maxRegistryUpload)))
				return
			case rma.ErrorCode(err) == rma.EINVALID:
				show(http.StatusUnprocessableEntity, nil, refusedText(p, name, err))
				return
			case err != nil:
				s.fail(w, r, p, err)
				return
			}
			loaded = true
		}
		part.Close()
	}
	if !loaded {
		show(http.StatusUnprocessableEntity, nil, p.T("reg.file_required"))
		return
	}
	show(http.StatusOK, &load, "")
}

func (s *Server) registryCheckSettings(w http.ResponseWriter, r *http.Request, p *page) {
	ctx := r.Context()
	before, err := s.svc.WarrantyCheckSettings(ctx)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	f := r.PostForm
	after := rma.WarrantyCheckSettings{Enabled: f.Get("enabled") == "on", SecondFactor: f.Get("second_factor"),
		RevealUnknown: f.Get("reveal_unknown") == "on", DefaultPolicy: f.Get("default_policy")}
	if err := rma.CheckWarrantyCheckSettings(after, s.svc.Policies()); err != nil {
		p.Title = p.T("reg.title")
		d, derr := s.registryData(ctx, p, after, nil)
		if derr != nil {
			s.fail(w, r, p, derr)
			return
		}
		p.Data, p.Error = d, p.T("reg.check_invalid")
		s.render(w, http.StatusUnprocessableEntity, "registry", p)
		return
	}
	e := audit.Of(p.Actor, audit.RegistryCheckSettings, audit.TargetRegistry, "warranty-check", "public warranty check", audit.WarrantyCheckChanges(before, after)...)
	if err := audit.RecordWith(ctx, s.svc.Store(), e, func(ctx context.Context) error { return s.svc.SetWarrantyCheckSettings(ctx, p.Actor, after) }); err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.redirectFlash(w, r, "/admin/registry", p.T("reg.saved"))
}

// refusedText says why a file was not loaded: the desk's own message in
// English; in another language, the line and column it names (the
// messages of the file's checks are written in English only).
func refusedText(p *page, name string, err error) string {
	var e *rma.Error
	if !errors.As(err, &e) || p.lang == "en" {
		return p.T("reg.refused", name, err.Error())
	}
	var line string
	if n, _ := fmt.Sscanf(e.Field, "line %s", &line); n == 1 {
		line = strings.TrimSuffix(line, ",")
		if _, col, ok := strings.Cut(e.Field, ", column "); ok {
			return p.T("reg.refused_at", name, p.T("reg.at_line_column", line, col))
		}
		return p.T("reg.refused_at", name, p.T("reg.at_line", line))
	}
	return p.T("reg.refused_at", name, e.Field)
}

// registryUnit is the serial the queue's search names, when the registry
// has it (the desk's roles): the queue links the unit's page.
func (s *Server) registryUnit(r *http.Request, p *page, q string) string {
	q = strings.TrimSpace(q)
	us, ok := s.svc.Store().(rma.UnitStore)
	if !p.IsDesk || !ok || q == "" || len(q) > 100 {
		return ""
	}
	u, err := us.Unit(r.Context(), q)
	if err != nil {
		return ""
	}
	return u.Serial
}
