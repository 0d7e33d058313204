package api

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

const v1 = "/api/v1"

// routeTable lists every endpoint. openapi.json documents exactly these
// (TestOpenAPIMatchesRoutes).
func (s *Server) routeTable() []Route {
	rs := []Route{
		{Method: "GET", Path: v1 + "/openapi.json", Public: true, handler: s.openapi},
		{Method: "GET", Path: v1 + "/me", Op: rma.OpRead, handler: s.me},
		{Method: "GET", Path: v1 + "/policies", Op: rma.OpRead, handler: s.listPolicies},
		{Method: "GET", Path: v1 + "/policies/{id}", Op: rma.OpRead, handler: s.getPolicy},
		{Method: "POST", Path: v1 + "/policies/{id}/check", Op: rma.OpRead, handler: s.checkClaim},
		{Method: "GET", Path: v1 + "/rmas", Op: rma.OpRead, handler: s.listRMAs},
		{Method: "POST", Path: v1 + "/rmas", Op: rma.OpSubmit, handler: s.submit},
		{Method: "GET", Path: v1 + "/rmas/{id}", Op: rma.OpRead, handler: s.getRMA},
		{Method: "GET", Path: v1 + "/rmas/{id}/events", Op: rma.OpRead, handler: s.events},
		{Method: "GET", Path: v1 + "/rmas/{id}/documents", Op: rma.OpRead, handler: s.listDocuments},
		{Method: "POST", Path: v1 + "/rmas/{id}/documents", Op: rma.OpAddDocument, handler: s.upload},
		{Method: "GET", Path: v1 + "/rmas/{id}/documents/{doc}", Op: rma.OpRead, handler: s.download},
		{Method: "GET", Path: v1 + "/rmas/{id}/messages", Op: rma.OpRead, handler: s.listMessages},
		{Method: "POST", Path: v1 + "/rmas/{id}/messages", Op: rma.OpAddMessage, handler: s.postMessage},
		{Method: "POST", Path: v1 + "/rmas/{id}/charges", Op: rma.OpAddCharge, handler: s.addCharge},
		{Method: "POST", Path: v1 + "/receiving", Op: rma.ActReceive, handler: s.receive},
		{Method: "GET", Path: v1 + "/serials/{serial}", Op: rma.OpLookup, handler: s.serial},
		{Method: "GET", Path: v1 + "/orgs", Op: rma.OpAdminister, handler: s.listOrgs},
		{Method: "GET", Path: v1 + "/jobs", Op: rma.OpAdminister, handler: s.listJobs},
		{Method: "POST", Path: v1 + "/orgs", Op: rma.OpAdminister, handler: s.createOrg},
		{Method: "POST", Path: v1 + "/orgs/{id}/keys", Op: rma.OpAdminister, handler: s.createKey},
		{Method: "GET", Path: v1 + "/keys", Op: rma.OpAdminister, handler: s.listKeys},
		{Method: "DELETE", Path: v1 + "/keys/{prefix}", Op: rma.OpAdminister, handler: s.revokeKey},
		{Method: "DELETE", Path: v1 + "/users/{user}/sessions", Op: rma.OpAdminister, handler: s.endUserSessions},
		{Method: "GET", Path: v1 + "/audit", Op: rma.OpAdminister, handler: s.listAudit}, // audit.go
		{Method: "PUT", Path: v1 + "/orgs/{id}/address", Op: rma.OpAdminister, handler: s.setOrgAddress},
		{Method: "PUT", Path: v1 + "/orgs/{id}/language", Op: rma.OpAdminister, handler: s.setOrgLanguage},
		{Method: "PUT", Path: v1 + "/orgs/{id}/standing", Op: rma.OpAdminister, handler: s.setOrgStanding}, // vocabulary.go
		{Method: "PUT", Path: v1 + "/users/{user}/language", Op: rma.OpAdminister, handler: s.setUserLanguage},
		{Method: "GET", Path: v1 + "/locations", Op: rma.OpListAll, handler: s.listLocations},
		{Method: "POST", Path: v1 + "/locations", Op: rma.OpAdminister, handler: s.createLocation},
		{Method: "GET", Path: v1 + "/locations/{code}", Op: rma.OpListAll, handler: s.getLocation},
		{Method: "PATCH", Path: v1 + "/locations/{code}", Op: rma.OpAdminister, handler: s.updateLocation},
	}
	rs = append(rs, s.supplierRoutes()...) // suppliers.go
	rs = append(rs, s.assignRoutes()...)   // assign.go
	rs = append(rs, s.orgAdminRoutes()...) // orgadmin.go
	for _, a := range s.transitionHandlers() {
		rs = append(rs, Route{Method: "POST", Path: v1 + "/rmas/{id}/" + string(a.action), Op: a.action, handler: a.handle})
	}
	return rs
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request, _ rma.Actor) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(OpenAPI)
	return err
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	org, err := s.svc.Store().Org(r.Context(), actor.OrgID)
	if err != nil {
		return err
	}
	orgLang, userLang, err := s.languagesOf(r, org.ID, actor.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"org":  map[string]any{"id": org.ID, "name": org.Name, "desk": org.IsDesk, "role": roleName(org), "country": org.Country, "language": orgLang},
		"role": actor.Role, "name": actor.Name,
		// The language the caller's emails go in: its user's, else its organisation's, else English.
		"language": rma.RecipientLanguage(orgLang, userLang),
	})
	return nil
}

func roleName(o *rma.Org) string {
	if o.IsDesk {
		return ""
	}
	if o.Supplier {
		return "supplier"
	}
	return o.Role.String()
}

// PolicySummary is a policy as the API lists it.
type PolicySummary struct {
	ID            string     `json:"id"`
	Version       string     `json:"version"`
	EffectiveFrom string     `json:"effective_from"`
	InForce       bool       `json:"in_force"` // the version new RMAs are judged by today
	Title         string     `json:"title"`
	Vendor        string     `json:"vendor"`
	ReturnAddress []string   `json:"return_address"`
	Requesters    []string   `json:"requesters"`
	Documents     [][]string `json:"documents_at_filing"` // each entry: one of these documents
	RMAValidDays  int        `json:"rma_valid_days"`
}

func (s *Server) policySummary(p *policy.Policy) PolicySummary {
	ps := PolicySummary{ID: p.ID, Version: p.Version, EffectiveFrom: p.EffectiveFrom.String(), Title: p.Title, Vendor: p.Vendor.Name,
		InForce:       s.svc.Policies().InForce(p.ID, s.svc.Today()) == p,
		ReturnAddress: p.Vendor.ReturnAddress, RMAValidDays: p.RMANumber.ValidDays, Requesters: []string{}, Documents: [][]string{}}
	for _, r := range p.Requesters.Allowed.Roles() {
		ps.Requesters = append(ps.Requesters, r.String())
	}
	for _, d := range p.Documents {
		if d.Stage == policy.AtFiling {
			var alts []string
			for _, doc := range d.AnyOf {
				alts = append(alts, doc.String())
			}
			ps.Documents = append(ps.Documents, alts)
		}
	}
	return ps
}

func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request, _ rma.Actor) error {
	out := []PolicySummary{}
	for _, p := range s.svc.Policies().All() {
		out = append(out, s.policySummary(p))
	}
	writeJSON(w, http.StatusOK, map[string]any{"policies": out})
	return nil
}

func (s *Server) policyInForce(id string) (*policy.Policy, error) {
	p := s.svc.Policies().InForce(id, s.svc.Today())
	if p == nil {
		return nil, rma.Errorf(rma.ENOTFOUND, "no policy %q", id)
	}
	return p, nil
}

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request, _ rma.Actor) error {
	p, err := s.policyInForce(r.PathValue("id"))
	if err != nil {
		return err
	}
	if v := r.URL.Query().Get("version"); v != "" {
		if p = s.svc.Policies().Version(r.PathValue("id"), v); p == nil {
			return rma.Errorf(rma.ENOTFOUND, "policy %s has no version %q", r.PathValue("id"), v)
		}
	}
	writeJSON(w, http.StatusOK, s.policySummary(p))
	return nil
}

// checkClaim previews the engine's decision on one line for the caller's
// organisation, as of today: the portal shows it before submitting.
func (s *Server) checkClaim(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	p, err := s.policyInForce(r.PathValue("id"))
	if err != nil {
		return err
	}
	// The desk previews for a requester organisation named by ?org=.
	orgID := actor.OrgID
	if actor.Role.IsDesk() {
		v, err := strconv.ParseInt(r.URL.Query().Get("org"), 10, 64)
		if err != nil || v <= 0 {
			return rma.Invalid("org", "required for a desk key: the requester organisation to decide for")
		}
		orgID = v
	}
	var body CheckBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	c, err := claimOf("", body.Product, body.Dates, body.Conditions, body.Cause, body.Documents)
	if err != nil {
		return err
	}
	if c.Contracts, err = contractsOf("", body.Contracts); err != nil { // advance.go
		return err
	}
	if err := checkDeclaredNames(p, "", body.Documents, body.Conditions); err != nil { // vocabulary.go
		return err
	}
	if c.Kind, err = policy.ParseKind(body.Kind); err != nil {
		return rma.Invalid("kind", "%v", err)
	}
	org, err := s.svc.Store().Org(r.Context(), orgID)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return rma.Invalid("org", "no organisation %d", orgID)
	}
	if err != nil {
		return err
	}
	if org.IsDesk {
		return rma.Invalid("org", "the desk files no claims: name a requester organisation")
	}
	standing, err := rma.OrgStanding(r.Context(), s.svc.Store(), org.ID) // the desk's record (rma/standing.go)
	if err != nil {
		return err
	}
	c.Requester = policy.Requester{Role: org.Role, Country: org.Country, Standing: standing}
	c.Dates.Reported = s.svc.Today()
	for _, d := range []struct {
		name string
		v    calendar.Date
	}{{"purchase", c.Dates.Purchase}, {"invoice", c.Dates.Invoice}, {"shipped", c.Dates.Shipped}, {"delivered", c.Dates.Delivered}, {"manufactured", c.Dates.Manufactured},
		{"registered", c.Dates.Registered}, {"replaced", c.Dates.Replaced}} {
		if d.v > c.Dates.Reported {
			return rma.Invalid("dates."+d.name, "%s is in the future (today is %s)", d.v, c.Dates.Reported)
		}
	}
	if err := s.svc.FillRecords(r.Context(), org, &c, 0); err != nil { // the desk's records, as a submission reads them (issue 16)
		return err
	}
	writeJSON(w, http.StatusOK, p.Evaluate(rma.EngineClaim(c, strings.TrimSpace(body.PartNumber))))
	return nil
}

// Page is one page of a list.
type Page struct {
	Items []RMAView `json:"items"`
	Next  string    `json:"next,omitempty"`
}

func (s *Server) listRMAs(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	q := r.URL.Query()
	f, err := listFilter(q, actor)
	if err != nil {
		return err
	}
	f.Cursor = q.Get("cursor")
	if err := checkText("cursor", f.Cursor, maxParamBytes); err != nil {
		return err // decoded by the store
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return rma.Invalid("limit", "must be a number from 1 to 200")
		}
		f.Limit = n
	}
	items, next, err := s.svc.List(r.Context(), actor, f)
	if err != nil {
		return err
	}
	page := Page{Items: []RMAView{}, Next: next}
	today := s.svc.Today()
	for i := range items {
		page.Items = append(page.Items, s.rmaView(&items[i], today, actor))
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// submitRequest reads a submission's body (POST /rmas, /rmas/preview).
func (s *Server) submitRequest(w http.ResponseWriter, r *http.Request) (rma.SubmitRequest, error) {
	var body SubmitBody
	if err := decodeJSON(w, r, &body); err != nil {
		return rma.SubmitRequest{}, err
	}
	req, err := body.request()
	if err != nil {
		return rma.SubmitRequest{}, err
	}
	return req, s.checkSubmitNames(&body) // vocabulary.go
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	req, err := s.submitRequest(w, r)
	if err != nil {
		return err
	}
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 200 {
		return &badRequest{status: http.StatusBadRequest, field: "Idempotency-Key", detail: "at most 200 characters"}
	}
	req.IdempotencyKey = key
	created, replayed, err := s.svc.Submit(r.Context(), actor, req)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(created.ID, created.Version))
	w.Header().Set("Location", fmt.Sprintf("%s/rmas/%d", v1, created.ID))
	status := http.StatusCreated
	if replayed {
		// A retried submission: the RMA the first attempt created.
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeJSON(w, status, s.rmaView(created, s.svc.Today(), actor))
	return nil
}

func (s *Server) getRMA(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	got, err := s.svc.Get(r.Context(), actor, id)
	if err != nil {
		return err
	}
	tag := etag(got.ID, got.Version)
	w.Header().Set("ETag", tag)
	if r.Header.Get("If-None-Match") == tag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	writeJSON(w, http.StatusOK, s.rmaView(got, s.svc.Today(), actor))
	return nil
}

func (s *Server) events(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	evs, err := s.svc.History(r.Context(), actor, id)
	if err != nil {
		return err
	}
	out := []EventView{}
	for _, e := range evs {
		out = append(out, EventView{Seq: e.Seq, At: e.At, Actor: e.Actor, Action: e.Action, From: e.From, To: e.To, Details: e.Details})
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out})
	return nil
}

// transitionHandler is one POST /rmas/{id}/{action}.
type transitionHandler struct {
	action rma.Action
	handle func(w http.ResponseWriter, r *http.Request, actor rma.Actor) error
}

// call is one state change: it decodes its body from r and calls the use case.
type call func(ctx context.Context, actor rma.Actor, id int64, version int, r *http.Request, w http.ResponseWriter) (*rma.RMA, error)

// withBody decodes the action's body (an empty body counts as {}) into a
// fresh B and hands it to the use case.
func withBody[B any](useCase func(ctx context.Context, a rma.Actor, id int64, version int, body *B) (*rma.RMA, error)) call {
	return func(ctx context.Context, a rma.Actor, id int64, version int, r *http.Request, w http.ResponseWriter) (*rma.RMA, error) {
		var body B
		if err := decodeOptionalJSON(w, r, &body); err != nil {
			return nil, err
		}
		return useCase(ctx, a, id, version, &body)
	}
}

// noBody is for actions that take nothing but the RMA.
func noBody(useCase func(ctx context.Context, a rma.Actor, id int64, version int) (*rma.RMA, error)) call {
	return withBody(func(ctx context.Context, a rma.Actor, id int64, v int, _ *struct{}) (*rma.RMA, error) {
		return useCase(ctx, a, id, v)
	})
}

// transitionHandlers builds the state-change endpoints: each decodes its
// body, requires If-Match, calls the use case and answers with the RMA.
func (s *Server) transitionHandlers() []transitionHandler {
	svc := s.svc
	type ctx = context.Context
	calls := []struct {
		action rma.Action
		call   call
	}{
		{rma.ActRequestInfo, withBody(func(c ctx, a rma.Actor, id int64, v int, b *ReasonBody) (*rma.RMA, error) {
			return svc.RequestInfo(c, a, id, v, b.Reason)
		})},
		{rma.ActProvideInfo, withBody(func(c ctx, a rma.Actor, id int64, v int, b *ProvideInfoBody) (*rma.RMA, error) {
			ups, err := b.updates()
			if err != nil {
				return nil, err
			}
			return svc.ProvideInfo(c, a, id, v, ups)
		})},
		{rma.ActAuthorize, withBody(func(c ctx, a rma.Actor, id int64, v int, b *AuthorizeBody) (*rma.RMA, error) {
			advance, err := b.advanceRequests() // advance.go
			if err != nil {
				return nil, err
			}
			return svc.Authorize(c, a, id, v, rma.AuthorizeRequest{Resolution: b.Resolution, Location: b.Location, Note: b.Note, Override: b.OverrideReason, Lines: b.lineDecisions(),
				Advance: advance})
		})},
		{rma.ActSetPreference, withBody(func(c ctx, a rma.Actor, id int64, v int, b *PreferenceBody) (*rma.RMA, error) {
			return svc.SetPreference(c, a, id, v, b.Preference)
		})},
		{rma.ActReject, withBody(func(c ctx, a rma.Actor, id int64, v int, b *ReasonBody) (*rma.RMA, error) {
			return svc.Reject(c, a, id, v, b.Reason)
		})},
		{rma.ActRefer, withBody(func(c ctx, a rma.Actor, id int64, v int, b *ReferBody) (*rma.RMA, error) {
			return svc.Refer(c, a, id, v, b.Contact, b.Reason)
		})},
		{rma.ActCreditWithoutReturn, withBody(func(c ctx, a rma.Actor, id int64, v int, b *CreditBody) (*rma.RMA, error) {
			prices, err := b.prices() // money.go
			if err != nil {
				return nil, err
			}
			return svc.CreditWithoutReturn(c, a, id, v, b.Note, prices...)
		})},
		{rma.ActResolveRemotely, withBody(func(c ctx, a rma.Actor, id int64, v int, b *NoteBody) (*rma.RMA, error) {
			return svc.ResolveRemotely(c, a, id, v, b.Note)
		})},
		{rma.ActExpire, noBody(svc.Expire)},
		{rma.ActReissue, noBody(svc.Reissue)},
		{rma.ActShip, withBody(func(c ctx, a rma.Actor, id int64, v int, b *ShipBody) (*rma.RMA, error) {
			return svc.Ship(c, a, id, v, b.Carrier, b.Tracking)
		})},
		{rma.ActStartEvaluation, noBody(svc.StartEvaluation)},
		{rma.ActEvaluate, withBody(func(c ctx, a rma.Actor, id int64, v int, b *EvaluateBody) (*rma.RMA, error) {
			fs, err := b.findings()
			if err != nil {
				return nil, err
			}
			return svc.Evaluate(c, a, id, v, fs)
		})},
		{rma.ActResolve, withBody(func(c ctx, a rma.Actor, id int64, v int, b *ResolveBody) (*rma.RMA, error) {
			req, err := b.request()
			if err != nil {
				return nil, err
			}
			return svc.Resolve(c, a, id, v, req)
		})},
		{rma.ActCancel, withBody(func(c ctx, a rma.Actor, id int64, v int, b *ReasonBody) (*rma.RMA, error) {
			return svc.Cancel(c, a, id, v, b.Reason)
		})},
		{rma.ActClose, noBody(svc.Close)},
	}
	var out []transitionHandler
	for _, c := range calls {
		out = append(out, transitionHandler{action: c.action, handle: func(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
			id, err := pathID(r, "id")
			if err != nil {
				return err
			}
			version, err := ifMatch(r, id)
			if err != nil {
				return err
			}
			got, err := c.call(r.Context(), actor, id, version, r, w)
			if err != nil {
				return err
			}
			w.Header().Set("ETag", etag(got.ID, got.Version))
			writeJSON(w, http.StatusOK, s.rmaView(got, s.svc.Today(), actor))
			return nil
		}})
	}
	return out
}

// decodeOptionalJSON accepts an empty body as {} (a close or an expiry
// has nothing to say), and otherwise decodes strictly.
func decodeOptionalJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	if r.ContentLength < 0 { // chunked: empty only if no byte comes
		br := bufio.NewReader(r.Body)
		if _, err := br.Peek(1); err == io.EOF {
			return nil
		}
		r.Body = io.NopCloser(br)
	}
	return decodeJSON(w, r, v)
}

func (s *Server) receive(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var b ReceiveBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	if strings.TrimSpace(b.Number) == "" {
		return rma.Invalid("number", "required: the RMA number on the parcel")
	}
	lines, err := b.lines()
	if err != nil {
		return err
	}
	// If-Match is optional here: the bench may not know the RMA's ID before
	// reading the number off the parcel.
	var ifID int64
	version := 0
	if h := r.Header.Get("If-Match"); h != "" {
		idPart, verPart, _ := strings.Cut(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), "-")
		var err1, err2 error
		ifID, err1 = strconv.ParseInt(idPart, 10, 64)
		version, err2 = strconv.Atoi(verPart)
		if err1 != nil || err2 != nil || ifID <= 0 || version <= 0 {
			return rma.Errorf(rma.EPRECONDITION, "If-Match %s is not an ETag of this API", h)
		}
	}
	got, err := s.svc.Receive(r.Context(), actor, b.Number, ifID, version, lines)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(got.ID, got.Version))
	writeJSON(w, http.StatusOK, s.rmaView(got, s.svc.Today(), actor))
	return nil
}

func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	docs, err := s.svc.Documents(r.Context(), actor, id)
	if err != nil {
		return err
	}
	out := []DocumentView{}
	for _, d := range docs {
		out = append(out, documentView(d))
	}
	writeJSON(w, http.StatusOK, map[string]any{"documents": out})
	return nil
}

// upload takes one file as multipart/form-data (field "file", with "kind"
// and "line"). The content type is sniffed from the bytes; the size is
// bounded while reading.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return &badRequest{status: http.StatusUnsupportedMediaType, detail: "send the file as multipart/form-data (field file)"}
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.maxUpload+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return &badRequest{status: http.StatusBadRequest, detail: "malformed multipart body"}
	}
	nd := rma.NewDocument{Kind: "other"}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return rma.Invalid("file", "required: a file part")
		}
		if err != nil {
			return uploadError(&bodyError{err}) // malformed or truncated: the client's doing
		}
		switch part.FormName() {
		case "kind", "line":
			v, err := io.ReadAll(io.LimitReader(part, 100))
			if err != nil {
				return uploadError(&bodyError{err})
			}
			if part.FormName() == "kind" {
				nd.Kind = strings.TrimSpace(string(v))
			} else if nd.LineNo, err = strconv.Atoi(strings.TrimSpace(string(v))); err != nil {
				return rma.Invalid("line", "must be a line number")
			}
		case "file":
			nd.Filename = part.FileName() // the service keeps its last element, valid and short
			br := bufio.NewReaderSize(&limitedReader{r: part, left: s.maxUpload}, 512)
			head, _ := br.Peek(512)
			if len(head) == 0 {
				return rma.Invalid("file", "empty file")
			}
			nd.ContentType = sniff(head)
			nd.Content = br
			doc, err := s.svc.AddDocument(r.Context(), actor, id, s.files, nd)
			if err != nil {
				return uploadError(err)
			}
			writeJSON(w, http.StatusCreated, documentView(*doc))
			return nil
		case "":
			return &badRequest{status: http.StatusBadRequest, detail: "malformed multipart body: a part without Content-Disposition: form-data; name=..."}
		default:
			return rma.Invalid(part.FormName(), "unknown form field (file, kind, line)")
		}
	}
}

// limitedReader fails, rather than truncates, past its limit.
type limitedReader struct {
	r    io.Reader
	left int64
}

var errTooLarge = errors.New("file too large")

func (l *limitedReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return 0, errTooLarge
	}
	if err != nil && err != io.EOF {
		err = &bodyError{err} // a truncated part, not a failure of the files
	}
	return n, err
}

// bodyError is a failure to read the request body: a malformed or
// truncated multipart body, or a client gone.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

func uploadError(err error) error {
	var maxErr *http.MaxBytesError
	if errors.Is(err, errTooLarge) || errors.As(err, &maxErr) {
		return &badRequest{status: http.StatusRequestEntityTooLarge, field: "file", detail: "file larger than the upload limit"}
	}
	var body *bodyError
	if errors.As(err, &body) {
		return &badRequest{status: http.StatusBadRequest, detail: "malformed multipart body: " + body.err.Error()}
	}
	return err
}

// sniff names the content's type from its first bytes. Types the browser
// would render as a page (HTML, SVG, XML) are reported as such, and the
// service refuses them whatever their name says.
func sniff(head []byte) string {
	ct := http.DetectContentType(head)
	mt, _, _ := mime.ParseMediaType(ct)
	if mt == "text/xml" || mt == "text/plain" {
		if strings.Contains(strings.ToLower(string(head)), "<svg") {
			return "image/svg+xml"
		}
	}
	if mt == "application/octet-stream" && len(head) > 12 && string(head[4:8]) == "ftyp" {
		if string(head[8:10]) == "qt" {
			return "video/quicktime"
		}
		return "video/mp4"
	}
	return mt
}

func (s *Server) download(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	docID, err := pathID(r, "doc")
	if err != nil {
		return err
	}
	d, err := s.svc.Document(r.Context(), actor, id, docID)
	if err != nil {
		return err
	}
	f, err := s.files.Open(d.Path)
	if err != nil {
		return fmt.Errorf("document %d: %w", d.ID, err)
	}
	defer f.Close()
	// Served as an attachment with the sniffed type and nosniff, so an
	// upload can never run as a page in the desk's origin.
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename}))
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Header().Set("Content-Length", strconv.FormatInt(d.Size, 10))
	w.Header().Set("ETag", `"`+d.SHA256+`"`)
	_, _ = io.Copy(w, f) // after the headers, a failed copy can only be logged by the client
	return nil
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	msgs, err := s.svc.Messages(r.Context(), actor, id)
	if err != nil {
		return err
	}
	out := []MessageView{}
	for _, m := range msgs {
		out = append(out, MessageView{ID: m.ID, Author: m.Author, FromDesk: m.FromDesk, Internal: m.Internal, Body: m.Body, Created: m.Created})
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": out})
	return nil
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b MessageBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	m, err := s.svc.PostMessage(r.Context(), actor, id, rma.MessageRequest{Body: b.Body, Internal: b.Internal})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, MessageView{ID: m.ID, Author: m.Author, FromDesk: m.FromDesk, Internal: m.Internal, Body: m.Body, Created: m.Created})
	return nil
}

func (s *Server) serial(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	if err := checkText("serial", r.PathValue("serial"), maxParamBytes); err != nil {
		return err
	}
	st, err := s.svc.LookupSerial(r.Context(), actor, r.PathValue("serial"))
	if err != nil {
		return err
	}
	hist := []map[string]any{}
	for _, h := range st.History {
		hist = append(hist, map[string]any{"rma_id": h.RMAID, "number": h.Number, "state": h.State, "outcome": h.Outcome,
			"policy": h.PolicyID, "policy_version": h.PolicyVersion, "reported": h.Reported.String(), "line": h.Line.No,
			"as_replacement": h.AsReplacement, "decision": h.Line.Decision.Verdict, "finding": h.Line.Finding})
	}
	writeJSON(w, http.StatusOK, map[string]any{"serial": st.Serial, "warranty_end": st.WarrantyEnd.String(),
		"in_warranty": st.InWarranty, "source": st.Source, "history": hist})
	return nil
}

func orgView(o rma.Org) map[string]any {
	v := map[string]any{"id": o.ID, "name": o.Name, "desk": o.IsDesk, "role": roleName(&o), "country": o.Country, "email": o.Email}
	if !o.Address.IsZero() {
		v["address"] = o.Address
	}
	return v
}

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	orgs, err := s.accounts.Orgs(r.Context(), actor)
	if err != nil {
		return err
	}
	langs, err := s.orgLanguages(r)
	if err != nil {
		return err
	}
	standings, err := s.orgStandings(r) // vocabulary.go
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, o := range orgs {
		v := orgView(o)
		v["language"] = langs[o.ID]
		if !o.IsDesk && !o.Supplier {
			v["standing"] = standingOf(standings, o.ID)
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"orgs": out})
	return nil
}

func (s *Server) createOrg(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var b OrgBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	o, err := s.accounts.CreateOrg(r.Context(), actor, authNewOrg(b))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, orgView(*o))
	return nil
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b KeyBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	key, k, err := s.accounts.CreateKey(r.Context(), actor, id, rma.Role(b.Role), b.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": k.ID, "org_id": k.OrgID, "role": k.Role, "prefix": k.Prefix, "key": key,
		"note": "the key is shown once; store it now"})
	return nil
}

// ChargeBody is POST /api/v1/rmas/{id}/charges.
type ChargeBody struct {
	Line        int        `json:"line,omitempty"`
	Kind        string     `json:"kind"`
	Quantity    float64    `json:"quantity"`
	UnitPrice   *MoneyJSON `json:"unit_price,omitempty"`
	Description string     `json:"description,omitempty"`
}

func (s *Server) addCharge(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(r, id)
	if err != nil {
		return err
	}
	var b ChargeBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	price, err := parseMoney("unit_price", b.UnitPrice)
	if err != nil {
		return err
	}
	got, err := s.svc.AddCharge(r.Context(), actor, id, version, b.Line, rma.ChargeRequest{Kind: b.Kind, Quantity: b.Quantity, UnitPrice: price, Description: b.Description})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(got.ID, got.Version))
	writeJSON(w, http.StatusCreated, s.rmaView(got, s.svc.Today(), actor))
	return nil
}

// JobView is a background job as admins see it.
type JobView struct {
	ID        int64          `json:"id"`
	Kind      string         `json:"kind"`
	RMAID     int64          `json:"rma_id,omitempty"`
	State     rma.JobState   `json:"state"`
	RunAt     time.Time      `json:"run_at"`
	Attempts  int            `json:"attempts"`
	LastError string         `json:"last_error,omitempty"`
	Payload   map[string]any `json:"payload,omitempty"`
}

// listJobs shows the job queue; by default the dead letters, which need an
// admin. Besides the states, pending and failed are the queued jobs that
// never failed and those waiting for a retry (issue 15).
func (s *Server) listJobs(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	state := r.URL.Query().Get("state")
	if state == "" {
		state = string(rma.JobDead)
	}
	view, err := rma.ParseJobView("state", state)
	if err != nil {
		return err
	}
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return rma.Invalid("limit", "must be a number from 1 to 1000")
		}
		limit = n
	}
	jobs, err := s.svc.JobList(r.Context(), actor, view, limit) // orgadmin.go
	if err != nil {
		return err
	}
	out := []JobView{}
	for _, j := range jobs {
		out = append(out, jobView(j))
	}
	writeJSON(w, http.StatusOK, map[string]any{"jobs": out})
	return nil
}

// listFilter reads the filters the list and the exports (exports.go)
// share: state, policy, q, overdue, org (the desk's), order, assignee and
// the date ranges; a bad one is refused by its name.
func listFilter(q url.Values, actor rma.Actor) (rma.ListFilter, error) {
	f := rma.ListFilter{PolicyID: q.Get("policy"), Query: q.Get("q")}
	for _, p := range [][2]string{{"policy", f.PolicyID}, {"q", f.Query}} {
		if err := checkText(p[0], p[1], maxParamBytes); err != nil {
			return f, err // searched for by the store
		}
	}
	for _, st := range q["state"] {
		for _, one := range strings.Split(st, ",") {
			state, ok := rma.ParseState(one)
			if !ok {
				return f, rma.Invalid("state", "unknown state %q", one)
			}
			f.States = append(f.States, state)
		}
	}
	if v := q.Get("overdue"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, rma.Invalid("overdue", "must be true or false")
		}
		f.Overdue = b
	}
	if err := queueFilter(q, actor, &f); err != nil { // assign.go
		return f, err
	}
	if v := q.Get("org"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return f, rma.Invalid("org", "must be an organisation id")
		}
		if actor.Role.IsDesk() {
			f.OrgID = id
		}
	}
	// The days an RMA was filed on: created_* by the wall clock in UTC,
	// filed_* by the desk's date. Each pair is inclusive.
	days := func(from, to string) (first, last calendar.Date, err error) {
		for _, p := range []struct {
			name string
			d    *calendar.Date
		}{{from, &first}, {to, &last}} {
			v := q.Get(p.name)
			if v == "" {
				continue
			}
			if *p.d, err = calendar.ParseDate(v); err != nil {
				return first, last, rma.Invalid(p.name, "must be a date, YYYY-MM-DD, not %.40q", v)
			}
		}
		if !first.IsZero() && !last.IsZero() && last < first {
			return first, last, rma.Invalid(to, "%s is before %s %s", last, from, first)
		}
		return first, last, nil
	}
	first, last, err := days("created_from", "created_to")
	if err != nil {
		return f, err
	}
	if !first.IsZero() {
		f.CreatedFrom = first.Time()
	}
	if !last.IsZero() {
		f.CreatedBefore = last.AddDays(1).Time()
	}
	if f.FiledFrom, f.FiledTo, err = days("filed_from", "filed_to"); err != nil {
		return f, err
	}
	return f, nil
}
