package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Policies managed in the desk (issue 15): every stored version of a pack,
// drafts uploaded and linted (422 with each finding's line and column),
// published for a date, discarded, and two versions compared rule by rule.
// Admins only, like the rest of the desk's administration.

func (s *Server) policyStoreRoutes() []Route {
	return []Route{
		{Method: "GET", Path: v1 + "/policies/{id}/versions", Op: rma.OpAdminister, handler: s.policyVersions},
		{Method: "GET", Path: v1 + "/policies/{id}/diff", Op: rma.OpAdminister, handler: s.policyDiff},
		{Method: "POST", Path: v1 + "/policies/{id}/versions/{version}/retire", Op: rma.OpAdminister, handler: s.retireVersion},
		{Method: "POST", Path: v1 + "/policies/{id}/drafts", Op: rma.OpAdminister, handler: s.createDraft},
		{Method: "GET", Path: v1 + "/policies/{id}/drafts/{draft}", Op: rma.OpAdminister, handler: s.getDraft},
		{Method: "PUT", Path: v1 + "/policies/{id}/drafts/{draft}", Op: rma.OpAdminister, handler: s.updateDraft},
		{Method: "POST", Path: v1 + "/policies/{id}/drafts/{draft}/publish", Op: rma.OpAdminister, handler: s.publishDraft},
		{Method: "DELETE", Path: v1 + "/policies/{id}/drafts/{draft}", Op: rma.OpAdminister, handler: s.discardDraft},
	}
}

// recordPolicy runs an admin's change to a policy's versions and records
// it in the audit log, in the transaction of the change's write
// (audit.Record): both are kept or neither.
func recordPolicy(ctx context.Context, svc *rma.Service, actor rma.Actor, action, policyID string, changes []audit.Change, change func(ctx context.Context) error) error {
	st, ok := svc.Store().(audit.Store)
	if !ok {
		return change(ctx)
	}
	e := audit.Of(actor, action, audit.TargetPolicy, policyID, policyID, changes...)
	return audit.Record(ctx, st, &e, change)
}

// headerOf reads a draft's version and date for its audit entry, as the
// loader will (a draft that does not load is refused, and not recorded).
func headerOf(in rma.DraftInput) []audit.Change {
	var ch []audit.Change
	v, d := in.Version, in.EffectiveFrom
	if p, err := policy.Load("draft.yaml", []byte(in.Source)); err == nil {
		v, d = cmp.Or(v, p.Version), cmp.Or(d, p.EffectiveFrom.String())
	}
	if v != "" {
		ch = append(ch, audit.Change{Field: "version", To: v})
	}
	if d != "" {
		ch = append(ch, audit.Change{Field: "effective_from", To: d})
	}
	return ch
}

// PackVersionOut is a stored version of a pack as the API shows it.
type PackVersionOut struct {
	ID            int64             `json:"id"`
	PolicyID      string            `json:"policy"`
	Version       string            `json:"version"`
	EffectiveFrom string            `json:"effective_from"`
	State         string            `json:"state"` // draft, published, retired
	InForce       bool              `json:"in_force"`
	Origin        string            `json:"origin"`
	CreatedBy     string            `json:"created_by"`
	Created       time.Time         `json:"created"`
	PublishedBy   string            `json:"published_by,omitempty"`
	Published     *time.Time        `json:"published,omitempty"`
	RetiredBy     string            `json:"retired_by,omitempty"`
	Retired       *time.Time        `json:"retired,omitempty"`
	Source        string            `json:"source,omitempty"`
	Translations  map[string]string `json:"translations,omitempty"`
}

func (s *Server) packVersionOut(v *rma.PackVersion, withSource bool) PackVersionOut {
	out := PackVersionOut{ID: v.ID, PolicyID: v.PolicyID, Version: v.Version, EffectiveFrom: v.EffectiveFrom.String(), State: string(v.State),
		Origin: v.Origin, CreatedBy: v.CreatedBy, Created: v.Created, PublishedBy: v.PublishedBy}
	if v.State == rma.PackPublished {
		if p := s.svc.Policies().InForce(v.PolicyID, s.svc.Today()); p != nil && p.Version == v.Version {
			out.InForce = true
		}
		pub := v.Published
		out.Published = &pub
	}
	if v.State == rma.PackRetired {
		pub, ret := v.Published, v.Retired
		out.Published, out.RetiredBy, out.Retired = &pub, v.RetiredBy, &ret
	}
	if withSource {
		out.Source, out.Translations = v.Source, v.Translations
	}
	return out
}

func (s *Server) policyVersions(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	vs, err := s.svc.PackVersions(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := []PackVersionOut{}
	for i := range vs {
		out = append(out, s.packVersionOut(&vs[i], false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": out})
	return nil
}

// DraftBody is a draft sent as JSON; a draft may also be sent as the bare
// YAML (Content-Type application/yaml), its translations then carried
// over from the newest published version.
type DraftBody struct {
	Source        string            `json:"source"`
	Version       string            `json:"version,omitempty"`
	EffectiveFrom string            `json:"effective_from,omitempty"`
	Translations  map[string]string `json:"translations,omitempty"`
}

// Finding is one problem the loader found in a draft, on its line.
type Finding struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

// draftProblem is a 422 naming each finding's line.
type draftProblem struct {
	Problem
	Findings []Finding `json:"findings"`
}

func findingsOf(issues []policy.Issue) []Finding {
	out := make([]Finding, 0, len(issues))
	for _, is := range issues {
		out = append(out, Finding{File: is.File, Line: is.Line, Column: is.Column, Path: is.Path, Message: is.Msg})
	}
	return out
}

// draftError answers a draft the loader refused with its findings, and
// hands any other error back.
func draftError(w http.ResponseWriter, r *http.Request, err error) error {
	var de *rma.DraftError
	if !errors.As(err, &de) {
		return err
	}
	p := draftProblem{Problem: Problem{Type: "about:blank", Title: "The draft has problems", Status: http.StatusUnprocessableEntity,
		Detail: fmt.Sprintf("%d problem(s); the first: %s", len(de.Issues), de.Error()), Instance: r.URL.Path}, Findings: findingsOf(de.Issues)}
	for _, f := range p.Findings {
		field := "source"
		if f.File != "" && strings.Count(f.File, ".") > 1 { // pixfra.nl.yaml: a translation
			field = "translations." + strings.Split(f.File, ".")[1]
		}
		detail := f.Message
		if f.Line > 0 {
			detail = fmt.Sprintf("line %d, column %d: %s", f.Line, f.Column, f.Message)
		}
		if f.Path != "" {
			detail += " (" + f.Path + ")"
		}
		p.Errors = append(p.Errors, FieldProblem{Field: field, Detail: detail})
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	return json.NewEncoder(w).Encode(p)
}

// invalidUTF8Field names the member of a JSON object whose value holds
// bytes that are not UTF-8 (encoding/json would replace them silently),
// "translations.nl" for a member of a member; "body" when none is found.
func invalidUTF8Field(data []byte) string {
	var members map[string]json.RawMessage
	if json.Unmarshal(data, &members) != nil {
		return "body"
	}
	for name, raw := range members {
		if utf8.Valid(raw) {
			continue
		}
		var inner map[string]json.RawMessage
		if json.Unmarshal(raw, &inner) == nil {
			for k, v := range inner {
				if !utf8.Valid(v) {
					return name + "." + k
				}
			}
		}
		return name
	}
	return "body"
}

// readDraft reads a draft's body: JSON, or the YAML itself.
func readDraft(w http.ResponseWriter, r *http.Request) (rma.DraftInput, error) {
	ct := r.Header.Get("Content-Type")
	mt, _, perr := mime.ParseMediaType(ct)
	if ct != "" && perr != nil {
		return rma.DraftInput{}, &badRequest{status: http.StatusUnsupportedMediaType, detail: fmt.Sprintf("Content-Type %q: send application/json or application/yaml", ct)}
	}
	switch mt {
	case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain":
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, rma.MaxPackBytes))
		if err != nil {
			return rma.DraftInput{}, &badRequest{status: http.StatusRequestEntityTooLarge, detail: fmt.Sprintf("request body larger than %d bytes", rma.MaxPackBytes)}
		}
		return rma.DraftInput{Source: string(data), Version: r.URL.Query().Get("version"), EffectiveFrom: r.URL.Query().Get("effective_from")}, nil
	}
	if ct != "" && mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return rma.DraftInput{}, &badRequest{status: http.StatusUnsupportedMediaType, detail: fmt.Sprintf("Content-Type %q: send application/json or application/yaml", ct)}
	}
	// Not decodeJSON: a pack's YAML is longer than the API's other texts
	// (maxStringBytes); its bytes are checked by the loader and the store.
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 2*rma.MaxPackBytes))
	if err != nil {
		return rma.DraftInput{}, jsonError(err)
	}
	// DraftBody with each translation read on its own, so that an error
	// names its language (translations.nl).
	var b struct {
		Source        string                     `json:"source"`
		Version       string                     `json:"version,omitempty"`
		EffectiveFrom string                     `json:"effective_from,omitempty"`
		Translations  map[string]json.RawMessage `json:"translations,omitempty"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return rma.DraftInput{}, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return rma.DraftInput{}, &badRequest{status: http.StatusBadRequest, detail: "unexpected data after the JSON object"}
	}
	for _, f := range []struct{ name, v string }{{"version", b.Version}, {"effective_from", b.EffectiveFrom}} {
		if err := checkText(f.name, f.v, 100); err != nil {
			return rma.DraftInput{}, err
		}
	}
	if err := checkText("source", b.Source, rma.MaxPackBytes); err != nil {
		return rma.DraftInput{}, err
	}
	var translations map[string]string
	if b.Translations != nil {
		translations = make(map[string]string, len(b.Translations))
		for lang, raw := range b.Translations {
			var text string
			if err := json.Unmarshal(raw, &text); err != nil {
				return rma.DraftInput{}, rma.Invalid("translations."+lang, "must be a string: the translation's YAML")
			}
			if err := checkText("translations."+lang, text, rma.MaxPackBytes); err != nil {
				return rma.DraftInput{}, err
			}
			translations[lang] = text
		}
	}
	if !utf8.Valid(data) {
		return rma.DraftInput{}, &badRequest{status: http.StatusUnprocessableEntity, field: invalidUTF8Field(data), detail: "not valid UTF-8"}
	}
	return rma.DraftInput{Source: b.Source, Version: b.Version, EffectiveFrom: b.EffectiveFrom, Translations: translations}, nil
}

func (s *Server) createDraft(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	in, err := readDraft(w, r)
	if err != nil {
		return err
	}
	var v *rma.PackVersion
	err = recordPolicy(r.Context(), s.svc, actor, audit.PolicyDraft, r.PathValue("id"), headerOf(in), func(ctx context.Context) (err error) {
		v, err = s.svc.SaveDraft(ctx, actor, r.PathValue("id"), in)
		return err
	})
	if err != nil {
		return draftError(w, r, err)
	}
	w.Header().Set("Location", fmt.Sprintf("%s/policies/%s/drafts/%d", v1, v.PolicyID, v.ID))
	writeJSON(w, http.StatusCreated, s.packVersionOut(v, true))
	return nil
}

func (s *Server) getDraft(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "draft")
	if err != nil {
		return err
	}
	v, err := s.svc.Draft(r.Context(), actor, r.PathValue("id"), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.packVersionOut(v, true))
	return nil
}

func (s *Server) updateDraft(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "draft")
	if err != nil {
		return err
	}
	in, err := readDraft(w, r) // the body first: a malformed one is 400 whatever the path names
	if err != nil {
		return err
	}
	if _, err := s.svc.Draft(r.Context(), actor, r.PathValue("id"), id); err != nil {
		return err
	}
	var v *rma.PackVersion
	err = recordPolicy(r.Context(), s.svc, actor, audit.PolicyDraftEdit, r.PathValue("id"), headerOf(in), func(ctx context.Context) (err error) {
		v, err = s.svc.UpdateDraft(ctx, actor, r.PathValue("id"), id, in)
		return err
	})
	if err != nil {
		return draftError(w, r, err)
	}
	writeJSON(w, http.StatusOK, s.packVersionOut(v, true))
	return nil
}

// PublishBody says when a published draft takes effect.
type PublishBody struct {
	EffectiveFrom string `json:"effective_from,omitempty"` // default: the draft's
	AllowPast     bool   `json:"allow_past,omitempty"`     // take effect before today
}

func (s *Server) publishDraft(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "draft")
	if err != nil {
		return err
	}
	var b PublishBody
	if err := decodeOptionalJSON(w, r, &b); err != nil {
		return err
	}
	d, err := s.svc.Draft(r.Context(), actor, r.PathValue("id"), id)
	if err != nil {
		return err
	}
	var v *rma.PackVersion
	changes := []audit.Change{{Field: "version", To: d.Version}, {Field: "effective_from", To: cmp.Or(b.EffectiveFrom, d.EffectiveFrom.String())}}
	err = recordPolicy(r.Context(), s.svc, actor, audit.PolicyPublish, r.PathValue("id"), changes, func(ctx context.Context) (err error) {
		v, err = s.svc.PublishDraft(ctx, actor, r.PathValue("id"), id, rma.PublishOptions{EffectiveFrom: b.EffectiveFrom, AllowPast: b.AllowPast})
		return err
	})
	if err != nil {
		return draftError(w, r, err)
	}
	writeJSON(w, http.StatusOK, s.packVersionOut(v, false))
	return nil
}

func (s *Server) discardDraft(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "draft")
	if err != nil {
		return err
	}
	d, err := s.svc.Draft(r.Context(), actor, r.PathValue("id"), id)
	if err != nil {
		return err
	}
	var v *rma.PackVersion
	err = recordPolicy(r.Context(), s.svc, actor, audit.PolicyDiscard, r.PathValue("id"), []audit.Change{{Field: "draft", From: d.Version}}, func(ctx context.Context) (err error) {
		v, err = s.svc.DiscardDraft(ctx, actor, r.PathValue("id"), id)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.packVersionOut(v, false))
	return nil
}

// DiffOut is two versions compared: rule by rule, and as text.
type DiffOut struct {
	Policy  string          `json:"policy"`
	From    string          `json:"from"`
	To      string          `json:"to"`
	Changes []policy.Change `json:"changes"`
}

func (s *Server) policyDiff(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	from, to, err := s.svc.PackDiffPair(r.Context(), actor, r.PathValue("id"), r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	changes, err := policy.DiffSources([]byte(from.Source), []byte(to.Source))
	if err != nil {
		return rma.Invalid("to", "%v", err)
	}
	if changes == nil {
		changes = []policy.Change{}
	}
	writeJSON(w, http.StatusOK, DiffOut{Policy: from.PolicyID, From: versionRef(from), To: versionRef(to), Changes: changes})
	return nil
}

func versionRef(v *rma.PackVersion) string {
	if v.State == rma.PackDraft {
		return fmt.Sprintf("draft:%d", v.ID)
	}
	return v.Version
}

func (s *Server) retireVersion(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, version := r.PathValue("id"), r.PathValue("version")
	var none struct{} // retiring takes no options: an empty or absent body
	if err := decodeOptionalJSON(w, r, &none); err != nil {
		return err
	}
	if _, err := s.svc.PackVersions(r.Context(), actor, id); err != nil {
		return err
	}
	var v *rma.PackVersion
	err := recordPolicy(r.Context(), s.svc, actor, audit.PolicyRetire, id, []audit.Change{{Field: "version", From: version}}, func(ctx context.Context) (err error) {
		v, err = s.svc.RetireVersion(ctx, actor, id, version)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.packVersionOut(v, false))
	return nil
}
