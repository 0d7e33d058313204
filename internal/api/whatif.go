package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/whatif"
)

// WhatIfBody is POST /api/v1/policies/{id}/whatif: a draft of the policy,
// as YAML text (draft_yaml) or, once the desk keeps drafts, by its id
// (draft), and the filing days to replay.
type WhatIfBody struct {
	DraftYAML string `json:"draft_yaml"`
	DraftName string `json:"draft_name"` // shown in findings; default draft.yaml
	Draft     int64  `json:"draft"`      // a stored draft (WhatIfDrafts)
	From      string `json:"from"`
	To        string `json:"to"`
	Detail    int    `json:"detail"` // changed lines kept whole (default 100)
	Sample    int    `json:"sample"` // a random sample of this many lines
	Seed      uint64 `json:"seed"`
	Every     int    `json:"every"` // every k-th line
}

// WhatIfDrafts finds a stored draft of a policy for a what-if: the
// policy store (issue 15) implements it once drafts live in the database.
type WhatIfDrafts interface {
	DraftSource(ctx context.Context, policyID string, draft int64) (whatif.DraftSource, error)
}

// storedDrafts are the drafts the desk keeps (whatif.Stored).
type storedDrafts struct{ svc *rma.Service }

func (d storedDrafts) DraftSource(ctx context.Context, policyID string, id int64) (whatif.DraftSource, error) {
	return whatif.Stored(ctx, d.svc, policyID, id)
}

// whatifSlots bounds the replays running at once: each keeps a core busy
// for seconds over a large history, and the desk has other work.
var whatifSlots = make(chan struct{}, 2)

func (s *Server) whatifRoutes() []Route {
	return []Route{{Method: "POST", Path: v1 + "/policies/{id}/whatif", Op: rma.OpWhatIf, handler: s.whatIf}}
}

func (s *Server) whatIf(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id := r.PathValue("id")
	if s.svc.Policies().Latest(id) == nil {
		return rma.Errorf(rma.ENOTFOUND, "no policy %q", id)
	}
	var body WhatIfBody
	if err := decodeWhatIf(w, r, &body); err != nil {
		return err
	}
	req, err := s.whatifRequest(r.Context(), id, &body)
	if err != nil {
		return err
	}
	h, ok := s.svc.Store().(whatif.History)
	if !ok {
		return rma.Errorf(rma.EINTERNAL, "this store cannot replay history")
	}
	desk := whatif.Desk{History: h, Policies: s.svc.Policies()}
	if as, ok := s.svc.Store().(audit.Store); ok {
		desk.Audit = as
	}
	select {
	case whatifSlots <- struct{}{}:
		defer func() { <-whatifSlots }()
	case <-r.Context().Done():
		return r.Context().Err()
	}
	rep, err := desk.Run(r.Context(), actor, req)
	var le *whatif.LintError
	if errors.As(err, &le) {
		writeLintProblem(w, r, le)
		return nil
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// maxWhatIfBytes bounds the body: a policy file may be 4 MiB (the
// loader's limit), escaped in JSON.
const maxWhatIfBytes = 5 << 20

// decodeWhatIf is decodeJSON for a body that carries a whole policy file:
// its one long string is the draft, which the policy loader checks line by
// line, so the API's bound on a string's length does not apply.
func decodeWhatIf(w http.ResponseWriter, r *http.Request, v *WhatIfBody) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &badRequest{status: http.StatusUnsupportedMediaType, detail: fmt.Sprintf("Content-Type %q: send application/json", ct)}
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWhatIfBytes))
	if err != nil {
		return jsonError(err)
	}
	if !utf8.Valid(data) {
		return rma.Invalid(invalidUTF8Field(data), "must be UTF-8") // policystore.go
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return &badRequest{status: http.StatusBadRequest, detail: "unexpected data after the JSON object"}
	}
	if strings.ContainsRune(v.DraftYAML, 0) {
		return rma.Invalid("draft_yaml", "must not hold a NUL character")
	}
	return nil
}

// whatifRequest checks the body, naming the field at fault.
func (s *Server) whatifRequest(ctx context.Context, id string, b *WhatIfBody) (whatif.Request, error) {
	req := whatif.Request{Query: whatif.Query{PolicyID: id},
		Options: whatif.Options{Detail: b.Detail, Random: b.Sample, Seed: b.Seed, Every: b.Every}}
	for _, f := range []struct {
		name, v string
		to      *calendar.Date
	}{{"from", b.From, &req.Query.From}, {"to", b.To, &req.Query.To}} {
		if f.v == "" {
			continue
		}
		d, err := calendar.ParseDate(f.v)
		if err != nil {
			return req, rma.Invalid(f.name, "%q is not a day in the form YYYY-MM-DD", f.v)
		}
		*f.to = d
	}
	if err := checkText("draft_name", b.DraftName, 200); err != nil {
		return req, err
	}
	if err := checkText("draft_yaml", b.DraftYAML, rma.MaxPackBytes); err != nil {
		return req, err
	}
	switch {
	case b.Detail < 0 || b.Detail > whatif.MaxKept:
		return req, rma.Invalid("detail", "must be from 0 to %d", whatif.MaxKept)
	case b.Sample < 0 || b.Sample > whatif.MaxKept:
		return req, rma.Invalid("sample", "must be from 0 to %d", whatif.MaxKept)
	case b.Every < 0:
		return req, rma.Invalid("every", "must be 0 or more")
	case b.Draft != 0 && b.DraftYAML != "":
		return req, rma.Invalid("draft", "give draft_yaml or draft, not both")
	case b.Draft < 0:
		return req, rma.Invalid("draft", "must be a stored draft's id")
	case b.Draft != 0:
		if s.drafts == nil {
			return req, rma.Invalid("draft", "this desk keeps no drafts: send the draft's YAML as draft_yaml")
		}
		src, err := s.drafts.DraftSource(ctx, id, b.Draft)
		if err != nil {
			return req, err
		}
		req.Draft = src
	case b.DraftYAML == "":
		return req, rma.Invalid("draft_yaml", "required: the draft policy's YAML (or draft, a stored draft's id)")
	default:
		req.Draft = whatif.Pasted{Name: b.DraftName, YAML: []byte(b.DraftYAML)}
	}
	return req, nil
}

// writeLintProblem answers 422 with the draft's findings, each on its
// line, as an extension member of the problem.
func writeLintProblem(w http.ResponseWriter, r *http.Request, le *whatif.LintError) {
	p := struct {
		Problem
		Findings []Finding `json:"findings"`
	}{Problem: Problem{Type: "about:blank", Title: http.StatusText(http.StatusUnprocessableEntity), Status: http.StatusUnprocessableEntity,
		Detail: "the draft has problems: " + le.Error(), Instance: r.URL.Path}}
	for _, is := range le.Issues {
		p.Findings = append(p.Findings, Finding{File: is.File, Line: is.Line, Column: is.Column, Path: is.Path, Message: is.Msg}) // Finding: policystore.go
		p.Errors = append(p.Errors, FieldProblem{Field: "draft_yaml", Detail: is.String()})
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusUnprocessableEntity)
	_ = json.NewEncoder(w).Encode(p)
}
