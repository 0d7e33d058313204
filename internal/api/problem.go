package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Problem is an RFC 9457 problem detail. Errors names each bad field.
type Problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Errors   []FieldProblem `json:"errors,omitempty"`
	Allowed  []rma.Action   `json:"allowed_actions,omitempty"`
}

// FieldProblem is what is wrong with one field.
type FieldProblem struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// statusOf maps the domain's error codes to HTTP, in this one place.
var statusOf = map[string]int{
	rma.EINVALID:      http.StatusUnprocessableEntity,
	rma.ENOTFOUND:     http.StatusNotFound,
	rma.ECONFLICT:     http.StatusConflict,
	rma.EPRECONDITION: http.StatusPreconditionFailed,
	rma.EFORBIDDEN:    http.StatusForbidden,
	rma.EUNAUTHORIZED: http.StatusUnauthorized,
	rma.EINTERNAL:     http.StatusInternalServerError,
}

func writeProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	p.Instance = r.URL.Path
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="rmadesk"`)
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// badRequest is a problem in the request itself (not JSON, too large, wrong
// content type): it carries its status.
type badRequest struct {
	status int
	field  string
	detail string
}

func (b *badRequest) Error() string { return b.detail }

// writeError turns any error into a problem. Domain errors keep their
// message; anything else is logged and shown as a bare 500, since its text
// may hold internals.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var bad *badRequest
	if errors.As(err, &bad) {
		p := Problem{Status: bad.status, Detail: bad.detail}
		if bad.field != "" {
			p.Errors = []FieldProblem{{Field: bad.field, Detail: bad.detail}}
			p.Detail = bad.field + ": " + bad.detail
		}
		writeProblem(w, r, p)
		return
	}
	var e *rma.Error
	if !errors.As(err, &e) && r.Context().Err() != nil && errors.Is(err, r.Context().Err()) {
		// The client went away (or gave up waiting): nothing failed on
		// this side, and nobody reads the answer. 499 is what proxies log.
		s.log.DebugContext(r.Context(), "request abandoned by the client", "method", r.Method, "path", r.URL.Path)
		w.WriteHeader(499)
		return
	}
	if !errors.As(err, &e) {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeProblem(w, r, Problem{Status: http.StatusInternalServerError, Detail: "internal error; it has been logged"})
		return
	}
	p := Problem{Status: statusOf[e.Code], Detail: e.Error(), Allowed: e.Allowed}
	if p.Status == 0 {
		p.Status = http.StatusInternalServerError
	}
	if e.Field != "" {
		p.Errors = []FieldProblem{{Field: e.Field, Detail: e.Message}}
	}
	writeProblem(w, r, p)
}

// maxJSONBytes bounds a JSON request body: an RMA of 200 lines fits easily.
const maxJSONBytes = 1 << 20

// decodeJSON reads a JSON body strictly: the right content type, a bounded
// size, one object, no unknown fields.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeJSONMax(w, r, v, maxJSONBytes)
}

// decodeJSONMax is decodeJSON with another bound on the body: a load of
// the serial registry's units (registry.go).
func decodeJSONMax(w http.ResponseWriter, r *http.Request, v any, maxJSONBytes int64) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &badRequest{status: http.StatusUnsupportedMediaType, detail: fmt.Sprintf("Content-Type %q: send application/json", ct)}
		}
	}
	if r.ContentLength > maxJSONBytes {
		return jsonError(&http.MaxBytesError{Limit: maxJSONBytes})
	}
	// Read whole (it is small), so that the strings can be checked against
	// the bytes sent: encoding/json replaces invalid UTF-8 silently.
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBytes))
	if err != nil {
		return jsonError(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		err := jsonError(err)
		if br, ok := err.(*badRequest); ok && br.field != "" {
			if path := badFieldPath(data, v); path != "" {
				br.field = path
			}
		}
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return &badRequest{status: http.StatusBadRequest, detail: "unexpected data after the JSON object"}
	}
	return checkJSONText(data)
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		return &badRequest{status: http.StatusRequestEntityTooLarge, detail: fmt.Sprintf("request body larger than %d bytes", maxErr.Limit)}
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return &badRequest{status: http.StatusUnprocessableEntity, field: field, detail: fmt.Sprintf("must be %s, not a JSON %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)}
	case errors.As(err, &syntaxErr):
		return &badRequest{status: http.StatusBadRequest, detail: fmt.Sprintf("malformed JSON at byte %d", syntaxErr.Offset)}
	case errors.Is(err, io.EOF):
		return &badRequest{status: http.StatusBadRequest, detail: "empty body: expected a JSON object"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &badRequest{status: http.StatusBadRequest, detail: "malformed JSON: unexpected end of body"}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		field, err := strconv.Unquote(name)
		if err != nil {
			field = strings.Trim(name, `"`)
		}
		if field == "" {
			field = `""` // {"": 1}: a field must be named, even an empty name
		}
		return &badRequest{status: http.StatusUnprocessableEntity, field: field, detail: "unknown field"}
	}
	return &badRequest{status: http.StatusBadRequest, detail: msg}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "bool":
		return "true or false"
	case "int", "int64", "float64", "uint8":
		return "a number"
	}
	return goKind
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	_ = enc.Encode(v)
}
